import doctest

import pyarrow as pa
import pytest

import cibscan.rank as rank_mod
from cibscan.detect import run_scan
from cibscan.findings import Finding, Findings, store_findings
from cibscan.rank import STATEMENT_LIMITS, build_rankings, combine_confidence

from .detect.scenes import amplifier_scene, flood_scene


def test_doctests():
    assert doctest.testmod(rank_mod).failed == 0


@pytest.mark.parametrize("grades,want", [
    (["high"], "high"), (["medium", "low"], "medium"), (["medium", "medium"], "high"),
    (["low"], "low"), (["low", "low", "low"], "medium"), ([], "low"),
])
def test_combine_confidence(grades, want):
    assert combine_confidence(grades) == want


def _finding(det, fid, accounts, score, conf, roles=None):
    return Finding(det, "cluster", fid, f"{det} {fid}", f"summary of {fid}.", tuple(accounts), score, conf, roles=roles or {})


def test_combination_rules(ws):
    store_findings(ws, {
        "coordination": Findings("coordination", {}, [_finding("coordination", "C1", ["a", "b", "c"], 0.8, "medium"),
                                                      _finding("coordination", "C2", ["a"], 0.3, "low")]),
        "impersonation": Findings("impersonation", {}, [_finding("impersonation", "I1", ["a", "victim"], 0.5, "medium",
                                                                 roles={"victim": "original", "a": "impersonator"})]),
    })
    out = build_rankings(ws)
    rows = {r["account_id"]: r for r in out["accounts_ranked"].to_pylist()}
    assert "victim" not in rows, "the account an impersonator copies is not a suspect"
    a = rows["a"]
    assert a["rank"] == 1 and a["confidence"] == "high", "two detectors at medium"
    assert a["score"] == pytest.approx(1 - 0.2 * 0.5)
    assert a["detectors"] == ["coordination", "impersonation"] and a["n_findings"] == 3
    assert a["finding_keys"][0] == "coordination:C1", "the strongest finding of each detector"
    assert rows["b"]["confidence"] == "medium" and rows["b"]["score"] == pytest.approx(0.8)
    assert STATEMENT_LIMITS in a["statement"] and "summary of C1" in a["statement"]
    clusters = out["clusters_ranked"].to_pylist()
    assert [c["cluster_key"] for c in clusters] == ["coordination:C1"], "I1 implicates one account only; C2 one"
    assert clusters[0]["corroboration_share"] == pytest.approx(1 / 3, abs=1e-3)
    assert clusters[0]["detectors"] == ["coordination", "impersonation"]
    assert ws.has_table("accounts_ranked") and ws.has_table("clusters_ranked")


def test_run_scan_ranks_flooders_first_and_spares_sources(ws):
    posts, accounts, truth = flood_scene()
    ws.add_records(posts, accounts, source="flood")
    posts, accounts, amps = amplifier_scene()
    ws.add_records(posts, accounts, source="amp")
    run_scan(ws, detect=["floods", "personas", "amplifiers"])
    ranked = ws.to_pandas("accounts_ranked")
    top = set(ranked.account_id[:25])
    assert top == truth["flooders"], "flood drivers flagged by floods and personas come first"
    assert set(ranked.account_id) == truth["flooders"] | amps
    assert "src" not in set(ranked.account_id), "the amplified source is not implicated"
    assert not set(ranked.account_id) & truth["organic"], "organic trend participants are not flagged"


def test_empty_workspace_gives_empty_tables(ws):
    out = build_rankings(ws)
    assert out["accounts_ranked"].num_rows == 0 and out["clusters_ranked"].num_rows == 0
    assert list(ws.table("accounts_ranked").schema().names) == out["accounts_ranked"].schema.names
