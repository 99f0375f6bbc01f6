"""Writing a report file from a workspace (what ``cibscan report`` and ``cibscan run`` call)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from .avatars import load_avatars
from .data import ReportLimits, collect_report_data
from .render import render_html

__all__ = ["ReportSummary", "build_report"]


@dataclass
class ReportSummary:
    """What was written: the file, its size, what it holds and how long it took."""

    path: str
    bytes: int
    findings: int
    flagged_accounts: int
    network_nodes: int
    sections: list[str]
    seconds: float


def _avatar_accounts(data: dict) -> set[str]:
    pairs = (data.get("impersonation") or {}).get("impersonation_pairs")
    if not pairs:
        return set()
    idx = [pairs["columns"].index(c) for c in ("original_id", "impersonator_id") if c in pairs["columns"]]
    return {str(r[i]) for r in pairs["rows"] for i in idx if r[i] is not None}


def build_report(
    ws,
    path: str,
    *,
    title: str | None = None,
    images: str | None = None,
    limits: ReportLimits | None = None,
    scan_params: dict[str, dict] | None = None,
) -> ReportSummary:
    """Write the self-contained HTML report of workspace ``ws`` to ``path``.

    ``images`` is a folder of profile images named by account id; those of accounts in
    impersonation pairs are shown side by side. See ``collect_report_data`` for the rest.
    The file is written to a temporary name first, so a failed run never leaves half a report.
    """
    from ..errors import WorkspaceError

    t0 = time.perf_counter()
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise WorkspaceError(f"cannot write report {path}: folder {folder} does not exist")
    data = collect_report_data(ws, title=title, limits=limits, scan_params=scan_params)
    if images:
        data["avatars"] = load_avatars(images, _avatar_accounts(data))
    html = render_html(data)
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8", errors="replace", newline="\n") as f:
        f.write(html)
    os.replace(tmp, path)
    sections = [k for k in ("accounts_ranked", "network", "floods", "impersonation", "personas", "laundering", "more") if data.get(k)]
    return ReportSummary(
        path=path,
        bytes=os.path.getsize(path),
        findings=int(data["findings"]["total"]),
        flagged_accounts=int((data.get("accounts_ranked") or {}).get("total", 0)),
        network_nodes=len(data["network"]["nodes"]["rows"]) if data.get("network") else 0,
        sections=sections,
        seconds=time.perf_counter() - t0,
    )
