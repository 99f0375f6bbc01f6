"""Ingest benchmark: rows/s and peak RSS per input format, against DuckDB's own reader of the
same file (``read_csv`` / ``read_json`` / ``read_parquet`` into a table: the practical ceiling,
since cibscan validates, parses and keeps every bad record besides), medians over repeats; and
one 10M-post X/Twitter IO archive file ingested under a 2 GiB RSS budget.

Every run is a fresh process on a fresh workspace; peak RSS is sampled over the whole process
tree (DuckDB runs in-process; `/usr/bin/time` would miss children).

    python bench/ingest.py                      # formats only (synthetic 200k rows + real files)
    python bench/ingest.py --big 10000000       # plus the 10M-post file
    python bench/ingest.py --rows 50000 --repeats 1 --big 0   # quick look

Real files are read from ../shared/data when present (CIBSCAN_SHARED_DATA overrides).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CIBSCAN_SHARED_DATA", ROOT.parent / "shared" / "data"))
if not SHARED.exists() and (ROOT.parents[1] / "shared" / "data").exists():  # a git worktree
    SHARED = ROOT.parents[1] / "shared" / "data"
GIB = 2**30
#: CPU seconds of the last command ``measure`` ran
LAST_CPU = 0.0

X_IO_HEADER = (
    "tweetid,userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,"
    "user_profile_url,follower_count,following_count,account_creation_date,account_language,tweet_language,"
    "tweet_text,tweet_time,tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,"
    "is_retweet,retweet_userid,retweet_tweetid,latitude,longitude,quote_count,reply_count,like_count,"
    "retweet_count,hashtags,urls,user_mentions,poll_choices"
)
_WORDS = ("the vote today news people city free truth now must see read share why join stop fake real "
          "новости правда выбор город народ Москва الحقيقة الشعب اليوم").split()


# -- input files ------------------------------------------------------------------------------

def write_x_io_tweets(path: Path, n: int, seed: int = 1, n_accounts: int | None = None) -> None:
    """A synthetic X/Twitter IO archive tweets file of ``n`` rows in the official layout:
    heavy-tailed accounts, 30% retweets of earlier tweets, hashtags, links, mentions, a few
    multi-line and non-Latin texts. Fast enough for 10M rows (about 1 µs of Python per field)."""
    rnd = random.Random(seed)
    n_accounts = n_accounts or max(10, n // 50)
    accounts = [(f"{100000 + i}", f"user_{i:06d}", f"Name {i}", f"{rnd.randrange(10, 50000)}", f"{rnd.randrange(10, 5000)}",
                 f"2015-{1 + i % 12:02d}-{1 + i % 28:02d}") for i in range(n_accounts)]
    weights = [1.0 / (1 + i) ** 0.8 for i in range(n_accounts)]
    t0 = 1_480_000_000
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(X_IO_HEADER + "\n")
        chunk = 100_000
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            accs = rnd.choices(accounts, weights=weights, k=m)
            lines = []
            for j in range(m):
                i = start + j
                uid, handle, name, fol, fng, created = accs[j]
                t = t0 + i * 3
                when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(t))
                words = " ".join(rnd.choices(_WORDS, k=8))
                tag = f"tag{i % 500}"
                if i > 10 and rnd.random() < 0.3:
                    ref = rnd.randrange(max(1, i - 5000), i)
                    text, rt_tid, rt_uid, is_rt = f"RT @{handle}: {words} #{tag}", f"{10**9 + ref}", "100001", "true"
                else:
                    text, rt_tid, rt_uid, is_rt = f"{words} #{tag} https://t.co/{i:x}", "", "", "false"
                if i % 1000 == 7:
                    text = text + "\nsecond line, with \"quotes\""
                text = text.replace('"', '""')
                lines.append(
                    f'{10**9 + i},{uid},{name},{handle},,"bio of {handle}",,{fol},{fng},{created},en,en,"{text}",{when},'
                    f'Twitter Web App,,,,{is_rt},{rt_uid},{rt_tid},absent,absent,0,0,{i % 7},{i % 3},'
                    f"\"['{tag}']\",\"['https://example.com/{i % 2000}']\",\"[]\",\n"
                )
            f.write("".join(lines))


TABLE_MAP = {"post_id": "id", "account_id": "user", "created_at": "ts", "text": "text", "hashtags": "tags", "ref_post_id": "shared"}


def write_table(path: Path, n: int, kind: str, seed: int = 2) -> None:
    """A mapped table (id, user, ts epoch, text, tags 'a|b', shared) as CSV, JSON lines or Parquet."""
    rnd = random.Random(seed)
    rows = {"id": [f"p{i}" for i in range(n)], "user": [f"u{rnd.randrange(max(1, n // 40))}" for _ in range(n)],
            "ts": [1_700_000_000 + i for i in range(n)], "text": [" ".join(rnd.choices(_WORDS, k=6)) for _ in range(n)],
            "tags": [f"t{i % 300}|t{i % 7}" for i in range(n)], "shared": [f"p{i // 2}" if i % 4 == 0 else "" for i in range(n)]}
    if kind == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table(rows), path)
    elif kind == "jsonl":
        with open(path, "w", encoding="utf-8") as f:
            for i in range(n):
                f.write(json.dumps({k: v[i] for k, v in rows.items()}, ensure_ascii=False) + "\n")
    else:
        import pandas as pd

        pd.DataFrame(rows).to_csv(path, index=False)


# -- measuring --------------------------------------------------------------------------------

def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of ``pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(parts[1]), []).append(int(d))
            rss[int(d)] = int(parts[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def measure(argv: list[str], interval: float = 0.05) -> tuple[float, int, str]:
    """(seconds, peak RSS of the process tree, stdout) of a command; its CPU seconds (user +
    system, all threads) go to ``LAST_CPU``: on a machine shared with other jobs wall time
    varies with the load, CPU time much less."""
    global LAST_CPU
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(interval)
    out = proc.stdout.read()  # type: ignore[union-attr]
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:3]} failed with {proc.returncode}")
    return seconds, peak, out


CIBSCAN_RUN = """
import json, sys, cibscan
path, ws_path, fmt, opts = sys.argv[1], sys.argv[2], sys.argv[3] or None, json.loads(sys.argv[4])
with cibscan.open_workspace(ws_path) as ws:
    f = ws.ingest([path], format=fmt, options=opts or None).files[0]
