"""The co-action engine (cibscan.coordination.engine) on hand-made traces with known pairs."""

from __future__ import annotations

import itertools
import random

import ibis
import numpy as np
import pandas as pd
import pytest

from cibscan.coordination.engine import (
    MIN_BUDGET_CAP,
    account_index,
    budget_caps,
    busy_pairs,
    coaction_rows,
    daily_firsts,
    edge_gaps,
    edge_weights,
    hub_keys,
    key_stats,
    pair_items,
    pair_stats,
    prepare_traces,
    tfidf_vectors,
)


def traces(rows) -> ibis.Table:
    """A traces table from ``(account, post, kind, key_text, at[, item])`` tuples."""
    out = []
    for r in rows:
        acc, pid, kind, text, at = r[:5]
        key = abs(hash((kind, text))) % (2**62)
        item = r[5] if len(r) > 5 else key
        out.append({"account_id": acc, "post_id": pid, "kind": kind, "key": key, "key_text": text, "at": at, "item": item})
    df = pd.DataFrame(out).astype({"key": "int64", "at": "int64", "item": "int64"})
    return ibis.memtable(df)


def run(rows, windows, hub_cap=5000):
    t = traces(rows)
    stats = key_stats(t)
    index = account_index(t)
    tr = prepare_traces(t, index, stats, hub_cap)
    co = coaction_rows(tr, windows).to_pandas()
    names = dict(zip(*index.to_pandas()[["aid", "account_id"]].T.values))
    co["acc_l"] = co["aid_l"].map(names)
    co["acc_r"] = co["aid_r"].map(names)
    return co, t, index, stats, tr


def pairs_of(co):
    return sorted(zip(co["post_l"], co["post_r"]))


def test_window_edges_exactly_w_counts_w_plus_one_does_not():
    rows = [("a", "p1", "repost", "X", 1000), ("b", "p2", "repost", "X", 1060), ("c", "p3", "repost", "X", 1061)]
    co, *_ = run(rows, {"repost": 60})
    assert pairs_of(co) == [("p1", "p2"), ("p2", "p3")]  # a-c is 61 s apart
    assert co.set_index("post_r").loc["p2", "gap"] == 60


def test_identical_timestamps_give_one_pair():
    rows = [("a", "p1", "repost", "X", 500), ("b", "p2", "repost", "X", 500)]
    co, *_ = run(rows, {"repost": 10})
    assert len(co) == 1 and co.iloc[0]["gap"] == 0
    assert co.iloc[0]["acc_l"] == "a"  # ties: the smaller account id on the left


def test_an_account_repeating_a_key_alone_pairs_with_nobody():
    rows = [("a", f"p{i}", "hashtag", "spam", 100 + i) for i in range(10)]
    co, *_ = run(rows, {"hashtag": 60})
    assert co.empty


def test_keys_do_not_mix_across_kinds_or_keys():
    rows = [("a", "p1", "repost", "X", 0), ("b", "p2", "link", "X", 1), ("c", "p3", "repost", "Y", 2)]
    co, *_ = run(rows, {"repost": 60, "link": 60})
    assert co.empty


def test_kinds_without_a_window_are_skipped_and_windows_differ_per_kind():
    rows = [("a", "p1", "repost", "X", 0), ("b", "p2", "repost", "X", 100),
            ("a", "q1", "text", "T", 0), ("b", "q2", "text", "T", 100),
            ("a", "m1", "mention", "@z", 0), ("b", "m2", "mention", "@z", 1)]
    co, *_ = run(rows, {"repost": 60, "text": 300})
    assert sorted(co["kind"]) == ["text"]


def test_hub_keys_are_dropped_and_reported():
    rows = [(f"u{i}", f"p{i}", "hashtag", "news", i) for i in range(8)]
    rows += [("u0", "q0", "hashtag", "rare", 0), ("u1", "q1", "hashtag", "rare", 5)]
    co, t, index, stats, tr = run(rows, {"hashtag": 60}, hub_cap=5)
    assert set(co["post_l"]) | set(co["post_r"]) == {"q0", "q1"}
    hubs = hub_keys(stats, 5).to_pandas()
    assert hubs[["kind", "key_text", "n_accounts", "n_posts"]].values.tolist() == [["hashtag", "news", 8, 8]]
    # no cap: the hub pairs everyone
    co2, *_ = run(rows, {"hashtag": 60}, hub_cap=0)
    assert len(co2) == 28 + 1


