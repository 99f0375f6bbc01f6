"""A tiny real detector for pipeline tests of ``cibscan run`` and the API example: it flags
accounts that shared the same URL (no threshold tricks), so the report has findings built by
``run_scan`` itself while the real detectors are written in other branches."""

from __future__ import annotations

from cibscan.detect.base import Detector, Param
from cibscan.findings import Evidence, Finding

class SameUrl(Detector):
    name = "sameurl"
    summary = "accounts that shared the same URL"
    references = ("test helper",)
    params = {"min_accounts": Param(2, "accounts that must share a URL", int, low=2)}

    def _detect(self, ws, p):
        posts = ws.table("posts")
        shared = posts.select("account_id", "post_id", url=posts.urls.unnest())
        g = shared.group_by("url").aggregate(accounts=shared.account_id.collect(distinct=True), posts=shared.post_id.collect())
        rows = g.filter(g.accounts.length() >= p["min_accounts"]).order_by("url").to_pyarrow().to_pylist()
        items = [
            Finding("sameurl", "group", f"U{i}", f"{len(r['accounts'])} accounts shared {r['url']}",
                    f"shared {r['url']}", tuple(sorted(r["accounts"])), 0.5, "medium",
                    evidence=(Evidence("same url", f"all posted {r['url']}", tuple(sorted(r["accounts"])), tuple(r["posts"]), target=r["url"]),),
                    params=p)
            for i, r in enumerate(rows)
        ]
        return self.findings(p, items)

def register(monkeypatch) -> None:
    """Make ``SameUrl`` the only registered detector for the test, so pipeline tests do not
    change meaning as real detectors are added."""
    from cibscan.detect import DETECTORS

    for name in list(DETECTORS):
        monkeypatch.delitem(DETECTORS, name)
    monkeypatch.setitem(DETECTORS, "sameurl", SameUrl)

__all__ = ["SameUrl", "register"]
