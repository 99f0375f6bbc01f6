"""Early amplifiers: accounts that repeatedly share a source's posts first.

For a named source (``sources``: account ids or handles) — or automatically for the sources
most amplified by coordinated clusters (``coordination_members``), or, when the coordination
detector has not run, the sources whose posts were reposted most — every repost or quote of
the source's posts is ranked among that post's shares by time. A share is *early* when it
comes within ``within_seconds`` of the original (of the first share when the original is not in
the data), or, when ``first_n`` is set, among the first ``first_n`` (off by default: on a post
with few sharers every sharer is "among the first", and fans of a celebrity are often first). An *early amplifier* has at least ``min_times`` early
shares of the source, at least ``min_share_early`` of its shares of the source are early, and
it shared at least ``min_coverage`` of the source's shared posts: habitually first, not once
in a while. Reported per account: how often (shares, early shares,
coverage of the source's posts) and how early (median delay, median rank), with the number of
early shares a random order of each post's sharers would give it (a post with ``R`` shares of
which ``E`` are early gives each sharer an ``E/R`` chance) and the Poisson tail of the observed
count against it. That baseline is reported, not required: when a network is the only one
sharing a source, every sharer is early and a random order explains nothing away.

An account whose score stays under ``SCORE_THRESHOLD`` is not reported. The score combines consistency (share of early shares), speed (median delay from 60 s down to
5 s), repetition, coverage and the excess over the random-order baseline as a noisy-OR. Fans of a
celebrity are early now and then, minutes after a post; an amplification network is early
nearly every time, within seconds.

References: Giglietto et al. (2020), "It takes a village to manipulate the media: coordinated
link sharing behavior during 2018 and 2019 Italian elections" (CooRnet; fast shares of the same
content); Keller et al. (2020), "Political astroturfing on Twitter: how to coordinate a
disinformation campaign" (co-retweeting within a minute); Linvill & Warren (2020), "Troll
factories: manufacturing specialized disinformation on Twitter" (amplification roles).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import ibis
import pyarrow as pa

from ..errors import ParameterError
from ..findings import Evidence, Finding, confidence_for
from .base import Detector, Param
from .floods import coordinated_accounts

__all__ = ["AmplifiersDetector", "detect"]

#: Shares of these kinds amplify a post.
SHARE_KINDS = ("repost", "quote")
SCORE_THRESHOLD = 0.35
#: Weights of the amplifier signals in the noisy-OR score.
AMPLIFIER_WEIGHTS = {"consistency": 0.5, "speed": 0.4, "repetition": 0.2, "coverage": 0.3, "beyond_random_order": 0.3}
_EPOCH = datetime(1970, 1, 1)


class AmplifiersDetector(Detector):
    name = "amplifiers"
    summary = "Accounts that repeatedly share a source's posts among the first or within seconds."
    references = (
        "Giglietto et al. (2020), Information, Communication & Society 23(6) (CooRnet)",
        "Keller et al. (2020), Political Communication 37(2)",
        "Linvill & Warren (2020), Political Communication 37(4)",
    )
    params = {
        "sources": Param([], "Source accounts (ids or handles); empty = automatic.", (list, tuple)),
        "n_sources": Param(10, "Automatic mode: how many sources to examine.", int, low=1),
        "first_n": Param(0, "A share among the first this many of a post is also early (0: off; time alone decides).", int, low=0),
        "within_seconds": Param(60, "A share within this many seconds of the original is early.", int, low=0),
        "min_times": Param(5, "An amplifier has at least this many early shares of the source.", int, low=1),
        "min_share_early": Param(0.5, "... and at least this share of its shares of the source are early.", float, low=0.0, high=1.0),
        "min_coverage": Param(0.2, "... and it shared at least this share of the source's shared posts.", float, low=0.0, high=1.0),
    }

    def _detect(self, ws, p):
        posts = ws.table("posts")
        shares = _shares(posts)
        if p["sources"]:
            sources, basis = _named_sources(ws, [str(s) for s in p["sources"]]), "named"
        else:
            sources, basis = _auto_sources(ws, shares, p["n_sources"])
        if not sources:
            return self.findings(p, tables=_empty(), notes=["no source with shared posts"])
        self._progress(f"amplifiers: {len(sources)} sources ({basis})")
        src = ibis.memtable(pa.table({"source_id": [s["source_id"] for s in sources]}))
        s = shares.join(src, shares.source_id == src.source_id).select(shares)
        w = ibis.window(group_by="ref_post_id", order_by=[s.t, s.post_id])
        s = s.mutate(rk=(ibis.row_number().over(w) + 1).cast("int64"), n_shares=s.post_id.count().over(group_by="ref_post_id"),
                     t_first=s.t.min().over(group_by="ref_post_id"))
        s = s.mutate(t_orig=s.t_orig.fill_null(s.t_first))
        s = s.mutate(delay=s.t - s.t_orig)
        s = s.mutate(early=(s.rk <= p["first_n"]) | (s.delay <= p["within_seconds"]))
        s = s.mutate(n_early_post=s.early.sum().over(group_by="ref_post_id"))
        s = s.mutate(p_early=s.n_early_post.cast("float64") / s.n_shares)
        per = s.group_by(["source_id", "account_id"]).aggregate(
            n_shares=s.count(), n_early=s.early.sum(), expected_early=s.p_early.sum(),
            median_rank=s.rk.median(), median_delay_s=s.delay.median(), first_t=s.t.min(), last_t=s.t.max(),
        )
        per = per.filter(per.account_id != per.source_id)
        n_src = s.group_by("source_id").aggregate(n_source_posts=s.ref_post_id.nunique())
        per = per.join(n_src, "source_id").select(per, "n_source_posts")
        cand = per.filter(per.n_early >= p["min_times"]).to_pyarrow().to_pylist()
        n_tested = max(1, int(per.count().to_pyarrow().as_py()))
        src_stats = {r["source_id"]: r for r in _source_stats(s).to_pyarrow().to_pylist()}
        amps = _score_accounts(cand, n_tested, p)
        items, source_rows = [], []
        for srow in sources:
            sid = srow["source_id"]
            mine = sorted((a for a in amps if a["source_id"] == sid), key=lambda a: (-a["score"], -a["n_early"], a["account_id"]))
            st = src_stats.get(sid, {})
            source_rows.append({
                "source_id": sid, "handle": srow.get("handle"), "basis": basis,
                "n_posts_shared": st.get("n_posts", 0), "n_shares": st.get("n_shares", 0), "n_sharers": st.get("n_sharers", 0),
                "n_early_amplifiers": len(mine), "coordinated_shares": srow.get("coordinated_shares"),
            })
            if mine:
                items.append(_finding(srow, st, mine, p))
        accounts_rows = [{k: a[k] for k in ACCOUNTS_SCHEMA.names} for a in amps]
        tables = {
            "sources": pa.Table.from_pylist(source_rows, schema=SOURCES_SCHEMA),
            "accounts": pa.Table.from_pylist(accounts_rows, schema=ACCOUNTS_SCHEMA),
        }
        notes = [f"sources: {basis}"]
        return self.findings(p, items, tables, notes)


SOURCES_SCHEMA = pa.schema([
    ("source_id", pa.string()), ("handle", pa.string()), ("basis", pa.string()), ("n_posts_shared", pa.int64()),
    ("n_shares", pa.int64()), ("n_sharers", pa.int64()), ("n_early_amplifiers", pa.int64()), ("coordinated_shares", pa.int64()),
])
ACCOUNTS_SCHEMA = pa.schema([
    ("source_id", pa.string()), ("account_id", pa.string()), ("n_shares", pa.int64()), ("n_early", pa.int64()),
    ("share_early", pa.float64()), ("coverage", pa.float64()), ("expected_early", pa.float64()), ("median_rank", pa.float64()),
    ("median_delay_s", pa.float64()), ("first_at", pa.timestamp("us")), ("last_at", pa.timestamp("us")),
    ("p_value", pa.float64()), ("score", pa.float64()), ("confidence", pa.string()),
])


def _empty() -> dict[str, pa.Table]:
    return {"sources": SOURCES_SCHEMA.empty_table(), "accounts": ACCOUNTS_SCHEMA.empty_table()}


def _shares(posts: ibis.Table) -> ibis.Table:
    """Reposts and quotes with the shared post's author (``source_id``) and time when known."""
    s = posts.filter(posts.kind.isin(SHARE_KINDS) & posts.ref_post_id.notnull())
    o = posts.select(o_platform="platform", o_post_id="post_id", o_account_id="account_id", o_created="created_at")
    j = s.left_join(o, (s.platform == o.o_platform) & (s.ref_post_id == o.o_post_id))
    return j.select(
        post_id=j.post_id, account_id=j.account_id, ref_post_id=j.ref_post_id,
        source_id=j.o_account_id.fill_null(j.ref_account_id),
        t=j.created_at.truncate("s").epoch_seconds().cast("int64"),
        t_orig=j.o_created.truncate("s").epoch_seconds().cast("int64"),
    ).filter(lambda t: t.source_id.notnull())


