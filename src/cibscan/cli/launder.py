"""``cibscan launder``: accounts that mostly post other things and, on cue, carry a campaign's lines."""

from __future__ import annotations

import json
import os
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from ..detect import parse_param_overrides, run_scan
from ..errors import ParameterError, WorkspaceError
from ..workspace import open_workspace
from ._top import JsonOpt, ParamOpt, TopOpt, print_top
from .app import DEFAULT_WORKSPACE, WorkspaceOpt, app, console, console_err
from .render import safe_text

COLUMNS = [("account_id", "account"), ("handle", "handle"), ("campaign_id", "campaign"), ("n_posts", "posts"),
           ("n_aligned", "aligned"), ("aligned_share", "share"), ("n_in_window", "in windows"),
           ("expected_in_window", "expected"), ("q_value", "q"), ("confidence", "confidence")]


def read_ids(value: str | None, what: str) -> str:
    """Ids given on the command line (comma-separated) or in a file (one per line or comma-separated;
    ``#`` starts a comment), as one comma-separated string."""
    if not value:
        return ""
    if os.path.isfile(value):
        try:
            with open(value, encoding="utf-8-sig") as f:
                lines = [ln.split("#", 1)[0] for ln in f]
        except (OSError, UnicodeDecodeError) as e:
            raise ParameterError(f"{what} {value}: cannot read the file ({e}); give ids one per line in UTF-8") from None
        ids = [s.strip() for ln in lines for s in ln.replace(",", " ").split() if s.strip()]
        if not ids:
            raise ParameterError(f"{what} {value}: the file holds no ids; give one id per line")
        return ",".join(ids)
    return value


def _candidates(ws, top: int) -> list[dict]:
    acc = ws.table("laundering_accounts")
    acc = acc.filter(acc.candidate)
    rows = acc.to_pyarrow().to_pylist()
    grades = {}
    if ws.has_table("findings"):
        f = ws.table("findings")
        grades = {r["id"]: r["confidence"] for r in f.filter(f.detector == "laundering").select("id", "confidence").to_pyarrow().to_pylist()}
    best: dict[str, dict] = {}
    for r in rows:
        if r["account_id"] in grades and (r["account_id"] not in best or r["q_value"] < best[r["account_id"]]["q_value"]):
            best[r["account_id"]] = dict(r, confidence=grades[r["account_id"]])
    return sorted(best.values(), key=lambda r: (r["q_value"], -r["n_aligned"], r["account_id"]))[:top]


def _matches_table(ws, account_id: str, limit: int) -> Table | None:
    m = ws.table("laundering_matches")
    rows = m.filter(m.account_id == account_id).order_by(["at", "post_id"]).limit(limit).to_pyarrow().to_pylist()
    if not rows:
        return None
    ids = [r["post_id"] for r in rows] + [r["campaign_post_id"] for r in rows if r["campaign_post_id"]]
    import ibis

    posts = ws.table("posts").semi_join(ibis.memtable({"post_id": ids}), "post_id")
    text = {r["post_id"]: r["text"] for r in posts.select("post_id", "text").to_pyarrow().to_pylist()}
    t = Table("at (UTC)", "in window", "matched by", "aligned post", "its text", "campaign post", "by", "campaign text",
              title=f"aligned posts of {account_id} next to the campaign posts they match")
    for r in rows:
        t.add_row(safe_text(r["at"]), "yes" if r["in_window"] else "no", safe_text(r["kind"], 30), safe_text(r["post_id"], 22),
                  safe_text(text.get(r["post_id"]), 70), safe_text(r["campaign_post_id"], 22), safe_text(r["campaign_account_id"], 22),
                  safe_text(text.get(r["campaign_post_id"]), 70))
    return t


@app.command("launder")
def launder_command(
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
    seed_posts: Annotated[Optional[str], typer.Option("--seed-posts", help="Campaign posts you name: ids, comma-separated, or a file of ids (one per line).")] = None,
    seed_accounts: Annotated[Optional[str], typer.Option("--seed-accounts", help="Campaign accounts you name: ids, comma-separated, or a file of ids.")] = None,
    campaign: Annotated[Optional[list[str]], typer.Option("--campaign", "-c", help="Only these stored clusters/bursts as campaigns (e.g. C1, B2; repeatable).")] = None,
    param: ParamOpt = None,
    top: TopOpt = 20,
    account: Annotated[Optional[str], typer.Option("--account", "-a", help="Show this account's aligned posts next to the campaign posts they match.")] = None,
    matches: Annotated[int, typer.Option("--matches", help="Aligned posts shown with --account.", min=1)] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Find laundering candidates: accounts whose timelines are mostly unrelated but carry a steady
    minority of a campaign's lines, timed to its active windows. Campaigns are the stored
    coordination clusters and flood bursts (run `cibscan scan` first) or the posts/accounts you
    name. Results are stored in the workspace (laundering_* tables, findings, accounts_ranked)."""
    overrides = parse_param_overrides(param)
    lp = dict(overrides.get("laundering", {}))
    if seed_posts:
        lp["seed_posts"] = read_ids(seed_posts, "--seed-posts")
    if seed_accounts:
        lp["seed_accounts"] = read_ids(seed_accounts, "--seed-accounts")
    if campaign:
        lp["campaigns"] = ",".join(campaign)
    if not os.path.exists(workspace):
        raise WorkspaceError(f"workspace {workspace} does not exist: run `cibscan ingest FILES -w {workspace}` first")
    if not account:
        with open_workspace(workspace) as ws:
            found = run_scan(ws, detect=["laundering"], params={"laundering": lp},
                             progress=lambda msg: console_err.print(Text(msg), style="dim"))["laundering"]
        for note in found.notes:
            console_err.print(Text(f"laundering: {note}"))
    with open_workspace(workspace, read_only=True) as ws:
        if not ws.has_table("laundering_accounts"):
            raise WorkspaceError(f"{workspace} has no laundering results yet: run `cibscan launder -w {workspace}` without --account first")
        if account:
            t = _matches_table(ws, account, matches)
            if t is None:
                raise ParameterError(f"--account {account}: not a laundering candidate in {workspace} (see `cibscan launder -w {workspace}`)")
            if as_json:
                m = ws.table("laundering_matches")
                for r in m.filter(m.account_id == account).order_by(["at", "post_id"]).limit(matches).to_pyarrow().to_pylist():
                    console.out(json.dumps(r, default=str, ensure_ascii=True), highlight=False)
                return
            console.print(t)
            return
        rows = _candidates(ws, top)
    print_top(rows, COLUMNS, title=f"laundering candidates in {workspace} (share: aligned posts / all posts; q: FDR-corrected timing p-value)",
              as_json=as_json)
    if rows and not as_json:
        console.print(Text(f"aligned posts of a candidate: cibscan launder -w {workspace} --account {rows[0]['account_id']}"))
