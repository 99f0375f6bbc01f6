"""Helpers for exact-row checks of ingest tests: tables back as plain Python values."""

from __future__ import annotations

import json
import math
from pathlib import Path

SAMPLES = Path(__file__).parent / "samples"


def _plain(v):
    if v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ == "NaTType":
        return None
    if hasattr(v, "tolist"):  # numpy arrays of list columns
        return list(v.tolist())
    if hasattr(v, "to_pydatetime"):
        return v.to_pydatetime()
    return v


#: the columns the JSON adapters fill (``docs/schema.md``); columns other parts derive later
#: (e.g. from ``urls``) are not compared by these checks
COLUMNS = {
    "posts": ("post_id", "account_id", "created_at", "text", "lang", "kind", "ref_post_id", "ref_account_id",
              "hashtags", "urls", "mentions", "media_urls", "client"),
    "accounts": ("account_id", "handle", "display_name", "description", "created_at", "followers", "following",
                 "verified", "avatar_hash", "avatar_url", "url", "location", "lang"),
    "rejects": ("source", "position", "reason", "detail", "raw"),
}


def rows(ws, table: str, key: str | None = None):
    """The table as a list of dicts (or a dict keyed by ``key``) of its ``COLUMNS``, NaN/NaT
    as ``None``, lists as lists."""
    df = ws.to_pandas(table)
    out = [{c: _plain(r[c]) for c in COLUMNS[table]} for _, r in df.iterrows()]
    return {r[key]: r for r in out} if key else out


def write_jsonl(path: Path, *objs, raw_lines=()) -> Path:
    """A JSON-lines file of ``objs`` (unicode kept) followed by ``raw_lines`` as written."""
    lines = [json.dumps(o, ensure_ascii=False) for o in objs] + list(raw_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def post_row(**kw):
    """An expected ``posts`` row (as ``rows`` returns it): ``kw`` over the empty defaults."""
    base = dict(text=None, lang=None, kind="post", ref_post_id=None, ref_account_id=None, hashtags=[], urls=[],
                mentions=[], media_urls=[], client=None)
    base.update(kw)
    return base
