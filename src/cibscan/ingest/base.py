"""The one shape every ingest adapter has.

An adapter knows one source format. It says whether a file looks like its format (``sniff``),
how to cut the file into raw units (``units``: by default from its ``container``) and how to
turn one unit into canonical records (``parse``), yielding ``Post`` and ``Account`` dicts whose
keys are the columns of ``cibscan.schema.POSTS`` / ``ACCOUNTS``. A unit that cannot be turned
into records raises ``RecordError`` with a reason in words; the ingest loop (``ingest.run``)
puts it in ``rejects``, as it does for any other exception an adapter lets escape, so a bad
record never stops a run and is never silently dropped.

A unit may hold many records of its own (an API response page holds a hundred tweets and their
authors). Such an adapter yields one ``Part`` per record (built with ``make_part``): each part is
kept or rejected on its own, with a position inside the unit (``line 3 data[7]``), so one bad
tweet does not cost the other ninety-nine. ``Reject`` says that one part of a unit is not a
record (a stream notice, an API error object), with its reason.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from .batches import RowBatch, iter_csv_batches
from .readers import (
    LineSource,
    Unit,
    iter_csv_units,
    iter_json_array_units,
    iter_jsonl_units,
    iter_parquet_units,
    read_head,
)

if TYPE_CHECKING:
    from .staging import BatchRecords

__all__ = ["Adapter", "Post", "Account", "RecordError", "Sample", "Part", "Reject", "make_part", "describe_error", "raw_text"]


class Post(dict):
    """A canonical post: keys are ``cibscan.schema.POSTS`` column names."""

    __slots__ = ()


class Account(dict):
    """A canonical account: keys are ``cibscan.schema.ACCOUNTS`` column names."""

    __slots__ = ()


class RecordError(ValueError):
    """One record cannot be used; the message is the reason stored in ``rejects``."""


@dataclass(slots=True)
class Part:
    """The records read from one part of a unit, kept or rejected together and apart from the
    unit's other parts. ``where`` locates the part inside the unit (``data[7]``; ``""`` for the
    unit itself); ``raw`` is the part's own text, stored if it is rejected (or a function that
    returns it, so that text is only made for the parts that need it)."""

    where: str
    raw: str | Callable[[], str]
    records: list = field(default_factory=list)


@dataclass(slots=True)
class Reject:
    """One part of a unit that is not a record (e.g. a stream notice), and why."""

    where: str
    raw: str | Callable[[], str]
    reason: str


def raw_text(raw: str | Callable[[], str]) -> str:
    """The raw text of a part (see ``Part.raw``)."""
    return raw() if callable(raw) else raw


def describe_error(e: BaseException) -> str:
    """The reason stored in ``rejects`` for an exception raised while parsing a record."""
    if isinstance(e, RecordError):
        return str(e) or "unreadable record"
    return f"unexpected {e.__class__.__name__}: {e}"


def make_part(where: str, obj: Any, build: Callable[[Any], Iterable[Post | Account]], raw: str | None = None) -> Part | Reject:
    """``Part(where, raw, build(obj))``, or a ``Reject`` with the reason when ``build`` fails;
    ``raw`` defaults to ``obj`` as JSON (made only if the part ends in ``rejects``)."""
    if raw is None:
        def raw() -> str:
            return json.dumps(obj, ensure_ascii=False, default=str)
    try:
        return Part(where, raw, list(build(obj)))
    except Exception as e:  # noqa: BLE001 - any failure rejects this part only
        return Reject(where, raw, describe_error(e))


@dataclass
class Sample:
    """The start of a file, decoded a few ways, for adapters to recognise their format."""

    path: str
    head: bytes
    options: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def text(self) -> str:
        h = self.head
        for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
            if h.startswith(bom):
                return h[len(bom):].decode(enc, errors="ignore")
        return h.decode("utf-8", errors="replace")

    @cached_property
    def is_parquet(self) -> bool:
        return self.head[:4] == b"PAR1"

    @cached_property
    def first_json(self) -> Any:
        """The first line parsed as JSON when the file is JSON lines, else ``None``."""
        t = self.text.lstrip()
        if not t.startswith("{"):
            return None
        line = t.split("\n", 1)[0].strip()
        try:
            return json.loads(line)
        except ValueError:
            pass
        # the first line may be longer than the sample: read it whole (bounded)
        lines = LineSource(self.path)
        for _, raw in lines:
            if raw.strip():
                try:
                    return json.loads(raw) if len(raw) < 64 * 2**20 else None
                except ValueError:
                    return None
        return None

    @cached_property
    def csv_header(self) -> list[str] | None:
        """Column names when the file looks like a CSV/TSV with a header, else ``None``."""
        t = self.text.lstrip("\ufeff")
        if not t or t.lstrip()[:1] in ("{", "[") or self.is_parquet:
            return None
        first = t.split("\n", 1)[0]
        delim = "\t" if first.count("\t") > first.count(",") else ","
        try:
            row = next(csv.reader(io.StringIO(first), delimiter=delim))
        except (csv.Error, StopIteration):
            return None
        cols = [c.strip() for c in row]
        return cols if len(cols) >= 2 and all(cols) else None

    @cached_property
    def columns(self) -> set[str]:
        """Lower-cased column names of a CSV header, a Parquet schema or a first JSON object."""
        if self.is_parquet:
            import pyarrow.parquet as pq

            return {n.lower() for n in pq.read_schema(self.path).names}
        if self.csv_header:
            return {c.lower() for c in self.csv_header}
        if isinstance(self.first_json, dict):
            return {k.lower() for k in self.first_json}
        return set()

    @classmethod
    def of(cls, path: str, options: dict[str, Any] | None = None) -> Sample:
        return cls(path, read_head(path), dict(options or {}))


class Adapter:
    """Base class of ingest adapters. Subclasses set the class attributes and ``parse``."""

    #: short name used by ``--format`` (e.g. ``x-io-tweets``)
    name: ClassVar[str] = ""
    #: value of the ``platform`` column unless a record says otherwise
    platform: ClassVar[str] = ""
    #: one line for ``cibscan formats``
    description: ClassVar[str] = ""
    #: how the file is cut into units: ``csv``, ``jsonl``, ``json`` or ``parquet``
    container: ClassVar[str] = "csv"
    #: for ``json`` containers: ijson prefix of the array of items, and its label in positions
    json_items: ClassVar[tuple[str, str]] = ("item", "item")
    #: rows of one file that share a post id are parts of one post (long-format tables): the
    #: commit merges their list values instead of keeping the first row only
    merge_rows: ClassVar[bool] = False

    def __init__(self, options: dict[str, Any] | None = None):
        self.options = dict(options or {})
        self.fallback_lines = 0
        self._lines: LineSource | None = None
        self._memos: dict[str, dict] = {}

    @classmethod
    def sniff(cls, sample: Sample) -> bool:
        """Whether the file looks like this adapter's format."""
        return False

    def check(self, sample: Sample) -> None:
        """Raise a ``CibscanError`` when the file cannot be read with this adapter's options
        (e.g. a mapped column is missing). Called for every file before anything is written."""

    def units(self, path: str) -> Iterator[Unit]:
        """Raw units of the file, by ``container``."""
        if self.container == "parquet":
            return iter_parquet_units(path)
        if self.container == "json":
            prefix, label = self.json_items
            return iter_json_array_units(path, prefix, label)
        self._lines = LineSource(path)
        if self.container == "jsonl":
            return iter_jsonl_units(self._lines)
        return iter_csv_units(self._lines, delimiter=self.csv_delimiter(path))

    def csv_delimiter(self, path: str) -> str:
        """The ``delimiter`` option, else tab when the first line holds more tabs than commas."""
        delim = self.options.get("delimiter")
        if delim is None:
            head = Sample.of(path).text.split("\n", 1)[0]
            delim = "\t" if head.count("\t") > head.count(",") else ","
        return delim

    def batches(self, path: str) -> Iterator[RowBatch | Unit] | None:
        """The file's units for the columnar path: runs of readable records as ``RowBatch``es,
        unreadable ones as error units, in file order; ``None`` when the adapter has no
        columnar path (``parse_batch``), which only CSV adapters have so far."""
        if type(self).parse_batch is Adapter.parse_batch or self.container != "csv":
            return None
        self._lines = LineSource(path)
        return iter_csv_batches(self._lines, delimiter=self.csv_delimiter(path))

    def parse_batch(self, batch: RowBatch) -> BatchRecords:
        """Optional columnar path: the canonical records of a whole batch at once (see
        ``cibscan.ingest.staging.BatchRecords``). It must give, for every record it vouches
        for, exactly what ``parse`` and staging's coercion give, and leave to ``parse`` (in
        ``fallback``) every record it is not sure of; ``tests/ingest/test_batches.py`` checks
        this on hand-made and mutated files."""
        raise NotImplementedError

    def memo(self, name: str) -> dict:
        """A dict the columnar path keeps across the batches of a file (see ``BatchParse``)."""
        return self._memos.setdefault(name, {})

    @property
    def decoding_fallbacks(self) -> int:
        """Lines that were not UTF-8 and were decoded as cp1252."""
        return self._lines.fallback_lines if self._lines else 0

    def parse(self, unit: Unit) -> Iterable[Post | Account]:
        raise NotImplementedError
