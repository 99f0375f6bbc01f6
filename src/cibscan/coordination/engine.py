"""The co-action engine: pairs of accounts that leave the same key within a time window.

Written once as Ibis expressions (DuckDB by default; the same code runs on PySpark). What a
spike on 10M posts measured (see DESIGN.md, "Engine rule") shapes it:

* **Bucketed equi-join.** With ``W`` the window of a kind, a trace at second ``t`` falls in
  bucket ``(t - origin) // W``; two traces at most ``W`` apart are in the same or adjacent
  buckets. The right side is emitted for its bucket ``b`` and again for ``b - 1``, joined on
  ``(kind, key, bucket)``, and only pairs with ``0 <= t_right - t_left <= W`` and the later
  trace on the right are kept. Each pair of traces appears exactly once; no inequality join
  (which compiles to a cross product per key) and no asof join (which PySpark lacks).
* **Hub cap.** A key used by more than ``hub_cap`` accounts (a viral post, ``#news``) is dropped
  before the join: it would produce millions of pairs and no evidence (its IDF is ~0). What is
  dropped is returned (``hub_keys``) so it can be reported. Keys used by a single account are
  dropped too: they cannot pair.
* **Int64 everything.** Accounts get dense int64 ids (``account_index``, ordered like the
  account ids, so ``account_a < account_b`` holds for both); keys are int64 hashes; times are
  int64 epoch seconds.

Definitions (per kind)
----------------------
co-action
    two traces of *different* accounts with the same key, at most ``W`` seconds apart
    (``|t_a - t_b| <= W``: exactly ``W`` counts, ``W + 1`` does not). An account repeating a
    key alone pairs with nobody.
``n_shared``
    distinct shared items (targets) of a pair.
``n_occasions``
    distinct occasions: (item, time bucket) combinations, a bucket being the kind's window or
    one day, whichever is shorter. Sharing the same hashtag
    together on five different days is five occasions and one shared item. Calibration cuts
    on this number (see ``calibration``).
``n_coactions``
    co-action events of a pair: (post of a, post of b, item) combinations.
``weight``
    cosine similarity of the two accounts' TF-IDF vectors over keys (``tf = 1 + ln(count)``,
    ``idf = ln(N / df)`` with ``N`` the accounts leaving traces of the kind and ``df`` those
    using the key), counting only the keys they co-acted on: shared-but-never-together keys add
    nothing. In [0, 1]; a pair that only ever shares popular keys weighs little.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import pyarrow as pa

from ..engines.skew import salted_join

__all__ = [
    "DEFAULT_WINDOWS",
    "DEFAULT_HUB_CAP",
    "DEFAULT_PAIR_BUDGET",
    "account_index",
    "budget_caps",
    "key_stats",
    "hub_keys",
    "prepare_traces",
    "busy_pairs",
    "daily_firsts",
    "coaction_rows",
    "pair_items",
    "pair_stats",
    "tfidf_vectors",
    "edge_weights",
    "edge_gaps",
    "per_kind_table",
]

#: Default co-action window per trace kind, in seconds. Reposts, links, hashtags, replies and
#: mentions are single clicks that automation fires within seconds of each other (60 s is
#: coordination-network-toolkit's default and the spike's setting); a hashtag block or an image
#: gets 5 minutes. Copy-paste messaging runs in waves over hours and an operation reuses its
#: lines push after push over days; its signal is what is copied, not the second it is posted,
#: so texts get a week (see ``calibration.CONTENT_KINDS``). With one day, impersonators that
#: each post a few of an operation's lines in its pushes co-posted only two or three messages
#: per pair on the same day and 6 of 53 copy-paste accounts were missed at 100k simulated posts
#: (bench/coordination_sim.py, seeds 1 and 3); organic memes are posted on one day either way.
DEFAULT_WINDOWS: dict[str, int] = {
    "repost": 60,
    "link": 60,
    "domain": 60,
    "hashtag": 60,
    "hashtag_seq": 300,
    "text": 7 * 86400,
    "reply": 60,
    "mention": 60,
    "media": 300,
}

#: Keys used by more accounts than this are dropped before the join (the spike: at 10M posts
#: this lost 0.16% of planted edges and removed every false one).
DEFAULT_HUB_CAP = 5000
#: Per kind, the co-action join is kept to about this many pairs of traces: when the keys'
#: within-window pairs add up to more, the kind's hub cap is lowered (most-used keys dropped
#: first) until they fit. Below a few million posts nothing is dropped; at 10M simulated posts
#: the reposts of organic viral cascades (300+ accounts in a minute) would otherwise make
#: ~65M pairs and the join spill past 35 GB of disk.
DEFAULT_PAIR_BUDGET = 20_000_000
#: the pair budget never drops keys used by this many accounts or fewer: a campaign's own
#: targets are there, and the budget is a guard against hubs, not a sampler
MIN_BUDGET_CAP = 100
#: occasions are window-sized time buckets, but at most a day long (see ``coaction_rows``)
OCCASION_MAX_S = 86_400


def account_index(traces: ibis.Table) -> ibis.Table:
    """Dense int64 ids ``aid`` for the accounts in ``traces`` (``account_id, aid``), numbered
    in account-id order so comparing ids compares accounts."""
    ids = traces.select("account_id").distinct()
    return ids.mutate(aid=ibis.row_number().over(order_by=ids.account_id).cast("int64"))


def key_stats(traces: ibis.Table) -> ibis.Table:
    """Per ``(kind, key)``: a readable ``key_text``, ``n_accounts`` and ``n_posts`` using it."""
    return traces.group_by(["kind", "key"]).aggregate(
        key_text=traces.key_text.min(),
        n_accounts=traces.account_id.nunique(),
        n_posts=traces.post_id.nunique(),
    )


def per_kind_table(values: Mapping[str, int], column: str) -> ibis.Table:
    """A small ``kind, <column>`` int64 table from a per-kind mapping (windows, caps, floors),
    to join with traces or pairs."""
    kinds = sorted(values)
    return ibis.memtable(pa.table({"kind": pa.array(kinds, pa.string()), column: pa.array([int(values[k]) for k in kinds], pa.int64())}))


def hub_keys(stats: ibis.Table, hub_cap: int | Mapping[str, int]) -> ibis.Table:
    """The keys ``prepare_traces`` drops as hubs (used by more than ``hub_cap`` accounts; a
    mapping gives a cap per kind, 0 for none)."""
    if isinstance(hub_cap, Mapping):
        j = stats.join(per_kind_table(hub_cap, "cap"), "kind")
        j = j.filter((j.cap > 0) & (j.n_accounts > j.cap)).select(*stats.columns)
        return j.order_by([ibis.desc("n_accounts"), "kind", "key"])
    if not hub_cap:
        return stats.filter(ibis.literal(False))
    return stats.filter(stats.n_accounts > hub_cap).order_by([ibis.desc("n_accounts"), "kind", "key"])


def budget_caps(tr: ibis.Table, stats: ibis.Table, windows: Mapping[str, int], origin: int = 0,
                hub_cap: int = DEFAULT_HUB_CAP, pair_budget: int = DEFAULT_PAIR_BUDGET) -> dict[str, int]:
    """The hub cap of each kind: ``hub_cap`` (0: none), lowered where the kind's join would pair
    more than ``pair_budget`` traces.

    A key with ``n`` traces in one window-sized bucket gives about ``n**2 / 2`` pairs. Keys are
    ranked by how many accounts use them; the cap is the largest account count at which the
    keys used by at most that many accounts stay within the budget (``pair_budget=0``: no
    budget), but never below ``MIN_BUDGET_CAP``. ``tr`` as from ``prepare_traces``; only a
    small table (per kind and account count) comes back to Python."""
    kinds = sorted(windows)
    caps = {k: int(hub_cap) for k in kinds}
    if not pair_budget or not kinds:
        return caps
    t = tr.filter(tr.kind.isin(kinds)).join(per_kind_table(windows, "window_s"), "kind")
    t = t.mutate(bucket=(t.at - origin) // ibis.greatest(t.window_s, 1))
    per_bucket = t.group_by(["kind", "key", "bucket"]).aggregate(n=t.count())
    per_key = per_bucket.group_by(["kind", "key"]).aggregate(pairs=(per_bucket.n * per_bucket.n / 2).sum())
    per_key = per_key.join(stats.select("kind", "key", "n_accounts"), ["kind", "key"])
    by_size = per_key.group_by(["kind", "n_accounts"]).aggregate(pairs=per_key.pairs.sum()).to_pandas()
    for k, g in by_size.groupby("kind"):
        g = g.sort_values("n_accounts")
        fits = g["pairs"].cumsum().to_numpy() <= pair_budget
        if fits.all():
            continue
        cap = max(int(g["n_accounts"].to_numpy()[fits].max()) if fits.any() else 0, MIN_BUDGET_CAP)
        caps[k] = min(caps[k], cap) if caps[k] else cap
    return caps


def prepare_traces(traces: ibis.Table, index: ibis.Table, stats: ibis.Table,
                   hub_cap: int | Mapping[str, int] = DEFAULT_HUB_CAP) -> ibis.Table:
    """Traces ready for the join: dense account ids, only keys that at least two accounts and
    at most ``hub_cap`` accounts use (``hub_cap=0``: no cap; a mapping: a cap per kind). Columns
    ``kind, key, item, aid, post_id, at``."""
    usable = stats.filter(stats.n_accounts >= 2)
    if isinstance(hub_cap, Mapping):
        u = usable.join(per_kind_table(hub_cap, "cap"), "kind")
        usable = u.filter((u.cap == 0) | (u.n_accounts <= u.cap))
    elif hub_cap:
        usable = usable.filter(usable.n_accounts <= hub_cap)
    t = traces.semi_join(usable.select("kind", "key"), ["kind", "key"])
    t = t.join(index, "account_id")
    return t.select("kind", "key", "item", "aid", "post_id", "at")


def daily_firsts(tr: ibis.Table, kinds, origin: int = 0) -> ibis.Table:
    """``tr`` with the traces of ``kinds`` reduced to the first of each account, key and day
    (its ``post_id`` and ``at``); other kinds unchanged.

    For content kinds (``calibration.CONTENT_KINDS``) what counts is which targets two accounts
    share and on how many days, not the second of each post, and an account that posts one
    line 30 times a week would otherwise put 900 post pairs per partner into the join (at 10M
    simulated posts, 68M join rows from 100 messages). Occasions (days) are unchanged; a
    content pair's ``n_coactions`` then counts pairs of account-days and its gaps are between
    the first posts of each day."""
    kinds = list(kinds)
    if not kinds:
        return tr
    c = tr.filter(tr.kind.isin(kinds))
    c = c.mutate(day=(c.at - origin) // OCCASION_MAX_S)
    c = c.group_by(["kind", "key", "item", "aid", "day"]).aggregate(post_id=c.post_id.argmin(c.at), at=c.at.min())
    rest = tr.filter(~tr.kind.isin(kinds))
    return rest.union(c.select(*rest.columns), distinct=False)


def coaction_rows(tr: ibis.Table, windows: Mapping[str, int], origin: int = 0) -> ibis.Table:
    """Every co-action: two traces of different accounts, same kind and key, at most the
    kind's window apart, the earlier one on the left (ties: the smaller account id).

    ``tr`` has ``kind, key, item, aid, post_id, at`` (see ``prepare_traces``); kinds missing
    from ``windows`` are skipped; ``origin`` is subtracted from times before bucketing (any
    value at or before the first trace keeps buckets non-negative). Columns: ``kind, key,
    item_l, item_r, aid_l, aid_r, post_l, post_r, at_l, at_r, gap, bucket, occasion``
    (``bucket``: the left trace's window-sized time bucket, used by the join; ``occasion``: the
    left trace's time bucket of the window or of one day, whichever is shorter, which numbers
    co-action *occasions*).
    """
    wt = per_kind_table(windows, "window_s")
    t = tr.join(wt, "kind")
    t = t.mutate(bucket=(t.at - origin) // t.window_s)
    left = t.select(
        "kind", "key", "window_s", "bucket",
        # occasions are counted per window, but never coarser than a day: with a week-long text
        # window, the same line posted together on three days of one week is three occasions
        occasion=(t.at - origin) // ibis.least(t.window_s, OCCASION_MAX_S),
        item_l=t.item, aid_l=t.aid, post_l=t.post_id, at_l=t.at,
    )
    right_cols = dict(kind_r=t.kind, key_r=t.key, item_r=t.item, aid_r=t.aid, post_r=t.post_id, at_r=t.at)
    # the right side in its own bucket and in the one before: a later trace at most W after a
    # left trace sits in the left trace's bucket or the next one
    right = t.select(**right_cols, jb=t.bucket).union(t.select(**right_cols, jb=t.bucket - 1), distinct=False)
    j = left.join(right, [left.kind == right.kind_r, left.key == right.key_r, left.bucket == right.jb])
    gap = j.at_r - j.at_l
    j = j.filter(
        (gap >= 0) & (gap <= j.window_s) & (j.aid_l != j.aid_r) & ((gap > 0) | (j.aid_r > j.aid_l))
    )
    return j.select(
        "kind", "key", "item_l", "item_r", "aid_l", "aid_r", "post_l", "post_r", "at_l", "at_r",
        gap=j.at_r - j.at_l, bucket=j.bucket, occasion=j.occasion,
    )


def busy_pairs(co: ibis.Table, floors: Mapping[str, int]) -> tuple[ibis.Table, ibis.Table]:
    """``(co_busy, pairs_any)``: the co-action rows of pairs with at least ``floors[kind]`` of
    them, and per kind the number of pairs that co-acted at all (``kind, n``).

    A pair has at least as many co-actions as occasions, so a pair below a floor of occasions
    cannot reach it. Most pairs of a large scenario co-acted once (fans of one viral post):
    counting rows per pair first spares them the per-item statistics. The counts are computed
    here, once (the co-action join runs now), and kept: ``pairs_any`` and the filter of
    ``co_busy`` read them instead of each running the join and counting again (at 10M
    simulated posts, 46M co-action rows in 19.7M pairs: the step took 31 s instead of 44)."""
    co = co.mutate(a=ibis.least(co.aid_l, co.aid_r), b=ibis.greatest(co.aid_l, co.aid_r))
    counts = co.group_by(["kind", "a", "b"]).aggregate(n=co.count()).cache()
    pairs_any = counts.group_by("kind").aggregate(n=counts.count())
    busy = counts.join(per_kind_table(floors, "floor"), "kind")
    busy = busy.filter(busy.n >= busy.floor).select("kind", "a", "b")
    return co.semi_join(busy, ["kind", "a", "b"]).drop("a", "b"), pairs_any


def pair_items(co: ibis.Table) -> ibis.Table:
    """Co-actions grouped per ``(kind, a, b, item)`` with ``a < b`` (dense ids): ``key`` (a
    representative key of the item), ``n`` (co-action events), ``occasions`` (distinct
    window-sized time buckets in which the pair co-acted on the item), ``min_gap``,
    ``first_at``, ``last_at``. (Text traces are collapsed to one message key per post first,
    see ``messages``; an item is then a message.)
    """
    co = co.mutate(a=ibis.least(co.aid_l, co.aid_r), b=ibis.greatest(co.aid_l, co.aid_r))
    by_occasion = co.group_by(["kind", "a", "b", co.item_l.name("item"), "occasion"]).aggregate(
        key=co.key.min(), n=co.count(), min_gap=co.gap.min(), first_at=co.at_l.min(), last_at=co.at_r.max()
    )
    o = by_occasion
    return o.group_by(["kind", "a", "b", "item"]).aggregate(
        key=o.key.min(), n=o.n.sum().cast("int64"), occasions=o.count(), min_gap=o.min_gap.min(),
        first_at=o.first_at.min(), last_at=o.last_at.max(),
    )


def pair_stats(items: ibis.Table) -> ibis.Table:
    """Per ``(kind, a, b)``: ``n_shared`` (distinct items), ``n_occasions`` (distinct item-time
    occasions), ``n_coactions``, ``min_gap_s``, ``first_at``, ``last_at`` (epoch s)."""
    return items.group_by(["kind", "a", "b"]).aggregate(
        n_shared=items.count(),
        n_occasions=items.occasions.sum().cast("int64"),
        n_coactions=items.n.sum().cast("int64"),
        min_gap_s=items.min_gap.min().cast("float64"),
        first_at=items.first_at.min(),
        last_at=items.last_at.max(),
    )


def tfidf_vectors(traces_indexed: ibis.Table, accounts: ibis.Table | None = None) -> tuple[ibis.Table, ibis.Table]:
    """Account TF-IDF vectors per kind over keys, from all traces (``kind, aid, key``):
    ``(weights, norms)`` with ``weights: kind, aid, key, w`` and ``norms: kind, aid, norm``.
    ``accounts`` (``aid``), when given, limits the vectors returned (document frequencies still
    count every account)."""
    t = traces_indexed
    df = t.group_by(["kind", "key"]).aggregate(df=t.aid.nunique())
    n = t.group_by("kind").aggregate(n_acc=t.aid.nunique())
    if accounts is not None:
        t = t.semi_join(accounts, "aid")
    tf = t.group_by(["kind", "aid", "key"]).aggregate(c=t.count())
    # a hub key has one tf row per account using it: salted, so no task gets all of them
    w = salted_join(tf, df, ["kind", "key"], salt_from="aid", counts=df, count_column="df").join(n, "kind")
    w = w.select("kind", "aid", "key", w=(1 + w.c.cast("float64").ln()) * (w.n_acc.cast("float64") / w.df).ln())
    norms = w.group_by(["kind", "aid"]).aggregate(norm=(w.w * w.w).sum().sqrt())
    return w, norms


def edge_weights(items: ibis.Table, weights: ibis.Table, norms: ibis.Table) -> ibis.Table:
    """Per ``(kind, a, b)`` in ``items``: TF-IDF cosine restricted to co-action keys."""
    wa = weights.select("kind", "key", a="aid", wa="w")
    wb = weights.select("kind", "key", b="aid", wb="w")
    na = norms.select("kind", a="aid", na="norm")
    nb = norms.select("kind", b="aid", nb="norm")
    keys = items.select("kind", "a", "b", "key").distinct()
    j = keys.join(wa, ["kind", "key", "a"]).join(wb, ["kind", "key", "b"])
    dots = j.group_by(["kind", "a", "b"]).aggregate(dot=(j.wa * j.wb).sum())
    d = dots.join(na, ["kind", "a"]).join(nb, ["kind", "b"])
    denom = d.na * d.nb
    return d.select("kind", "a", "b", weight=ibis.ifelse(denom > 0, (d.dot / denom).clip(0.0, 1.0), 0.0).cast("float64"))


def edge_gaps(items: ibis.Table) -> ibis.Table:
    """Per ``(kind, a, b)``: ``median_gap_s``, the median over shared items of the quickest gap."""
    return items.group_by(["kind", "a", "b"]).aggregate(median_gap_s=items.min_gap.median().cast("float64"))
