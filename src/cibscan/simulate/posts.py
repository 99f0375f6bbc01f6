"""Posts while they are generated: an Arrow table per batch, with account *indices* and
global post *numbers* (turned into platform ids and handles only when written).

Every post gets a global number ``gidx`` from a counter that is fixed by the scenario's plan
(campaign posts first, then each day's organic quota in order), so ids never depend on how
the work is chunked. The written post id is ``(seconds since the platform epoch) << 32 | gidx``:
19 digits like a real tweet id, ordered by time, unique by construction.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "POST",
    "REPOST",
    "REPLY",
    "QUOTE",
    "BATCH_SCHEMA",
    "make_batch",
    "concat_batches",
    "repost_rows",
    "post_ids",
    "with_engagement",
    "Numbering",
]

POST, REPOST, REPLY, QUOTE = range(4)
_TWEPOCH_S = 1288834974

BATCH_SCHEMA = pa.schema([
    ("gidx", pa.int64()),
    ("id", pa.int64()),  # platform-like post id (see ``post_ids``)
    ("account", pa.int32()),
    ("t", pa.int64()),
    ("kind", pa.int8()),
    ("ref", pa.int64()),  # id of the reposted / quoted / replied-to post, -1 if none
    ("ref_account", pa.int32()),
    ("lang", pa.int8()),
    ("client", pa.int8()),
    ("text", pa.string()),
    ("tags", pa.list_(pa.string())),
    ("urls", pa.list_(pa.string())),
    ("mentions", pa.list_(pa.int32())),  # account indices
    ("retweet_count", pa.int32()),  # reactions the scenario holds (see ``with_engagement``)
    ("reply_count", pa.int32()),
    ("quote_count", pa.int32()),
])

_EMPTY_STR_LIST = pa.list_(pa.string())
_EMPTY_INT_LIST = pa.list_(pa.int32())


class Numbering:
    """Hands out consecutive global post numbers from a fixed start."""

    def __init__(self, start: int):
        self.next = int(start)

    def take(self, n: int) -> np.ndarray:
        out = np.arange(self.next, self.next + n, dtype=np.int64)
        self.next += n
        return out


def _empty_lists(n: int, typ: pa.DataType) -> pa.ListArray:
    return pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], typ.value_type))


def make_batch(*, gidx, account, t, kind, lang, client, text, ref=None, ref_account=None, tags=None, urls=None, mentions=None) -> pa.Table:
    """A batch of posts; list columns default to empty lists, references to -1."""
    n = len(gidx)
    gidx, t = np.asarray(gidx, np.int64), np.asarray(t, np.int64)
    cols = {
        "gidx": pa.array(gidx),
        "id": pa.array(post_ids(gidx, t)),
        "account": pa.array(np.asarray(account, np.int32)),
        "t": pa.array(t),
        "kind": pa.array(np.broadcast_to(np.asarray(kind, np.int8), (n,)).copy()),
        "ref": pa.array(np.full(n, -1, np.int64) if ref is None else np.asarray(ref, np.int64)),
        "ref_account": pa.array(np.full(n, -1, np.int32) if ref_account is None else np.asarray(ref_account, np.int32)),
        "lang": pa.array(np.asarray(lang, np.int8)),
        "client": pa.array(np.asarray(client, np.int8)),
        "text": text if isinstance(text, (pa.Array, pa.ChunkedArray)) else pa.array(text, pa.string()),
        "tags": tags if tags is not None else _empty_lists(n, _EMPTY_STR_LIST),
        "urls": urls if urls is not None else _empty_lists(n, _EMPTY_STR_LIST),
        "mentions": mentions if mentions is not None else _empty_lists(n, _EMPTY_INT_LIST),
        "retweet_count": pa.array(np.zeros(n, np.int32)),
        "reply_count": pa.array(np.zeros(n, np.int32)),
        "quote_count": pa.array(np.zeros(n, np.int32)),
    }
    return pa.table(cols, schema=BATCH_SCHEMA)


def concat_batches(batches: list[pa.Table]) -> pa.Table:
    batches = [b for b in batches if b is not None and b.num_rows]
    if not batches:
        return BATCH_SCHEMA.empty_table()
    return pa.concat_tables(batches).combine_chunks()


def repost_rows(originals: pa.Table, rows: np.ndarray, accounts: np.ndarray, times: np.ndarray, gidx: np.ndarray,
                handles: pa.StringArray, clients: np.ndarray) -> pa.Table:
    """Reposts of ``originals[rows]`` by ``accounts`` at ``times``, written the way archives
    write them: ``RT @author: text``, the original's hashtags and links, and the original's
    author first among the mentions."""
    src = originals.take(pa.array(rows))
    authors = src.column("account").to_numpy()
    prefix = pc.binary_join_element_wise("RT @", handles.take(pa.array(authors)), ": ", "")
    text = pc.binary_join_element_wise(prefix, src.column("text"), "")
    # mentions: [author] + original mentions
    orig_m = src.column("mentions").combine_chunks()
    counts = pc.list_value_length(orig_m).to_numpy(zero_copy_only=False) + 1
    offsets = np.zeros(len(rows) + 1, np.int32)
    np.cumsum(counts, out=offsets[1:])
    flat = np.empty(offsets[-1], np.int32)
    flat[offsets[:-1]] = authors
    rest = np.ones(offsets[-1], bool)
    rest[offsets[:-1]] = False
    flat[rest] = pc.list_flatten(orig_m).to_numpy(zero_copy_only=False)
    mentions = pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat, pa.int32()))
    return make_batch(
        gidx=gidx, account=accounts, t=times, kind=REPOST, lang=src.column("lang").to_numpy(), client=clients,
        text=text, ref=src.column("id").to_numpy(), ref_account=authors,
        tags=src.column("tags").combine_chunks(), urls=src.column("urls").combine_chunks(), mentions=mentions,
    )


def with_engagement(batch: pa.Table) -> pa.Table:
    """``batch`` with its counts of reposts, replies and quotes filled in from the reactions it
    holds (every reaction to a post is generated in the same batch as the post)."""
    ids = batch.column("id").to_numpy()
    refs = batch.column("ref").to_numpy()
    kinds = batch.column("kind").to_numpy()
    order = np.argsort(ids, kind="stable")
    for name, k in (("retweet_count", REPOST), ("reply_count", REPLY), ("quote_count", QUOTE)):
        r = refs[kinds == k]
        pos = np.searchsorted(ids, r, sorter=order)
        pos = np.clip(pos, 0, len(ids) - 1)
        hit = ids[order[pos]] == r
        counts = np.bincount(order[pos[hit]], minlength=len(ids)).astype(np.int32)
        batch = batch.set_column(batch.schema.get_field_index(name), name, pa.array(counts))
    return batch


def post_ids(gidx: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Platform-like post ids (see module docstring)."""
    return ((np.asarray(t, np.int64) - _TWEPOCH_S) << 32) | np.asarray(gidx, np.int64)
