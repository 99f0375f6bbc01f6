"""X/Twitter API v2 tweets as JSON lines, the way twarc2 writes them.

Two shapes, told apart line by line:

* **whole API responses** (``twarc2 search/timeline/sample/...``): one page per line, with
  ``data`` (the tweets asked for), ``includes.users`` (their authors and the authors of
  referenced tweets), ``includes.tweets`` (the retweeted, quoted and replied-to tweets: real
  posts, ingested too, since they give the originals' author and time), ``includes.media``,
  ``errors`` and twarc's ``__twarc`` metadata. Each tweet and each user is kept or rejected on
  its own (position ``line 3 data[7]``); API error objects are rejected with their title.
* **``twarc2 flatten`` output**: one tweet per line with its expansions inline (``author``,
  ``in_reply_to_user``, ``attachments.media``, and each ``referenced_tweets[]`` element carrying
  the referenced tweet's fields, or a ``tweet`` object in some re-flattening tools).

``referenced_tweets`` types ``retweeted`` / ``quoted`` / ``replied_to`` make the kind repost /
quote / reply (in that priority, as in ``x_io``). Long posts keep their full text from
``note_tweet``. A repost carries the original's full text, hashtags, links and media, since a
v2 retweet's own text is cut at 140 characters. See ``docs/formats/x-v2.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .base import Account, Adapter, Part, Post, RecordError, Reject, Sample, make_part
from .fields import parse_int
from .json_fields import as_dict, as_list, dig, head_json_values, parse_id, parse_json_time, strip_html, text_or_none, to_json

__all__ = ["XV2", "is_v2_tweet", "is_v2_response"]

#: ``referenced_tweets`` type -> post kind, in priority order (a retweet of a reply is a repost)
REFERENCE_KINDS = {"retweeted": "repost", "quoted": "quote", "replied_to": "reply"}
_RESPONSE_KEYS = ("data", "includes", "meta", "errors")
_MEDIA_PERMALINK = re.compile(r"/status/\d+/(photo|video)/\d+$")
#: how deep ``twarc2 flatten`` output nests referenced tweets inside referenced tweets
_MAX_DEPTH = 3


def is_v2_tweet(obj: Any) -> bool:
    """Whether ``obj`` looks like one API v2 tweet (``id`` and ``text``, none of v1.1's
    ``id_str`` / embedded ``user``)."""
    return (
        isinstance(obj, dict)
        and "id" in obj
        and "text" in obj
        and "id_str" not in obj
        and "user" not in obj
        and any(k in obj for k in ("author_id", "author", "edit_history_tweet_ids", "created_at"))
    )


def is_v2_response(obj: Any) -> bool:
    """Whether ``obj`` looks like one API v2 response page of tweets (``data`` tweets, or an
    empty page twarc wrote with its ``__twarc`` metadata)."""
    if not isinstance(obj, dict) or "id" in obj or not any(k in obj for k in _RESPONSE_KEYS):
        return False
    data = obj.get("data")
    if isinstance(data, dict):
        data = [data]
    if isinstance(data, list) and data:
        return isinstance(data[0], dict) and "id" in data[0] and "text" in data[0]
    return "__twarc" in obj and "meta" in obj


class _Lookups:
    """Tweets and media a tweet may refer to: a response's ``includes``, or the expansions
    ``twarc2 flatten`` put inline."""

    def __init__(self, tweets: dict[str, dict], media: dict[str, dict]):
        self.tweets, self.media = tweets, media

    @classmethod
    def of_response(cls, resp: dict) -> _Lookups:
        inc = as_dict(resp.get("includes"))
        return cls(_by_key(inc.get("tweets"), "id"), _by_key(inc.get("media"), "media_key"))

    @classmethod
    def of_flat(cls, tweet: dict) -> _Lookups:
        tweets: dict[str, dict] = {}
        for ref in as_list(tweet.get("referenced_tweets")):
            inner = referenced_tweet(ref)
            if inner is not None:
                tweets[str(ref.get("id"))] = inner
        return cls(tweets, {})


def _by_key(items: Any, key: str) -> dict[str, dict]:
    return {str(x[key]): x for x in as_list(items) if isinstance(x, dict) and x.get(key) is not None}


def referenced_tweet(ref: Any) -> dict | None:
    """The tweet a flattened ``referenced_tweets`` element carries: its ``tweet`` object, or the
    element itself when twarc merged the tweet's fields into it (``{"type", "id", "text", ...}``);
    ``None`` when only ``type`` and ``id`` are there (the tweet was not returned)."""
    if not isinstance(ref, dict):
        return None
    if isinstance(ref.get("tweet"), dict):
        return ref["tweet"]
    if "text" in ref or "author_id" in ref:
        return {k: v for k, v in ref.items() if k != "type"}
    return None


def _reference(tweet: dict) -> tuple[str, str | None]:
    """(kind, referenced tweet id) by ``REFERENCE_KINDS`` priority."""
    refs = {r["type"]: r for r in as_list(tweet.get("referenced_tweets")) if isinstance(r, dict) and isinstance(r.get("type"), str)}
    for rtype, kind in REFERENCE_KINDS.items():
        if rtype in refs:
            ref_id = parse_id(refs[rtype].get("id"), f"referenced_tweets {rtype} id")
            if ref_id is None:
                raise RecordError(f"referenced_tweets entry without id (type {rtype!r})")
            return kind, ref_id
    return "post", None


def _full_text(tweet: dict) -> str | None:
    return text_or_none(dig(tweet, "note_tweet", "text")) or text_or_none(tweet.get("text"))


def is_media_link(url_entity: dict) -> bool:
    """Whether a url entity is the ``pic.twitter.com`` link of an attached photo or video (it has
    a ``media_key``, or its display/expanded form says so), which is media, not a shared link."""
    if url_entity.get("media_key"):
        return True
    display = str(url_entity.get("display_url") or "")
    return display.startswith(("pic.twitter.com/", "pic.x.com/")) or bool(_MEDIA_PERMALINK.search(str(url_entity.get("expanded_url") or "")))


def _entities(tweet: dict) -> tuple[list[str], list[str], list[str]]:
    """Hashtags, links (unwound, else expanded; attached media excluded) and mentions (ids where
    given, else ``@username``), from ``note_tweet`` entities for long posts."""
    ents = as_dict(dig(tweet, "note_tweet", "entities")) or as_dict(tweet.get("entities"))
    tags = [h["tag"] for h in as_list(ents.get("hashtags")) if isinstance(h, dict) and isinstance(h.get("tag"), str)]
    urls = []
    for u in as_list(ents.get("urls")):
        if not isinstance(u, dict) or is_media_link(u):
            continue
        link = text_or_none(u.get("unwound_url")) or text_or_none(u.get("expanded_url")) or text_or_none(u.get("url"))
        if link:
            urls.append(link)
    mentions = []
    for m in as_list(ents.get("mentions")):
        if not isinstance(m, dict):
            continue
        uid = parse_id(m.get("id"), "mention id")
        if uid is None and isinstance(m.get("username"), str) and m["username"].strip():
            uid = "@" + m["username"].strip().lower()
        if uid:
            mentions.append(uid)
    return tags, urls, mentions


def _media_urls(tweet: dict, lookups: _Lookups) -> list[str]:
    """Addresses of attached media: photos' ``url``, videos' ``preview_image_url``, looked up
    by media key in the tweet's own inline ``attachments.media`` (flattened) or the page's
    ``includes.media``."""
    inline = _by_key(dig(tweet, "attachments", "media"), "media_key")
    out = []
    for key in as_list(dig(tweet, "attachments", "media_keys")):
        m = inline.get(str(key)) or lookups.media.get(str(key))
        link = m and (text_or_none(m.get("url")) or text_or_none(m.get("preview_image_url")))
        if link:
            out.append(link)
    return out


def parse_v2_tweet(tweet: Any, lookups: _Lookups) -> Post:
    """The canonical post of one API v2 tweet; ``lookups`` resolves referenced tweets and media."""
    if not isinstance(tweet, dict):
        raise RecordError("tweet is not a JSON object")
    post_id = parse_id(tweet.get("id"), "id")
    if post_id is None:
        raise RecordError("tweet without id")
    author = parse_id(tweet.get("author_id"), "author_id") or parse_id(dig(tweet, "author", "id"), "author.id")
    if author is None:
        raise RecordError("tweet without author_id (collect with the author_id expansion)")
    created = parse_json_time(tweet.get("created_at"), "created_at")
    if created is None:
        raise RecordError("tweet without created_at (collect with tweet.fields=created_at)")
    kind, ref_id = _reference(tweet)
    original = lookups.tweets.get(ref_id) if ref_id else None
    ref_account = parse_id(tweet.get("in_reply_to_user_id"), "in_reply_to_user_id") if kind == "reply" else None
    if original is not None:
        ref_account = parse_id(original.get("author_id"), "referenced author_id") or parse_id(dig(original, "author", "id"), "referenced author.id") or ref_account
    content = original if kind == "repost" and original is not None and _full_text(original) else tweet
    tags, urls, mentions = _entities(content)
    return Post(
        post_id=post_id,
        account_id=author,
        created_at=created,
        text=_full_text(content),
        lang=text_or_none(tweet.get("lang")),
        kind=kind,
        ref_post_id=ref_id,
        ref_account_id=ref_account,
        hashtags=tags,
        urls=urls,
        mentions=mentions,
        media_urls=_media_urls(content, lookups),
        client=strip_html(tweet.get("source")),
    )


def parse_v2_user(user: Any) -> Account:
    """The canonical account of one API v2 user object."""
    if not isinstance(user, dict):
        raise RecordError("user is not a JSON object")
    uid = parse_id(user.get("id"), "user id")
    if uid is None:
        raise RecordError("user without id")
    metrics = as_dict(user.get("public_metrics"))
    verified = user.get("verified")
    return Account(
        account_id=uid,
        handle=text_or_none(user.get("username")),
        display_name=text_or_none(user.get("name")),
        description=text_or_none(user.get("description")),
        created_at=parse_json_time(user.get("created_at"), "user created_at"),
        followers=parse_int(metrics.get("followers_count"), "followers_count"),
        following=parse_int(metrics.get("following_count"), "following_count"),
        verified=verified if isinstance(verified, bool) else None,
        avatar_url=text_or_none(user.get("profile_image_url")),
        url=text_or_none(dig(user, "entities", "url", "urls", 0, "expanded_url")) or text_or_none(user.get("url")),
        location=text_or_none(user.get("location")),
    )


def iter_response_parts(resp: dict, raw: str) -> Iterator[Part | Reject]:
    """One part per tweet in ``data`` and ``includes.tweets`` and per user in
    ``includes.users``; API error objects as rejects."""
    lookups = _Lookups.of_response(resp)
    data = resp.get("data")
    data = [data] if isinstance(data, dict) else as_list(data)
    n = 0
    for label, tweets in (("data", data), ("includes.tweets", as_list(dig(resp, "includes", "tweets")))):
        for i, t in enumerate(tweets):
            n += 1
            yield make_part(f"{label}[{i}]", t, lambda t: [parse_v2_tweet(t, lookups)])
    for i, u in enumerate(as_list(dig(resp, "includes", "users"))):
        n += 1
        yield make_part(f"includes.users[{i}]", u, lambda u: [parse_v2_user(u)])
    for i, err in enumerate(as_list(resp.get("errors"))):
        n += 1
        e = as_dict(err)
        what = "; ".join(str(e[k]) for k in ("title", "detail") if e.get(k)) or "no detail"
        yield Reject(f"errors[{i}]", to_json(err), f"API error object, not a tweet: {what}")
    if n == 0:
        count = dig(resp, "meta", "result_count")
        yield Reject("", raw, f"API response page holds no tweets (meta.result_count {count})")


def iter_flat_parts(tweet: dict, raw: str | None = None, where: str = "", depth: int = 0) -> Iterator[Part | Reject]:
    """Parts of one ``twarc2 flatten`` tweet: the tweet, its author, the users it replies to
    and mentions, and every referenced tweet it carries (recursively)."""
    lookups = _Lookups.of_flat(tweet)
    yield make_part(where, tweet, lambda t: [parse_v2_tweet(t, lookups)], raw=raw)
    prefix = f"{where}." if where else ""
    for label in ("author", "in_reply_to_user"):
        user = tweet.get(label)
        if isinstance(user, dict) and user.get("id") is not None:
            yield make_part(prefix + label, user, lambda u: [parse_v2_user(u)])
    for i, m in enumerate(as_list(dig(tweet, "entities", "mentions"))):
        if isinstance(m, dict) and m.get("id") is not None and m.get("username") is not None:
            yield make_part(f"{prefix}entities.mentions[{i}]", m, lambda u: [parse_v2_user(u)])
    if depth >= _MAX_DEPTH:
        return
    for i, ref in enumerate(as_list(tweet.get("referenced_tweets"))):
        inner = referenced_tweet(ref)
        if inner is not None:
            yield from iter_flat_parts(inner, where=f"{prefix}referenced_tweets[{i}]", depth=depth + 1)



class XV2(Adapter):
    name = "x-v2"
    platform = "twitter"
    description = "X/Twitter API v2 JSON lines: twarc2 responses (data + includes) or twarc2 flatten output"
    container = "jsonl"

    @classmethod
    def sniff(cls, sample: Sample) -> bool:
        for value in head_json_values(sample):
            if is_v2_tweet(value):
                return True
            if is_v2_response(value):
                if value.get("data"):
                    return True
                continue  # an empty page: let the next line decide
            return False
        return False

    def parse(self, unit) -> Iterator[Part | Reject]:
        obj = unit.payload
        if not isinstance(obj, dict):
            raise RecordError(f"line is a JSON {type(obj).__name__}, not an object")
        if "id" not in obj and any(k in obj for k in _RESPONSE_KEYS):
            yield from iter_response_parts(obj, unit.raw)
        elif "id" in obj:
            yield from iter_flat_parts(obj, raw=unit.raw)
        else:
            raise RecordError("neither an API v2 response (data, includes) nor a tweet (id, text)")