print(json.dumps({"posts": f.posts, "accounts": f.accounts, "rejects": f.rejects, "duplicates": f.duplicates, "format": f.format}))
"""

DUCKDB_RUN = """
import sys, duckdb
path, db, reader = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect(db)
con.execute("SET enable_progress_bar = false")
src = {"csv": f"read_csv('{path}', ignore_errors=true)", "json": f"read_json('{path}', format='newline_delimited')",
       "parquet": f"read_parquet('{path}')"}[reader]
con.execute(f"CREATE TABLE t AS SELECT * FROM {src}")
print(con.execute("SELECT count(*) FROM t").fetchall()[0][0])
"""


def bench_file(label: str, path: Path, fmt: str | None, options: dict | None, reader: str, repeats: int, tmp: Path) -> dict:
    runs, base = [], []
    for r in range(repeats):
        ws = tmp / f"ws-{label}-{r}.duckdb"
        s, rss, out = measure([sys.executable, "-c", CIBSCAN_RUN, str(path), str(ws), fmt or "", json.dumps(options or {})])
        runs.append((s, rss, json.loads(out.strip().splitlines()[-1]), LAST_CPU))
        db = tmp / f"duck-{label}-{r}.duckdb"
        s2, rss2, out2 = measure([sys.executable, "-c", DUCKDB_RUN, str(path), str(db), reader])
        base.append((s2, rss2, int(out2.strip().splitlines()[-1])))
        for p in (ws, db):
            for q in (p, Path(str(p) + ".wal")):
                q.unlink(missing_ok=True)
            shutil.rmtree(str(p) + ".staging", ignore_errors=True)
    rows = base[0][2]
    t = statistics.median(x[0] for x in runs)
    tb = statistics.median(x[0] for x in base)
    return {
        "label": label, "format": runs[0][2]["format"], "rows": rows, "bytes": path.stat().st_size,
        "seconds": round(t, 2), "cpu_seconds": round(statistics.median(x[3] for x in runs), 2), "rows_per_s": round(rows / t), "peak_rss_mib": round(max(x[1] for x in runs) / 2**20),
        "duckdb_seconds": round(tb, 2), "duckdb_rows_per_s": round(rows / tb), "duckdb_peak_rss_mib": round(max(x[1] for x in base) / 2**20),
        "slowdown_vs_duckdb": round(t / tb, 1), "counts": runs[0][2], "repeats": repeats,
    }


def synthetic_cases(tmp: Path, rows: int) -> list:
    xio = tmp / "x_io_tweets.csv"
    write_x_io_tweets(xio, rows)
    cases = [("x-io-tweets (synthetic)", xio, None, None, "csv")]
    for kind, reader in (("csv", "csv"), ("jsonl", "json"), ("parquet", "parquet")):
        p = tmp / f"table.{kind}"
        write_table(p, rows, kind)
        cases.append((f"table {kind} (synthetic)", p, "table", {"map": TABLE_MAP}, reader))
    return cases


def real_cases() -> list:
    cases = []
    for name, label in (("ira538_tweets_2016-09_to_2016-11.csv.gz", "ira538-tweets (real)"),
                        ("coortweet_russian_coord_tweets.csv.gz", "coortweet-shares (real)"),
                        ("coortweet_german_elections.csv.gz", "coortweet-multimodal (real)"),
                        ("x_io_china_082019_users.csv", "x-io-users (real)")):
        if (SHARED / name).exists():
            cases.append((label, SHARED / name, None, None, "csv"))
    return cases


COMMIT_RUN = """
import json, sys, cibscan
ws_path, folder, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
parts = {"posts": [folder + "/posts.parquet"], "accounts": [folder + "/accounts.parquet"], "rejects": []}
with cibscan.open_workspace(ws_path) as ws:
    c = ws.commit_staging(folder, parts, {"source_id": 1, "path": "synthetic", "sha256": "x", "bytes": 0, "format": "x-io-tweets"})
