"""Query-plan hints: where an engine's planner needs telling how a query is meant to run.

DuckDB picks which side of a hash join to build its table from by estimated row counts (its
``build_side_probe_side`` optimizer). The co-action join's time filter (``0 <= gap <= W``) is
estimated at tens of rows when it yields tens of millions, so every join *with* co-action
rows looked like a join with a tiny table, and DuckDB built its hash tables from the co-action
rows: at 10M simulated posts, the semi-join of 55M wide co-action rows with 2M candidate
pairs took 34 s building on the 55M instead of 7.7 s building on the pairs, and the whole
calibration 70 s instead of 36 s (``bench/coordination_scale.py``, see docs/benchmarks.md).

cibscan's joins are written with the table to look up on the right (``rows.join(small,
...)``, ``rows.semi_join(wanted, ...)``), so ``joins_as_written`` has DuckDB build from the
right side as written. Spark measures sizes at run time (adaptive execution) and needs no
hint: there the block runs unchanged.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import ibis

__all__ = ["joins_as_written", "planned_as_written"]

_FLIP = "build_side_probe_side"


@contextlib.contextmanager
def joins_as_written(con) -> Iterator[None]:
    """Within the block, queries on the Ibis backend ``con`` build hash tables from the right
    side of each join as written (DuckDB; no change on other engines). The connection's own
    setting is restored on leaving, also after an error."""
    if getattr(con, "name", None) != "duckdb":
        yield
        return
    before = con.raw_sql("SELECT current_setting('disabled_optimizers')").fetchone()[0] or ""
    names = [n for n in (s.strip() for s in before.split(",")) if n]
    con.raw_sql(f"SET disabled_optimizers = '{', '.join(dict.fromkeys([*names, _FLIP]))}'")
    try:
        yield
    finally:
        con.raw_sql(f"SET disabled_optimizers = '{before}'")


def planned_as_written(func):
    """Decorator: run ``func(table, ...)`` within ``joins_as_written`` on the backend of its
    first argument, an Ibis table."""

    @functools.wraps(func)
    def run(table, *args, **kwargs):
        with joins_as_written(ibis.get_backend(table)):
            return func(table, *args, **kwargs)

    return run
