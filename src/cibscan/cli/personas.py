"""``cibscan personas``: batches of accounts that look made together."""

from __future__ import annotations

from ._top import load_or_run, print_top
from .app import DEFAULT_WORKSPACE, WorkspaceOpt, app
from .floods import JsonOpt, ParamOpt, RunOpt, TopOpt

COLUMNS = [
    ("batch_id", "batch"), ("basis", "basis"), ("created_from", "created from"), ("created_to", "to"), ("size", "accounts"),
    ("score", "score"), ("confidence", "confidence"), ("traits", "shared traits"),
]


@app.command("personas")
def personas_command(
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE, top: TopOpt = 20, run: RunOpt = False, param: ParamOpt = None, as_json: JsonOpt = False,
) -> None:
    """Print persona batches: accounts created in bursts or sharing handles, bios, avatars (table personas_batches)."""
    rows = load_or_run(workspace, "personas_batches", run=run, detect=["personas"], params=param, top=top,
                       order_by=lambda r: (-r["score"], -r["size"]))
    print_top(rows, COLUMNS, title=f"persona batches in {workspace}", as_json=as_json, limits={"traits": 140})
