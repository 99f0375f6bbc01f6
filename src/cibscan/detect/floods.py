"""Floods: bursts of a hashtag (or a phrase a user names) far above that key's own baseline,
ranked by how inauthentic the burst looks.

Method
------
1. **Keys.** Every hashtag of every post (case-folded), and every phrase in ``phrases`` found in
   a post's normalised text (``normalised_text``: lower case, links and mentions removed,
   punctuation and spacing collapsed).
2. **Automatic binning.** Unless ``bin_seconds`` is given, the bin width is the
   Freedman–Diaconis width ``2·IQR·n^(-1/3)`` of the keyed posts' timestamps (Freedman &
   Diaconis 1981), rounded up to a readable width (1 min … 1 week) and narrowed until the data's
   span holds at least ``MIN_BINS`` bins.
3. **Burst test, against each key's own baseline.** For each key with at least ``min_volume``
   posts, the per-bin counts (zeros included) are square-root transformed (variance-stabilising
   for counts, Anscombe 1948) and each bin gets a robust z-score
   ``z = (√c − median √c) / max(1.4826·MAD(√c), 0.5)`` — median and MAD as in Twitter's
   robust anomaly detection (Hochenbaum, Vallis & Kejariwal 2017, S-H-ESD); the floor 0.5 is
   the standard deviation of √c for Poisson counts, so a key that is silent most of the time is
   tested against Poisson noise rather than a zero spread. One-sided normal p-values are
   Bonferroni-corrected over every (key, bin) tested; bins with ``p ≤ alpha`` and at least
   ``min_bin_count`` posts are burst bins, and runs of them (gaps of up to ``max_gap_bins``) are
   one burst.
4. **How inauthentic.** Per burst: posts per account, share of the top 1% / 10% of accounts,
   share from accounts created within ``new_account_days`` before it, share of near-duplicate
   texts (original posts sharing a MinHash-LSH band key of ``cibscan.text`` with another
   account's post in the burst), share of
   reposts and share from coordinated clusters (``coordination_members``, when the
   coordination detector ran). The score combines them as a noisy-OR (``score_burst``); broad,
   diverse participation (many accounts, ~1 post each, distinct texts, established accounts)
   scores near 0. Reposts alone are reported, not scored: organic trends are mostly reposts.

Tables: ``floods_bursts``, ``floods_series``, ``floods_accounts`` (see ``docs/floods.md``).

References: Freedman & Diaconis (1981), "On the histogram as a density estimator";
Hochenbaum, Vallis & Kejariwal (2017), "Automatic anomaly detection in the cloud via
statistical learning" (arXiv:1704.07706); Kleinberg (2002), "Bursty and hierarchical structure
in streams" (the burst notion); Pacheco et al. (2021), "Uncovering coordinated networks on
social media" (hashtag-sequence and concentration signals).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta
from statistics import NormalDist

import ibis
import pyarrow as pa

from ..errors import ParameterError
from ..findings import CONFIDENCE_LEVELS, Evidence, Finding, confidence_for
from ..text import text_sketch_udf
from .base import Detector, Param

__all__ = [
    "FloodsDetector",
    "detect",
    "auto_bin_seconds",
    "normalised_text",
    "normalise_phrase",
    "coordinated_accounts",
    "score_burst",
    "burst_reason",
    "NICE_BIN_SECONDS",
    "MIN_BINS",
]

#: Readable bin widths the automatic width is rounded up to (seconds).
NICE_BIN_SECONDS = (60, 300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 604800)
#: The span of the data holds at least this many bins (else a burst has no baseline to beat).
MIN_BINS = 24
#: ... and at most this many (keeps the dense key x bin grid small).
MAX_BINS = 20_000
#: Standard deviation of sqrt(count) under Poisson noise: the floor of the robust scale.
POISSON_SQRT_SD = 0.5
#: 1.4826 * MAD estimates the standard deviation of normal data.
MAD_TO_SD = 1.4826

#: Signals of inauthenticity: (metric, value at which the signal is full, weight in the noisy-OR).
#: Weights < 1 so that no single signal makes a burst certain; values chosen so that an organic
#: trend (about 1-2 posts per account, a few % duplicates, few new accounts) scores < 0.15.
SCORE_SIGNALS = (
    ("posts_per_account", (2.0, 10.0), 0.6),  # 2 posts/account -> 0, 10 -> full
    ("top1_share", (0.2, 0.7), 0.4),
    ("new_account_share", (0.1, 0.6), 0.5),
    ("dup_text_share", (0.1, 0.6), 0.6),
    ("coordinated_share", (0.05, 0.5), 0.7),
)
#: Bursts of this many posts get their full score; smaller ones down to half of it (20 posts).
FULL_EVIDENCE_VOLUME = 2000
#: A post is a near-duplicate when at least this many of its LSH bands (of 10) are shared with
#: other accounts' posts in the burst.
DUP_MIN_BANDS = 3
#: Score at which a burst's strength is 1.0 in ``confidence_for`` (and the default report bar).
SCORE_THRESHOLD = 0.35

# Unicode classes (\p{L} letters, \p{N} digits, \p{M} combining marks) in the syntax both RE2
# (DuckDB) and Java (Spark) read: ASCII \w would erase Persian, Cyrillic or Chinese text.
_URL = r"https?://\S+|www\.\S+"
_MENTION = r"@[\p{L}\p{N}\p{M}_]+"
_RT = r"^rt\s+"
_NOT_WORD = r"[^\p{L}\p{N}\p{M}_#]+"


def normalised_text(text: ibis.Value) -> ibis.Value:
    """Text as compared for near-duplicates and phrase matches: lower case, links, mentions and a
    leading ``RT`` removed, every run of characters that are not letters, digits, marks, ``_`` or
    ``#`` (in any script) turned into one space, trimmed. (An Ibis expression: runs in the engine.)"""
    t = text.lower().re_replace(_URL, " ").re_replace(_MENTION, " ").strip().re_replace(_RT, "")
    return t.re_replace(_NOT_WORD, " ").strip()


