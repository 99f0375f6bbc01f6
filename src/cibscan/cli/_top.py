"""Printing the top rows of a result table in the terminal, safely.

Every string shown here may have been written by an adversary (handles, bios, hashtags, post
text): cells are rich ``Text`` objects (never parsed as markup) and control or bidirectional
formatting characters are shown as ``\\uXXXX`` so nothing can move the cursor, recolour the
terminal or reverse the reading order.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Optional

import typer

from rich.table import Table
from rich.text import Text

from ..detect import parse_param_overrides, run_scan
from ..errors import WorkspaceError
from ..workspace import open_workspace
from .app import DEFAULT_WORKSPACE, WorkspaceOpt, app, console, console_err

__all__ = ["safe_text", "print_top", "load_or_run", "detector_top_command", "TopOpt", "RunOpt", "ParamOpt", "JsonOpt"]

TopOpt = Annotated[int, typer.Option("--top", "-n", help="How many rows to print.", min=1)]
RunOpt = Annotated[bool, typer.Option("--run", help="Run the detector(s) first and store the results in the workspace.")]
ParamOpt = Annotated[Optional[list[str]], typer.Option("--param", "-p", help="Detector parameter detector.name=value (repeatable), e.g. floods.phrases='[\"stop the steal\"]'.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON lines instead of a table.")]


def safe_text(value, limit: int = 120) -> Text:
    """A terminal-safe cell: control/format characters escaped, long values cut with an ellipsis."""
    if value is None:
        return Text("")
    if isinstance(value, datetime):
        s = value.strftime("%Y-%m-%d %H:%M") if value.hour or value.minute else value.strftime("%Y-%m-%d")
    elif isinstance(value, float):
        s = f"{value:.3g}" if abs(value) < 1e4 else f"{value:,.0f}"
    elif isinstance(value, (list, tuple)):
        s = "; ".join(str(v) for v in value)
    else:
        s = str(value)
    s = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in s)
    if len(s) > limit:
        s = s[: limit - 1] + "\u2026"
    return Text(s)


def print_top(rows: Sequence[dict], columns: Sequence[tuple[str, str]], *, title: str, as_json: bool = False,
              limits: dict[str, int] | None = None) -> None:
    """Print ``rows`` (already ordered) as a table of ``columns`` (key, header), or as JSON lines."""
    if as_json:
        for r in rows:
            console.out(json.dumps({k: r.get(k) for k, _ in columns}, default=str, ensure_ascii=True), highlight=False)
        return
    t = Table(*(h for _, h in columns), title=title, show_lines=False)
    for r in rows:
        t.add_row(*(safe_text(r.get(k), (limits or {}).get(k, 80)) for k, _ in columns))
    console.print(t)


def load_or_run(workspace: str, table: str, *, run: bool, detect: list[str] | None, params: list[str] | None,
                order_by: Callable[[dict], object] | None = None, top: int = 20, where: Callable[[dict], bool] | None = None) -> list[dict]:
    """The top rows of a result table; with ``run``, run the detectors first (stored in the workspace)."""
    if run:
        with open_workspace(workspace) as ws:
            run_scan(ws, detect=detect, params=parse_param_overrides(params),
                     progress=lambda msg: console_err.print(Text(msg), style="dim"))
    with open_workspace(workspace, read_only=True) as ws:
        if not ws.has_table(table):
            raise WorkspaceError(f"{workspace} has no {table} table yet: add --run to run the detectors (or `cibscan scan -w {workspace}`)")
        rows = ws.table(table).to_pyarrow().to_pylist()
    if where:
        rows = [r for r in rows if where(r)]
    if order_by:
        rows.sort(key=order_by)
    return rows[:top]


def detector_top_command(name: str, *, table: str, columns: Sequence[tuple[str, str]], order_by: Callable[[dict], object],
                         title: str, help: str, limits: dict[str, int] | None = None) -> None:
    """Register ``cibscan NAME``: print the top rows of one detector's result table."""

    def command(workspace: WorkspaceOpt = DEFAULT_WORKSPACE, top: TopOpt = 20, run: RunOpt = False,
                param: ParamOpt = None, as_json: JsonOpt = False) -> None:
        rows = load_or_run(workspace, table, run=run, detect=[name], params=param, top=top, order_by=order_by)
        print_top(rows, columns, title=title.format(workspace=workspace), as_json=as_json, limits=limits)

    command.__doc__ = help
    app.command(name)(command)
