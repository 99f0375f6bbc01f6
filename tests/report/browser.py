"""Driving Debian's Chromium with Playwright for Python (tests and the report benchmark).

Only the system browser is used (``/usr/bin/chromium``; never ``playwright install``). Helpers
skip a test, with the reason, when Chromium or Playwright is absent.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

CHROMIUM = os.environ.get("CIBSCAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


def browser_missing() -> str | None:
    """Why a browser test cannot run here, or ``None`` when it can."""
    if not os.path.exists(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (scripts/test.sh installs it with apt)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@contextmanager
def chromium():
    """A launched headless Chromium (Playwright ``Browser``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageLog:
    """Everything a page said or asked for: console messages, uncaught errors, requests."""

    def __init__(self, page):
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    @property
    def console_errors(self) -> list[str]:
        return [t for kind, t in self.console if kind == "error"]

    @property
    def outside_requests(self) -> list[str]:
        """Requests for anything but the report file itself (there must be none)."""
        return [u for u in self.requests if not u.startswith("file://")]


def open_report(browser, path: str, viewport=(1400, 1000)):
    """A page with the report at ``path`` loaded and its script finished; returns ``(page, log)``."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    log = PageLog(page)
    page.goto("file://" + os.path.abspath(path))
    page.wait_for_selector("html[data-ready='1']", timeout=30_000)
    return page, log


def canvas_colours(page, selector: str) -> int:
    """Distinct colours in a screenshot of an element (a drawn network has many)."""
    import io

    from PIL import Image

    png = page.locator(selector).screenshot()
    with Image.open(io.BytesIO(png)) as im:
        return len(im.convert("RGB").getcolors(maxcolors=1 << 20) or [])
