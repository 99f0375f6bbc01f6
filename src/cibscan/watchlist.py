"""Watchlists: the identities and outlets that impersonation detection protects.

A watchlist is a CSV file with the header ``kind,platform,handle,display_name,avatar,domain``
(or JSON lines with the same keys):

* ``kind`` is ``account`` or ``outlet``;
* an account row gives a ``handle`` (no ``@``) and/or a ``display_name``, optionally the
  ``platform`` and an ``avatar``: an image path relative to the watchlist file, or a hash
  ``pdq:<hex>`` / ``phash:<hex>``;
* an outlet row gives one registered ``domain`` (``example-news.com``) and the outlet's name in
  ``display_name``; an outlet with several domains has one row per domain.

Empty cells are allowed. A row that cannot be used stops the load with the file, line and what
to fix: a watchlist is short and hand-written, and a silently skipped entry would be an
unprotected one.

Without a watchlist, ``auto_watchlist`` protects the most prominent accounts in the data: the
top accounts by followers, by reposts received and by mentions received.

Example
-------
>>> rows = parse_watchlist_text("kind,handle,display_name,domain\\naccount,JoeBiden,Joe Biden,\\n"
...                             "outlet,,Example News,example-news.com\\n")
>>> [(e.kind, e.handle, e.domain) for e in rows]
[('account', 'JoeBiden', None), ('outlet', None, 'example-news.com')]
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import asdict, dataclass, field

import ibis
import pyarrow as pa

from .errors import CibscanError, InputNotFoundError

__all__ = [
    "WATCHLIST_COLUMNS",
    "WATCHLIST_SCHEMA",
    "WatchEntry",
    "WatchlistError",
    "parse_watchlist_text",
    "load_watchlist",
    "watchlist_table",
    "store_watchlist",
    "read_watchlist",
    "auto_watchlist",
]

WATCHLIST_COLUMNS = ("kind", "platform", "handle", "display_name", "avatar", "domain")
_KINDS = ("account", "outlet")

#: Columns of the workspace table ``watchlist`` (the file's columns plus resolved avatar hashes).
WATCHLIST_SCHEMA = pa.schema([
    ("kind", pa.string()), ("platform", pa.string()), ("handle", pa.string()), ("display_name", pa.string()),
    ("avatar", pa.string()), ("domain", pa.string()), ("avatar_pdq", pa.string()), ("avatar_pdq_quality", pa.int64()),
    ("avatar_pdq_dihedral", pa.list_(pa.string())), ("avatar_phash", pa.string()), ("line", pa.int64()),
])


class WatchlistError(CibscanError, ValueError):
    """A watchlist file cannot be read or one of its rows cannot be used."""


@dataclass
class WatchEntry:
    """One watchlist row, with the avatar resolved to hashes when one was given."""

    kind: str
    platform: str | None = None
    handle: str | None = None
    display_name: str | None = None
    avatar: str | None = None
    domain: str | None = None
    avatar_pdq: str | None = None
    avatar_pdq_quality: int | None = None
    avatar_pdq_dihedral: list[str] = field(default_factory=list)
    avatar_phash: str | None = None
    line: int = 0


def _cell(value) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def _iter_records(text: str, where: str):
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith("{"):
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                raise WatchlistError(f"{where} line {n}: not JSON ({e}); expected one object per line with keys {', '.join(WATCHLIST_COLUMNS)}") from e
            if not isinstance(rec, dict):
                raise WatchlistError(f"{where} line {n}: expected a JSON object")
            yield n, rec
        return
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if "kind" not in header:
        raise WatchlistError(f"{where}: no `kind` column; a watchlist CSV starts with the header {','.join(WATCHLIST_COLUMNS)}")
    reader.fieldnames = header
    for rec in reader:
        yield reader.line_num, rec


def _resolve_avatar(entry: WatchEntry, base_dir: str | None, where: str) -> None:
    from .images.hashing import hash_image, parse_hash

    value = entry.avatar
    if not value:
        return
    parsed = parse_hash(value)
    if parsed is not None:
        kind, hexpart = parsed
        if kind == "pdq":
            entry.avatar_pdq, entry.avatar_pdq_dihedral = hexpart, [hexpart]
        else:
            entry.avatar_phash = hexpart
        return
    if ":" in value and value.split(":", 1)[0].lower() in ("pdq", "phash"):
        raise WatchlistError(f"{where}: avatar {value[:40]!r} is not a valid hash (pdq: 64 hex digits, phash: 16)")
    path = value if os.path.isabs(value) or base_dir is None else os.path.join(base_dir, value)
    if not os.path.isfile(path):
        raise WatchlistError(f"{where}: avatar image {value!r} not found (paths are relative to the watchlist file)")
    h = hash_image(path)
    entry.avatar_pdq, entry.avatar_pdq_quality = h["pdq"], h["quality"]
    entry.avatar_pdq_dihedral, entry.avatar_phash = h["pdq_dihedral"], h["phash"]


def parse_watchlist_text(text: str, *, source: str = "watchlist", base_dir: str | None = None) -> list[WatchEntry]:
    """Watchlist entries from the text of a CSV or JSON-lines watchlist (see module doc);
    avatar paths are read relative to ``base_dir``."""
    entries = []
    for n, rec in _iter_records(text, source):
        where = f"{source} line {n}"
        rec = {str(k).strip().lower(): v for k, v in rec.items() if k is not None}
        kind = (_cell(rec.get("kind")) or "").lower()
        if kind not in _KINDS:
            raise WatchlistError(f"{where}: kind {rec.get('kind')!r} should be `account` or `outlet`")
        e = WatchEntry(kind=kind, line=n, **{c: _cell(rec.get(c)) for c in WATCHLIST_COLUMNS if c != "kind"})
        if e.handle:
            e.handle = e.handle.lstrip("@") or None
        if e.platform:
            e.platform = e.platform.lower()
        if kind == "account" and not (e.handle or e.display_name):
            raise WatchlistError(f"{where}: an account row needs a handle or a display_name")
        if kind == "outlet":
            if not e.domain:
                raise WatchlistError(f"{where}: an outlet row needs a domain (its registered domain, e.g. example-news.com)")
            from .lookalike.domains import registered_domain

            reg = registered_domain(e.domain)
            if reg is None:
                raise WatchlistError(f"{where}: domain {e.domain!r} has no known public suffix")
            e.domain = reg
        _resolve_avatar(e, base_dir, where)
        entries.append(e)
    return entries


def load_watchlist(path: str | os.PathLike) -> list[WatchEntry]:
    """Read a watchlist file (CSV or JSON lines); ``WatchlistError`` names the line to fix."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise InputNotFoundError(f"{path}: no such watchlist file")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError as e:
        raise WatchlistError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start}); save the watchlist as UTF-8") from e
    return parse_watchlist_text(text, source=path, base_dir=os.path.dirname(os.path.abspath(path)))


