"""Terminal rendering shared by several commands (tables of counts, summaries)."""

from __future__ import annotations

from rich.table import Table

from .app import console


def print_ingest_report(report, workspace: str) -> None:
    t = Table("file", "format", "posts", "accounts", "rejects", "duplicates", title="ingest")
    for f in report.files:
        if f.status != "ingested":
            t.add_row(f.path, f.format, "-", "-", "-", f"({f.status})")
        else:
            t.add_row(f.path, f.format, f"{f.posts:,}", f"{f.accounts:,}", f"{f.rejects:,}", f"{f.duplicates:,}")
    console.print(t)
    reasons = report.reject_reasons
    if reasons:
        r = Table("reason", "records", title="rejected records (kept in the `rejects` table)")
        for k, v in reasons.items():
            r.add_row(k, f"{v:,}")
        console.print(r)
    fallback = sum(f.decoding_fallbacks for f in report.files)
    if fallback:
        console.print(f"{fallback:,} lines were not UTF-8 and were read as cp1252.")
    console.print(
        f"added {report.total('posts'):,} posts, {report.total('accounts'):,} accounts, "
        f"{report.total('rejects'):,} rejects to {workspace}"
    )
