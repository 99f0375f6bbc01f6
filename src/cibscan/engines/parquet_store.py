"""A workspace as a folder of Parquet tables: the layout, the manifest and crash-safe commits.

This module knows files, not engines: it decides where a table version lives, which versions
make up the workspace (the manifest) and how a change becomes visible all at once. DuckDB and
Spark both read and write the same folder (``cibscan.engines.parquet_workspace``), so a team can
compute on a cluster and investigate the result on a laptop.

Layout
------
::

    case/                          the workspace (any name)
      manifest.json                which part folders make up each table, their schemas and row counts
      .lock                        taken by the one process that may write (readers need no lock)
      tables/<table>/<part>/       one folder per written part: *.parquet files (Spark adds
                                   _SUCCESS and .crc files; they are ignored)
      _staging/                    rows an ingest is still reading (removed on the next open)

A table is the union of the part folders the manifest lists for it. Ingest *appends* a part to
``posts``, ``rejects`` and ``sources`` (new rows only) and *replaces* ``accounts`` (existing
accounts get their empty fields filled); a detector's ``write_table`` replaces its table.

Crash safety
------------
Nothing a reader can see is ever modified in place. A commit writes new part folders first,
then writes ``manifest.json.tmp``, flushes it to disk and renames it over ``manifest.json``
(an atomic rename on POSIX file systems). Killed before the rename, the workspace is as before;
after it, it holds the whole change. Part folders no manifest lists (left by a killed run or
replaced by a commit) are deleted by the next writer.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import WorkspaceError

__all__ = [
    "MANIFEST",
    "MANIFEST_FORMAT",
    "ParquetStore",
    "TableEntry",
    "is_parquet_workspace",
    "parquet_files",
    "count_parquet_rows",
]

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "cibscan-parquet-workspace"
MANIFEST_VERSION = 1
TABLES_DIR = "tables"
STAGING_DIR = "_staging"
LOCK_FILE = ".lock"


def is_parquet_workspace(path: str) -> bool:
    """Whether ``path`` is a folder holding a cibscan Parquet workspace manifest."""
    return os.path.isfile(os.path.join(os.fspath(path), MANIFEST))


def parquet_files(folder: str) -> list[str]:
    """The data files of one part folder, sorted; Spark's ``_SUCCESS`` and hidden ``.crc``
    files are skipped (so are names starting with ``_`` or ``.``, as Spark and Hive do)."""
    return sorted(
        os.path.join(folder, f) for f in os.listdir(folder)
        if f.endswith(".parquet") and not f.startswith(("_", "."))
    )


def count_parquet_rows(files: list[str]) -> int:
    """Rows in Parquet files, read from their footers (no data is read)."""
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def _schema_to_json(schema: ibis.Schema) -> list[list[str]]:
    return [[name, str(dtype)] for name, dtype in schema.items()]


def _schema_from_json(cols: list[list[str]]) -> ibis.Schema:
    return ibis.schema({name: dtype for name, dtype in cols})


@dataclass
class TableEntry:
    """One table in the manifest: its part folders (relative to the workspace), its schema
    and its row count (summed from the Parquet footers when the parts were written)."""

    parts: list[str]
    schema: ibis.Schema
    rows: int

    def to_json(self) -> dict[str, Any]:
        return {"parts": self.parts, "schema": _schema_to_json(self.schema), "rows": self.rows}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TableEntry:
        return cls(list(d["parts"]), _schema_from_json(d["schema"]), int(d["rows"]))


@dataclass
class Change:
    """Tables one commit appends to, replaces or drops; applied to the manifest at once."""

    replace: dict[str, TableEntry] = field(default_factory=dict)
    append: dict[str, TableEntry] = field(default_factory=dict)
    drop: set[str] = field(default_factory=set)


class ParquetStore:
    """The files of one Parquet-folder workspace.

    Parameters
    ----------
    root : str
        The workspace folder; created (with an empty manifest) when ``create`` is true and it
        does not exist yet.
    read_only : bool
        Take no lock and refuse to write.
    """

    def __init__(self, root: str, *, read_only: bool = False, create: bool = True):
        self.root = os.path.abspath(os.fspath(root))
        self.read_only = read_only
        self._lock_fd: int | None = None
        manifest = os.path.join(self.root, MANIFEST)
        if not os.path.exists(manifest):
            if read_only or not create:
                raise WorkspaceError(
                    f"no workspace at {root}: ingest something first (cibscan ingest FILE -w {root})"
                    if not os.path.exists(self.root) else
                    f"{root} is a folder but not a cibscan workspace (no {MANIFEST}); give an empty or new folder"
                )
            parent = os.path.dirname(self.root)
            if not os.path.isdir(parent):
                raise WorkspaceError(f"cannot create workspace {root}: folder {parent} does not exist")
            if os.path.isdir(self.root) and os.listdir(self.root):
                raise WorkspaceError(f"{root} is a folder but not a cibscan workspace (no {MANIFEST}); give an empty or new folder")
            os.makedirs(self.root, exist_ok=True)
        if not read_only:
            self._take_lock()
        self.tables: dict[str, TableEntry] = {}
        self.generation = 0
        if os.path.exists(manifest):
            self._load()
        else:
            self._write_manifest()
        if not read_only:
            shutil.rmtree(self.staging_root, ignore_errors=True)  # left by a killed run
            self.collect_garbage()

    # -- manifest ------------------------------------------------------------------------
    def _load(self) -> None:
        path = os.path.join(self.root, MANIFEST)
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            if data.get("format") != MANIFEST_FORMAT:
                raise ValueError(f"format is {data.get('format')!r}, not {MANIFEST_FORMAT!r}")
            if int(data.get("version", 0)) > MANIFEST_VERSION:
                raise ValueError(f"written by a newer cibscan (layout version {data['version']}); upgrade cibscan")
            self.tables = {name: TableEntry.from_json(t) for name, t in data["tables"].items()}
            self.generation = int(data.get("generation", 0))
        except (ValueError, KeyError, TypeError) as e:
            raise WorkspaceError(f"cannot open workspace {self.root}: {MANIFEST} is not readable ({e})") from e

    def _write_manifest(self) -> None:
        data = {
            "format": MANIFEST_FORMAT,
            "version": MANIFEST_VERSION,
            "generation": self.generation,
            "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "tables": {name: t.to_json() for name, t in sorted(self.tables.items())},
        }
        path = os.path.join(self.root, MANIFEST)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic: readers see the old or the new manifest, never half
        _fsync_dir(self.root)

    def reload(self) -> None:
        """Read the manifest again (a reader picking up a writer's commits)."""
        self._load()

    # -- reading -------------------------------------------------------------------------
    def has(self, name: str) -> bool:
        return name in self.tables

    def files(self, name: str) -> list[str]:
        """Absolute paths of the Parquet files that make up table ``name`` now."""
        return [f for part in self.tables[name].parts for f in parquet_files(os.path.join(self.root, part))]

    def read_arrow(self, name: str) -> pa.Table:
        """A small table read on this machine with pyarrow (``sources``, findings): only for
        tables that are small by construction."""
        files = self.files(name)
        tables = [pq.read_table(f) for f in files]
        return pa.concat_tables(tables, promote_options="permissive") if tables else pa.table({})

    # -- writing -------------------------------------------------------------------------
    def new_part(self, name: str) -> tuple[str, str]:
        """A fresh part folder for table ``name``: (relative path for the manifest, absolute
        path to write into). It is invisible until a commit lists it."""
        self._check_writable()
        rel = f"{TABLES_DIR}/{_safe_name(name)}/{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}"
        return rel, os.path.join(self.root, rel)

    def entry(self, rel: str, schema: ibis.Schema) -> TableEntry:
        """The manifest entry of a written part folder (rows from its footers)."""
        folder = os.path.join(self.root, rel)
        files = parquet_files(folder) if os.path.isdir(folder) else []
        if not files:
            raise WorkspaceError(f"writing {rel} produced no Parquet file; the workspace is unchanged")
        return TableEntry([rel], schema, count_parquet_rows(files))

    def write_arrow_part(self, name: str, data: pa.Table) -> str:
        """Write a small Arrow table as a new part folder (from this process, with pyarrow)."""
        rel, folder = self.new_part(name)
        os.makedirs(folder)
        pq.write_table(data, os.path.join(folder, "part-00000.parquet"))
        return rel

    @contextmanager
    def commit(self) -> Iterator[Change]:
        """Collect table changes and make them visible together when the block ends.

        On an exception nothing changes (part folders already written become garbage and are
        removed by the next writer).
        """
        self._check_writable()
        change = Change()
        yield change
        replaced: list[str] = []
        for name in change.drop:
            if name in self.tables:
                replaced.extend(self.tables.pop(name).parts)
        for name, e in change.replace.items():
            if name in self.tables:
                replaced.extend(self.tables[name].parts)
            self.tables[name] = e
        for name, e in change.append.items():
            old = self.tables.get(name)
            if old is None:
                self.tables[name] = e
            else:
                self.tables[name] = TableEntry(old.parts + e.parts, old.schema, old.rows + e.rows)
        self.generation += 1
        self._write_manifest()
        for rel in replaced:
            shutil.rmtree(os.path.join(self.root, rel), ignore_errors=True)

    def collect_garbage(self) -> list[str]:
        """Delete part folders the manifest does not list (left by killed runs); returns them."""
        self._check_writable()
        listed = {p for t in self.tables.values() for p in t.parts}
        removed = []
        base = os.path.join(self.root, TABLES_DIR)
        if not os.path.isdir(base):
            return removed
        for table in os.listdir(base):
            tdir = os.path.join(base, table)
            for part in os.listdir(tdir):
                rel = f"{TABLES_DIR}/{table}/{part}"
                if rel not in listed:
                    shutil.rmtree(os.path.join(self.root, rel), ignore_errors=True)
                    removed.append(rel)
            if not os.listdir(tdir):
                os.rmdir(tdir)
        return removed

    @property
    def staging_root(self) -> str:
        return os.path.join(self.root, STAGING_DIR)

    # -- lock ----------------------------------------------------------------------------
    def _take_lock(self) -> None:
        fd = os.open(os.path.join(self.root, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            raise WorkspaceError(f"workspace {self.root} is open for writing in another process; close it or open it read-only") from e
        self._lock_fd = fd

    def _check_writable(self) -> None:
        if self.read_only:
            raise WorkspaceError(f"workspace {self.root} was opened read-only")

    def close(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None


def _safe_name(name: str) -> str:
    if not name or not all(c.isalnum() or c in "_-" for c in name):
        raise WorkspaceError(f"table name {name!r} may hold only letters, digits, '_' and '-'")
    return name


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
