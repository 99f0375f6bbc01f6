"""Helpers for an adapter's columnar path (``Adapter.parse_batch``).

The columnar path reads a batch of records column by column with the *same* scalar functions
the unit-by-unit path (``Adapter.parse`` and staging's coercion) calls per record, so a value
comes out the same either way. What makes it fast is what it no longer does per record: no
``Unit``, no row dict, no ``Post``/``Account`` dicts to build and coerce, and a function runs
once per *distinct* value of a batch (Arrow's ``dictionary_encode``): times, languages, clients,
list literals, an account's fields on each of its posts repeat. Where a vectorised test shows
that a function leaves a value as it is (``unchanged``: an id without surrounding whitespace),
the function does not run at all. Any record for which a function fails is put in
``fallback`` and read unit by unit, which gives its exact reason.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .batches import CsvBatch, RowBatch
from .fields import _ABSENT_MAX
from .staging import Indexed, account_row, to_arrow

__all__ = ["BatchParse", "Mapped", "MEMO_MAX", "is_clean_text", "is_blank_text"]

_TEXT_TYPES = frozenset({str, type(None)})
#: results remembered across the batches of a file (per memo, e.g. the accounts of an
#: adapter): an account's fields repeat on its posts all through a file
MEMO_MAX = 100_000
_MISSING = object()
_FAILED = object()
#: the characters Python's ``str.strip``/``str.isspace`` count as whitespace, as a regex class
_WS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) + "]"
_EDGE_WS = f"^{_WS}|{_WS}$"
_ALL_WS = f"^{_WS}*$"
#: the separator of a record's values when several columns make one key (a batch where a
#: field holds it, which Python 3.11's csv module allows, takes the tuple path instead)
_SEP = "\x00"


def is_clean_text(values: pa.Array) -> np.ndarray:
    """Per value, whether ``fields.clean_str`` returns it unchanged, known without calling it:
    a string with no whitespace at either end and longer than any absent marker."""
    ok = pc.and_(pc.invert(pc.match_substring_regex(values, _EDGE_WS)), pc.greater(pc.utf8_length(values), _ABSENT_MAX))
    return ok.fill_null(False).to_numpy(zero_copy_only=False)


def is_blank_text(values: pa.Array) -> np.ndarray:
    """Per value, whether it is ``None``, empty or only whitespace (``str.isspace``): what
    staging's ``_opt_str`` turns into ``None``."""
    return pc.match_substring_regex(values, _ALL_WS).fill_null(True).to_numpy(zero_copy_only=False)


class Mapped:
    """What a function gave for each record of a batch: ``results[index[i]]`` for record ``i``
    (``index`` ``None``: ``results[i]``), or a ready Arrow array."""

    def __init__(self, results: list | None = None, index: np.ndarray | None = None, array: pa.Array | None = None):
        self.results, self.index, self._array = results, index, array

    def array(self, type_: pa.DataType, part: int | None = None) -> pa.Array:
        """The values (or item ``part`` of tuple values) as an Arrow array of ``type_``."""
        if self._array is not None:
            return self._array if self._array.type == type_ else self._array.cast(type_)
        res = self.results if part is None else [None if r is None else r[part] for r in self.results]
        arr = to_arrow(res, type_)  # type: ignore[arg-type]
        return arr if self.index is None else arr.take(self.index)

    def values(self) -> list:
        """The values as a Python list, one per record."""
        if self._array is not None:
            return self._array.to_pylist()
        if self.index is None:
            return list(self.results)  # type: ignore[arg-type]
        return list(map(self.results.__getitem__, self.index.tolist()))  # type: ignore[union-attr]

    def indexed(self) -> Indexed:
        """The values as staging's ``Indexed`` (distinct values and an index per record)."""
        if self.index is None:
            return Indexed(self.values(), np.arange(len(self.results)))  # type: ignore[arg-type]
        return Indexed(self.results, self.index)  # type: ignore[arg-type]


