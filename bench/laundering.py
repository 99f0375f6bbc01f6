"""Laundering detector: recovery on the simulator and a hand-checkable run on the IRA tweets.

``--sim`` (default): for each seed, simulate ``--posts`` posts, ingest, run coordination and
floods (the campaigns) and then laundering with its defaults; print the planted laundering
accounts, the candidates, precision and recall, the organic-echo accounts flagged (must be 0),
and the laundering detector's own wall time.

``--ira``: ingest the IRA Sept-Nov 2016 tweets (FiveThirtyEight / Clemson), run coordination
and floods, pick the largest coordination cluster whose members are mostly of the researchers'
category ``--category`` (HashtagGamer or NewsFeed; the labels are read here only, never by the
detector), use it as the one campaign, and print the accounts that carry its lines with their
shares and categories, plus a sample of aligned posts next to the campaign posts they match.

Run: ``.venv/bin/python bench/laundering.py --sim --posts 40000 --seeds 7,3``
     ``.venv/bin/python bench/laundering.py --ira [--category HashtagGamer] [--data ../shared/data]``
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections import Counter

import cibscan
from cibscan.detect import run_scan
from cibscan.detect.laundering import detect
from cibscan.findings import store_findings

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.environ.get("CIBSCAN_SHARED_DATA", os.path.join(HERE, "..", "..", "shared", "data"))


def sim_run(posts: int, seed: int, folder: str) -> dict:
    from cibscan.simulate import simulate

    out = os.path.join(folder, f"sim{posts}_{seed}")
    simulate(out, posts=posts, seed=seed)
    with cibscan.open_workspace(out + ".duckdb") as ws:
        ws.ingest([os.path.join(out, "tweets.csv"), os.path.join(out, "users.csv")])
        run_scan(ws, detect=["coordination", "floods"])
        t0 = time.perf_counter()
        found = detect(ws)
        secs = time.perf_counter() - t0
    with open(os.path.join(out, "truth", "accounts.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    planted = {r["account_id"] for r in rows if r["tactic"] == "laundering"}
    tactic = {}
    for r in rows:
        tactic.setdefault(r["account_id"], set()).add(r["tactic"])
    with open(os.path.join(out, "truth", "traps.csv"), encoding="utf-8") as f:
        echo = {r["account_id"] for r in csv.DictReader(f) if r["trap"] == "campaign_echo"}
    flagged = found.accounts()
    tp = len(flagged & planted)
    return {
        "posts": posts, "seed": seed, "planted": len(planted), "flagged": len(flagged), "tp": tp,
        "precision": tp / len(flagged) if flagged else float("nan"), "recall": tp / len(planted) if planted else float("nan"),
        "echo_flagged": len(flagged & echo), "echo_accounts": len(echo), "seconds": secs,
        "false_positives": sorted(",".join(sorted(tactic.get(a, {"organic"}))) for a in flagged - planted),
        "campaigns": found.tables["campaigns"].num_rows,
    }


def ira_run(data: str, workspace: str, category: str, sample: int) -> int:
    import pandas as pd

    tweets = os.path.join(data, "ira538_tweets_2016-09_to_2016-11.csv.gz")
    authors = os.path.join(data, "ira538_authors.csv")
    if not os.path.exists(tweets):
        print(f"IRA data not found in {data}; pass --data", file=sys.stderr)
        return 2
    cat = dict(zip(*(lambda d: (d["author"].str.lower(), d["account_category"]))(pd.read_csv(authors, dtype=str))))
    fresh = not os.path.exists(workspace)
    with cibscan.open_workspace(workspace) as ws:
        if fresh:
            t0 = time.perf_counter()
            ws.ingest([tweets])
            run_scan(ws, detect=["coordination", "floods"])
            print(f"ingest + coordination + floods: {time.perf_counter() - t0:.0f} s")
        m = ws.to_pandas("coordination_members")
        m["category"] = m["account_id"].str.lower().map(cat).fillna("?")
        mix = m.groupby("cluster_id")["category"].agg(lambda s: (Counter(s).most_common(1)[0], len(s)))
        picks = [(n, c) for c, ((top, k), n) in mix.items() if top == category and k / n >= 0.5]
        if not picks:
            print(f"no cluster is mostly {category}", file=sys.stderr)
            return 2
        size, cluster = max(picks)
        print(f"campaign: cluster {cluster} ({size} accounts, mostly {category}: "
              f"{dict(Counter(m[m.cluster_id == cluster]['category']).most_common())})")
        t0 = time.perf_counter()
        found = detect(ws, campaigns=cluster, sources="clusters")
        print(f"laundering: {time.perf_counter() - t0:.0f} s; {found.notes[0]}")
        store_findings(ws, {"laundering": found})
        acc = found.tables["accounts"].to_pandas()
        acc["category"] = acc["account_id"].str.lower().map(cat).fillna("?")
        acc["member"] = acc["account_id"].isin(set(m[m.cluster_id == cluster]["account_id"]))
        outside = acc[~acc.member]
        print(f"accounts outside the cluster carrying its lines: {len(outside)}; by category: {dict(Counter(outside.category).most_common())}")
        print(f"  with 3+ aligned posts: {int((outside.n_aligned >= 3).sum())}; tested: {int(outside.tested.sum())}; "
              f"candidates: {int(outside.candidate.sum())} (members tested: {int(acc[acc.member].tested.sum())}, "
              f"member candidates: {int(acc[acc.member].candidate.sum())})")
        cols = ["account_id", "category", "member", "n_posts", "n_aligned", "aligned_share", "n_aligned_days", "n_in_window",
                "expected_in_window", "q_value", "candidate"]
        print(acc[acc.tested].sort_values(["candidate", "q_value"], ascending=[False, True])[cols].head(40).to_string(index=False))
        posts = ws.table("posts").select("post_id", "text").to_pandas().set_index("post_id")["text"]
        mt = found.tables["matches"].to_pandas()
        if len(mt):
            print(f"\nsample of aligned posts (up to {sample}) next to the campaign posts they match:")
            for r in mt.sample(min(sample, len(mt)), random_state=0).itertuples():
                print(f"- {r.account_id} [{cat.get(r.account_id.lower(), '?')}] {r.at} in_window={r.in_window} ({r.kind})\n"
                      f"    own:      {str(posts.get(r.post_id, ''))[:160]!r}\n"
                      f"    campaign: {r.campaign_account_id}: {str(posts.get(r.campaign_post_id, ''))[:160]!r}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sim", action="store_true")
    ap.add_argument("--ira", action="store_true")
    ap.add_argument("--posts", type=int, default=40_000)
    ap.add_argument("--seeds", default="7,3")
    ap.add_argument("--folder", default=None, help="where simulated data go (default: a temporary folder)")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--workspace", default="/tmp/cibscan-bench-laundering-ira.duckdb",
                    help="IRA workspace (reused when it exists: delete it to re-ingest)")
    ap.add_argument("--category", default="HashtagGamer", choices=("HashtagGamer", "NewsFeed"))
    ap.add_argument("--sample", type=int, default=12)
    args = ap.parse_args(argv)
    if args.ira:
        return ira_run(args.data, args.workspace, args.category, args.sample)
    folder = args.folder or tempfile.mkdtemp(prefix="cibscan-laundering-")
    print("| posts | seed | planted | flagged | precision | recall | echo accounts flagged | laundering s | false positives (truth) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for seed in (int(s) for s in args.seeds.split(",")):
        r = sim_run(args.posts, seed, folder)
        print(f"| {r['posts']:,} | {r['seed']} | {r['planted']} | {r['flagged']} | {r['precision']:.2f} | {r['recall']:.2f} | "
              f"{r['echo_flagged']} of {r['echo_accounts']} | {r['seconds']:.1f} | {'; '.join(r['false_positives']) or '-'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
