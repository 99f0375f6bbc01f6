"""Hub keys without hot spots: where a hub could land on one task, and salting, in Ibis.

A hashtag everyone uses or a post that went viral is one key with millions of trace rows. A
distributed engine sends all rows of one key to one task when it groups or joins on that key,
so one executor does the work of the whole cluster (or runs out of memory) while the others
wait. Where cibscan groups or joins on a key:

* **Distinct counts per key** (``key_stats``, ``tfidf_vectors``): Spark pre-aggregates them by
  itself. It first finds distinct ``(key, value)`` pairs, spread over tasks by the pair, then
  counts per key inside each task and sums at most one partial count per task and key. No
  task holds a hub's rows.
* **Hub keys are dropped before the co-action join** (``hub_cap``, on by default, lowered per
  kind by ``pair_budget`` when a kind's keys would pair too many traces), and the join is on
  ``(kind, key, time bucket)``: even a kept busy key is split by time.
* **Joining per-key statistics back to per-account rows** (TF-IDF: every account using a key
  gets the key's document frequency) is a join of many rows per key with one row per key,
  and hub keys are not dropped there (every key counts in an account's vector). ``salted_join``
  spreads it: rows of *hot* keys (more than ``hot`` rows) get ``salt = hash64(account) %
  buckets``; the one-row side of those keys is repeated once per salt, and the join is on
  ``(key, salt)``. Cold keys keep salt 0 and are not repeated, so the cost is ``buckets`` rows
  per hot key.

DuckDB runs the same code (one machine has no executors to balance; the answer is the same).
Spark's adaptive execution (``spark.sql.adaptive.skewJoin``, on in ``DEFAULT_SPARK_CONF``)
splits any other skewed join partition on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import pyarrow as pa

from .portable import hash64

__all__ = ["SALT_BUCKETS", "HOT_KEY_ROWS", "salt", "salt_rows", "salted_join"]

#: salts per hot key: a hub's rows are spread over this many groups (tasks)
SALT_BUCKETS = 32
#: a key with more rows than this on the many-rows side of a join is salted
HOT_KEY_ROWS = 10_000


def salt(value: ibis.Value, buckets: int = SALT_BUCKETS) -> ibis.Value:
    """A salt in ``[0, buckets)`` from any value (the same on every engine)."""
    return (hash64(value.cast("string")) % buckets).cast("int64")


def salt_rows(many: ibis.Table, keys: Sequence[str], *, salt_from: str, counts: ibis.Table, count_column: str,
              hot: int = HOT_KEY_ROWS, buckets: int = SALT_BUCKETS) -> ibis.Table:
    """``many`` with a ``_salt`` column: ``salt(salt_from)`` for rows of keys whose count in
    ``counts`` is above ``hot``, else 0. The list of hot keys is small by construction (at
    most rows/hot keys), so engines join it by broadcast (Spark's adaptive execution does so
    once it has counted it)."""
    keys = list(keys)
    counts = counts.view()  # may be ``many`` or the other side of the join itself
    hot_keys = counts.filter(counts[count_column] > hot).select(*keys, _hot=ibis.literal(True))
    m = many.left_join(hot_keys, keys)
    # .view(): a projection of a join, joined again, must be its own relation for Ibis
    return m.select(*many.columns, _salt=ibis.ifelse(m._hot.fill_null(False), salt(m[salt_from], buckets), 0)).view()


def salted_join(many: ibis.Table, one: ibis.Table, keys: Sequence[str], *, salt_from: str, counts: ibis.Table,
                count_column: str, hot: int = HOT_KEY_ROWS, buckets: int = SALT_BUCKETS) -> ibis.Table:
    """Inner join of ``many`` (many rows per key) with ``one`` (one row per key) on ``keys``,
    spreading hot keys over ``buckets`` salts (see ``salt_rows``).

    ``counts`` gives, per key, its rows in ``many`` (``count_column``). Returns the columns of
    ``many`` then those of ``one`` (keys once): the same rows as ``many.join(one, keys)``.
    """
    keys = list(keys)
    m = salt_rows(many, keys, salt_from=salt_from, counts=counts, count_column=count_column, hot=hot, buckets=buckets)
    counts = counts.view()
    hot_keys = counts.filter(counts[count_column] > hot).select(*keys, _hot=ibis.literal(True))
    o = one.left_join(hot_keys, keys)
    o = o.select(*one.columns, _hot=o._hot.fill_null(False))
    salts = ibis.memtable(pa.table({"_salt": pa.array(range(buckets), pa.int64())}))
    hot_side = o.filter(o._hot).cross_join(salts).drop("_hot")
    cold_side = o.filter(~o._hot).drop("_hot").mutate(_salt=ibis.literal(0, "int64"))
    o = hot_side.union(cold_side.select(*hot_side.columns), distinct=False)
    j = m.join(o, [*keys, "_salt"])
    return j.select(*many.columns, *(c for c in one.columns if c not in keys))
