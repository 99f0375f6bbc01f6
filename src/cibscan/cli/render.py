"""Terminal rendering shared by several commands (tables of counts, summaries)."""

from __future__ import annotations

from rich.table import Table

from ..ingest.run import SKIPPED_STATUS
from .app import console


def print_ingest_report(report, workspace: str) -> None:
    t = Table("file", "format", "posts", "accounts", "rejects", "duplicates", title="ingest")
    for f in report.files:
        if f.status != "ingested":
            t.add_row(f.path, f.format, "-", "-", "-", f"({f.status})")
        else:
            t.add_row(f.path, f.format, f"{f.posts:,}", f"{f.accounts:,}", f"{f.rejects:,}", f"{f.duplicates:,}")
    console.print(t)
    skipped = [f.path for f in report.files if f.status == SKIPPED_STATUS]
    if skipped:  # said again in full: the table may cut long paths on a narrow terminal
        console.print(f"skipped {len(skipped):,} file(s) in no format cibscan recognises (nothing read from them): "
                      + ", ".join(skipped), markup=False, soft_wrap=True)
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


#: characters a terminal would act on or hide (controls, escapes, bidi and zero-width marks)
_TERMINAL_UNSAFE = __import__("re").compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def safe_text(value, limit: int = 100) -> str:
    """Adversary text made safe for a terminal: control, bidi and invisible characters shown
    as ``\\uXXXX``, cut to ``limit`` characters. Print it with ``markup=False`` (or through a
    rich ``Table`` cell built with ``rich.text.Text``) so ``[...]`` is never read as markup."""
    s = _TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", "" if value is None else str(value))
    return s if len(s) <= limit else s[: limit - 1] + "\u2026"
