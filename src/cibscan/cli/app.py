"""The Typer application and the options every command shares (defined once here)."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console

__all__ = ["app", "console", "console_err", "WorkspaceOpt", "DEFAULT_WORKSPACE"]

app = typer.Typer(
    name="cibscan",
    help="Find coordinated inauthentic behaviour in social-media exports and show the evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

console = Console(highlight=False)
console_err = Console(stderr=True, highlight=False)

DEFAULT_WORKSPACE = os.environ.get("CIBSCAN_WORKSPACE", "cibscan.duckdb")

WorkspaceOpt = Annotated[
    str,
    typer.Option("--workspace", "-w", help="Workspace file (DuckDB). Env: CIBSCAN_WORKSPACE.", show_default=True),
]
