"""Calibration: the jitter null, the popularity null, the tests and the edge choice
(cibscan.coordination.calibration)."""

from __future__ import annotations

import random

import ibis
import numpy as np
import pandas as pd
import pytest

from cibscan.coordination.calibration import (
    benjamini_hochberg,
    choose_edges,
    coaction_floor,
    null_probability,
    p_value_floor,
    popularity_units,
    synchrony_tests,
    synchrony_units,
    worth_testing,
)
from cibscan.coordination.engine import account_index, coaction_rows, key_stats, pair_items, pair_stats, prepare_traces


def _p(gap, w=60, j=300):
    return float(ibis.literal(0).cast("float64").name("x").as_table().select(p=null_probability(gap, w, j)).execute()["p"][0])


def test_null_probability_closed_form():
    assert _p(0) == pytest.approx(1 - (1 - 60 / 300) ** 2)  # 0.36
    assert _p(360) == pytest.approx(0.0) and _p(1000) == pytest.approx(0.0)
    values = [_p(g) for g in (0, 30, 60, 120, 240, 350)]
    assert values == sorted(values, reverse=True)


def test_null_probability_matches_simulated_jitter():
    rng = np.random.default_rng(0)
    for gap in (0, 45, 200):
        u = rng.uniform(-150, 150, size=(200_000, 2))
        sim = np.mean(np.abs(gap + u[:, 0] - u[:, 1]) <= 60)
        assert _p(gap) == pytest.approx(sim, abs=0.005)


@pytest.mark.parametrize("p, q, cut", [
    ([0.001, 0.002, 0.03, 0.5], 0.05, 0.002),  # 0.03 > 0.05 * 3 / 4 = 0.0375? no: 0.03 <= 0.0375 -> 0.03
    ([0.2, 0.3], 0.05, 0.0),
    ([], 0.05, 0.0),
    ([0.01, 0.04], 0.05, 0.04),
])
def test_benjamini_hochberg(p, q, cut):
    expected = 0.03 if p == [0.001, 0.002, 0.03, 0.5] else cut
    assert benjamini_hochberg(np.array(p), q) == pytest.approx(expected)


def _tr(rows):
    df = pd.DataFrame(rows, columns=["account_id", "post_id", "kind", "key_text", "at"])
    df["key"] = pd.factorize(df["kind"] + ":" + df["key_text"])[0].astype("int64")
    df["item"] = df["key"]
    t = ibis.memtable(df)
    index = account_index(t)
    return prepare_traces(t, index, key_stats(t), 0), index, t


def _tests(rows, window=60, jitter=300.0):
    tr, index, _ = _tr(rows)
    pairs = pair_stats(pair_items(coaction_rows(tr, {"repost": window})))
    units = synchrony_units(tr, pairs.select("kind", "a", "b"), {"repost": window}, {"repost": jitter})
    df = synchrony_tests(pairs.join(units, ["kind", "a", "b"]).to_pandas())
    names = dict(zip(*index.to_pandas()[["aid", "account_id"]].T.values))
    df["pair"] = df["a"].map(names) + "-" + df["b"].map(names)
    return df.set_index("pair")


def test_synchronous_pair_against_spread_pair():
    rng = random.Random(1)
    rows = []
    for k in range(20):
        t0 = 100_000 * k
        rows += [("bot1", f"b1_{k}", "repost", f"t{k}", t0 + 5), ("bot2", f"b2_{k}", "repost", f"t{k}", t0 + 8)]
        # two fans: each reposts within about ten minutes, independently
        rows += [("fan1", f"f1_{k}", "repost", f"t{k}", t0 + rng.randrange(0, 600)),
                 ("fan2", f"f2_{k}", "repost", f"t{k}", t0 + rng.randrange(0, 600))]
    df = _tests(rows)
    bots = df.loc["bot1-bot2"]
    assert (bots["units"], bots["hits"]) == (20, 20)
    assert bots["expected"] == pytest.approx(20 * _p(3), rel=0.01)  # one partner post 3 s away per unit
    assert bots["excess"] == pytest.approx(1.0) and bots["p_value"] < 1e-8
    fans = df.loc["fan1-fan2"]
    assert fans["excess"] < 0.5 and fans["p_value"] > 1e-3


