"""``cibscan report``: write the evidence report (one self-contained HTML file) from a workspace."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..report import build_report
from ..workspace import open_workspace
from .app import DEFAULT_WORKSPACE, WorkspaceOpt, app, console


def describe_report(summary) -> str:
    """One line saying what a report holds (shared by report and run)."""
    return (
        f"wrote {summary.path} ({summary.bytes / 1e6:.1f} MB): {summary.findings:,} findings, "
        f"{summary.flagged_accounts:,} flagged accounts, {summary.network_nodes:,} accounts in the network view"
    )


@app.command("report")
def report_command(
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
    output: Annotated[str, typer.Option("--output", "-o", help="HTML file to write.")] = "report.html",
    title: Annotated[Optional[str], typer.Option("--title", help="Title shown in the report (default: the workspace file name).")] = None,
    images: Annotated[Optional[str], typer.Option("--images", help="Folder of profile images named <account_id>.png/.jpg, shown beside impersonation pairs.")] = None,
) -> None:
    """Write the evidence report of a workspace: one HTML file that opens offline anywhere.

    It shows what was ingested, the findings with their evidence, the coordination network,
    flood timelines, impersonation pairs, persona batches and the methods used. Every string
    from the data is shown as text, never run.
    """
    with open_workspace(workspace, read_only=True) as ws:
        summary = build_report(ws, output, title=title, images=images)
    console.print(describe_report(summary), markup=False)
