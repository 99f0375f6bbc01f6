"""Batches of records for the columnar ingest path (``Adapter.parse_batch``).

The unit-by-unit path reads one record at a time (``readers``). The columnar path reads the same
records in runs: a ``RowBatch`` holds consecutive records that were read without error, column
by column (as Arrow arrays where the source allows), and can give any of them back as the
``Unit`` the unit-by-unit path would have read, for the records an adapter leaves to ``parse``.

``iter_csv_batches`` reads a CSV file a block of lines at a time with one ``csv.reader`` over
the whole block, and hands any record that is not plain (a parse error, a wrong field count, a
blank line, a record longer than a block) to the exact record reader of the unit-by-unit path
(``readers.read_csv_records``) from that record's first line, taking over again after it. Both
use the same ``csv`` reader with the same settings over the same lines, so they see the same
records, positions and raw texts.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import chain
from operator import itemgetter

import numpy as np
import pyarrow as pa

from .readers import MAX_CSV_RECORD_LINES, LineSource, Unit, read_csv_records

__all__ = ["RowBatch", "CsvBatch", "BATCH_ROWS", "iter_csv_batches"]

#: records per batch: large enough to spread per-batch costs, small enough to keep memory flat
BATCH_ROWS = 20_000


class RowBatch:
    """A run of consecutive records read without error.

    ``column(name)`` gives one value per record, as ``unit(i)``'s payload gives it (``None``
    where the record has no such column); ``arrow(name)`` the same as an Arrow array when the
    batch holds it that way, else ``None``; ``unit(i)`` is the record as the unit-by-unit path
    reads it.
    """

    size: int = 0

    def column(self, name: str) -> list:
        values = self._column(name)
        return [None] * self.size if values is None else values

    def arrow(self, name: str) -> pa.Array | None:
        return None

    def _column(self, name: str) -> list | None:
        raise NotImplementedError

    def unit(self, i: int) -> Unit:
        raise NotImplementedError


class CsvBatch(RowBatch):
    """CSV records (``readers.iter_csv_records``): fields by header name, positions ``line N``."""

    def __init__(self, header: list[str], rows: list[list[str]], starts: list[int], raws: list[str]):
        self.header, self.rows, self.starts, self.raws = header, rows, starts, raws
        self.size = len(rows)
        # dict(zip(header, row)) keeps the last of repeated names: so does the index
        self._index = {name: j for j, name in enumerate(header)}
        self._flat: pa.Array | None = None

    def _column(self, name: str) -> list | None:
        j = self._index.get(name)
        return None if j is None else list(map(itemgetter(j), self.rows))

    def arrow(self, name: str) -> pa.Array:
        """Column ``name`` as strings (all null when the file has no such column: a unit's
        payload has no such key)."""
        j = self._index.get(name)
        if j is None:
            return pa.nulls(self.size, pa.large_string())
        if self._flat is None:  # every field of the batch in one array, columns by stride
            # (large_string: Arrow converts Python strings to it about twice as fast)
            self._flat = pa.array(list(chain.from_iterable(self.rows)), pa.large_string())
        width = len(self.header)
        return self._flat.take(pa.array(np.arange(j, self.size * width, width)))

    def unit(self, i: int) -> Unit:
        return Unit(f"line {self.starts[i]}", self.raws[i], dict(zip(self.header, self.rows[i])))


class _Run:
    """Records gathered for the next ``CsvBatch``."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.raws: list[str] = []
        self.rows: list[list[str]] = []

    def batch(self, header: list[str]) -> CsvBatch:
        batch = CsvBatch(header, self.rows, self.starts, self.raws)
        self.__init__()  # type: ignore[misc]
        return batch


def iter_csv_batches(
    lines: LineSource,
    *,
    delimiter: str = ",",
    size: int = BATCH_ROWS,
    max_record_lines: int = MAX_CSV_RECORD_LINES,
) -> Iterator[CsvBatch | Unit]:
    """The records of ``readers.iter_csv_units`` in file order: runs of readable records as
    ``CsvBatch``es of at most ``size``, error units between them."""
    run = _Run()
    header: list[str] | None = None
    slow = read_csv_records(lines, delimiter, max_record_lines, pause=True)
    try:
        while True:
            # the exact reader: for the header, and from any record the block reader
            # below does not take, until it can pause at a record boundary
            while slow is not None:
                try:
                    item = next(slow)
                except StopIteration as stop:
                    if stop.value == "end":
                        if run.rows:
                            yield run.batch(header)  # type: ignore[arg-type]
                        return
                    slow = None
                    break
                if type(item) is Unit:
                    if run.rows:
                        yield run.batch(header)  # type: ignore[arg-type]
                    yield item
                elif header is None:
                    header = item[2]
                else:
                    run.starts.append(item[0])
                    run.raws.append(item[1])
                    run.rows.append(item[2])
                    if len(run.rows) >= size:
                        yield run.batch(header)  # type: ignore[arg-type]
            if header is None:  # only unreadable records so far: the exact reader goes on
                slow = read_csv_records(lines, delimiter, max_record_lines, pause=True)
                continue
            block = lines.take_block()
            if block is None:
                break
            start, text = block
            stop = yield from _read_block(text, start, header, delimiter, max_record_lines, run, size)
            if stop is not None:  # a record the block reader does not take: the exact reader
                lines.rewind(stop)
                slow = read_csv_records(lines, delimiter, max_record_lines, header=header, pause=True)
    except Exception:
        if run.rows:  # what was read before the reader broke, then the error
            yield run.batch(header)  # type: ignore[arg-type]
        raise
    if run.rows:
        yield run.batch(header)  # type: ignore[arg-type]


def _read_block(text: list[str], start: int, header: list[str], delimiter: str, max_record_lines: int,
                run: _Run, size: int) -> Iterator[CsvBatch]:
    """Read the plain records of a block of lines (numbered from ``start``) into ``run``,
    giving a batch whenever it holds ``size``; returns ``None`` when the whole block was read,
    else the line number of the first record it did not take."""
    width = len(header)
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    prev = 0
    while True:
        add_start, add_raw, add_row = run.starts.append, run.raws.append, run.rows.append
        room = size - len(run.rows)
        try:
            for row in reader:
                end = reader.line_num
                if end - prev != 1 or len(row) != width or row[0] == "":  # not the plain case
                    if len(row) != width or not row or end - prev > max_record_lines:
                        return start + prev
                    if row[0] == "" and end - prev == 1 and not text[prev].strip():
                        return start + prev  # may be a blank line, which the exact reader skips
                    add_raw("".join(text[prev:end]))
                else:
                    add_raw(text[prev])
                add_start(start + prev)
                add_row(row)
                prev = end
                room -= 1
                if not room:
                    break
            else:
                return None
        except csv.Error:
            return start + prev
        yield run.batch(header)
