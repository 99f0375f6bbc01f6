"""Window resolution and the chained analysis (cibscan.coordination.pipeline)."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from cibscan.coordination.engine import DEFAULT_WINDOWS
from cibscan.coordination.pipeline import find_coordination, resolve_windows
from cibscan.errors import ParameterError
from cibscan.traces import build_traces
from tests.conftest import post


@pytest.mark.parametrize("window, expected, source", [
    (None, {"repost": 60, "text": 86400}, "default"),
    (30, {"repost": 30, "text": 30}, "param"),
    ("45", {"repost": 45, "text": 45}, "param"),
    ("text=600", {"repost": 60, "text": 600}, None),
])
def test_resolve_windows(window, expected, source):
    w, src = resolve_windows(window, ["repost", "text"])
    assert w == expected
    if source:
        assert set(src.values()) == {source}
    else:
        assert src == {"repost": "default", "text": "param"}


@pytest.mark.parametrize("bad", ["fast", "repost=x", "retweet=30", -5])
def test_resolve_windows_rejects_bad_values(bad):
    with pytest.raises(ParameterError):
        resolve_windows(bad, ["repost"])


def test_auto_window_uses_the_estimate_or_falls_back():
    rows = [("repost", k, 100_000 * k + 7 * i) for k in range(12) for i in range(4)]
    tr = ibis.memtable(pd.DataFrame(rows, columns=["kind", "key", "at"]))
    w, src = resolve_windows("auto", ["repost", "link"], tr)
    assert w == {"repost": 14, "link": DEFAULT_WINDOWS["link"]}
    assert src == {"repost": "auto", "link": "default"}


def test_find_coordination_on_a_workspace(ws):
    posts = []
    for k in range(8):
        for i, acc in enumerate(["a", "b", "c"]):
            posts.append(post(f"{k}{acc}", acc, 5000 * k + 3 * i, kind="repost", ref_post_id=f"o{k}"))
    posts.append(post("x1", "d", 10, kind="repost", ref_post_id="o0"))  # one co-action only
    ws.add_records(posts)
    res = find_coordination(build_traces(ws, ["repost"]), kinds=["repost"], window="auto", posts=ws.table("posts"))
    # CooRnet: every key's second share came 3 s after the first, and so did its majority
    assert res.windows["repost"] == 3
    e = res.edges.to_pandas()
    assert sorted(set(e["account_a"] + e["account_b"])) == ["ab", "bc"]  # a and c are 6 s apart
    assert res.clusters.num_rows == 1 and res.members.num_rows == 3
    cal = res.calibration.to_pylist()[0]
    assert cal["window_source"] == "auto" and cal["n_edges"] == 2
    co = res.coactions.to_pandas()
    assert len(co) == 2 * 5 and (co["gap_s"] <= 3).all()  # five samples per edge
