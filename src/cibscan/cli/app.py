"""The Typer application and the options every command shares (defined once here)."""

from __future__ import annotations

import os
from typing import Annotated, Optional

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

ENGINES = ("duckdb", "spark")

EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        help="Where table work runs: duckdb (this machine) or spark (a cluster, or local[*]). "
        "With spark the workspace is a folder of Parquet tables, which duckdb can open too. Env: CIBSCAN_ENGINE.",
        show_default=True,
    ),
]
SparkMasterOpt = Annotated[
    Optional[str],
    typer.Option(
        "--spark-master",
        help="Spark master URL for --engine spark: local[*] (default), local[4], spark://host:7077, yarn, k8s://... "
        "Under spark-submit the submitted master is used. Env: CIBSCAN_SPARK_MASTER.",
    ),
]
DEFAULT_ENGINE = os.environ.get("CIBSCAN_ENGINE", "duckdb")


def engine_options(engine: str, spark_master: str | None) -> dict:
    """Keyword arguments for ``open_workspace`` from the --engine/--spark-master options."""
    from ..errors import ParameterError

    if engine not in ENGINES:
        raise ParameterError(f"--engine {engine!r}: use one of {', '.join(ENGINES)}")
    if engine == "duckdb":
        if spark_master:
            raise ParameterError("--spark-master needs --engine spark")
        return {}
    return {"engine": "spark", "master": spark_master}


__all__ += ["EngineOpt", "SparkMasterOpt", "DEFAULT_ENGINE", "engine_options"]
