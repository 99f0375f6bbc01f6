"""Bluesky (AT Protocol) posts and reposts as JSON lines, in the shapes people collect them:

* **repo records** ``{"uri", "cid", "value": {...}}`` from ``com.atproto.repo.listRecords`` /
  ``getRecord`` (a whole ``listRecords`` page ``{"records": [...]}`` per line works too);
* **Jetstream events** ``{"did", "time_us", "kind": "commit", "commit": {"operation",
  "collection", "rkey", "record"}}`` (``identity`` events give handles);
* **feed views** from ``app.bsky.feed.getAuthorFeed`` / ``getTimeline`` / ``getFeed``
  ``{"post": {"uri", "author", "record", "indexedAt"}, "reply", "reason"}`` and post views from
  ``searchPosts`` / ``getPosts`` (one per line, or a whole page ``{"feed"|"posts": [...]}``).

Records of ``app.bsky.feed.post`` become posts, ``app.bsky.feed.repost`` reposts and
``app.bsky.actor.profile`` (and profile views) accounts; other collections (likes, follows...),
deletions and account-status events are rejected with their kind. DIDs are account ids and
``at://`` URIs post ids; facets give hashtags, links and mentioned DIDs; embeds give external
links, images/video (as CDN addresses built from the blob CID) and quoted posts; ``reply.parent``
gives the parent of a reply. Every post inside a view (the reposted post, the reply's parent and
root, a quoted post) is ingested too, each kept or rejected on its own. See
``docs/formats/bluesky.md``. Field names follow the ``app.bsky`` lexicons.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from .base import Account, Adapter, Part, Post, RecordError, Reject, Sample, make_part
from .fields import HASHTAG_RE, URL_RE, parse_int
from .json_fields import as_dict, as_list, dig, head_json_values, parse_json_time, text_or_none, to_json

__all__ = ["Bluesky", "is_bluesky_value", "parse_post_record", "parse_profile_view"]

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
PROFILE = "app.bsky.actor.profile"
#: where the Bluesky app loads a blob from; the same address the API's views give
IMAGE_URL = "https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg"
AVATAR_URL = "https://cdn.bsky.app/img/avatar/plain/{did}/{cid}@jpeg"
VIDEO_URL = "https://video.bsky.app/watch/{did}/{cid}/playlist.m3u8"
#: the handle the API shows when an account's handle no longer resolves (shared by many)
INVALID_HANDLE = "handle.invalid"


def _is_at_uri(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("at://")


def split_at_uri(uri: Any) -> tuple[str, str, str]:
    """``at://<authority>/<collection>/<rkey>`` as its three parts; ``RecordError`` if it is
    not one."""
    if not _is_at_uri(uri):
        raise RecordError(f"not an at:// URI ({str(uri)[:80]!r})")
    parts = uri[5:].split("/")
    if len(parts) != 3 or not all(parts):
        raise RecordError(f"at:// URI is not authority/collection/rkey ({uri[:120]!r})")
    return parts[0], parts[1], parts[2]


def did_of(uri: Any) -> str:
    """The DID that owns an ``at://`` record URI (the account id)."""
    authority = split_at_uri(uri)[0]
    if not authority.startswith("did:"):
        raise RecordError(f"at:// URI names a handle, not a DID; resolve handles to DIDs first ({uri[:120]!r})")
    return authority


def _ref_did(uri: Any) -> str | None:
    try:
        return did_of(uri)
    except RecordError:
        return None


def _blob_cid(blob: Any) -> str | None:
    """The CID of a blob reference: ``{"ref": {"$link": cid}}``, or the legacy ``{"cid": cid}``."""
    if not isinstance(blob, dict):
        return None
    ref = blob.get("ref")
    cid = ref.get("$link") if isinstance(ref, dict) else ref
    cid = cid or blob.get("cid")
    return cid if isinstance(cid, str) and cid else None


def _media_of(media: dict, did: str) -> tuple[list[str], list[str]]:
    """(media addresses, external links) of an images / video / external embed record."""
    kind = str(media.get("$type", ""))
    urls: list[str] = []
    if kind.startswith("app.bsky.embed.images") or "images" in media:
        cids = [_blob_cid(dig(img, "image")) for img in as_list(media.get("images"))]
        return [IMAGE_URL.format(did=did, cid=c) for c in cids if c], urls
    if kind.startswith("app.bsky.embed.video") or "video" in media:
        cid = _blob_cid(media.get("video"))
        return ([VIDEO_URL.format(did=did, cid=cid)] if cid else []), urls
    link = text_or_none(dig(media, "external", "uri"))
    return [], [link] if link else urls


