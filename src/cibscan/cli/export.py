"""``cibscan export``: the coordination network for Gephi, findings tables for anything else."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..errors import ParameterError, WorkspaceError
from ..export import export_graph, export_tables, exportable_tables
from ..workspace import open_workspace
from .app import DEFAULT_WORKSPACE, WorkspaceOpt, app, console


@app.command("export")
def export_command(
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
    gexf: Annotated[Optional[str], typer.Option("--gexf", help="Write the coordination network as GEXF (Gephi) to this file.")] = None,
    graphml: Annotated[Optional[str], typer.Option("--graphml", help="Write the coordination network as GraphML to this file.")] = None,
    csv: Annotated[Optional[str], typer.Option("--csv", help="Write every findings table as CSV into this folder (spreadsheet-safe).")] = None,
    parquet: Annotated[Optional[str], typer.Option("--parquet", help="Write every findings table as Parquet into this folder (exact).")] = None,
    table: Annotated[Optional[list[str]], typer.Option("--table", "-t", help="Only this table (repeatable) for --csv/--parquet.")] = None,
) -> None:
    """Export what `cibscan scan` found: the network (GEXF/GraphML) and the tables (CSV/Parquet)."""
    if not any((gexf, graphml, csv, parquet)):
        raise ParameterError("nothing to export: give --gexf FILE, --graphml FILE, --csv DIR and/or --parquet DIR")
    with open_workspace(workspace, read_only=True) as ws:
        if not exportable_tables(ws):
            raise WorkspaceError(f"workspace {workspace} has no findings yet: run cibscan scan -w {workspace} first")
        for path, fmt in ((gexf, "gexf"), (graphml, "graphml")):
            if path:
                out = export_graph(ws, path, fmt)
                console.print(f"wrote {path}" if out else f"no coordination network in {workspace}: {path} not written")
        tables = [t for spec in table or [] for t in spec.split(",") if t.strip()] or None
        for folder, fmt in ((csv, "csv"), (parquet, "parquet")):
            if folder:
                written = export_tables(ws, folder, formats=(fmt,), tables=tables)
                console.print(f"wrote {len(written)} {fmt.upper()} file(s) to {folder}")
