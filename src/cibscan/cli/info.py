"""``cibscan info``: what a workspace holds."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from ..workspace import open_workspace
from .app import WorkspaceOpt, DEFAULT_WORKSPACE, app, console


@app.command("info")
def info_command(
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Show what a workspace holds: counts per platform and format, time span, rejects by reason."""
    with open_workspace(workspace, read_only=True) as ws:
        info = ws.info()
    if as_json:
        console.print_json(json.dumps(info, default=str))
        return
    console.print(f"[bold]{info['path']}[/bold]: {info['posts']:,} posts, {info['accounts']:,} accounts, {info['rejects']:,} rejects")
    if info["first_post"]:
        console.print(f"posts from {info['first_post']} to {info['last_post']} (UTC)")
    t = Table("format", "files", "posts", "accounts", "rejects", "duplicates", title="by format")
    for r in info["by_format"]:
        t.add_row(r["format"], *(f"{r[k]:,}" for k in ("files", "posts", "accounts", "rejects", "duplicates")))
    console.print(t)
    if info["posts_by_platform"]:
        console.print("posts by platform: " + ", ".join(f"{k} {v:,}" for k, v in info["posts_by_platform"].items()))
        console.print("posts by kind: " + ", ".join(f"{k} {v:,}" for k, v in info["posts_by_kind"].items()))
    if info["rejects_by_reason"]:
        r = Table("reason", "records", title="rejects by reason")
        for k, v in info["rejects_by_reason"].items():
            r.add_row(k, f"{v:,}")
        console.print(r)
    if info["other_tables"]:
        console.print("other tables: " + ", ".join(info["other_tables"]))
