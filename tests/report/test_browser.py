"""The report in a real browser (Debian Chromium via Playwright): hostile data stays inert and
shows literally, nothing is requested, nothing errors, the network is drawn and answers clicks,
and the filters work. Screenshots are kept in ``test-artifacts/``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import cibscan
from cibscan.report import build_report, collect_report_data, render_html

from .browser import browser_missing, canvas_colours, chromium, open_report
from .case import LITERAL_PROBES

pytestmark = pytest.mark.browser

TITLE = "case <script>window.__pwned='title'</script>\u202e"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def reports(case_path, tmp_path_factory):
    """The case's report with its Content-Security-Policy, and the same page without it (to show
    that escaping alone keeps the data inert)."""
    out = tmp_path_factory.mktemp("reports")
    with cibscan.open_workspace(str(case_path[0]), read_only=True) as ws:
        build_report(ws, str(out / "report.html"), title=TITLE)
        (out / "nocsp.html").write_text(render_html(collect_report_data(ws, title=TITLE), csp=False), encoding="utf-8")
    return {"csp": str(out / "report.html"), "nocsp": str(out / "nocsp.html")}


def _visit_everything(page) -> str:
    """Open every section, expand every detail, open every finding and cluster; returns all the
    text the reader was shown on the way."""
    seen = []
    for sec in page.eval_on_selector_all("nav button", "bs => bs.map(b => b.dataset.section)"):
        page.click(f"nav button[data-section={sec}]")
        page.wait_for_timeout(150)
        page.eval_on_selector_all("details", "ds => ds.forEach(d => d.open = true)")
        if sec == "findings":
            for i in range(page.locator("#findings-table tbody tr").count()):
                page.locator("#findings-table tbody tr").nth(i).click()
                seen.append(page.inner_text("#finding-detail"))
        if sec == "network":
            for i in range(page.locator("#clusters-table tbody tr").count()):
                page.locator("#clusters-table tbody tr").nth(i).click()
                seen.append(page.inner_text("#cluster-detail"))
        seen.append(page.inner_text("main"))
    return "\n".join(seen)


@pytest.mark.parametrize("variant", ["csp", "nocsp"])
def test_hostile_data_never_runs_and_shows_literally(browser, reports, variant):
    page, log = open_report(browser, reports[variant])
    text = _visit_everything(page)
    assert page.evaluate("window.__pwned") is None
    # nothing the data held became markup: no handler attributes, no foreign images or scripts
    assert page.evaluate("Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length") == 0
    assert page.evaluate("document.querySelectorAll('img:not([src^=\"data:image/png;base64,\"])').length") == 0
    assert page.evaluate("document.scripts.length") == 5
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(("https://x.com/", "#")) for h in hrefs), hrefs
    # and it is all there, as text, invisible characters marked
    for probe in LITERAL_PROBES:
        assert probe in text, probe
    assert page.title().startswith("case <script>window.__pwned='title'</script>[U+202E]")
    assert log.errors == [] and log.console_errors == []
    assert log.outside_requests == []
    page.close()


def test_network_is_drawn_and_clicking_a_cluster_shows_members_and_evidence(browser, reports, planted):
    page, log = open_report(browser, reports["csp"])
    page.click("nav button[data-section=network]")
    page.wait_for_selector("#sigma-container[data-drawn='1']")
    page.wait_for_timeout(300)
    assert canvas_colours(page, "#sigma-container") > 8  # nodes and edges in several colours, not a blank canvas
    # click a node where sigma drew it
    node = planted["members"]["C2"][0]
    box = page.locator("#sigma-container").bounding_box()
    pos = page.evaluate(
        """(id) => { const r = window.cibscanReport.renderer, g = window.cibscanReport.graph;
                     return r.graphToViewport({x: g.getNodeAttribute(id, 'x'), y: g.getNodeAttribute(id, 'y')}); }""",
        node,
    )
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    page.wait_for_selector("#cluster-detail[data-cluster='C2']")
    assert page.get_attribute("#cluster-members", "data-shown") == str(len(planted["members"]["C2"]))
    assert page.locator("#cluster-detail .ev").count() == 2
    assert "co-link" in page.inner_text("#cluster-detail")
    # a row of the cluster list selects that cluster too
    page.locator("#clusters-table tbody tr", has_text="C1").first.click()
    page.wait_for_selector("#cluster-detail[data-cluster='C1']")
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-network.png"))
    assert log.errors == [] and log.console_errors == []
    page.close()


def test_filters_and_sorting_work(browser, reports):
    page, log = open_report(browser, reports["csp"])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-overview.png"), full_page=True)
    page.click("nav button[data-section=findings]")
    shown = lambda sel: int(page.get_attribute(sel, "data-shown"))  # noqa: E731
    assert shown("#findings-table") == 6
    page.select_option("#findings-table select[data-column=confidence]", "high")
    assert shown("#findings-table") == 2
    page.select_option("#findings-table select[data-column=confidence]", "")
    page.fill("#findings-table .dt-search", "steady minority")
    assert shown("#findings-table") == 1
    page.fill("#findings-table .dt-search", "")
    # sorting by score: first click on an unsorted numeric column sorts strongest first, second flips it
    first_title = lambda: page.locator("#findings-table tbody tr").first.inner_text()  # noqa: E731
    strongest = first_title()
    page.locator("#findings-table th", has_text="score").click()
    assert first_title() != strongest and "steady minority" in first_title()
    page.locator("#findings-table tbody tr").first.click()
    assert "steady minority" in page.inner_text("#finding-detail")
    # the network's filters hide clusters
    page.click("nav button[data-section=network]")
    page.wait_for_selector("#sigma-container[data-drawn='1']")
    assert page.get_attribute("#sigma-container", "data-visible-clusters") == "3"
    page.select_option("#net-confidence", "3")
    assert page.get_attribute("#sigma-container", "data-visible-clusters") == "1"
    page.fill("#net-min-size", "5")
    assert page.get_attribute("#sigma-container", "data-visible-clusters") == "0"
    # the accounts table filters by text
    page.click("nav button[data-section=accounts]")
    page.fill("#accounts-table .dt-search", "laundering")
    assert shown("#accounts-table") == 1
    assert log.errors == [] and log.console_errors == []
    page.close()


def test_avatars_are_re_encoded_and_shown_beside_pairs(browser, case_path, planted, tmp_path):
    from PIL import Image

    orig, fake = planted["impersonation"]
    for acc, colour in ((orig, "red"), (fake, "blue")):
        Image.new("RGB", (300, 300), colour).save(tmp_path / f"{acc}.png")
    (tmp_path / f"{planted['accounts'][0]}.png").write_text("<svg onload=alert(1)></svg>")  # not an image: skipped
    out = tmp_path / "r.html"
    with cibscan.open_workspace(str(case_path[0]), read_only=True) as ws:
        build_report(ws, str(out), images=str(tmp_path))
    page, log = open_report(browser, str(out))
    page.click("nav button[data-section=impersonation]")
    imgs = page.eval_on_selector_all(".pair img.avatar", "is => is.map(i => [i.naturalWidth, i.src.slice(0, 22)])")
    assert imgs == [[96, "data:image/png;base64,"], [96, "data:image/png;base64,"]]
    assert log.errors == [] and log.console_errors == []
    page.close()


def test_report_without_findings_opens_cleanly(browser, ws, tmp_path):
    from ..conftest import post

    ws.add_records([post(1, "a", text="<b>hi</b>")])
    out = tmp_path / "empty.html"
    build_report(ws, str(out))
    page, log = open_report(browser, str(out))
    assert page.eval_on_selector_all("nav button", "bs => bs.map(b => b.dataset.section)") == ["overview", "findings", "methods"]
    assert "No detector flagged anything" in page.inner_text("main")
    assert log.errors == [] and log.console_errors == []
    page.close()
