"""CooRTweet equality: our co-share pairs equal CooRTweet's ``detect_groups`` definition.

``reference_detect_groups`` is a line-by-line transcription of CooRTweet's R code
(``R/detect_groups.R``, ``R/calc_group_combinations.R``; defaults time_window = 10,
min_participation = 2, remove_loops = TRUE) in pandas, written for this test; see
``cibscan.coordination.coortweet`` for the definition in words.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from cibscan.coordination.coortweet import coshare_pairs, detect_groups, from_traces
from tests.conftest import post, shared_file


def reference_detect_groups(x: pd.DataFrame, time_window=10, min_participation=2) -> pd.DataFrame:
    # (R's as.factor: ids become integer codes while pairs are formed, strings again at the end)
    codes, labels = pd.factorize(pd.concat([x["object_id"], x["account_id"], x["content_id"]], ignore_index=True))
    n = len(x)
    x = pd.DataFrame({"object_id": codes[:n], "account_id": codes[n:2 * n], "content_id": codes[2 * n:],
                      "timestamp_share": x["timestamp_share"].to_numpy()})
    # x <- x[, if (.N >= min_participation) .SD, by = account_id]
    x = x[x.groupby("account_id")["account_id"].transform("size") >= min_participation].reset_index(drop=True)
    # result <- x[, calc_group_combinations(.SD, time_window), by = object_id]
    # calc_group_combinations: group[group, on = .(id < id)] keeps abs(time_delta) <= time_window,
    # time_delta = timestamp_share - i.timestamp_share: a self-join within each object on row order
    g = x.assign(id=np.arange(len(x)))
    m = g.merge(g, on="object_id", suffixes=("", "_y"))
    m = m[m["id"] < m["id_y"]]
    m = m.assign(time_delta=m["timestamp_share"] - m["timestamp_share_y"])
    result = m[m["time_delta"].abs() <= time_window][
        ["object_id", "content_id", "content_id_y", "time_delta", "account_id", "account_id_y"]]
    # do_remove_loops
    result = result[result.object_id != result.content_id]
    result = result[result.object_id != result.content_id_y]
    result = result[result.content_id != result.content_id_y]
    result = result[result.account_id != result.account_id_y]
    # filter_min_participation
    content_ids = set(result.content_id) | set(result.content_id_y)
    filt = x[x.content_id.isin(content_ids)]
    filt = filt[filt.groupby("account_id")["account_id"].transform("size") >= min_participation]
    keep = set(filt.content_id)
    result = result[result.content_id.isin(keep) | result.content_id_y.isin(keep)]
    ids = ["object_id", "content_id", "content_id_y", "account_id", "account_id_y"]
    return result.assign(**{c: np.asarray(labels, dtype=object)[result[c].to_numpy()] for c in ids})


def pairs(df: pd.DataFrame) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for p in zip(df["account_id"], df["account_id_y"])}


def rows(df: pd.DataFrame) -> set[tuple]:
    return {(o, *sorted((c1, c2))) for o, c1, c2 in zip(df["object_id"], df["content_id"], df["content_id_y"])}


def test_definition_on_hand_made_rows():
    x = pd.DataFrame([
        # object, account, content, time
        ("o1", "a", "a1", 100), ("o1", "b", "b1", 110), ("o1", "c", "c1", 111),  # a-b at exactly 10 s, b-c 1 s, a-c 11 s
        ("o2", "a", "a2", 500), ("o2", "b", "b2", 505),
        ("o3", "d", "d1", 0),  # d has one row: pre-filtered
        ("o3", "c", "c2", 5),
        ("o4", "e", "e1", 0), ("o4", "e", "e2", 1),  # a loop: same account
        ("c3", "f", "c3", 9), ("c3", "g", "g1", 9), ("x", "g", "g2", 0), ("x", "f", "f9", 900),  # object == content: a loop
    ], columns=["object_id", "account_id", "content_id", "timestamp_share"])
    ref = reference_detect_groups(x)
    got = detect_groups(ibis.memtable(x)).to_pandas()
    assert pairs(ref) == pairs(got) == {("a", "b"), ("b", "c")}
    assert rows(ref) == rows(got)
    older = got[got.object_id == "o1"].set_index("content_id_y")
    assert older.loc["b1", "account_id"] == "a" and older.loc["b1", "time_delta"] == 10


def _load_russian():
    x = pd.read_csv(shared_file("coortweet_russian_coord_tweets.csv.gz"), dtype=str)
    x["timestamp_share"] = x["timestamp_share"].astype(float).astype("int64")
    return x


@pytest.mark.realdata
def test_equals_coortweet_on_its_russian_example():
    x = _load_russian()
    ref = reference_detect_groups(x)
    got = detect_groups(ibis.memtable(x)).to_pandas()
    assert len(ref) > 400  # the example data does hold coordination (447 rows)
    assert pairs(got) == pairs(ref)
    assert rows(got) == rows(ref)
    assert sorted(got["time_delta"]) == sorted(np.abs(ref["time_delta"]))
    cp = coshare_pairs(ibis.memtable(x)).to_pandas()
    assert set(zip(cp.account_a, cp.account_b)) == pairs(ref)


@pytest.mark.realdata
@pytest.mark.parametrize("time_window, min_participation", [(60, 3)])
def test_equals_coortweet_with_other_settings(time_window, min_participation):
    x = _load_russian()
    ref = reference_detect_groups(x, time_window, min_participation)
    got = detect_groups(ibis.memtable(x), time_window, min_participation).to_pandas()
    assert pairs(got) == pairs(ref) and rows(got) == rows(ref)


@pytest.mark.realdata
@pytest.mark.parametrize("column", ["url_id"])
def test_equals_coortweet_on_the_german_election_example(column):
    g = pd.read_csv(shared_file("coortweet_german_elections.csv.gz"), dtype=str)
    g = g[g[column].notna() & g["post_id"].notna()]
    x = pd.DataFrame({"object_id": g[column], "account_id": g["account_id"], "content_id": g["post_id"],
                      "timestamp_share": g["timestamp"].astype(float).astype("int64")})
    ref = reference_detect_groups(x)
    got = detect_groups(ibis.memtable(x)).to_pandas()
    assert pairs(got) == pairs(ref) and rows(got) == rows(ref)


def test_from_traces_reads_repost_traces(ws):
    from cibscan.traces import build_traces

    ws.add_records([
        post(1, "a", 0, kind="repost", ref_post_id="o1"), post(2, "b", 4, kind="repost", ref_post_id="o1"),
        post(3, "a", 100, kind="repost", ref_post_id="o2"), post(4, "b", 103, kind="repost", ref_post_id="o2"),
    ])
    x = from_traces(build_traces(ws, ["repost"]), "repost")
    cp = coshare_pairs(x).to_pandas()
    assert cp[["account_a", "account_b", "n", "n_objects"]].values.tolist() == [["a", "b", 2, 2]]
