"""Narrative alignment: which of an account's posts carry a campaign's lines, and whether they
fall in the campaign's active windows more than the account's own rhythm explains.

A *campaign* is defined by behaviour only: a set of accounts (a coordination cluster, the
drivers of a flood burst, or accounts an analyst names) and, optionally, the posts that are
theirs (a burst's posts, analyst-named posts). Its *narrative* is the set of trace keys
(``cibscan.traces``: near-duplicate text band keys, links, domains, hashtags, hashtag
sequences) that at least ``min_key_accounts`` of its accounts used and that are specific to it
(its accounts make up at least ``min_key_concentration`` of everyone who used the key), plus
its own posts as repost targets. Nothing here knows a topic, party or side.

The timing test (``timing_test``) is a permutation test over the account's own post times:
under the null hypothesis the account's aligned posts are a random subset of its posts, so
their times carry the account's rhythm (time of day, active days) but no link to the
campaign. The statistic is the number of aligned posts inside the campaign's active windows;
its exact permutation distribution is hypergeometric, which is what is computed by default (a
seeded Monte Carlo version is available and agrees with it).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np

__all__ = [
    "NARRATIVE_KINDS",
    "active_bins",
    "timing_test",
    "benjamini_hochberg",
]

#: trace kinds that carry a narrative (reposts of the campaign's own posts are added apart)
NARRATIVE_KINDS = ("text", "link", "domain", "hashtag", "hashtag_seq")


def active_bins(times: Iterable[int], bin_seconds: int = 3600, min_posts: int = 1, pad: int = 0) -> np.ndarray:
    """The campaign's active windows as sorted bin numbers (``epoch // bin_seconds``).

    A bin is active when at least ``min_posts`` campaign posts fall in it; ``pad`` extends
    every active bin by that many bins on each side (campaign lines repeated a little later).

    >>> active_bins([0, 10, 7200, 7300, 90000], bin_seconds=3600, min_posts=2).tolist()
    [0, 2]
    >>> active_bins([7200], pad=1).tolist()
    [1, 2, 3]
    """
    t = np.asarray(list(times), dtype=np.int64)
    if not len(t):
        return np.empty(0, dtype=np.int64)
    bins, counts = np.unique(t // bin_seconds, return_counts=True)
    bins = bins[counts >= min_posts]
    if pad and len(bins):
        bins = np.unique((bins[:, None] + np.arange(-pad, pad + 1)[None, :]).ravel())
    return bins


def _hypergeom_sf(k: int, n_total: int, n_marked: int, n_drawn: int) -> float:
    """P(X >= k) for X the marked items among ``n_drawn`` drawn without replacement."""
    if k <= 0:
        return 1.0
    from scipy.stats import hypergeom

    return float(hypergeom.sf(k - 1, n_total, n_marked, n_drawn))


def timing_test(
    times: np.ndarray,
    aligned: np.ndarray,
    windows: np.ndarray,
    *,
    bin_seconds: int = 3600,
    n_permutations: int = 0,
    seed: int = 0,
    label: str = "",
) -> dict:
    """Do an account's aligned posts fall in the campaign's windows more than its own rhythm explains?

    Parameters
    ----------
    times : array of int
        Epoch seconds of all the account's posts (its timeline).
    aligned : array of bool
        Which of those posts carry the campaign's narrative.
    windows : array of int
        Active bins of the campaign (``active_bins``).
    bin_seconds : int
        Width of a bin.
    n_permutations : int
        0 (default): the exact permutation p-value (hypergeometric tail: every choice of
        ``k`` of the account's ``n`` post times as the aligned ones is equally likely under the
        null). Above 0: that many seeded random relabelings, p = (1 + #{stat >= observed}) /
        (1 + n_permutations).
    seed, label : int, str
        Seed of the Monte Carlo relabelings (mixed with ``label``, e.g. the account id, so each
        account gets its own stream and results do not depend on the order accounts are tested).

    Returns
    -------
    dict
        ``n_posts``, ``n_aligned``, ``n_in_window`` (aligned posts in a window),
        ``n_posts_in_window`` (all posts in a window), ``expected_in_window`` (under the null),
        ``lift`` (observed / expected) and ``p_value``.
    """
    times = np.asarray(times, dtype=np.int64)
    aligned = np.asarray(aligned, dtype=bool)
    inside = np.isin(times // bin_seconds, windows)
    n, k = len(times), int(aligned.sum())
    obs = int(inside[aligned].sum())
    w = int(inside.sum())
    expected = k * w / n if n else 0.0
    if n_permutations <= 0:
        p = _hypergeom_sf(obs, n, w, k)
    else:
        rng = np.random.default_rng([int(seed), zlib.crc32(label.encode("utf-8"))])
        draws = rng.random((n_permutations, n)).argsort(axis=1)[:, :k]
        stats = inside[draws].sum(axis=1)
        p = float((1 + int((stats >= obs).sum())) / (1 + n_permutations))
    return {
        "n_posts": n, "n_aligned": k, "n_in_window": obs, "n_posts_in_window": w,
        "expected_in_window": float(expected), "lift": float(obs / expected) if expected > 0 else float("inf") if obs else 0.0,
        "p_value": float(p),
    }


def benjamini_hochberg(p_values: Iterable[float]) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), in the input order.

    >>> benjamini_hochberg([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    p = np.asarray(list(p_values), dtype=float)
    m = len(p)
    if not m:
        return p
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q, 1.0)
    return out