def _embed(embed: Any, did: str) -> tuple[str | None, list[str], list[str]]:
    """(quoted post URI, media addresses, external links) of a post record's ``embed``."""
    embed = as_dict(embed)
    kind = str(embed.get("$type", ""))
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        quoted = dig(embed, "record", "record", "uri")
        media, links = _media_of(as_dict(embed.get("media")), did)
    elif kind.startswith("app.bsky.embed.record"):
        quoted, media, links = dig(embed, "record", "uri"), [], []
    else:
        quoted = None
        media, links = _media_of(embed, did) if embed else ([], [])
    # only a post is a quote; an embedded feed, list or starter pack is not
    if not (_is_at_uri(quoted) and quoted.split("/")[3:4] == [POST]):
        quoted = None
    return quoted, media, links


def _facets(record: dict) -> tuple[list[str], list[str], list[str]]:
    """Hashtags, links and mentioned DIDs from the record's facets and outline ``tags``; a
    record without any ``facets`` key (written by a bare API client) gets hashtags and links
    read from its text instead."""
    tags: list[str] = []
    links: list[str] = []
    mentions: list[str] = []
    for facet in as_list(record.get("facets")):
        for feat in as_list(dig(facet, "features")):
            if not isinstance(feat, dict):
                continue
            kind = str(feat.get("$type", ""))
            if kind.endswith("#tag") or (not kind and "tag" in feat):
                if isinstance(feat.get("tag"), str) and feat["tag"].strip("# "):
                    tags.append(feat["tag"].lstrip("#"))
            elif kind.endswith("#link") or (not kind and "uri" in feat):
                if text_or_none(feat.get("uri")):
                    links.append(feat["uri"])
            elif kind.endswith("#mention") or (not kind and "did" in feat):
                if text_or_none(feat.get("did")):
                    mentions.append(feat["did"])
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    if "facets" not in record and text:
        tags = HASHTAG_RE.findall(text)
        links = URL_RE.findall(text)
    for tag in as_list(record.get("tags")):
        if isinstance(tag, str) and tag.strip("# ") and tag.lstrip("#") not in tags:
            tags.append(tag.lstrip("#"))
    return tags, links, mentions


def _time(value: Any, fallbacks: tuple[Any, ...], field: str) -> datetime:
    """The record's own time (``createdAt``, set by the client), else the first readable
    fallback (the service's ``indexedAt`` or Jetstream's ``time_us``)."""
    error = None
    for v in (value, *fallbacks):
        try:
            if isinstance(v, int) and not isinstance(v, bool) and v > 10**14:  # Jetstream microseconds
                return _from_micros(v)
            t = parse_json_time(v, field)
        except RecordError as e:
            error = error or e
            continue
        if t is not None:
            return t
    raise error or RecordError(f"record without {field}")


def _from_micros(us: int) -> datetime:
    try:
        return datetime.fromtimestamp(us / 1e6, tz=timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError) as e:
        raise RecordError(f"time_us out of range ({us})") from e


def parse_post_record(record: Any, uri: str, *fallback_times: Any) -> Post:
    """The canonical post of an ``app.bsky.feed.post`` or ``app.bsky.feed.repost`` record
    stored at ``uri``."""
    if not isinstance(record, dict):
        raise RecordError("record is not a JSON object")
    did = did_of(uri)
    rtype = record.get("$type") or split_at_uri(uri)[1]
    created = _time(record.get("createdAt"), fallback_times, "createdAt")
    if rtype == REPOST:
        subject = text_or_none(dig(record, "subject", "uri"))
        if subject is None:
            raise RecordError("repost record without subject.uri")
        return Post(post_id=uri, account_id=did, created_at=created, kind="repost", ref_post_id=subject, ref_account_id=_ref_did(subject))
    if rtype != POST:
        raise RecordError(f"{rtype} record, not a post or repost")
    tags, links, mentions = _facets(record)
    quoted, media, ext_links = _embed(record.get("embed"), did)
    links += [u for u in ext_links if u not in links]
    parent = text_or_none(dig(record, "reply", "parent", "uri"))
    kind, ref = ("quote", quoted) if quoted else ("reply", parent) if parent else ("post", None)
    langs = [x for x in as_list(record.get("langs")) if isinstance(x, str) and x.strip()]
    return Post(
        post_id=uri,
        account_id=did,
        created_at=created,
        text=text_or_none(record.get("text")),
        lang=langs[0] if langs else None,
        kind=kind,
        ref_post_id=ref,
        ref_account_id=_ref_did(ref) if ref else None,
        hashtags=tags,
        urls=links,
        mentions=mentions,
        media_urls=media,
    )


