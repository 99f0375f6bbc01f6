"""Benchmark: size of the report and time to open it in Chromium, at 10,000 flagged accounts.

    .venv/bin/python bench/report.py                      # 200 clusters x 50 accounts = 10,000
    .venv/bin/python bench/report.py --clusters 1000      # 50,000 accounts in the network view
    .venv/bin/python bench/report.py --screenshots docs/screenshots

The case is the hand-made hostile case of the report tests (``tests/report/case.py``) at scale:
every account is in a coordination cluster, so all of them are flagged, ranked and drawn. For
each of ``--runs`` runs it measures, and prints medians of:

* build: seconds for ``build_report`` (workspace queries, layout, HTML) and the file size;
* open: seconds from navigation until the overview is drawn (page script done);
* network: seconds from clicking "Network" until sigma.js has drawn the canvas;
* page script / network script: seconds the report's own script took to build the overview /
  the graph and sigma.js renderer (parts of open / network; the rest is Chromium parsing the
  file and drawing);
* zoom: frames sigma.js rendered per second during a 2-second camera animation, and the
  main-thread (JavaScript) milliseconds per frame. This machine has no GPU: Chromium draws
  WebGL with SwiftShader on the CPU, which bounds the frame rate whatever the page does; the
  JavaScript time per frame is what the page itself costs.

For reference it also writes the same findings as the CSV + Parquet exports and as GEXF (what
Gephi, the tool investigators used for this view, would load) and reports their sizes.
Results go to ``bench/out/report.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cibscan  # noqa: E402
from cibscan.report import build_report, export_graph, export_tables  # noqa: E402
from tests.report.browser import browser_missing, chromium, open_report  # noqa: E402
from tests.report.case import make_case  # noqa: E402

ZOOM_JS = """() => new Promise(resolve => {
  const r = window.cibscanReport.renderer;
  const render = r.render.bind(r);
  let frames = 0, js = 0;
  r.render = function () { const t = performance.now(); const x = render(); js += performance.now() - t; frames += 1; return x; };
  const t0 = performance.now();
  r.getCamera().animate({ratio: 0.15}, {duration: 2000});
  setTimeout(() => { r.render = render; resolve([frames / ((performance.now() - t0) / 1000), js / Math.max(1, frames)]); }, 2000);
})"""


def _folder_bytes(paths) -> int:
    return sum(os.path.getsize(p) for p in paths)


def measure(clusters: int, cluster_size: int, runs: int, screenshots: str | None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="cibscan-bench-report-"))
    ws_path = tmp / "case.duckdb"
    t0 = time.perf_counter()
    with cibscan.open_workspace(str(ws_path)) as ws:
        make_case(ws, clusters=clusters, cluster_size=cluster_size, posts_per_account=2)
    setup = time.perf_counter() - t0
    report = tmp / "report.html"
    builds = []
    with cibscan.open_workspace(str(ws_path), read_only=True) as ws:
        for _ in range(runs):
            summary = build_report(ws, str(report), title="benchmark case")
            builds.append(summary.seconds)
        exports = export_tables(ws, str(tmp / "exports"))
        gexf = export_graph(ws, str(tmp / "exports" / "coordination.gexf"))
    result = {
        "clusters": clusters, "cluster_size": cluster_size, "flagged_accounts": summary.flagged_accounts,
        "network_nodes": summary.network_nodes, "findings": summary.findings, "runs": runs,
        "setup_s": round(setup, 1), "build_s_median": round(statistics.median(builds), 2),
        "report_bytes": summary.bytes, "exports_csv_parquet_bytes": _folder_bytes(exports),
        "gexf_bytes": os.path.getsize(gexf) if gexf else 0,
    }
    reason = browser_missing()
    if reason:
        result["browser"] = f"skipped: {reason}"
        return result
    opens, scripts, networks, network_js, fps, frame_js = [], [], [], [], [], []
    with chromium() as browser:
        result["browser"] = f"Chromium {browser.version}"
        for i in range(runs):
            t = time.perf_counter()
            page, log = open_report(browser, str(report))
            opens.append(time.perf_counter() - t)
            scripts.append(int(page.get_attribute("html", "data-script-ms")) / 1000)
            t = time.perf_counter()
            page.click("nav button[data-section=network]")
            page.wait_for_selector("#sigma-container[data-drawn='1']", timeout=120_000)
            networks.append(time.perf_counter() - t)
            network_js.append(int(page.get_attribute("#section-network", "data-build-ms")) / 1000)
            page.wait_for_timeout(500)
            rate, per_frame = page.evaluate(ZOOM_JS)
            fps.append(rate)
            frame_js.append(per_frame)
            if log.errors or log.console_errors:
                raise SystemExit(f"report errors in the browser: {log.errors + log.console_errors}")
            if screenshots and i == 0:
                _screenshots(page, browser, report, Path(screenshots))
            page.close()
    result.update({
        "open_s_median": round(statistics.median(opens), 2),
        "network_drawn_s_median": round(statistics.median(networks), 2),
        "page_script_s_median": round(statistics.median(scripts), 2),
        "network_script_s_median": round(statistics.median(network_js), 2),
        "zoom_fps_median": round(statistics.median(fps), 1),
        "zoom_frame_js_ms_median": round(statistics.median(frame_js), 1),
    })
    return result


def _screenshots(page, browser, report, folder: Path) -> None:
    """The network view (cluster C1 selected) and the overview, for docs/screenshots."""
    folder.mkdir(parents=True, exist_ok=True)
    page.locator("#clusters-table tbody tr").first.click()
    page.wait_for_timeout(800)
    page.evaluate("window.cibscanReport.renderer.getCamera().setState({x: 0.5, y: 0.5, ratio: 1, angle: 0})")  # whole network
    page.wait_for_timeout(800)
    page.locator("#sigma-container").scroll_into_view_if_needed()
    page.screenshot(path=str(folder / "report-network.png"))
    overview, _ = open_report(browser, str(report))
    overview.screenshot(path=str(folder / "report-overview.png"))
    overview.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clusters", type=int, default=200)
    ap.add_argument("--cluster-size", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--screenshots", help="folder to save the overview and network screenshots in")
    args = ap.parse_args()
    result = measure(args.clusters, args.cluster_size, args.runs, args.screenshots)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(result, indent=2))
    width = max(len(k) for k in result)
    for k, v in result.items():
        print(f"{k:<{width}}  {v:,}" if isinstance(v, (int, float)) else f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
