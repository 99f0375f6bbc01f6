"""Combining kinds and clustering (cibscan.coordination.clustering)."""

from __future__ import annotations

import pandas as pd
import pytest

from cibscan.coordination.clustering import chance_reach, cluster_score, combine_edges, describe_clusters, leiden_membership


def edge(a, b, kind="repost", n=4, w=0.5, strength=2.0, gap=3.0, first=0, last=100):
    return {"a": a, "b": b, "kind": kind, "n_shared": n, "n_occasions": n, "n_coactions": n, "weight": w,
            "units": n, "hits": n, "expected": n / 3, "p_value": 1e-6, "excess": 1.0,
            "strength": strength, "min_gap_s": gap, "median_gap_s": gap, "first_at": first, "last_at": last}


def two_cliques():
    rows = []
    for group in ([1, 2, 3, 4], [10, 11, 12]):
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                rows.append(edge(a, b))
    rows.append(edge(1, 2, kind="link", n=3, w=0.25, strength=1.5, gap=1.0, first=-5, last=50))
    rows.append(edge(4, 10, w=0.01, strength=1.0))  # a weak bridge between the groups
    rows.append(edge(20, 21))  # a lone pair
    return pd.DataFrame(rows)


def test_combine_sums_weights_and_lists_kinds():
    c = combine_edges(two_cliques()).set_index(["a", "b"])
    r = c.loc[(1, 2)]
    assert r["n_shared"] == 7 and r["weight"] == pytest.approx(0.75)
    assert r["kinds"] == ["repost", "link"]  # strongest first
    assert r["strength"] == 2.0 and r["min_gap_s"] == 1.0 and r["first_at"] == -5 and r["last_at"] == 100
    assert len(c) == 6 + 3 + 1 + 1


def test_leiden_finds_the_two_groups_and_is_seeded():
    comb = combine_edges(two_cliques())
    m = leiden_membership(comb, seed=1)
    assert len({m[a] for a in (1, 2, 3, 4)}) == 1 and len({m[a] for a in (10, 11, 12)}) == 1
    assert m[1] != m[10] and m[20] == m[21]
    assert leiden_membership(comb, seed=1) == m
    assert leiden_membership(pd.DataFrame(columns=comb.columns)) == {}


def test_describe_clusters_metrics_and_min_size():
    per_kind = two_cliques()
    comb = combine_edges(per_kind)
    m = leiden_membership(comb, seed=0)
    clusters, members, cluster_of = describe_clusters(comb, per_kind, m, min_size=3)
    assert clusters["size"].tolist() == [4, 3]  # the lone pair is below min_size
    big = clusters.iloc[0]
    assert big["cluster_id"] == "C1" and big["n_edges"] == 6 and big["density"] == 1.0
    assert big["kinds"] == ["repost", "link"]
    assert big["signals"] == 1  # link binds 1 of 6 edges: not an independent signal (< 20%)
    assert big["start"] == -5 and big["end"] == 100
    assert set(members[members.cluster_id == "C1"]["aid"]) == {1, 2, 3, 4}
    assert members[members.aid == 1]["degree"].iloc[0] == 3
    assert 20 not in cluster_of and cluster_of[12] == "C2"
    assert (members.groupby("aid").size() == 1).all()  # one cluster per account


def test_score_grows_with_strength_and_density():
    assert cluster_score(1.0, 1.0) == pytest.approx(0.5)
    assert cluster_score(2.0, 1.0) == pytest.approx(0.75)
    assert cluster_score(2.0, 0.0) < cluster_score(2.0, 1.0)
    assert 0.0 <= cluster_score(0.0, 0.0) < cluster_score(50.0, 1.0) <= 1.0


def test_chance_reach_from_the_expected_chance_edges():
    """Under half an expected chance edge: no extra reach; the 1M-post text case: about 2."""
    assert chance_reach(0.0075, 0.3, 0.01) == 1.0
    assert chance_reach(0.0, 10.0, 0.01) == 1.0
    assert chance_reach(0.007524, 36.4, 0.01) == pytest.approx(2.0, abs=0.02)
    assert chance_reach(0.007524, 364.0, 0.01) > chance_reach(0.007524, 36.4, 0.01)


def test_a_cluster_of_edges_within_chance_reach_is_graded_low():
    """Two triangles of equal size and density: the one whose edges chance edges of their kind
    could reach is low, the other keeps its grade (regression: organic meme posters at 1M
    simulated posts were a medium-confidence text cluster)."""
    rows = [edge(a, b, kind="text", strength=1.3) for a, b in ((1, 2), (1, 3), (2, 3))]
    rows += [edge(a, b, kind="text", strength=4.5) for a, b in ((5, 6), (5, 7), (6, 7))]
    per_kind = pd.DataFrame(rows)
    comb = combine_edges(per_kind)
    membership = {1: 0, 2: 0, 3: 0, 5: 1, 6: 1, 7: 1}
    plain, *_ = describe_clusters(comb, per_kind, membership)
    graded, *_ = describe_clusters(comb, per_kind, membership, chance_reach={"text": 2.0})
    grade = lambda t: dict(zip(t["size"].astype(str) + t["strength"].round(1).astype(str), t["confidence"]))
    assert grade(plain) == {"31.3": "medium", "34.5": "high"}
    assert grade(graded) == {"31.3": "low", "34.5": "high"}
