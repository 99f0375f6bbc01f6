"""Messages: near-duplicate texts grouped into one target before the co-action join.

The ``traces`` table gives each text post several MinHash-LSH band keys (``cibscan.text``).
Joining on band keys would pair two copies once per shared band and pair every exact copy of a
popular meme ten times over; instead, distinct texts (``item``: the signature of a normalised
text) that share a band key are linked, the links' connected components are *messages*, and
each text post gets one trace whose key is its message. Copies with light edits land in one
message; the engine then treats a message like any other target.

Two texts are linked when they share at least ``min_shared_bands`` band keys (two by default):
one shared band is what two unrelated *short* texts often have in common (their few shingles
leave most one-permutation bins empty, and densification copies the same values into many
bands), and single-band links chained a third of a simulated corpus into one "message". With
10 bands of 5 rows, two texts of Jaccard similarity 0.8 share at least two bands with
probability 0.87, at 0.9 with 0.998. Band keys that many distinct texts share (more than
``max_texts_per_band``) are generic (a boilerplate phrase) and do not link texts either.

A *credited copy* is no copy-paste: a post that mentions an account which posted the same
message earlier ("Headline https://... via @outlet" from a news site's share button, a manual
"RT @author: ...") names its source. Credited copies get no text trace (their links still
give link traces); this needs the ``mention`` traces, with mentions as account ids.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

__all__ = ["DEFAULT_MAX_TEXTS_PER_BAND", "DEFAULT_MIN_SHARED_BANDS", "message_components", "credited_copies", "collapse_text_traces"]

DEFAULT_MAX_TEXTS_PER_BAND = 200
DEFAULT_MIN_SHARED_BANDS = 2


def message_components(links: pd.DataFrame) -> pd.DataFrame:
    """Connected components of text links (``item_l, item_r``): ``item, message`` with the
    message id the smallest item of its component."""
    if links.empty:
        return pd.DataFrame({"item": pd.Series(dtype="int64"), "message": pd.Series(dtype="int64")})
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    items = np.unique(np.concatenate([links["item_l"].to_numpy(), links["item_r"].to_numpy()]))
    pos = {int(v): i for i, v in enumerate(items)}
    rows = np.fromiter((pos[int(v)] for v in links["item_l"]), dtype=np.int64, count=len(links))
    cols = np.fromiter((pos[int(v)] for v in links["item_r"]), dtype=np.int64, count=len(links))
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(items), len(items)))
    _, label = connected_components(graph, directed=False)
    root = pd.Series(items).groupby(label).transform("min").to_numpy()
    return pd.DataFrame({"item": items.astype("int64"), "message": root.astype("int64")})


def credited_copies(posts: ibis.Table, mentions: ibis.Table) -> ibis.Table:
    """``post_id`` of text posts that mention an account (by id, as mention traces hold it)
    which posted the same message no later. ``posts``: ``account_id, post_id, at, message``."""
    # materialised first: joined in one query, DuckDB pairs every mention of an account with
    # every post of that account before it checks the message (at 10M posts, more than 35 GB)
    m = posts.join(mentions, "post_id").select("post_id", "at", "message", "mentioned").cache()
    other = posts.view()
    src = other.select(src_account=other.account_id.lower(), src_message=other.message, src_at=other.at)
    j = m.join(src, [("mentioned", "src_account"), ("message", "src_message")])
    return j.filter(j.src_at <= j.at).select("post_id").distinct()


def collapse_text_traces(traces: ibis.Table, max_texts_per_band: int = DEFAULT_MAX_TEXTS_PER_BAND,
                         min_shared_bands: int = DEFAULT_MIN_SHARED_BANDS) -> ibis.Table:
    """``traces`` with the ``text`` rows replaced by one row per text post whose ``key`` and
    ``item`` are its message (other kinds unchanged); ``key_text`` becomes ``message <id>``."""
    text = traces.filter(traces.kind == "text")
    mentions = traces.filter(traces.kind == "mention").select("post_id", mentioned="key_text")
    # nearly every band key belongs to one text (and its exact copies): one pass finds the keys
    # of two distinct texts or more, and only their rows are de-duplicated and counted
    spread = text.group_by("key").aggregate(lo=text.item.min(), hi=text.item.max())
    bands = text.select("item", "key").semi_join(spread.filter(spread.lo != spread.hi), "key").distinct()
    per_band = bands.group_by("key").aggregate(n=bands.count())
    bands = bands.semi_join(per_band.filter(per_band.n <= max_texts_per_band), "key")
    right = bands.select(item_r="item", key_r="key")
    links = bands.join(right, (bands.key == right.key_r) & (bands.item < right.item_r))
    links = links.group_by([links.item.name("item_l"), "item_r"]).aggregate(bands=links.count())
    links = links.filter(links.bands >= min_shared_bands).select("item_l", "item_r")
    comp = message_components(links.to_pandas())
    posts = text.select("account_id", "post_id", "at", "item").distinct()
    if len(comp):
        mapping = ibis.memtable(comp)
        posts = posts.left_join(mapping, "item").select("account_id", "post_id", "at", message=ibis.coalesce(ibis._.message, ibis._.item))
    else:
        posts = posts.select("account_id", "post_id", "at", message=posts.item)
    posts = posts.cache()  # a plain table: credited_copies joins it with itself
    posts = posts.anti_join(credited_copies(posts, mentions), "post_id")
    collapsed = posts.select(
        "account_id", "post_id", kind=ibis.literal("text"), key=posts.message,
        key_text=ibis.literal("message ") + posts.message.cast("string"), at=posts.at, item=posts.message,
    )
    other = traces.filter(traces.kind != "text")
    return other.union(collapsed.select(*other.columns).cast(other.schema()), distinct=False)