def test_units_only_count_posts_with_a_partner_nearby():
    # a posts ten times alone on the target long before b: those posts are no units
    rows = [("a", f"x{i}", "repost", "t", 1000 * i) for i in range(10)]
    rows += [("a", "y", "repost", "t", 50_000), ("b", "z", "repost", "t", 50_010)]
    df = _tests(rows)
    r = df.loc["a-b"]
    assert (r["units_a"], r["units_b"], r["units"], r["hits"]) == (1, 1, 1, 1)


def test_choose_edges_masks_and_reports():
    tests = pd.DataFrame({
        "kind": "repost", "a": [1, 2, 3, 4], "b": [9, 9, 9, 9], "n_occasions": [12, 9, 8, 3],
        "p_value": [1e-9, 1e-6, 1e-6, 0.4], "excess": [0.95, 0.3, 0.8, 0.1],
    })
    keep, th = choose_edges("repost", 60, 300.0, tests, pairs_any=40, min_occasions=2, max_chance_share=0.05, min_excess=0.5)
    assert keep.tolist() == [True, False, True, False]  # the second is significant but not synchronous enough
    assert th.n_candidates == 4 and th.n_edges == 2 and th.threshold == 8
    assert th.p_cutoff == pytest.approx(1e-6) and th.chance_share == pytest.approx(4 * 1e-6 / 3)
    assert th.pairs_any == 40
    none, th0 = choose_edges("link", 60, 300.0, tests.iloc[0:0], pairs_any=0, min_occasions=2, max_chance_share=0.05, min_excess=0.5)
    assert th0.n_edges == 0 and th0.threshold == 2 and th0.chance_share == 0.0


def test_content_kinds_ignore_the_excess_floor():
    tests = pd.DataFrame({"kind": "text", "a": [1], "b": [2], "n_occasions": [5], "p_value": [1e-9], "excess": [0.1]})
    keep, _ = choose_edges("text", 86400, 432000.0, tests, pairs_any=1, min_occasions=2, max_chance_share=0.05, min_excess=0.5)
    assert keep.tolist() == [True]


def test_popularity_null_rare_shared_messages_beat_popular_ones():
    rows = []
    # a and b share 4 rare messages (nobody else); c and d share 4 memes everybody posts
    for m in range(4):
        rows += [("a", f"a{m}", "text", f"rare{m}", 10 * m), ("b", f"b{m}", "text", f"rare{m}", 10 * m + 5)]
        rows += [("c", f"c{m}", "text", f"meme{m}", 10 * m), ("d", f"d{m}", "text", f"meme{m}", 10 * m + 5)]
        rows += [(f"u{i}", f"u{i}_{m}", "text", f"meme{m}", 5000 + i) for i in range(30)]
    for acc in "abcd":  # everyone also writes unique posts
        rows += [(acc, f"{acc}own{i}", "text", f"{acc}own{i}", 90_000 + i) for i in range(6)]
    tr, index, t = _tr(rows)
    pairs = pair_stats(pair_items(coaction_rows(tr, {"text": 86400})))
    indexed = t.join(index, "account_id").select("kind", "aid", "key")
    units = popularity_units(indexed, key_stats(t), pairs)
    df = synchrony_tests(pairs.join(units, ["kind", "a", "b"]).to_pandas())
    names = dict(zip(*index.to_pandas()[["aid", "account_id"]].T.values))
    df = df.set_index(df["a"].map(names) + df["b"].map(names))
    assert df.loc["ab", "hits"] == 4 and df.loc["ab", "units"] == 4  # units: shared messages only (own posts are no units)
    assert df.loc["ab", "expected"] < 0.5 and df.loc["ab", "p_value"] < 1e-3
    assert df.loc["cd", "expected"] > 1 and df.loc["cd", "p_value"] > df.loc["ab", "p_value"] * 1000


