"""The ingest loop: file -> adapter -> staged rows -> one workspace transaction."""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import InputNotFoundError, UnknownFormatError
from .base import Account, Adapter, Post, RecordError, Sample
from .registry import detect_adapter, get_adapter
from .batches import RowBatch
from .readers import Unit
from .staging import BatchRecords, StagingWriter

__all__ = ["FileReport", "IngestReport", "ingest_file", "ingest_paths", "ingest_records", "iter_input_files", "stage_units", "stage_unit", "is_binary", "is_blank"]

#: how often (in units) the progress callback hears from a running ingest
PROGRESS_EVERY = 10_000

ProgressFn = Callable[[str, int], None]


#: status of a file found in a folder that is in no known format (nothing read from it)
SKIPPED_STATUS = "skipped: not a format cibscan recognises"


@dataclass
class FileReport:
    """What one file added."""

    path: str
    format: str
    status: str  # "ingested" | "already ingested" | "empty" | SKIPPED_STATUS
    posts: int = 0
    accounts: int = 0
    rejects: int = 0
    duplicates: int = 0
    reject_reasons: dict[str, int] = field(default_factory=dict)
    decoding_fallbacks: int = 0
    seconds: float = 0.0


@dataclass
class IngestReport:
    """What a whole ingest call added, file by file."""

    files: list[FileReport]

    def total(self, what: str) -> int:
        return sum(getattr(f, what) for f in self.files)

    @property
    def reject_reasons(self) -> dict[str, int]:
        c: Counter[str] = Counter()
        for f in self.files:
            c.update(f.reject_reasons)
        return dict(c.most_common())


def iter_input_files(paths: Iterable[str]) -> list[str]:
    """Expand folders (recursively, sorted, hidden files skipped); fail on a missing path."""
    out: list[str] = []
    for p in paths:
        p = os.fspath(p)
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(os.path.join(root, f) for f in sorted(files) if not f.startswith("."))
        elif os.path.isfile(p):
            out.append(p)
        else:
            raise InputNotFoundError(f"{p}: no such file or folder")
    return out


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def is_binary(sample: Sample) -> bool:
    """Whether the file's start looks like binary data rather than text: more than a trace of
    NUL bytes, or many control bytes, in a file with no UTF-16/32 byte-order mark. (A stray NUL
    inside a text export is a bad record, not a binary file.)"""
    head = sample.head[:8192]
    if not head or sample.is_parquet or head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return False
    controls = sum(head.count(bytes([b])) for b in (*range(0, 9), 11, 12, *range(14, 32)))
    return head.count(b"\x00") > len(head) // 200 + 1 or controls > len(head) // 10


def is_blank(sample: Sample) -> bool:
    """Whether the file holds nothing but a byte-order mark and whitespace."""
    return not sample.is_parquet and not sample.text.strip("\ufeff \t\r\n")


def _choose_adapter(sample: Sample, format: str | None) -> type[Adapter]:
    if is_binary(sample):
        raise UnknownFormatError(
            f"{sample.path}: binary data, not a text or Parquet export (if it is UTF-16 text without a "
            "byte-order mark, save it as UTF-8); nothing was read from it"
        )
    return get_adapter(format) if format else detect_adapter(sample)


def stage_units(adapter: Adapter, path: str, writer: StagingWriter, progress: ProgressFn | None = None) -> int:
    """Read ``path`` with ``adapter`` into ``writer``: every unit ends as rows or as a reject,
    and no exception from a record escapes. Returns the number of units read.

    An adapter with a columnar path (``Adapter.batches``) reads runs of records a batch at a
    time; any record its columnar path does not vouch for is read unit by unit, so the rows and
    rejects are the same either way."""
    with _rare_collections():
        return _stage_units(adapter, path, writer, progress)


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Run with Python's cycle collector called rarely: reading allocates millions of small
    objects that live until their batch is staged, and with the default thresholds the
    collector scans them again and again (a third of the reading time); ingest makes no
    reference cycles to collect."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 100_000), max(before[1], 50), max(before[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _stage_units(adapter: Adapter, path: str, writer: StagingWriter, progress: ProgressFn | None) -> int:
    n = 0
    batches = adapter.batches(path)
    items = adapter.units(path) if batches is None else batches
    while True:
        try:
            item = next(items)
        except StopIteration:
            break
        except Exception as e:  # the reader itself broke: say where, keep what was read
            writer.reject(f"after unit {n}", "", f"file unreadable from here ({e.__class__.__name__}: {e})")
            break
        if isinstance(item, RowBatch):
            _stage_batch(adapter, item, writer)
            before, n = n, n + item.size
            if progress is not None and n // PROGRESS_EVERY > before // PROGRESS_EVERY:
                progress(path, n)
            continue
        n += 1
        stage_unit(adapter, item, writer)
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(path, n)
    return n


def stage_unit(adapter: Adapter, unit: Unit, writer: StagingWriter) -> None:
    """Stage one unit: its records, or a reject saying why there are none."""
    if unit.error is not None:
        writer.reject(unit.position, unit.raw, unit.error)
        return
    try:
        records = list(adapter.parse(unit))
    except Exception as e:  # RecordError carries its reason; anything else is a bug we contain
        reason = str(e) if isinstance(e, RecordError) else f"unexpected {e.__class__.__name__}: {e}"
        writer.reject(unit.position, unit.raw, reason or e.__class__.__name__)
    else:
        writer.add_unit_records(unit.position, unit.raw, records)


