"""``cibscan demo``: the whole job on a simulated scenario, scored against its ground truth.

Simulates a scenario (organic traffic with its traps plus planted campaigns), then does what
``cibscan run`` does on its files (ingest, every detector, ``report.html``, exports) and last
prints, per detector, how the flagged accounts compare with the accounts the simulator planted.
Nothing is downloaded: the data is generated on the spot.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table

from ..rank import NON_IMPLICATING_ROLES
from ..simulate import load_truth
from .app import app, console
from .run import run_pipeline
from .simulate import print_summary, run_simulate

DEMO_POSTS = 50_000
WORKSPACE_NAME = "cibscan.duckdb"

#: the planted tactics each detector is built to recover (its recall is measured on these);
#: amplifiers have none of their own: they pick out the earliest pushers of any campaign
DETECTOR_TACTICS = {
    "coordination": ("co_repost", "co_link", "copy_paste"),
    "floods": ("flood",),
    "personas": ("persona_batch",),
    "impersonation": ("impersonator",),
    "spoofed_domains": ("spoofed_outlet",),
    "laundering": ("laundering",),
}


def has_image_hashing() -> bool:
    """Whether the ``images`` extra (pdqhash, imagehash) is installed."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("pdqhash", "imagehash"))


def score_against_truth(workspace: str, truth) -> list[dict]:
    """Per detector, over the accounts it implicates at medium or high confidence: how many
    there are, the share that are planted campaign accounts (precision) and the share of the
    accounts planted with the detector's own tactics among them (recall), as ``Truth.score``
    defines them; plus the low-confidence leads and how many of those were planted."""
    from ..workspace import open_workspace

    with open_workspace(workspace) as ws:
        if not ws.has_table("finding_accounts"):
            return []
        fa = ws.to_pandas("finding_accounts")
    fa = fa[~fa["role"].isin(NON_IMPLICATING_ROLES)]  # originals, sources, one-time sharers: listed, not flagged
    campaign = truth.campaign_accounts()
    rows = []
    for detector, group in fa.groupby("detector", sort=True):
        flagged = set(group.loc[group["confidence"] != "low", "account_id"])
        leads = set(group["account_id"]) - flagged
        s = truth.score(flagged)
        own = set().union(*(truth.accounts_with(t) for t in DETECTOR_TACTICS.get(detector, ())))
        rows.append({"detector": detector, "flagged": s["flagged"], "campaign": s["flagged"] - s["false_positives"],
                     "precision": s["precision"] if flagged else None, "planted": len(own),
                     "recall": len(flagged & own) / len(own) if own else None,
                     "false_positive_traps": s["false_positive_traps"],
                     "leads": len(leads), "leads_planted": len(leads & campaign)})
    return rows


def print_truth_scores(rows: list[dict]) -> None:
    t = Table("detector", "flagged", "planted among them", "precision", "recall of its tactics",
              "organic traps among the rest", "low-confidence leads (planted)",
              title="against the simulator's ground truth: accounts flagged at medium or high confidence")
    for r in rows:
        traps = ", ".join(f"{k} {v}" for k, v in r["false_positive_traps"].items()) or "-"
        recall = f"{r['recall']:.2f} of {r['planted']:,}" if r["recall"] is not None else "-"
        precision = f"{r['precision']:.2f}" if r["precision"] is not None else "-"
        t.add_row(r["detector"], f"{r['flagged']:,}", f"{r['campaign']:,}", precision, recall, traps,
                  f"{r['leads']:,} ({r['leads_planted']:,})")
    console.print(t, markup=False)


@app.command("demo")
def demo_command(
    out: Annotated[str, typer.Option("--out", "-o", help="Folder for the demo data, workspace, report and exports.")] = "demo-out",
    posts: Annotated[int, typer.Option("--posts", "-n", help="Posts to simulate.", min=1000)] = DEMO_POSTS,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Random seed.")] = 0,
) -> None:
    """Run cibscan end to end on simulated data: simulate, ingest, detect, report, score.

    Writes OUT/report.html (open it in a browser), OUT/exports/, the workspace OUT/cibscan.duckdb
    and the simulator's ground truth in OUT/truth/.
    """
    summary = run_simulate(out, posts=posts, seed=seed)
    print_summary(summary)
    workspace = os.path.join(out, WORKSPACE_NAME)
    for stale in (workspace, workspace + ".wal"):  # the data was just rewritten: start afresh
        if os.path.exists(stale):
            os.remove(stale)
    avatars = os.path.join(out, "avatars")
    if os.path.isdir(avatars) and not has_image_hashing():
        console.print("note: the avatars are not hashed (avatar matching needs the images extra: pip install 'cibscan[images]')")
        avatars = ""
    watchlist = os.path.join(out, "watchlist.csv")
    run_pipeline([os.path.join(out, "tweets.csv"), os.path.join(out, "users.csv")], out, workspace=workspace,
                 images=avatars if avatars and os.path.isdir(avatars) else None,
                 watchlist=watchlist if os.path.isfile(watchlist) else None,
                 title=f"cibscan demo: simulated scenario, {posts:,} posts, seed {seed}")
    print_truth_scores(score_against_truth(workspace, load_truth(out)))
    console.print(f"open {os.path.join(out, 'report.html')} in a browser; ground truth in {os.path.join(out, 'truth')}", markup=False)