def test_keys_of_one_account_never_reach_the_join():
    rows = [("a", "p1", "link", "x.org", 0), ("a", "p2", "link", "x.org", 1), ("b", "p3", "link", "y.org", 1)]
    _, _, _, _, tr = run(rows, {"link": 60})
    assert tr.count().execute() == 0


def brute_force(rows, windows):
    out = set()
    for x, y in itertools.combinations(rows, 2):
        if x[2] != y[2] or x[3] != y[3] or x[0] == y[0] or x[2] not in windows:
            continue
        if abs(x[4] - y[4]) <= windows[x[2]]:
            out.add(tuple(sorted((x[1], y[1]))))
    return sorted(out)


@pytest.mark.parametrize("seed", range(6))
def test_bucketed_join_equals_all_pairs(seed):
    """Property: the bucketed equi-join finds exactly the pairs an all-pairs scan finds,
    whatever the bucket boundaries (random times, windows, ties)."""
    rng = random.Random(seed)
    windows = {"repost": rng.choice([1, 7, 60]), "hashtag": rng.choice([5, 300])}
    rows = []
    for i in range(250):
        kind = rng.choice(list(windows))
        rows.append((f"a{rng.randrange(25)}", f"p{i}", kind, f"k{rng.randrange(6)}", rng.randrange(0, 1500)))
    co, *_ = run(rows, windows)
    got = sorted(tuple(sorted(p)) for p in zip(co["post_l"], co["post_r"]))
    assert got == brute_force(rows, windows)
    assert (co["at_l"] <= co["at_r"]).all()
    assert len(got) == len(set(got))  # each pair once


def test_origin_keeps_negative_times_correct():
    rows = [("a", "p1", "repost", "X", -61), ("b", "p2", "repost", "X", -1), ("c", "p3", "repost", "X", 59)]
    t = traces(rows)
    stats, index = key_stats(t), account_index(t)
    tr = prepare_traces(t, index, stats)
    co = coaction_rows(tr, {"repost": 60}, origin=-61).to_pandas()
    assert sorted(zip(co["post_l"], co["post_r"])) == [("p1", "p2"), ("p2", "p3")]


def test_pair_items_and_stats_count_distinct_targets():
    rows = [
        # a and b share X twice within the window (two co-actions, one target) and Y once
        ("a", "p1", "repost", "X", 0), ("b", "p2", "repost", "X", 3), ("b", "p3", "repost", "X", 5),
        ("a", "p4", "repost", "Y", 100), ("b", "p5", "repost", "Y", 110),
        # c shares Y with both, too late for a (gap 61) but in time for b
        ("c", "p6", "repost", "Y", 161),
    ]
    co, t, index, *_ = run(rows, {"repost": 60})
    items = pair_items(ibis.memtable(co.drop(columns=["acc_l", "acc_r"])))
    stats = pair_stats(items).to_pandas()
    names = dict(zip(*index.to_pandas()[["aid", "account_id"]].T.values))
    stats["pair"] = [names[a] + names[b] for a, b in zip(stats["a"], stats["b"])]
    s = stats.set_index("pair")
    assert s.loc["ab", "n_shared"] == 2 and s.loc["ab", "n_coactions"] == 3
    assert s.loc["ab", "min_gap_s"] == 3
    assert s.loc["bc", "n_shared"] == 1 and s.loc["bc", "min_gap_s"] == 51
    assert "ac" not in s.index


