"""Ingest speed and memory of the JSON adapters (x-v2, x-v1, bluesky, telegram).

For each format it writes a file of about ``--posts`` posts by repeating the records of the
hand-written sample (``tests/ingest/samples/<format>.*``) with fresh ids (posts unique, accounts
repeating, as in real collections), then ingests it ``--repeats`` times into a fresh workspace,
each time in a fresh process, and reports the median time, posts/s and the peak RSS of that
process. As the practical ceiling it times DuckDB's own ``read_json`` loading the same file into
a table (no validation, no per-record rejects), also in a fresh process.

    .venv/bin/python bench/ingest_json.py --posts 200000 --repeats 3

Files go to ``bench/out/json/`` (git-ignored) and are reused when they exist.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "ingest" / "samples"
OUT = ROOT / "bench" / "out" / "json"
#: one account per this many posts in the generated files
POSTS_PER_ACCOUNT = 20

_ID = re.compile(r"\b1\d{7,18}\b")  # X ids in the samples (tweets and users)


def _renumber(text: str, ids: list[str], copy: int, n_accounts: int, users: set[str]) -> str:
    """``text`` with each sample id replaced by a fresh one for ``copy``: tweets unique per copy,
    users cycling over ``n_accounts``."""
    index = {old: i for i, old in enumerate(ids)}

    def new(m: re.Match) -> str:
        old = m.group(0)
        if old not in index:
            return old
        if old in users:
            return f"7{copy % n_accounts:09d}{index[old]:02d}"
        return f"5{copy:012d}{index[old]:03d}"

    return _ID.sub(new, text)


def _x_lines(name: str, keep) -> tuple[list[str], list[str], set[str]]:
    lines = [ln for ln in (SAMPLES / name).read_text(encoding="utf-8").splitlines() if ln.strip() and keep(json.loads(ln))]
    ids = sorted({m.group(0) for ln in lines for m in _ID.finditer(ln)}, key=len, reverse=True)
    users: set[str] = set()
    for ln in lines:
        for o in _walk(json.loads(ln)):
            if isinstance(o, dict) and ("username" in o or "screen_name" in o):
                users.add(str(o.get("id_str") or o.get("id")))
            if isinstance(o, dict):
                for k in ("author_id", "in_reply_to_user_id", "in_reply_to_user_id_str", "user_id_str"):
                    if o.get(k):
                        users.add(str(o[k]))
    return lines, ids, users


def _walk(obj):
    yield obj
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _walk(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk(v)


def write_x(path: Path, name: str, posts: int, posts_per_copy: int, keep=lambda o: True) -> None:
    lines, ids, users = _x_lines(name, keep)
    copies = max(1, posts // posts_per_copy)
    n_accounts = max(1, copies * posts_per_copy // POSTS_PER_ACCOUNT // max(1, len(users)))
    with path.open("w", encoding="utf-8") as f:
        for c in range(copies):
            for ln in lines:
                f.write(_renumber(ln, ids, c, n_accounts, users) + "\n")


_DID = re.compile(r"did:(?:plc|web):[a-z0-9.]+")
_RKEY = re.compile(r"/(app\.bsky\.[a-z.]+)/([a-z0-9]{13})")


def write_bluesky(path: Path, posts: int) -> None:
    keep = (1, 2, 3, 7, 8, 9)  # records, Jetstream post, feed items, search page (not deletes/likes)
    lines = [ln for i, ln in enumerate((SAMPLES / "bluesky.jsonl").read_text(encoding="utf-8").splitlines(), 1) if i in keep]
    copies = max(1, posts // 11)
    n_accounts = max(1, copies * 11 // POSTS_PER_ACCOUNT // 4)
    with path.open("w", encoding="utf-8") as f:
        for c in range(copies):
            for ln in lines:
                ln = _DID.sub(lambda m: f"did:plc:{abs(hash(m.group(0))) % 10**6:06d}{c % n_accounts:018d}", ln)
                ln = _RKEY.sub(lambda m: f"/{m.group(1)}/{c:09d}{m.group(2)[-4:]}", ln)
                ln = re.sub(r'"rkey": "([a-z0-9]{13})"', lambda m: f'"rkey": "{c:09d}{m.group(1)[-4:]}"', ln)
                f.write(ln + "\n")


def write_telegram(path: Path, posts: int) -> None:
    doc = json.loads((SAMPLES / "telegram.json").read_text(encoding="utf-8"))
    templates = [m for m in doc["messages"] if m["type"] == "message" and len(str(m["text"])) < 1000]
    with path.open("w", encoding="utf-8") as f:
        f.write('{\n "name": %s,\n "type": "public_channel",\n "id": %d,\n "messages": [\n' % (json.dumps(doc["name"], ensure_ascii=False), doc["id"]))
        for i in range(posts):
            m = dict(templates[i % len(templates)], id=i + 1, date_unixtime=str(1645682400 + i))
            if "reply_to_message_id" in m:
                m["reply_to_message_id"] = max(1, i)
            f.write(("  " if i == 0 else ",\n  ") + json.dumps(m, ensure_ascii=False, indent=1).replace("\n", "\n  "))
        f.write("\n ]\n}\n")


GENERATORS = {
    "x-v2": ("jsonl", lambda p, n: write_x(p, "x-v2.jsonl", n, 7)),
    "x-v1": ("jsonl", lambda p, n: write_x(p, "x-v1.jsonl", n, 5, keep=lambda o: "user" in o)),
    "bluesky": ("jsonl", write_bluesky),
    "telegram": ("json", write_telegram),
}

_INGEST = """
import json, resource, sys, time, cibscan
t0 = time.perf_counter()
with cibscan.open_workspace(sys.argv[2]) as ws:
    r = ws.ingest([sys.argv[1]], format=sys.argv[3]).files[0]
