"""Behaviour traces: every post reduced to rows ``(account_id, post_id, kind, key, key_text, at)``.

One co-action engine (``cibscan.coordination``) serves every kind of trace: two accounts that
leave the same key within a short time are co-acting, whatever the key is. Adding a kind here
adds a coordination signal.

Kinds
-----
``repost``       the original post id of a repost (retweet, boost, forward)
``reply``        the parent post id of a reply
``link``         each linked URL, normalised with ural (scheme, ``www``, tracking parameters,
                 fragments and trailing slashes removed; query sorted). A shortened link stays
                 as it is (the same short link is the same target).
``domain``       the registered domain of each linked URL (``news.bbc.co.uk`` -> ``bbc.co.uk``);
                 shorteners' own domains (``bit.ly``, ``t.co``) are not domain traces since
                 they say nothing about where a link leads.
``hashtag``      each hashtag, lower-cased, without ``#``
``hashtag_seq``  the post's ordered hashtag sequence when it has two or more tags (the
                 signature of a copied hashtag block)
``mention``      each mentioned account (id or lower-cased ``@handle`` as ingested)
``text``         MinHash-LSH band keys of the normalised text of posts, replies and quotes
                 (not reposts, whose text is the original's): see ``cibscan.text``
``media``        each perceptual hash of an attached image, as ingested

A repost yields only its ``repost`` trace: its tags, links, mentions, media and text are the
original's, and counting them again would turn every organic retweet wave into co-hashtag,
co-link and co-mention pairs. An empty value is never a key (coordination-network-toolkit linked every pair of posts without
a URL through the empty URL). ``key`` is an int64 hash of ``kind`` and ``key_text`` (for
``text``, the band key itself); ``item`` is what counts as one shared thing (the key, except for
``text`` where all band keys of one message share the message's item); ``at`` is epoch seconds,
truncated (not rounded) so every engine agrees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa

from .engines.portable import hash64
from .errors import ParameterError
from .text import DEFAULT_BANDS, DEFAULT_MIN_CHARS, DEFAULT_ROWS, DEFAULT_SHINGLE, text_sketch_udf

__all__ = [
    "TRACE_KINDS",
    "TRACE_COLUMNS",
    "build_traces",
    "store_traces",
    "ensure_traces",
    "epoch_seconds",
    "normalise_url",
    "url_domain",
    "parse_kinds",
]

TRACE_KINDS = ("repost", "link", "domain", "hashtag", "hashtag_seq", "text", "reply", "mention", "media")
TRACE_COLUMNS = ("account_id", "post_id", "kind", "key", "key_text", "at", "item")

#: name of the small table recording what the stored traces were built from
TRACES_META = "traces_meta"

_TEXT_KINDS = ("post", "reply", "quote")  # reposts carry the original's text


def parse_kinds(kinds: str | Iterable[str] | None) -> tuple[str, ...]:
    """Trace kinds from a list or a comma-separated string (``None``/``"all"``: every kind)."""
    if kinds is None or kinds == "all":
        return TRACE_KINDS
    if isinstance(kinds, str):
        kinds = [k for k in (s.strip() for s in kinds.split(",")) if k]
    out = tuple(dict.fromkeys(kinds))
    bad = [k for k in out if k not in TRACE_KINDS]
    if bad:
        raise ParameterError(f"unknown trace kind(s) {', '.join(bad)}; known: {', '.join(TRACE_KINDS)}")
    if not out:
        raise ParameterError(f"no trace kinds given; known: {', '.join(TRACE_KINDS)}")
    return out


def epoch_seconds(ts: ibis.Value) -> ibis.Value:
    """Whole epoch seconds of a timestamp, truncated (DuckDB rounds and Spark truncates a
    plain cast; truncating first makes both agree)."""
    return ts.truncate("s").epoch_seconds().cast("int64")


def normalise_url(url: str | None) -> str | None:
    """A URL normalised with ural (``None`` for an empty one). A URL ural cannot parse is kept
    as written (stripped), so it can still match an identical copy."""
    if url is None:
        return None
    u = str(url).strip()
    if not u:
        return None
    from ural import normalize_url

    try:
        norm = normalize_url(u)
    except Exception:  # ural raises on malformed ports, empty hosts, bad IPv6...
        norm = u
    norm = norm.strip() if isinstance(norm, str) else u
    # "http://" and the like: a scheme and nothing else is no target
    return norm if _HAS_TARGET.search(_SCHEME.sub("", norm)) else None


def url_domain(url: str | None) -> str | None:
    """Registered domain of a URL (``news.bbc.co.uk/x`` -> ``bbc.co.uk``), or ``None`` for
    shorteners and URLs without a recognisable domain."""
    if not url:
        return None
    from ural import get_domain_name, is_shortened_url

    try:
        if is_shortened_url(url):
            return None
        return get_domain_name(url) or None
    except Exception:
        return None


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(//)?", re.IGNORECASE)
_HAS_TARGET = re.compile(r"\w")

_URL_KEYS_TYPE = pa.list_(pa.string())
_SEP = "\x1f"  # between kind and key_text in the string a key hashes (see ``_with_key``)

_DOMAINS: dict[tuple[str, bool], str | None] = {}


def _link_domain(link: str) -> str | None:
    """``url_domain(link)``, remembered per hostname (and whether the path is a homepage,
    which decides whether a shortener's link is a shortened one): ural takes 20 µs a URL for
    it, and at 10M posts there are 274k distinct URLs on a few thousand hosts. Hosts starting
    with ``l.`` (ural also reads their path) are not remembered."""
    from ural import is_homepage
    from ural.utils import safe_urlsplit

    try:
        parsed = safe_urlsplit(link)
        host = parsed.hostname
        if not host or host.startswith("l."):
            return url_domain(link)
        key = (host, bool(is_homepage(parsed)))
    except Exception:
        return url_domain(link)
    if key not in _DOMAINS:
        if len(_DOMAINS) >= 1 << 16:
            _DOMAINS.clear()
        _DOMAINS[key] = url_domain(link)
    return _DOMAINS[key]


def _url_keys(url: str | None) -> tuple[str, ...]:
    """``link\x1f<normalised url>`` and ``domain\x1f<registered domain>``, those that exist."""
    link = normalise_url(url)
    if link is None:
        return ()
    domain = _link_domain(link)
    return (f"link{_SEP}{link}",) + ((f"domain{_SEP}{domain}",) if domain else ())


@ibis.udf.scalar.pyarrow
def _cibscan_url_keys(url: str) -> dt.Array(dt.string):
    # runs under an unnest, once per distinct URL: a projection that is filtered on gets
    # inlined into the filter and runs again (link and domain traces of the 10M scenario:
    # 22-24 s when the UDF returned a struct filtered per kind, 12.5-13 s now)
    return pa.array([list(_url_keys(u)) for u in url.to_pylist()], type=_URL_KEYS_TYPE)


def _nonempty(s: ibis.Value) -> ibis.Value:
    return s.notnull() & (s.strip().length() > 0)


#: column types of the traces table (all nullable, so per-kind parts union cleanly)
TRACE_SCHEMA = ibis.schema(
    {"account_id": "string", "post_id": "string", "kind": "string", "key": "int64", "key_text": "string", "at": "int64", "item": "int64"}
)


def _conform(t: ibis.Table) -> ibis.Table:
    return t.select(*(t[c].cast(TRACE_SCHEMA[c]).name(c) for c in TRACE_COLUMNS))


def _with_key(t: ibis.Table, kind: str | ibis.Value) -> ibis.Table:
    """Finish a per-kind trace table: the kind (a constant, or a column of ``t``), int64 key
    from kind + key_text."""
    k = ibis.literal(kind) if isinstance(kind, str) else kind
    key = hash64(k + ibis.literal(_SEP) + t.key_text)  # same value on every engine
    return _conform(t.select("account_id", "post_id", kind=k, key=key, key_text=t.key_text, at=t.at, item=key))


def build_traces(
    source,
    kinds: str | Iterable[str] | None = None,
    *,
    text_bands: int = DEFAULT_BANDS,
    text_rows: int = DEFAULT_ROWS,
    text_shingle: int = DEFAULT_SHINGLE,
    text_min_chars: int = DEFAULT_MIN_CHARS,
    seed: int = 0,
) -> ibis.Table:
    """The trace rows of every post, as one Ibis expression (nothing is computed yet).

    Parameters
    ----------
    source : Workspace or ibis.Table
        A workspace (its ``posts`` table is read) or a table with the canonical post columns.
    kinds : list of str or comma-separated str, optional
        Trace kinds to build (default: all of ``TRACE_KINDS``).
    text_bands, text_rows, text_shingle, text_min_chars : int
        MinHash-LSH settings for ``text`` (see ``cibscan.text``): 10 bands of 5 rows over
        5-character shingles, texts under 20 characters after normalisation skipped.
    seed : int
        Seed of the text hash functions (keys are comparable only under one seed).

    Returns
    -------
    ibis.Table
        Columns ``account_id, post_id, kind, key, key_text, at, item`` (see the module
        docstring); one row per (post, kind, key).
    """
    kinds = parse_kinds(kinds)
    posts = source if isinstance(source, ibis.Table) else source.table("posts")
    base = posts.mutate(at=epoch_seconds(posts.created_at))
    # a repost's tags, links, mentions and media are the original's: its one trace is the repost
    own = base.filter(base.kind != "repost")
    parts: list[ibis.Table] = []

    for kind, post_kind in (("repost", "repost"), ("reply", "reply")):
        if kind in kinds:
            t = base.filter((base.kind == post_kind) & _nonempty(base.ref_post_id))
            parts.append(_with_key(t.select("account_id", "post_id", "at", key_text=t.ref_post_id.strip()), kind))

    for kind, col, lower in (("hashtag", "hashtags", True), ("mention", "mentions", True), ("media", "media_hashes", False)):
        if kind in kinds:
            t = own.select("account_id", "post_id", "at", v=own[col].unnest())
            v = t.v.strip()
            t = t.select("account_id", "post_id", "at", key_text=v.lower() if lower else v)
            t = t.filter(t.key_text.length() > 0).distinct()
            parts.append(_with_key(t, kind))

    if "hashtag_seq" in kinds:
        tags = own.hashtags.map(lambda x: x.strip().lower()).filter(lambda x: x.length() > 0)
        t = own.select("account_id", "post_id", "at", tags=tags)
        t = t.filter(t.tags.length() >= 2)
        parts.append(_with_key(t.select("account_id", "post_id", "at", key_text=t.tags.join(" ")), "hashtag_seq"))

    url_kinds = [k for k in ("link", "domain") if k in kinds]
    if url_kinds:
        raw = own.select("account_id", "post_id", "at", url=own.urls.unnest())
        raw = raw.filter(_nonempty(raw.url))
        # ural runs once per distinct URL, not once per post
        distinct_urls = raw.select(raw.url).distinct()
        mapped = distinct_urls.select("url", e=_cibscan_url_keys(distinct_urls.url).unnest())
        sep = mapped.e.find(_SEP)
        mapped = mapped.select("url", kind=mapped.e.substr(0, sep), key_text=mapped.e.substr(sep + 1))
        mapped = mapped.filter(mapped.kind.isin(url_kinds))
        t = raw.join(mapped, "url").select("account_id", "post_id", "at", "kind", "key_text").distinct()
        parts.append(_with_key(t, t.kind))

    if "text" in kinds:
        sketch = text_sketch_udf(bands=text_bands, rows=text_rows, shingle=text_shingle, min_chars=text_min_chars, seed=seed)
        t = own.filter(own.kind.isin(_TEXT_KINDS) & _nonempty(own.text))
        t = t.select("account_id", "post_id", "at", s=sketch(t.text))
        t = t.filter(t.s["keys"].length() > 0)
        t = t.select("account_id", "post_id", "at", item=t.s["item"], key=t.s["keys"].unnest())
        # one row per band of a post already (posts are unique, bands hash their index): no
        # distinct, and one label rather than a string per row, over the ~10 rows of every text
        # (at 10M posts, 58M rows; both cost a fifth of the text traces' time)
        parts.append(_conform(
            t.select("account_id", "post_id", kind=ibis.literal("text"), key=t.key, key_text=ibis.literal("text band"),
                     at=t.at, item=t.item)
        ))

    out = parts[0]
    for p in parts[1:]:
        out = out.union(p, distinct=False)
    return out


def _fingerprint(ws) -> dict:
    """What the stored traces depend on: the posts (by count and ingested sources)."""
    posts = ws.table("posts")
    n = int(posts.count().execute())
    src = int(ws.table("sources").source_id.max().execute() or 0) if ws.has_table("sources") else 0
    return {"posts": n, "max_source_id": src}


def store_traces(ws, kinds=None, **options) -> ibis.Table:
    """Build the traces of ``ws`` and store them as table ``traces`` (replacing it); record
    what they were built from in ``traces_meta``. Returns the stored table."""
    kinds = parse_kinds(kinds)
    table = ws.write_table("traces", build_traces(ws, kinds, **options))
    meta = {"kinds": list(kinds), "options": options, **_fingerprint(ws)}
    ws.write_table(TRACES_META, pa.table({"meta": [json.dumps(meta, sort_keys=True)]}))
    return table


def ensure_traces(ws, kinds=None, **options) -> ibis.Table:
    """The stored ``traces`` table, rebuilt first when missing or built from other posts,
    kinds or options than asked (so a detector can rely on fresh traces cheaply)."""
    kinds = parse_kinds(kinds)
    if ws.has_table("traces") and ws.has_table(TRACES_META):
        rows = ws.table(TRACES_META).to_pyarrow().column("meta").to_pylist()
        if rows:
            meta = json.loads(rows[0])
            want = {"kinds": list(kinds), "options": json.loads(json.dumps(options, sort_keys=True)), **_fingerprint(ws)}
            if meta == want or (set(kinds) <= set(meta.get("kinds", ())) and meta.get("options") == want["options"]
                                and meta.get("posts") == want["posts"] and meta.get("max_source_id") == want["max_source_id"]):
                return ws.table("traces")
    return store_traces(ws, kinds, **options)
