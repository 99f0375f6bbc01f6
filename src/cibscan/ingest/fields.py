"""Small parsers for the field values real exports contain. Each returns ``None`` for "absent"
and raises ``RecordError`` (with the offending value) for a value that is present but wrong."""

from __future__ import annotations

import ast
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from .base import RecordError

__all__ = [
    "clean_str",
    "parse_time",
    "parse_int",
    "parse_bool",
    "parse_list",
    "parse_epoch",
    "HASHTAG_RE",
    "MENTION_RE",
    "URL_RE",
]

HASHTAG_RE = re.compile(r"(?<![\w&])[#＃](\w+)", re.UNICODE)
MENTION_RE = re.compile(r"(?<![\w@])@(\w{1,50})", re.UNICODE)
URL_RE = re.compile(r"https?://[^\s<>\"'\u200b]+", re.IGNORECASE)

_ABSENT = {"", "absent", "none", "null", "nan", "n/a"}
_ABSENT_MAX = max(map(len, _ABSENT))
# A list literal of plain quoted strings (no escapes), as X/Twitter archives write them: read
# with a regex, ~10x faster than ast.literal_eval, which stays the fallback for anything else.
_SIMPLE_LIST = re.compile(r"""\[\s*(?:'[^'\\]*'|"[^"\\]*")(?:\s*,\s*(?:'[^'\\]*'|"[^"\\]*"))*\s*,?\s*\]""")
_SIMPLE_ITEM = re.compile(r"'([^'\\]*)'" + r'|"([^"\\]*)"')
_TWITTER_V1_TIME = "%a %b %d %H:%M:%S %z %Y"


def clean_str(value: Any) -> str | None:
    """A stripped string, or ``None`` for empty/absent markers."""
    if value is None:
        return None
    s = (value if type(value) is str else str(value)).strip()
    if not s or len(s) <= _ABSENT_MAX and s.lower() in _ABSENT:
        return None
    return s


def _to_utc_naive(dt: datetime) -> datetime:
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt


def parse_epoch(value: Any) -> datetime:
    """Epoch seconds (or milliseconds, when the number is too large to be seconds)."""
    x = float(value)
    if x > 1e11:  # milliseconds
        x /= 1000.0
    return datetime.fromtimestamp(x, tz=timezone.utc).replace(tzinfo=None)


def parse_time(value: Any, field: str = "time") -> datetime | None:
    """UTC timestamp from ISO 8601 (with or without zone, ``Z``, space separator, no seconds),
    Twitter v1.1 (``Wed Oct 10 20:19:24 +0000 2018``), RFC 2822, or epoch seconds/ms."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _to_utc_naive(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return parse_epoch(value)
        except (OverflowError, OSError, ValueError) as e:
            raise RecordError(f"{field} {value!r} is not a valid time") from e
    s = clean_str(value)
    if s is None:
        return None
    try:
        return _to_utc_naive(datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s))
    except ValueError:
        pass
    if re.fullmatch(r"\d+(\.\d+)?", s):
        try:
            return parse_epoch(s)
        except (OverflowError, OSError, ValueError) as e:
            raise RecordError(f"{field} {s!r} is not a valid time") from e
    for parse in (lambda t: datetime.strptime(t, _TWITTER_V1_TIME), parsedate_to_datetime):
        try:
            return _to_utc_naive(parse(s))
        except (ValueError, TypeError):
            continue
    raise RecordError(f"{field} {s[:60]!r} is not a recognised time")


def parse_int(value: Any, field: str = "number") -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    s = clean_str(value)
    if s is None:
        return None
    try:
        return int(float(s)) if ("." in s or "e" in s.lower()) else int(s)
    except ValueError as e:
        raise RecordError(f"{field} {s[:40]!r} is not a number") from e


def parse_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in ("true", "1", "yes", "t", "y"):
        return True
    if s in ("false", "0", "no", "f", "n"):
        return False
    return None


def parse_list(value: Any, field: str = "list") -> list[str]:
    """A list of non-empty strings from a real list, a Python/JSON-style list literal
    (``['a', 'b']``, as in X/Twitter archives), or a comma/space-separated string."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = value
    else:
        s = str(value).strip()
        if not s or s.lower() in _ABSENT or s == "[]":
            return []
        if s.startswith("[") and _SIMPLE_LIST.fullmatch(s):
            items = [a or b for a, b in _SIMPLE_ITEM.findall(s)]
        elif s.startswith("["):
            try:
                items = ast.literal_eval(s)
            except (ValueError, SyntaxError, MemoryError, RecursionError) as e:
                raise RecordError(f"{field} is not a readable list: {s[:60]!r}") from e
            if not isinstance(items, (list, tuple)):
                raise RecordError(f"{field} is not a list: {s[:60]!r}")
        else:
            items = re.split(r"[,\s]+", s)
    out = []
    for item in items:
        if item is None:
            continue
        t = str(item).strip()
        if t:
            out.append(t)
    return out