def _is_word_char(c: str) -> bool:
    return c in "_#" or unicodedata.category(c)[0] in "LNM"


def normalise_phrase(phrase: str) -> str:
    """The Python twin of ``normalised_text`` (for a phrase a user types, or a bio).

    >>> normalise_phrase("RT @Ali_1: Доброе   УТРО!! https://t.co/x #Тег")
    'доброе утро #тег'
    """
    t = re.sub(_URL, " ", phrase.lower())
    t = re.sub(r"@[^\W]+", " ", t).strip()
    t = re.sub(_RT, "", t)
    t = "".join(c if _is_word_char(c) else " " for c in t)
    return " ".join(t.split())


def coordinated_accounts(ws, min_confidence: str = "medium") -> ibis.Table | None:
    """Distinct ``account_id`` of the members of the coordination detector's clusters graded
    ``min_confidence`` or higher (a low grade is a lead, not a finding: counting its members
    would let a loose cluster of organic accounts make a trend look coordinated), or ``None``
    when the detector has not run (the contract tables are absent)."""
    if not ws.has_table("coordination_members"):
        return None
    m = ws.table("coordination_members")
    if ws.has_table("coordination_clusters"):
        c = ws.table("coordination_clusters")
        grades = CONFIDENCE_LEVELS[: CONFIDENCE_LEVELS.index(min_confidence) + 1]
        keep = c.filter(c.confidence.isin(grades)).select("cluster_id")
        m = m.join(keep, "cluster_id")
    return m.select(m.account_id.cast("string").name("account_id")).distinct()


def auto_bin_seconds(q25: float, q75: float, n: int, span: float) -> int:
    """Freedman–Diaconis width ``2·IQR·n^(-1/3)`` of the timestamps, rounded up to a width of
    ``NICE_BIN_SECONDS``, then narrowed until ``span`` holds ``MIN_BINS`` bins and widened until
    it holds at most ``MAX_BINS``.

    >>> auto_bin_seconds(0, 86400 * 15, 10_000_000, 86400 * 30)
    21600
    >>> auto_bin_seconds(0, 3600, 100, 7200)
    300
    """
    fd = 2.0 * max(q75 - q25, 1.0) * max(n, 1) ** (-1.0 / 3.0)
    width = next((w for w in NICE_BIN_SECONDS if w >= fd), NICE_BIN_SECONDS[-1])
    i = NICE_BIN_SECONDS.index(width)
    while i > 0 and span / NICE_BIN_SECONDS[i] < MIN_BINS:
        i -= 1
    while i < len(NICE_BIN_SECONDS) - 1 and span / NICE_BIN_SECONDS[i] > MAX_BINS:
        i += 1
    return NICE_BIN_SECONDS[i]


def _ramp(x: float | None, lo: float, hi: float) -> float:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return 0.0
    return min(1.0, max(0.0, (x - lo) / (hi - lo)))


