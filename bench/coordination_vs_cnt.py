"""cibscan's coordination detector side by side with coordination-network-toolkit (CNT).

For each size (default 100k and 1M posts) the script simulates a scenario
(``cibscan.simulate``, fixed seed), ingests it, writes the same posts in CNT's CSV layout and
runs, on the same machine, one network at a time:

* CNT 1.5.2 (installed from PyPI into its own venv under ``bench/out/cnt-venv``):
  ``compute_networks DB compute NETWORK --time_window 60`` for ``co_retweet``, ``co_link``,
  ``co_tweet`` and ``co_similar_tweet`` (its README's 60 s window; its default minimum edge
  weight of 2), after ``preprocess`` (timed apart, like our ingest);
* cibscan: the ``coordination`` detector with its defaults, on the matching trace kind
  (``repost``, ``link``, ``text``: one text run answers both text networks), traces built
  from scratch, calibration, clustering and evidence included.

It prints wall time and peak memory (summed over the process tree, sampled from /proc), their
ratios, and each tool's account-level precision and recall on the planted groups (recall:
share of the accounts planted with the network's tactic that the tool flags; precision: share
of flagged accounts that are campaign accounts; CNT flags every account with an edge in its
output, cibscan every account in a cluster, and apart the *implicated* ones: accounts of clusters graded
medium or high). Results also go to ``bench/out/coordination_vs_cnt.json``.

Run: ``.venv/bin/python bench/coordination_vs_cnt.py [--posts 100000 --posts 1000000] [--timeout 7200]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from measure import run_measured  # noqa: E402

OUT = os.path.join(HERE, "out")
CNT_VENV = os.path.join(OUT, "cnt-venv")
CNT_VERSION = "1.5.2"
NETWORKS = {"co_retweet": ("repost", "co_repost"), "co_link": ("link", "co_link"),
            "co_tweet": ("text", "copy_paste"), "co_similar_tweet": ("text", "copy_paste")}

#: runs one cibscan coordination scan in a fresh process; writes the flagged accounts as JSON
CIBSCAN_RUN = r"""
import json, sys, cibscan
from cibscan.detect import run_scan
ws = cibscan.open_workspace(sys.argv[1])
for t in ("traces", "traces_meta"):
    if ws.has_table(t):
        ws.drop_table(t)
res = run_scan(ws, detect=["coordination"], params={"coordination": {"kinds": sys.argv[2]}})
with open(sys.argv[3], "w") as f:
    json.dump({"clusters": sorted({a for f in res["coordination"] for a in f.accounts}),
               "implicated": sorted({a for f in res["coordination"] if f.confidence in ("medium", "high") for a in f.accounts})}, f)
"""


def ensure_cnt() -> str:
    exe = os.path.join(CNT_VENV, "bin", "compute_networks")
    if not os.path.exists(exe):
        subprocess.run([sys.executable, "-m", "venv", CNT_VENV], check=True)
        subprocess.run([os.path.join(CNT_VENV, "bin", "pip"), "install", "-q", f"coordination_network_toolkit=={CNT_VERSION}"], check=True)
    return exe


def ensure_scenario(posts: int, seed: int) -> str:
    import cibscan
    from cibscan.simulate import simulate

    folder = os.path.join(OUT, f"sim-{posts}-seed{seed}")
    if not os.path.exists(os.path.join(folder, "scenario.json")):
        simulate(folder, posts=posts, seed=seed)
    ws_path = os.path.join(folder, "workspace.duckdb")
    if not os.path.exists(ws_path):
        with cibscan.open_workspace(ws_path) as ws:
            ws.ingest([os.path.join(folder, "tweets.csv"), os.path.join(folder, "users.csv")])
    return folder


def write_cnt_csv(folder: str) -> str:
    """The workspace's posts in CNT's CSV layout (message_id, user_id, username, repost_id,
    reply_id, message, timestamp, urls)."""
    import cibscan

    path = os.path.join(folder, "cnt.csv")
    if os.path.exists(path):
        return path
    with cibscan.open_workspace(os.path.join(folder, "workspace.duckdb"), read_only=True) as ws:
        p = ws.table("posts")
        a = ws.table("accounts").select("account_id", "handle")
        t = p.left_join(a, "account_id").select(
            message_id=p.post_id, user_id=p.account_id, username=a.handle.fill_null(""),
            repost_id=(p.kind == "repost").ifelse(p.ref_post_id, ""), reply_id=(p.kind == "reply").ifelse(p.ref_post_id, ""),
            message=p.text.fill_null(""), timestamp=p.created_at.truncate("s").epoch_seconds().cast("int64"),
            urls=p.urls.join(" "),
        ).order_by("timestamp")
        df = t.to_pandas()
    df.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    return path


def cnt_flagged(db: str, network: str) -> set[str]:
    """Accounts with an edge in CNT's stored network (it keeps edges of weight >= its
    --min_edge_weight, 2 by default; self-loops are not edges between accounts)."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        rows = con.execute(f"SELECT user_1, user_2 FROM {network}_network WHERE user_1 != user_2").fetchall()
    finally:
        con.close()
    return {str(a) for a, _ in rows} | {str(b) for _, b in rows}