def _stage_batch(adapter: Adapter, batch: RowBatch, writer: StagingWriter) -> None:
    """Stage a batch through the adapter's columnar path; should that path itself fail, every
    record of the batch is read unit by unit instead."""
    try:
        records = adapter.parse_batch(batch)
    except Exception:  # noqa: BLE001 - the unit-by-unit path gives each record's own outcome
        records = BatchRecords(None, None, set(range(batch.size)))
    writer.add_batch(records, batch.size, lambda i: stage_unit(adapter, batch.unit(i), writer))


def ingest_file(ws, path: str, *, format: str | None = None, options: dict | None = None, progress: ProgressFn | None = None) -> FileReport:
    """Ingest one file into ``ws``. Idempotent: a file whose content was ingested before
    (same SHA-256) adds nothing. A bad record goes to ``rejects``; the run carries on. An empty
    file adds nothing (status ``empty``)."""
    t0 = time.perf_counter()
    if not os.path.isfile(path):
        raise InputNotFoundError(f"{path}: no such file")
    sample = Sample.of(path, options)
    if is_blank(sample):
        return FileReport(path, format or "-", "empty")
    digest = _sha256(path)
    seen = ws.source_by_hash(digest)
    if seen is not None:
        return FileReport(path, seen["format"], "already ingested")
    adapter_cls = _choose_adapter(sample, format)
    adapter = adapter_cls(options)
    adapter.check(sample)
    source_id = ws.next_source_id()
    folder = ws.new_staging_folder()
    writer = StagingWriter(folder, source_id, path, adapter_cls.platform)
    try:
        n = stage_units(adapter, path, writer, progress)
        writer.close()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if progress is not None:
        progress(path, n)
    source = {"source_id": source_id, "path": path, "sha256": digest, "bytes": os.path.getsize(path), "format": adapter_cls.name}
    parts = {t: writer.parts(t) for t in ("posts", "accounts", "rejects")}
    counts = ws.commit_staging(folder, parts, source, merge_posts=adapter_cls.merge_rows)
    return FileReport(
        path=path,
        format=adapter_cls.name,
        status="ingested",
        posts=counts.posts,
        accounts=counts.accounts,
        rejects=counts.rejects,
        duplicates=counts.duplicates,
        reject_reasons=dict(writer.reject_reasons.most_common()),
        decoding_fallbacks=adapter.decoding_fallbacks,
        seconds=time.perf_counter() - t0,
    )


def ingest_paths(ws, paths, *, format: str | None = None, options: dict | None = None, progress: ProgressFn | None = None) -> IngestReport:
    """Ingest files and folders (see ``ingest_file``). All paths are checked, and every file's
    format recognised, before anything is written, so a typo fails fast and cleanly.

    A file named on its own must be in a known format. A file found inside a folder that is in
    no known format (a README, a media archive) is skipped and reported as such, unless
    ``format`` was forced: export folders hold such files next to the data."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files, skipped = [], []
    for p in paths:
        in_folder = os.path.isdir(p)
        for f in iter_input_files([p]):
            sample = Sample.of(f, options)
            if not is_blank(sample):
                try:
                    _choose_adapter(sample, format)(options).check(sample)
                except UnknownFormatError:
                    if format or not in_folder:
                        raise
                    skipped.append(FileReport(f, "unrecognised", SKIPPED_STATUS))
                    continue
            files.append(f)
    return IngestReport(skipped + [ingest_file(ws, f, format=format, options=options, progress=progress) for f in files])


def ingest_records(ws, posts=(), accounts=(), *, source: str = "records", platform: str = "generic") -> FileReport:
    """Ingest in-memory records (dicts with canonical column names) as one source.

    For the Python API and hand-made test data. The same validation applies as for files: a
    record that is not a valid post/account goes to ``rejects``. Idempotent like files: the
    same records (by content) added twice add nothing the second time.
    """
    import json

    t0 = time.perf_counter()
    posts, accounts = [Post(p) for p in posts], [Account(a) for a in accounts]
    h = hashlib.sha256()
    for r in (*posts, *accounts):
        h.update(json.dumps(r, sort_keys=True, default=str).encode())
        h.update(b"\n")
    digest = h.hexdigest()
    if ws.source_by_hash(digest) is not None:
        return FileReport(source, "records", "already ingested")
    source_id = ws.next_source_id()
    folder = ws.new_staging_folder()
    writer = StagingWriter(folder, source_id, source, platform)
    for i, rec in enumerate((*posts, *accounts), 1):
        writer.add_unit_records(f"record {i}", json.dumps(rec, default=str, ensure_ascii=False), [rec])
    writer.close()
    meta = {"source_id": source_id, "path": source, "sha256": digest, "bytes": 0, "format": "records"}
    counts = ws.commit_staging(folder, {t: writer.parts(t) for t in ("posts", "accounts", "rejects")}, meta)
    return FileReport(source, "records", "ingested", counts.posts, counts.accounts, counts.rejects, counts.duplicates,
                      dict(writer.reject_reasons.most_common()), 0, time.perf_counter() - t0)
