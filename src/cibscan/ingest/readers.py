"""Streaming readers that turn a file into *units*: one raw record each, with its position.

A unit is what an adapter parses into posts and accounts, or what ends in ``rejects`` with its
position and raw text. The readers never load a whole file: CSV and JSON lines are read line by
line, JSON documents item by item (ijson), Parquet batch by batch.

Text handling shared by every text reader (``iter_lines``):

* a UTF-8 BOM is dropped; a UTF-16/32 BOM switches the whole file to that encoding;
* each line is decoded as UTF-8, and a line that is not valid UTF-8 is decoded as cp1252
  (bytes cp1252 leaves undefined fall back to Latin-1), so files that mix encodings line by line
  lose nothing; how many lines needed this is counted in ``LineSource.fallback_lines``;
* CRLF and LF endings are both accepted.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

__all__ = [
    "Unit",
    "iter_csv_records",
    "LineSource",
    "iter_csv_units",
    "iter_jsonl_units",
    "iter_json_array_units",
    "iter_parquet_units",
    "read_head",
    "open_binary",
    "MAX_CSV_RECORD_LINES",
]

# A quoted CSV field longer than this many physical lines is taken for a stray quote rather
# than a real multi-line value: its first line is rejected and parsing resumes on the next.
MAX_CSV_RECORD_LINES = 5_000
# Field size limit for the csv module (its default, 128 KiB, rejects real long bios/texts).
_CSV_FIELD_LIMIT = 512 * 1024 * 1024

#: bytes of lines read and decoded at once
_DECODE_BLOCK = 1 << 20

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _latin1_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("cibscan-latin1", _latin1_fallback)


@dataclass(slots=True)
class Unit:
    """One raw record read from a file.

    ``payload`` is what the reader parsed (a dict of CSV fields, a JSON object, a Parquet row);
    ``error`` is set instead when the record could not even be read (a truncated CSV row, a
    line that is not JSON), and then the unit goes straight to ``rejects``.
    """

    position: str
    raw: str
    payload: Any = None
    error: str | None = None


def open_binary(path: str) -> BinaryIO:
    """The file's bytes, transparently decompressed when it is gzip (``.csv.gz`` exports)."""
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def read_head(path: str, size: int = 65_536) -> bytes:
    with open_binary(path) as f:
        return f.read(size)


def _sniff_bom(head: bytes) -> tuple[str | None, int]:
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc, len(bom)
    return None, 0


@dataclass
class LineSource:
    """Decoded lines of a text file with their 1-based line numbers; supports push-back.

    Lines are read and decoded a block at a time (``take_block`` hands the rest of a block
    over at once, for the columnar CSV path) and given one by one by ``next``.
    """

    path: str
    fallback_lines: int = 0
    _pushed: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._blocks = self._decode_blocks()
        self._block: list[str] = []
        self._start = 1  # line number of _block[0]
        self._pos = 0  # next line of _block to give

    def _decode_blocks(self) -> Iterator[list[str]]:
        with open_binary(self.path) as f:
            start = f.read(4)
            enc, skip = _sniff_bom(start)
            f.seek(skip)
            if enc and enc != "utf-8":
                text = io.TextIOWrapper(f, encoding=enc, newline="")
                yield from self._read_blocks(text.readlines, decode=None)
                return
            yield from self._read_blocks(f.readlines, decode=self._decode)

    def _read_blocks(self, readlines, decode) -> Iterator[list[str]]:
        done = 0
        while True:
            try:
                block = readlines(_DECODE_BLOCK)
            except Exception:
                # A block that breaks (a cut gzip stream, bad UTF-16) loses what it read:
                # read the file again line by line up to the break, so that every line before
                # it is given, then let the error through.
                yield from self._lines_before_break(done, decode)
                raise
            if not block:
                return
            done += len(block)
            yield decode(block) if decode else block

    def _lines_before_break(self, skip: int, decode) -> Iterator[list[str]]:
        with open_binary(self.path) as f:
            enc, bom = _sniff_bom(f.read(4))
            f.seek(bom)
            lines = io.TextIOWrapper(f, encoding=enc, newline="") if enc and enc != "utf-8" else f
            for i, line in enumerate(lines):
                if i >= skip:
                    yield decode([line]) if decode else [line]

    def _decode(self, block: list[bytes]) -> list[str]:
        # A block of whole lines decodes as UTF-8 exactly when each of its lines does (a
        # multi-byte sequence never spans b"\n"): the common case decodes in one go, and only
        # a block holding a bad line goes line by line.
        try:
            return [b.decode("utf-8") for b in block]
        except UnicodeDecodeError:
            return [self._decode_line(b) for b in block]

    def _decode_line(self, bline: bytes) -> str:
        try:
            return bline.decode("utf-8")
        except UnicodeDecodeError:
            self.fallback_lines += 1
            return bline.decode("cp1252", errors="cibscan-latin1")

    def _next_block(self) -> None:
        block = next(self._blocks)  # StopIteration at the end of the file
        self._start += len(self._block)
        self._block, self._pos = block, 0

    def __iter__(self) -> LineSource:
        return self

    def __next__(self) -> tuple[int, str]:
        if self._pushed:
            return self._pushed.pop()
        if self._pos >= len(self._block):
            self._next_block()
        pos = self._pos
        self._pos = pos + 1
        return self._start + pos, self._block[pos]

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        """Make ``lines`` (in file order) the next ones returned."""
        self._pushed.extend(reversed(lines))

    @property
    def has_pushed_back(self) -> bool:
        return bool(self._pushed)

    def take_block(self) -> tuple[int, list[str]] | None:
        """The lines of the current block not read yet (else of the next block) at once, and
        the line number of the first; ``None`` at the end of the file. Only when no line is
        pushed back."""
        assert not self._pushed
        if self._pos >= len(self._block):
            try:
                self._next_block()
            except StopIteration:
                return None
        start, lines = self._start + self._pos, self._block[self._pos:] if self._pos else self._block
        self._pos = len(self._block)
        return start, lines

    def rewind(self, line: int) -> None:
        """Give the lines of the block last taken again, from line number ``line`` on."""
        assert not self._pushed and self._start <= line <= self._start + len(self._block)
        self._pos = line - self._start


