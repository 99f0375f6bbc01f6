"""CooRTweet's co-share definition (``detect_groups``), computed with cibscan's engine.

CooRTweet (Righetti & Balluff, R package, MIT) is the reference tool investigators know. Its
``detect_groups(x, time_window = 10, min_participation = 2, remove_loops = TRUE)`` takes rows
``object_id, account_id, content_id, timestamp_share`` (one row per account action: the object
is what is shared, e.g. a retweeted tweet id; the content is the account's own post) and does,
in this order (read from ``R/detect_groups.R`` and ``R/calc_group_combinations.R``):

1. **Pre-filter**: keep the rows of accounts that have at least ``min_participation`` rows.
2. **Pairs**: within each object, every pair of rows whose timestamps differ by at most
   ``time_window`` seconds (``abs(t1 - t2) <= time_window``: the bound is inclusive).
3. **Remove loops**: drop pairs where the object is one of the two contents, where both rows
   are the same content, or where both rows are the same account.
4. **Minimum participation**: take every content that appears in a remaining pair; count, per
   account, its pre-filtered rows whose content is among them; accounts with at least
   ``min_participation`` such rows are *participating*. Keep a pair when *either* of its two
   contents belongs to a participating account.
5. Orient each pair so ``account_id``/``content_id`` is the older share and report
   ``time_delta = abs(t1 - t2)``.

The co-share pairs of CooRTweet are the distinct unordered account pairs of that result.
``detect_groups`` here computes the same rows with the bucketed join (``tests`` check equality
against a line-by-line transcription of the R code on CooRTweet's own example data). Only the
default ``remove_loops = TRUE`` is implemented. Timestamps are whole seconds (CooRTweet's
example data are).
"""

from __future__ import annotations

import ibis

from ..engines.portable import hash64
from .engine import coaction_rows

__all__ = ["COORTWEET_TIME_WINDOW", "COORTWEET_MIN_PARTICIPATION", "detect_groups", "coshare_pairs", "from_traces"]

#: CooRTweet's defaults for ``detect_groups``
COORTWEET_TIME_WINDOW = 10
COORTWEET_MIN_PARTICIPATION = 2

_KIND = "coshare"


def from_traces(traces: ibis.Table, kind: str) -> ibis.Table:
    """CooRTweet's input rows from a cibscan traces table: ``key_text`` as the object, the post
    as the content (e.g. ``kind="repost"``: co-retweets)."""
    t = traces.filter(traces.kind == kind)
    return t.select(object_id=t.key_text, account_id=t.account_id, content_id=t.post_id, timestamp_share=t.at)


def detect_groups(
    x: ibis.Table,
    time_window: int = COORTWEET_TIME_WINDOW,
    min_participation: int = COORTWEET_MIN_PARTICIPATION,
) -> ibis.Table:
    """CooRTweet's ``detect_groups`` result rows (see the module docstring): ``object_id,
    account_id, account_id_y, content_id, content_id_y, time_delta``.

    ``x`` has columns ``object_id, account_id, content_id`` (strings) and ``timestamp_share``
    (epoch seconds)."""
    x = x.select(
        x.object_id.cast("string").name("object_id"), x.account_id.cast("string").name("account_id"),
        x.content_id.cast("string").name("content_id"), x.timestamp_share.cast("int64").name("timestamp_share"),
    )
    # 1. pre-filter on the number of rows per account
    active = x.group_by("account_id").aggregate(n=x.count())
    x1 = x.semi_join(active.filter(active.n >= min_participation), "account_id")
    # 2-3. pairs within the window; rows whose object is their own content can only form loops
    ids = x1.select("account_id").distinct()
    ids = ids.mutate(aid=ibis.row_number().over(order_by=ids.account_id).cast("int64"))
    j = x1.filter(x1.object_id != x1.content_id).join(ids, "account_id")
    tr = j.select(kind=ibis.literal(_KIND), key=hash64(j.object_id), item=hash64(j.object_id), aid=j.aid,
                  post_id=j.content_id, at=j.timestamp_share, object_id=j.object_id)
    origin = int(tr.at.min().execute() or 0)
    co = coaction_rows(tr.drop("object_id"), {_KIND: int(time_window)}, origin=origin)
    co = co.filter(co.post_l != co.post_r)
    names = ids.select(aid_n="aid", name="account_id")
    objects = tr.select(key_o="key", object_id="object_id").distinct()
    co = co.join(objects, co.key == objects.key_o)
    co = co.join(names.select(aid_l="aid_n", account_id="name"), "aid_l")
    co = co.join(names.select(aid_r="aid_n", account_id_y="name"), "aid_r")
    res = co.select("object_id", "account_id", "account_id_y", content_id=co.post_l, content_id_y=co.post_r, time_delta=co.gap)
    # 4. minimum participation, counted on the pre-filtered rows
    contents = res.select(c="content_id").union(res.select(c="content_id_y")).distinct()
    in_pairs = x1.semi_join(contents, x1.content_id == contents.c)
    part = in_pairs.group_by("account_id").aggregate(n=in_pairs.count())
    keep = in_pairs.semi_join(part.filter(part.n >= min_participation), "account_id").select(c="content_id").distinct()
    return res.filter(res.content_id.isin(keep.c) | res.content_id_y.isin(keep.c))


def coshare_pairs(x: ibis.Table, time_window: int = COORTWEET_TIME_WINDOW,
                  min_participation: int = COORTWEET_MIN_PARTICIPATION) -> ibis.Table:
    """CooRTweet's co-share account pairs: distinct ``account_a < account_b`` of
    ``detect_groups``, with the number of result rows (``n``) and distinct objects
    (``n_objects``) behind each."""
    g = detect_groups(x, time_window, min_participation)
    a = ibis.least(g.account_id, g.account_id_y)
    b = ibis.greatest(g.account_id, g.account_id_y)
    g = g.mutate(account_a=a, account_b=b)
    return g.group_by(["account_a", "account_b"]).aggregate(n=g.count(), n_objects=g.object_id.nunique())
