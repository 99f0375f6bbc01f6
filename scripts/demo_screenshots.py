"""Screenshots of the demo's report for the docs: the overview and the network view.

Runs ``cibscan demo`` (default size and seed) into a temporary folder, opens its
``report.html`` in Debian's Chromium (headless) and saves ``report-overview.png`` and
``report-network.png``::

    .venv/bin/python scripts/demo_screenshots.py docs/screenshots
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cibscan.cli import main as cibscan_main  # noqa: E402
from report import _screenshots  # noqa: E402  (bench/report.py)
from tests.report.browser import browser_missing, chromium, open_report  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", help="where to save the two PNG files")
    args = ap.parse_args()
    if reason := browser_missing():
        print(f"demo_screenshots: {reason}", file=sys.stderr)
        return 2
    out = Path(tempfile.mkdtemp(prefix="cibscan-demo-")) / "demo"
    if cibscan_main(["demo", "-o", str(out)]) != 0:
        return 1
    with chromium() as browser:
        page, log = open_report(browser, str(out / "report.html"))
        page.click("nav button[data-section=network]")
        page.wait_for_selector("#sigma-container[data-drawn='1']", timeout=120_000)
        _screenshots(page, browser, out / "report.html", Path(args.folder))
        if log.errors or log.console_errors:
            print(f"demo_screenshots: errors in the browser: {log.errors + log.console_errors}", file=sys.stderr)
            return 1
    print(f"wrote {args.folder}/report-overview.png and report-network.png from {out / 'report.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
