"""A workspace that is a folder of Parquet tables, computed on DuckDB or on Spark.

It has the interface of the DuckDB file workspace (``cibscan.workspace.Workspace``; it is a
subclass): ``table``, ``write_table``, ``ingest``, ``add_records``, ``info`` ... so detectors
and the ingest loop run on it unchanged. Spark writes it on a cluster; ``open_workspace(folder)``
opens it with DuckDB on a laptop. Layout and crash safety: ``cibscan.engines.parquet_store``.

Example
-------
>>> from cibscan import open_workspace
>>> ws = open_workspace("case/", engine="spark", master="local[2]")   # doctest: +SKIP
>>> ws.ingest(["tweets.csv"])                                         # doctest: +SKIP
>>> open_workspace("case/").table("posts").count().execute()          # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa

from ..errors import ParameterError, WorkspaceError
from ..ingest import staging
from ..schema import SOURCES, TABLES, arrow_schema, empty_table
from ..workspace import DEFAULT_INGEST_MEMORY, CommitCounts, Workspace
from .ingest_merge import merged_accounts, new_posts, staged_accounts
from .parquet_store import ParquetStore, count_parquet_rows

__all__ = ["ParquetWorkspace", "ENGINES", "make_engine"]

ENGINES = ("duckdb", "spark")

_SCHEMAS = {name: ibis.Schema.from_pyarrow(arrow_schema(cols)) for name, cols in TABLES.items()}
_STAGED_POSTS = ibis.Schema.from_pyarrow(staging._POST_SCHEMA)
_STAGED_ACCOUNTS = ibis.Schema.from_pyarrow(staging._ACCOUNT_SCHEMA)


def make_engine(engine: str, **options: Any):
    """The engine object for a Parquet-folder workspace (``duckdb`` or ``spark``)."""
    if engine == "duckdb":
        from .duckdb_engine import DuckDBEngine

        unknown = set(options) - {"memory_limit", "threads"}
        if unknown:
            raise ParameterError(f"the DuckDB engine takes memory_limit and threads, not {', '.join(sorted(unknown))}")
        return DuckDBEngine(**options)
    if engine == "spark":
        from .spark import SparkEngine

        options.pop("threads", None)  # cores are the master's business (local[N])
        options.pop("memory_limit", None)
        return SparkEngine(**options)
    raise ParameterError(f"unknown engine {engine!r}; use one of: {', '.join(ENGINES)}")


class ParquetWorkspace(Workspace):
    """Canonical tables and findings of one investigation, as a folder of Parquet tables.

    Parameters
    ----------
    path : str
        The workspace folder; created when it does not exist (or is empty).
    engine : str
        ``duckdb`` (this machine) or ``spark``.
    read_only : bool
        Open without the writer's lock.
    **engine_options
        For DuckDB: ``memory_limit``, ``threads``. For Spark: ``master``, ``spark_conf``,
        ``session`` (see ``cibscan.engines.spark.SparkEngine``).
    """

    def __init__(self, path: str, *, engine: str = "duckdb", read_only: bool = False, **engine_options: Any):
        self.path = os.fspath(path)
        self.read_only = read_only
        if engine not in ENGINES:
            raise ParameterError(f"unknown engine {engine!r}; use one of: {', '.join(ENGINES)}")
        self.store = ParquetStore(self.path, read_only=read_only)
        try:
            self._engine = make_engine(engine, **engine_options)
        except BaseException:
            self.store.close()
            raise
        self.engine = self._engine.name
        self.con = self._engine.con
        self.raw = self._engine.raw  # the engine's own handle; only cibscan.engines uses it
        self._registered: set[str] = set()
        missing = [n for n in TABLES if not self.store.has(n)]
        if missing and not read_only:
            with self.store.commit() as change:
                for n in missing:
                    change.replace[n] = self.store.entry(self.store.write_arrow_part(n, empty_table(TABLES[n])), _SCHEMAS[n])

    # -- reading -------------------------------------------------------------------------
    def list_tables(self) -> list[str]:
        return sorted(self.store.tables)

    def table(self, name: str) -> ibis.Table:
        if self.store.has(name) and name not in self._registered:
            self._engine.register(name, self.store.files(name), self.store.tables[name].schema)
            self._registered.add(name)
        return super().table(name)

    def count(self, name: str) -> int:
        """Rows of a table, from the manifest (no scan)."""
        return self.store.tables[name].rows if self.store.has(name) else 0

    def _refresh(self, names) -> None:
        for name in names:
            if name in self._registered:
                self._registered.discard(name)
                if self.store.has(name):
                    self.table(name)
                else:
                    self._engine.unregister(name)

    # -- writing -------------------------------------------------------------------------
    def write_table(self, name: str, data: Any, *, overwrite: bool = True) -> ibis.Table:
        """Store ``data`` (Arrow table, pandas frame or Ibis expression) as table ``name``.

        An Ibis expression runs on the engine (on Spark: on the executors); Arrow and pandas
        data are small by construction and written by this process."""
        self._check_writable()
        if name in TABLES:
            raise WorkspaceError(f"{name!r} is a canonical table; it changes only through ingest")
        if not overwrite and self.has_table(name):
            raise WorkspaceError(f"table {name!r} exists; pass overwrite=True to replace it")
        if isinstance(data, ibis.Expr):
            data = data.as_table()
            rel, folder = self.store.new_part(name)
            self._engine.write(data, folder)
            schema = data.schema()
        else:
            arrow = _as_arrow(data)
            rel = self.store.write_arrow_part(name, arrow)
            schema = ibis.Schema.from_pyarrow(arrow.schema)
        with self.store.commit() as change:
            change.replace[name] = self.store.entry(rel, schema)
        self._refresh([name])
        return self.table(name)

    def drop_table(self, name: str) -> None:
        self._check_writable()
        if name in TABLES:
            raise WorkspaceError(f"{name!r} is a canonical table; it changes only through ingest")
        with self.store.commit() as change:
            change.drop.add(name)
        self._refresh([name])

    # -- ingest --------------------------------------------------------------------------
    @property
    def staging_root(self) -> str:
        return self.store.staging_root

    def _sources(self) -> pd.DataFrame:
        return self.store.read_arrow("sources").to_pandas()  # one row per file: small

    def source_by_hash(self, sha256: str) -> dict | None:
        s = self._sources()
        hit = s[s.sha256 == sha256] if len(s) else s
        if not len(hit):
            return None
        row = hit.iloc[0]
        return {"source_id": int(row.source_id), "path": row.path, "format": row.format}

    def next_source_id(self) -> int:
        s = self._sources()
        return int(s.source_id.max()) + 1 if len(s) else 1

    def commit_staging(self, folder: str, parts: dict[str, list[str]], source: dict, memory_limit: str = DEFAULT_INGEST_MEMORY,
                       *, merge_posts: bool = False) -> CommitCounts:
        """Merge one file's staged rows into the canonical tables, all or nothing.

        The merge is ``cibscan.engines.ingest_merge`` (Ibis; it runs on the engine). New posts
        and rejects are appended as new parts, accounts are rewritten (filled gaps), and the
        manifest names all of them at once; killed before that, the workspace is as before.
        ``merge_posts``: rows sharing a post id are parts of one post (long-format tables).
        ``memory_limit`` is accepted for interface compatibility (the engine's own applies).
        """
        self._check_writable()
        changed = ("posts", "accounts", "rejects", "sources")
        try:
            with self.store.commit() as change:
                n_staged = n_posts = n_accounts = n_rejects = 0
                if files := parts.get("posts"):
                    n_staged = count_parquet_rows(files)
                    staged = self._staged_view("_staged_posts", files, _STAGED_POSTS)
                    n_posts = self._append_part(change, "posts", new_posts(staged, self.table("posts"), merge_posts))
                if files := parts.get("accounts"):
                    staged = self._staged_view("_staged_accounts", files, _STAGED_ACCOUNTS)
                    before = self.count("accounts")
                    rel, out = self.store.new_part("accounts")
                    self._engine.write(merged_accounts(staged_accounts(staged), self.table("accounts")), out)
                    change.replace["accounts"] = entry = self.store.entry(rel, _SCHEMAS["accounts"])
                    n_accounts = entry.rows - before
                if files := parts.get("rejects"):
                    n_rejects = count_parquet_rows(files)
                    rel, out = self.store.new_part("rejects")
                    os.makedirs(out)
                    for i, f in enumerate(files):  # already in the final schema: move, don't rewrite
                        shutil.move(f, os.path.join(out, f"part-{i:05d}.parquet"))
                    change.append["rejects"] = self.store.entry(rel, _SCHEMAS["rejects"])
                row = {**source, "ingested_at": datetime.now(timezone.utc).replace(tzinfo=None), "posts": n_posts,
                       "accounts": n_accounts, "rejects": n_rejects, "duplicates": n_staged - n_posts}
                rel = self.store.write_arrow_part("sources", pa.Table.from_pylist([row], schema=arrow_schema(SOURCES)))
                change.append["sources"] = self.store.entry(rel, _SCHEMAS["sources"])
        except BaseException:
            self.store.collect_garbage()
            raise
        finally:
            for view in ("_staged_posts", "_staged_accounts"):
                self._engine.unregister(view)
            shutil.rmtree(folder, ignore_errors=True)
            self._refresh(changed)
        return CommitCounts(n_posts, n_accounts, n_rejects, n_staged - n_posts)

    def _staged_view(self, view: str, files: list[str], schema: ibis.Schema) -> ibis.Table:
        self._engine.register(view, files, schema)
        return self.con.table(view)

    def _append_part(self, change, name: str, expr: ibis.Table) -> int:
        """Write ``expr`` as a new part of ``name``; an empty result adds no part."""
        rel, out = self.store.new_part(name)
        self._engine.write(expr, out)
        entry = self.store.entry(rel, _SCHEMAS[name])
        if entry.rows:
            change.append[name] = entry
        else:
            shutil.rmtree(out, ignore_errors=True)
        return entry.rows

    # -- summary -------------------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        """What the workspace holds (same keys as ``Workspace.info``), computed with Ibis on the
        engine; only counts come back."""
        posts, rejects = self.table("posts"), self.table("rejects")
        span = posts.aggregate(first=posts.created_at.min(), last=posts.created_at.max()).to_pyarrow().to_pylist()[0]
        sources = self._sources().sort_values("source_id")
        by_format = []
        if len(sources):
            g = sources.groupby("format", sort=True)
            agg = g.agg(files=("source_id", "size"), posts=("posts", "sum"), accounts=("accounts", "sum"),
                        rejects=("rejects", "sum"), duplicates=("duplicates", "sum"))
            by_format = [{"format": f, **{k: int(v) for k, v in r.items()}} for f, r in agg.iterrows()]
        return {
            "path": self.path,
            "engine": self.engine,
            "posts": self.count("posts"),
            "accounts": self.count("accounts"),
            "rejects": self.count("rejects"),
            "first_post": span["first"],
            "last_post": span["last"],
            "posts_by_platform": _counts(posts, "platform"),
            "posts_by_kind": _counts(posts, "kind"),
            "by_format": by_format,
            "rejects_by_reason": _counts(rejects, "reason", tie_by_key=True),
            "sources": [
                {k: (int(r[k]) if k not in ("path", "format") else r[k]) for k in
                 ("source_id", "path", "format", "posts", "accounts", "rejects", "duplicates")}
                for r in sources.to_dict("records")
            ],
            "other_tables": sorted(t for t in self.list_tables() if t not in TABLES),
        }

    # -- lifecycle -----------------------------------------------------------------------
    def close(self) -> None:
        try:
            self._engine.close()
        finally:
            self.store.close()

    def __repr__(self) -> str:
        return f"ParquetWorkspace({self.path!r}, engine={self.engine!r})"


def _counts(t: ibis.Table, col: str, tie_by_key: bool = False) -> dict[str, int]:
    """``{value: rows}`` of one column, most frequent first."""
    g = t.group_by(col).aggregate(n=t.count())
    rows = g.to_pyarrow().to_pylist()
    rows.sort(key=lambda r: (-r["n"], r[col] if tie_by_key else 0))
    return {r[col]: int(r["n"]) for r in rows}


def _as_arrow(data: Any) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pd.DataFrame):
        return pa.Table.from_pandas(data, preserve_index=False)
    if isinstance(data, (list, dict)):
        return pa.Table.from_pylist(data) if isinstance(data, list) else pa.table(data)
    raise WorkspaceError(f"cannot store a {type(data).__name__} as a table; give an Arrow table, pandas frame or Ibis expression")
