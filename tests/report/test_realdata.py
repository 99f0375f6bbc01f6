"""The report of a real X/Twitter IO archive file (../shared/data; skipped where absent)."""

import pytest

from cibscan.report import build_report, collect_report_data

from ..conftest import shared_file

pytestmark = pytest.mark.realdata


def test_report_of_a_real_io_archive_with_a_broken_last_row(ws, tmp_path):
    ws.ingest([str(shared_file("x_io_russia_tweets_sample.csv")), str(shared_file("x_io_china_082019_users.csv"))])
    d = collect_report_data(ws)
    o = d["overview"]
    assert (o["posts"], o["rejects"]) == (407, 1)
    (r,) = o["rejects_by_reason"]
    assert r["reason"] == "truncated record" and r["examples"][0]["raw"].startswith('"929990851115212800"')
    assert [s["format"] for s in o["sources"]] == ["x-io-tweets", "x-io-users"]
    summary = build_report(ws, str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert summary.findings == 0 and html.count('id="cibscan-data"') == 1 and '"reason":"truncated record"' in html