def _named_sources(ws, names: list[str]) -> list[dict]:
    """Resolve ids or handles (with or without @) to account ids; shares may name a source
    as ``@handle`` when the source gives no id, so both forms are kept."""
    acc = ws.table("accounts")
    wanted = {n.lstrip("@").lower() for n in names}
    rows = acc.filter(acc.account_id.isin(list(names)) | acc.handle.lower().isin(sorted(wanted))).select("account_id", "handle")
    found = {r["account_id"]: r["handle"] for r in rows.to_pyarrow().to_pylist()}
    out = [{"source_id": a, "handle": h} for a, h in sorted(found.items())]
    known = {a for a in found} | {(h or "").lower() for h in found.values()}
    for n in names:
        bare = n.lstrip("@")
        if bare not in known and bare.lower() not in known:
            out.append({"source_id": n if not n.startswith("@") else "@" + bare.lower(), "handle": bare})
    if not out:
        raise ParameterError(f"amplifiers: no source named {', '.join(names)}")
    return out


def _auto_sources(ws, shares: ibis.Table, n: int) -> tuple[list[dict], str]:
    coord = coordinated_accounts(ws)
    if coord is not None:
        c = shares.join(coord, "account_id")
        top = c.group_by("source_id").aggregate(coordinated_shares=c.count())
        basis = "most shared by coordinated clusters"
        rows = top.order_by([top.coordinated_shares.desc(), top.source_id]).limit(n).to_pyarrow().to_pylist()
        if rows:
            return _with_handles(ws, rows), basis
    top = shares.group_by("source_id").aggregate(n_shares=shares.count())
    rows = top.order_by([top.n_shares.desc(), top.source_id]).limit(n).to_pyarrow().to_pylist()
    return _with_handles(ws, [{"source_id": r["source_id"]} for r in rows]), "most shared (coordination not run)"


