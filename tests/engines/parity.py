"""The parity harness: run the same steps on two workspaces (DuckDB, Spark) and compare the
tables they hold, exactly, row for row."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from datetime import datetime

#: Columns that legitimately differ between two runs (the wall-clock time of an ingest).
VOLATILE = {"sources": ("ingested_at",)}


def _norm(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, str) and v[:1] in ("{", "[") and v[-1:] in ("}", "]"):
        try:  # JSON text (findings.metrics, evidence.values): compare what it holds
            return ("<json>", _norm(json.loads(v)))
        except ValueError:
            return v
    if isinstance(v, (list, tuple)):
        return tuple(_norm(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _norm(x)) for k, x in v.items()))
    if isinstance(v, datetime):
        return v.replace(tzinfo=None)
    return v


def table_rows(ws, name: str, drop: Iterable[str] = ()) -> tuple[list[str], list[tuple]]:
    """Columns and rows of a table, rows sorted, values normalised (lists as tuples, NaN as
    None), so two engines' results compare with ``==``."""
    t = ws.table(name)
    cols = [c for c in t.columns if c not in set(drop)]
    rows = [tuple(_norm(r[c]) for c in cols) for r in t.select(*cols).to_pyarrow().to_pylist()]
    return cols, sorted(rows, key=repr)


#: Floating-point sums and means are computed in another order by a distributed engine, so
#: they may differ in the last bits (1e-16 relative); everything else must match exactly.
FLOAT_REL = 1e-9


def _rounded(v):
    if isinstance(v, float):
        return float(f"{v:.8g}")
    if isinstance(v, tuple):
        return tuple(_rounded(x) for x in v)
    return v


def _close(x, y) -> bool:
    if isinstance(x, float) and isinstance(y, float):
        return math.isclose(x, y, rel_tol=FLOAT_REL, abs_tol=1e-12)
    if isinstance(x, tuple) and isinstance(y, tuple):
        return len(x) == len(y) and all(_close(p, q) for p, q in zip(x, y))
    return x == y


def assert_same_tables(a, b, names: Iterable[str]) -> None:
    """Every table in ``names`` holds the same columns and rows in workspaces ``a`` and ``b``
    (floats equal to ``FLOAT_REL``; all other values exactly)."""
    for name in names:
        drop = VOLATILE.get(name, ())
        cols_a, rows_a = table_rows(a, name, drop)
        cols_b, rows_b = table_rows(b, name, drop)
        assert cols_a == cols_b, f"{name}: columns differ: {cols_a} vs {cols_b}"
        rows_a.sort(key=lambda r: repr(_rounded(r)))
        rows_b.sort(key=lambda r: repr(_rounded(r)))
        bad = [(x, y) for x, y in zip(rows_a, rows_b) if not _close(x, y)][:3]
        assert len(rows_a) == len(rows_b) and not bad, f"{name}: {len(rows_a)} vs {len(rows_b)} rows; first differences {a!r} / {b!r}: {bad}"


def run_steps(workspaces: Iterable, steps: Iterable[Callable]) -> None:
    """Apply each step (a function of a workspace) to every workspace, in order."""
    workspaces = list(workspaces)
    for step in steps:
        for ws in workspaces:
            step(ws)