class _RecordTooLong(Exception):
    pass


def iter_csv_records(
    lines: LineSource,
    *,
    delimiter: str = ",",
    max_record_lines: int = MAX_CSV_RECORD_LINES,
) -> Iterator[tuple[int, str, list[str]] | Unit]:
    """CSV records in file order: ``(first line number, raw text, fields)`` for a record that
    was read, a ``Unit`` with ``error`` set for one that could not be. The first record read is
    the header (names stripped, a BOM dropped). ``iter_csv_units`` and ``iter_csv_batches`` read
    through this one function, so the unit-by-unit and the columnar paths see the same records.

    A record whose field count differs from the header's, or that the csv module cannot parse
    (e.g. the file ends inside a quoted field), becomes an error unit. When such a record spans
    several lines, only its first line is rejected and parsing resumes on the next, so one stray
    quote cannot swallow the rest of a file.
    """
    return (yield from read_csv_records(lines, delimiter, max_record_lines))


def read_csv_records(
    lines: LineSource,
    delimiter: str,
    max_record_lines: int,
    header: list[str] | None = None,
    pause: bool = False,
) -> Iterator[tuple[int, str, list[str]] | Unit]:
    """``iter_csv_records``, that can start at any record of a file whose ``header`` was
    read already, and, with ``pause``, returns ``"pause"`` at the first record boundary after
    it gave something with no line pushed back (so the columnar path can take over again
    where it left off); returns ``"end"`` at the end of the file."""
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    consumed: list[tuple[int, str]] = []
    gave = False

    def feed() -> Iterator[str]:
        for item in lines:
            consumed.append(item)
            if len(consumed) > max_record_lines:
                raise _RecordTooLong
            yield item[1]

    while True:
        reader = csv.reader(feed(), delimiter=delimiter, strict=True)
        while True:
            if pause and gave and not lines.has_pushed_back:
                return "pause"
            gave = True  # set again below for a blank line, which gives nothing
            consumed.clear()
            error = None
            try:
                row = next(reader)
            except StopIteration:
                if consumed:  # trailing bytes the reader gave up on
                    yield _csv_error(consumed, "truncated record at end of file")
                return "end"
            except _RecordTooLong:
                error = f"quoted field runs over {max_record_lines} lines (stray quote?)"
            except csv.Error as e:
                if "unexpected end of data" in str(e):
                    if len(consumed) > 1 and header is not None and _holds_a_record(consumed[1:], delimiter, len(header)):
                        # A quote opened on this line was never closed, yet whole records
                        # follow: a stray quote, not a truncated file. Reject its line only.
                        error = "stray quote: a quoted field opened here is never closed"
                    else:
                        yield _csv_error(consumed, "truncated record: the file ends inside a quoted field")
                        return "end"
                else:
                    error = f"malformed CSV ({e})"
            if error is None and header is None:
                header = [h.strip() for h in row]
                if header and header[0].startswith("\ufeff"):
                    header[0] = header[0][1:]
                yield consumed[0][0], consumed[0][1], header
                continue
            if error is None:
                if not row or row[0] == "" and len(consumed) == 1 and row == [""] * len(row) and not consumed[0][1].strip():
                    gave = False
                    continue  # blank line
                if len(row) == len(header):  # type: ignore[arg-type]
                    raw = consumed[0][1] if len(consumed) == 1 else "".join(t for _, t in consumed)
                    yield consumed[0][0], raw, row
                    continue
                error = f"expected {len(header)} fields, found {len(row)}"  # type: ignore[arg-type]
            if len(consumed) > 1:
                # Reject the first line alone and re-read the rest with a fresh reader.
                first, rest = consumed[0], consumed[1:]
                yield _csv_error([first], error)
                lines.push_back(list(rest))
                break
            yield _csv_error(consumed, error)
            if error.startswith("quoted") or error.startswith("malformed"):
                break  # the reader's state is unreliable after an error: start afresh