def watchlist_table(entries: list[WatchEntry]) -> pa.Table:
    return pa.Table.from_pylist([asdict(e) for e in entries], schema=WATCHLIST_SCHEMA)


def store_watchlist(ws, path: str | os.PathLike) -> list[WatchEntry]:
    """Load a watchlist and store it as the workspace table ``watchlist`` (replacing any
    earlier one); the impersonation and spoofed-domain detectors use it by default."""
    entries = load_watchlist(path)
    ws.write_table("watchlist", watchlist_table(entries))
    return entries


def read_watchlist(ws, path: str | None = None) -> list[WatchEntry]:
    """The watchlist a detector should use: the file at ``path`` when given, else the
    workspace's stored ``watchlist`` table, else an empty list."""
    if path:
        return load_watchlist(path)
    if not ws.has_table("watchlist"):
        return []
    rows = ws.table("watchlist").to_pyarrow().to_pylist()
    names = {f.name for f in WATCHLIST_SCHEMA}
    return [WatchEntry(**{k: (v if v is not None or k != "avatar_pdq_dihedral" else []) for k, v in r.items() if k in names}) for r in rows]


def auto_watchlist(ws, top: int = 100) -> pa.Table:
    """The most prominent accounts in the data: the union of the top ``top`` accounts by
    followers, by reposts received and by mentions received.

    Returns an Arrow table ``platform, account_id, followers, reposts_received,
    mentions_received, prominence`` (``prominence``: which rankings put the account in).
    References to an account by ``@handle`` (where a source gives no id) are matched to the
    account with that handle, case-insensitively.
    """
    empty = pa.table({"platform": pa.array([], pa.string()), "account_id": pa.array([], pa.string()),
                      "followers": pa.array([], pa.int64()), "reposts_received": pa.array([], pa.int64()),
                      "mentions_received": pa.array([], pa.int64()), "prominence": pa.array([], pa.list_(pa.string()))})
    if top <= 0 or not ws.has_table("accounts"):
        return empty
    acc = ws.table("accounts")
    posts = ws.table("posts")
    by_handle = acc.filter(acc.handle.notnull()).select(
        hkey=ibis.literal("@") + acc.handle.lower(), h_platform=acc.platform, h_account=acc.account_id)

    def resolve(t: ibis.Table, ref: str) -> ibis.Table:
        # an id as given, or '@handle' -> the account with that handle on the same platform
        j = t.left_join(by_handle, [t[ref].lower() == by_handle.hkey, t.platform == by_handle.h_platform])
        return j.select(platform=j.platform, account_id=ibis.coalesce(j.h_account, j[ref]))

    reposts = resolve(posts.filter((posts.kind == "repost") & posts.ref_account_id.notnull()), "ref_account_id")
    reposts = reposts.group_by(["platform", "account_id"]).aggregate(reposts_received=reposts.count())
    mentioned = posts.select(posts.platform, mention=posts.mentions.unnest())
    mentions = resolve(mentioned, "mention")
    mentions = mentions.group_by(["platform", "account_id"]).aggregate(mentions_received=mentions.count())
    base = acc.select("platform", "account_id", followers=acc.followers.fill_null(0))
    j = base.left_join(reposts, ["platform", "account_id"]).left_join(mentions, ["platform", "account_id"])
    j = j.select("platform", "account_id", "followers",
                 reposts_received=j.reposts_received.fill_null(0), mentions_received=j.mentions_received.fill_null(0))
    ranked = []
    for col in ("followers", "reposts_received", "mentions_received"):
        r = j.filter(j[col] > 0).order_by([ibis.desc(col), "account_id"]).limit(top)
        ranked.append(r.mutate(why=ibis.literal(col)))
    u = ranked[0].union(ranked[1]).union(ranked[2])
    out = u.group_by(["platform", "account_id", "followers", "reposts_received", "mentions_received"]).aggregate(
        prominence=u.why.collect())
    result = out.order_by([ibis.desc("followers"), "account_id"]).to_pyarrow()
    return result.cast(empty.schema) if result.num_rows else empty