def _brute_units(rows, windows, jitters):
    """The definition, post by post: units of a are its posts on a key with a post of b within
    J + W; a unit hits when one is within W; under the null it hits with 1 - prod(1 - p)."""
    from itertools import combinations

    df = pd.DataFrame(rows, columns=["account_id", "post_id", "kind", "key_text", "at"])
    out = {}
    for (kind, a, b) in {(k, *sorted(p)) for k, g in df.groupby("kind") for p in combinations(sorted(set(g["account_id"])), 2)}:
        w, j = windows[kind], jitters[kind]
        g = df[df["kind"] == kind]
        for side, me, other in (("a", a, b), ("b", b, a)):
            units = hits = 0
            expected = 0.0
            for pid, mine in g[g["account_id"] == me].groupby("post_id"):
                # one gap per partner post (a post pair sharing several keys counts once)
                partner = {}
                for _, r1 in mine.iterrows():
                    for _, r2 in g[(g["account_id"] == other) & (g["key_text"] == r1["key_text"])].iterrows():
                        gap = abs(int(r1["at"]) - int(r2["at"]))
                        partner[r2["post_id"]] = min(gap, partner.get(r2["post_id"], gap))
                near = {q: gap for q, gap in partner.items() if gap <= w + np.ceil(j)}
                if not near:
                    continue
                units += 1
                hits += any(gap <= w for gap in near.values())
                expected += 1 - np.prod([1 - min(max(_p(gap, w, j), 0.0), 1.0) for gap in near.values()])
            out[(kind, a, b, side)] = (units, hits, expected)
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_synchrony_units_equal_the_definition_on_both_paths(seed):
    """The short cut (single-key kinds, no account posting a key twice) and the general path
    (repeated keys; several tags per post) give the definition's numbers."""
    rng = random.Random(seed)
    rows = []
    for i in range(60):
        acc = rng.choice("abcd")
        key = f"k{rng.randrange(6)}"
        rows.append((acc, f"r{i}", "repost", key, rng.randrange(0, 900)))
    for i in range(12):  # keys no account reposts twice: the short cut
        for acc in rng.sample("abcd", rng.choice([2, 3, 4])):
            rows.append((acc, f"s{i}{acc}", "repost", f"s{i}", 1000 * i + rng.randrange(0, 400)))
    for i in range(25):  # tags: a post can carry two of them
        acc, at = rng.choice("abc"), rng.randrange(0, 900)
        for tag in rng.sample(["x", "y", "z"], rng.choice([1, 2])):
            rows.append((acc, f"h{i}", "hashtag", tag, at))
    windows, jitters = {"repost": 60, "hashtag": 60}, {"repost": 300.0, "hashtag": 300.0}
    tr, index, _ = _tr(rows)
    pairs = pair_stats(pair_items(coaction_rows(tr, windows)))
    got = synchrony_units(tr, pairs.select("kind", "a", "b"), windows, jitters).to_pandas()
    names = dict(zip(*index.to_pandas()[["aid", "account_id"]].T.values))
    want = _brute_units(rows, windows, jitters)
    assert len(got)
    for r in got.itertuples():
        a, b = names[r.a], names[r.b]
        for side in ("a", "b"):
            units, hits, expected = want[(r.kind, a, b, side)]
            assert getattr(r, f"units_{side}") == units and getattr(r, f"hits_{side}") == hits, (r, side)
            assert getattr(r, f"expected_{side}") == pytest.approx(expected, abs=1e-9)


def _tri_p(gap, w, j):
    """The jitter null's probability, in numpy (the closed form of ``null_probability``)."""
    def cdf(x):
        x = np.clip(x, -j, j)
        return np.where(x <= 0, (x + j) ** 2 / (2 * j * j), 1 - (j - x) ** 2 / (2 * j * j))
    return np.clip(cdf(w - gap) - cdf(-w - gap), 0.0, 1.0)


def test_p_value_floor_is_reached_by_hits_at_the_window_edge():
    h = _p(60)  # a unit whose partner is exactly one window away
    assert h == pytest.approx(0.32)
    floor = p_value_floor([2, 3, 5, 8], 60, 300.0)
    assert floor == pytest.approx([h ** c for c in (2, 3, 5, 8)])
    # c hits at the edge and nothing else: the test gives exactly the floor
    for c in (2, 5):
        t = synchrony_tests(pd.DataFrame({"units_a": [c], "hits_a": [c], "expected_a": [c * h],
                                          "units_b": [c], "hits_b": [c], "expected_b": [c * h]}))
        assert t["p_value"][0] == pytest.approx(h ** c)


