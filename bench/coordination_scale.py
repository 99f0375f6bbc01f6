"""How the coordination detector scales: all trace kinds at once on a large simulated scenario.

Simulates (``cibscan.simulate``, fixed seed) and ingests a scenario of ``--posts`` posts
(default 10 million) once, then times ``cibscan scan --detect coordination`` with every trace
kind (traces built from scratch) in a fresh process, reporting wall time and peak memory of the
whole process tree (sampled from /proc), the rows of the main tables and the precision/recall
of the planted tactics. The goal on this 2-core machine: under 5 minutes and 8 GiB at 10M posts.

Run: ``.venv/bin/python bench/coordination_scale.py [--posts 10000000] [--memory-limit 6GB]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from coordination_sim import evaluate  # noqa: E402
from measure import run_measured  # noqa: E402

OUT = os.path.join(HERE, "out")

SCAN = r"""
import sys, time, cibscan
from cibscan.detect import run_scan
ws = cibscan.open_workspace(sys.argv[1], memory_limit=sys.argv[2] or None)
for t in ("traces", "traces_meta"):
    if ws.has_table(t):
        ws.drop_table(t)
t0 = time.perf_counter()
last = [t0]
def progress(msg):
    now = time.perf_counter()
    print(f"{now - t0:7.1f} s (+{now - last[0]:6.1f}) {msg}", flush=True)
    last[0] = now
run_scan(ws, detect=["coordination"], progress=progress)
print(f"{time.perf_counter() - t0:7.1f} s done", flush=True)
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prepare-only", action="store_true", help="simulate and ingest, do not scan")
    ap.add_argument("--folder", help="use this simulated scenario folder (scenario.json, truth/) instead of simulating one under bench/out")
    ap.add_argument("--workspace", help="workspace of that scenario, already ingested (default: FOLDER/workspace.duckdb, made when missing)")
    ap.add_argument("--memory-limit", default="", help="DuckDB memory limit for the scan (e.g. 6GB); default DuckDB's (80%% of RAM)")
    args = ap.parse_args(argv)
    import cibscan
    from cibscan.simulate import load_truth, simulate

    folder = args.folder or os.path.join(OUT, f"sim-{args.posts}-seed{args.seed}")
    if not os.path.exists(os.path.join(folder, "scenario.json")):
        t0 = time.perf_counter()
        simulate(folder, posts=args.posts, seed=args.seed, avatars=False)
        print(f"simulated {args.posts:,} posts in {time.perf_counter() - t0:.0f} s", flush=True)
    ws_path = args.workspace or os.path.join(folder, "workspace.duckdb")
    if not os.path.exists(ws_path):
        t0 = time.perf_counter()
        with cibscan.open_workspace(ws_path) as ws:
            ws.ingest([os.path.join(folder, "tweets.csv"), os.path.join(folder, "users.csv")])
        print(f"ingested in {time.perf_counter() - t0:.0f} s", flush=True)
    if args.prepare_only:
        return 0
    m = run_measured([sys.executable, "-c", SCAN, ws_path, args.memory_limit])
    print(m.stdout, end="")
    if m.returncode != 0:
        print(m.stderr[-3000:], file=sys.stderr)
        return 1
    with cibscan.open_workspace(ws_path, read_only=True) as ws:
        counts = {t: ws.count(t) for t in ("posts", "traces", "coordination_edges", "coordination_clusters", "coordination_members")}
        scores = evaluate(ws, load_truth(folder))
        calib = ws.to_pandas("coordination_calibration")
    print(f"{args.posts:,} posts, all kinds: {m.seconds:.0f} s wall, peak {m.peak_rss_mb / 1024:.2f} GiB (process tree)")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(calib[["kind", "window_s", "n_candidates", "n_edges", "p_cutoff", "chance_share", "hub_keys"]].to_string(index=False))
    for tactic in ("co_repost", "co_link", "copy_paste"):
        s = scores[tactic]
        print(f"  {tactic:<11} recall {s['recall']:.3f} ({s['found']}/{s['planted']}), precision {s['precision']:.3f} of {s['flagged_by_kind']}")
    a = scores["all"]
    print(f"  all flagged {a['flagged']}: precision {a['precision']:.3f}, false positives {a['false_positives']} "
          f"({a['false_positive_sources']} campaign source accounts; traps {a['false_positive_traps']})")
    with open(os.path.join(OUT, f"coordination_scale_{args.posts}.json"), "w") as f:
        json.dump({"posts": args.posts, "seconds": m.seconds, "peak_rss_mb": m.peak_rss_mb, "counts": counts,
                   "scores": scores}, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
