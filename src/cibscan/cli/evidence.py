"""``cibscan evidence``: the concrete co-actions behind a cluster, a pair or an account."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

from ..coordination.evidence import account_evidence, cluster_evidence, pair_evidence
from ..errors import ParameterError
from ..workspace import open_workspace
from .app import DEFAULT_WORKSPACE, WorkspaceOpt, app, console
from .render import safe_text


def _coaction_table(co: pd.DataFrame, limit: int, title: str) -> Table:
    t = Table("kind", "account a", "account b", "target", "gap s", "at (UTC)", "post a", "post b", "text a", title=title)
    for r in co.head(limit).itertuples():
        t.add_row(r.kind, Text(safe_text(r.account_a, 24)), Text(safe_text(r.account_b, 24)), Text(safe_text(r.key_text, 50)),
                  str(r.gap_s), str(r.at_a), Text(safe_text(r.post_a, 22)), Text(safe_text(r.post_b, 22)),
                  Text(safe_text(getattr(r, "text_a", ""), 60)))
    return t


def _json(data: dict) -> str:
    out = {}
    for k, v in data.items():
        out[k] = v.to_dict(orient="records") if isinstance(v, pd.DataFrame) else v
    return json.dumps(out, default=str, ensure_ascii=False, indent=1)


@app.command("evidence")
def evidence_command(
    cluster: Annotated[Optional[str], typer.Argument(help="Cluster id from cibscan scan (e.g. C3).")] = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
    account: Annotated[Optional[str], typer.Option("--account", "-a", help="An account id: its cluster, edges and co-actions.")] = None,
    pair: Annotated[Optional[list[str]], typer.Option("--pair", help="Two account ids (give --pair twice): their edges and co-actions.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Co-actions to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print everything as JSON.")] = False,
) -> None:
    """Show the evidence behind a coordination finding: which posts, on which target, how many
    seconds apart (`cibscan evidence C3`, `--account ID`, `--pair A --pair B`)."""
    chosen = [x for x in (cluster, account, pair) if x]
    if len(chosen) != 1:
        raise ParameterError("give one of: a cluster id (cibscan evidence C1), --account ID, or --pair A --pair B")
    if pair and len(pair) != 2:
        raise ParameterError(f"--pair needs exactly two account ids (got {len(pair)}): --pair A --pair B")
    with open_workspace(workspace, read_only=True) as ws:
        if cluster:
            data = cluster_evidence(ws, cluster)
        elif account:
            data = account_evidence(ws, account)
        else:
            data = pair_evidence(ws, pair[0], pair[1])
    if as_json:
        console.print_json(_json(data))
        return
    if cluster:
        c = data["cluster"]
        console.print(Text(f"cluster {c['cluster_id']}: {c['size']} accounts, bound by {', '.join(c['kinds'])}; "
                           f"median gap {c['median_gap_s']:.0f} s; density {c['density']:.2f}; score {c['score']:.2f} ({c['confidence']}); "
                           f"active {c['start']} to {c['end']} UTC"))
        for line in data["evidence"].itertuples():
            if not line.posts:
                console.print(Text("  " + safe_text(line.detail, 300)))
        console.print(Text("members: " + ", ".join(safe_text(a, 24) for a in data["members"]["account_id"])))
    else:
        key = "clusters" if account else None
        if key and len(data[key]):
            console.print(Text(f"account {safe_text(account, 40)} is in cluster {data[key]['cluster_id'].iloc[0]}"))
        e = Table("account a", "account b", "kind", "shared", "occasions", "p value", "excess", "weight", title="edges")
        for r in data["edges"].head(limit).itertuples():
            e.add_row(Text(safe_text(r.account_a, 24)), Text(safe_text(r.account_b, 24)), r.kind, f"{r.n_shared:,}", f"{r.n_occasions:,}",
                      f"{r.p_value:.2g}", f"{r.excess:.2f}", f"{r.weight:.3f}")
        console.print(e)
    console.print(_coaction_table(data["coactions"], limit, f"co-actions (quickest first; {len(data['coactions']):,} sampled)"))
