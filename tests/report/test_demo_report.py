"""The demo's own report (``cibscan demo``, what the README's first command writes) in a real
browser: it opens without console errors or outside requests, the network canvas is drawn,
clicking a cluster shows its members and evidence, every section opens, and a screenshot is
kept in ``test-artifacts/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from cibscan.cli import main

from .browser import browser_missing, canvas_colours, chromium, open_report

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("demo") / "demo"
    assert main(["demo", "-o", str(out), "--posts", "10000", "--seed", "3"]) == 0
    return out / "report.html"


def test_demo_report_opens_draws_and_answers_clicks(demo_report):
    with chromium() as browser:
        page, log = open_report(browser, str(demo_report))
        assert "10,000" in page.inner_text("#section-overview")
        for sec in page.eval_on_selector_all("nav button", "bs => bs.map(b => b.dataset.section)"):
            page.click(f"nav button[data-section={sec}]")
            page.wait_for_timeout(100)
        page.click("nav button[data-section=network]")
        page.wait_for_selector("#sigma-container[data-drawn='1']", timeout=60_000)
        page.wait_for_timeout(300)
        assert canvas_colours(page, "#sigma-container") > 4
        rows = page.locator("#clusters-table tbody tr")
        assert rows.count() >= 1, "the demo's planted campaigns form coordination clusters"
        rows.first.click()
        page.wait_for_selector("#cluster-detail[data-cluster]")
        shown = int(page.get_attribute("#cluster-members", "data-shown"))
        assert shown >= 2 and page.locator("#cluster-detail .ev").count() >= 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "demo-report-network.png"))
        assert log.errors == [] and log.console_errors == [] and log.outside_requests == []
        page.close()
