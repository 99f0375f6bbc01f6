"""Helpers shared by the adapters of JSON exports (X API v1.1/v2, Bluesky, Telegram): ids that
may come as numbers, nested look-ups in objects that may hold anything, and the first JSON value
of a file for sniffing.

Every helper treats its input as hostile: a field may be missing, ``null``, of another type, or
huge. Each returns ``None`` for "absent" and raises ``RecordError`` (with the offending value)
for a value that is present but unusable.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from .base import RecordError, Sample
from .fields import parse_time
from .readers import open_binary

__all__ = [
    "parse_id",
    "dig",
    "as_list",
    "as_dict",
    "text_or_none",
    "first_json_value",
    "head_json_values",
    "strip_html",
    "parse_json_time",
    "open_json",
    "to_json",
]

_TAG = re.compile(r"<[^>]*>")
#: X API v1.1 time, e.g. ``Wed Oct 10 20:19:24 +0000 2018``
_V1_TIME = re.compile(r"\w{3} (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})")
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def parse_id(value: Any, field: str = "id") -> str | None:
    """An id as a string: strings are kept (stripped), whole numbers are written out in full.

    A float is refused: JSON numbers above 2**53 that went through a float (JavaScript,
    pandas) have lost their last digits, so the id would point at another record.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise RecordError(f"{field} is a boolean, not an id ({value!r})")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise RecordError(f"{field} is a floating-point number whose last digits are lost ({value!r})")
    if isinstance(value, str):
        s = value.strip()
        return s or None
    raise RecordError(f"{field} is not an id ({str(value)[:40]!r})")


def dig(obj: Any, *keys: str | int) -> Any:
    """``obj[k1][k2]...``, or ``None`` as soon as a level is missing or of the wrong type."""
    for k in keys:
        if isinstance(k, int):
            if not isinstance(obj, list) or not -len(obj) <= k < len(obj):
                return None
        elif not isinstance(obj, dict):
            return None
        obj = obj[k] if isinstance(k, int) else obj.get(k)
    return obj


def as_list(value: Any) -> list:
    """``value`` if it is a list, else ``[]`` (``null`` or a stray scalar)."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict:
    """``value`` if it is an object, else ``{}``."""
    return value if isinstance(value, dict) else {}


def text_or_none(value: Any) -> str | None:
    """A string field as written (not stripped: texts keep their spacing), ``None`` when it is
    absent, empty or not a string."""
    return value if isinstance(value, str) and value.strip() else None


def strip_html(value: Any) -> str | None:
    """The visible text of a small HTML fragment (X's ``source``: ``<a href=..>Twitter Web
    App</a>`` -> ``Twitter Web App``)."""
    if not isinstance(value, str):
        return None
    s = _TAG.sub("", value).strip()
    return s or None


def head_json_values(sample: Sample, limit: int = 5) -> list[Any]:
    """Up to ``limit`` values of a JSON-lines file, from its first non-blank lines (the first
    one read whole even when it is longer than the sample)."""
    first = sample.first_json
    if first is None:
        return []
    out = [first]
    lines = [ln for ln in sample.text.lstrip().split("\n")[1:-1] if ln.strip()]
    for line in lines[: limit - 1]:
        try:
            out.append(json.loads(line))
        except ValueError:
            break
    return out


def first_json_value(sample: Sample) -> Any:
    """The first JSON value of a file: the first line of a JSON-lines file, or the first item of
    a file that is one JSON array (read with ijson, so only that item is parsed)."""
    t = sample.text.lstrip()
    if t.startswith("{"):
        return sample.first_json
    if not t.startswith("["):
        return None
    import ijson

    try:
        with open_json(sample.path) as f:
            return next(ijson.items(f, "item", use_float=True), None)
    except Exception:  # noqa: BLE001 - a broken document is simply not recognised here
        return None


def open_json(path: str):
    """The file's bytes (gunzipped if need be) positioned after a UTF-8 byte-order mark, which
    JSON parsers refuse but Windows tools write."""
    f = open_binary(path)
    if f.read(3) != b"\xef\xbb\xbf":
        f.seek(0)
    return f


def to_json(obj: Any) -> str:
    """``obj`` as JSON text for ``rejects.raw`` (unicode kept as is)."""
    return json.dumps(obj, ensure_ascii=False, default=str)


def parse_json_time(value: Any, field: str = "time") -> datetime | None:
    """``fields.parse_time`` (UTC, naive), with the two forms JSON exports use most, ISO 8601 and
    X v1.1's ``Wed Oct 10 20:19:24 +0000 2018``, read without ``strptime`` and remembered:
    account creation times repeat with every post of the account."""
    if isinstance(value, str):
        return _parse_time_text(value, field)
    return parse_time(value, field)


@lru_cache(maxsize=1 << 16)
def _parse_time_text(value: str, field: str) -> datetime | None:
    m = _V1_TIME.fullmatch(value)
    if m and m.group(1) in _MONTHS:
        mon, day, hh, mm, ss, sign, oh, om, year = m.groups()
        try:
            t = datetime(int(year), _MONTHS[mon], int(day), int(hh), int(mm), int(ss))
        except ValueError as e:
            raise RecordError(f"{field} is not a valid time ({value[:60]!r})") from e
        offset = timedelta(hours=int(oh), minutes=int(om))
        return t - offset if sign == "+" else t + offset
    if len(value) >= 10 and value[4:5] == "-" and value[:4].isdigit():
        try:
            t = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
        except ValueError:
            return parse_time(value, field)
        return t.astimezone(timezone.utc).replace(tzinfo=None) if t.tzinfo else t
    return parse_time(value, field)
