"""The coordination detector end to end on hand-made data with known groups and traps."""

from __future__ import annotations

import json

import pytest

from cibscan.detect import DETECTORS
from cibscan.detect.coordination import Coordination, detect
from cibscan.errors import ParameterError
from tests.conftest import post
from tests.coordination.planted import GROUPS, planted_accounts, scanned_workspace


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    ws = scanned_workspace(str(tmp_path_factory.mktemp("coord") / "ws.duckdb"))
    yield ws, stored_findings(ws)
    ws.close()


def stored_findings(ws):
    """The cluster findings as stored (id, accounts, score, confidence, metrics, evidence)."""
    from types import SimpleNamespace

    f = ws.to_pandas("findings")
    acc = ws.to_pandas("finding_accounts")
    ev = ws.to_pandas("evidence")
    out = []
    for r in f.itertuples():
        evidence = [SimpleNamespace(posts=list(e.posts), accounts=list(e.accounts), values=json.loads(e.values), target=e.target, at=e.at)
                    for e in ev[ev.finding_key == r.finding_key].itertuples()]
        out.append(SimpleNamespace(id=r.id, kind=r.kind, accounts=tuple(acc[acc.finding_key == r.finding_key]["account_id"]),
                                   score=r.score, confidence=r.confidence, metrics=json.loads(r.metrics), evidence=evidence))
    return out


def test_registered_first():
    assert next(iter(DETECTORS)) == "coordination"


def test_finds_exactly_the_planted_groups(scanned):
    _, found = scanned
    groups = sorted(sorted(f.accounts) for f in found)
    assert groups == sorted(sorted(g) for g in GROUPS.values())
    assert {a for f in found for a in f.accounts} <= set(planted_accounts())  # precision: no organic account flagged


def test_each_cluster_is_bound_by_its_tactic(scanned):
    _, found = scanned
    tactic = planted_accounts()
    for f in found:
        g = tactic[f.accounts[0]]
        assert g in f.metrics["kinds"], (g, f.metrics["kinds"])
        assert f.kind == "cluster" and f.confidence in ("high", "medium")
        assert 0.5 <= f.score <= 1.0


def test_evidence_is_concrete_and_bounded(scanned):
    _, found = scanned
    for f in found:
        samples = [e for e in f.evidence if e.posts]
        assert 1 <= len(samples) <= 12
        for e in samples:
            assert set(e.accounts) <= set(f.accounts) and len(e.posts) == 2
            assert 0 <= e.values["gap_seconds"] <= e.values["window_s"]
            assert e.target and e.at is not None


def test_tables_are_stored_with_the_contract_columns(scanned):
    ws, _ = scanned
    cols = {
        "coordination_edges": ["account_a", "account_b", "kind", "n_shared", "n_coactions", "weight", "min_gap_s",
                               "median_gap_s", "first_at", "last_at"],
        "coordination_clusters": ["cluster_id", "size", "kinds", "top_targets", "start", "end", "median_gap_s", "density",
                                  "score", "confidence"],
        "coordination_members": ["cluster_id", "account_id", "degree", "strength"],
        "coordination_calibration": ["kind", "window_s", "threshold", "n_edges", "expected_chance_edges", "chance_share"],
        "traces": ["account_id", "post_id", "kind", "key", "key_text", "at"],
    }
    for table, want in cols.items():
        have = ws.table(table).columns
        assert all(c in have for c in want), (table, set(want) - set(have))
    edges = ws.to_pandas("coordination_edges")
    assert (edges["account_a"] < edges["account_b"]).all()
    assert set(edges["kind"]) >= {"combined", "repost", "link", "text"}
    f = ws.to_pandas("findings")
    assert set(f["kind"]) == {"cluster"} and (f["detector"] == "coordination").all()
    assert json.loads(f["params"].iloc[0])["hub_cap"] == 50


def test_traps_produce_no_edge(scanned):
    ws, _ = scanned
    edges = ws.to_pandas("coordination_edges")
    involved = set(edges["account_a"]) | set(edges["account_b"])
    assert "spammer" not in involved  # repeating a hashtag alone
    hubs = ws.to_pandas("coordination_hubs")
    assert "viral" in set(hubs["key_text"])  # the organic hub was dropped and reported
    assert not (set(edges["account_a"]) & {"u1", "u2"} and set(edges["account_b"]) & {"u1", "u2"})  # one tie is chance
    calib = ws.to_pandas("coordination_calibration").set_index("kind")
    assert (calib["threshold"] >= 2).all() and (calib["chance_share"] <= 0.05).all()


def test_same_seed_same_result(scanned):
    ws, found = scanned
    again = detect(ws, hub_cap=50)
    assert [(f.id, tuple(sorted(f.accounts)), round(f.score, 12)) for f in again] == \
        [(f.id, tuple(sorted(f.accounts)), round(f.score, 12)) for f in found]


def test_min_occasions_and_min_excess_decide_what_is_tested_and_kept(ws):
    # a0 and a1 repost the same 8 posts 1 s apart: a synchronous pair
    ws.add_records([post(i, f"a{i % 2}", (i // 2) * 1000 + (i % 2), kind="repost", ref_post_id=f"o{i // 2}") for i in range(16)])
    found = detect(ws, kinds="repost", min_cluster_size=2)
    assert [sorted(f.accounts) for f in found] == [["a0", "a1"]]
    calib = found.tables["calibration"].to_pylist()[0]
    assert calib["n_candidates"] == 1 and calib["n_edges"] == 1 and calib["threshold"] == 8
    assert len(detect(ws, kinds="repost", min_cluster_size=2, min_occasions=9)) == 0  # not even tested
    # a perfectly synchronous pair has an excess of 1; asking for more keeps nothing
    assert found.tables["edges"].to_pandas()["excess"].iloc[0] == pytest.approx(1.0)


def test_bad_parameters_fail_before_work(ws):
    with pytest.raises(ParameterError, match="unknown trace kind"):
        detect(ws, kinds="retweets")
    with pytest.raises(ParameterError, match="window"):
        detect(ws, window="repost=fast")
    with pytest.raises(ParameterError, match="below its minimum"):
        Coordination(hub_cap=-1).get_params()


def test_empty_workspace_finds_nothing(ws):
    ws.add_records([post(1, "a", 0, text="hello")])
    found = detect(ws)
    assert len(found) == 0 and found.tables["edges"].num_rows == 0


def test_every_parameter_is_documented():
    """docs/coordination.md lists every parameter of the detector with its default."""
    import os

    doc = open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "coordination.md"), encoding="utf-8").read()
    table = doc.split("## 6. Parameters", 1)[1].split("\n## ", 1)[0]
    for name, spec in Coordination.params.items():
        assert f"| `{name}` |" in table, f"parameter {name} missing from docs/coordination.md section 6"
        if spec.default is not None:
            row = table.split(f"| `{name}` |", 1)[1].split("\n", 1)[0]
            assert str(spec.default) in row, f"docs give another default for {name}"