def score(flagged: set[str], truth, tactic: str) -> tuple[float, float]:
    s = truth.score(flagged, tactic)
    return s["precision"] if flagged else float("nan"), s["recall"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, action="append", help="repeatable; default 100000 and 1000000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=1, help="runs per tool and network (medians are reported)")
    ap.add_argument("--timeout", type=float, default=7200, help="seconds before a CNT run is stopped")
    ap.add_argument("--networks", default=",".join(NETWORKS))
    args = ap.parse_args(argv)
    from cibscan.simulate import load_truth

    os.makedirs(OUT, exist_ok=True)
    exe = ensure_cnt()
    results = []
    for posts in args.posts or [100_000, 1_000_000]:
        folder = ensure_scenario(posts, args.seed)
        truth = load_truth(folder)
        cnt_csv = write_cnt_csv(folder)
        db = os.path.join(folder, "cnt.db")
        if not os.path.exists(db):
            m = run_measured([exe, db, "preprocess", "--format", "csv", cnt_csv])
            print(f"{posts:,} posts: CNT preprocess {m.seconds:.0f} s, {m.peak_rss_mb:.0f} MB", flush=True)
        ours: dict[str, tuple] = {}
        for net in args.networks.split(","):
            kind, tactic = NETWORKS[net]
            cnt_runs = []
            for r in range(args.repeats):
                # the network is stored in CNT's database (its --output_file csv writer crashes in 1.5.2)
                m = run_measured([exe, db, "compute", net, "--time_window", "60"], timeout=args.timeout)
                cnt_runs.append(m)
            if kind not in ours:
                flagged_json = os.path.join(folder, f"cibscan-{kind}.json")
                runs = [run_measured([sys.executable, "-c", CIBSCAN_RUN, os.path.join(folder, "workspace.duckdb"), kind, flagged_json])
                        for _ in range(args.repeats)]
                for m in runs:
                    if m.returncode != 0:
                        raise SystemExit(f"cibscan run failed (exit {m.returncode}): {m.stderr[-2000:]}")
                with open(flagged_json) as f:
                    got = json.load(f)
                    ours[kind] = (runs, set(got["clusters"]), set(got["implicated"]))
            runs, flagged, implicated = ours[kind]
            timed_out = any(m.returncode != 0 for m in cnt_runs)
            c_t = statistics.median(m.seconds for m in cnt_runs)
            c_m = statistics.median(m.peak_rss_mb for m in cnt_runs)
            o_t = statistics.median(m.seconds for m in runs)
            o_m = statistics.median(m.peak_rss_mb for m in runs)
            c_p, c_r = score(cnt_flagged(db, net), truth, tactic) if not timed_out else (float("nan"), float("nan"))
            o_p, o_r = score(flagged, truth, tactic)
            i_p, i_r = score(implicated, truth, tactic)
            row = {"posts": posts, "network": net, "kind": kind, "tactic": tactic, "cnt_s": c_t, "cnt_mb": c_m, "cnt_timed_out": timed_out,
                   "cibscan_s": o_t, "cibscan_mb": o_m, "speedup": c_t / o_t, "memory_ratio": c_m / max(o_m, 1e-9),
                   "cnt_precision": c_p, "cnt_recall": c_r, "cibscan_precision": o_p, "cibscan_recall": o_r,
                   "cibscan_implicated_precision": i_p, "cibscan_implicated_recall": i_r}
            results.append(row)
            print(f"{posts:>9,} {net:<17} CNT {c_t:8.1f} s{' (timed out)' if timed_out else ''} {c_m:7.0f} MB  P {c_p:.3f} R {c_r:.3f} | "
                  f"cibscan {o_t:6.1f} s {o_m:6.0f} MB  P {o_p:.3f} R {o_r:.3f} (implicated P {i_p:.3f} R {i_r:.3f}) | {c_t / o_t:6.1f}x faster, "
                  f"{c_m / max(o_m, 1e-9):4.1f}x memory", flush=True)
        with open(os.path.join(OUT, "coordination_vs_cnt.json"), "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