@pytest.mark.parametrize("seed", range(4))
def test_p_value_floor_bounds_every_pair(seed):
    """Random pairs (units with random gaps; hits within the window): no p-value falls below
    the floor of its co-action count, which is at least its hits."""
    rng = np.random.default_rng(seed)
    w, j = 60.0, 300.0
    rows, counts = [], []
    for _ in range(400):
        n = int(rng.integers(1, 60))
        hit = rng.random(n) < rng.random()
        gaps = np.where(hit, rng.uniform(0, w, n), rng.uniform(w + 1, w + j, n))
        # a unit's null probability: 1 - prod(1 - p) over its partners (here one, sometimes two)
        p = 1 - (1 - _tri_p(gaps, w, j)) * np.where(rng.random(n) < 0.3, 1 - _tri_p(rng.uniform(0, w + j, n), w, j), 1.0)
        hits, expected = int(hit.sum()), float(p.sum())
        rows.append({"units_a": n, "hits_a": hits, "expected_a": expected, "units_b": n, "hits_b": hits, "expected_b": expected})
        counts.append(hits + int(rng.integers(0, 3)))  # co-actions: at least the hits
    t = synchrony_tests(pd.DataFrame(rows))
    floor = p_value_floor(counts, w, j)
    assert (t["p_value"].to_numpy() >= floor * (1 - 1e-9)).all()
    assert (t["p_value"].to_numpy() < 0.01).any()  # the sample reaches small p-values


def test_coaction_floor_tightens_to_what_bh_could_keep():
    h = 0.32
    counts = pd.DataFrame({"n_coactions": [2, 3, 4, 5, 10], "n": [1000, 100, 50, 20, 5]})
    # q alone allows c >= 5 (h^4 = 0.0105 > 0.01); then at most 25 of 1175 pairs can be kept,
    # so a kept p-value is at most 0.01 * 25 / 1175 = 2.1e-4, which needs c >= 8: only c = 10
    assert h ** 4 > 0.01 > h ** 5
    assert coaction_floor(counts, 60, 300.0, 0.01) == 10
    assert coaction_floor(pd.DataFrame({"n_coactions": [2, 3], "n": [500, 20]}), 60, 300.0, 0.01) is None
    assert coaction_floor(counts.iloc[0:0], 60, 300.0, 0.01) is None


@pytest.mark.parametrize("seed", range(5))
def test_skipping_untestable_pairs_keeps_the_bh_cutoff(seed):
    """Benjamini-Hochberg over every candidate equals BH over those at or above the testable
    floor with m counting all: the skipped p-values all lie above the cutoff."""
    rng = np.random.default_rng(seed)
    m = 3000
    c = rng.choice([2, 3, 4, 5, 6, 8, 12, 20], size=m, p=[0.6, 0.15, 0.08, 0.05, 0.04, 0.03, 0.03, 0.02])
    p = np.minimum(p_value_floor(c, 60, 300.0) * np.exp(rng.uniform(0, 4, m)), 1.0)
    counts = pd.DataFrame({"n_coactions": c}).value_counts().rename("n").reset_index()
    f = coaction_floor(counts, 60, 300.0, 0.01)
    full = benjamini_hochberg(p, 0.01)
    assert full > 0 and f is not None and (c < f).sum() > m / 2
    assert benjamini_hochberg(p[c >= f], 0.01, m) == full
    assert (p[c < f] > full).all()


def test_worth_testing_keeps_the_pairs_at_or_above_each_kinds_floor():
    c = [2] * 1000 + [3] * 100 + [4] * 50 + [5] * 20 + [10] * 5
    df = pd.DataFrame({"kind": "repost", "a": range(len(c)), "b": range(1, len(c) + 1), "n_coactions": c})
    df = pd.concat([df, pd.DataFrame({"kind": "hashtag", "a": [1, 2], "b": [3, 4], "n_coactions": [2, 3]})])
    tested, skipped = worth_testing(ibis.memtable(df), {"repost": 60, "hashtag": 60}, {"repost": 300.0, "hashtag": 300.0}, 0.01)
    got = tested.to_pandas()
    assert set(got["kind"]) == {"repost"} and (got["n_coactions"] == 10).all() and len(got) == 5  # floor 10, as above
    assert skipped == len(df) - 5  # hashtag: no pair can pass
