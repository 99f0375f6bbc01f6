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
    (None, {"repost": 60, "text": 7 * 86400}, "default"),
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


def _lines_reused_across_pushes() -> list[dict]:
    """Four accounts post an operation's six lines, each account on its own day of the week
    (never two on the same day); 80 organic accounts write their own texts and 30 one-day
    memes (ten posters each) give the popularity null something popular to compare with."""
    import random

    rng = random.Random(3)
    vocab = [a + b for a in ("ka", "lo", "mi", "su", "te", "ra", "no", "vi", "de", "po") for b in ("ran", "mel", "tos", "vik", "dun", "sal")]

    def text(k=10):
        return " ".join(rng.choice(vocab) for _ in range(k))

    lines = [text(14) for _ in range(6)]
    posts, n = [], 0

    def add(acc, at, body):
        nonlocal n
        n += 1
        posts.append(post(f"t{n}", acc, at, text=body))

    for i in range(4):
        for m, line in enumerate(lines):
            add(f"op{i}", (i + 2 * m) % 7 * 86400 + 36_000 + rng.randrange(3600), line)
    organic = [f"u{i}" for i in range(80)]
    for a in organic:
        for _ in range(5):
            add(a, rng.randrange(7 * 86400), text())
    for k in range(30):
        meme = text(6) + " ☀️"
        for a in rng.sample(organic, 10):
            add(a, k % 7 * 86400 + rng.randrange(86400), meme)
    return posts


def test_text_window_spans_an_operations_pushes(ws):
    """Regression (bench/coordination_sim.py at 100k posts): impersonators posting an
    operation's lines in different pushes were missed with a one-day text window."""
    ws.add_records(_lines_reused_across_pushes())
    tr = build_traces(ws, ["text", "mention"])
    res = find_coordination(tr, kinds=["text"], posts=ws.table("posts"))
    members = res.members.to_pandas()
    assert sorted(members["account_id"]) == ["op0", "op1", "op2", "op3"]
    # the lines are never posted by two of them on the same day: a one-day window sees nothing
    day = find_coordination(tr, kinds=["text"], window="text=86400", posts=ws.table("posts"))
    assert day.members.num_rows == 0


def test_untested_candidates_change_no_edge(ws, monkeypatch):
    """Candidates with too few co-actions to pass are counted, not computed (``coaction_floor``):
    edges, p-values and the calibration table equal those of testing every candidate."""
    import cibscan.coordination.calibration as cal
    from tests.coordination.planted import planted_posts

    posts = planted_posts(0)
    # fans: 40 accounts reposting 30 originals within two minutes, most pairs twice or so
    import random
    rng = random.Random(5)
    for k in range(30):
        for acc in rng.sample([f"fan{i}" for i in range(40)], 12):
            posts.append(post(f"f{k}{acc}", acc, 200_000 + 3600 * k + rng.randrange(120), kind="repost", ref_post_id=f"v{k}"))
    ws.add_records(posts)
    traces = build_traces(ws, ["repost", "link", "hashtag"]).cache()
    floors = []
    real = cal.coaction_floor
    monkeypatch.setattr(cal, "coaction_floor", lambda *a: floors.append(real(*a)) or floors[-1])
    pruned = find_coordination(traces, kinds=["repost", "link", "hashtag"], hub_cap=50)
    monkeypatch.setattr(cal, "coaction_floor", lambda *a: 0)
    every = find_coordination(traces, kinds=["repost", "link", "hashtag"], hub_cap=50)
    assert any(f is None or f > 2 for f in floors)  # something was left untested
    key = ["kind", "account_a", "account_b"]
    a, b = (r.edges.to_pandas().sort_values(key).reset_index(drop=True) for r in (pruned, every))
    assert len(a) and a[key].equals(b[key])
    assert a["p_value"].to_numpy() == pytest.approx(b["p_value"].to_numpy(), rel=1e-9)
    ca, cb = (r.calibration.to_pandas().set_index("kind").sort_index() for r in (pruned, every))
    pd.testing.assert_frame_equal(ca, cb)
    assert ca.loc["repost", "n_candidates"] > 0


def test_a_lowered_hub_cap_gives_what_that_cap_gives(ws):
    """The pair budget lowers repost's cap to MIN_BUDGET_CAP here; the pipeline then narrows
    the traces it prepared instead of preparing them again, and must find exactly what a run
    with that cap from the start finds."""
    from cibscan.coordination.engine import MIN_BUDGET_CAP
    from tests.coordination.planted import planted_posts

    posts = planted_posts(0)
    for k in range(3):  # three viral posts, each reposted by 150 accounts within a minute
        posts += [post(f"v{k}-{i}", f"fan{i}", 300_000 + 7200 * k + i % 60, kind="repost", ref_post_id=f"viral{k}") for i in range(150)]
    ws.add_records(posts)
    traces = build_traces(ws, ["repost", "link"]).cache()
    lowered = find_coordination(traces, kinds=["repost", "link"], pair_budget=1)
    direct = find_coordination(traces, kinds=["repost", "link"], hub_cap=MIN_BUDGET_CAP, pair_budget=0)
    cal = lowered.calibration.to_pandas().set_index("kind")
    assert cal.loc["repost", "hub_cap"] == MIN_BUDGET_CAP and lowered.hubs.num_rows == 3
    key = ["kind", "account_a", "account_b"]
    a, b = (r.edges.to_pandas().sort_values(key).reset_index(drop=True) for r in (lowered, direct))
    assert len(a) and a[key].equals(b[key])
    assert lowered.hubs.to_pandas().equals(direct.hubs.to_pandas())
