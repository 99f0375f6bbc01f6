"""X/Twitter API v1.1 tweets: JSON lines (the streaming API, twarc 1, tweepy's ``_json``), a
file that is one JSON array of tweets, or search responses (``{"statuses": [...]}``) per line.

Each tweet embeds its author (``user``) and, for retweets and quotes, the original tweet
(``retweeted_status``, ``quoted_status``) with its own author: the originals are ingested as
posts too (position ``line 3 retweeted_status``), each kept or rejected on its own. Full text
comes from ``extended_tweet.full_text`` (streaming, 280 characters), ``full_text``
(``tweet_mode=extended``) or ``text``. A repost carries the original's full text, hashtags,
links and media (the retweet's own text is an ``RT @user:`` prefix cut at 140 characters).
Stream notices (``delete``, ``limit``, ``scrub_geo``...) are not tweets: each is rejected with
its kind. See ``docs/formats/x-v1.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .base import Account, Adapter, Part, Post, RecordError, Reject, Sample, make_part
from .fields import parse_int
from .json_fields import as_dict, as_list, dig, first_json_value, head_json_values, parse_id, parse_json_time, strip_html, text_or_none, to_json
from .readers import Unit, iter_json_array_units

__all__ = ["XV1", "is_v1_tweet", "is_stream_notice", "STREAM_NOTICES"]

#: top-level keys of the streaming API's non-tweet messages
STREAM_NOTICES = (
    "delete", "limit", "scrub_geo", "status_withheld", "user_withheld", "disconnect", "warning",
    "friends", "friends_str", "event", "direct_message", "control", "for_user",
)
#: retweets of quotes nest one level more; deeper nesting does not occur
_MAX_DEPTH = 2


def is_v1_tweet(obj: Any) -> bool:
    """Whether ``obj`` looks like one API v1.1 tweet (an id, a text, ``created_at`` and an
    embedded ``user`` object)."""
    return (
        isinstance(obj, dict)
        and ("id_str" in obj or isinstance(obj.get("id"), int))
        and ("text" in obj or "full_text" in obj)
        and "created_at" in obj
        and isinstance(obj.get("user"), dict)
    )


def is_stream_notice(obj: Any) -> bool:
    """Whether ``obj`` is a streaming-API notice (``{"delete": {...}}``, ``{"limit": {...}}``...)."""
    return isinstance(obj, dict) and len(obj) <= 2 and any(k in obj for k in STREAM_NOTICES) and "id" not in obj and "text" not in obj


def _is_search_response(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("statuses"), list) and "search_metadata" in obj


def _content(status: dict) -> dict:
    """Where a tweet's full text and entities live: ``extended_tweet`` for streamed tweets over
    140 characters, else the tweet itself."""
    ext = status.get("extended_tweet")
    return ext if isinstance(ext, dict) and ext.get("full_text") else status


def _full_text(status: dict) -> str | None:
    c = _content(status)
    return text_or_none(c.get("full_text")) or text_or_none(c.get("text"))


def _entities(status: dict) -> tuple[list[str], list[str], list[str], list[str]]:
    """Hashtags, links (unwound, else expanded), mentions (``id_str``) and media addresses."""
    c = _content(status)
    ents = as_dict(c.get("entities"))
    tags = [h["text"] for h in as_list(ents.get("hashtags")) if isinstance(h, dict) and isinstance(h.get("text"), str)]
    urls = []
    for u in as_list(ents.get("urls")):
        if isinstance(u, dict):
            link = text_or_none(dig(u, "unwound", "url")) or text_or_none(u.get("expanded_url")) or text_or_none(u.get("url"))
            if link:
                urls.append(link)
    mentions = []
    for m in as_list(ents.get("user_mentions")):
        if isinstance(m, dict):
            uid = parse_id(m.get("id_str"), "user_mentions id_str") or parse_id(m.get("id"), "user_mentions id")
            if uid is None and isinstance(m.get("screen_name"), str) and m["screen_name"].strip():
                uid = "@" + m["screen_name"].strip().lower()
            if uid:
                mentions.append(uid)
    media_list = as_list(dig(c, "extended_entities", "media")) or as_list(ents.get("media"))
    media = [m.get("media_url_https") or m.get("media_url") for m in media_list if isinstance(m, dict)]
    return tags, urls, mentions, [m for m in media if isinstance(m, str) and m.strip()]


def _status_id(status: dict, what: str = "tweet") -> str | None:
    return parse_id(status.get("id_str"), f"{what} id_str") or parse_id(status.get("id"), f"{what} id")


def parse_v1_tweet(status: Any) -> Post:
    """The canonical post of one API v1.1 tweet."""
    if not isinstance(status, dict):
        raise RecordError("tweet is not a JSON object")
    post_id = _status_id(status)
    if post_id is None:
        raise RecordError("tweet without id_str")
    user = status.get("user")
    author = (parse_id(user.get("id_str"), "user id_str") or parse_id(user.get("id"), "user id")) if isinstance(user, dict) else None
    if author is None:
        raise RecordError("tweet without user id")
    created = parse_json_time(status.get("created_at"), "created_at") or parse_json_time(parse_int(status.get("timestamp_ms")), "timestamp_ms")
    if created is None:
        raise RecordError("tweet without created_at")
    kind, ref, ref_account, content = "post", None, None, status
    retweeted = status.get("retweeted_status")
    if isinstance(retweeted, dict):
        kind, ref, content = "repost", _status_id(retweeted, "retweeted_status"), retweeted
        ref_account = parse_id(dig(retweeted, "user", "id_str"), "retweeted user id_str") or parse_id(dig(retweeted, "user", "id"), "retweeted user id")
        if ref is None:
            raise RecordError("retweet whose retweeted_status has no id")
    elif status.get("quoted_status_id_str") or status.get("quoted_status_id") or isinstance(status.get("quoted_status"), dict):
        quoted = as_dict(status.get("quoted_status"))
        kind = "quote"
        ref = parse_id(status.get("quoted_status_id_str"), "quoted_status_id_str") or parse_id(status.get("quoted_status_id"), "quoted_status_id") or _status_id(quoted, "quoted_status")
        ref_account = parse_id(dig(quoted, "user", "id_str"), "quoted user id_str")
    elif status.get("in_reply_to_status_id_str") or status.get("in_reply_to_status_id"):
        kind = "reply"
        ref = parse_id(status.get("in_reply_to_status_id_str"), "in_reply_to_status_id_str") or parse_id(status.get("in_reply_to_status_id"), "in_reply_to_status_id")
        ref_account = parse_id(status.get("in_reply_to_user_id_str"), "in_reply_to_user_id_str") or parse_id(status.get("in_reply_to_user_id"), "in_reply_to_user_id")
    tags, urls, mentions, media = _entities(content)
    return Post(
        post_id=post_id,
        account_id=author,
        created_at=created,
        text=_full_text(content),
        lang=text_or_none(status.get("lang")),
        kind=kind,
        ref_post_id=ref,
        ref_account_id=ref_account,
        hashtags=tags,
        urls=urls,
        mentions=mentions,
        media_urls=media,
        client=strip_html(status.get("source")),
    )


def parse_v1_user(user: Any) -> Account:
    """The canonical account of one API v1.1 user object."""
    if not isinstance(user, dict):
        raise RecordError("user is not a JSON object")
    uid = parse_id(user.get("id_str"), "user id_str") or parse_id(user.get("id"), "user id")
    if uid is None:
        raise RecordError("user without id_str")
    verified = user.get("verified")
    return Account(
        account_id=uid,
        handle=text_or_none(user.get("screen_name")),
        display_name=text_or_none(user.get("name")),
        description=text_or_none(user.get("description")),
        created_at=parse_json_time(user.get("created_at"), "user created_at"),
        followers=parse_int(user.get("followers_count"), "followers_count"),
        following=parse_int(user.get("friends_count"), "friends_count"),
        verified=verified if isinstance(verified, bool) else None,
        avatar_url=text_or_none(user.get("profile_image_url_https")) or text_or_none(user.get("profile_image_url")),
        url=text_or_none(dig(user, "entities", "url", "urls", 0, "expanded_url")) or text_or_none(user.get("url")),
        location=text_or_none(user.get("location")),
        lang=text_or_none(user.get("lang")),
    )


def _tweet_and_author(status: Any) -> list[Post | Account]:
    post = parse_v1_tweet(status)
    return [post, parse_v1_user(status["user"])]


def iter_status_parts(status: Any, where: str = "", raw: str | None = None, depth: int = 0) -> Iterator[Part | Reject]:
    """Parts of one tweet: the tweet with its author, then each embedded original
    (``retweeted_status``, ``quoted_status``) with its author, recursively."""
    if is_stream_notice(status):
        kind = next(k for k in STREAM_NOTICES if k in status)
        yield Reject(where, raw if raw is not None else to_json(status), f"stream notice, not a tweet ({kind})")
        return
    yield make_part(where, status, _tweet_and_author, raw=raw)
    if depth >= _MAX_DEPTH or not isinstance(status, dict):
        return
    prefix = f"{where}." if where else ""
    for key in ("retweeted_status", "quoted_status"):
        inner = status.get(key)
        if isinstance(inner, dict):
            yield from iter_status_parts(inner, prefix + key, depth=depth + 1)



class XV1(Adapter):
    name = "x-v1"
    platform = "twitter"
    description = "X/Twitter API v1.1 tweets: JSON lines (stream, twarc 1), one JSON array, or search responses"
    container = "jsonl"

    @classmethod
    def sniff(cls, sample: Sample) -> bool:
        if sample.text.lstrip().startswith("["):
            return is_v1_tweet(first_json_value(sample))
        for value in head_json_values(sample):
            if is_v1_tweet(value) or _is_search_response(value):
                return True
            if not is_stream_notice(value):
                return False  # a stream file may open with notices: the first tweet decides
        return False

    def units(self, path: str) -> Iterator[Unit]:
        if Sample.of(path).text.lstrip().startswith("["):
            return iter_json_array_units(path, "item", "item")
        return super().units(path)

    def parse(self, unit) -> Iterator[Part | Reject]:
        obj = unit.payload
        if _is_search_response(obj):
            for i, status in enumerate(obj["statuses"]):
                yield from iter_status_parts(status, f"statuses[{i}]")
            if not obj["statuses"]:
                yield Reject("", unit.raw, "search response page holds no tweets")
            return
        if not isinstance(obj, dict):
            raise RecordError(f"value is a JSON {type(obj).__name__}, not a tweet object")
        yield from iter_status_parts(obj, raw=unit.raw)
