import math

from cibscan.report.layout import cluster_layout, sunflower


def test_sunflower_unit_spacing_and_centre():
    pts = sunflower(200)
    assert pts[0] == (0.0, 0.0)
    nearest = min(math.dist(pts[i], pts[j]) for i in range(200) for j in range(i))
    assert nearest > 0.5  # points never pile up


def test_clusters_do_not_overlap_and_layout_is_deterministic():
    members = [(f"C{c}", f"a{c}_{i}", float(i)) for c, size in enumerate([50, 20, 7, 3, 1]) for i in range(size)]
    pos = cluster_layout(members)
    assert pos == cluster_layout(list(members))
    assert len(pos) == len(members)
    by_cluster = {}
    for c, a, _ in members:
        by_cluster.setdefault(c, []).append(pos[a])
    centres = {c: (sum(x for x, _ in p) / len(p), sum(y for _, y in p) / len(p)) for c, p in by_cluster.items()}
    for c, pts in by_cluster.items():
        for d, other in by_cluster.items():
            if c < d:
                # every member is nearer its own cluster's centre than any member of another cluster is
                assert min(math.dist(p, q) for p in pts for q in other) >= 1.0


def test_strongest_member_is_in_the_centre_and_duplicates_placed_once():
    pos = cluster_layout([("C1", "weak", 0.1), ("C1", "strong", 9.0), ("C1", "mid", 1.0), ("C2", "strong", 5.0)])
    assert set(pos) == {"weak", "strong", "mid"}  # "strong" stays in C1, its first cluster
    # Vogel spiral: index 0 at the centre, index i at radius sqrt(i); strongest first
    assert math.isclose(math.dist(pos["strong"], pos["mid"]), 1.0, abs_tol=1e-2)
    assert math.isclose(math.dist(pos["strong"], pos["weak"]), math.sqrt(2), abs_tol=1e-2)
