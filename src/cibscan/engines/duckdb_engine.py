"""The DuckDB engine over a Parquet-folder workspace: an in-memory DuckDB whose tables are
views over the workspace's Parquet files (nothing is copied; a laptop opens a cluster's result
as it is)."""

from __future__ import annotations

import os
import tempfile

import ibis

__all__ = ["DuckDBEngine"]


def _quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


class DuckDBEngine:
    """Read and write Parquet-folder workspace tables with DuckDB.

    Parameters
    ----------
    memory_limit : str, optional
        DuckDB memory limit (e.g. ``"4GB"``); it spills to a temporary folder beyond it.
    threads : int, optional
        Worker threads (default: all cores).
    """

    name = "duckdb"

    def __init__(self, *, memory_limit: str | None = None, threads: int | None = None):
        from ..workspace import _check_size

        self.con = ibis.duckdb.connect()
        self.raw = self.con.con
        # In memory there is no database file to spill next to: use the system temp folder.
        self.raw.execute(f"SET temp_directory = {_quote(os.path.join(tempfile.gettempdir(), f'cibscan-duckdb-{os.getpid()}'))}")
        self.raw.execute("SET preserve_insertion_order = false")
        if memory_limit:
            self.raw.execute(f"SET memory_limit = {_quote(_check_size(memory_limit))}")
        if threads:
            self.raw.execute(f"SET threads = {int(threads)}")

    def register(self, view: str, files: list[str], schema: ibis.Schema | None = None) -> None:
        """Make ``view`` the union of ``files`` (Parquet, same columns; DuckDB reads the
        schema from the footers, ``schema`` is not needed)."""
        listed = ", ".join(_quote(f) for f in files)
        self.raw.execute(f'CREATE OR REPLACE VIEW "{view}" AS SELECT * FROM read_parquet([{listed}])')

    def unregister(self, view: str) -> None:
        self.raw.execute(f'DROP VIEW IF EXISTS "{view}"')

    def write(self, expr: ibis.Table, folder: str) -> None:
        """Run ``expr`` and write its rows as Parquet into the new folder ``folder``."""
        os.makedirs(folder)
        self.con.to_parquet(expr, os.path.join(folder, "part-00000.parquet"))

    def close(self) -> None:
        try:
            self.con.disconnect()
        except Exception:  # already closed
            pass