def iter_csv_units(
    lines: LineSource,
    *,
    delimiter: str = ",",
    max_record_lines: int = MAX_CSV_RECORD_LINES,
) -> Iterator[Unit]:
    """CSV records as units whose payload is a ``{column: value}`` dict keyed by the header
    (see ``iter_csv_records`` for what becomes an error unit)."""
    header: list[str] | None = None
    for item in iter_csv_records(lines, delimiter=delimiter, max_record_lines=max_record_lines):
        if type(item) is Unit:
            yield item
        elif header is None:
            header = item[2]
        else:
            yield Unit(f"line {item[0]}", item[1], dict(zip(header, item[2])))


def _holds_a_record(lines: list[tuple[int, str]], delimiter: str, n_fields: int) -> bool:
    """Whether any of ``lines``, read afresh, is a whole CSV record of ``n_fields`` fields."""
    reader = csv.reader((t for _, t in lines), delimiter=delimiter)
    try:
        return any(len(row) == n_fields for row in reader)
    except csv.Error:
        return False


def _pos(consumed: list[tuple[int, str]]) -> str:
    return f"line {consumed[0][0]}" if consumed else "end of file"


def _csv_error(consumed: list[tuple[int, str]], reason: str) -> Unit:
    return Unit(_pos(consumed), "".join(t for _, t in consumed), None, reason)


def iter_jsonl_units(lines: LineSource) -> Iterator[Unit]:
    """One JSON value per non-blank line; a line that is not JSON becomes an error unit."""
    for n, line in lines:
        text = line.strip()
        if not text:
            continue
        try:
            payload = json.loads(text)
        except ValueError as e:
            yield Unit(f"line {n}", line.rstrip("\r\n"), None, f"invalid JSON ({e.__class__.__name__}: {e})")
            continue
        yield Unit(f"line {n}", text, payload)


def iter_json_array_units(path: str, prefix: str, label: str) -> Iterator[Unit]:
    """Items of the array at ``prefix`` (ijson syntax, e.g. ``messages.item``) of a JSON document.

    ``label`` names positions (``messages[3]``). A document that breaks off midway yields the
    items read so far and then one error unit saying where it broke.
    """
    import ijson  # local: only JSON-document adapters need it

    i = -1
    with open_binary(path) as f:
        if f.read(3) != codecs.BOM_UTF8:  # JSON parsers refuse a UTF-8 BOM; Windows tools write one
            f.seek(0)
        try:
            for i, item in enumerate(ijson.items(f, prefix, use_float=True)):
                yield Unit(f"{label}[{i}]", json.dumps(item, ensure_ascii=False, default=str), item)
        except Exception as e:  # ijson raises several types for broken documents
            yield Unit(f"{label}[{i + 1}]", "", None, f"JSON document broken after {label}[{i}] ({e.__class__.__name__}: {e})")


def iter_parquet_units(path: str, batch_size: int = 65_536) -> Iterator[Unit]:
    """Rows of a Parquet file as dict payloads, positions ``row N`` (1-based)."""
    import pyarrow.parquet as pq

    n = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size):
        for row in batch.to_pylist():
            n += 1
            yield Unit(f"row {n}", json.dumps(row, ensure_ascii=False, default=str), row)
