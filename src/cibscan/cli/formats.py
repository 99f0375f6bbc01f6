"""``cibscan formats``: the input formats cibscan reads."""

from __future__ import annotations

from rich.table import Table

from ..ingest import ADAPTERS
from .app import app, console


@app.command("formats")
def formats_command() -> None:
    """List the input formats cibscan reads (names for --format)."""
    t = Table("format", "platform", "reads")
    for a in ADAPTERS:
        t.add_row(a.name, a.platform or "(mapped)", a.description)
    console.print(t)
