"""Coordination on real data: the IRA Sept-Nov 2016 tweets (FiveThirtyEight / Clemson release).

Every account in this file was attributed by X/Twitter to Russia's Internet Research Agency;
the Clemson researchers labelled each with an ``account_category`` from its content
(RightTroll, LeftTroll, NewsFeed, HashtagGamer, Fearmonger, NonEnglish, Commercial, Unknown).
This script ingests the tweets, runs the coordination detector with its defaults and reports:

* the share of accounts (and of active accounts, 20+ tweets) that fall in coordinated clusters;
* how the clusters line up with the researchers' categories: purity (share of clustered
  accounts whose cluster's majority category is their own) and normalised mutual information
  (NMI, arithmetic normalisation) between cluster and category over clustered accounts;
* the size and binding kinds of the clusters, and each cluster's category mix.

The labels are read from ``ira538_authors.csv`` here only: the detector never sees them.

Run: ``.venv/bin/python bench/coordination_ira.py [--data ../shared/data] [--workspace /tmp/ira.duckdb]``
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections import Counter

import pandas as pd

import cibscan
from cibscan.detect import run_scan

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "shared", "data")


def nmi(a: list, b: list) -> float:
    """Normalised mutual information (arithmetic mean of the entropies) of two labelings."""
    n = len(a)
    if n == 0:
        return 0.0
    ca, cb, cab = Counter(a), Counter(b), Counter(zip(a, b))
    mi = sum(c / n * math.log(c * n / (ca[x] * cb[y])) for (x, y), c in cab.items())
    h = lambda cnt: -sum(c / n * math.log(c / n) for c in cnt.values())  # noqa: E731
    ha, hb = h(ca), h(cb)
    return 0.0 if ha + hb == 0 else 2 * mi / (ha + hb)


def purity(clusters: list, labels: list) -> float:
    """Share of items whose cluster's most common label is their own."""
    by = {}
    for c, l in zip(clusters, labels):
        by.setdefault(c, Counter())[l] += 1
    return sum(cnt.most_common(1)[0][1] for cnt in by.values()) / max(len(labels), 1)


def evaluate(ws, authors: pd.DataFrame) -> dict:
    members = ws.to_pandas("coordination_members")
    clusters = ws.to_pandas("coordination_clusters")
    posts = ws.table("posts")
    per_acc = posts.group_by("account_id").aggregate(n=posts.count()).to_pandas()
    cat = dict(zip(authors["author"].str.lower(), authors["account_category"]))
    per_acc["category"] = per_acc["account_id"].str.lower().map(cat).fillna("(not in authors file)")
    in_cluster = set(members["account_id"])
    active = per_acc[per_acc["n"] >= 20]
    m = members.assign(category=members["account_id"].str.lower().map(cat).fillna("(not in authors file)"))
    return {
        "accounts": len(per_acc),
        "active_accounts": len(active),
        "clustered": len(in_cluster),
        "share_clustered": len(in_cluster) / max(len(per_acc), 1),
        "share_active_clustered": len(set(active["account_id"]) & in_cluster) / max(len(active), 1),
        "clusters": len(clusters),
        "purity": purity(m["cluster_id"].tolist(), m["category"].tolist()),
        "nmi": nmi(m["cluster_id"].tolist(), m["category"].tolist()),
        "mix": m.groupby("cluster_id")["category"].agg(lambda s: dict(Counter(s).most_common())).to_dict(),
        "kinds": dict(zip(clusters["cluster_id"], clusters["kinds"].map(list))),
        "sizes": dict(zip(clusters["cluster_id"], clusters["size"])),
        "categories_all": per_acc["category"].value_counts().to_dict(),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=DEFAULT_DATA, help="folder holding ira538_tweets_2016-09_to_2016-11.csv.gz and ira538_authors.csv")
    ap.add_argument("--workspace", default="/tmp/cibscan-bench-ira.duckdb")
    args = ap.parse_args(argv)
    tweets = os.path.join(args.data, "ira538_tweets_2016-09_to_2016-11.csv.gz")
    authors_path = os.path.join(args.data, "ira538_authors.csv")
    if not os.path.exists(tweets):
        print(f"IRA data not found in {args.data}; pass --data", file=sys.stderr)
        return 2
    for p in (args.workspace, args.workspace + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    t0 = time.perf_counter()
    with cibscan.open_workspace(args.workspace) as ws:
        ws.ingest([tweets])
        t1 = time.perf_counter()
        run_scan(ws, detect=["coordination"])
        t2 = time.perf_counter()
        r = evaluate(ws, pd.read_csv(authors_path, dtype=str))
        cal = ws.to_pandas("coordination_calibration")
    print(f"ingest {t1 - t0:.0f} s, coordination scan {t2 - t1:.0f} s")
    print(f"accounts {r['accounts']:,} (active, 20+ tweets: {r['active_accounts']:,}); in clusters {r['clustered']:,} "
          f"= {r['share_clustered']:.1%} of accounts, {r['share_active_clustered']:.1%} of active accounts; {r['clusters']} clusters")
    print(f"clusters vs researchers' account_category (clustered accounts): purity {r['purity']:.3f}, NMI {r['nmi']:.3f}")
    print(cal[["kind", "window_s", "n_candidates", "n_edges", "p_cutoff", "chance_share"]].to_string(index=False))
    for c, mix in sorted(r["mix"].items(), key=lambda kv: -r["sizes"][kv[0]]):
        print(f"  {c}: {r['sizes'][c]} accounts, bound by {', '.join(r['kinds'][c])}: {mix}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
