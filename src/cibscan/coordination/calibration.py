"""Calibration: how many co-action edges would chance alone produce, and where to cut.

Thresholds are not magic numbers. The engine runs again on the same traces with the post times
shuffled: a seeded permutation of the times of all posts *within strata* of at least
``stratum_s`` seconds (one hour by default) and at least ``stratum_posts`` posts (1,000 by
default; consecutive hours are merged until a stratum holds that many). Every
account keeps its targets and its activity level, every stratum keeps its volume (a trending
hour stays busy), but who acted at the same second as whom is random. The pairs that still
co-act are what chance produces in this very data.

A pair's statistic is ``n_occasions``, the number of distinct (target, time window) occasions
on which the two accounts co-acted (see ``engine``). The threshold of a kind is the smallest
``n >= min_occasions`` at which the expected number of chance edges (the mean over
``permutations`` shuffled copies) is at most ``max_chance_share`` of the observed edges with at
least ``n`` occasions; ``chance_share`` reports that ratio.

Why this null: shuffling whole timelines would also erase trending bursts and make organic
co-activity look rarer than it is; relabelling accounts within a target would keep a small
campaign's synchrony (its target is only used within its window). Within a stratum the
seconds-level synchrony of a campaign is destroyed while the stratum's busyness is kept; the
minimum of posts per stratum keeps a campaign from being most of its own stratum in small data.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import pandas as pd

from ..engines.portable import hash64
from .engine import coaction_rows, pair_items, pair_stats

__all__ = [
    "DEFAULT_STRATUM",
    "DEFAULT_STRATUM_POSTS",
    "Threshold",
    "strata",
    "shuffled_traces",
    "occasion_histogram",
    "null_histogram",
    "choose_threshold",
]

DEFAULT_STRATUM = 3600
DEFAULT_STRATUM_POSTS = 1000


def strata(posts: ibis.Table, stratum_s: int = DEFAULT_STRATUM, stratum_posts: int = DEFAULT_STRATUM_POSTS) -> ibis.Table:
    """``slot, stratum`` for post times: ``slot = at // stratum_s``; consecutive slots are
    merged into one stratum until it holds at least ``stratum_posts`` posts."""
    p = posts.mutate(slot=posts.at // stratum_s)
    per_slot = p.group_by("slot").aggregate(n=p.count())
    before = per_slot.n.sum().over(ibis.cumulative_window(order_by="slot")) - per_slot.n
    return per_slot.select("slot", stratum=(before // max(int(stratum_posts), 1)))


def shuffled_traces(tr: ibis.Table, seed: int, stratum_s: int = DEFAULT_STRATUM, *,
                    posts: ibis.Table | None = None, stratum_posts: int = DEFAULT_STRATUM_POSTS) -> ibis.Table:
    """``tr`` with post times permuted within strata.

    ``posts`` (``post_id, at``; default: the posts of ``tr``) is the population whose times
    are permuted: pass every post, not only those on shareable targets, so that the strata hold
    the real volume and a campaign's posts draw their new times from everybody's. Times move
    with posts (all traces of a post, of every kind, keep one time). The permutation is a
    seeded hash order: reproducible, and the same on any engine."""
    population = (posts if posts is not None else tr).select("post_id", "at").distinct()
    st = strata(population, stratum_s, stratum_posts)
    p = population.mutate(slot=population.at // stratum_s).join(st, "slot")
    p = p.mutate(shuffle=hash64(p.post_id + ibis.literal(f"\x1f{seed}")))
    by_time = p.mutate(rank=ibis.row_number().over(group_by="stratum", order_by=["at", "post_id"]))
    by_hash = p.mutate(rank=ibis.row_number().over(group_by="stratum", order_by=["shuffle", "post_id"]))
    new_time = by_hash.select("post_id", "stratum", "rank").join(by_time.select("stratum", "rank", new_at="at"), ["stratum", "rank"])
    out = tr.join(new_time.select("post_id", "new_at"), "post_id")
    return out.select("kind", "key", "item", "aid", "post_id", at=out.new_at)


def occasion_histogram(stats: ibis.Table) -> pd.DataFrame:
    """How many pairs co-acted on exactly ``n`` occasions, per kind (``kind, n, edges``)."""
    h = stats.group_by(["kind", stats.n_occasions.name("n")]).aggregate(edges=stats.count())
    return h.to_pandas()


def null_histogram(tr: ibis.Table, windows, *, permutations: int = 1, seed: int = 0, stratum_s: int = DEFAULT_STRATUM,
                   stratum_posts: int = DEFAULT_STRATUM_POSTS, posts: ibis.Table | None = None, origin: int = 0,
                   progress=None) -> pd.DataFrame:
    """Mean ``occasion_histogram`` over ``permutations`` time-shuffled copies of ``tr``."""
    frames = []
    for i in range(permutations):
        if progress:
            progress(f"coordination: chance estimate {i + 1}/{permutations}")
        null = shuffled_traces(tr, seed + 7919 * i, stratum_s, posts=posts, stratum_posts=stratum_posts)
        frames.append(occasion_histogram(pair_stats(pair_items(coaction_rows(null, windows, origin)))))
    if not frames:
        return pd.DataFrame({"kind": [], "n": [], "edges": []})
    h = pd.concat(frames).groupby(["kind", "n"], as_index=False)["edges"].sum()
    h["edges"] = h["edges"] / permutations
    return h


@dataclass(frozen=True)
class Threshold:
    """The calibrated cut for one kind (on ``n_occasions``)."""

    kind: str
    window_s: int
    threshold: int
    n_edges: int  # observed pairs with n_occasions >= threshold
    expected_chance_edges: float  # mean over permutations of null pairs with n_occasions >= threshold
    chance_share: float  # expected_chance_edges / n_edges (0 when there are no edges)
    pairs_any: int  # observed pairs that co-acted at least once
    calibrated: bool  # False when no permutation was run (threshold = min_occasions)


def _tail(hist: pd.DataFrame, kind: str) -> pd.Series:
    """Edges with at least n occasions, indexed by n."""
    h = hist[hist["kind"] == kind].groupby("n")["edges"].sum().sort_index()
    return h[::-1].cumsum()[::-1]


def _at_least(tail: pd.Series, n: int) -> float:
    above = tail[tail.index >= n]
    return float(above.iloc[0]) if len(above) else 0.0


def choose_threshold(kind: str, window_s: int, observed: pd.DataFrame, null: pd.DataFrame | None, *,
                     min_occasions: int = 2, max_chance_share: float = 0.05) -> Threshold:
    """The smallest ``n >= min_occasions`` whose expected chance share is at most
    ``max_chance_share``. Without a null (``null is None``) the threshold is ``min_occasions``.
    When no ``n`` qualifies, the threshold is one above the largest observed count (no edge)."""
    obs = _tail(observed, kind)
    pairs_any = int(obs.iloc[0]) if len(obs) else 0
    if null is None:
        return Threshold(kind, window_s, min_occasions, int(_at_least(obs, min_occasions)), 0.0, 0.0, pairs_any, False)
    nul = _tail(null, kind)
    top = int(obs.index.max()) if len(obs) else min_occasions
    for n in range(min_occasions, max(top, min_occasions) + 1):
        o, c = _at_least(obs, n), _at_least(nul, n)
        if o == 0:
            return Threshold(kind, window_s, n, 0, c, 0.0, pairs_any, True)
        if c / o <= max_chance_share:
            return Threshold(kind, window_s, n, int(o), c, c / o, pairs_any, True)
    return Threshold(kind, window_s, top + 1, 0, 0.0, 0.0, pairs_any, True)
