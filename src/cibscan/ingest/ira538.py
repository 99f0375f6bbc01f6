"""The FiveThirtyEight / Clemson University release of tweets by accounts X/Twitter attributed to
Russia's Internet Research Agency (Linvill & Warren, "Troll Factories", 2018;
github.com/fivethirtyeight/russian-troll-tweets), and the per-account file that comes with the
split used in ``../shared/data``.

The release has **no tweet ids and no retweet ids**. So:

* a post's id is made from its author, publish time and full text (``ira538_post_id``): the same
  row always gets the same id, so re-ingesting adds nothing, and rows repeated by the harvest
  (same author, minute and text) are kept once and counted as duplicates;
* a retweet is ``post_type == 'R'`` and/or text that starts ``RT @handle: ``. Its
  ``ref_post_id`` is a *content key* (``content_key``) made from the retweeted handle (when the
  text names it) and the normalised text (``normalise_rt_text``), so every retweet of one
  original gets the same key, which is what the coordination engine co-shares on. The
  original tweet, when it is in the data, has the same content key:
  ``content_key(author, content)`` of the original equals the retweet's ``ref_post_id``, also
  when the retweet's text was cut short with ``…`` (the key uses the first
  ``CONTENT_KEY_CHARS`` normalised characters). The original's own ``post_id`` keeps the publish
  time, because one author posting the same text twice is two posts (98 such pairs in the
  Sept-Nov 2016 file).
* Most retweets in the release (``post_type R``) carry the retweeted text without the
  ``RT @handle:`` prefix, so the retweeted account is unknown; their key is the text alone
  (namespace ``ira538-text:``) and ``ref_account_id`` is null.

The authors file holds researchers' labels (``account_category``, ``account_type``...). They are
ground truth for evaluation and are deliberately **not** read into ``accounts``: a detector must
never see them. Tests and benchmarks read them from the CSV directly.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache

import numpy as np
import pyarrow as pa

from .base import Account, Adapter, Post, RecordError, Sample
from .batches import RowBatch
from .columns import BatchParse, is_blank_text
from .fields import HASHTAG_RE, MENTION_RE, URL_RE, clean_str, parse_int, parse_time
from .staging import BatchRecords, _opt_str, _str_list, empty_lists, to_arrow

__all__ = [
    "IRA538Tweets",
    "IRA538Authors",
    "ira538_post_id",
    "content_key",
    "normalise_rt_text",
    "split_retweet",
    "CONTENT_KEY_CHARS",
]

#: How many normalised characters of a text make its content key. A retweet in 2016 was cut at
#: 140 characters including ``RT @handle: `` (at most 20) and the ``…``; after dropping the cut
#: word (a t.co link is 23) at least ~95 characters remain, so 80 lets a cut retweet and its
#: original share a key while texts that differ within their first 80 characters do not.
CONTENT_KEY_CHARS = 80

_RT_PREFIX = re.compile(r"^\s*RT @(\w{1,50}):?\s*", re.IGNORECASE)
#: Twitter marks a cut text with U+2026 (a typed "..." is part of the text).
_ELLIPSIS = "…"
_TRAILING_PUNCT = ".,;:!?)]}\"'»”’"

#: FiveThirtyEight's language names -> ISO 639-1 codes (the canonical ``lang`` is a code).
_LANG_CODES = {
    "english": "en", "russian": "ru", "ukrainian": "uk", "german": "de", "bulgarian": "bg", "uzbek": "uz",
    "serbian": "sr", "macedonian": "mk", "french": "fr", "spanish": "es", "italian": "it", "arabic": "ar",
    "vietnamese": "vi", "norwegian": "no", "farsi (persian)": "fa", "romanian": "ro", "dutch": "nl",
    "estonian": "et", "japanese": "ja", "albanian": "sq", "portuguese": "pt", "croatian": "hr",
    "icelandic": "is", "swedish": "sv", "catalan": "ca", "polish": "pl", "latvian": "lv", "lithuanian": "lt",
    "turkish": "tr", "finnish": "fi", "kurdish": "ku", "czech": "cs", "slovenian": "sl", "malay": "ms",
    "tagalog (filipino)": "tl", "hungarian": "hu", "hindi": "hi", "slovak": "sk", "somali": "so",
    "hebrew": "he", "danish": "da", "indonesian": "id", "korean": "ko", "pushto": "ps", "thai": "th",
    "greek": "el", "urdu": "ur", "simplified chinese": "zh", "traditional chinese": "zh", "belarusian": "be",
    "azerbaijani": "az", "georgian": "ka", "armenian": "hy", "kazakh": "kk", "persian": "fa",
}


def _digest(*parts: str, size: int = 12) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=size).hexdigest()


def ira538_post_id(author: str, published: datetime, content: str | None) -> str:
    """The id of a post in the release: ``ira538:`` + a hash of author (case-folded), publish
    minute and full text. Deterministic, so re-ingesting the same rows adds nothing."""
    return "ira538:" + _digest(author.casefold(), published.isoformat(timespec="minutes"), content or "")


def split_retweet(text: str | None) -> tuple[str | None, str]:
    """``("handle", rest)`` for ``RT @handle: rest``, else ``(None, text)``."""
    text = text or ""
    m = _RT_PREFIX.match(text)
    if m is None:
        return None, text
    return m.group(1), text[m.end():]


def normalise_rt_text(text: str | None) -> str:
    """Text as it is compared between a retweet and its original.

    Drops a leading ``RT @handle:``, unescapes HTML entities, applies Unicode NFKC and case
    folding, collapses whitespace, and when the text was cut short (ends with ``…``) first
    drops the ellipsis and the word it cut (which may be half a link; a one-word text keeps its
    word). The result for a cut retweet is then a prefix of the result for its original.
    """
    _, rest = split_retweet(text)
    # before NFKC, which turns U+2026 into "..."
    t = _uncut(html.unescape(rest))
    return " ".join(unicodedata.normalize("NFKC", t).casefold().split())


def content_key(handle: str | None, text: str | None) -> str | None:
    """The key a retweet refers to: ``ira538-rt:@handle/<hash>`` when the retweeted handle is
    known, ``ira538-text:<hash>`` when only the text is; ``None`` when there is no text to key.

    For an original tweet, ``content_key(author, content)`` is the key its retweets carry.
    """
    norm = normalise_rt_text(text)[:CONTENT_KEY_CHARS]
    if not norm:
        return None
    if handle:
        h = handle.lstrip("@").casefold()
        return f"ira538-rt:@{h}/{_digest(h, norm)}"
    return f"ira538-text:{_digest(norm)}"


def _uncut(text: str) -> str:
    """The text without the word a truncation cut (``… #hasht…``), so no half hashtag, mention
    or link is extracted from it."""
    t = text.rstrip()
    if t.endswith(_ELLIPSIS):
        parts = t[:-1].rsplit(None, 1)
        return parts[0] if len(parts) > 1 else t[:-1]
    return text


def _urls(text: str) -> list[str]:
    out = []
    for u in URL_RE.findall(text):
        u = u.rstrip(_TRAILING_PUNCT)
        if len(u) > len("https://"):
            out.append(u)
    return out


def _hashtags(text: str) -> list[str]:
    # Twitter needs a non-digit in a tag: "Повод #9" has none.
    if "#" not in text and "＃" not in text:
        return []
    return [t for t in HASHTAG_RE.findall(text) if not t.isdigit()]


def _lang(value) -> str | None:
    s = clean_str(value)
    if s is None or s.upper() == "LANGUAGE UNDEFINED":
        return None
    return _LANG_CODES.get(s.lower(), s)


def _published(value) -> datetime | None:
    s = clean_str(value)
    if s is None:
        return None
    if "/" in s:  # the original FiveThirtyEight files: 9/13/2016 11:09
        try:
            return datetime.strptime(s, "%m/%d/%Y %H:%M")
        except ValueError as e:
            raise RecordError(f"publish_date {s[:40]!r} is not a recognised time") from e
    return parse_time(s, "publish_date")


def _author(row: dict) -> str | None:
    return _author_of(row.get("author_id"), row.get("author"))


def _author_of(author_id, author) -> str | None:
    return clean_str(author_id) or clean_str(author)


def _post_type(value) -> str:
    return (clean_str(value) or "").upper()


def _post_fields(author: str, published: datetime, text: str | None, post_type: str) -> tuple:
    """``(post_id, kind, ref_post_id, ref_account_id, hashtags, urls, mentions)`` of a tweet of
    the release; ``RecordError`` for a retweet whose original cannot be keyed."""
    rt_handle, _ = split_retweet(text)
    kind, ref, ref_account = "post", None, None
    if post_type == "R" or rt_handle:
        kind, ref = "repost", _content_key(rt_handle, text)
        ref_account = "@" + rt_handle.lower() if rt_handle else None
        if ref is None:  # no text at all, or only "RT @x:"
            raise RecordError("retweet without text: the original cannot be keyed")
    body = _uncut(text or "")
    return (
        ira538_post_id(author, published, text), kind, ref, ref_account,
        _hashtags(body),
        _urls(body) if "://" in body else [],
        ["@" + m.lower() for m in MENTION_RE.findall(body)] if "@" in body else [],
    )


#: the same text is retweeted by many accounts: its key is made once
_content_key = lru_cache(maxsize=1 << 16)(lambda handle, text: content_key(handle, text))
_NO_FIELDS = (None, None, None, None, [], [], [])
_STR, _TIME, _LIST = pa.string(), pa.timestamp("us"), pa.list_(pa.string())


def _account(author: str, followers, following) -> Account:
    return Account(
        account_id=author,
        handle=author,
        followers=parse_int(followers, "followers"),
        following=parse_int(following, "following"),
    )


def _account_of(author_id, author, followers, following) -> Account | None:
    name = _author_of(author_id, author)
    return None if name is None else _account(name, followers, following)


class IRA538Tweets(Adapter):
    name = "ira538-tweets"
    platform = "twitter"
    description = "IRA tweets, FiveThirtyEight/Clemson release (author, content, publish_date, post_type, ...)"
    container = "csv"

    @classmethod
    def sniff(cls, sample: Sample) -> bool:
        cols = sample.columns
        return {"content", "publish_date", "post_type"} <= cols and bool({"author", "author_id"} & cols)

    def parse(self, unit) -> Iterator[Post | Account]:
        row = unit.payload
        author = _author(row)
        if author is None:
            raise RecordError("missing author")
        published = _published(row.get("publish_date"))
        if published is None:
            raise RecordError("missing publish_date")
        content = row.get("content")
        text = content if content and content.strip() else None
        post_id, kind, ref, ref_account, hashtags, urls, mentions = _post_fields(author, published, text, _post_type(row.get("post_type")))
        yield Post(
            post_id=post_id,
            account_id=author,
            created_at=published,
            text=text,
            lang=_lang(row.get("language")),
            kind=kind,
            ref_post_id=ref,
            ref_account_id=ref_account,
            hashtags=hashtags,
            urls=urls,
            mentions=mentions,
        )
        yield _account(author, row.get("followers"), row.get("following"))

    def parse_batch(self, batch: RowBatch) -> BatchRecords:
        """``parse`` for a whole batch, column by column (see ``cibscan.ingest.columns``)."""
        b = BatchParse(batch)
        col = b.column
        n = batch.size
        author = b.require(b.map_rows(_author_of, col("author_id"), col("author")))
        published = b.require(b.map(_published, col("publish_date")))
        content = col("content")
        text = b.map(_opt_str, content, unchanged=~is_blank_text(content) if isinstance(content, pa.Array) else None)
        fields = b.each_row(_post_fields, author.values(), published.values(), text.values(), b.map(_post_type, col("post_type")).values())
        fields = [f or _NO_FIELDS for f in fields]
        posts = {
            "platform": [self.platform] * n,
            "post_id": to_arrow([f[0] for f in fields], _STR),
            "account_id": author.array(_STR),
            "created_at": published.array(_TIME),
            "text": text.array(_STR),
            "lang": b.map(lambda v: _opt_str(_lang(v)), col("language")).array(_STR),
            "kind": to_arrow([f[1] for f in fields], _STR),
            "ref_post_id": to_arrow([f[2] for f in fields], _STR),
            "ref_account_id": to_arrow([f[3] for f in fields], _STR),
            "hashtags": to_arrow([_str_list(f[4], "hashtags") for f in fields], _LIST),
            "urls": to_arrow([_str_list(f[5], "urls") for f in fields], _LIST),
            "domains": empty_lists(n),
            "mentions": to_arrow([_str_list(f[6], "mentions") for f in fields], _LIST),
            "media_hashes": empty_lists(n),
            "media_urls": empty_lists(n),
            "client": [None] * n,
        }
        accounts = b.accounts(_account_of, self.platform, col("author_id"), col("author"), col("followers"), col("following"),
                              memo=self.memo("accounts"))
        return BatchRecords(posts, accounts, b.fallback)


class IRA538Authors(Adapter):
    name = "ira538-authors"
    platform = "twitter"
    description = "IRA accounts list of the FiveThirtyEight/Clemson release (author, account_category, ...); labels are not read"
    container = "csv"

    @classmethod
    def sniff(cls, sample: Sample) -> bool:
        cols = sample.columns
        return "author" in cols and "account_category" in cols and "content" not in cols

    def parse(self, unit) -> Iterator[Account]:
        row = unit.payload
        account = _author_account(row.get("author_id"), row.get("author"))
        if account is None:
            raise RecordError("missing author")
        yield account

    def parse_batch(self, batch: RowBatch) -> BatchRecords:
        b = BatchParse(batch)
        accounts = b.accounts(_author_account, self.platform, b.column("author_id"), b.column("author"))
        none = [k for k, acc in enumerate(accounts.values) if acc is None]  # "missing author"
        if none:
            b.fallback.update(np.flatnonzero(np.isin(accounts.index, none)).tolist())
        return BatchRecords(None, accounts, b.fallback)


def _author_account(author_id, author) -> Account | None:
    """The identity of an account of the authors file (``None`` without an author).
    Only identity: account_type/account_category are researchers' labels (ground truth)."""
    name = _author_of(author_id, author)
    return None if name is None else Account(account_id=name, handle=clean_str(author) or name)