def test_occasions_are_at_most_a_day_long_even_in_a_week_window():
    """Regression (bench/coordination_sim.py at 50k posts): with the week-long text window, the
    same line posted together on four days of one week counted as one occasion, so pairs of an
    operation's accounts stayed under ``text_min_occasions``. A day-sized occasion counts four."""
    day = 86_400
    rows = [r for d in range(4) for r in (("a", f"a{d}", "text", "L", d * day + 100), ("b", f"b{d}", "text", "L", d * day + 400))]
    co, t, index, *_ = run(rows, {"text": 7 * day})
    stats = pair_stats(pair_items(ibis.memtable(co.drop(columns=["acc_l", "acc_r"])))).to_pandas()
    assert len(stats) == 1 and stats["n_occasions"].iloc[0] == 4 and stats["n_shared"].iloc[0] == 1
    # short windows keep window-sized occasions: two co-actions 10 minutes apart in one hour window
    rows = [("a", "p1", "repost", "X", 0), ("b", "p2", "repost", "X", 30), ("a", "p3", "repost", "X", 600), ("b", "p4", "repost", "X", 630)]
    co, *_ = run(rows, {"repost": 3600})
    stats = pair_stats(pair_items(ibis.memtable(co.drop(columns=["acc_l", "acc_r"])))).to_pandas()
    assert stats["n_occasions"].iloc[0] == 1


def test_tfidf_weight_is_a_cosine_over_coaction_keys():
    rows = [
        ("a", "p1", "link", "u1", 0), ("b", "p2", "link", "u1", 5),
        ("a", "p3", "link", "u2", 100), ("b", "p4", "link", "u2", 104),
        ("c", "p5", "link", "u3", 0), ("a", "p6", "link", "u3", 9999),  # shared but never together
        ("d", "p7", "link", "u4", 0),
    ]
    co, t, index, stats, tr = run(rows, {"link": 60})
    items = pair_items(ibis.memtable(co.drop(columns=["acc_l", "acc_r"])))
    indexed = t.join(index, "account_id").select("kind", "aid", "key")
    w, norms = tfidf_vectors(indexed)
    weights = edge_weights(items, w, norms).to_pandas()
    assert len(weights) == 1
    # by hand: N = 4 accounts; u1, u2, u3 have df 2 -> idf ln 2; tf 1
    idf = np.log(2)
    a_norm = np.sqrt(3) * idf  # a uses u1, u2, u3
    b_norm = np.sqrt(2) * idf
    assert weights["weight"].iloc[0] == pytest.approx(2 * idf * idf / (a_norm * b_norm))
    gaps = edge_gaps(items).to_pandas()
    assert gaps["median_gap_s"].iloc[0] == pytest.approx(4.5)


def test_account_index_is_dense_and_ordered():
    t = traces([("b", "p1", "link", "x", 0), ("a", "p2", "link", "x", 0), ("c", "p3", "link", "x", 0), ("a", "p4", "link", "y", 0)])
    idx = account_index(t).to_pandas().sort_values("account_id")
    assert idx["account_id"].tolist() == ["a", "b", "c"]
    assert idx["aid"].tolist() == sorted(idx["aid"]) and idx["aid"].nunique() == 3


