"""Coordination on simulated data: account-level precision and recall per tactic.

Simulates a scenario (``cibscan.simulate``: organic traffic with hub cascades, fan clubs,
trends, memes and share buttons, plus planted campaigns), ingests it, runs the coordination
detector with its defaults and scores the flagged accounts against the ground truth:

* per coordination tactic (``co_repost``, ``co_link``, ``copy_paste``): **recall** = share of
  the accounts planted with the tactic that are in some cluster; **precision** = share of the
  accounts in clusters bound by the tactic's trace kinds (repost; link or domain; text) that
  are campaign accounts (of any tactic: a persona batch found through its co-reposting is
  right, as ``Truth.score`` defines it);
* overall precision of every flagged account, and the organic traps false positives fell into.

Run: ``.venv/bin/python bench/coordination_sim.py --posts 100000 --seed 1``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import cibscan
from cibscan.detect import run_scan
from cibscan.simulate import load_truth, simulate

#: the trace kinds whose clusters reveal each coordination tactic
TACTIC_KINDS = {"co_repost": {"repost"}, "co_link": {"link", "domain"}, "copy_paste": {"text"}}


def evaluate(ws, truth, implicated: bool = False) -> dict:
    """Scores of the stored coordination clusters against a simulator ``Truth`` (``implicated``:
    only clusters graded medium or high, the accounts a report implicates; low-confidence
    clusters are listed as leads)."""
    clusters = ws.to_pandas("coordination_clusters")
    members = ws.to_pandas("coordination_members")
    if implicated:
        clusters = clusters[clusters["confidence"].isin(["medium", "high"])]
        members = members[members["cluster_id"].isin(set(clusters["cluster_id"]))]
    kinds = dict(zip(clusters["cluster_id"], clusters["kinds"].map(set)))
    flagged = set(members["account_id"])
    out = {"all": truth.score(flagged)}
    # the accounts a campaign promotes (its "source") are run by the campaign but are not listed
    # with a tactic in truth/accounts.csv: name them when they are among the false positives
    sources = set(truth.groups["source_account_id"]) - {""}
    out["all"]["false_positive_sources"] = len((flagged - truth.campaign_accounts()) & sources)
    for tactic, tk in TACTIC_KINDS.items():
        bound = {c for c, k in kinds.items() if k & tk}
        by_kind = set(members[members["cluster_id"].isin(bound)]["account_id"])
        recall = truth.score(flagged, tactic)
        precision = truth.score(by_kind, tactic)
        out[tactic] = {"planted": recall["planted"], "found": recall["true_positives"], "recall": recall["recall"],
                       "flagged_by_kind": precision["flagged"], "precision": precision["precision"] if by_kind else 1.0}
    return out


def run(posts: int, seed: int, out: str | None = None, params: dict | None = None) -> tuple[dict, dict]:
    """Simulate, ingest, scan and score; returns (scores, timings)."""
    folder = out or tempfile.mkdtemp(prefix="cibscan-sim-")
    t = {}
    t0 = time.perf_counter()
    simulate(folder, posts=posts, seed=seed)
    t["simulate_s"] = time.perf_counter() - t0
    path = os.path.join(folder, "workspace.duckdb")
    for p in (path, path + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    with cibscan.open_workspace(path) as ws:
        t0 = time.perf_counter()
        ws.ingest([os.path.join(folder, "tweets.csv"), os.path.join(folder, "users.csv")])
        t["ingest_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_scan(ws, detect=["coordination"], params={"coordination": params or {}})
        t["scan_s"] = time.perf_counter() - t0
        truth = load_truth(folder)
        scores = {"clusters": evaluate(ws, truth), "implicated": evaluate(ws, truth, implicated=True)}
    if out is None:
        shutil.rmtree(folder, ignore_errors=True)
    return scores, t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--seed", type=int, action="append", help="repeatable; default 1")
    ap.add_argument("--out", help="keep the scenario and workspace in this folder (one seed only)")
    ap.add_argument("--param", action="append", default=[], help="coordination parameter name=value (repeatable)")
    args = ap.parse_args(argv)
    seeds = args.seed or [1]
    print(f"{'posts':>9} {'seed':>4} {'tactic':<11} {'planted':>7} {'found':>5} {'recall':>6} {'flagged':>7} {'precision':>9}")
    for seed in seeds:
        params = {k: json.loads(v) if v[:1].isdigit() or v[:1] in "[{-" else v for k, v in (p.split("=", 1) for p in args.param)}
        both, t = run(args.posts, seed, args.out if len(seeds) == 1 else None, params)
        for which, scores in both.items():
            print(f"  {which}: " + ("every cluster" if which == "clusters" else "clusters graded medium or high"))
            for tactic in TACTIC_KINDS:
                s = scores[tactic]
                print(f"{args.posts:>9,} {seed:>4} {tactic:<11} {s['planted']:>7} {s['found']:>5} {s['recall']:>6.3f} "
                      f"{s['flagged_by_kind']:>7} {s['precision']:>9.3f}")
            a = scores["all"]
            print(f"{args.posts:>9,} {seed:>4} {'all flagged':<11} {a['planted']:>7} {a['true_positives']:>5} {'':>6} {a['flagged']:>7} "
                  f"{a['precision']:>9.3f}  false positives: {a['false_positives']} ({a['false_positive_sources']} a campaign's own "
                  f"source account; traps: {a['false_positive_traps']})")
        print(f"          simulate {t['simulate_s']:.0f} s, ingest {t['ingest_s']:.0f} s, coordination scan {t['scan_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
