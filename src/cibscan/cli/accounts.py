"""``cibscan accounts``: the ranked account table combining every detector."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..findings import CONFIDENCE_LEVELS
from rich.text import Text

from ._top import JsonOpt, ParamOpt, TopOpt, load_or_run, print_top, safe_text
from .app import DEFAULT_WORKSPACE, WorkspaceOpt, app, console

COLUMNS = [
    ("rank", "#"), ("account_id", "account"), ("handle", "handle"), ("score", "score"), ("confidence", "confidence"),
    ("detectors", "detectors"), ("strongest", "strongest evidence"),
]


@app.command("accounts")
def accounts_command(
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
    top: TopOpt = 20,
    run: Annotated[bool, typer.Option("--run", help="Run all detectors (or those of --detect) first.")] = False,
    detect: Annotated[Optional[list[str]], typer.Option("--detect", "-d", help="With --run: only these detectors (repeatable).")] = None,
    param: ParamOpt = None,
    min_confidence: Annotated[str, typer.Option("--min-confidence", help="Only rows at or above this grade: low, medium, high.")] = "low",
    statements: Annotated[bool, typer.Option("--statements", help="Also print each row's confidence statement.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Print the ranked accounts: which detectors fired, the strongest evidence, the confidence (table accounts_ranked)."""
    if min_confidence not in CONFIDENCE_LEVELS:
        from ..errors import ParameterError

        raise ParameterError(f"--min-confidence {min_confidence!r}: use one of {', '.join(CONFIDENCE_LEVELS)}")
    keep = CONFIDENCE_LEVELS[: CONFIDENCE_LEVELS.index(min_confidence) + 1]
    rows = load_or_run(workspace, "accounts_ranked", run=run, detect=detect, params=param, top=top,
                       order_by=lambda r: r["rank"], where=lambda r: r["confidence"] in keep)
    cols = COLUMNS + ([("statement", "statement")] if as_json else [])
    print_top(rows, cols, title=f"accounts in {workspace}, strongest first (see docs/ranking.md for what a grade means)",
              as_json=as_json, limits={"strongest": 100})
    if statements and not as_json:
        for r in rows:
            console.print(Text(f"#{r['rank']} {r['account_id']}: ").append(safe_text(r["statement"], 1000)))