def score_burst(metrics: dict) -> tuple[float, dict[str, float]]:
    """How inauthentic a burst looks, in [0, 1], and each signal's strength in [0, 1].

    ``1 − Π (1 − weight·signal)`` over ``SCORE_SIGNALS`` (a noisy-OR: independent signals
    reinforce each other; a missing metric contributes nothing), times a factor from 0.5 (20
    posts or fewer) to 1 (``FULL_EVIDENCE_VOLUME`` posts, log scale): the same shares measured on
    more posts are stronger evidence (seven identical posts may be seven people sharing a meme),
    and an investigator wants the largest of equally suspicious floods first.

    >>> round(score_burst({"volume": 500, "posts_per_account": 1.1, "top1_share": 0.01, "new_account_share": 0.02,
    ...                    "dup_text_share": 0.03, "coordinated_share": None})[0], 3)
    0.0
    >>> round(score_burst({"volume": 2000, "posts_per_account": 12, "dup_text_share": 0.8, "new_account_share": 0.9})[0], 2)
    0.92
    """
    signals = {m: _ramp(metrics.get(m), lo, hi) for m, (lo, hi), _ in SCORE_SIGNALS}
    keep = 1.0
    for m, _, w in SCORE_SIGNALS:
        keep *= 1.0 - w * signals[m]
    volume = max(1, int(metrics["volume"]))
    evidence = 0.5 + 0.5 * _ramp(math.log10(volume), math.log10(20), math.log10(FULL_EVIDENCE_VOLUME))
    return (1.0 - keep) * evidence, signals


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def _duration(seconds: float) -> str:
    if seconds >= 86400 * 2:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 60:.0f} min"


_SIGNAL_PHRASES = {
    "posts_per_account": lambda m: f"{m['posts_per_account']:.1f} posts per account",
    "top1_share": lambda m: f"the top 1% of accounts posted {_pct(m['top1_share'])}",
    "new_account_share": lambda m: f"{_pct(m['new_account_share'])} from accounts created shortly before",
    "dup_text_share": lambda m: f"{_pct(m['dup_text_share'])} near-identical texts",
    "coordinated_share": lambda m: f"{_pct(m['coordinated_share'])} from coordinated clusters",
}


def burst_reason(metrics: dict, signals: dict[str, float], score: float) -> str:
    """One sentence, built from the numbers, saying why a burst ranks where it does."""
    head = (
        f"{metrics['volume']:,} posts on {metrics['label']} in {_duration(metrics['duration_s'])} "
        f"from {metrics['n_accounts']:,} accounts"
    )
    strong = [m for m, _, _ in sorted(SCORE_SIGNALS, key=lambda s: -signals[s[0]] * s[2]) if signals[m] > 0]
    if score < SCORE_THRESHOLD or not strong:
        return (
            f"{head}: broad participation ({metrics['posts_per_account']:.1f} posts per account, "
            f"{_pct(metrics.get('dup_text_share'))} near-identical texts, "
            f"{_pct(metrics.get('new_account_share'))} from new accounts), consistent with an organic trend."
        )
    return f"{head}: " + ", ".join(_SIGNAL_PHRASES[m](metrics) for m in strong[:3]) + "."


