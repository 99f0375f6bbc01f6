"""The ``laundering`` detector: accounts that mostly post other things and, on cue, carry a campaign's lines.

Campaigns come from behaviour only (``cibscan.campaigns``): each coordination cluster, the
drivers of each flood burst graded at least ``burst_min_confidence``, or posts/accounts an
analyst names (``seed_posts``, ``seed_accounts``). For every account outside a campaign, the
posts that carry its narrative (same text band keys, links, domains, hashtags or hashtag
sequences, or reposts of its posts) are counted against the account's whole timeline; accounts
whose aligned share is a steady minority (``min_share``..``max_share``, on ``min_days`` days
or more, ``min_aligned`` posts or more) are tested for timing: do their aligned posts fall in
the campaign's active windows more than a random choice among their own post times would?
Candidates pass that test after a Benjamini-Hochberg correction over every account tested.
Accounts above ``max_share`` only amplify: they belong to coordination findings, not here.
See ``docs/laundering.md``.

Example
-------
>>> from cibscan.detect.laundering import detect                  # doctest: +SKIP
>>> found = detect(ws, seed_posts="1201,1202,1203")               # doctest: +SKIP
>>> found.tables["accounts"].to_pandas().query("candidate")       # doctest: +SKIP
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

import ibis
import numpy as np
import pyarrow as pa

from ..alignment import active_bins, benjamini_hochberg, timing_test
from ..campaigns import campaign_sources, campaign_traces, merge_campaigns, merged_campaigns, narrative_keys, parse_ids
from ..coordination.messages import DEFAULT_MIN_SHARED_BANDS
from ..errors import ParameterError
from ..findings import Evidence, Finding, Findings, confidence_for
from ..text import DEFAULT_BANDS, DEFAULT_MIN_CHARS, DEFAULT_ROWS
from ..traces import TRACE_KINDS, ensure_traces, epoch_seconds
from .base import Detector, Param

__all__ = ["Laundering", "detect", "merge_campaigns", "CAMPAIGNS_SCHEMA", "ACCOUNTS_SCHEMA", "MATCHES_SCHEMA", "parse_ids"]

#: reposts are left out by default: organic followers of a campaign account repost it when it
#: posts, so their reposts follow its windows without carrying anything of their own
DEFAULT_KINDS = "text,link,domain,hashtag,hashtag_seq"
_DAY = 86_400

CAMPAIGNS_SCHEMA = pa.schema([
    ("campaign_id", pa.string()), ("source", pa.string()), ("source_id", pa.string()), ("n_accounts", pa.int64()),
    ("n_posts", pa.int64()), ("n_keys", pa.int64()), ("kinds", pa.list_(pa.string())), ("top_keys", pa.list_(pa.string())),
    ("n_window_bins", pa.int64()), ("bin_seconds", pa.int64()), ("window_share", pa.float64()),
    ("first_at", pa.timestamp("us")), ("last_at", pa.timestamp("us")),
])
ACCOUNTS_SCHEMA = pa.schema([
    ("campaign_id", pa.string()), ("account_id", pa.string()), ("handle", pa.string()), ("n_posts", pa.int64()),
    ("n_aligned", pa.int64()), ("aligned_share", pa.float64()), ("n_aligned_days", pa.int64()),
    ("kinds", pa.list_(pa.string())), ("in_campaign", pa.bool_()), ("tested", pa.bool_()), ("n_in_window", pa.int64()),
    ("n_posts_in_window", pa.int64()), ("expected_in_window", pa.float64()), ("lift", pa.float64()),
    ("p_value", pa.float64()), ("q_value", pa.float64()), ("candidate", pa.bool_()), ("reason", pa.string()),
])
MATCHES_SCHEMA = pa.schema([
    ("campaign_id", pa.string()), ("account_id", pa.string()), ("post_id", pa.string()), ("at", pa.timestamp("us")),
    ("kind", pa.string()), ("key_text", pa.string()), ("in_window", pa.bool_()),
    ("campaign_post_id", pa.string()), ("campaign_account_id", pa.string()),
])


class Laundering(Detector):
    name = "laundering"
    summary = "Accounts whose timelines are mostly unrelated but carry a steady minority of a campaign's lines, timed to its active windows."
    references = (
        "DiResta et al. (2018), The Tactics & Tropes of the Internet Research Agency: accounts that build an audience on ordinary content, then carry campaign messaging.",
        "Keller, Schoch, Stier & Yang (2020), Political astroturfing on Twitter: coordinated messaging among accounts that also post ordinary content.",
        "Good (2005), Permutation, Parametric and Bootstrap Tests of Hypotheses: permutation tests; the exact null of a count statistic is hypergeometric.",
        "Benjamini & Hochberg (1995), Controlling the false discovery rate.",
    )
    params = {
        "sources": Param("clusters,bursts", "Where campaigns come from when no seed is given: 'clusters' (coordination_members), 'bursts' (floods_accounts), or both.", str),
        "campaigns": Param("", "Only these campaign sources, by id (e.g. 'C1,B2'); empty: all (strongest first, up to max_campaigns).", (str, list)),
        "seed_posts": Param("", "Analyst-named campaign posts (ids, comma-separated): their traces define the narrative.", (str, list)),
        "seed_accounts": Param("", "Analyst-named campaign accounts (ids, comma-separated): keys they share define the narrative.", (str, list)),
        "kinds": Param(DEFAULT_KINDS, "Trace kinds that can carry a narrative (text, link, domain, hashtag, hashtag_seq, repost).", str),
        "min_key_accounts": Param(2, "A key is part of the narrative when at least this many campaign accounts used it (fewer when the campaign has fewer accounts).", int, low=1),
        "min_key_concentration": Param(0.1, "...and campaign accounts are at least this share of all accounts that used it (organic trends and big outlets fall out).", float, low=0.0, high=1.0),
        "min_key_lift": Param(3.0, "...and at least this many times the campaign's share of all accounts (keys its accounts use no more than anyone, like trending tags in cover posts, fall out).", float, low=0.0),
        "text_min_bands": Param(DEFAULT_MIN_SHARED_BANDS, "A text post carries the narrative when it shares at least this many LSH band keys with it.", int, low=1, high=64),
        "min_share": Param(0.05, "Smallest aligned share of an account's timeline to be tested.", float, low=0.0, high=1.0),
        "max_share": Param(0.4, "Largest aligned share: above it the account mostly amplifies (a coordination matter, not laundering).", float, low=0.0, high=1.0),
        "min_aligned": Param(3, "Fewest aligned posts to be tested (one-off sharers are not candidates).", int, low=1),
        "min_days": Param(2, "Aligned posts must fall on at least this many distinct days (a steady minority, not one outburst).", int, low=1),
        "min_posts": Param(40, "Fewest posts in an account's timeline to be tested: an 'independent voice' needs a timeline of its own, and a share of a short one says little.", int, low=2),
        "bin_seconds": Param(3600, "Width of the time bins that make up the campaign's active windows.", int, low=60),
        "window_min_posts": Param(1, "A bin is in the campaign's active windows when it holds at least this many campaign posts.", int, low=1),
        "window_pad": Param(0, "Extend each active bin by this many bins on both sides.", int, low=0, high=1000),
        "max_fdr": Param(0.05, "Benjamini-Hochberg level over all accounts tested: a candidate's q-value is at most this.", float, low=0.0, high=1.0),
        "min_lift": Param(1.5, "A candidate's aligned posts fall in the windows at least this many times as often as its own rhythm predicts (an effect size: with long timelines tiny, significant lifts are common).", float, low=1.0),
        "n_permutations": Param(0, "0: exact permutation p-value (hypergeometric); above 0: that many seeded random relabelings.", int, low=0, high=1_000_000),
        "burst_min_confidence": Param("medium", "Flood bursts graded at least this are campaigns.", str, choices=("low", "medium", "high")),
        "exclude_flagged": Param(False, "Accounts in any campaign (any coordination cluster or burst's drivers) are not candidates, only members of the campaign tested are (coordination often also catches a launderer's copied lines).", bool),
        "merge_overlap": Param(0.2, "Clusters and bursts whose narratives share at least this share of the smaller one's keys are one campaign (0: never merge).", float, low=0.0, high=1.0),
        "max_campaigns": Param(50, "At most this many campaigns (strongest clusters and bursts first).", int, low=1),
        "evidence_per_account": Param(10, "Aligned posts shown next to the campaign posts they match, per candidate.", int, low=1, high=1000),
        "seed": Param(0, "Seed of the text hash functions (as in coordination) and of Monte Carlo relabelings.", int),
    }

    def _detect(self, ws, p) -> Findings:
        kinds = [k for k in parse_ids(p["kinds"])]
        bad = [k for k in kinds if k not in TRACE_KINDS]
        if bad or not kinds:
            raise ParameterError(f"laundering: kinds {', '.join(bad) or '(none)'} unknown; known: {', '.join(TRACE_KINDS)}")
        if p["min_share"] >= p["max_share"]:
            raise ParameterError(f"laundering: min_share={p['min_share']} must be below max_share={p['max_share']}")
        campaigns, flagged = campaign_sources(ws, p)
        if not campaigns:
            return self.findings(p, tables=_empty_tables(), notes=[
                "no campaign to align with: run coordination/floods first, or name seed posts or accounts"])
        self._progress(f"laundering: {len(campaigns)} campaign(s); building traces")
        traces = ensure_traces(ws, kinds=tuple(k for k in TRACE_KINDS if k in kinds), text_bands=DEFAULT_BANDS, text_rows=DEFAULT_ROWS,
                               text_min_chars=DEFAULT_MIN_CHARS, seed=p["seed"])
        traces = traces.filter(traces.kind.isin(kinds))
        n_population = int(ws.table("posts").account_id.nunique().to_pyarrow().as_py())
        if campaigns[0]["source"] != "seed":
            campaigns = merged_campaigns(traces, campaigns, n_population, p)
        camp_rows, acc_rows, tested = [], [], []
        per_campaign = {}
        for c in campaigns:
            self._progress(f"laundering: aligning accounts with campaign {c['campaign_id']} ({c['source']} {c['source_id']})")
            res = _align(ws, traces, c, n_population, p, flagged if p["exclude_flagged"] else set())
            if res is None:
                continue
            per_campaign[c["campaign_id"]] = res
            camp_rows.append(res["campaign"])
            for r in res["accounts"]:
                acc_rows.append(r)
                if r["tested"]:
                    tested.append(r)
        # one correction over every (campaign, account) test
        q = benjamini_hochberg([r["p_value"] for r in tested])
        for r, qv in zip(tested, q):
            r["q_value"] = float(qv)
            if qv <= p["max_fdr"] and (r["lift"] is None or r["lift"] >= p["min_lift"]):
                r["candidate"], r["reason"] = True, (
                    f"{r['n_in_window']} of {r['n_aligned']} aligned posts in the campaign's windows "
                    f"(expected {r['expected_in_window']:.1f} from the account's own rhythm), q={qv:.2g}")
            elif qv <= p["max_fdr"]:
                r["reason"] = (f"timing significant (q={qv:.2g}) but weak: {r['n_in_window']} aligned posts in the windows where "
                               f"{r['expected_in_window']:.1f} were expected, lift {r['lift']:.2f} < min_lift={p['min_lift']} "
                               "(the account is mostly active when the campaign is)")
            else:
                r["reason"] = f"aligned posts not timed to the campaign: q={qv:.2g} > max_fdr={p['max_fdr']}"
        best: dict[str, dict] = {}
        for r in tested:
            if r["candidate"]:
                b = best.get(r["account_id"])
                if b is None or (r["q_value"], -r["n_aligned"]) < (b["q_value"], -b["n_aligned"]):
                    best[r["account_id"]] = r
        self._progress(f"laundering: {len(tested):,} account(s) tested, {len(best):,} candidate(s)")
        matches = _matches(ws, traces, per_campaign, best, p)
        items = [_finding(self.name, r, per_campaign[r["campaign_id"]]["campaign"], matches.get(r["account_id"], []), p)
                 for r in sorted(best.values(), key=lambda r: (r["q_value"], -r["n_aligned"], r["account_id"]))]
        match_rows = [m for ms in matches.values() for m in ms]
        tables = {
            "campaigns": pa.Table.from_pylist(camp_rows, schema=CAMPAIGNS_SCHEMA),
            "accounts": pa.Table.from_pylist(sorted(acc_rows, key=lambda r: (not r["candidate"], r["q_value"] if r["q_value"] is not None else 2.0,
                                                                            r["campaign_id"], r["account_id"])), schema=ACCOUNTS_SCHEMA),
            "matches": pa.Table.from_pylist(match_rows, schema=MATCHES_SCHEMA),
        }
        notes = [f"{len(camp_rows)} campaign(s); {len(acc_rows):,} account-campaign pair(s) carry their lines; {len(tested):,} tested; "
                 f"{len(items):,} candidate(s) at max_fdr={p['max_fdr']}"]
        return self.findings(p, items, tables, notes)


# -- alignment ------------------------------------------------------------------------------


def _align(ws, traces: ibis.Table, c: dict, n_population: int, p: dict, flagged: set[str]) -> dict | None:
    """The narrative of one campaign and every outside account's alignment with it."""
    ct = campaign_traces(traces, c)
    n_acc = len(c["accounts"])
    narr = narrative_keys(traces, ct, n_acc, n_population, p).cache()
    camp_posts = ct.semi_join(narr, ["kind", "key"]).select("post_id", "account_id", "at").distinct().cache()
    stats = camp_posts.aggregate(n=camp_posts.count(), first=camp_posts.at.min(), last=camp_posts.at.max()).to_pyarrow().to_pylist()[0]
    if not stats["n"]:
        return None
    n_keys = int(narr.count().to_pyarrow().as_py())
    key_kinds = narr.group_by("kind").aggregate(n=narr.count()).order_by(ibis.desc("n")).to_pyarrow().to_pylist()
    top = narr.filter(narr.kind != "text").order_by([ibis.desc("n_camp"), "key_text"]).limit(5).select("key_text").to_pyarrow().column(0).to_pylist()
    cp = camp_posts.select("account_id", "at").to_pandas()
    camp_times, camp_authors = cp["at"].to_numpy(), cp["account_id"].to_numpy()
    windows = active_bins(camp_times, p["bin_seconds"], p["window_min_posts"], p["window_pad"])

    def windows_without(account_id):
        # leave-one-out: an account's own posts never make the windows it is tested against
        mine = camp_authors == account_id
        if not mine.any():
            return windows
        return active_bins(camp_times[~mine], p["bin_seconds"], p["window_min_posts"], p["window_pad"])

    # aligned posts of outside accounts
    # every account is measured, campaign members included (coordination may already have caught
    # a launderer's copied lines); pure amplifiers fall out on max_share
    other = traces
    hits = other.semi_join(narr.select("kind", "key"), ["kind", "key"]).select("account_id", "post_id", "kind", "key", "key_text", "at")
    if "repost" in set(parse_ids(p["kinds"])):  # reposts of the campaign's own narrative posts
        rp = other.filter(other.kind == "repost")
        rp = rp.semi_join(camp_posts.select(key_text=camp_posts.post_id), "key_text")
        hits = hits.union(rp.select("account_id", "post_id", "kind", "key", "key_text", "at"), distinct=True)
    hits = hits.cache()
    per_post = hits.group_by(["account_id", "post_id"]).aggregate(
        at=hits.at.min(), n_text=(hits.kind == "text").cast("int64").sum(), n_other=(hits.kind != "text").cast("int64").sum())
    aligned = per_post.filter((per_post.n_other > 0) | (per_post.n_text >= p["text_min_bands"])).cache()
    kinds_of = hits.semi_join(aligned, ["account_id", "post_id"])
    kinds_of = kinds_of.group_by("account_id").aggregate(kinds=kinds_of.kind.collect(distinct=True))
    per_acc = aligned.group_by("account_id").aggregate(n_aligned=aligned.count(), n_days=(aligned.at // _DAY).nunique())
    posts = ws.table("posts")
    totals = posts.semi_join(per_acc, "account_id")
    totals = totals.group_by("account_id").aggregate(n_posts=totals.count())
    acc = ws.table("accounts")
    handles = acc.semi_join(per_acc, "account_id").group_by("account_id").aggregate(handle=acc.handle.max())
    rows = (per_acc.join(totals, "account_id").join(kinds_of, "account_id").left_join(handles, "account_id")
            .select("account_id", "n_aligned", "n_days", "n_posts", "kinds", "handle").to_pyarrow().to_pylist())

    out = []
    members = set(c["accounts"])
    for r in rows:
        share = r["n_aligned"] / r["n_posts"] if r["n_posts"] else 0.0
        reason = None
        if r["account_id"] in flagged:
            reason = "already reported by coordination or floods (a member of another campaign)"
        elif r["n_aligned"] < p["min_aligned"]:
            reason = f"{r['n_aligned']} aligned post(s), fewer than min_aligned={p['min_aligned']} (a one-off sharer)"
        elif share > p["max_share"]:
            reason = f"aligned share {share:.0%} above max_share={p['max_share']:.0%}: an amplifier (see coordination), not laundering"
        elif share < p["min_share"]:
            reason = f"aligned share {share:.1%} below min_share={p['min_share']:.0%}"
        elif r["n_days"] < p["min_days"]:
            reason = f"aligned posts on {r['n_days']} day(s), fewer than min_days={p['min_days']}"
        elif r["n_posts"] < p["min_posts"]:
            reason = f"{r['n_posts']} posts, fewer than min_posts={p['min_posts']}"
        out.append({
            "campaign_id": c["campaign_id"], "account_id": r["account_id"], "handle": r["handle"], "n_posts": int(r["n_posts"]),
            "n_aligned": int(r["n_aligned"]), "aligned_share": float(share), "n_aligned_days": int(r["n_days"]),
            "kinds": sorted(r["kinds"] or []), "in_campaign": r["account_id"] in members, "tested": reason is None, "n_in_window": None, "n_posts_in_window": None,
            "expected_in_window": None, "lift": None, "p_value": None, "q_value": None, "candidate": False, "reason": reason or "",
        })
    tested = {r["account_id"]: r for r in out if r["tested"]}
    if tested:
        ids = ibis.memtable({"account_id": sorted(tested)})
        tl = posts.semi_join(ids, "account_id")
        tl = tl.select("account_id", "post_id", at=epoch_seconds(tl.created_at))
        al = aligned.semi_join(ids, "account_id").select("post_id", flag=ibis.literal(True))
        tl = tl.left_join(al, "post_id").select("account_id", "at", "flag").to_pandas()
        for a, g in tl.groupby("account_id", sort=True):
            r = tested[a]
            r["_windows"] = windows_without(a)
            t = timing_test(g["at"].to_numpy(), g["flag"].fillna(False).astype(bool).to_numpy(), r["_windows"],
                            bin_seconds=p["bin_seconds"], n_permutations=p["n_permutations"], seed=p["seed"], label=str(a))
            r = tested[a]
            r.update({k: t[k] for k in ("n_in_window", "n_posts_in_window", "expected_in_window", "lift", "p_value")})
            if not math.isfinite(r["lift"]):
                r["lift"] = None
    span = max(1, (int(stats["last"]) - int(stats["first"])) // p["bin_seconds"] + 1)
    campaign = {
        "campaign_id": c["campaign_id"], "source": c["source"], "source_id": c["source_id"], "n_accounts": n_acc,
        "n_posts": int(stats["n"]), "n_keys": n_keys, "kinds": [k["kind"] for k in key_kinds], "top_keys": top,
        "n_window_bins": int(len(windows)), "bin_seconds": int(p["bin_seconds"]),
        "window_share": float(min(1.0, len(windows) / span)),
        "first_at": _ts(stats["first"]), "last_at": _ts(stats["last"]),
    }
    return {"campaign": campaign, "accounts": out, "narr": narr, "camp_traces": ct, "hits": hits, "aligned": aligned,
            "windows": windows}


def _ts(epoch) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(int(epoch), timezone.utc).replace(tzinfo=None)


# -- evidence -------------------------------------------------------------------------------


#: which matched key labels an aligned post (the most specific first)
_KIND_ORDER = {"repost": 0, "link": 1, "hashtag_seq": 2, "text": 3, "domain": 4, "hashtag": 5}


def _matches(ws, traces, per_campaign: dict, best: dict[str, dict], p: dict) -> dict[str, list[dict]]:
    """Per candidate: its aligned posts, each with the campaign post it matches (earliest first)."""
    out: dict[str, list[dict]] = {}
    by_campaign: dict[str, list[str]] = {}
    for a, r in best.items():
        by_campaign.setdefault(r["campaign_id"], []).append(a)
    for cid, accounts in by_campaign.items():
        res = per_campaign[cid]
        ids = ibis.memtable({"account_id": sorted(accounts)})
        hits = res["hits"].semi_join(ids, "account_id").semi_join(res["aligned"].select("account_id", "post_id"), ["account_id", "post_id"])
        hits = hits.to_pandas()
        ct = res["camp_traces"]
        cand_keys = ibis.memtable(hits[["kind", "key"]].drop_duplicates()) if len(hits) else None
        camp = (ct.semi_join(cand_keys, ["kind", "key"]).select("kind", "key", cpost=ct.post_id, caccount=ct.account_id, cat=ct.at)
                .to_pandas() if cand_keys is not None else None)
        authors = {}
        rp = hits[hits["kind"] == "repost"]["key_text"].unique().tolist() if len(hits) else []
        if rp:
            posts = ws.table("posts")
            authors = {r["post_id"]: r["account_id"] for r in posts.semi_join(ibis.memtable({"post_id": rp}), "post_id")
                       .select("post_id", "account_id").to_pyarrow().to_pylist()}
        if not len(hits):
            continue
        hits["rank"] = hits["kind"].map(_KIND_ORDER).fillna(9)
        hits = hits.sort_values(["account_id", "post_id", "rank"], kind="stable")
        pick: dict[tuple, tuple] = {}
        if camp is not None and len(camp):
            # per key, the earliest post of its first two campaign accounts: one of them is not the candidate
            camp = camp.sort_values(["cat", "cpost"]).drop_duplicates(["kind", "key", "caccount"]).groupby(["kind", "key"]).head(2)
            m = hits.merge(camp, on=["kind", "key"])
            m = m[m["caccount"] != m["account_id"]].sort_values(["account_id", "post_id", "rank", "cat", "cpost"])
            m = m.drop_duplicates(["account_id", "post_id"])
            pick = {(r.account_id, r.post_id): (r.cpost, r.caccount) for r in m.itertuples(index=False)}
        grouped = hits.groupby(["account_id", "post_id"], sort=False)
        firsts = grouped.head(1)
        ats = grouped["at"].min()
        kinds = grouped["kind"].agg(lambda k: ",".join(dict.fromkeys(k)))
        for r in firsts.itertuples(index=False):
            a, pid = r.account_id, r.post_id
            if r.kind == "repost":
                cpost, caccount = r.key_text, authors.get(r.key_text)
            else:
                cpost, caccount = pick.get((a, pid), (None, None))
            at = int(ats[(a, pid)])
            out.setdefault(a, []).append({
                "campaign_id": cid, "account_id": a, "post_id": pid, "at": _ts(at), "kind": kinds[(a, pid)],
                "key_text": r.key_text if r.kind != "text" else "near-duplicate text",
                "in_window": bool(np.isin(at // p["bin_seconds"], best[a]["_windows"])), "campaign_post_id": cpost, "campaign_account_id": caccount,
            })
    for a in out:
        out[a].sort(key=lambda m: (m["at"], m["post_id"]))
    return out


_KIND_WORDS = {"text": "near-duplicate text", "link": "same link", "domain": "same domain", "hashtag": "same hashtag",
               "hashtag_seq": "same hashtag sequence", "repost": "reposts of campaign posts"}


def _finding(name: str, r: dict, campaign: dict, matches: list[dict], p: dict) -> Finding:
    strength = math.log(max(r["q_value"], 1e-300)) / math.log(p["max_fdr"]) if p["max_fdr"] < 1 else 1.0
    signals = len(set(r["kinds"]) - {"domain"} or r["kinds"])
    confidence = confidence_for(strength, signals)
    score = round(1.0 - math.exp(-strength / 2.0), 4)
    src = f"{campaign['source']} {campaign['source_id']}"
    how = ", ".join(_KIND_WORDS.get(k, k) for k in r["kinds"])
    summary = (
        f"{r['n_aligned']} of {r['n_posts']} posts ({r['aligned_share']:.0%}) carry the lines of campaign {campaign['campaign_id']} "
        f"({src}: {how}), on {r['n_aligned_days']} days; {r['n_in_window']} of them fell in the campaign's active windows where "
        f"the account's own rhythm predicts {r['expected_in_window']:.1f} (permutation p={r['p_value']:.2g}, q={r['q_value']:.2g})."
    )
    if r["in_campaign"]:
        summary += (f" The account is itself one of the campaign's accounts ({src}): coordination reports its copied lines; "
                    "its timing was tested against the other accounts' windows.")
    ev = [
        Evidence("aligned share", f"{r['n_aligned']} of the account's {r['n_posts']} posts ({r['aligned_share']:.1%}) match the "
                 f"narrative of campaign {campaign['campaign_id']} ({src}) by {how}.", accounts=(r["account_id"],),
                 target=campaign["campaign_id"], values={"aligned_share": r["aligned_share"], "n_aligned": r["n_aligned"], "n_posts": r["n_posts"]}),
        Evidence("timing", f"{r['n_in_window']} of {r['n_aligned']} aligned posts fell in the campaign's active windows "
                 f"({campaign['n_window_bins']} bins of {campaign['bin_seconds']} s); {r['n_posts_in_window']} of all {r['n_posts']} posts did, "
                 f"so a random choice of {r['n_aligned']} of the account's own post times gives {r['expected_in_window']:.1f} on average "
                 f"(exact permutation p={r['p_value']:.2g}; Benjamini-Hochberg q={r['q_value']:.2g}).",
                 accounts=(r["account_id"],), target=campaign["campaign_id"],
                 values={k: r[k] for k in ("n_in_window", "n_posts_in_window", "expected_in_window", "lift", "p_value", "q_value")}),
    ]
    for m in matches[: p["evidence_per_account"]]:
        posts = (m["post_id"],) + ((m["campaign_post_id"],) if m["campaign_post_id"] else ())
        accs = (r["account_id"],) + ((m["campaign_account_id"],) if m["campaign_account_id"] else ())
        where = "inside" if m["in_window"] else "outside"
        ev.append(Evidence(
            "aligned post", f"post {m['post_id']} ({m['kind']}) matches campaign post {m['campaign_post_id'] or '?'}"
            f" by {m['campaign_account_id'] or '?'}; posted {where} the campaign's windows.",
            accounts=accs, posts=posts, target=m["key_text"], at=m["at"], values={"in_window": m["in_window"], "kind": m["kind"]}))
    return Finding(
        detector=name, kind="candidate", id=r["account_id"],
        title=f"Laundering candidate {r['handle'] or r['account_id']}: {r['aligned_share']:.0%} of posts carry campaign {campaign['campaign_id']}",
        summary=summary, accounts=(r["account_id"],), score=min(1.0, max(0.0, score)), confidence=confidence, evidence=tuple(ev),
        metrics={k: r[k] for k in ("campaign_id", "n_posts", "n_aligned", "aligned_share", "n_aligned_days", "kinds", "n_in_window",
                                   "n_posts_in_window", "expected_in_window", "lift", "p_value", "q_value")} | {"campaign_source": src},
        params=dict(p), roles={r["account_id"]: "launderer"},
    )


def _empty_tables() -> dict[str, pa.Table]:
    return {"campaigns": CAMPAIGNS_SCHEMA.empty_table(), "accounts": ACCOUNTS_SCHEMA.empty_table(), "matches": MATCHES_SCHEMA.empty_table()}


def detect(ws, **params) -> Findings:
    """Function form of ``Laundering(**params).detect(ws)``."""
    return Laundering(**params).detect(ws)
