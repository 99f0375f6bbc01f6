import pyarrow as pa
import pytest

import cibscan
from cibscan.report import ReportLimits, collect_report_data, ranked_accounts

from ..conftest import post


def _rows(tbl):
    return [dict(zip(tbl["columns"], r)) for r in tbl["rows"]]


def test_sections_follow_the_tables_present(case_ws, planted):
    d = collect_report_data(case_ws)
    assert {k for k in ("network", "floods", "impersonation", "personas", "accounts_ranked") if d[k]} == {
        "network", "floods", "impersonation", "personas", "accounts_ranked"}
    assert set(d["more"]) == {"laundering_candidates"}  # a detector with no section still shows its table
    assert set(d["impersonation"]) == {"impersonation_pairs", "spoofed_domains_hits"}
    assert d["personas"] == {"personas_batches": d["personas"]["personas_batches"]}


def test_findings_strongest_first_with_members_and_evidence(case_ws, planted):
    d = collect_report_data(case_ws)
    scores = [r["score"] for r in _rows(d["findings"])]
    assert scores == sorted(scores, reverse=True) and len(scores) == 6
    assert [m[0] for m in d["members"]["coordination:C1"]] == sorted(planted["members"]["C1"])
    roles = dict(d["members"]["impersonation:%s-%s" % planted["impersonation"]])
    assert roles == {planted["impersonation"][0]: "original", planted["impersonation"][1]: "impersonator"}
    ev = d["evidence"]["coordination:C1"]
    assert [e["what"] for e in ev] == ["co-link", "co-repost"] and ev[0]["values"]["gap_seconds"] == 4
    posts = {r["post_id"]: r for r in _rows(d["posts"])}
    assert posts["10000000"]["url"] == "https://x.com/i/web/status/10000000"
    assert posts["javascript:window.__pwned='postid'"]["url"] is None  # a hostile id never becomes a link
    assert d["methods"]["detectors"][0]["name"] == "coordination"
    params = dict((p[0], p[1]) for p in d["methods"]["detectors"][0]["params"])
    assert params["window"] == 60


def test_network_nodes_and_only_within_cluster_edges(case_ws, planted):
    d = collect_report_data(case_ws)
    net = d["network"]
    nodes = net["nodes"]["rows"]
    cluster_of = {n[0]: n[1] for n in nodes}
    assert cluster_of == {a: c for c, accs in planted["members"].items() for a in accs}
    assert net["edges"]["rows"]
    for a, b, _ in net["edges"]["rows"]:
        assert cluster_of[nodes[a][0]] == cluster_of[nodes[b][0]]
    capped = collect_report_data(case_ws, limits=ReportLimits(edges_per_node=1))
    kept = capped["network"]["edges"]["rows"]
    assert {i for a, b, _ in kept for i in (a, b)} == set(range(len(nodes)))  # every account keeps its strongest edge
    assert len(kept) <= len(nodes)
    assert capped["network"]["edges"]["total"] == net["edges"]["total"] > len(nodes)


def test_limits_cap_what_is_embedded_and_say_so(case_ws):
    d = collect_report_data(case_ws, limits=ReportLimits(findings=2, ranked_accounts=3, evidence_per_finding=1))
    assert len(d["findings"]["rows"]) == 2 and d["findings"]["total"] == 6
    assert len(d["accounts_ranked"]["rows"]) == 3 and d["accounts_ranked"]["total"] == 14
    assert all(len(v) == 1 for v in d["evidence"].values())


def test_overview_counts_and_rejects_with_raw_text(case_ws):
    o = collect_report_data(case_ws)["overview"]
    assert (o["posts"], o["accounts"], o["rejects"]) == (33, 16, 1)
    (r,) = o["rejects_by_reason"]
    assert r["reason"] == "missing created_at" and r["n"] == 1
    assert "onerror" in r["examples"][0]["raw"]


def test_empty_workspace_reports_only_overview(ws):
    ws.add_records([post(1, "a")])
    d = collect_report_data(ws)
    assert d["findings"]["rows"] == [] and d["network"] is None and d["floods"] is None
    assert d["accounts_ranked"] is None and d["more"] == {}
    assert d["methods"]["detectors"] == []


def test_scan_params_show_detectors_that_found_nothing(ws):
    ws.add_records([post(1, "a")])
    d = collect_report_data(ws, scan_params={"floods": {"bin_seconds": 600}})
    (m,) = d["methods"]["detectors"]
    assert m["name"] == "floods" and m["ran_without_findings"] and m["params"][0][:2] == ["bin_seconds", 600]


def test_ranked_accounts_derived_from_findings(case_ws, planted):
    df = ranked_accounts(case_ws)
    assert list(df.columns) == ["account_id", "handle", "score", "confidence", "detectors", "n_findings", "statement"]
    assert df.score.is_monotonic_decreasing and len(df) == 14
    top = df.iloc[0]
    assert top.account_id in planted["impersonation"] and top.confidence == "high"
    first = df.set_index("account_id").loc["1000"]
    assert list(first.detectors) == ["coordination", "floods", "laundering"] and first.n_findings == 3
    assert "3 finding(s)" in first.statement


def test_ranked_accounts_prefers_the_stored_ranking(tmp_path):
    with cibscan.open_workspace(str(tmp_path / "w.duckdb")) as w:
        assert ranked_accounts(w).empty
        w.write_table("accounts_ranked", pa.table({"account_id": ["a", "b"], "handle": ["x", "y"], "score": [0.1, 0.9],
                                                   "confidence": ["low", "high"], "detectors": [["floods"], ["floods"]],
                                                   "n_findings": [1, 1], "statement": ["s", "t"]}))
        assert list(ranked_accounts(w).account_id) == ["b", "a"]


@pytest.mark.parametrize("value, expected", [(float("nan"), None), (float("inf"), None), (0.123456789, 0.1235)])
def test_non_finite_floats_become_null(value, expected):
    from cibscan.report.tables import jsonable

    assert jsonable(value) == expected