def parse_profile_view(profile: Any) -> Account:
    """The canonical account of a profile view (``author``, ``by``: ``did``, ``handle``,
    ``displayName``, ``avatar``; follower counts in detailed views)."""
    if not isinstance(profile, dict):
        raise RecordError("profile is not a JSON object")
    did = text_or_none(profile.get("did"))
    if did is None or not did.startswith("did:"):
        raise RecordError(f"profile without a DID ({str(profile.get('did'))[:60]!r})")
    handle = text_or_none(profile.get("handle"))
    return Account(
        account_id=did.strip(),
        handle=None if handle == INVALID_HANDLE else handle,
        display_name=text_or_none(profile.get("displayName")),
        description=text_or_none(profile.get("description")),
        created_at=parse_json_time(profile.get("createdAt"), "profile createdAt"),
        followers=parse_int(profile.get("followersCount"), "followersCount"),
        following=parse_int(profile.get("followsCount"), "followsCount"),
        avatar_url=text_or_none(profile.get("avatar")),
    )


def parse_profile_record(record: dict, did: str) -> Account:
    """The canonical account of an ``app.bsky.actor.profile`` record of ``did``."""
    cid = _blob_cid(record.get("avatar"))
    return Account(
        account_id=did,
        display_name=text_or_none(record.get("displayName")),
        description=text_or_none(record.get("description")),
        created_at=parse_json_time(record.get("createdAt"), "profile createdAt"),
        avatar_url=AVATAR_URL.format(did=did, cid=cid) if cid else None,
    )


def _record_records(record: Any, uri: str, *fallbacks: Any) -> list[Post | Account]:
    """Records of one repo record: a post or repost (with its author's id as an account), or
    an account from a profile record."""
    did = did_of(uri)
    rtype = as_dict(record).get("$type") or split_at_uri(uri)[1]
    if rtype == PROFILE:
        return [parse_profile_record(as_dict(record), did)]
    return [parse_post_record(record, uri, *fallbacks), Account(account_id=did)]


def _post_view_records(view: Any) -> list[Post | Account]:
    view = as_dict(view)
    if not _is_at_uri(view.get("uri")):
        raise RecordError("post view without an at:// uri")
    return [parse_post_record(view.get("record"), view["uri"], view.get("indexedAt")), parse_profile_view(view.get("author"))]


def _is_post_view(value: Any) -> bool:
    return isinstance(value, dict) and "record" in value and "author" in value


def iter_post_view_parts(view: Any, where: str) -> Iterator[Part | Reject]:
    """The post of a post view, with its author, and the post it quotes (from its embed view)."""
    yield make_part(where, view, _post_view_records)
    prefix = f"{where}." if where else ""
    embed = as_dict(dig(view, "embed"))
    quoted = as_dict(embed.get("record"))
    if str(embed.get("$type", "")).startswith("app.bsky.embed.recordWithMedia"):
        quoted = as_dict(quoted.get("record"))
    if isinstance(quoted.get("value"), dict) and isinstance(quoted.get("author"), dict) and dig(quoted, "value", "$type") == POST:
        yield make_part(prefix + "embed.record", quoted, _view_record_records)


def _view_record_records(view: dict) -> list[Post | Account]:
    return [parse_post_record(view["value"], view.get("uri"), view.get("indexedAt")), parse_profile_view(view["author"])]


def _repost_reason_records(item: dict) -> list[Post | Account]:
    """The repost a feed item's ``reason`` stands for. Its record URI is in ``reason.uri`` in
    newer API versions; otherwise the repost is keyed ``repost:<reposter DID>:<post URI>``
    (one account reposts a post once)."""
    reason, post_uri = item["reason"], dig(item, "post", "uri")
    by = parse_profile_view(reason.get("by"))
    if not _is_at_uri(post_uri):
        raise RecordError("repost reason on a post without an at:// uri")
    uri = reason.get("uri") if _is_at_uri(reason.get("uri")) else f"repost:{by['account_id']}:{post_uri}"
    created = _time(reason.get("indexedAt"), (), "reason indexedAt")
    repost = Post(post_id=uri, account_id=by["account_id"], created_at=created, kind="repost", ref_post_id=post_uri, ref_account_id=_ref_did(post_uri))
    return [repost, by]


