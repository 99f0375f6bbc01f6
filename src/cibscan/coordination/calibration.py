"""Calibration: is a pair more synchronous than chance, and by how much?

Thresholds are not magic numbers. Each candidate pair (two accounts that co-acted on at least
``min_occasions`` occasions) is tested against a null model of the *same* data in which every
post is moved by an independent random offset, uniform in ``[-J/2, +J/2]`` with ``J`` the
kind's *jitter* (``jitter`` times its window, five windows by default). This is the
"dithering" or "jitter" null of spike-train synchrony analysis (Date, Bienenstock & Geman 1998;
Amarasingham et al. 2012, "Conditional modeling and the jitter method of spike resampling",
*J. Neurophysiology* 107:517): it keeps everything slower than ``J`` (what each account shares,
how much, when in the day, how a story spreads over the following minutes and hours) and
destroys only synchrony finer than ``J``. Fans who all repost their idol within a few minutes
stay explained by chance; accounts that repost within seconds of each other, time after time,
do not.

The null is computed exactly, not sampled. Two posts ``g`` seconds apart co-act (``|gap| <=
W``) after jittering with probability ``F(W - g) - F(-W - g)``, ``F`` the distribution of the
difference of two uniform offsets (triangular on ``[-J, J]``). For a pair the units are the
posts of its less active member on targets both used that have a post of the other within
``J + W`` (none further can co-act under the null): a unit *hits* when some post of the other
is within ``W``; under the null it hits with probability ``1 - prod(1 - p)``. Summing gives the
observed hits ``O``, expected hits ``E`` and units ``N`` of the pair, and:

* ``p_value``: upper tail of a binomial with ``N`` trials and mean ``E`` (conservative for the
  sum of unequal Bernoulli trials, Hoeffding 1956);
* ``excess``: ``(O - E) / (N - E)``, the share of the pair's units that are synchronous beyond
  chance (Cohen's kappa of the pair's agreement; 1 = always together, 0 = as chance).

Per kind, candidate pairs are kept when the Benjamini-Hochberg procedure at level
``max_chance_share`` accepts their p-value (so the expected share of chance edges among the
kept ones is at most that) and their excess is at least ``min_excess`` (the pair is
synchronous on most of what it shares, not merely more than chance: fans are a bit more
synchronous than chance on many targets; a bot group is synchronous on nearly all).

Most candidates of a large scenario are fans that co-acted two or three times, and their test
cannot succeed: a unit that hits has a partner within ``W``, so its null probability is at
least ``h``, that of a gap of exactly ``W`` (0.32 with the default jitter), and a pair with
``c`` co-actions has a p-value of at least ``h ** c`` (``p_value_floor``). Such pairs are
counted among the tests (Benjamini-Hochberg's ``m``) but not computed (``coaction_floor``);
the edges and cutoffs are the same as when every candidate is computed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from .engine import coaction_rows, per_kind_table

__all__ = ["DEFAULT_JITTER", "DEFAULT_MIN_EXCESS", "CONTENT_KINDS", "Threshold", "null_probability", "synchrony_units",
           "popularity_units", "synchrony_tests", "benjamini_hochberg", "choose_edges", "p_value_floor", "coaction_floor", "worth_testing"]

#: jitter of the null model as a multiple of the kind's window
DEFAULT_JITTER = 5.0
#: smallest share of a pair's units synchronous beyond chance (Cohen's kappa)
DEFAULT_MIN_EXCESS = 0.7
#: kinds whose signal is *what* is shared rather than *when*: tested with the popularity null
CONTENT_KINDS = ("text",)


def _tri_cdf(x, jitter):
    """CDF of the difference of two independent uniform offsets on [-J/2, J/2] (an Ibis
    expression): triangular on [-J, J]."""
    j = jitter
    x = x.clip(-j, j)
    return ibis.ifelse(x <= 0, (x + j) ** 2 / (2 * j * j), 1 - (j - x) ** 2 / (2 * j * j))


def null_probability(gap, window, jitter):
    """Probability that two posts ``gap`` seconds apart are at most ``window`` apart after each
    is moved by an independent uniform offset in ``[-jitter/2, jitter/2]`` (Ibis expressions
    or numbers)."""
    if isinstance(gap, (int, float)):
        gap, window, jitter = ibis.literal(float(gap)), ibis.literal(float(window)), ibis.literal(float(jitter))
    return _tri_cdf(window - gap, jitter) - _tri_cdf(-window - gap, jitter)


def p_value_floor(n_coactions, window: float, jitter: float) -> np.ndarray:
    """The smallest p-value (``synchrony_tests``) a pair with ``n_coactions`` co-actions can
    get under the jitter null of ``window`` and ``jitter`` seconds, whatever its units.

    A unit that hits has a partner at most ``window`` away, so its null probability is at
    least ``h = null_probability(window, window, jitter)`` (the triangular density is
    unimodal); a pair has at most ``c = n_coactions`` hits (each hit needs its own co-action),
    so ``O <= c`` and ``E >= h O``. Its p-value, the binomial upper tail ``P(Bin(N, E/N) >=
    O)``, is then at least ``min(h ** O, P(Poisson(h O) >= O))`` minimised over ``O <= c``:
    for ``O >= 1 / (1 - h)`` the tail at fixed mean grows with ``N`` from its value ``h ** O``
    at ``N = O`` towards the Poisson tail (Anderson & Samuels 1967, "Some inequalities among
    binomial and Poisson probabilities", *Proc. Fifth Berkeley Symp.* 1:1-12), and the Poisson
    tail covers the smaller ``O``."""
    from scipy.stats import poisson

    c = np.asarray(n_coactions, dtype=np.int64)
    w, j = float(window), float(jitter)

    def tri(x):
        x = min(max(x, -j), j)
        return (x + j) ** 2 / (2 * j * j) if x <= 0 else 1 - (j - x) ** 2 / (2 * j * j)

    h = min(max(tri(0.0) - tri(-2 * w), 0.0), 1.0)
    top = int(c.max(initial=1))
    o = np.arange(1, top + 1)
    per_o = np.minimum(h ** o, poisson.sf(o - 1, h * o))
    floor = np.minimum.accumulate(per_o)  # over every O <= c
    return np.where(c >= 1, floor[np.clip(c, 1, top) - 1], 1.0)


def coaction_floor(counts: pd.DataFrame, window: float, jitter: float, q: float) -> int | None:
    """The fewest co-actions a pair of one timing kind needs for Benjamini-Hochberg at level
    ``q`` to possibly keep it (``None``: no candidate can be kept). ``counts``: ``n_coactions,
    n`` (candidate pairs with that many co-actions).

    BH keeps ``k`` pairs whose p-values are at most ``q k / m`` (``m``: all candidates), so
    every kept pair has ``p_value_floor <= q k / m`` and ``k`` is at most the number of pairs
    that satisfy it; starting from ``k <= m`` this bound is tightened until it stops moving.
    Pairs below the returned count need no test: BH on the others, with ``m`` unchanged, sets
    the same cutoff (every skipped p-value lies above it)."""
    if counts.empty:
        return None
    c = counts["n_coactions"].to_numpy(dtype=np.int64)
    n = counts["n"].to_numpy(dtype=np.int64)
    floor = p_value_floor(c, window, jitter)
    m = int(n.sum())
    bound = q
    while True:
        ok = floor <= bound * (1 + 1e-9)
        k = int(n[ok].sum())
        if not k:
            return None
        new = q * k / m
        if new >= bound:
            return int(c[ok].min())
        bound = new


def worth_testing(candidates: ibis.Table, windows: Mapping[str, int], jitters: Mapping[str, float],
                  q: float) -> tuple[ibis.Table, int]:
    """``(tested, skipped)``: the timing-kind ``candidates`` (with ``n_coactions``) whose test
    could pass Benjamini-Hochberg at level ``q`` (``coaction_floor`` per kind), and how many
    were left out. Only a small table (per kind and co-action count) comes back to Python."""
    counts = candidates.group_by(["kind", "n_coactions"]).aggregate(n=candidates.count()).to_pandas()
    floors, skipped = {}, 0
    for k, g in counts.groupby("kind"):
        f = coaction_floor(g, windows[k], jitters[k], q)
        skipped += int(g.loc[g["n_coactions"] < (f if f is not None else np.inf), "n"].sum())
        if f is not None:
            floors[k] = f
    tested = candidates.join(per_kind_table(floors, "floor"), "kind")
    return tested.filter(tested.n_coactions >= tested.floor).drop("floor"), skipped


#: kinds of which a post leaves at most one trace (a repost has one original, a reply one parent)
SINGLE_KEY_KINDS = ("repost", "reply", "hashtag_seq")


def synchrony_units(tr: ibis.Table, candidates: ibis.Table, windows: Mapping[str, int], jitters: Mapping[str, float],
                    origin: int = 0) -> ibis.Table:
    """Per candidate pair (``candidates``: ``kind, a, b``): ``units, hits, expected`` for each
    direction (``_a``: units are posts of ``a``; ``_b``: of ``b``).

    Keys of ``SINGLE_KEY_KINDS`` on which no candidate account posted twice (nearly every
    repost) take a short cut: each co-action row is then the only partner of both its posts,
    so a row is one unit on each side, hitting when within the window, with null probability
    ``p``, and rows are summed per pair directly. Other keys go through the general path (one
    row per pair of posts, then per post). Both give the same numbers; the short cut keeps the
    millions of fan pairs of a 10M-post scenario in memory."""
    wide = {k: int(windows[k] + np.ceil(jitters[k])) for k in windows}
    # a pair's units are its two accounts' traces of the pair's kind only
    accounts = candidates.select("kind", aid="a").union(candidates.select("kind", aid="b")).distinct()
    sub = tr.semi_join(accounts, ["kind", "aid"])
    params = ibis.memtable(pd.DataFrame({"kind": list(windows), "w": [float(windows[k]) for k in windows],
                                         "j": [float(jitters[k]) for k in windows]}))
    per = sub.group_by(["kind", "key", "aid"]).aggregate(n=sub.count())
    repeated = per.filter(per.n > 1).select("kind", "key").distinct()
    single = sub.filter(sub.kind.isin(SINGLE_KEY_KINDS))
    fast = single.anti_join(repeated, ["kind", "key"])
    rest = sub.filter(~sub.kind.isin(SINGLE_KEY_KINDS)).union(single.semi_join(repeated, ["kind", "key"]), distinct=False)

    co = _candidate_rows(fast, candidates, wide, origin).join(params, "kind")
    co = co.mutate(p=null_probability(co.gap.cast("float64"), co.w, co.j).clip(0.0, 1.0), hit=(co.gap <= co.w).cast("int64"))
    quick = co.group_by(["kind", "a", "b"]).aggregate(units=co.count(), hits=co.hit.sum(), expected=co.p.sum())
    quick = quick.select("kind", "a", "b", units_a="units", hits_a="hits", expected_a="expected",
                         units_b="units", hits_b="hits", expected_b="expected")

    co = _candidate_rows(rest, candidates, wide, origin)
    # one row per pair of posts (a tag pair matches on several tags, a link pair on several links)
    co = co.group_by(["kind", "a", "b", "post_a", "post_b"]).aggregate(gap=co.gap.min())
    general = _side_units(co, params, ("post_a",), ("post_b",))
    both = quick.union(general.select(*quick.columns), distinct=False)
    return both.group_by(["kind", "a", "b"]).aggregate(**{
        c: both[c].sum() for c in quick.columns if c not in ("kind", "a", "b")
    })


def _candidate_rows(sub: ibis.Table, candidates: ibis.Table, wide: Mapping[str, int], origin: int) -> ibis.Table:
    """Co-actions within the ``wide`` windows of candidate pairs: ``kind, a, b, gap, post_a,
    post_b`` (``post_a``: the post of account ``a``)."""
    co = coaction_rows(sub, wide, origin)
    co = co.mutate(a=ibis.least(co.aid_l, co.aid_r), b=ibis.greatest(co.aid_l, co.aid_r))
    co = co.semi_join(candidates, ["kind", "a", "b"])
    a_left = co.aid_l < co.aid_r
    return co.select("kind", "a", "b", "gap",
                     post_a=ibis.ifelse(a_left, co.post_l, co.post_r), post_b=ibis.ifelse(a_left, co.post_r, co.post_l))


def _side_units(co: ibis.Table, params: ibis.Table, unit_a, unit_b) -> ibis.Table:
    """``units, hits, expected`` per side from one row per pair of posts (``gap``); a post of
    ``a`` is identified by the columns ``unit_a``, one of ``b`` by ``unit_b``."""
    co = co.join(params, "kind")
    co = co.mutate(p=null_probability(co.gap.cast("float64"), co.w, co.j), hit=(co.gap <= co.w).cast("int64"))
    out = None
    for side, unit in (("a", unit_a), ("b", unit_b)):
        # a unit hits under the null unless no partner post lands within the window: 1 - prod(1 - p)
        u = co.group_by(["kind", "a", "b", *unit]).aggregate(hit=co.hit.max(), s=(1 - co.p.clip(0.0, 1 - 1e-12)).ln().sum())
        u = u.group_by(["kind", "a", "b"]).aggregate(**{
            f"units_{side}": u.count(), f"hits_{side}": u.hit.sum(), f"expected_{side}": (1 - u.s.exp()).sum(),
        })
        out = u if out is None else out.join(u, ["kind", "a", "b"])
    return out


def popularity_units(traces_indexed: ibis.Table, stats: ibis.Table, candidates: ibis.Table) -> ibis.Table:
    """The content null for candidate pairs (``candidates``: ``kind, a, b, n_shared``), over
    *shared* targets (those at least two accounts used): if every account kept how many shared
    targets it used but chose them in proportion to the targets' popularity, account ``b``
    would use a given shared target of ``a`` with probability ``min(1, k_b (deg - 1) / (D -
    k_a))`` (``deg``: accounts using the target, ``k``: shared targets of an account, ``D``: all
    account-target uses of shared targets). Units are ``a``'s shared targets (``_a``) or
    ``b``'s (``_b``); hits are the targets they shared within the window (``n_shared``). This is the co-occurrence null of statistically validated projections of
    bipartite networks (Tumminello et al. 2011, *PLoS ONE* 6:e17994) with popularity weights."""
    uses = traces_indexed.semi_join(candidates.select("kind").distinct(), "kind").select("kind", "aid", "key").distinct()
    # only targets someone else also used: an account that writes much of its own is not
    # thereby less likely to copy, and one that copies memes is not a random writer
    uses = uses.join(stats.filter(stats.n_accounts >= 2).select("kind", "key", deg="n_accounts"), ["kind", "key"])
    k = uses.group_by(["kind", "aid"]).aggregate(k=uses.count())
    d = uses.group_by("kind").aggregate(total=uses.count())
    out = None
    for side, other in (("a", "b"), ("b", "a")):
        u = candidates.select("kind", "a", "b", "n_shared").join(uses.select("kind", "key", "deg", **{side: "aid"}), ["kind", side])
        u = u.join(k.select("kind", **{other: "aid", "k_other": "k"}), ["kind", other])
        u = u.join(k.select("kind", **{side: "aid", "k_self": "k"}), ["kind", side]).join(d, "kind")
        p = (u.k_other.cast("float64") * (u.deg - 1) / (u.total - u.k_self).cast("float64")).clip(0.0, 1.0)
        u = u.mutate(p=p)
        u = u.group_by(["kind", "a", "b"]).aggregate(**{
            f"units_{side}": u.count(), f"hits_{side}": u.n_shared.max(), f"expected_{side}": u.p.sum(),
        })
        out = u if out is None else out.join(u, ["kind", "a", "b"])
    return out


def synchrony_tests(units: pd.DataFrame) -> pd.DataFrame:
    """``units`` (from ``synchrony_units``) with the less active side's ``units, hits,
    expected`` and the pair's ``p_value`` and ``excess``."""
    if units.empty:
        return units.assign(units=[], hits=[], expected=[], p_value=[], excess=[])
    from scipy.stats import binom

    use_a = units["units_a"] <= units["units_b"]
    n = np.where(use_a, units["units_a"], units["units_b"]).astype(np.int64)
    o = np.where(use_a, units["hits_a"], units["hits_b"]).astype(np.int64)
    e = np.minimum(np.where(use_a, units["expected_a"], units["expected_b"]).astype(float), n)
    prob = np.clip(e / np.maximum(n, 1), 1e-12, 1 - 1e-12)
    p_value = binom.sf(o - 1, n, prob)
    excess = np.where(n - e > 1e-9, (o - e) / np.maximum(n - e, 1e-9), 0.0)
    return units.assign(units=n, hits=o, expected=e, p_value=p_value, excess=excess)


def benjamini_hochberg(p: np.ndarray, q: float, m: int | None = None) -> float:
    """The Benjamini-Hochberg cutoff: the largest ``p_(i)`` with ``p_(i) <= q i / m`` (0 when
    none); keeping every p-value at or below it bounds the expected share of false
    discoveries by ``q`` (Benjamini & Hochberg 1995). ``m`` (default: ``len(p)``) counts the
    tests, those whose p-values were not computed because they could not pass included."""
    p = np.sort(np.asarray(p, dtype=float))
    m = len(p) if m is None else max(int(m), len(p))
    if not m:
        return 0.0
    ok = p <= q * np.arange(1, len(p) + 1) / m  # untested p-values lie above every tested one
    return float(p[np.flatnonzero(ok)[-1]]) if ok.any() else 0.0


@dataclass(frozen=True)
class Threshold:
    """What calibration decided for one kind."""

    kind: str
    window_s: int
    jitter_s: float
    threshold: int  # smallest n_occasions among kept edges (min_occasions when none)
    p_cutoff: float  # Benjamini-Hochberg cutoff on the pairs' p-values
    n_candidates: int  # pairs with at least min_occasions occasions (the tests)
    n_edges: int  # kept pairs
    expected_chance_edges: float  # BH estimate of chance edges among the kept
    chance_share: float  # expected_chance_edges / n_edges (at most max_chance_share)
    pairs_any: int  # pairs that co-acted at least once
    min_excess: float


def choose_edges(kind: str, window_s: int, jitter_s: float, tests: pd.DataFrame, *, pairs_any: int, min_occasions: int,
                 max_chance_share: float, min_excess: float, n_candidates: int | None = None) -> tuple[pd.Series, Threshold]:
    """Which of a kind's tested pairs are edges (a boolean mask over ``tests``) and the
    kind's ``Threshold``. ``min_excess`` does not apply to ``CONTENT_KINDS`` (their units are
    everything an account wrote, cover posts included, so the share is not a synchrony).
    ``n_candidates`` (default: ``len(tests)``) counts every candidate, those left untested
    because they could not pass (``coaction_floor``) included."""
    if kind in CONTENT_KINDS:
        min_excess = 0.0
    t = tests
    m = len(t) if n_candidates is None else max(int(n_candidates), len(t))
    if len(t):
        cut = benjamini_hochberg(t["p_value"].to_numpy(), max_chance_share, m)
        significant = (t["p_value"] <= cut) if cut > 0 else pd.Series(False, index=t.index)
        keep = significant & (t["excess"] >= min_excess)
    else:
        cut, significant, keep = 0.0, pd.Series(dtype=bool), pd.Series(dtype=bool)
    n_sig, n_edges = int(significant.sum()), int(keep.sum())
    # BH: about m * cut of the n_sig significant pairs are chance; the excess filter keeps
    # n_edges of them and is assumed not to favour chance pairs (it disfavours them)
    share = m * cut / n_sig if n_sig else 0.0
    threshold = int(t.loc[keep, "n_occasions"].min()) if n_edges else min_occasions
    return keep, Threshold(kind, int(window_s), float(jitter_s), threshold, cut, m, n_edges, share * n_edges,
                           share if n_edges else 0.0, int(pairs_any), float(min_excess))
