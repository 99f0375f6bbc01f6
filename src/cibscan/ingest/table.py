"""Any table of posts (or accounts) with a column mapping: CSV/TSV, Parquet or JSON lines.

``--format table --map canonical=column ...`` (or ``--map-file map.json``) says which column
holds which canonical field (``cibscan.schema.POSTS`` / ``ACCOUNTS``; account fields whose names
clash with post fields are ``account_created_at`` and ``account_lang``). A JSON-lines column may
be a dotted path into nested objects (``user.id``).

* Times: ISO 8601 (with or without zone), epoch seconds or milliseconds.
* List columns (``hashtags``, ``urls``, ``mentions``, ``domains``, ``media_hashes``,
  ``media_urls``): a real list (Parquet/JSON), a list literal (``['a', 'b']`` or ``["a"]``), or a
  string split on ``list_sep`` (``--map list_sep='|'``), else on ``|`` when present, else on
  commas and whitespace.
* ``kind``: ``post``/``repost``/``reply``/``quote`` (and common synonyms: ``retweet``, ``share``,
  ``comment``...). Without a ``kind`` column a row with a ``ref_post_id`` is a repost: the
  account shared that object, which is what the coordination engine co-shares on.
* A row without a post id gets one made from its mapped values (``row:<hash>``), so the same row
  always gets the same id (re-ingesting adds nothing).
* Rows of a file that share a post id are one post: scalars come from the first row, list
  values are merged in order without repeats (long-format tables such as CooRTweet's, one row
  per post x hashtag/URL). The merge runs in the workspace commit, so memory stays bounded.

Presets, recognised by their header, cover CooRTweet's example traces (Righetti & Balluff,
CooRTweet R package): ``coortweet-shares`` and ``coortweet-multimodal``.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar

from ..errors import SchemaError
from .base import Account, Adapter, Post, RecordError, Sample
from .fields import clean_str, parse_bool, parse_int, parse_time
from .readers import iter_jsonl_units, iter_parquet_units, LineSource, Unit

__all__ = [
    "TableAdapter",
    "CooRTweetShares",
    "CooRTweetMultimodal",
    "POST_TARGETS",
    "ACCOUNT_TARGETS",
    "parse_mapping_value_list",
    "synthetic_post_id",
]

#: canonical post fields a column can be mapped to
POST_TARGETS = (
    "post_id", "account_id", "created_at", "text", "lang", "kind", "ref_post_id", "ref_account_id",
    "hashtags", "urls", "mentions", "domains", "media_hashes", "media_urls", "client", "platform",
)
#: canonical account fields (prefixed where the name is also a post field)
ACCOUNT_TARGETS = {
    "handle": "handle", "display_name": "display_name", "description": "description",
    "account_created_at": "created_at", "followers": "followers", "following": "following",
    "verified": "verified", "avatar_hash": "avatar_hash", "avatar_url": "avatar_url", "url": "url",
    "location": "location", "account_lang": "lang",
}
_LIST_TARGETS = ("hashtags", "urls", "mentions", "domains", "media_hashes", "media_urls")
_OPTION_KEYS = ("list_sep",)
_KINDS = {
    "post": "post", "original": "post", "tweet": "post", "status": "post", "message": "post",
    "repost": "repost", "retweet": "repost", "rt": "repost", "share": "repost", "reblog": "repost", "forward": "repost",
    "reply": "reply", "comment": "reply", "quote": "quote", "quote_tweet": "quote", "quoted": "quote",
}
_SPLIT = re.compile(r"[,\s]+")
_LIST_CHARS = frozenset("[|, \t\r\n")


def parse_mapping_value_list(value: Any, sep: str | None = None, field: str = "list") -> list[str]:
    """A list cell as strings: a real list, a JSON or Python list literal, or a string split on
    ``sep`` (else on ``|`` when present, else on commas and whitespace)."""
    if value is None:
        return []
    if type(value) is str:  # fast path: an empty cell or a single plain value
        s = value.strip()
        if not s:
            return []
        if s.isalnum() or not (_LIST_CHARS & set(s)) and (sep is None or sep not in s):
            return [] if s.lower() in ("none", "null", "nan") else [s]
    if isinstance(value, (list, tuple)):
        return [str(x).strip() for x in value if x is not None and str(x).strip()]
    if isinstance(value, dict):
        raise RecordError(f"{field} is an object, not a list")
    s = str(value).strip()
    if not s or s == "[]" or s.lower() in ("none", "null", "nan"):
        return []
    if s.startswith("[") and s.endswith("]"):
        for parse in (json.loads, ast.literal_eval):
            try:
                items = parse(s)
            except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
                continue
            if isinstance(items, (list, tuple)):
                return parse_mapping_value_list(list(items), field=field)
        raise RecordError(f"{field} is not a readable list: {s[:60]!r}")
    if sep:
        parts = s.split(sep)
    elif "|" in s:
        parts = s.split("|")
    else:
        parts = _SPLIT.split(s)
    return [p.strip() for p in parts if p.strip()]


def synthetic_post_id(values: dict[str, Any]) -> str:
    """``row:<hash>`` of a row's mapped values: the id of a post whose table gives none."""
    blob = json.dumps({k: v for k, v in values.items() if v is not None}, sort_keys=True, default=str, ensure_ascii=False)
    return "row:" + hashlib.blake2b(blob.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _column_names(sample: Sample) -> list[str]:
    if sample.is_parquet:
        import pyarrow.parquet as pq

        return list(pq.read_schema(sample.path).names)
    if sample.csv_header:
        return list(sample.csv_header)
    if isinstance(sample.first_json, dict):
        return list(sample.first_json)
    return []


def _get(row: Any, column: str) -> Any:
    if type(row) is dict and column in row:
        return row[column]
    if not isinstance(row, dict):
        raise RecordError(f"record is a {type(row).__name__}, not an object with columns")
    if "." in column:  # a dotted path into nested JSON objects
        cur: Any = row
        for part in column.split("."):
            if not isinstance(cur, dict) or part not in cur:
                return None
            cur = cur[part]
        return cur
    return None


def _text(value: Any) -> str | None:
    if type(value) is str:
        return value if value and not value.isspace() else None
    if value is None or isinstance(value, (dict, list)):
        return None if value is None else json.dumps(value, ensure_ascii=False, default=str)
    return str(value) if str(value).strip() else None


class TableAdapter(Adapter):
    name = "table"
    platform = "generic"
    description = "any CSV/TSV, Parquet or JSON-lines table with a column mapping (--map canonical=column, --map-file)"
    container = "csv"
    merge_rows = True
    #: the mapping a preset brings (a user's --map adds to / overrides it)
    preset: ClassVar[dict[str, str]] = {}

    def __init__(self, options: dict[str, Any] | None = None):
        super().__init__(options)
        raw = {**self.preset, **dict(self.options.get("map") or {})}
        self.list_sep: str | None = raw.pop("list_sep", None) or self.options.get("list_sep")
        unknown = sorted(k for k in raw if k not in POST_TARGETS and k not in ACCOUNT_TARGETS)
        if unknown:
            raise SchemaError(
                f"--map: unknown canonical field(s) {', '.join(unknown)}; post fields: {', '.join(POST_TARGETS)}; "
                f"account fields: {', '.join(ACCOUNT_TARGETS)}; option: list_sep"
            )
        if not raw:
            raise SchemaError("--format table needs a column mapping: --map account_id=COLUMN --map created_at=COLUMN ... (or --map-file)")
        if "account_id" not in raw:
            raise SchemaError("--map must name the account column: --map account_id=COLUMN")
        self.mapping: dict[str, str] = raw
        self.has_posts = "created_at" in raw
        self.default_platform = clean_str(self.options.get("platform")) or self.platform

    # -- recognising and reading -----------------------------------------------------
    @classmethod
    def sniff(cls, sample: Sample) -> bool:
        # The generic table is chosen by giving a mapping, never by content alone.
        return cls is TableAdapter and bool(sample.options.get("map")) and bool(sample.columns)

    def check(self, sample: Sample) -> None:
        """Fail (one clear line) when a mapped column is not in the file; match column names
        without regard to case."""
        if not sample.is_parquet and sample.text.lstrip("\ufeff \t\r\n").startswith("["):
            raise SchemaError(f"{sample.path}: a JSON array document; the table format reads JSON lines (one object per line): convert it with  jq -c '.[]'")
        names = _column_names(sample)
        if not names:
            return  # empty or header-less: the reader reports what it finds
        actual = {n.lower(): n for n in names}
        missing = [f"{k}={v}" for k, v in self.mapping.items() if v.lower() not in actual and v.split(".")[0].lower() not in actual]
        if missing:
            raise SchemaError(f"{sample.path}: mapped column(s) not in the file: {', '.join(missing)}; its columns are {names[:20]}")
        self.mapping = {k: actual.get(v.lower(), v) for k, v in self.mapping.items()}

    def units(self, path: str) -> Iterator[Unit]:
        sample = Sample.of(path, self.options)
        self.check(sample)
        if sample.is_parquet:
            return iter_parquet_units(path)
        if sample.csv_header is None and sample.first_json is not None:
            self._lines = LineSource(path)
            return iter_jsonl_units(self._lines)
        return super().units(path)

    # -- one row ---------------------------------------------------------------------
    def platform_for(self, values: dict[str, Any]) -> str:
        return clean_str(values.get("platform")) or self.default_platform

    def value(self, row: Any, target: str) -> Any:
        column = self.mapping.get(target)
        return None if column is None else _get(row, column)

    def parse(self, unit: Unit) -> Iterator[Post | Account]:
        row = unit.payload
        values = {t: _get(row, c) for t, c in self.mapping.items()}
        account_id = clean_str(_text(values.get("account_id")))
        if account_id is None:
            raise RecordError("missing account_id")
        platform = self.platform_for(values)
        if self.has_posts:
            yield self._post(values, account_id, platform)
        yield self._account(values, account_id, platform)

    def _post(self, values: dict[str, Any], account_id: str, platform: str) -> Post:
        created = parse_time(values.get("created_at"), "created_at")
        if created is None:
            raise RecordError("missing created_at")
        lists = {t: self.list_values(t, values.get(t)) for t in _LIST_TARGETS if t in values}
        ref = clean_str(_text(values.get("ref_post_id")))
        kind_raw = clean_str(values.get("kind"))
        if kind_raw is None:
            kind = "repost" if ref else "post"
        else:
            kind = _KINDS.get(kind_raw.lower())
            if kind is None:
                raise RecordError(f"unknown kind {kind_raw[:40]!r} (expected post, repost, reply or quote)")
        post_id = clean_str(_text(values.get("post_id"))) or synthetic_post_id(values)
        return Post(
            platform=platform,
            post_id=post_id,
            account_id=account_id,
            created_at=created,
            text=_text(values.get("text")),
            lang=clean_str(_text(values.get("lang"))),
            kind=kind,
            ref_post_id=ref,
            ref_account_id=clean_str(_text(values.get("ref_account_id"))),
            client=clean_str(_text(values.get("client"))),
            **lists,
        )

    def list_values(self, target: str, value: Any) -> list[str]:
        """A list cell as canonical values (presets override this to tag opaque ids)."""
        return parse_mapping_value_list(value, self.list_sep, target)

    def _account(self, values: dict[str, Any], account_id: str, platform: str) -> Account:
        acc = Account(platform=platform, account_id=account_id)
        for target, column in ACCOUNT_TARGETS.items():
            if target not in values:
                continue
            v = values[target]
            if column == "created_at":
                acc[column] = parse_time(v, target)
            elif column in ("followers", "following"):
                acc[column] = parse_int(v, target)
            elif column == "verified":
                acc[column] = parse_bool(v)
            else:
                acc[column] = clean_str(_text(v))
        return acc


class CooRTweetShares(TableAdapter):
    """CooRTweet's share traces (``russian_coord_tweets``): each row says that ``account_id``
    shared ``object_id`` (e.g. retweeted that tweet) in its post ``content_id`` at
    ``timestamp_share`` (epoch seconds). Read as a repost of ``object_id``, so co-sharing an
    object within a window is co-reposting the same ``ref_post_id``."""

    name = "coortweet-shares"
    platform = "twitter"
    description = "CooRTweet share traces (object_id, account_id, content_id, timestamp_share)"
    preset = {"post_id": "content_id", "account_id": "account_id", "created_at": "timestamp_share", "ref_post_id": "object_id"}
    _COLUMNS = frozenset({"object_id", "account_id", "content_id", "timestamp_share"})

    @classmethod
    def sniff(cls, sample: Sample) -> bool:
        return cls._COLUMNS <= sample.columns


class CooRTweetMultimodal(TableAdapter):
    """CooRTweet's multimodal example (``german_elections``): one row per post x object, in long
    format (``account_id, post_id, url_id, hashtag_id, domain_id, phash_id, timestamp``). The
    rows of a post become one post whose lists hold every object, as opaque ids tagged with
    their kind (``url_id:123``, ``hashtag_id:5``, ``domain_id:7``, ``phash_id:9``) so they never
    collide with real values. Account ids ``fb_*`` / ``tw_*`` give the platform."""

    name = "coortweet-multimodal"
    platform = "generic"
    description = "CooRTweet multimodal long table (account_id, post_id, url_id, hashtag_id, domain_id, phash_id, timestamp)"
    preset = {
        "post_id": "post_id", "account_id": "account_id", "created_at": "timestamp",
        "urls": "url_id", "hashtags": "hashtag_id", "domains": "domain_id", "media_hashes": "phash_id",
    }
    _COLUMNS = frozenset({"account_id", "post_id", "url_id", "hashtag_id", "domain_id", "phash_id", "timestamp"})
    _TAGS = {"urls": "url_id", "hashtags": "hashtag_id", "domains": "domain_id", "media_hashes": "phash_id"}
    _PLATFORMS = {"fb_": "facebook", "tw_": "twitter"}

    @classmethod
    def sniff(cls, sample: Sample) -> bool:
        return cls._COLUMNS <= sample.columns

    def list_values(self, target: str, value: Any) -> list[str]:
        tag = self._TAGS.get(target)
        values = super().list_values(target, value)
        return [f"{tag}:{v}" for v in values] if tag and self.mapping.get(target) == tag else values

    def platform_for(self, values: dict[str, Any]) -> str:
        if self.options.get("platform"):
            return self.default_platform
        acc = clean_str(_text(values.get("account_id"))) or ""
        return self._PLATFORMS.get(acc[:3].lower(), self.platform)
