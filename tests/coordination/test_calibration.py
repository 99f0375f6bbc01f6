"""Calibration against time-shuffled copies of the data (cibscan.coordination.calibration)."""

from __future__ import annotations

import random

import ibis
import pandas as pd
import pytest

from cibscan.coordination.calibration import choose_threshold, null_histogram, shuffled_traces
from cibscan.coordination.engine import account_index, key_stats, prepare_traces


def _tr(rows):
    df = pd.DataFrame(rows, columns=["account_id", "post_id", "kind", "key_text", "at"])
    df["key"] = pd.factorize(df["kind"] + ":" + df["key_text"])[0].astype("int64")
    df["item"] = df["key"]
    t = ibis.memtable(df)
    return prepare_traces(t, account_index(t), key_stats(t), 0)


def test_shuffle_permutes_times_within_strata():
    rows = [(f"a{i}", f"p{i}", "repost", f"k{i % 3}", 3600 * (i % 2) + i) for i in range(40)]
    tr = _tr(rows)
    before = tr.to_pandas().sort_values("post_id")
    after = shuffled_traces(tr, seed=1, stratum_s=3600, stratum_posts=1).to_pandas().sort_values("post_id")
    assert len(after) == len(before)
    for s in (0, 1):  # the multiset of times of each stratum is kept
        b = sorted(before[before["at"] // 3600 == s]["at"])
        a = sorted(after[after.post_id.isin(before[before["at"] // 3600 == s]["post_id"])]["at"])
        assert a == b
    assert (after["at"].to_numpy() != before["at"].to_numpy()).any()
    again = shuffled_traces(tr, seed=1, stratum_s=3600, stratum_posts=1).to_pandas().sort_values("post_id")
    assert again["at"].tolist() == after["at"].tolist()  # seeded
    other = shuffled_traces(tr, seed=2, stratum_s=3600, stratum_posts=1).to_pandas().sort_values("post_id")
    assert other["at"].tolist() != after["at"].tolist()


def test_sparse_hours_are_merged_into_strata_of_enough_posts():
    from cibscan.coordination.calibration import strata

    # posts per hour: 5, 1, 1, 7, 2 -> with at least 6 posts per stratum: [5, 1], [1, 7], [2]
    counts = [5, 1, 1, 7, 2]
    rows = [("repost", f"p{h}_{i}", 3600 * h + i) for h, c in enumerate(counts) for i in range(c)]
    posts = ibis.memtable(pd.DataFrame(rows, columns=["kind", "post_id", "at"]).drop(columns="kind"))
    st = strata(posts, 3600, 6).to_pandas().sort_values("slot")
    assert st["stratum"].tolist() == [0, 0, 1, 1, 2]
    # every post is in one stratum and the shuffle never moves a post out of it
    rows2 = [(f"a{i}", pid, "repost", "k", at) for i, (_, pid, at) in enumerate(rows)]
    tr = _tr(rows2)
    after = shuffled_traces(tr, seed=5, stratum_s=3600, stratum_posts=6).to_pandas()
    slot_stratum = dict(zip(st["slot"], st["stratum"]))
    before = dict(zip([r[1] for r in rows], [slot_stratum[r[2] // 3600] for r in rows]))
    assert all(slot_stratum[at // 3600] == before[pid] for pid, at in zip(after["post_id"], after["at"]))


def test_all_traces_of_a_post_keep_one_time():
    rows = [("a", "p1", "hashtag", "x", 10), ("a", "p1", "hashtag", "y", 10), ("b", "p2", "hashtag", "x", 500),
            ("b", "p2", "hashtag", "y", 500), ("c", "p3", "hashtag", "x", 900), ("c", "p3", "hashtag", "y", 900)]
    after = shuffled_traces(_tr(rows), seed=3).to_pandas()
    assert (after.groupby("post_id")["at"].nunique() == 1).all()


def hist(pairs):
    """A histogram frame from {kind: {n_occasions: edges}}."""
    return pd.DataFrame([(k, n, e) for k, d in pairs.items() for n, e in d.items()], columns=["kind", "n", "edges"])


@pytest.mark.parametrize("observed, null, expected", [
    # chance explains pairs sharing 1-2 keys, not 4+
    ({1: 1000, 2: 100, 3: 30, 4: 20, 6: 10}, {1: 1000, 2: 90, 3: 5, 4: 0.5}, (3, 60, 5.5)),
    ({1: 1000, 2: 100, 3: 30, 4: 20, 6: 10}, {1: 1000, 2: 90, 3: 10, 4: 0.5}, (4, 30, 0.5)),
    ({2: 10}, {}, (2, 10, 0.0)),  # nothing by chance: the floor applies
    ({1: 50}, {1: 40}, (2, 0, 0.0)),  # nobody shares two: no edge
])
def test_choose_threshold(observed, null, expected):
    t = choose_threshold("repost", 60, hist({"repost": observed}), hist({"repost": null}), min_occasions=2, max_chance_share=0.1)
    assert (t.threshold, t.n_edges, t.expected_chance_edges) == expected
    assert t.chance_share <= 0.1 and t.calibrated
    assert t.pairs_any == sum(observed.values())


def test_threshold_when_chance_explains_everything_is_above_every_pair():
    t = choose_threshold("link", 60, hist({"link": {2: 10, 3: 5}}), hist({"link": {2: 10, 3: 5}}), max_chance_share=0.05)
    assert t.threshold == 4 and t.n_edges == 0


def test_without_null_threshold_is_the_floor():
    t = choose_threshold("link", 60, hist({"link": {1: 10, 2: 5, 3: 1}}), None, min_occasions=2)
    assert (t.threshold, t.n_edges, t.calibrated) == (2, 6, False)


def test_null_destroys_planted_synchrony_but_keeps_chance():
    """A planted group acting within seconds on 8 keys keeps its edges; the shuffled copy of the
    same data produces (almost) no pair sharing 3+ keys."""
    rng = random.Random(0)
    rows = []
    for k in range(8):  # planted: 5 accounts within 5 s, spread over the day
        t0 = rng.randrange(0, 86400)
        rows += [(f"bot{i}", f"b{k}_{i}", "repost", f"target{k}", t0 + i) for i in range(5)]
    for j in range(3000):  # organic: 200 accounts, 300 targets, random times
        rows.append((f"u{rng.randrange(200)}", f"o{j}", "repost", f"t{rng.randrange(300)}", rng.randrange(0, 86400)))
    tr = _tr(rows)
    null = null_histogram(tr, {"repost": 60}, permutations=2, seed=0)
    assert null[null.n >= 3]["edges"].sum() <= 1
    from cibscan.coordination.calibration import occasion_histogram
    from cibscan.coordination.engine import coaction_rows, pair_items, pair_stats

    obs = occasion_histogram(pair_stats(pair_items(coaction_rows(tr, {"repost": 60}))))
    t = choose_threshold("repost", 60, obs, null)
    assert t.n_edges >= 10  # the 10 planted pairs