def test_pair_budget_lowers_a_kinds_hub_cap_most_used_keys_first():
    """A kind whose keys would pair more traces than the budget loses its most used keys; the
    other kinds and keys used by at most MIN_BUDGET_CAP accounts are kept."""
    big = MIN_BUDGET_CAP + 50
    rows = [(f"u{i}", f"v{i}", "repost", "viral", 10) for i in range(big)]  # one burst: big**2/2 pairs
    rows += [(f"u{i}", f"c{i}", "repost", "campaign", 500) for i in range(20)]
    rows += [(f"u{i}", f"h{i}", "hashtag", "tag", 10) for i in range(big)]
    t = traces(rows)
    stats, index = key_stats(t), account_index(t)
    tr = prepare_traces(t, index, stats, 5000)
    windows = {"repost": 60, "hashtag": 60}
    budget = {"repost": 20 * 20 // 2 + 10, "hashtag": big * big}
    caps = {k: budget_caps(tr, stats, windows, hub_cap=5000, pair_budget=b)[k] for k, b in budget.items()}
    assert caps == {"repost": MIN_BUDGET_CAP, "hashtag": 5000}
    hubs = hub_keys(stats, caps).to_pandas()
    assert hubs["key_text"].tolist() == ["viral"]
    kept = prepare_traces(t, index, stats, caps).to_pandas()
    assert set(kept.loc[kept["kind"] == "repost", "post_id"].str[0]) == {"c"}
    # no budget, or a budget everything fits in: the caps stay
    assert budget_caps(tr, stats, windows, hub_cap=5000, pair_budget=0) == {"repost": 5000, "hashtag": 5000}
    assert budget_caps(tr, stats, windows, hub_cap=0, pair_budget=10**9) == {"repost": 0, "hashtag": 0}
    # the floor: keys of at most MIN_BUDGET_CAP accounts stay even when they alone exceed the budget
    assert budget_caps(tr, stats, windows, hub_cap=5000, pair_budget=1)["repost"] == MIN_BUDGET_CAP


def test_content_kinds_join_one_trace_per_account_message_and_day():
    """An account repeating a line many times a day pairs once per day with a partner; days
    (occasions) and shared messages are unchanged; other kinds keep every trace."""
    day = 86_400
    rows = [("a", f"a{d}-{i}", "text", "L", d * day + 100 + i) for d in range(3) for i in range(30)]
    rows += [("b", f"b{d}", "text", "L", d * day + 400) for d in range(3)]
    rows += [("a", f"r{i}", "repost", "X", 50 + i) for i in range(3)] + [("b", "rb", "repost", "X", 60)]
    t = traces(rows)
    stats, index = key_stats(t), account_index(t)
    tr = prepare_traces(t, index, stats)
    firsts = daily_firsts(tr, ["text"]).to_pandas()
    text = firsts[firsts["kind"] == "text"]
    assert len(text) == 6 and set(text.loc[text["post_id"].str.startswith("a"), "post_id"]) == {"a0-0", "a1-0", "a2-0"}
    assert (firsts["kind"] == "repost").sum() == 4
    full = pair_stats(pair_items(coaction_rows(tr, {"text": 7 * day, "repost": 60}))).to_pandas().set_index("kind")
    less = pair_stats(pair_items(coaction_rows(daily_firsts(tr, ["text"]), {"text": 7 * day, "repost": 60}))).to_pandas().set_index("kind")
    assert full.loc["text", "n_coactions"] == 90 * 3 and less.loc["text", "n_coactions"] == 3 * 3
    for col in ("n_shared", "n_occasions"):
        assert full.loc["text", col] == less.loc["text", col]
    assert full.loc["repost"].equals(less.loc["repost"])


@pytest.mark.parametrize("seed", range(3))
def test_busy_pairs_keep_every_pair_that_reaches_its_floor(seed):
    """Pairs with fewer co-actions than a kind's floor of occasions are dropped before the
    per-item statistics; the pairs reaching the floor and the count of all pairs are those of
    the statistics over every pair."""
    rng = random.Random(seed)
    windows = {"repost": 60, "hashtag": 300}
    rows = [(f"a{rng.randrange(30)}", f"p{i}", kind, f"k{rng.randrange(8)}", rng.randrange(0, 4000))
            for i, kind in enumerate(rng.choice(list(windows)) for _ in range(400))]
    _, t, index, stats, tr = run(rows, windows)
    floors = {"repost": 2, "hashtag": 3}
    co = coaction_rows(tr, windows)
    every = pair_stats(pair_items(co)).to_pandas()
    busy, pairs_any = busy_pairs(co, floors)
    got = pair_stats(pair_items(busy)).to_pandas()
    want = every[every["n_occasions"] >= every["kind"].map(floors)]
    got = got[got["n_occasions"] >= got["kind"].map(floors)]
    key = ["kind", "a", "b"]
    assert len(want) and len(got) < len(every)
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True), want.sort_values(key).reset_index(drop=True))
    assert dict(pairs_any.to_pandas().values) == every.groupby("kind").size().to_dict()