class FloodsDetector(Detector):
    name = "floods"
    summary = "Bursts of a hashtag or phrase far above its own baseline, ranked by how inauthentic they look."
    references = (
        "Freedman & Diaconis (1981), On the histogram as a density estimator (bin width)",
        "Hochenbaum, Vallis & Kejariwal (2017), arXiv:1704.07706 (robust median/MAD anomaly test)",
        "Anscombe (1948), The transformation of Poisson, binomial and negative-binomial data",
        "Kleinberg (2002), Bursty and hierarchical structure in streams",
    )
    params = {
        "bin_seconds": Param(None, "Bin width in seconds; empty = automatic (Freedman–Diaconis, rounded).", int, low=1, nullable=True),
        "hashtags": Param(True, "Test every hashtag.", bool),
        "phrases": Param([], "Phrases to test as keys (matched in normalised text), e.g. [\"stop the steal\"].", (list, tuple)),
        "min_volume": Param(20, "A key is tested only with at least this many posts in all.", int, low=1),
        "min_bin_count": Param(5, "A burst bin holds at least this many posts.", int, low=1),
        "alpha": Param(0.01, "Family-wise error rate of the burst test (Bonferroni over all key x bin tests).", float, low=1e-12, high=0.5),
        "max_gap_bins": Param(1, "Burst bins separated by at most this many quiet bins are one burst.", int, low=0),
        "new_account_days": Param(30, "An account created at most this many days before a burst counts as new.", int, low=0),
        "driver_min_posts": Param(3, "An account with this many posts (or one near-duplicate text) in a reported burst is listed as a driver.", int, low=1),
        "min_score": Param(SCORE_THRESHOLD, "Bursts scoring at least this are reported as findings (all are in floods_bursts).", float, low=0.0, high=1.0),
        "max_findings": Param(200, "Report at most this many bursts as findings (highest scores first).", int, low=1),
    }

    def _detect(self, ws, p):
        phrases = [normalise_phrase(str(x)) for x in p["phrases"]]
        if any(not x for x in phrases):
            raise ParameterError("floods: a phrase is empty once normalised (letters or digits are needed)")
        if not p["hashtags"] and not phrases:
            raise ParameterError("floods: nothing to test: set hashtags=true or give phrases")
        keyed = _keyed_posts(ws.table("posts"), p["hashtags"], phrases)
        stats = keyed.aggregate(
            n=keyed.count(),
            q25=keyed.t.quantile(0.25), q75=keyed.t.quantile(0.75),
        ).to_pyarrow().to_pylist()[0]
        if not stats["n"]:
            return self.findings(p, tables=_empty_tables(), notes=["no post carries a hashtag or a named phrase"])
        # the baseline spans the whole collection, not only the posts that carry a key
        posts = ws.table("posts")
        pt = posts.created_at.truncate("s").epoch_seconds().cast("int64")
        whole = posts.aggregate(t0=pt.min(), t1=pt.max()).to_pyarrow().to_pylist()[0]
        span = int(whole["t1"]) - int(whole["t0"]) + 1
        width = p["bin_seconds"] or auto_bin_seconds(stats["q25"], stats["q75"], stats["n"], span)
        t0 = int(whole["t0"]) - int(whole["t0"]) % width  # bins start on round clock times (UTC)
        span = int(whole["t1"]) - t0 + 1
        n_bins = span // width + 1
        self._progress(f"floods: {stats['n']:,} keyed posts, bins of {width} s ({n_bins:,} bins)")
        keyed = keyed.mutate(b=((keyed.t - t0) // width).cast("int64")).cache()  # read by several queries below

        counts = keyed.group_by(["key_kind", "key", "b"]).aggregate(c=keyed.count())
        totals = counts.group_by(["key_kind", "key"]).aggregate(total=counts.c.sum(), peak=counts.c.max())
        tested = totals.filter((totals.total >= p["min_volume"]) & (totals.peak >= p["min_bin_count"]))
        n_keys = int(tested.count().to_pyarrow().as_py())
        if not n_keys:
            return self.findings(p, tables=_empty_tables(), notes=[f"no key reaches min_volume={p['min_volume']}"])
        n_tests = n_keys * n_bins
        z_crit = NormalDist().inv_cdf(1.0 - p["alpha"] / n_tests)

        dense = _dense_counts(ws, tested, counts, n_bins)
        scored = _robust_z(dense)
        flagged = scored.filter((scored.z >= z_crit) & (scored.c >= p["min_bin_count"]))
        bursts = _merge_runs(flagged, p["max_gap_bins"])
        bursts = bursts.cache()
        n_bursts = int(bursts.count().to_pyarrow().as_py())
        self._progress(f"floods: {n_keys:,} keys tested, {n_bursts:,} bursts")
        if not n_bursts:
            return self.findings(p, tables=_empty_tables(), notes=[f"{n_keys:,} keys tested; no burst at alpha={p['alpha']}"])

        members = _burst_posts(keyed, bursts)
        members = _with_account_facts(ws, members, t0, width, p["new_account_days"]).cache()
        rows = _burst_metrics(ws, members, bursts, scored, width).to_pyarrow().to_pylist()
        rows = _finish_rows(rows, width, t0, n_tests)
        rows.sort(key=lambda r: (-r["score"], -r["volume"], r["key"], r["start"]))
        for i, r in enumerate(rows, 1):
            r["burst_id"] = f"B{i}"
        table_rows = [{k: r[k] for k in _BURST_COLUMNS} for r in rows]
        reported = [r for r in rows if r["score"] >= p["min_score"]][: p["max_findings"]]
        drivers = _drivers(ws, members, reported, p["driver_min_posts"])
        series = _series(ws, scored, rows, width, t0)
        items = [_finding(r, drivers.get(r["_bid"], []), p) for r in reported]
        tables = {
            "bursts": pa.Table.from_pylist(table_rows, schema=BURSTS_SCHEMA),
            "series": series,
            "accounts": pa.Table.from_pylist(
                [dict(d, burst_id=r["burst_id"]) for r in reported for d in drivers.get(r["_bid"], [])], schema=ACCOUNTS_SCHEMA
            ),
        }
        notes = [
            f"bins of {width} s; {n_keys:,} keys x {n_bins:,} bins tested; z >= {z_crit:.2f} (Bonferroni, alpha={p['alpha']})",
        ]
        if not ws.has_table("coordination_members"):
            notes.append("coordinated_share is empty: the coordination detector has not run")
        return self.findings(p, items, tables, notes)


# -- table work (Ibis) ---------------------------------------------------------------------

BURSTS_SCHEMA = pa.schema([
    ("burst_id", pa.string()), ("key", pa.string()), ("key_kind", pa.string()),
    ("start", pa.timestamp("us")), ("end", pa.timestamp("us")), ("volume", pa.int64()),
    ("peak_rate", pa.float64()), ("baseline_rate", pa.float64()), ("n_accounts", pa.int64()),
    ("top1_share", pa.float64()), ("top10_share", pa.float64()), ("new_account_share", pa.float64()),
    ("dup_text_share", pa.float64()), ("repost_share", pa.float64()), ("coordinated_share", pa.float64()),
    ("p_value", pa.float64()), ("score", pa.float64()), ("reason", pa.string()),
    ("posts_per_account", pa.float64()), ("peak_z", pa.float64()), ("confidence", pa.string()),
])
_BURST_COLUMNS = BURSTS_SCHEMA.names
ACCOUNTS_SCHEMA = pa.schema([
    ("burst_id", pa.string()), ("account_id", pa.string()), ("n_posts", pa.int64()), ("n_dup_posts", pa.int64()),
    ("is_new", pa.bool_()), ("is_coordinated", pa.bool_()), ("first_at", pa.timestamp("us")), ("last_at", pa.timestamp("us")),
])
SERIES_SCHEMA = pa.schema([
    ("key", pa.string()), ("key_kind", pa.string()), ("bin_start", pa.timestamp("us")),
    ("bin_seconds", pa.int64()), ("count", pa.int64()),
])


def _empty_tables() -> dict[str, pa.Table]:
    return {"bursts": BURSTS_SCHEMA.empty_table(), "series": SERIES_SCHEMA.empty_table(), "accounts": ACCOUNTS_SCHEMA.empty_table()}


def _keyed_posts(posts: ibis.Table, hashtags: bool, phrases: Sequence[str]) -> ibis.Table:
    """One row per (post, key): hashtags case-folded, phrases found in normalised text. Text is
    normalised here only for phrase matching (the burst's own posts are normalised later)."""
    base = posts.mutate(t=posts.created_at.truncate("s").epoch_seconds().cast("int64"))
    cols = ["platform", "post_id", "account_id", "kind", "t"]
    parts = []
    if hashtags:
        tags = base.select(*cols, key=base.hashtags.unnest().lower(), key_kind=ibis.literal("hashtag"))
        parts.append(tags.distinct())
    if phrases:
        normed = base.mutate(norm=" " + normalised_text(base.text.fill_null("")) + " ")
        for ph in phrases:
            hit = normed.filter(normed.norm.contains(f" {ph} "))
            parts.append(hit.select(*cols, key=ibis.literal(ph), key_kind=ibis.literal("phrase")))
    return parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)


def _dense_counts(ws, tested: ibis.Table, counts: ibis.Table, n_bins: int) -> ibis.Table:
    """Counts of every tested key in every bin, zeros included (tested keys x bins)."""
    grid = ibis.memtable(pa.table({"b": pa.array(range(n_bins), pa.int64())}))
    keys = tested.select("key_kind", "key")
    full = keys.cross_join(grid)
    joined = full.left_join(counts, ["key_kind", "key", "b"])
    return joined.select(full.key_kind, full.key, full.b, c=joined.c.fill_null(0).cast("int64"))


def _robust_z(dense: ibis.Table) -> ibis.Table:
    """Robust z of each bin's sqrt count against its key's median and MAD (floored at Poisson noise)."""
    d = dense.mutate(r=dense.c.cast("float64").sqrt())
    med = d.group_by(["key_kind", "key"]).aggregate(med=d.r.median())
    d = d.join(med, ["key_kind", "key"])
    d = d.mutate(dev=(d.r - d.med).abs())
    mad = d.group_by(["key_kind", "key"]).aggregate(mad=d.dev.median())
    d = d.join(mad, ["key_kind", "key"])
    scale = ibis.greatest(d.mad * MAD_TO_SD, ibis.literal(POISSON_SQRT_SD))
    return d.mutate(z=(d.r - d.med) / scale).drop("dev")


def _merge_runs(flagged: ibis.Table, max_gap: int) -> ibis.Table:
    """Runs of burst bins per key (gaps of at most ``max_gap`` bins) as bursts: first/last bin."""
    w = ibis.window(group_by=["key_kind", "key"], order_by="b")
    prev = flagged.b.lag().over(w)
    f = flagged.mutate(new=ibis.ifelse(prev.isnull() | (flagged.b - prev > max_gap + 1), 1, 0))
    f = f.mutate(run=f.new.cumsum().over(ibis.window(group_by=["key_kind", "key"], order_by="b", rows=(None, 0))))
    runs = f.group_by(["key_kind", "key", "run"]).aggregate(b0=f.b.min(), b1=f.b.max(), peak_z=f.z.max())
    bid = ibis.row_number().over(order_by=[runs.key_kind, runs.key, runs.b0])
    return runs.mutate(bid=bid.cast("int64")).drop("run")


def _burst_posts(keyed: ibis.Table, bursts: ibis.Table) -> ibis.Table:
    j = keyed.join(bursts, ["key_kind", "key"])
    j = j.filter((j.b >= j.b0) & (j.b <= j.b1))
    return j.select("bid", "platform", "post_id", "account_id", "kind", "t", "b0")


def _with_account_facts(ws, members: ibis.Table, t0: int, width: int, new_days: int) -> ibis.Table:
    """Burst posts with: is the author new, coordinated, and is the text a near-duplicate of
    another account's post in the same burst (they share a MinHash-LSH band key of
    ``cibscan.text``: Jaccard 0.8 of 5-character shingles is caught 98% of the time, 0.5 27%)."""
    acc = ws.table("accounts").select("platform", "account_id", acc_created="created_at")
    acc = acc.mutate(acc_t=acc.acc_created.truncate("s").epoch_seconds().cast("int64")).drop("acc_created")
    m = members.left_join(acc, ["platform", "account_id"]).select(members, "acc_t")
    # new = created at most new_days before the burst's first bin (or during the burst)
    is_new = m.acc_t >= (m.b0 * width + t0 - new_days * 86400)
    m = m.mutate(is_new=is_new.fill_null(False), has_created=m.acc_t.notnull())
    coord = coordinated_accounts(ws)
    if coord is not None:
        c = coord.mutate(is_coord=ibis.literal(True))
        m = m.left_join(c, "account_id").select(m, "is_coord")
        m = m.mutate(is_coord=m.is_coord.fill_null(False))
    else:
        m = m.mutate(is_coord=ibis.null("boolean"))
    # sketches of the burst's own original posts only (sketching every post would dominate)
    posts = ws.table("posts")
    orig = m.filter(m.kind != "repost").select("bid", "platform", "post_id", "account_id")
    orig = orig.join(posts.select("platform", "post_id", "text"), ["platform", "post_id"])
    orig = orig.mutate(sk=text_sketch_udf()(orig.text.fill_null(""))).drop("text")
    keyed = orig.filter(orig.sk["keys"].length() > 0).select("bid", "post_id", "account_id", band=orig.sk["keys"].unnest())
    shared = keyed.group_by(["bid", "band"]).aggregate(n_acc=keyed.account_id.nunique())
    shared = shared.filter(shared.n_acc >= 2)
    # a copy shares most of its bands with the other copies; unrelated texts collide on a band
    # now and then, which over thousands of posts would flag everything: ask for DUP_MIN_BANDS
    hits = keyed.join(shared, ["bid", "band"]).group_by(["bid", "post_id"]).aggregate(n_bands=lambda t: t.count())
    dup_posts = hits.filter(hits.n_bands >= DUP_MIN_BANDS).select("bid", "post_id").mutate(dup=ibis.literal(True))
    sketched = orig.filter(orig.sk["keys"].length() > 0).select("bid", "post_id").distinct().mutate(has_text=ibis.literal(True))
    m = m.left_join(sketched, ["bid", "post_id"]).select(m, "has_text")
    m = m.left_join(dup_posts, ["bid", "post_id"]).select(m, "dup")
    is_orig = (m.kind != "repost") & m.has_text.fill_null(False)
    return m.mutate(
        is_orig=is_orig,
        is_dup=is_orig & m.dup.fill_null(False),
        is_repost=m.kind == "repost",
    ).drop("has_text", "dup")


def _burst_metrics(ws, m: ibis.Table, bursts: ibis.Table, scored: ibis.Table, width: int) -> ibis.Table:
    per_acc = m.group_by(["bid", "account_id"]).aggregate(n=m.count())
    rank = ibis.row_number().over(group_by="bid", order_by=[per_acc.n.desc(), per_acc.account_id])
    n_acc = per_acc.account_id.count().over(group_by="bid")
    per_acc = per_acc.mutate(rk=rank + 1, n_acc=n_acc)
    k1 = (per_acc.n_acc * 0.01).ceil()
    k10 = (per_acc.n_acc * 0.10).ceil()
    conc = per_acc.group_by("bid").aggregate(
        n_accounts=per_acc.count(),
        top1=per_acc.n.sum(where=per_acc.rk <= k1),
        top10=per_acc.n.sum(where=per_acc.rk <= k10),
    )
    comp = m.group_by("bid").aggregate(
        volume=m.count(),
        t_first=m.t.min(),
        t_last=m.t.max(),
        n_new=m.is_new.sum(),
        n_has_created=m.has_created.sum(),
        n_orig=m.is_orig.sum(),
        n_dup=m.is_dup.sum(),
        n_repost=m.is_repost.sum(),
        n_coord=m.is_coord.sum(),
    )
    # baseline: the key's mean count per bin outside the burst's own bins (posts per hour)
    s = scored.join(bursts, ["key_kind", "key"])
    outside = s.filter((s.b < s.b0) | (s.b > s.b1))
    base = outside.group_by("bid").aggregate(base_mean=outside.c.mean())
    inside = s.filter((s.b >= s.b0) & (s.b <= s.b1))
    peak = inside.group_by("bid").aggregate(peak_c=inside.c.max())
    out = bursts.join(comp, "bid").join(conc, "bid").join(peak, "bid").left_join(base, "bid")
    return out.select(
        "bid", "key", "key_kind", "b0", "b1", "peak_z", "volume", "t_first", "t_last", "n_new", "n_has_created",
        "n_orig", "n_dup", "n_repost", "n_coord", "n_accounts", "top1", "top10", "peak_c", "base_mean",
    )


def _finish_rows(rows: list[dict], width: int, t0: int, n_tests: int) -> list[dict]:
    """Shares, rates, p-values, score, confidence and reason for each burst (small: one per burst)."""
    epoch = datetime(1970, 1, 1)
    out = []
    for r in rows:
        vol = int(r["volume"])
        shares = {
            "top1_share": r["top1"] / vol,
            "top10_share": r["top10"] / vol,
            "new_account_share": (r["n_new"] / vol) if r["n_has_created"] else None,
            "dup_text_share": (r["n_dup"] / r["n_orig"]) if r["n_orig"] else None,
            "repost_share": r["n_repost"] / vol,
            "coordinated_share": None if r["n_coord"] is None else r["n_coord"] / vol,
        }
        start = epoch + timedelta(seconds=t0 + int(r["b0"]) * width)
        end = epoch + timedelta(seconds=t0 + (int(r["b1"]) + 1) * width)
        p_one = NormalDist().cdf(-float(r["peak_z"])) if r["peak_z"] < 37 else 0.0
        metrics = dict(
            shares,
            key=r["key"], key_kind=r["key_kind"], volume=vol, n_accounts=int(r["n_accounts"]),
            label=("#" + r["key"]) if r["key_kind"] == "hashtag" else f"\u201c{r['key']}\u201d",
            duration_s=(end - start).total_seconds(),
            posts_per_account=vol / int(r["n_accounts"]),
            peak_rate=float(r["peak_c"]) * 3600.0 / width,
            baseline_rate=float(r["base_mean"] or 0.0) * 3600.0 / width,
            peak_z=float(r["peak_z"]),
            p_value=min(1.0, p_one * n_tests),
        )
        score, signals = score_burst(metrics)
        n_signals = sum(1 for v in signals.values() if v >= 0.5)
        out.append(dict(
            metrics, _bid=int(r["bid"]), start=start, end=end, score=round(score, 4), signals=signals,
            confidence=confidence_for(score / SCORE_THRESHOLD, n_signals),
            reason=burst_reason(metrics, signals, score),
        ))
    return out


def _drivers(ws, m: ibis.Table, reported: list[dict], min_posts: int) -> dict[int, list[dict]]:
    """Accounts behind each reported burst: ``min_posts`` posts in it, or a near-duplicate of
    another account's text. Being new or in a coordinated cluster is reported per driver but
    does not by itself make one: an ordinary account that joined the conversation once is not
    a driver because a cluster it was put in is."""
    if not reported:
        return {}
    ids = [r["_bid"] for r in reported]
    m = m.filter(m.bid.isin(ids))
    g = m.group_by(["bid", "account_id"]).aggregate(
        n_posts=m.count(), n_dup_posts=m.is_dup.sum(), is_new=m.is_new.any(),
        is_coordinated=m.is_coord.any(), first_t=m.t.min(), last_t=m.t.max(),
    )
    g = g.filter((g.n_posts >= min_posts) | (g.n_dup_posts > 0))
    g = g.order_by(["bid", g.n_posts.desc(), "account_id"])
    out: dict[int, list[dict]] = {}
    epoch = datetime(1970, 1, 1)
    for r in g.to_pyarrow().to_pylist():
        out.setdefault(int(r["bid"]), []).append({
            "account_id": r["account_id"], "n_posts": int(r["n_posts"]), "n_dup_posts": int(r["n_dup_posts"] or 0),
            "is_new": bool(r["is_new"]), "is_coordinated": r["is_coordinated"],
            "first_at": epoch + timedelta(seconds=int(r["first_t"])), "last_at": epoch + timedelta(seconds=int(r["last_t"])),
        })
    return out


def _series(ws, scored: ibis.Table, rows: list[dict], width: int, t0: int) -> pa.Table:
    """Counts per bin (zeros included) of every key that has a burst, for timelines."""
    pairs = {(r["key_kind"], r["key"]) for r in rows}
    kt = ibis.memtable(pa.table({"key_kind": [k for k, _ in pairs], "key": [k for _, k in pairs]}))
    s = scored.join(kt, ["key_kind", "key"]).order_by(["key_kind", "key", "b"])
    t = s.select("key", "key_kind", "b", "c").to_pyarrow()
    bin_start = pa.compute.add(pa.compute.multiply(t["b"], width), t0)
    starts = pa.compute.cast(pa.compute.multiply(bin_start, 1_000_000), pa.timestamp("us"))
    return pa.table({
        "key": t["key"], "key_kind": t["key_kind"], "bin_start": starts,
        "bin_seconds": pa.array([width] * t.num_rows, pa.int64()), "count": t["c"],
    }, schema=SERIES_SCHEMA)


def _finding(r: dict, drivers: list[dict], p: dict) -> Finding:
    ev = [Evidence(
        "burst",
        f"{r['volume']:,} posts on {r['label']} between {r['start']:%Y-%m-%d %H:%M} and {r['end']:%Y-%m-%d %H:%M} UTC; "
        f"peak {r['peak_rate']:.0f} posts/h against a baseline of {r['baseline_rate']:.2f} posts/h "
        f"(robust z {r['peak_z']:.1f}, Bonferroni p {r['p_value']:.2g})",
        target=r["key"], at=r["start"],
        values={k: r[k] for k in ("volume", "peak_rate", "baseline_rate", "peak_z", "p_value")},
    )]
    top = drivers[:20]
    if top:
        ev.append(Evidence(
            "drivers",
            f"{len(drivers):,} accounts drove it; the most active posted "
            + ", ".join(str(d["n_posts"]) for d in top[:5]) + " times",
            accounts=tuple(d["account_id"] for d in top), target=r["key"],
            values={"n_drivers": len(drivers)},
        ))
    for m in ("dup_text_share", "new_account_share", "coordinated_share", "top10_share"):
        if r.get(m) is not None and r["signals"].get(m, 1.0) > 0:
            ev.append(Evidence(m.replace("_", " "), _SIGNAL_PHRASES.get(m, lambda x: f"{_pct(x[m])} of volume")(r),
                               target=r["key"], values={m: r[m]}))
    metrics = {k: r[k] for k in _BURST_COLUMNS if k not in ("burst_id", "reason", "score", "confidence", "start", "end")}
    metrics["start"], metrics["end"] = r["start"].isoformat(), r["end"].isoformat()
    return Finding(
        detector="floods", kind="burst", id=r["burst_id"],
        title=f"Burst of {r['label']} ({r['start']:%Y-%m-%d})",
        summary=r["reason"], accounts=tuple(d["account_id"] for d in drivers),
        score=float(r["score"]), confidence=r["confidence"], evidence=tuple(ev),
        metrics=metrics, params=p, roles={d["account_id"]: "driver" for d in drivers},
    )


def detect(ws, **params) -> "Findings":  # noqa: F821
    """Function form: ``FloodsDetector(**params).detect(ws)``."""
    return FloodsDetector(**params).detect(ws)
