"""DuckDB vs Spark local[N] on simulated posts: wall time and peak memory of the whole process
tree (the JVM included), medians of repeated runs.

Each run is a fresh process that ingests the simulator's archive into a new workspace and runs
the coordination detector; the parent samples the resident memory of that process and all its
descendants every 0.1 s from /proc (``/usr/bin/time -v`` sees only the Python process, not the
JVM Spark starts).

    .venv/bin/python bench/engines.py                          # 1M and 10M posts, 3 runs each
    .venv/bin/python bench/engines.py --posts 1000000 --runs 1
    .venv/bin/python bench/engines.py --engines duckdb --posts 100000

Writes ``bench/out/engines.json`` and prints a Markdown table for ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/statm") as f:
                pages = int(f.read().split()[1])
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * PAGE
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_measured(cmd: list[str]) -> tuple[dict, float, int]:
    """Run ``cmd``; return its JSON output (last line), wall seconds and peak tree RSS."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.1)
    wall = time.perf_counter() - t0
    out = proc.stdout.read().strip().splitlines() if proc.stdout else []
    if proc.returncode != 0 or not out:
        raise SystemExit(f"run failed ({proc.returncode}): {' '.join(cmd)}")
    return json.loads(out[-1]), wall, peak


def one_run(engine: str, data: Path, work: Path, master: str, driver_memory: str) -> None:
    """Child process: ingest + coordination scan on a fresh workspace; prints phase times."""
    import cibscan
    from cibscan.detect import run_scan

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    t0 = time.perf_counter()
    if engine == "spark":
        ws = cibscan.open_workspace(str(work / "case"), engine="spark", master=master,
                                    spark_conf={"spark.driver.memory": driver_memory})
    else:
        ws = cibscan.open_workspace(str(work / "case.duckdb"))
    t_open = time.perf_counter()
    ws.ingest([str(data / "tweets.csv"), str(data / "users.csv")])
    t_ingest = time.perf_counter()
    found = run_scan(ws, ["coordination"])["coordination"]
    t_scan = time.perf_counter()
    n_edges = ws.count("coordination_edges")
    ws.close()
    print(json.dumps({"start_s": t_open - t0, "ingest_s": t_ingest - t_open, "scan_s": t_scan - t_ingest,
                      "clusters": len(found), "edges": n_edges}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--engines", nargs="+", default=["duckdb", "spark"], choices=["duckdb", "spark"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--driver-memory", default="6g", help="Spark driver (local mode: the whole JVM) heap")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--one", nargs=3, metavar=("ENGINE", "DATA", "WORK"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one_run(args.one[0], Path(args.one[1]), Path(args.one[2]), args.master, args.driver_memory)
        return

    OUT.mkdir(exist_ok=True)
    results = []
    for n in args.posts:
        data = OUT / f"sim-{n}-seed{args.seed}"
        if not (data / "tweets.csv").exists():
            from cibscan.simulate import simulate

            simulate(data, posts=n, seed=args.seed)
        for engine in args.engines:
            runs = []
            for i in range(args.runs):
                cmd = [sys.executable, __file__, "--master", args.master, "--driver-memory", args.driver_memory,
                       "--one", engine, str(data), str(OUT / f"work-{engine}")]
                info, wall, peak = run_measured(cmd)
                runs.append({**info, "wall_s": wall, "peak_rss_bytes": peak})
                print(f"{n:>11,} posts  {engine:<6} run {i + 1}: {wall:7.1f} s, peak {peak / 2**30:.2f} GiB, "
                      f"{info['clusters']} clusters, {info['edges']:,} edges", flush=True)
            shutil.rmtree(OUT / f"work-{engine}", ignore_errors=True)
            med = {k: statistics.median(r[k] for r in runs) for k in ("wall_s", "start_s", "ingest_s", "scan_s", "peak_rss_bytes")}
            results.append({"posts": n, "engine": engine, "master": args.master if engine == "spark" else None,
                            "runs": len(runs), "median": med, "all": runs})
    (OUT / "engines.json").write_text(json.dumps(results, indent=1))
    print("\n| posts | engine | wall (median) | start | ingest | scan | peak memory (process tree) |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        m = r["median"]
        eng = r["engine"] + (f" `{r['master']}`" if r["master"] else "")
        print(f"| {r['posts']:,} | {eng} | {m['wall_s']:.0f} s | {m['start_s']:.1f} s | {m['ingest_s']:.0f} s | "
              f"{m['scan_s']:.0f} s | {m['peak_rss_bytes'] / 2**30:.2f} GiB |")


if __name__ == "__main__":
    main()
