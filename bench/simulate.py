"""Benchmark ``cibscan simulate``: posts per second and peak memory at several sizes.

Each run is a fresh Python process (so its peak RSS is its own). As a ceiling, the same
``tweets.csv`` is read into Arrow and written back with Arrow's CSV writer (the least work
any tool producing this file could do); the ratio compares it with the simulator's rate for
the data files (planning, campaigns, tweets.csv and users.csv; pictures are timed apart).

    .venv/bin/python bench/simulate.py                        # 100k and 1M posts, 3 runs each
    .venv/bin/python bench/simulate.py --sizes 10000000 --runs 1

Prints a Markdown table (medians over runs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

_CHILD = """
import json, resource, sys, time
from cibscan.simulate import simulate
t = time.perf_counter()
s = simulate(sys.argv[1], posts=int(sys.argv[2]), seed=int(sys.argv[3]), avatars=sys.argv[4] == "1")
print(json.dumps({"seconds": time.perf_counter() - t, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "accounts": s.accounts, "avatars": s.avatars, "stages": s.stage_seconds}))
"""

_CEILING = """
import json, resource, sys, time
import pyarrow.csv as c
t = time.perf_counter()
table = c.read_csv(sys.argv[1], read_options=c.ReadOptions(block_size=1 << 26))
c.write_csv(table, sys.argv[2], c.WriteOptions(quoting_style="all_valid"))
print(json.dumps({"seconds": time.perf_counter() - t, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="100000,1000000", help="comma-separated post counts")
    p.add_argument("--runs", type=int, default=3, help="runs per size (median reported)")
    p.add_argument("--no-avatars", action="store_true", help="skip writing profile pictures")
    p.add_argument("--tmp", default=None, help="scratch folder (default: system temp)")
    args = p.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        runs, ceil = [], []
        for r in range(args.runs):
            work = tempfile.mkdtemp(dir=args.tmp)
            try:
                out = os.path.join(work, "s")
                runs.append(_run(_CHILD, out, str(size), str(r), "0" if args.no_avatars else "1"))
                tweets = os.path.join(out, "tweets.csv")
                runs[-1]["mib"] = os.path.getsize(tweets) / 2**20
                ceil.append(_run(_CEILING, tweets, os.path.join(work, "copy.csv")))
            finally:
                shutil.rmtree(work, ignore_errors=True)
            print(f"  {size:,} posts run {r + 1}: {runs[-1]['seconds']:.1f} s, {runs[-1]['rss_mib']:.0f} MiB", file=sys.stderr)
        sec = statistics.median(x["seconds"] for x in runs)
        c_sec = statistics.median(x["seconds"] for x in ceil)
        data_sec = statistics.median(sum(x["stages"][k] for k in ("world", "campaigns", "posts")) for x in runs)
        pic_sec = statistics.median(x["stages"].get("pictures", 0.0) for x in runs)
        rows.append((size, runs[0]["accounts"], runs[0]["avatars"], sec, size / sec, size / data_sec, pic_sec,
                     max(x["rss_mib"] for x in runs), runs[0]["mib"], size / c_sec))
    print(f"\n`bench/simulate.py --sizes {args.sizes} --runs {args.runs}{' --no-avatars' if args.no_avatars else ''}` "
          f"({os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}; medians of {args.runs} runs)\n")
    print("| posts | accounts | pictures | total s | posts/s overall | posts/s (tweets+users) | pictures s | peak RSS MiB "
          "| tweets.csv MiB | Arrow read+write posts/s (ceiling) | ceiling / ours |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, acc, pics, sec, rate, data_rate, pic_sec, rss, mib, c_rate in rows:
        print(f"| {size:,} | {acc:,} | {pics:,} | {sec:.1f} | {rate:,.0f} | {data_rate:,.0f} | {pic_sec:.1f} | {rss:,.0f} "
              f"| {mib:,.0f} | {c_rate:,.0f} | {c_rate / data_rate:.1f}x |")


if __name__ == "__main__":
    main()
