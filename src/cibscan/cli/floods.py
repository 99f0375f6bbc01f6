"""``cibscan floods``: the bursts found, most inauthentic-looking first."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ._top import load_or_run, print_top
from .app import DEFAULT_WORKSPACE, WorkspaceOpt, app

TopOpt = Annotated[int, typer.Option("--top", "-n", help="How many rows to print.", min=1)]
RunOpt = Annotated[bool, typer.Option("--run", help="Run the detector(s) first and store the results in the workspace.")]
ParamOpt = Annotated[Optional[list[str]], typer.Option("--param", "-p", help="Detector parameter detector.name=value (repeatable), e.g. floods.phrases='[\"stop the steal\"]'.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON lines instead of a table.")]

COLUMNS = [
    ("burst_id", "burst"), ("key", "key"), ("start", "start (UTC)"), ("volume", "posts"), ("n_accounts", "accounts"),
    ("score", "score"), ("confidence", "confidence"), ("reason", "why"),
]


@app.command("floods")
def floods_command(
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE, top: TopOpt = 20, run: RunOpt = False, param: ParamOpt = None, as_json: JsonOpt = False,
) -> None:
    """Print the hashtag/phrase bursts, most inauthentic-looking first (table floods_bursts)."""
    rows = load_or_run(workspace, "floods_bursts", run=run, detect=["floods"], params=param, top=top,
                       order_by=lambda r: (-r["score"], -r["volume"]))
    print_top(rows, COLUMNS, title=f"bursts in {workspace} (score: how inauthentic it looks, 0-1)", as_json=as_json,
              limits={"reason": 160, "key": 40})
