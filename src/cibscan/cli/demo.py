"""``cibscan demo``: simulate a scenario, ingest it, show what the workspace holds."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from .app import app, console
from .info import info_command
from .ingest import run_ingest
from .render import print_ingest_report
from .simulate import print_summary, run_simulate

DEMO_POSTS = 50_000
WORKSPACE_NAME = "workspace.duckdb"


@app.command("demo")
def demo_command(
    out: Annotated[str, typer.Option("--out", "-o", help="Folder for the demo data and its workspace.")] = "demo-out",
    posts: Annotated[int, typer.Option("--posts", "-n", help="Posts to simulate.")] = DEMO_POSTS,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Random seed.")] = 0,
) -> None:
    """Run cibscan end to end on simulated data: simulate, ingest, show the workspace."""
    summary = run_simulate(out, posts=posts, seed=seed)
    print_summary(summary)
    workspace = os.path.join(out, WORKSPACE_NAME)
    for stale in (workspace, workspace + ".wal"):  # the data was just rewritten: start afresh
        if os.path.exists(stale):
            os.remove(stale)
    report = run_ingest(workspace, [os.path.join(out, "tweets.csv"), os.path.join(out, "users.csv")], format=None, options={})
    print_ingest_report(report, workspace)
    info_command(workspace=workspace, as_json=False)
    console.print(f"next: cibscan info -w {workspace}; ground truth in {os.path.join(out, 'truth')}")
