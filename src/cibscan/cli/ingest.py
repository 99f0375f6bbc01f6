"""``cibscan ingest``: read export files into a workspace."""

from __future__ import annotations

import json
import os
from typing import Annotated, Optional

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..errors import CibscanError, SchemaError
from ..ingest import IngestReport
from ..workspace import open_workspace
from .app import WorkspaceOpt, DEFAULT_WORKSPACE, app, console
from .app import DEFAULT_ENGINE, EngineOpt, SparkMasterOpt, engine_options
from .render import print_ingest_report


def parse_mapping(pairs: list[str] | None, map_file: str | None) -> dict[str, str]:
    """``canonical=column`` pairs (and/or a JSON file of them) as a dict."""
    mapping: dict[str, str] = {}
    if map_file:
        try:
            with open(map_file, encoding="utf-8") as f:
                loaded = json.load(f)
        except FileNotFoundError as e:
            raise SchemaError(f"mapping file {map_file} not found") from e
        except ValueError as e:
            raise SchemaError(f"mapping file {map_file} is not JSON ({e}); expected {{\"post_id\": \"column\", ...}}") from e
        if not isinstance(loaded, dict):
            raise SchemaError(f"mapping file {map_file} must hold a JSON object of canonical=column pairs")
        mapping.update({str(k): str(v) for k, v in loaded.items()})
    for pair in pairs or []:
        if "=" not in pair:
            raise SchemaError(f"--map {pair!r}: expected canonical=column, e.g. --map post_id=content_id")
        k, v = pair.split("=", 1)
        mapping[k.strip()] = v.strip()
    return mapping


def run_ingest(workspace: str, paths: list[str], *, format: str | None, options: dict, quiet: bool = False,
               engine: str = "duckdb", spark_master: str | None = None) -> IngestReport:
    """Open the workspace and ingest with a progress display; shared by ingest/run/demo."""
    with open_workspace(workspace, **engine_options(engine, spark_master)) as ws, Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(), console=console, transient=True, disable=quiet,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(path: str, n: int) -> None:
            if path not in tasks:
                tasks[path] = bar.add_task(f"reading {os.path.basename(path)}", total=None)
            bar.update(tasks[path], completed=n)

        return ws.ingest(paths, format=format, options=options, progress=progress)


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to read (gzip is read transparently).")],
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
    format: Annotated[Optional[str], typer.Option("--format", "-f", help="Force a format (see `cibscan formats`) instead of sniffing.")] = None,
    map: Annotated[Optional[list[str]], typer.Option("--map", help="Column mapping for a generic table: canonical=column (repeatable), e.g. --map post_id=content_id.")] = None,
    map_file: Annotated[Optional[str], typer.Option("--map-file", help="JSON file of canonical=column pairs for a generic table.")] = None,
    platform: Annotated[Optional[str], typer.Option("--platform", help="Platform name for a generic table (default: 'generic').")] = None,
    images: Annotated[Optional[str], typer.Option("--images", help="Folder of avatar/media images to hash (file name without extension = account id, post id or media file name).")] = None,
    images_kind: Annotated[str, typer.Option("--images-kind", help="What the --images files are: auto (avatar when the name is an account id), avatar or media.")] = "auto",
    watchlist: Annotated[Optional[str], typer.Option("--watchlist", help="Watchlist CSV/JSON lines of accounts and outlets to protect from impersonation (stored in the workspace).")] = None,
    engine: EngineOpt = DEFAULT_ENGINE,
    spark_master: SparkMasterOpt = None,
) -> None:
    """Read export files into the workspace. Bad records go to `rejects`; nothing stops the run.

    Re-ingesting a file that was read before adds nothing.
    """
    options: dict = {}
    mapping = parse_mapping(map, map_file)
    if mapping:
        options["map"] = mapping
        format = format or "table"
    if platform:
        options["platform"] = platform
    report = run_ingest(workspace, paths, format=format, options=options, engine=engine, spark_master=spark_master)
    print_ingest_report(report, workspace)
    if images or watchlist:
        from .images import run_images_and_watchlist

        run_images_and_watchlist(workspace, images, images_kind, watchlist)
