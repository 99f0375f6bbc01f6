import doctest

import pyarrow as pa
import pytest

import cibscan.detect.floods as floods_mod
from cibscan.detect.floods import FloodsDetector, auto_bin_seconds, detect, normalise_phrase, score_burst
from cibscan.errors import ParameterError

from ..conftest import account, post
from .scenes import flood_scene


@pytest.fixture
def flooded(ws):
    posts, accounts, truth = flood_scene()
    ws.add_records(posts, accounts)
    return ws, truth


def test_doctests():
    assert doctest.testmod(floods_mod).failed == 0


def test_flood_ranks_first_and_organic_trend_ranks_low(flooded):
    ws, truth = flooded
    f = detect(ws)
    bursts = f.tables["bursts"].to_pylist()
    assert [b["key"] for b in bursts[:2]] == ["flood", "organic"], "both bursts found, flood first"
    flood, organic = bursts[0], bursts[1]
    assert flood["score"] >= 0.7 and flood["confidence"] == "high"
    assert organic["score"] < 0.15 and organic["confidence"] == "low"
    assert "organic trend" in organic["reason"] and "near-identical" in flood["reason"]
    assert flood["volume"] == 400 and flood["n_accounts"] == 25
    assert flood["dup_text_share"] == 1.0 and flood["new_account_share"] == 1.0
    assert organic["new_account_share"] == 0.0 and 0.3 < organic["repost_share"] < 0.5
    assert flood["coordinated_share"] is None, "coordination has not run"
    assert flood["baseline_rate"] == 0.0 and flood["peak_rate"] > 10
    # only the flood is a finding, and its drivers are exactly the flooders
    assert [i.id for i in f.items] == [flood["burst_id"]]
    assert set(f.items[0].accounts) == truth["flooders"]
    assert all("daily" != b["key"] for b in bursts), "steady chatter is not a burst"


def test_series_and_accounts_tables(flooded):
    ws, _ = flooded
    f = detect(ws, bin_seconds=3600)
    s = f.tables["series"].to_pandas()
    assert set(s.key) == {"flood", "organic"} and (s.bin_seconds == 3600).all()
    assert s[s.key == "flood"]["count"].sum() == 400
    acc = f.tables["accounts"].to_pandas()
    assert len(acc) == 25 and (acc.n_posts == 16).all() and acc.is_new.all()


def test_coordinated_share_read_from_coordination_members(flooded):
    ws, truth = flooded
    members = sorted(truth["flooders"])[:10]
    ws.write_table("coordination_members", pa.table({
        "cluster_id": ["C1"] * 10, "account_id": members, "degree": [9] * 10, "strength": [1.0] * 10,
    }))
    b = detect(ws).tables["bursts"].to_pylist()
    assert b[0]["coordinated_share"] == pytest.approx(160 / 400)
    assert b[1]["coordinated_share"] == 0.0


def test_phrase_keys(ws):
    ps = [post(i, f"a{i % 40}", 3600 * (i % 200), text=f"ordinary words {i}") for i in range(400)]
    ps += [post(1000 + i, f"b{i % 10}", 150 * 3600 + i * 30, text="STOP the, steal!! They are counting fake ballots https://x.y/z") for i in range(60)]
    ws.add_records(ps, [account(f"b{i}") for i in range(10)])
    f = detect(ws, hashtags=False, phrases=["Stop the steal"], bin_seconds=3600)
    b = f.tables["bursts"].to_pylist()
    assert len(b) == 1 and b[0]["key"] == "stop the steal" and b[0]["key_kind"] == "phrase"
    assert b[0]["volume"] == 60 and b[0]["dup_text_share"] == 1.0


def test_nothing_to_find_is_not_an_error(ws):
    ws.add_records([post(1, "a", text="no tags here")])
    f = detect(ws)
    assert len(f) == 0 and f.tables["bursts"].num_rows == 0 and f.notes


def test_bad_parameters():
    with pytest.raises(ParameterError, match="nothing to test"):
        FloodsDetector(hashtags=False).detect(None)
    with pytest.raises(ParameterError, match="empty once normalised"):
        FloodsDetector(phrases=["!!!"]).detect(None)
    with pytest.raises(ParameterError):
        FloodsDetector(alpha=0.9).get_params()


def test_same_input_same_output(flooded):
    ws, _ = flooded
    a, b = detect(ws), detect(ws)
    assert a.tables["bursts"].equals(b.tables["bursts"])


@pytest.mark.parametrize("q25,q75,n,span,want", [
    (0, 86400 * 15, 10_000_000, 86400 * 30, 21600),
    (0, 3600, 100, 7200, 300),
    (0, 86400 * 300, 1000, 86400 * 365, 604800),
    (0, 10, 5, 86400 * 3650, 21600),  # never more than MAX_BINS bins
])
def test_auto_bin_seconds(q25, q75, n, span, want):
    assert auto_bin_seconds(q25, q75, n, span) == want


def test_normalise_phrase_matches_engine_normalisation():
    assert normalise_phrase("RT @x: Stop   the-Steal! https://t.co/a") == "stop the steal"


def test_score_monotone_in_each_signal():
    base = {"volume": 100, "posts_per_account": 1.0, "top1_share": 0.0, "new_account_share": 0.0, "dup_text_share": 0.0, "coordinated_share": 0.0}
    for m, hi in (("posts_per_account", 20.0), ("top1_share", 1.0), ("new_account_share", 1.0), ("dup_text_share", 1.0), ("coordinated_share", 1.0)):
        assert score_burst(dict(base, **{m: hi}))[0] > score_burst(base)[0]
