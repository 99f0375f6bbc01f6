"""Turning workspace query results into the compact, JSON-ready tables a report embeds.

A report table is ``{"columns": [...], "rows": [[...], ...], "total": n}``: column-major names
once, then plain rows (half the size of a list of dicts at 10,000 accounts). Values become JSON
types here (times as ``YYYY-MM-DD HH:MM:SS`` UTC strings, non-finite floats as ``null``), so the
renderer never meets a type it cannot write.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import ibis

__all__ = ["jsonable", "report_table", "parse_json_text", "truncate"]

#: Floats are rounded to this many decimals (scores, shares, gaps): more is noise in a report.
FLOAT_DECIMALS = 4


def jsonable(value: Any) -> Any:
    """``value`` as a JSON-ready Python value (recursively for lists and dicts)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return round(value, FLOAT_DECIMALS) if math.isfinite(value) else None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return jsonable(float(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return jsonable(value.item())
    if hasattr(value, "tolist"):  # numpy arrays
        return jsonable(value.tolist())
    return str(value)


def truncate(text: str | None, limit: int) -> str | None:
    """``text`` cut to ``limit`` characters, with an ellipsis that says it was cut."""
    if text is None or len(text) <= limit:
        return text
    return text[:limit] + "\u2026"


def parse_json_text(text: str | None) -> Any:
    """A JSON text column (``findings.metrics``, ``evidence.values``) as a value; a text that
    does not parse is kept as the text, so nothing is hidden."""
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return text


def report_table(expr: ibis.Table, limit: int | None = None, *, total: bool = True) -> dict:
    """Rows of an Ibis table expression as a report table (at most ``limit`` rows, in the
    expression's order); ``total`` counts all rows so the report can say what was left out."""
    data = (expr.limit(limit) if limit is not None else expr).to_pyarrow()
    names = data.column_names
    cols = [data.column(n).to_pylist() for n in names]
    rows = [jsonable(list(r)) for r in zip(*cols)] if cols else []
    n_total = int(expr.count().execute()) if total and limit is not None and len(rows) >= limit else len(rows)
    return {"columns": names, "rows": rows, "total": n_total}
