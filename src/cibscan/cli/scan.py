"""``cibscan scan``: run the detectors on a workspace and store their findings."""

from __future__ import annotations

import os
import time
from typing import Annotated, Optional

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ..detect import DETECTORS, get_detector, parse_param_overrides, run_scan
from ..errors import ParameterError, WorkspaceError
from ..workspace import open_workspace
from .app import DEFAULT_WORKSPACE, WorkspaceOpt, app, console
from .app import DEFAULT_ENGINE, EngineOpt, SparkMasterOpt, engine_options
from .render import safe_text


def print_scan_summary(ws, results: dict, top: int = 10) -> None:
    """Findings per detector, the coordination calibration and the strongest clusters."""
    t = Table("detector", "findings", "high", "medium", "low", title="findings")
    for name, found in results.items():
        grades = [f.confidence for f in found]
        t.add_row(name, f"{len(found):,}", *(f"{grades.count(g):,}" for g in ("high", "medium", "low")))
    console.print(t)
    for name, found in results.items():
        for note in found.notes:
            console.print(Text(f"{name}: {safe_text(note, 400)}"))
    coord = results.get("coordination")
    if coord is None:
        return
    cal = coord.tables.get("calibration")
    if cal is not None and cal.num_rows:
        c = Table("kind", "window s", "pairs tested", "edges", "p cutoff", "chance share", title="coordination: calibration per trace kind")
        for r in cal.to_pylist():
            if r["pairs_any"] or r["n_edges"]:
                c.add_row(r["kind"], f"{r['window_s']:,}", f"{r['n_candidates']:,}", f"{r['n_edges']:,}",
                          f"{r['p_cutoff']:.2g}", f"{r['chance_share']:.2%}")
        console.print(c)
    if len(coord):
        k = Table("cluster", "accounts", "bound by", "median gap s", "score", "confidence", "top targets", title="coordination: strongest clusters")
        for f in list(coord)[:top]:
            m = f.metrics
            k.add_row(f.id, f"{m['size']:,}", ", ".join(m["kinds"]), f"{m['median_gap_s']:.0f}", f"{f.score:.2f}", f.confidence,
                      Text(safe_text("; ".join(m.get("top_targets", [])[:3]), 80)))
        console.print(k)
        console.print(f"evidence of a cluster: cibscan evidence {list(coord)[0].id} -w {ws.path}")


@app.command("scan")
def scan_command(
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
    detect: Annotated[Optional[list[str]], typer.Option("--detect", "-d", help="Detector to run (repeatable; default: all, in order).")] = None,
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="Detector parameter detector.name=value (repeatable), e.g. coordination.window=30.")] = None,
    top: Annotated[int, typer.Option("--top", help="Clusters to list.")] = 10,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    engine: EngineOpt = DEFAULT_ENGINE,
    spark_master: SparkMasterOpt = None,
) -> None:
    """Run the detectors on a workspace, store their findings, tables and evidence in it, and
    print a summary. Parameters are listed in docs (e.g. docs/coordination.md)."""
    names = []
    for d in detect or []:
        names += [n.strip() for n in d.split(",") if n.strip()]
    params = parse_param_overrides(param)
    if not DETECTORS:
        raise ParameterError("no detectors are installed")
    for name in names or list(DETECTORS):  # a bad name or parameter fails before any work
        get_detector(name)(**params.get(name, {})).get_params()
    if not os.path.exists(workspace):
        raise WorkspaceError(f"no workspace at {workspace}: ingest something first (cibscan ingest FILE -w {workspace})")
    with open_workspace(workspace, **engine_options(engine, spark_master)) as ws:
        if ws.count("posts") == 0:
            raise WorkspaceError(f"workspace {workspace} holds no posts: ingest something first (cibscan ingest FILE -w {workspace})")
        t0 = time.perf_counter()
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                      transient=True, disable=quiet) as bar:
            task = bar.add_task("scanning", total=None)
            results = run_scan(ws, detect=names or None, params=params, progress=lambda msg: bar.update(task, description=msg))
        print_scan_summary(ws, results, top)
        console.print(f"scanned {workspace} in {time.perf_counter() - t0:.1f} s; findings stored in tables findings, finding_accounts, evidence")