def iter_feed_item_parts(item: dict, where: str = "") -> Iterator[Part | Reject]:
    """Parts of a feed item: the post, the repost its ``reason`` stands for, and the reply's
    parent and root posts when the view includes them."""
    prefix = f"{where}." if where else ""
    yield from iter_post_view_parts(item.get("post"), prefix + "post")
    reason = as_dict(item.get("reason"))
    if "by" in reason and not str(reason.get("$type", "")).endswith("#reasonPin"):
        yield make_part(prefix + "reason", item, _repost_reason_records)
    parent, root = dig(item, "reply", "parent"), dig(item, "reply", "root")
    if _is_post_view(parent):
        yield from iter_post_view_parts(parent, prefix + "reply.parent")
    if _is_post_view(root) and root.get("uri") != as_dict(parent).get("uri"):
        yield from iter_post_view_parts(root, prefix + "reply.root")


def _jetstream_parts(event: dict, raw: str) -> Iterator[Part | Reject]:
    did = text_or_none(event.get("did"))
    kind = event.get("kind")
    if kind == "identity":
        ident = as_dict(event.get("identity"))
        yield make_part("", event, lambda e: [Account(account_id=did, handle=None if ident.get("handle") == INVALID_HANDLE else text_or_none(ident.get("handle")))], raw=raw)
        return
    if kind != "commit":
        status = dig(event, "account", "status") or ("active" if dig(event, "account", "active") else kind)
        yield Reject("", raw, f"Jetstream {kind} event, not a post ({status})")
        return
    commit = as_dict(event.get("commit"))
    op, collection, rkey = commit.get("operation"), commit.get("collection"), commit.get("rkey")
    if op != "create":
        yield Reject("", raw, f"Jetstream {op} event, not a new record ({collection})")
        return
    if not (did and isinstance(collection, str) and isinstance(rkey, str)):
        yield Reject("", raw, "Jetstream commit without did, collection or rkey")
        return
    uri = f"at://{did}/{collection}/{rkey}"
    yield make_part("", commit.get("record"), lambda r: _record_records(r, uri, event.get("time_us")), raw=raw)


def is_bluesky_value(value: Any) -> bool:
    """Whether a JSON value is one of the shapes this adapter reads."""
    if not isinstance(value, dict):
        return False
    if "time_us" in value and "kind" in value and str(value.get("did", "")).startswith("did:"):
        return True
    if _is_at_uri(value.get("uri")) and (isinstance(value.get("value"), dict) or _is_post_view(value)):
        return True
    if isinstance(value.get("post"), dict) and _is_at_uri(value["post"].get("uri")):
        return True
    for key in ("records", "feed", "posts"):
        items = value.get(key)
        if isinstance(items, list) and items and is_bluesky_value(items[0]):
            return True
    return False


class Bluesky(Adapter):
    name = "bluesky"
    platform = "bluesky"
    description = "Bluesky JSON lines: repo records (listRecords), Jetstream events, feed/post views (getAuthorFeed, searchPosts)"
    container = "jsonl"

    @classmethod
    def sniff(cls, sample: Sample) -> bool:
        values = head_json_values(sample, limit=1)
        return bool(values) and is_bluesky_value(values[0])

    def parse(self, unit) -> Iterator[Part | Reject]:
        obj = unit.payload
        if not isinstance(obj, dict):
            raise RecordError(f"line is a JSON {type(obj).__name__}, not an object")
        yield from _parts(obj, unit.raw)


def _parts(obj: dict, raw: str) -> Iterator[Part | Reject]:
    if "time_us" in obj and "kind" in obj:
        yield from _jetstream_parts(obj, raw)
    elif isinstance(obj.get("post"), dict):
        yield from iter_feed_item_parts(obj)
    elif _is_at_uri(obj.get("uri")) and "value" in obj:
        yield make_part("", obj, lambda r: _record_records(r.get("value"), r["uri"]), raw=raw)
    elif _is_post_view(obj):
        yield from iter_post_view_parts(obj, "")
    elif any(isinstance(obj.get(k), list) for k in ("records", "feed", "posts")):
        key = next(k for k in ("records", "feed", "posts") if isinstance(obj.get(k), list))
        for i, item in enumerate(obj[key]):
            where = f"{key}[{i}]"
            if not isinstance(item, dict):
                yield Reject(where, to_json(item), f"{key} item is not a JSON object")
            elif key == "records":
                yield make_part(where, item, lambda r: _record_records(r.get("value"), r.get("uri")))
            elif key == "feed":
                yield from iter_feed_item_parts(item, where)
            else:
                yield from iter_post_view_parts(item, where)
        if not obj[key]:
            yield Reject("", raw, f"response page holds no {key}")
    else:
        raise RecordError("not a Bluesky record, Jetstream event or feed view")
