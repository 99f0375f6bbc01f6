"""How one ingested file's staged rows join the stored tables, as engine-neutral Ibis
expressions: the same code merges on DuckDB and on Spark.

The rules are those of the DuckDB file workspace (``Workspace._merge``): a post already stored
(same platform and id), or repeated within the file, is kept once, the first seen; an account
already stored keeps its values and only its empty fields are filled from the new file, with
the file's last non-empty value of each field.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa

from ..ingest.staging import SEQ
from ..schema import ACCOUNTS, POSTS, Column, arrow_schema

__all__ = ["new_posts", "merged_rows", "staged_accounts", "merged_accounts", "conform", "POST_KEYS", "ACCOUNT_KEYS"]

POST_KEYS = ("platform", "post_id")
ACCOUNT_KEYS = ("platform", "account_id")


def _nullable_types(cols: tuple[Column, ...]) -> dict[str, dt.DataType]:
    schema = ibis.Schema.from_pyarrow(arrow_schema(cols))
    return {name: t.copy(nullable=True) for name, t in schema.items()}


_POST_TYPES = _nullable_types(POSTS)
_ACCOUNT_TYPES = _nullable_types(ACCOUNTS)


def conform(t: ibis.Table, cols: tuple[Column, ...]) -> ibis.Table:
    """``t``'s canonical columns, in declared order and type (so parts read from files written
    by either engine, or by pyarrow, union cleanly whatever nullability their files declare)."""
    types = _POST_TYPES if cols is POSTS else _ACCOUNT_TYPES if cols is ACCOUNTS else _nullable_types(cols)
    return t.select(*(t[c.name].cast(types[c.name]).name(c.name) for c in cols))


def new_posts(staged: ibis.Table, stored: ibis.Table, merge_rows: bool = False) -> ibis.Table:
    """Staged posts whose (platform, post_id) is not stored yet, each once: the first in file
    order (``_seq``), or with ``merge_rows`` all its rows merged (``merged_rows``)."""
    if merge_rows:
        first = merged_rows(staged)
    else:
        w = ibis.window(group_by=list(POST_KEYS), order_by=staged[SEQ])
        first = staged.mutate(_rn=ibis.row_number().over(w))
        first = first.filter(first._rn == 0)
    return conform(first.anti_join(stored, list(POST_KEYS)), POSTS)


#: list elements of one row rank after all of an earlier row's (order key = _seq * 2**24 + position)
_POS_BITS = 2**24
_LIST_COLS = tuple(c.name for c in POSTS if pa.types.is_list(c.type))


def merged_rows(staged: ibis.Table) -> ibis.Table:
    """Staged rows sharing (platform, post_id) merged into one post (long-format tables, where
    each row carries one hashtag or URL of a post): each scalar from the first row that has it;
    each list the rows' lists concatenated in file order, repeats dropped (the first kept).

    Same rules as ``Workspace._merged_posts_sql`` on DuckDB; ordered aggregation is not
    portable, so each list is rebuilt by sorting ``(order, value)`` structs."""
    keys = list(POST_KEYS)
    seq = staged[SEQ]
    scalars = {
        c.name: staged[c.name].argmin(seq, where=staged[c.name].notnull())
        for c in POSTS if c.name not in POST_KEYS and c.name not in _LIST_COLS
    }
    out = staged.group_by(keys).aggregate(**scalars)
    for name in _LIST_COLS:
        e = staged.select(*keys, SEQ, name).unnest(name, offset="_pos")
        first = e.group_by([*keys, name]).aggregate(_o=(e[SEQ] * _POS_BITS + e._pos).min())
        lists = first.group_by(keys).aggregate(_arr=ibis.struct({"o": first._o, "v": first[name]}).collect())
        lists = lists.select(*keys, **{name: lists._arr.sort().map(lambda s: s.v)})
        out = out.left_join(lists, keys).drop(*(f"{k}_right" for k in keys))
    return out.mutate(**{n: out[n].fill_null(ibis.literal([], type="array<string>")) for n in _LIST_COLS})


def staged_accounts(staged: ibis.Table) -> ibis.Table:
    """One row per staged account: each field's last non-empty value in file order; the
    ``source_id`` of the file."""
    aggs = {}
    for c in ACCOUNTS:
        if c.name in ACCOUNT_KEYS:
            continue
        col = staged[c.name]
        aggs[c.name] = col.min() if c.name == "source_id" else col.argmax(staged[SEQ], where=col.notnull())
    return conform(staged.group_by(list(ACCOUNT_KEYS)).aggregate(**aggs), ACCOUNTS)


def merged_accounts(new: ibis.Table, stored: ibis.Table) -> ibis.Table:
    """All accounts after a file: stored ones with their empty fields filled from ``new``
    (the output of ``staged_accounts``), and the accounts not stored before. One outer join:
    a stored value wins, ``new`` fills what is empty or absent."""
    joined = stored.outer_join(new, [stored[k] == new[k] for k in ACCOUNT_KEYS])
    return joined.select(
        *(ibis.coalesce(stored[c.name], new[c.name]).cast(_ACCOUNT_TYPES[c.name]).name(c.name) for c in ACCOUNTS)
    )
