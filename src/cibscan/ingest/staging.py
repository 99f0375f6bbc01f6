"""Validate canonical records and spill them to Parquet parts in a staging folder.

Ingest never writes to the workspace while it reads: records go to Parquet parts first (memory
stays bounded by one batch), and the workspace takes the whole file in one transaction at the
end (``Workspace._commit_staging``). A run killed midway leaves only a staging folder, which
the next open removes.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..schema import ACCOUNTS, POST_KINDS, POSTS, REJECTS, Column, arrow_schema
from .base import Account, Part, Post, RecordError, Reject, raw_text

__all__ = ["StagingWriter", "BatchRecords", "Indexed", "to_arrow", "empty_lists", "coerce_post", "coerce_account", "account_row", "reason_key", "SEQ", "POST_FIELDS", "ACCOUNT_FIELDS"]

#: order of a record within its file, kept so "first seen wins" is well defined
SEQ = "_seq"
_BATCH = 50_000
#: Accounts repeated verbatim within one file (an account row per tweet) are staged once; the
#: memory this takes is bounded by clearing the set when it holds this many.
_SEEN_ACCOUNTS_MAX = 500_000
_LIST_COLS = [c.name for c in POSTS if isinstance(c.type, pa.ListType)]
_STR_ACCOUNT = [c.name for c in ACCOUNTS if c.type == pa.string() and c.name not in ("platform", "account_id")]
#: the columns an adapter's columnar path gives for posts, and the order of an account row
POST_FIELDS = tuple(c.name for c in POSTS if c.name != "source_id")
ACCOUNT_FIELDS = tuple(c.name for c in ACCOUNTS if c.name != "source_id")


def _schema_with_seq(cols: tuple[Column, ...]) -> pa.Schema:
    return arrow_schema(cols).append(pa.field(SEQ, pa.int64(), nullable=False))


_POST_SCHEMA = _schema_with_seq(POSTS)
_ACCOUNT_SCHEMA = _schema_with_seq(ACCOUNTS)
_REJECT_SCHEMA = arrow_schema(REJECTS)


def _utf8(s: str) -> str:
    """``s`` if it can be stored as UTF-8, else with lone surrogates (as JSON ``\\ud800`` or a
    broken decoder may leave) replaced by U+FFFD, so one such value cannot stop a file."""
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _req_str(rec: dict, key: str) -> str:
    v = rec.get(key)
    if v is None:
        raise RecordError(f"missing {key}")
    s = (v if type(v) is str else str(v)).strip()
    if not s:
        raise RecordError(f"empty {key}")
    return s


def _opt_str(v: Any) -> str | None:
    if v is None:
        return None
    s = v if type(v) is str else str(v)
    return s if s and not s.isspace() else None


def _str_list(v: Any, key: str) -> list[str]:
    if v is None:
        return []
    if type(v) is list:  # the common case, kept cheap: already clean strings
        if not v or all(type(x) is str and x and not x[0].isspace() and not x[-1].isspace() for x in v):
            return v
    if isinstance(v, (str, bytes, dict)) or not hasattr(v, "__iter__"):
        raise RecordError(f"{key} must be a list")
    return [s for s in ((x if type(x) is str else str(x)).strip() for x in v if x is not None) if s]


def _opt_int(v: Any, key: str) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise RecordError(f"{key} must be a whole number, got {v!r:.40}")
    if not -(2**63) <= v < 2**63:
        raise RecordError(f"{key} out of range: {v}")
    return v


def _time(v: Any, key: str, required: bool) -> datetime | None:
    if v is None:
        if required:
            raise RecordError(f"missing {key}")
        return None
    if not isinstance(v, datetime):
        raise RecordError(f"{key} is not a time: {v!r:.40}")
    return v


def coerce_post(rec: dict, platform: str) -> dict:
    """The post as a row of the canonical schema; ``RecordError`` when it cannot be one."""
    kind = rec.get("kind") or "post"
    if kind not in POST_KINDS:
        raise RecordError(f"unknown post kind {kind!r}")
    out = {
        "platform": _opt_str(rec.get("platform")) or platform,
        "post_id": _req_str(rec, "post_id"),
        "account_id": _req_str(rec, "account_id"),
        "created_at": _time(rec.get("created_at"), "created_at", True),
        "text": _opt_str(rec.get("text")),
        "lang": _opt_str(rec.get("lang")),
        "kind": kind,
        "ref_post_id": _opt_str(rec.get("ref_post_id")),
        "ref_account_id": _opt_str(rec.get("ref_account_id")),
        "client": _opt_str(rec.get("client")),
    }
    if kind != "post" and out["ref_post_id"] is None:
        raise RecordError(f"{kind} without the post it refers to")
    for key in _LIST_COLS:
        out[key] = _str_list(rec.get(key), key)
    return out


def coerce_account(rec: dict, platform: str) -> dict:
    """The account as a row of the canonical schema; ``RecordError`` when it cannot be one."""
    out: dict[str, Any] = {
        "platform": _opt_str(rec.get("platform")) or platform,
        "account_id": _req_str(rec, "account_id"),
        "created_at": _time(rec.get("created_at"), "account created_at", False),
        "followers": _opt_int(rec.get("followers"), "followers"),
        "following": _opt_int(rec.get("following"), "following"),
        "verified": rec.get("verified") if isinstance(rec.get("verified"), bool) else None,
    }
    for key in _STR_ACCOUNT:
        out[key] = _opt_str(rec.get(key))
    if out["handle"]:
        out["handle"] = out["handle"].lstrip("@")
    return out


def account_row(rec: dict, platform: str) -> tuple:
    """``coerce_account`` as a tuple in ``ACCOUNT_FIELDS`` order: how staging compares accounts
    (an account repeated verbatim is staged once) and how a columnar path gives them."""
    row = coerce_account(rec, platform)
    return tuple([row[name] for name in ACCOUNT_FIELDS])


@dataclass
class Indexed:
    """One value per record of a batch given as its distinct ``values`` and, per record, the
    position of its value (``index``)."""

    values: list
    index: np.ndarray

    def __len__(self) -> int:
        return len(self.index)


@dataclass
class BatchRecords:
    """What an adapter's columnar path (``Adapter.parse_batch``) read from a ``RowBatch``.

    ``posts`` maps every name of ``POST_FIELDS`` to one value per record of the batch (a list
    or an Arrow array of the column's type), already as ``coerce_post`` gives it; ``accounts``
    holds per record its account row (``account_row``) or ``None``, as a list or ``Indexed``.
    ``fallback`` names the records the columnar path does not vouch for (a value it could not
    read, a record that will be rejected): their values above are ignored and they are read
    unit by unit with ``Adapter.parse``, which gives the exact result or reason. A record not
    in ``fallback`` must give a post or an account.
    """

    posts: dict[str, list | pa.Array] | None
    accounts: list[tuple | None] | Indexed | None
    fallback: set[int] = field(default_factory=set)


class StagingWriter:
    """Collects validated rows and writes them as Parquet parts under ``folder``.

    ``units_accepted`` and ``units_rejected`` count units (raw records): a unit is accepted
    when any of its records was kept (a response page with one bad tweet among a hundred is
    accepted, its bad tweet is a ``rejects`` row), rejected otherwise, so every unit read ends
    in exactly one of the two.
    """

    def __init__(self, folder: str, source_id: int, source: str, platform: str):
        self.folder = folder
        self.source_id = source_id
        self.source = source
        self.platform = platform
        self.counts: Counter[str] = Counter()
        self.reject_reasons: Counter[str] = Counter()
        self._seq = 0
        self._schemas = {"posts": _POST_SCHEMA, "accounts": _ACCOUNT_SCHEMA, "rejects": _REJECT_SCHEMA}
        # rows waiting for the next Parquet part: dicts from the unit-by-unit path, column
        # chunks from the columnar path (row order does not matter: _seq keeps file order)
        self._buf: dict[str, list[dict]] = {"posts": [], "accounts": [], "rejects": []}
        self._chunks: dict[str, list[dict[str, list]]] = {"posts": [], "accounts": [], "rejects": []}
        self._buffered: Counter[str] = Counter()
        self._parts: Counter[str] = Counter()
        self._seen_accounts: set[tuple] = set()
        self.units_accepted = 0
        self.units_rejected = 0
        os.makedirs(folder, exist_ok=True)

    def add_unit_records(self, position: str, raw: str, records: list) -> None:
        """Add the records parsed from one unit; if any cannot be coerced the unit is rejected
        whole (its raw text is kept), so a unit is either fully in or fully out.

        ``Part`` and ``Reject`` items (see ``cibscan.ingest.base``) are the exception: each part
        is kept or rejected on its own, at ``<position> <part.where>``; the unit's other
        records then form one more all-or-nothing group.
        """
        parts = [r for r in records if isinstance(r, (Part, Reject))]
        if not parts:
            kept = self._add_group(position, raw, records)
        else:
            loose = [r for r in records if not isinstance(r, (Part, Reject))]
            kept = bool(loose) and self._add_group(position, raw, loose)
            for part in parts:
                where = f"{position} {part.where}" if part.where else position
                if isinstance(part, Reject):
                    self._reject_row(where, part.raw, part.reason)
                else:
                    kept = self._add_group(where, part.raw, part.records) or kept
        if kept:
            self.units_accepted += 1
        else:
            self.units_rejected += 1

    def _add_group(self, position: str, raw: str, records: list[Post | Account]) -> bool:
        """Stage one all-or-nothing group of records; ``False`` when it went to ``rejects``."""
        rows: list[tuple[str, dict]] = []
        try:
            for rec in records:
                if isinstance(rec, Post):
                    rows.append(("posts", coerce_post(rec, self.platform)))
                elif isinstance(rec, Account):
                    rows.append(("accounts", coerce_account(rec, self.platform)))
                else:
                    raise RecordError(f"adapter produced {type(rec).__name__}, not a Post or Account")
        except RecordError as e:
            self._reject_row(position, raw, str(e))
            return False
        if not rows:
            self._reject_row(position, raw, "record holds no post or account")
            return False
        for table, row in rows:
            if table == "accounts":
                key = tuple([row[name] for name in ACCOUNT_FIELDS])
                if key in self._seen_accounts:
                    continue  # the same account, verbatim, was staged already from this file
                if len(self._seen_accounts) >= _SEEN_ACCOUNTS_MAX:
                    self._seen_accounts.clear()
                self._seen_accounts.add(key)
            self._seq += 1
            row["source_id"] = self.source_id
            row[SEQ] = self._seq
            self._append(table, row)
        return True

    def reject(self, position: str, raw: str, reason: str) -> None:
        """Reject a whole unit (it could not be read or parsed)."""
        self.units_rejected += 1
        self._reject_row(position, raw, reason)

    def _reject_row(self, position: str, raw, reason: str) -> None:
        raw = raw_text(raw)
        reason = _utf8(reason)
        key = reason_key(reason)
        self.reject_reasons[key] += 1
        row = {"source_id": self.source_id, "source": self.source, "position": position, "reason": key, "detail": reason, "raw": raw or ""}
        self._append("rejects", row)

    def _append(self, table: str, row: dict) -> None:
        self.counts[table] += 1
        self._buf[table].append(row)
        self._buffered[table] += 1
        if self._buffered[table] >= _BATCH:
            self._flush(table)

    def add_batch(self, records: BatchRecords, size: int, read_unit: Callable[[int], None]) -> None:
        """Stage the records an adapter's columnar path read from a batch of ``size`` units:
        in file order, each run of records it vouches for column by column, and each record
        of ``records.fallback`` through ``read_unit(i)`` (the unit-by-unit path), so that the
        rows, their order and the accounts staged are the same as unit by unit."""
        if records.posts is not None:
            if set(records.posts) != set(POST_FIELDS) or any(len(v) != size for v in records.posts.values()):
                raise ValueError("parse_batch must give every post field, one value per record")
        if records.accounts is not None and len(records.accounts) != size:
            raise ValueError("parse_batch must give one account (or None) per record")
        start = 0
        for i in [*sorted(records.fallback), size]:
            if i > start:
                self._add_run(records, start, i)
            if i < size:
                read_unit(i)
            start = i + 1

    def _add_run(self, records: BatchRecords, a: int, b: int) -> None:
        """Records ``a`` to ``b`` of a batch, all vouched for: as ``_add_group`` would stage them."""
        n = b - a
        base = self._seq
        if records.posts is not None:
            chunk = {name: values[a:b] if type(values) is list else values.slice(a, n) for name, values in records.posts.items()}
            chunk["source_id"] = [self.source_id] * n
            chunk[SEQ] = pa.array(np.arange(base + 1, base + 2 * n, 2, dtype=np.int64))
            self._add_chunk("posts", chunk, n)
        if records.accounts is not None:
            kept, rows = self._new_accounts(records.accounts, a, b)
            if kept:
                chunk = dict(zip(ACCOUNT_FIELDS, map(list, zip(*kept))))
                chunk["source_id"] = [self.source_id] * len(kept)
                chunk[SEQ] = [base + 2 * (r - a) + 2 for r in rows]
                self._add_chunk("accounts", chunk, len(kept))
        self._seq = base + 2 * n
        self.units_accepted += n

    def _new_accounts(self, accounts: list | Indexed, a: int, b: int) -> tuple[list[tuple], list[int]]:
        """The accounts of records ``a`` to ``b`` that ``_add_group`` would stage (those not
        staged from this file already, verbatim), and their records."""
        seen, limit = self._seen_accounts, _SEEN_ACCOUNTS_MAX
        kept: list[tuple] = []
        rows: list[int] = []
        if isinstance(accounts, Indexed):
            # Only the first record of each distinct account can add it; while the set has
            # room (no clearing) going through those in order is the same as every record.
            index = accounts.index[a:b]
            ids, first = np.unique(index, return_index=True)
            order = np.argsort(first, kind="stable")
            for k in order.tolist():
                acc = accounts.values[ids[k]]
                if acc is None or acc in seen:
                    continue
                if len(seen) >= limit:  # the set is cleared here: record by record from here on
                    values = accounts.values
                    return self._new_accounts_by_record([values[i] for i in index.tolist()], int(first[k]), kept, rows, a)
                seen.add(acc)
                kept.append(acc)
                rows.append(a + int(first[k]))
            return kept, rows
        return self._new_accounts_by_record(accounts[a:b], 0, kept, rows, a)

    def _new_accounts_by_record(self, accounts: list, start: int, kept: list, rows: list, a: int) -> tuple[list[tuple], list[int]]:
        seen, limit = self._seen_accounts, _SEEN_ACCOUNTS_MAX
        for j in range(start, len(accounts)):
            acc = accounts[j]
            if acc is None or acc in seen:
                continue  # the same account, verbatim, was staged already from this file
            if len(seen) >= limit:
                seen.clear()
            seen.add(acc)
            kept.append(acc)
            rows.append(a + j)
        return kept, rows

    def _add_chunk(self, table: str, chunk: dict[str, list], n: int) -> None:
        self.counts[table] += n
        self._chunks[table].append(chunk)
        self._buffered[table] += n
        if self._buffered[table] >= _BATCH:
            self._flush(table)

    def _flush(self, table: str) -> None:
        if not self._buffered[table]:
            return
        schema = self._schemas[table]
        rows, chunks = self._buf[table], self._chunks[table]
        self._parts[table] += 1
        path = os.path.join(self.folder, f"{table}-{self._parts[table]:05d}.parquet")
        try:
            data = pa.Table.from_arrays([_column(f, rows, chunks) for f in schema], schema=schema)
        except (UnicodeEncodeError, pa.ArrowException):
            # Rare (lone surrogates from JSON): clean every string of this batch and retry,
            # rather than pay for a check on every value of every record.
            data = pa.Table.from_arrays([_column(f, rows, chunks, clean=True) for f in schema], schema=schema)
        pq.write_table(data, path)
        rows.clear()
        chunks.clear()
        self._buffered[table] = 0

    def close(self) -> None:
        for table in self._buf:
            self._flush(table)

    def parts(self, table: str) -> list[str]:
        return [os.path.join(self.folder, f"{table}-{i:05d}.parquet") for i in range(1, self._parts[table] + 1)]


def _column(f: pa.Field, rows: list[dict], chunks: list[dict], clean: bool = False) -> pa.Array:
    """Column ``f`` of buffered dict rows and column chunks (lists or Arrow arrays)."""
    pieces: list[list | pa.Array] = [[r[f.name] for r in rows]]
    for chunk in chunks:
        values = chunk[f.name]
        if type(values) is list and type(pieces[-1]) is list:
            pieces[-1].extend(values)
        else:
            pieces.append(values)
    arrays = []
    for p in pieces:
        if clean:
            p = [_utf8_value(v) for v in (p if type(p) is list else p.to_pylist())]
        if type(p) is list:
            if p:
                arrays.append(to_arrow(p, f.type))
        else:
            arrays.append(p if p.type == f.type else p.cast(f.type))
    if not arrays:
        return pa.array([], f.type)
    return arrays[0] if len(arrays) == 1 else pa.concat_arrays(arrays)


def empty_lists(n: int) -> pa.Array:
    """A list column of ``n`` empty lists."""
    return pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string()))


def to_arrow(values: list, type_: pa.DataType) -> pa.Array:
    """``pa.array(values, type_)``; a list column is built from its flattened items and
    offsets, because Arrow converts a list object repeated in a row (``[]`` on most posts, or
    one remembered list value) about 50 times slower than distinct ones."""
    if not pa.types.is_list(type_) or None in values:
        return pa.array(values, type_)
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(list(map(len, values)), out=offsets[1:])
    items = pa.array(list(chain.from_iterable(values)), type_.value_type)
    return pa.ListArray.from_arrays(pa.array(offsets), items, type=type_)


def _utf8_value(v: Any) -> Any:
    if type(v) is str:
        return _utf8(v)
    if type(v) is list:
        return [_utf8(x) if type(x) is str else x for x in v]
    return v


def reason_key(reason: str) -> str:
    """The general part of a reason, for counting: drop quoted values, parenthesised details
    and numbers that vary per record (``expected 31 fields, found 17`` -> ``expected N fields,
    found N``)."""
    for sep in (" '", ' "', ": ", " ("):
        if sep in reason:
            reason = reason.split(sep, 1)[0]
    return _DIGITS.sub("N", reason).strip() or "unreadable record"


_DIGITS = re.compile(r"\d+")
