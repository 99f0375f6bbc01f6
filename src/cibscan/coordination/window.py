"""A data-driven co-action window, after CooRnet's ``estimate_coord_interval``.

CooRnet (Giglietto, Righetti, Rossi & Marino 2020, "It takes a village to manipulate the
media", *Information, Communication & Society*) estimates the "coordination interval" from the
quickest-spreading URLs: among URLs shared at least twice, take the ``q`` share (default 10%)
whose *second* share came quickest after the first; for each of them, the time from the first
share until more than ``p`` (default 50%) of its shares were made; the interval is the
``p``-quantile of those times (the median for ``p = 0.5``), and 1 second when that is 0.

``estimate_windows`` does the same for any trace kind, on keys that at least two accounts used
(the ones that can produce co-actions), with quantiles computed like R's default
(linear interpolation).
"""

from __future__ import annotations

import math

import ibis

__all__ = ["estimate_windows"]


def estimate_windows(tr: ibis.Table, kinds, *, q: float = 0.1, p: float = 0.5) -> dict[str, int | None]:
    """CooRnet's coordination interval per kind (seconds; ``None`` when a kind has fewer than
    two keys shared twice). ``tr`` has ``kind, key, at`` (e.g. ``prepare_traces`` output)."""
    t = tr.select("kind", "key", "at")
    w = ibis.window(group_by=["kind", "key"], order_by=["at"])
    ranked = t.mutate(
        rank=ibis.row_number().over(w) + 1,
        n=t.count().over(ibis.window(group_by=["kind", "key"])),
        first=t.at.min().over(ibis.window(group_by=["kind", "key"])),
    )
    ranked = ranked.filter(ranked.n >= 2).mutate(since=ranked.at - ranked.first)
    second = ranked.filter(ranked.rank == 2).select("kind", "key", second=ranked.since)
    cut = second.group_by("kind").aggregate(cut=second.second.quantile(q))
    quick = second.join(cut, "kind").filter(lambda s: s.second <= s.cut).select("kind", "key")
    reach = ranked.semi_join(quick, ["kind", "key"])
    reach = reach.filter(reach.rank.cast("float64") / reach.n > p)
    per_key = reach.group_by(["kind", "key"]).aggregate(reach=reach.since.min())
    est = per_key.group_by("kind").aggregate(interval=per_key.reach.quantile(p), keys=per_key.count()).to_pandas()
    out: dict[str, int | None] = {k: None for k in kinds}
    for row in est.itertuples():
        if row.kind in out and row.keys >= 2 and row.interval is not None and not math.isnan(row.interval):
            out[row.kind] = max(1, int(math.ceil(float(row.interval))))
    return out
