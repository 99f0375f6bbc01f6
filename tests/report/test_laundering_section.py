"""The report's laundering section: candidates, aligned posts beside the campaign posts they
match (with both texts), the campaigns; absent when the detector has not run."""

from __future__ import annotations

import pytest

from cibscan.detect import run_scan
from cibscan.report import build_report
from cibscan.report.data import collect_report_data
from tests.detect.laundering_scene import CAMPAIGN, laundering_scene


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    import cibscan

    path = str(tmp_path_factory.mktemp("rep-laund") / "ws.duckdb")
    posts, accounts = laundering_scene()
    with cibscan.open_workspace(path) as ws:
        ws.add_records(posts, accounts)
        plain = collect_report_data(ws)
        run_scan(ws, detect=["laundering"], params={"laundering": {"seed_accounts": CAMPAIGN}})
    return path, plain


def test_section_absent_before_the_detector_runs(scene):
    _, plain = scene
    assert plain["laundering"] is None


def test_section_shows_candidates_and_matched_texts(scene, tmp_path):
    import cibscan

    path, _ = scene
    with cibscan.open_workspace(path, read_only=True) as ws:
        data = collect_report_data(ws)
        summary = build_report(ws, str(tmp_path / "r.html"))
    sec = data["laundering"]
    cand = sec["laundering candidates"]
    assert [r[cand["columns"].index("account_id")] for r in cand["rows"]] == ["launderer"]
    m = sec["aligned posts next to the campaign posts they match"]
    cols = m["columns"]
    assert m["total"] == 20
    for r in m["rows"]:
        assert r[cols.index("account_id")] == "launderer"
        assert r[cols.index("campaign_account_id")] in CAMPAIGN
        assert "harbour" in r[cols.index("text")].lower() and "harbour" in r[cols.index("campaign_text")].lower()
    assert sec["campaigns"]["rows"][0][sec["campaigns"]["columns"].index("source")] == "seed"
    assert "launderer" in {r[0] for r in data["accounts"]["rows"]}
    assert "laundering" in summary.sections
    html = open(tmp_path / "r.html", encoding="utf-8").read()
    assert "Narrative laundering" in html