class BatchParse:
    """The state of one batch being read column by column: ``fallback`` gathers the records
    that must be read unit by unit."""

    def __init__(self, batch: RowBatch):
        self.batch = batch
        self.size = batch.size
        self.fallback: set[int] = set()

    def column(self, name: str | None) -> pa.Array | list:
        """Column ``name`` of the batch, as Arrow when the batch holds it so (all ``None`` for
        ``None``)."""
        if name is None:
            return [None] * self.size
        arr = self.batch.arrow(name)
        return self.batch.column(name) if arr is None else arr

    def map(self, func: Callable[[Any], Any], values: pa.Array | Sequence, *, unchanged: np.ndarray | None = None,
            memo: dict | None = None) -> Mapped:
        """``func`` of each value, computed once per distinct value (``memo``: remembered
        across batches), and not at all where ``unchanged`` says it returns the value as it
        is. A record whose value makes ``func`` raise goes to ``fallback``."""
        if unchanged is not None and isinstance(values, pa.Array):
            if unchanged.all():
                return Mapped(array=values)
            rows = np.flatnonzero(~unchanged)
            sub = self._map(func, values.take(rows), memo, rows)
            mask = pa.array(~unchanged)
            return Mapped(array=pc.replace_with_mask(values, mask, sub.array(values.type)))
        return self._map(func, values, memo, None)

    def _map(self, func: Callable[[Any], Any], values: pa.Array | Sequence, memo: dict | None, rows: np.ndarray | None) -> Mapped:
        """``map`` of ``values``, the values of the batch's records ``rows`` (all: ``None``)."""
        if isinstance(values, pa.Array):
            if _is_encodable(values.type):
                enc = values.dictionary_encode()
                distinct = enc.dictionary.to_pylist()
                index = enc.indices
                if index.null_count:
                    distinct.append(None)
                    index = index.fill_null(len(distinct) - 1)
                return self._apply(func, distinct, index.to_numpy(zero_copy_only=False), memo, rows)
            values = values.to_pylist()
        if set(map(type, values)) <= _TEXT_TYPES:
            pos: dict[Any, int] = {}
            index = np.fromiter((pos.setdefault(v, len(pos)) for v in values), dtype=np.int64, count=len(values))
            return self._apply(func, list(pos), index, memo, rows)
        return self._apply(func, list(values), None, None, rows)

    def map_rows(self, func: Callable[..., Any], *columns: pa.Array | Sequence, memo: dict | None = None) -> Mapped:
        """``func(a, b, ...)`` of each record's values of ``columns``, computed once per
        distinct combination (``memo``: remembered across batches); failures to ``fallback``."""
        if isinstance(self.batch, CsvBatch) and all(isinstance(c, pa.Array) for c in columns):
            # one string per record: its values joined, or only None where the file lacks a column
            missing = [c.null_count == len(c) for c in columns]
            present = [c for c, m in zip(columns, missing) if not m]
            if all(c.null_count == 0 and c.type == present[0].type for c in present) and not _holds_sep(present):
                if not present:
                    return self._map(lambda _: func(*[None] * len(columns)), pa.nulls(self.size, pa.string()), None, None)
                joined = pc.binary_join_element_wise(*present, pa.scalar(_SEP, present[0].type)) if len(present) > 1 else present[0]

                def call(key: str) -> Any:
                    parts = iter(key.split(_SEP)) if len(present) > 1 else iter([key])
                    return func(*[None if m else next(parts) for m in missing])

                return self._map(call, joined, memo, None)
        lists = [c.to_pylist() if isinstance(c, pa.Array) else list(c) for c in columns]
        keys = list(zip(*lists))
        if all(set(map(type, c)) <= _TEXT_TYPES for c in lists):
            pos: dict[Any, int] = {}
            index = np.fromiter((pos.setdefault(k, len(pos)) for k in keys), dtype=np.int64, count=len(keys))
            return self._apply(lambda key: func(*key), list(pos), index, None, None)
        return self._apply(lambda key: func(*key), keys, None, None, None)

    def _apply(self, func: Callable[[Any], Any], distinct: list, index: np.ndarray | None, memo: dict | None,
               rows: np.ndarray | None) -> Mapped:
        """``func`` of each distinct value; the records (``index`` into ``distinct`` per value,
        ``rows`` the batch's records of those values) whose value fails go to ``fallback``."""
        if memo is not None and len(memo) > MEMO_MAX:
            memo.clear()
        results = []
        failed = []
        for k, v in enumerate(distinct):
            r = _MISSING if memo is None else memo.get(v, _MISSING)
            if r is _MISSING:
                try:
                    r = func(v)
                except Exception:  # noqa: BLE001 - the unit-by-unit path says why
                    r = _FAILED
                if memo is not None:
                    memo[v] = r
            if r is _FAILED:
                failed.append(k)
                r = None
            results.append(r)
        if failed:
            self._to_fallback(failed, index, rows)
        return Mapped(results, index)

    def _to_fallback(self, ids: list[int], index: np.ndarray | None, rows: np.ndarray | None = None) -> None:
        """Send to ``fallback`` the records whose value is one of the distinct values ``ids``."""
        at = np.array(ids) if index is None else np.flatnonzero(np.isin(index, ids))
        self.fallback.update((at if rows is None else rows[at]).tolist())

    def each_row(self, func: Callable[..., Any], *columns: list) -> list:
        """``func(a, b, ...)`` of each record's values of ``columns`` (lists), one by one (for
        values that do not repeat), except for records already in ``fallback`` (``None``);
        a record whose values make ``func`` raise goes to ``fallback`` too."""
        out: list = []
        skip = self.fallback
        for i, values in enumerate(zip(*columns)):
            if i in skip:
                out.append(None)
                continue
            try:
                out.append(func(*values))
            except Exception:  # noqa: BLE001 - the unit-by-unit path says why
                out.append(None)
                skip.add(i)
        return out

    def require(self, mapped: Mapped) -> Mapped:
        """``mapped``, with the records whose value is ``None`` sent to ``fallback`` (a field
        the record cannot go without)."""
        if mapped._array is not None:
            if mapped._array.null_count:
                self.fallback.update(np.flatnonzero(mapped._array.is_null().to_numpy(zero_copy_only=False)).tolist())
        else:
            none = [k for k, r in enumerate(mapped.results) if r is None]  # type: ignore[arg-type]
            if none:
                self._to_fallback(none, mapped.index)
        return mapped

    def accounts(self, build: Callable[..., dict | None], platform: str, *columns: pa.Array | Sequence,
                 memo: dict | None = None) -> Indexed:
        """Per record, ``account_row(build(*values), platform)`` (``None`` where ``build`` gives
        no account) from the record's values of ``columns``, computed once per distinct
        combination (``memo``: across batches), since an account's fields repeat on each of
        its posts."""

        def row(*values: Any) -> tuple | None:
            rec = build(*values)
            return None if rec is None else account_row(rec, platform)

        return self.map_rows(row, *columns, memo=memo).indexed()


def _holds_sep(columns: list[pa.Array]) -> bool:
    """Whether any value of ``columns`` holds ``_SEP`` (joined keys would then be ambiguous)."""
    return len(columns) > 1 and any(pc.any(pc.match_substring(c, _SEP)).as_py() for c in columns)


def _is_encodable(t: pa.DataType) -> bool:
    """Types whose distinct Arrow values are distinct Python values (not floats: Arrow may
    merge ``0.0`` and ``-0.0``, which Python prints apart)."""
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_integer(t) or pa.types.is_boolean(t)