print(json.dumps({"seconds": time.perf_counter() - t0, "posts": r.posts, "accounts": r.accounts, "rejects": r.rejects,
                  "duplicates": r.duplicates, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_DUCKDB = """
import json, resource, sys, time, duckdb
t0 = time.perf_counter()
con = duckdb.connect()
if sys.argv[2] == "jsonl":
    con.execute("CREATE TABLE t AS SELECT * FROM read_json(?, format='newline_delimited', maximum_object_size=1000000000)", [sys.argv[1]])
else:
    con.execute("CREATE TABLE t AS SELECT unnest(messages, recursive := false) AS m FROM read_json(?, maximum_object_size=4000000000)", [sys.argv[1]])
n = con.execute("SELECT count(*) FROM t").fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": n, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=200_000, help="posts per generated file (about)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per format; the median is reported")
    ap.add_argument("--formats", default=",".join(GENERATORS), help="comma-separated subset of " + ", ".join(GENERATORS))
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print("| format | file MiB | posts | accounts | cibscan s (median) | posts/s | peak RSS MiB | DuckDB read_json s | ratio | DuckDB RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for fmt in args.formats.split(","):
        kind, write = GENERATORS[fmt]
        path = OUT / f"{fmt}-{args.posts}.{kind}"
        if not path.exists():
            write(path, args.posts)
        runs = []
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory() as tmp:
                runs.append(_run(_INGEST, str(path), str(Path(tmp) / "ws.duckdb"), fmt))
        ceiling = [_run(_DUCKDB, str(path), kind) for _ in range(args.repeats)]
        secs = statistics.median(r["seconds"] for r in runs)
        dsecs = statistics.median(r["seconds"] for r in ceiling)
        last = runs[-1]
        print(f"| {fmt} | {path.stat().st_size / 2**20:.0f} | {last['posts']:,} | {last['accounts']:,} | {secs:.1f} | "
              f"{last['posts'] / secs:,.0f} | {max(r['rss_mib'] for r in runs):.0f} | {dsecs:.1f} | {secs / dsecs:.1f}x | "
              f"{max(r['rss_mib'] for r in ceiling):.0f} |", flush=True)


if __name__ == "__main__":
    main()