def _with_handles(ws, rows: list[dict]) -> list[dict]:
    acc = ws.table("accounts")
    ids = [r["source_id"] for r in rows]
    h = {r["account_id"]: r["handle"] for r in acc.filter(acc.account_id.isin(ids)).select("account_id", "handle").to_pyarrow().to_pylist()}
    return [dict(r, handle=h.get(r["source_id"])) for r in rows]


def _source_stats(s: ibis.Table) -> ibis.Table:
    return s.group_by("source_id").aggregate(n_posts=s.ref_post_id.nunique(), n_shares=s.count(), n_sharers=s.account_id.nunique())


def _score_accounts(cand: list[dict], n_tested: int, p: dict) -> list[dict]:
    """Keep the habitual early sharers and score them (see the module docstring)."""
    from scipy.stats import poisson

    out = []
    for r in cand:
        n_early, n_shares = int(r["n_early"]), int(r["n_shares"])
        share_early = n_early / n_shares
        coverage = n_shares / max(1, int(r["n_source_posts"]))
        if share_early < p["min_share_early"] or coverage < p["min_coverage"]:
            continue
        exp = max(float(r["expected_early"]), 1e-9)
        pv = float(min(1.0, poisson.sf(n_early - 1, exp) * n_tested))
        delay = max(float(r["median_delay_s"]), 1.0)
        signals = {
            "consistency": _ramp(share_early, 0.5, 1.0),
            "speed": _ramp(math.log(60.0 / delay), 0.0, math.log(12.0)),  # 60 s -> 0, 5 s -> 1
            "repetition": _ramp(n_early, p["min_times"], p["min_times"] + 20),
            "coverage": _ramp(coverage, p["min_coverage"], 0.8),
            "beyond_random_order": _ramp(n_early / exp, 1.5, 5.0),
        }
        keep = 1.0
        for k, w in AMPLIFIER_WEIGHTS.items():
            keep *= 1.0 - w * signals[k]
        score = round(1.0 - keep, 4)
        if score < SCORE_THRESHOLD:
            continue  # meets the minimums only at their edges: a fan's habit, not amplification
        n_signals = sum(1 for x in signals.values() if x >= 0.5)
        out.append(dict(
            r, share_early=share_early, coverage=coverage, p_value=pv, score=score, confidence=confidence_for(score / SCORE_THRESHOLD, n_signals),
            median_rank=float(r["median_rank"]), median_delay_s=float(r["median_delay_s"]),
            first_at=_EPOCH + timedelta(seconds=int(r["first_t"])), last_at=_EPOCH + timedelta(seconds=int(r["last_t"])),
        ))
    return out


