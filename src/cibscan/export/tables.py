"""Findings tables as CSV (spreadsheet-safe) and Parquet (exact)."""

from __future__ import annotations

import json
import os

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import ParameterError, WorkspaceError
from ..schema import TABLES

__all__ = ["TABLE_FORMATS", "NOT_EXPORTED", "exportable_tables", "csv_safe_table", "export_tables"]

TABLE_FORMATS = ("csv", "parquet")
#: derived tables rebuilt from the canonical ones (and possibly huge): not exported by default
NOT_EXPORTED = ("traces", "traces_meta")
#: a cell a spreadsheet would run as a formula
_FORMULA_START = r"^[=+\-@\t\r]"


def exportable_tables(ws) -> list[str]:
    """The tables detectors stored (``findings``, ``evidence``, ``coordination_edges``, ...):
    everything but the canonical tables and the rebuildable traces, in name order."""
    return sorted(t for t in ws.list_tables() if t not in TABLES and t not in NOT_EXPORTED and not t.startswith("_"))


def _json_cell(v) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False, default=str)


def csv_safe_table(table: pa.Table) -> pa.Table:
    """``table`` ready for CSV: nested columns as JSON text, formula-like text cells prefixed
    with ``'`` (numbers are left alone)."""
    cols = []
    for name in table.column_names:
        col = table.column(name)
        t = col.type
        if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_struct(t) or pa.types.is_map(t):
            col = pa.chunked_array([pa.array([_json_cell(v) for v in col.to_pylist()], pa.string())])
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            risky = pc.fill_null(pc.match_substring_regex(col, _FORMULA_START), False)
            col = pc.if_else(risky, pc.binary_join_element_wise(pa.scalar("'"), col, ""), col)
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def export_tables(ws, folder: str, *, formats: tuple[str, ...] = TABLE_FORMATS, tables: list[str] | None = None) -> list[str]:
    """Write each table (default: ``exportable_tables``) to ``folder/<table>.<format>``;
    returns the paths written. The folder is created if needed."""
    bad = [f for f in formats if f not in TABLE_FORMATS]
    if bad:
        raise ParameterError(f"table format {', '.join(bad)} is not one of {', '.join(TABLE_FORMATS)}")
    names = exportable_tables(ws) if tables is None else list(tables)
    missing = [n for n in names if not ws.has_table(n)]
    if missing:
        raise WorkspaceError(f"workspace {ws.path} has no table {', '.join(missing)}; known: {', '.join(exportable_tables(ws)) or '(none: run cibscan scan)'}")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:
        raise WorkspaceError(f"cannot create export folder {folder}: {e.strerror}") from e
    written = []
    for name in names:
        data = ws.to_arrow(name)
        if "parquet" in formats:
            path = os.path.join(folder, f"{name}.parquet")
            pq.write_table(data, path)
            written.append(path)
        if "csv" in formats:
            path = os.path.join(folder, f"{name}.csv")
            pacsv.write_csv(csv_safe_table(data), path)
            written.append(path)
    return written
