"""``cibscan run``: from export files to an evidence report in one command.

Ingest (as ``cibscan ingest``), run every registered detector (as ``cibscan scan``), write
``OUTDIR/report.html``, the exports (``OUTDIR/exports/``: CSV and Parquet of every findings
table, GEXF and GraphML of the coordination network) and print the top findings.
"""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..detect import parse_param_overrides, run_scan
from ..errors import WorkspaceError
from ..ingest.run import iter_input_files
from ..report import build_report, export_graph, export_tables
from ..workspace import open_workspace
from .app import app, console
from .images import run_images_and_watchlist
from .ingest import parse_mapping, run_ingest
from .render import print_ingest_report, safe_text
from .report import describe_report

def print_run_summary(ws, results: dict, top: int) -> None:
    """The final terminal summary: findings per detector and the strongest ones."""
    counts = Table("detector", "findings", "accounts", title="detectors")
    for name, r in results.items():
        counts.add_row(name, f"{len(r):,}", f"{len(r.accounts()):,}")
    if results:
        console.print(counts)
    else:
        console.print("no detector is registered in this installation: the report shows the ingested data only")
    if not ws.has_table("findings"):
        return
    f = ws.table("findings")
    rows = f.order_by([f.score.desc(), f.finding_key]).limit(top).to_pyarrow().to_pylist()
    if not rows:
        console.print("nothing was flagged")
        return
    t = Table("confidence", "score", "detector", "accounts", "finding", title=f"top {len(rows)} findings")
    for r in rows:
        t.add_row(r["confidence"], f"{r['score']:.2f}", r["detector"], f"{r['n_accounts']:,}", safe_text(r["title"], 120))
    console.print(t, markup=False)


@app.command("run")
def run_command(
    inputs: Annotated[list[str], typer.Argument(help="Export files or folders to read (gzip is read transparently).")],
    output: Annotated[str, typer.Option("--output", "-o", help="Folder for report.html, exports/ and (by default) the workspace.")],
    workspace: Annotated[Optional[str], typer.Option("--workspace", "-w", help="Workspace file (default: OUTDIR/cibscan.duckdb).")] = None,
    format: Annotated[Optional[str], typer.Option("--format", "-f", help="Force a format (see `cibscan formats`) instead of sniffing.")] = None,
    map: Annotated[Optional[list[str]], typer.Option("--map", help="Column mapping for a generic table: canonical=column (repeatable).")] = None,
    detect: Annotated[Optional[list[str]], typer.Option("--detect", "-d", help="Run only these detectors (repeatable; default: all).")] = None,
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="Detector parameter detector.param=value (repeatable), e.g. coordination.window=60.")] = None,
    images: Annotated[Optional[str], typer.Option("--images", help="Folder of profile images named <account_id>.png/.jpg: hashed for avatar matching and shown beside impersonation pairs.")] = None,
    watchlist: Annotated[Optional[str], typer.Option("--watchlist", help="Watchlist CSV/JSON lines of accounts and outlets to protect from impersonation.")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Title shown in the report.")] = None,
    exports: Annotated[bool, typer.Option("--exports/--no-exports", help="Write CSV, Parquet, GEXF and GraphML exports.")] = True,
    top: Annotated[int, typer.Option("--top", help="Findings listed in the terminal summary.", min=0)] = 10,
) -> None:
    """Ingest files, run every detector and write the evidence report: one command.

    Writes OUTDIR/report.html (opens offline anywhere), OUTDIR/exports/ (CSV and Parquet of every
    findings table; coordination.gexf and coordination.graphml for Gephi) and the workspace.
    """
    options: dict = {}
    mapping = parse_mapping(map, None)
    if mapping:
        options["map"] = mapping
        format = format or "table"
    run_pipeline(inputs, output, workspace=workspace, format=format, options=options, detect=detect,
                 params=parse_param_overrides(param), images=images, watchlist=watchlist, title=title, exports=exports, top=top)


def run_pipeline(
    inputs: list[str],
    output: str,
    *,
    workspace: str | None = None,
    format: str | None = None,
    options: dict | None = None,
    detect: list[str] | None = None,
    params: dict | None = None,
    images: str | None = None,
    watchlist: str | None = None,
    title: str | None = None,
    exports: bool = True,
    top: int = 10,
):
    """What ``cibscan run`` does, for commands built on it (``cibscan demo``): ingest ``inputs``,
    run the detectors, write ``output/report.html`` and the exports, print the summary.
    ``images`` is hashed into the workspace (avatar matching) and ``watchlist`` stored, as
    ``cibscan ingest --images/--watchlist`` do. Returns the ``ReportSummary``. Missing inputs or a bad output path fail before any write."""
    if os.path.exists(output) and not os.path.isdir(output):
        raise WorkspaceError(f"--output {output} is a file; give a folder for the report and exports")
    iter_input_files(inputs)
    os.makedirs(output, exist_ok=True)
    ws_path = workspace or os.path.join(output, "cibscan.duckdb")
    report = run_ingest(ws_path, inputs, format=format, options=dict(options or {}))
    print_ingest_report(report, ws_path)
    if images or watchlist:
        run_images_and_watchlist(ws_path, images, "auto", watchlist)
    with open_workspace(ws_path) as ws:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task("detectors", total=None)
            results = run_scan(ws, detect=detect, params=params, progress=lambda msg: bar.update(task, description=safe_text(msg, 120)))
            bar.update(task, description="writing the report")
            summary = build_report(ws, os.path.join(output, "report.html"), title=title, images=images,
                                   scan_params={n: r.params for n, r in results.items()})
            written = []
            if exports:
                bar.update(task, description="writing exports")
                folder = os.path.join(output, "exports")
                written = export_tables(ws, folder)
                for fmt in ("gexf", "graphml"):
                    if path := export_graph(ws, os.path.join(folder, f"coordination.{fmt}")):
                        written.append(path)
        print_run_summary(ws, results, top)
    console.print(describe_report(summary), markup=False)
    if exports:
        console.print(f"wrote {len(written)} export files to {os.path.join(output, 'exports')}", markup=False)
    return summary
