"""The workspace: canonical tables (and everything detectors write) in one engine.

The default engine is one embedded DuckDB file: nothing to start, one file to hand over.
Everything outside this module reaches the data through Ibis tables (``ws.table(name)``), so
the same expressions run on the PySpark backend; this module is the only one that touches the
engine connection itself.

Example
-------
>>> import cibscan
>>> ws = cibscan.open_workspace("case.duckdb")            # doctest: +SKIP
>>> ws.ingest(["tweets.csv"])                              # doctest: +SKIP
>>> ws.table("posts").group_by("kind").count().to_pandas() # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import ibis
import pyarrow as pa

from .errors import WorkspaceError
from .schema import ACCOUNTS, POSTS, TABLES, Column

__all__ = ["Workspace", "open_workspace", "DEFAULT_INGEST_MEMORY"]

#: DuckDB memory limit while a file is committed (it spills to disk beyond it); keeps ingest of
#: a 10M-post file well under 2 GiB RSS.
DEFAULT_INGEST_MEMORY = "1GB"


def _sql_type(t: pa.DataType) -> str:
    if pa.types.is_list(t):
        return _sql_type(t.value_type) + "[]"
    return {
        pa.string(): "VARCHAR",
        pa.int64(): "BIGINT",
        pa.int32(): "INTEGER",
        pa.float64(): "DOUBLE",
        pa.bool_(): "BOOLEAN",
        pa.timestamp("us"): "TIMESTAMP",
    }[t]


def _ddl(name: str, cols: tuple[Column, ...]) -> str:
    body = ", ".join(f'"{c.name}" {_sql_type(c.type)}{"" if c.nullable else " NOT NULL"}' for c in cols)
    return f'CREATE TABLE IF NOT EXISTS "{name}" ({body})'


@dataclass
class CommitCounts:
    posts: int
    accounts: int
    rejects: int
    duplicates: int


class Workspace:
    """Canonical tables and findings of one investigation, in one DuckDB file.

    Parameters
    ----------
    path : str
        The DuckDB file; created (with its tables) when it does not exist.
    read_only : bool
        Open without taking the write lock (several readers may share a file).
    memory_limit : str, optional
        DuckDB memory limit (e.g. ``"4GB"``); DuckDB spills to disk beyond it.
    threads : int, optional
        DuckDB worker threads (default: all cores).
    """

    engine = "duckdb"

    def __init__(self, path: str, *, read_only: bool = False, memory_limit: str | None = None, threads: int | None = None):
        self.path = os.fspath(path)
        self.read_only = read_only
        if read_only and not os.path.exists(self.path):
            raise WorkspaceError(f"no workspace at {self.path}: ingest something first (cibscan ingest FILE -w {self.path})")
        parent = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(parent):
            raise WorkspaceError(f"cannot create workspace {self.path}: folder {parent} does not exist")
        try:
            self.con = ibis.duckdb.connect(self.path, read_only=read_only)
        except Exception as e:  # duckdb raises IOException for locks and bad files
            msg = str(e).splitlines()[0]
            if "lock" in msg.lower():
                raise WorkspaceError(f"workspace {self.path} is open in another process; close it or use another file") from e
            raise WorkspaceError(f"cannot open workspace {self.path}: {msg}") from e
        self.raw = self.con.con  # the duckdb connection; only this module uses it
        if memory_limit:
            self.raw.execute(f"SET memory_limit = '{_check_size(memory_limit)}'")
        if threads:
            self.raw.execute(f"SET threads = {int(threads)}")
        self.raw.execute("SET preserve_insertion_order = false")
        # DuckDB draws its own progress bar on stdout for long queries: the library never prints
        self.raw.execute("SET enable_progress_bar = false")
        if not read_only:
            for name, cols in TABLES.items():
                self.raw.execute(_ddl(name, cols))
            shutil.rmtree(self.staging_root, ignore_errors=True)  # left by a killed run

    # -- reading -------------------------------------------------------------------------
    def table(self, name: str) -> ibis.Table:
        """An Ibis table of the workspace (``posts``, ``accounts``, ``rejects``, ``sources``,
        or a table a detector wrote)."""
        if not self.has_table(name):
            raise WorkspaceError(f"workspace {self.path} has no table {name!r}; run the step that makes it first")
        return self.con.table(name)

    @property
    def posts(self) -> ibis.Table:
        return self.table("posts")

    @property
    def accounts(self) -> ibis.Table:
        return self.table("accounts")

    def has_table(self, name: str) -> bool:
        return name in self.list_tables()

    def list_tables(self) -> list[str]:
        """The workspace's stored tables and views, in name order; not the connection's
        temporary objects (Ibis keeps its memtables and cached results there, and they are
        no part of the case: exports and ``info`` would otherwise list them)."""
        sql = ("SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database() "
               "UNION SELECT view_name FROM duckdb_views() WHERE NOT temporary AND NOT internal "
               "AND database_name = current_database()")
        return sorted(r[0] for r in self.con.raw_sql(sql).fetchall())

    def to_arrow(self, what: str | ibis.Table) -> pa.Table:
        return (self.table(what) if isinstance(what, str) else what).to_pyarrow()

    def to_pandas(self, what: str | ibis.Table):
        return (self.table(what) if isinstance(what, str) else what).to_pandas()

    def count(self, name: str) -> int:
        return int(self.table(name).count().execute()) if self.has_table(name) else 0

    # -- writing -------------------------------------------------------------------------
    def write_table(self, name: str, data: Any, *, overwrite: bool = True) -> ibis.Table:
        """Store ``data`` (Arrow table, pandas frame or Ibis expression) as table ``name``."""
        self._check_writable()
        if name in TABLES:
            raise WorkspaceError(f"{name!r} is a canonical table; it changes only through ingest")
        return self.con.create_table(name, data, overwrite=overwrite)

    def drop_table(self, name: str) -> None:
        self._check_writable()
        self.con.drop_table(name, force=True)

    def _check_writable(self) -> None:
        if self.read_only:
            raise WorkspaceError(f"workspace {self.path} was opened read-only")

    # -- ingest --------------------------------------------------------------------------
    def ingest(self, paths, *, format: str | None = None, options: dict | None = None, progress=None):
        """Read files into the canonical tables; see ``cibscan.ingest.ingest_paths``."""
        from .ingest import ingest_paths

        return ingest_paths(self, paths, format=format, options=options, progress=progress)

    def add_records(self, posts=(), accounts=(), *, source: str = "records", platform: str = "generic"):
        """Ingest in-memory records; see ``cibscan.ingest.ingest_records``."""
        from .ingest import ingest_records

        return ingest_records(self, posts, accounts, source=source, platform=platform)

    @property
    def staging_root(self) -> str:
        return self.path + ".staging"

    def new_staging_folder(self) -> str:
        folder = os.path.join(self.staging_root, uuid.uuid4().hex)
        os.makedirs(folder)
        return folder

    def source_by_hash(self, sha256: str) -> dict | None:
        row = self.raw.execute("SELECT source_id, path, format FROM sources WHERE sha256 = ?", [sha256]).fetchall()
        return {"source_id": row[0][0], "path": row[0][1], "format": row[0][2]} if row else None

    def next_source_id(self) -> int:
        return int(self.raw.execute("SELECT coalesce(max(source_id), 0) + 1 FROM sources").fetchall()[0][0])

    def commit_staging(self, folder: str, parts: dict[str, list[str]], source: dict, memory_limit: str = DEFAULT_INGEST_MEMORY,
                       *, merge_posts: bool = False) -> CommitCounts:
        """Move one file's staged rows into the canonical tables in a single transaction.

        Posts already stored (same platform and id), or repeated within the file, are kept once
        (the first seen) and counted as duplicates. With ``merge_posts`` (long-format tables),
        rows of the file that share a post id are merged instead: scalars from the first row
        (its first non-null value), list values concatenated in file order without repeats. Accounts already stored keep their values;
        only their empty fields are filled from the new file. Killed at any point, the
        workspace is either as before or holds the whole file.
        """
        self._check_writable()
        con = self.raw
        old_limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        con.execute(f"SET memory_limit = '{_check_size(memory_limit)}'")
        con.execute("BEGIN TRANSACTION")
        try:
            counts = self._merge(con, parts, source, merge_posts)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.execute(f"SET memory_limit = '{old_limit}'")
            shutil.rmtree(folder, ignore_errors=True)
        return counts

    def _merge(self, con, parts: dict[str, list[str]], source: dict, merge_posts: bool = False) -> CommitCounts:
        def scan(table: str) -> str | None:
            files = parts.get(table) or []
            return "read_parquet([" + ", ".join(_quote(f) for f in files) + "])" if files else None

        post_cols = ", ".join(f'"{c.name}"' for c in POSTS)
        n_posts = n_staged_posts = n_accounts = n_rejects = 0
        if (src := scan("posts")) is not None:
            n_staged_posts = con.execute(f"SELECT count(*) FROM {src}").fetchall()[0][0]
            # Ids repeated within the file, found by a grouping (which spills to disk) rather
            # than a window over every row (which does not: 10M posts ran out of 1 GB).
            con.execute(f"CREATE OR REPLACE TEMP TABLE _repeated AS SELECT platform, post_id FROM {src} GROUP BY platform, post_id HAVING count(*) > 1")
            once = f"SELECT {post_cols} FROM {src} s WHERE NOT EXISTS (SELECT 1 FROM _repeated r WHERE r.platform = s.platform AND r.post_id = s.post_id)"
            repeated = f"(SELECT s.* FROM {src} s SEMI JOIN _repeated r ON r.platform = s.platform AND r.post_id = s.post_id)"
            first = f"SELECT {post_cols} FROM (SELECT *, row_number() OVER (PARTITION BY platform, post_id ORDER BY _seq) AS _rn FROM {repeated}) WHERE _rn = 1"
            rows = f"{once} UNION ALL {_merged_posts_sql(repeated) if merge_posts else first}"
            n_posts = _affected(con.execute(
                f"""INSERT INTO posts SELECT {post_cols} FROM ({rows}) s
                    WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.platform = s.platform AND p.post_id = s.post_id)"""
            ))
            con.execute("DROP TABLE _repeated")
        if (src := scan("accounts")) is not None:
            keys = ("platform", "account_id")
            # Per account: the last non-empty value of each field within this file.
            aggs = ", ".join(
                f'min("{c.name}") AS "{c.name}"' if c.name == "source_id"
                else f'arg_max("{c.name}", _seq) FILTER (WHERE "{c.name}" IS NOT NULL) AS "{c.name}"'
                for c in ACCOUNTS if c.name not in keys
            )
            con.execute(f"CREATE OR REPLACE TEMP TABLE _staged_accounts AS SELECT platform, account_id, {aggs} FROM {src} GROUP BY platform, account_id")
            sets = ", ".join(f'"{c.name}" = coalesce(a."{c.name}", s."{c.name}")' for c in ACCOUNTS if c.name not in keys + ("source_id",))
            con.execute(f"UPDATE accounts a SET {sets} FROM _staged_accounts s WHERE a.platform = s.platform AND a.account_id = s.account_id")
            acc_cols = ", ".join(f's."{c.name}"' for c in ACCOUNTS)
            n_accounts = _affected(con.execute(
                f"""INSERT INTO accounts SELECT {acc_cols} FROM _staged_accounts s WHERE NOT EXISTS (
                      SELECT 1 FROM accounts a WHERE a.platform = s.platform AND a.account_id = s.account_id)"""
            ))
            con.execute("DROP TABLE _staged_accounts")
        if (src := scan("rejects")) is not None:
            n_rejects = _affected(con.execute(f"INSERT INTO rejects SELECT * FROM {src}"))
        dups = n_staged_posts - n_posts
        con.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [source["source_id"], source["path"], source["sha256"], source["bytes"], source["format"],
             datetime.now(timezone.utc).replace(tzinfo=None), n_posts, n_accounts, n_rejects, dups],
        )
        return CommitCounts(n_posts, n_accounts, n_rejects, dups)

    # -- image hashes (owner: impersonation) ---------------------------------------------
    def add_image_hashes(self, rows: pa.Table, rejects: list[dict], *, kind: str, path: str, sha256: str) -> dict[str, int]:
        """Store hashed image files (``cibscan.images.IMAGE_HASHES_SCHEMA`` rows keyed by file
        stem) in one transaction: the table ``image_hashes`` (a file hashed again replaces its
        row), ``accounts.avatar_hash`` (``pdq:<hex>``) for avatars, ``posts.media_hashes`` for
        media (a post matches when its id, or the stem of one of its ``media_urls``, is the
        file stem), a ``sources`` row (format ``images``) and ``rejects`` for unreadable files.

        ``kind``: ``avatar``, ``media``, or ``auto`` (an avatar when the stem is an account id).
        Returns counts: ``avatars`` (accounts updated), ``media_posts`` (posts updated),
        ``unmatched`` (hashed files that matched nothing).
        """
        self._check_writable()
        con = self.raw
        choose = {"avatar": "'avatar'", "media": "'media'"}.get(
            kind, "CASE WHEN n.id IN (SELECT account_id FROM accounts) THEN 'avatar' ELSE 'media' END")
        con.execute(
            "CREATE TABLE IF NOT EXISTS image_hashes (id VARCHAR, kind VARCHAR, file VARCHAR, pdq VARCHAR, "
            "pdq_quality BIGINT, pdq_dihedral VARCHAR[], phash VARCHAR)"
        )
        con.register("_new_images", rows)
        con.execute("BEGIN TRANSACTION")
        try:
            source_id = self.next_source_id()
            con.execute(f"CREATE OR REPLACE TEMP TABLE _imgs AS SELECT n.* EXCLUDE (kind), {choose} AS kind FROM _new_images n")
            con.execute("DELETE FROM image_hashes WHERE (id, kind) IN (SELECT (id, kind) FROM _imgs)")
            con.execute("INSERT INTO image_hashes SELECT id, kind, file, pdq, pdq_quality, pdq_dihedral, phash FROM _imgs")
            avatars = _affected(con.execute(
                "UPDATE accounts SET avatar_hash = 'pdq:' || i.pdq FROM _imgs i WHERE i.kind = 'avatar' AND accounts.account_id = i.id"))
            con.execute(
                r"""CREATE OR REPLACE TEMP TABLE _media_map AS
                    WITH keys AS (
                      SELECT platform, post_id, post_id AS stem FROM posts
                      UNION
                      SELECT platform, post_id,
                             regexp_extract(unnest(media_urls), '([^/?#]+?)(\.[A-Za-z0-9]{1,5})?([?#].*)?$', 1) AS stem
                      FROM posts WHERE len(media_urls) > 0
                    )
                    SELECT k.platform, k.post_id, list_sort(list_distinct(list('pdq:' || i.pdq))) AS h, list(DISTINCT i.id) AS ids
                    FROM keys k JOIN _imgs i ON i.kind = 'media' AND i.id = k.stem
                    GROUP BY k.platform, k.post_id"""
            )
            media_posts = _affected(con.execute(
                "UPDATE posts SET media_hashes = list_sort(list_distinct(list_concat(posts.media_hashes, m.h))) "
                "FROM _media_map m WHERE posts.platform = m.platform AND posts.post_id = m.post_id"))
            unmatched = con.execute(
                """SELECT count(*) FROM _imgs i WHERE
                     (i.kind = 'avatar' AND i.id NOT IN (SELECT account_id FROM accounts))
                  OR (i.kind = 'media' AND i.id NOT IN (SELECT unnest(ids) FROM _media_map))"""
            ).fetchall()[0][0]
            for r in rejects:
                con.execute("INSERT INTO rejects VALUES (?, ?, ?, ?, ?, ?)",
                            [source_id, path, f"file {r['file']}", r["reason"], r["detail"], r["file"]])
            con.execute(
                "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [source_id, path, sha256, 0, "images", datetime.now(timezone.utc).replace(tzinfo=None), 0, 0, len(rejects), 0],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("_new_images")
            con.execute("DROP TABLE IF EXISTS _imgs; DROP TABLE IF EXISTS _media_map")
        return {"avatars": avatars, "media_posts": media_posts, "unmatched": int(unmatched)}

    # -- summary -------------------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        """What the workspace holds: counts per platform and format, time span, rejects by
        reason, the files ingested and the other tables present."""
        q = lambda sql: self.raw.execute(sql).fetchall()  # noqa: E731
        span = q("SELECT min(created_at), max(created_at) FROM posts")[0]
        return {
            "path": self.path,
            "posts": q("SELECT count(*) FROM posts")[0][0],
            "accounts": q("SELECT count(*) FROM accounts")[0][0],
            "rejects": q("SELECT count(*) FROM rejects")[0][0],
            "first_post": span[0],
            "last_post": span[1],
            "posts_by_platform": dict(q("SELECT platform, count(*) FROM posts GROUP BY 1 ORDER BY 2 DESC")),
            "posts_by_kind": dict(q("SELECT kind, count(*) FROM posts GROUP BY 1 ORDER BY 2 DESC")),
            "by_format": [
                dict(zip(("format", "files", "posts", "accounts", "rejects", "duplicates"), r))
                for r in q("SELECT format, count(*), sum(posts), sum(accounts), sum(rejects), sum(duplicates) FROM sources GROUP BY 1 ORDER BY 1")
            ],
            "rejects_by_reason": dict(q("SELECT reason, count(*) FROM rejects GROUP BY 1 ORDER BY 2 DESC, 1")),
            "sources": [
                dict(zip(("source_id", "path", "format", "posts", "accounts", "rejects", "duplicates"), r))
                for r in q("SELECT source_id, path, format, posts, accounts, rejects, duplicates FROM sources ORDER BY source_id")
            ],
            "other_tables": sorted(t for t in self.list_tables() if t not in TABLES),
        }

    # -- lifecycle -----------------------------------------------------------------------
    def close(self) -> None:
        try:
            self.con.disconnect()
        except Exception:  # already closed
            pass

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({self.path!r})"


def _merged_posts_sql(src: str) -> str:
    """One row per (platform, post_id) of staged rows whose ids repeat: each scalar from the
    first row that has it, each list the concatenation of the rows' lists in file order,
    repeats dropped.

    A post's rows are gathered as one list of structs sorted by ``_seq`` (much faster in
    DuckDB than ordered list aggregates), and repeats are dropped with a position filter
    (``list_distinct`` does not keep order)."""
    keys = ("platform", "post_id")
    cols = [c for c in POSTS if c.name not in keys]
    struct = "{" + ", ".join(["'_seq': _seq"] + [f"'{c.name}': \"{c.name}\"" for c in cols]) + "}"
    merged = []
    for c in cols:
        values = f"list_transform(_rows, lambda r: r.\"{c.name}\")"
        if pa.types.is_list(c.type):
            merged.append(f'list_filter(flatten({values}), lambda x, i: list_position(flatten({values}), x) = i) AS "{c.name}"')
        else:
            merged.append(f'coalesce(list_filter({values}, lambda v: v IS NOT NULL)[1], _rows[1]."{c.name}") AS "{c.name}"')
    names = ", ".join(f'"{c.name}"' for c in POSTS)
    return f"""SELECT {names} FROM (
          SELECT platform, post_id, {", ".join(merged)}
          FROM (SELECT platform, post_id, list_sort(list({struct})) AS _rows FROM {src} GROUP BY platform, post_id))"""


def _quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _affected(cursor) -> int:
    row = cursor.fetchall()
    return int(row[0][0]) if row else 0


def _check_size(value: str) -> str:
    import re

    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", str(value), re.IGNORECASE):
        raise WorkspaceError(f"memory limit {value!r} is not a size like 2GB or 512MB")
    return str(value).strip()


def open_workspace(path: str, engine: str | None = None, **kwargs) -> Workspace:
    """Open (or create) the workspace at ``path``; see ``Workspace`` for options.

    ``path`` is a DuckDB file (the default), or a folder of Parquet tables: an existing folder,
    a path ending in ``/``, or any path with ``engine="spark"`` (then ``master=``,
    ``spark_conf=`` apply; see ``cibscan.engines``). ``engine="duckdb"`` on a folder computes
    with DuckDB on this machine.
    """
    p = os.fspath(path)
    if engine in (None, "duckdb") and not (os.path.isdir(p) or p.endswith(("/", os.sep))):
        return Workspace(p, **kwargs)
    from .engines import ParquetWorkspace

    return ParquetWorkspace(p, engine=engine or "duckdb", **kwargs)
