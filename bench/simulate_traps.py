"""How a simulated scenario treats naive and simple detection rules: the traps must catch the
naive ones, and the planted campaigns must be recoverable by simple ones that look at
repetition, timing tightness, concentration or several traits together.

This is a check of the *simulator* (are campaigns findable, are traps effective), not a
detector: the rules are the plainest SQL that shows each separation. Scores use
``Truth.score`` (precision: flagged accounts that are campaign accounts of any tactic;
recall: of the tactic's planted accounts).

    .venv/bin/python bench/simulate_traps.py --posts 200000 --seed 5

Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import os
import tempfile

import duckdb
import pandas as pd
from rapidfuzz.distance import OSA

import cibscan
from cibscan.simulate import load_truth, simulate

WINDOW_S = 60
_NORMALISED_URL = r"regexp_replace(regexp_replace(u, '[?#].*$', ''), '^https?://(www\.|m\.)?', '')"


def _pairs_accounts(df: pd.DataFrame) -> set[str]:
    return set(df.a1) | set(df.a2)


def _row(truth, name: str, flagged: set[str], tactic: str | None) -> str:
    s = truth.score(flagged, tactic)
    traps = ", ".join(f"{k} {v}" for k, v in list(s["false_positive_traps"].items())[:3]) or "-"
    return f"| {name} | {tactic or 'any'} | {s['flagged']:,} | {s['planted']:,} | {s['precision']:.2f} | {s['recall']:.2f} | {traps} |"


def co_action_pairs(con, source_sql: str) -> pd.DataFrame:
    """Pairs of accounts acting on the same key within ``WINDOW_S``: distinct shared keys and
    the median gap."""
    return con.execute(f"""
        with r as ({source_sql})
        select x.a a1, y.a a2, count(distinct x.k) n, median(abs(x.t - y.t)) gap
        from r x join r y on x.k = y.k and x.a < y.a and abs(x.t - y.t) <= {WINDOW_S}
        group by 1, 2""").df()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--posts", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--out", default=None, help="scenario folder (default: a temporary one)")
    args = p.parse_args()
    out = args.out or os.path.join(tempfile.mkdtemp(), "scenario")
    simulate(out, posts=args.posts, seed=args.seed, avatars=False)
    db = os.path.join(out, "bench.duckdb")
    for stale in (db, db + ".wal"):  # a workspace from an earlier run would mix two scenarios
        if os.path.exists(stale):
            os.remove(stale)
    with cibscan.open_workspace(db) as ws:
        ws.ingest([os.path.join(out, "tweets.csv"), os.path.join(out, "users.csv")])
    truth = load_truth(out)
    con = duckdb.connect(db, read_only=True)
    rows = []

    reposts = "select account_id a, ref_post_id k, epoch(created_at) t from posts where kind = 'repost'"
    pairs = co_action_pairs(con, reposts)
    rows.append(_row(truth, "co-repost within 60 s, >= 3 posts", _pairs_accounts(pairs[pairs.n >= 3]), "co_repost"))
    tight = pairs[(pairs.n >= 10) & (pairs.gap <= 20)]
    rows.append(_row(truth, "co-repost within 60 s, >= 10 posts, median gap <= 20 s", _pairs_accounts(tight), "co_repost"))

    raw = "select account_id a, u k, epoch(created_at) t from (select account_id, created_at, unnest(urls) u from posts where kind <> 'repost')"
    pairs = co_action_pairs(con, raw)
    rows.append(_row(truth, "same raw URL within 60 s, >= 1", _pairs_accounts(pairs), "co_link"))
    norm = raw.replace("u k", f"{_NORMALISED_URL} k", 1)
    pairs = co_action_pairs(con, norm)
    rows.append(_row(truth, "same normalised URL within 60 s, >= 3", _pairs_accounts(pairs[pairs.n >= 3]), "co_link"))

    dup = con.execute("""select account_id from posts where kind = 'post' and text in (
        select text from posts where kind = 'post' group by text having count(distinct account_id) >= 3)""").df()
    rows.append(_row(truth, "posted a text 3+ accounts posted verbatim", set(dup.account_id), "copy_paste"))

    acc = con.execute("select account_id, handle, display_name, created_at::date d from accounts").df()
    per_day = acc.groupby("d").account_id.transform("size")
    busy = per_day >= per_day.quantile(0.999)
    rows.append(_row(truth, "created on one of the busiest 0.1% of days", set(acc.account_id[busy]), "persona_batch"))
    template = acc.handle.where(~acc.handle.str.fullmatch(r"[A-Za-z]+\d{8}"), "<name+8 digits>").str.lower().str[:4]
    batch = acc.groupby([acc.d, template]).account_id.transform("size") >= 6
    rows.append(_row(truth, "6+ created the same day with the same handle template", set(acc.account_id[batch]), "persona_batch"))

    outlets = truth.domains[truth.domains.role == "outlet"].domain.tolist()
    links = con.execute("""select account_id, kind, regexp_extract(u, '^https?://(?:www\.|m\.)?([^/?#]+)', 1) host
                           from (select account_id, kind, unnest(urls) u from posts)""").df()
    hosts = links.host.unique()
    near = {h for h in hosts if h not in outlets and any(
        OSA.distance(h, o) <= 2 or o.rsplit(".", 1)[0] in h for o in outlets)}
    hit = links[links.host.isin(near)]
    rows.append(_row(truth, "any post or repost linking a domain near an outlet's", set(hit.account_id), "spoofed_outlet"))
    own = hit[hit.kind != "repost"].groupby("account_id").size()
    rows.append(_row(truth, "... in 2+ own posts", set(own[own >= 2].index), "spoofed_outlet"))

    watch = pd.read_csv(os.path.join(out, "watchlist.csv"), dtype=str, keep_default_na=False)
    watch = watch[watch.kind == "account"]
    by_handle = dict(zip(watch.handle.str.lower(), watch.display_name))
    one_edit, same_name = set(), set()
    for a, h, name in zip(acc.account_id, acc.handle.str.lower(), acc.display_name):
        for wh, wname in by_handle.items():
            if h != wh and abs(len(h) - len(wh)) <= 1 and OSA.distance(h, wh) == 1:
                one_edit.add(a)
                if OSA.distance(name or "", wname or "") <= 1:
                    same_name.add(a)
    rows.append(_row(truth, "handle one edit from a watchlisted handle", one_edit, "impersonator"))
    rows.append(_row(truth, "... and display name at most one edit from its name", same_name, "impersonator"))

    print(f"\n`bench/simulate_traps.py --posts {args.posts} --seed {args.seed}`\n")
    print("| rule | tactic | flagged | planted | precision | recall | false positives' traps |")
    print("|---|---|---:|---:|---:|---:|---|")
    print("\n".join(rows))

    tags = truth.hashtags[truth.hashtags.role.isin(["flood", "organic_trend"])]
    print("\n| hashtag role | posts in window | accounts | top-10% accounts' share | from accounts < 60 days old | reposts |")
    print("|---|---:|---:|---:|---:|---:|")
    for _, t in tags.iterrows():
        r = con.execute("""
            with w as (select p.account_id, p.kind, a.created_at ac from (select account_id, kind, created_at, unnest(hashtags) tag from posts) p
                       join accounts a using (account_id) where tag = ? and p.created_at between ?::timestamp and ?::timestamp),
                 per as (select account_id, count(*) n, row_number() over (order by count(*) desc) rk from w group by 1)
            select (select count(*) from w), (select count(*) from per),
                   (select sum(n) from per where rk <= greatest(1, (select count(*) from per) // 10))::double / (select count(*) from w),
                   (select avg((ac > ?::timestamp - interval 60 day)::int) from w), (select avg((kind = 'repost')::int) from w)
        """, [t.tag, t.start, t.end, t.start]).fetchone()
        print(f"| {t.role} | {r[0]:,} | {r[1]:,} | {r[2]:.2f} | {r[3]:.2f} | {r[4]:.2f} |")


if __name__ == "__main__":
    main()