print(json.dumps({"posts": c.posts, "accounts": c.accounts, "duplicates": c.duplicates}))
"""


def write_staged(folder: Path, n: int, n_accounts: int = 200_000) -> None:
    """Staged Parquet parts as ingest leaves them before its commit: ``n`` posts (30% reposts,
    a hashtag and a link each, 0.1% repeated ids) and ``n_accounts`` accounts, written by DuckDB
    so that a 10M-post commit can be measured without reading 10M records first."""
    import duckdb

    from cibscan.schema import ACCOUNTS, POSTS

    post_expr = {
        "platform": "'twitter'", "post_id": "(1000000000 + (CASE WHEN i % 1000 = 999 THEN i - 1 ELSE i END))::VARCHAR",
        "account_id": f"(100000 + (i * 7919) % {n_accounts})::VARCHAR",
        "created_at": "TIMESTAMP '2016-11-01' + to_seconds(i * 3)", "text": "'post number ' || i || ' #tag' || (i % 500)",
        "lang": "'en'", "kind": "CASE WHEN i % 10 < 3 THEN 'repost' ELSE 'post' END",
        "ref_post_id": "CASE WHEN i % 10 < 3 THEN (1000000000 + i // 2)::VARCHAR END",
        "hashtags": "['tag' || (i % 500)]", "urls": "['https://example.com/' || (i % 2000)]", "client": "'Twitter Web App'",
        "source_id": "1",
    }
    acc_expr = {"platform": "'twitter'", "account_id": "(100000 + i)::VARCHAR", "handle": "'user_' || i",
                "display_name": "'Name ' || i", "followers": "i % 5000", "following": "i % 700", "source_id": "1"}

    def select(cols, exprs) -> str:
        out = []
        for c in cols:
            e = exprs.get(c.name)
            if e is None:
                e = "[]::VARCHAR[]" if str(c.type).startswith("list") else f"NULL::{ {'string': 'VARCHAR', 'int64': 'BIGINT', 'bool': 'BOOLEAN'}.get(str(c.type), 'TIMESTAMP') }"
            out.append(f'{e} AS "{c.name}"')
        return ", ".join(out) + ", i + 1 AS _seq"

    con = duckdb.connect()
    con.execute(f"COPY (SELECT {select(POSTS, post_expr)} FROM range({n}) t(i)) TO '{folder}/posts.parquet' (FORMAT parquet, ROW_GROUP_SIZE 50000)")
    con.execute(f"COPY (SELECT {select(ACCOUNTS, acc_expr)} FROM range({n_accounts}) t(i)) TO '{folder}/accounts.parquet' (FORMAT parquet)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=200_000, help="rows of each synthetic file (0: skip the per-format runs)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--big", type=int, default=0, help="also ingest one X IO file of this many posts (e.g. 10000000)")
    ap.add_argument("--commit", type=int, default=0, help="also time the commit alone of this many staged posts (e.g. 10000000)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    with tempfile.TemporaryDirectory(dir=out) as d:
        tmp = Path(d)
        cases: list[tuple[str, Path, str | None, dict | None, str]] = []
        if args.rows:
            cases += synthetic_cases(tmp, args.rows) + real_cases()
        for label, path, fmt, opts, reader in cases:
            res = bench_file(label, path, fmt, opts, reader, args.repeats, tmp)
            results.append(res)
            print(json.dumps(res), flush=True)
        if args.big:
            big = tmp / "x_io_big.csv"
            t = time.perf_counter()
            write_x_io_tweets(big, args.big, n_accounts=200_000)
            gen_s = time.perf_counter() - t
            s, rss, o = measure([sys.executable, "-c", CIBSCAN_RUN, str(big), str(tmp / "big.duckdb"), "", "{}"], interval=0.2)
            counts = json.loads(o.strip().splitlines()[-1])
            res = {"label": f"x-io-tweets {args.big:,} posts", "rows": args.big, "bytes": big.stat().st_size, "generate_seconds": round(gen_s, 1),
                   "seconds": round(s, 1), "cpu_seconds": round(LAST_CPU, 1), "rows_per_s": round(args.big / s), "peak_rss_mib": round(rss / 2**20),
                   "under_2_gib": rss < 2 * GIB, "counts": counts}
            results.append(res)
            print(json.dumps(res), flush=True)
        if args.commit:
            staged = tmp / "staged"
            staged.mkdir()
            write_staged(staged, args.commit)
            s, rss, o = measure([sys.executable, "-c", COMMIT_RUN, str(tmp / "commit.duckdb"), str(staged), str(args.commit)], interval=0.2)
            res = {"label": f"commit of {args.commit:,} staged posts", "rows": args.commit, "seconds": round(s, 1),
                   "rows_per_s": round(args.commit / s), "peak_rss_mib": round(rss / 2**20), "under_2_gib": rss < 2 * GIB,
                   "counts": json.loads(o.strip().splitlines()[-1])}
            results.append(res)
            print(json.dumps(res), flush=True)
    meta = {"load_average_at_end": os.getloadavg(), "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    (out / "ingest.json").write_text(json.dumps({"meta": meta, "results": results}, indent=1))
    print("\n| input | rows | cibscan rows/s | cibscan CPU s | peak RSS | DuckDB rows/s | DuckDB RSS | cibscan time / DuckDB time |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        if "duckdb_seconds" in r:
            print(f"| {r['label']} | {r['rows']:,} | {r['rows_per_s']:,} | {r['cpu_seconds']} | {r['peak_rss_mib']:,} MiB | {r['duckdb_rows_per_s']:,} | "
                  f"{r['duckdb_peak_rss_mib']:,} MiB | {r['slowdown_vs_duckdb']}x |")
        else:
            print(f"| {r['label']} | {r['rows']:,} | {r['rows_per_s']:,} | {r.get('cpu_seconds', '')} | {r['peak_rss_mib']:,} MiB | | | {r['seconds']:,} s |")
    print(f"\nload average {meta['load_average_at_end']}, {meta['cpus']} CPUs")


if __name__ == "__main__":
    main()