def _ramp(x: float, lo: float, hi: float) -> float:
    return min(1.0, max(0.0, (x - lo) / (hi - lo)))


def _finding(src: dict, st: dict, amps: list[dict], p: dict) -> Finding:
    sid = src["source_id"]
    name = f"@{src['handle']}" if src.get("handle") else sid
    ev = [
        Evidence(
            "early shares",
            f"{a['account_id']} shared {name}'s posts {a['n_shares']} times, {a['n_early']} of them early "
            f"(median rank {a['median_rank']:.0f}, median delay {a['median_delay_s']:.0f} s; "
            f"{a['expected_early']:.1f} expected in a random order)",
            accounts=(a["account_id"],), target=sid, at=a["first_at"],
            values={k: a[k] for k in ("n_shares", "n_early", "expected_early", "median_rank", "median_delay_s", "p_value")},
        )
        for a in amps[:25]
    ]
    score = max(a["score"] for a in amps)
    conf = max((a["confidence"] for a in amps), key=("low", "medium", "high").index)
    med_delay = sorted(a["median_delay_s"] for a in amps)[len(amps) // 2]
    when = f"within {p['within_seconds']} s" + (f" or among the first {p['first_n']}" if p["first_n"] else "")
    summary = (
        f"{len(amps)} accounts repeatedly shared {name}'s posts {when} "
        f"(median delay {med_delay:.0f} s) across {st.get('n_posts', 0)} shared posts."
    )
    roles = {a["account_id"]: "amplifier" for a in amps}
    roles[sid] = "source"
    return Finding(
        detector="amplifiers", kind="amplifier", id=f"A:{sid}", title=f"Early amplifiers of {name}",
        summary=summary, accounts=tuple([sid] + [a["account_id"] for a in amps]), score=score, confidence=conf,
        evidence=tuple(ev), metrics={"n_amplifiers": len(amps), "n_posts_shared": st.get("n_posts", 0),
                                     "n_shares": st.get("n_shares", 0), "median_delay_s": med_delay},
        params=p, roles=roles,
    )


def detect(ws, **params):
    """Function form: ``AmplifiersDetector(**params).detect(ws)``."""
    return AmplifiersDetector(**params).detect(ws)
