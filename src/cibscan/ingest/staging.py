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
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..schema import ACCOUNTS, POST_KINDS, POSTS, REJECTS, Column, arrow_schema
from .base import Account, Part, Post, RecordError, Reject, raw_text

__all__ = ["StagingWriter", "coerce_post", "coerce_account", "reason_key", "SEQ"]

#: order of a record within its file, kept so "first seen wins" is well defined
SEQ = "_seq"
_BATCH = 50_000
#: Accounts repeated verbatim within one file (an account row per tweet) are staged once; the
#: memory this takes is bounded by clearing the set when it holds this many.
_SEEN_ACCOUNTS_MAX = 500_000
_LIST_COLS = [c.name for c in POSTS if isinstance(c.type, pa.ListType)]
_STR_ACCOUNT = [c.name for c in ACCOUNTS if c.type == pa.string() and c.name not in ("platform", "account_id")]


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
        self._buf: dict[str, list[dict]] = {"posts": [], "accounts": [], "rejects": []}
        self._schemas = {"posts": _POST_SCHEMA, "accounts": _ACCOUNT_SCHEMA, "rejects": _REJECT_SCHEMA}
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
                key = tuple(row.values())
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
        buf = self._buf[table]
        buf.append(row)
        if len(buf) >= _BATCH:
            self._flush(table)

    def _flush(self, table: str) -> None:
        buf = self._buf[table]
        if not buf:
            return
        self._parts[table] += 1
        path = os.path.join(self.folder, f"{table}-{self._parts[table]:05d}.parquet")
        try:
            data = pa.Table.from_pylist(buf, schema=self._schemas[table])
        except (UnicodeEncodeError, pa.ArrowException):
            # Rare (lone surrogates from JSON): clean every string of this batch and retry,
            # rather than pay for a check on every value of every record.
            data = pa.Table.from_pylist([_utf8_row(r) for r in buf], schema=self._schemas[table])
        pq.write_table(data, path)
        buf.clear()

    def close(self) -> None:
        for table in self._buf:
            self._flush(table)

    def parts(self, table: str) -> list[str]:
        return [os.path.join(self.folder, f"{table}-{i:05d}.parquet") for i in range(1, self._parts[table] + 1)]


def _utf8_row(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if type(v) is str:
            v = _utf8(v)
        elif type(v) is list:
            v = [_utf8(x) if type(x) is str else x for x in v]
        out[k] = v
    return out


def reason_key(reason: str) -> str:
    """The general part of a reason, for counting: drop quoted values, parenthesised details
    and numbers that vary per record (``expected 31 fields, found 17`` -> ``expected N fields,
    found N``)."""
    for sep in (" '", ' "', ": ", " ("):
        if sep in reason:
            reason = reason.split(sep, 1)[0]
    return _DIGITS.sub("N", reason).strip() or "unreadable record"


_DIGITS = re.compile(r"\d+")
