"""Benchmark and checks of the floods, personas and amplifiers detectors and the ranked tables.

Three parts (each can be skipped):

* ``--sim``: a simulated scenario (``cibscan.simulate``) of ``--posts`` posts is ingested, the
  detectors run one at a time (coordination first, as in ``cibscan scan``, unless
  ``--no-coordination``), each timed with its peak resident memory; then the planted truth is
  compared with what they found: the flood's rank, the organic trends' ranks and scores,
  persona-batch precision/recall, and which planted tactics or organic traps ended up in
  each detector's findings (leaks).
* ``--ira``: the IRA Sept-Nov 2016 tweets (``../shared/data``): the top bursts and the share of
  each burst's driver posts written by the researchers' HashtagGamer accounts.
* ``--china``: the X/Twitter China (Aug 2019) users file: the creation-date batches found.

Run from the repository root, e.g.::

    .venv/bin/python bench/floods_personas.py --sim --posts 10000000 --seed 1
    .venv/bin/python bench/floods_personas.py --ira --china

Peak memory is the process's peak resident set (``VmHWM``), reset before each step through
``/proc/self/clear_refs`` (Linux).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import cibscan
from cibscan.detect import DETECTORS, run_scan
from cibscan.findings import store_findings
from cibscan.rank import build_rankings

SHARED = Path(os.environ.get("CIBSCAN_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))
if not SHARED.exists():
    SHARED = Path("/work/shared/data")


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timed(label: str, fn, rows: list):
    _reset_peak()
    t0 = time.perf_counter()
    out = fn()
    rows.append((label, time.perf_counter() - t0, _peak_mib()))
    print(f"  {label}: {rows[-1][1]:.1f} s, peak RSS {rows[-1][2]:,.0f} MiB", flush=True)
    return out


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _split_csv(path: Path, rows_per_part: int) -> list[Path]:
    """Cut a CSV into parts of ``rows_per_part`` records (quoted newlines kept), header on each:
    each file is committed in one transaction, and a 10M-post commit ran out of the ingest's
    1 GB memory limit on this machine."""
    parts_dir = path.parent / "parts"
    if parts_dir.exists():
        return sorted(parts_dir.glob("tweets-*.csv"))
    parts_dir.mkdir()
    out, writer, f, n = [], None, None, 0
    with open(path, encoding="utf-8", newline="") as src:
        reader = csv.reader(src)
        header = next(reader)
        for row in reader:
            if writer is None or n == rows_per_part:
                if f:
                    f.close()
                out.append(parts_dir / f"tweets-{len(out):03d}.csv")
                f = open(out[-1], "w", encoding="utf-8", newline="")
                writer, n = csv.writer(f), 0
                writer.writerow(header)
            writer.writerow(row)
            n += 1
    if f:
        f.close()
    return out


def bench_sim(posts: int, seed: int, folder: str | None, coordination: bool, memory_limit: str | None, split_rows: int = 0) -> None:
    from cibscan.simulate import simulate

    out = Path(folder or tempfile.mkdtemp(prefix="cibscan-bench-"))
    rows: list = []
    print(f"## simulated scenario: {posts:,} posts, seed {seed} ({out})")
    if not (out / "tweets.csv").exists():
        timed("simulate", lambda: simulate(str(out), posts=posts, seed=seed), rows)
    wsp = out / "bench.duckdb"
    fresh = not wsp.exists()
    ws = cibscan.open_workspace(str(wsp), memory_limit=memory_limit)
    if fresh:
        files = _split_csv(out / "tweets.csv", split_rows) if split_rows else [out / "tweets.csv"]
        timed("ingest (not this issue's code)", lambda: ws.ingest([str(f) for f in files] + [str(out / "users.csv")]), rows)
    n_posts, n_accounts = ws.count("posts"), ws.count("accounts")
    print(f"  workspace: {n_posts:,} posts, {n_accounts:,} accounts")
    names = (["coordination"] if coordination and "coordination" in DETECTORS else []) + ["floods", "personas", "amplifiers"]
    results = {}
    for n in names:
        results[n] = timed(n, lambda n=n: DETECTORS[n]().detect(ws), rows)
        store_findings(ws, {n: results[n]})
    timed("rank (accounts_ranked, clusters_ranked)", lambda: build_rankings(ws), rows)
    print("\n| step | seconds | peak RSS (MiB) |\n|---|---:|---:|")
    for label, s, m in rows:
        print(f"| {label} | {s:.1f} | {m:,.0f} |")
    _sim_quality(ws, out, results)
    ws.close()


def _sim_quality(ws, out: Path, results: dict) -> None:
    tactics: dict[str, set[str]] = {}
    for r in _read_csv(out / "truth" / "accounts.csv"):
        tactics.setdefault(r["account_id"], set()).add(r["tactic"])
    traps: dict[str, str] = {r["account_id"]: r["trap"] for r in _read_csv(out / "truth" / "traps.csv")}
    roles = {r["tag"].lower(): r["role"] for r in _read_csv(out / "truth" / "hashtags.csv")}
    bursts = results["floods"].tables["bursts"].to_pylist()
    print("\n### floods: top bursts\n\n| rank | planted role | posts | accounts | score | confidence |\n|---:|---|---:|---:|---:|---|")
    for i, b in enumerate(bursts[:8], 1):
        print(f"| {i} | {roles.get(b['key'], 'unlisted')} | {b['volume']:,} | {b['n_accounts']:,} | {b['score']:.3f} | {b['confidence']} |")
    flood_rank = next((i for i, b in enumerate(bursts, 1) if roles.get(b["key"]) == "flood"), None)
    trends = [(i, b) for i, b in enumerate(bursts, 1) if roles.get(b["key"]) == "organic_trend"]
    print(f"\nflood rank: {flood_rank}; organic-trend bursts: "
          + ", ".join(f"rank {i} (score {b['score']:.3f}, {b['confidence']})" for i, b in trends))

    def leaks(items, role_filter=None):
        c: Counter = Counter()
        for f in items:
            if f.confidence == "low":
                continue
            for a, role in f.roles.items():
                if role_filter and role not in role_filter:
                    continue
                c["+".join(sorted(tactics[a])) if a in tactics else f"organic ({traps.get(a, 'no trap')})"] += 1
        return c

    persona = {a for a, t in tactics.items() if "persona_batch" in t}
    found = {a for f in results["personas"].items if f.confidence != "low" for a in f.accounts}
    tp = len(found & persona)
    print(f"\npersona batches (findings graded medium or high): precision {tp / max(1, len(found)):.3f}, "
          f"recall {tp / max(1, len(persona)):.3f} ({tp} of {len(persona)} planted, {len(found)} flagged)")
    for det, role_filter in (("floods", None), ("personas", None), ("amplifiers", {"amplifier"})):
        print(f"{det} accounts in medium/high findings by truth: {dict(leaks(results[det].items, role_filter).most_common())}")
    ranked = ws.to_pandas("accounts_ranked")
    conf = ranked[ranked.confidence != "low"]
    planted = conf.account_id.isin(list(tactics)).sum()
    print(f"accounts_ranked: {len(ranked):,} rows, {len(conf):,} graded medium/high, of which {planted:,} planted "
          f"({planted / max(1, len(conf)):.3f})")


def bench_ira(rows_out: int = 15) -> None:
    tweets, authors = SHARED / "ira538_tweets_2016-09_to_2016-11.csv.gz", SHARED / "ira538_authors.csv"
    if not tweets.exists():
        print(f"## IRA: skipped ({tweets} not present)")
        return
    categories = {r["author"].lower(): r["account_category"] for r in _read_csv(authors)}
    rows: list = []
    with tempfile.TemporaryDirectory() as d:
        ws = cibscan.open_workspace(os.path.join(d, "ira.duckdb"))
        print("## IRA Sept-Nov 2016")
        timed("ingest (ira538 adapter)", lambda: ws.ingest([str(tweets)]), rows)
        f = timed("floods", lambda: run_scan(ws, detect=["floods"])["floods"], rows)
        drivers = f.tables["accounts"].to_pylist()
        n_posts = ws.count("posts")
        by_cat = Counter()
        for r in ws.table("posts").select("account_id").to_pyarrow().column("account_id").to_pylist():
            by_cat[categories.get(r.lower(), "")] += 1
        print(f"\nHashtagGamer accounts wrote {by_cat['HashtagGamer'] / n_posts:.1%} of the {n_posts:,} posts.\n")
        print("| rank | hashtag | start (UTC) | posts | accounts | posts/account | near-dup | reposts | score | HashtagGamer share of driver posts |")
        print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for i, b in enumerate(f.tables["bursts"].to_pylist()[:rows_out], 1):
            mine = [d for d in drivers if d["burst_id"] == b["burst_id"]]
            total = sum(d["n_posts"] for d in mine) or 1
            hg = sum(d["n_posts"] for d in mine if categories.get(d["account_id"].lower()) == "HashtagGamer") / total
            dup = "n/a" if b["dup_text_share"] is None else f"{b['dup_text_share']:.0%}"
            print(f"| {i} | #{b['key']} | {b['start']:%Y-%m-%d} | {b['volume']:,} | {b['n_accounts']} | {b['posts_per_account']:.1f} | "
                  f"{dup} | {b['repost_share']:.0%} | {b['score']:.3f} | {hg:.0%} |")
        ws.close()


def bench_china() -> None:
    users = SHARED / "x_io_china_082019_users.csv"
    if not users.exists():
        print(f"## China users: skipped ({users} not present)")
        return
    rows: list = []
    with tempfile.TemporaryDirectory() as d:
        ws = cibscan.open_workspace(os.path.join(d, "cn.duckdb"))
        ws.ingest([str(users)])
        print("\n## X/Twitter China (Aug 2019) users: creation batches")
        f = timed("personas", lambda: run_scan(ws, detect=["personas"])["personas"], rows)
        print("\n| batch | basis | created | accounts in window | members | expected | score | confidence | shared traits |")
        print("|---|---|---|---:|---:|---:|---:|---|---|")
        for b in f.tables["batches"].to_pylist()[:10]:
            exp = "" if b["expected_background"] is None else f"{b['expected_background']:.2f}"
            print(f"| {b['batch_id']} | {b['basis']} | {b['created_from']:%Y-%m-%d} | {b['n_in_window']} | {b['size']} | {exp} | "
                  f"{b['score']:.3f} | {b['confidence']} | {'; '.join(b['traits'])[:90]} |")
        ws.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sim", action="store_true", help="simulated scenario: time, memory and recovery")
    ap.add_argument("--posts", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--folder", help="simulation folder to (re)use")
    ap.add_argument("--no-coordination", action="store_true", help="do not run the coordination detector first")
    ap.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 4GB")
    ap.add_argument("--split-rows", type=int, default=0, help="ingest tweets.csv in parts of this many rows (0: whole)")
    ap.add_argument("--ira", action="store_true")
    ap.add_argument("--china", action="store_true")
    a = ap.parse_args(argv)
    if not (a.sim or a.ira or a.china):
        a.sim = a.ira = a.china = True
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if a.sim:
        bench_sim(a.posts, a.seed, a.folder, not a.no_coordination, a.memory_limit, a.split_rows)
    if a.ira:
        bench_ira()
    if a.china:
        bench_china()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
