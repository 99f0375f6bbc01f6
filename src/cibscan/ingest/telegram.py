"""Telegram Desktop exports (Settings > Advanced > Export Telegram data, or a chat's "Export chat
history", format "Machine-readable JSON"): the ``result.json`` file.

Two shapes: a single chat or channel (``{"name", "type", "id", "messages": [...]}``) and "export
all data" (``{"about", "personal_information", ..., "chats": {"list": [{...chat...}]},
"left_chats": {"list": [...]}}``). The file is streamed with ijson, message by message
(positions ``messages[7]`` or ``chats.list[2].messages[7]``), so a channel of millions of
messages needs little memory.

Messages become posts: the account is the author's ``from_id`` (``user123``, ``channel456``: the
export's own peer ids), the post id ``<chat peer>/<message id>``. ``text`` is a string or a list
of strings and entity objects; ``text_entities`` give hashtags, links (``text_link`` hrefs too)
and mentions (``mention_name`` as ``user<id>``). ``reply_to_message_id`` makes a reply;
``forwarded_from`` a repost. Exports do not say which message was forwarded, only the source's
name, so the original is keyed deterministically (see ``forward_key``): the same message
forwarded by many channels gets one key. Service messages (joins, pins...) are not posts and go
to ``rejects`` with their action. A channel's header becomes its account row. See
``docs/formats/telegram.md``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any, BinaryIO

from .base import Account, Adapter, Post, RecordError, Sample
from .json_fields import as_dict, as_list, open_json, parse_id, parse_json_time, text_or_none, to_json
from .readers import Unit

__all__ = ["Telegram", "forward_key", "chat_peer", "message_text", "ControlEscapeFixer", "iter_telegram_units"]

CHANNEL_TYPES = ("public_channel", "private_channel")
#: chat types whose peer id is a channel id (supergroups are channels internally)
_CHANNEL_PEERS = CHANNEL_TYPES + ("public_supergroup", "private_supergroup")
CHAT_TYPES = _CHANNEL_PEERS + ("private_group", "personal_chat", "bot_chat", "saved_messages", "replies")
#: root keys of an "export all data" result.json besides ``about``
_FULL_EXPORT_KEYS = ("personal_information", "profile_pictures", "contacts", "frequent_contacts", "sessions", "web_sessions", "chats", "left_chats", "other_data", "stories")
#: chat lists of a full export, in the order Telegram writes them
_CHAT_LISTS = ("chats.list.item", "left_chats.list.item")
#: media fields that together identify a forwarded file across exports (paths do not)
_MEDIA_SIGNATURE = ("media_type", "mime_type", "width", "height", "duration_seconds", "file_size", "photo_file_size", "sticker_emoji", "file_name")
#: what the export writes instead of a path when it did not save the file
_NOT_SAVED = "("


def chat_peer(chat_type: Any, chat_id: Any) -> str:
    """The peer id of a chat as Telegram writes it in ``from_id``: ``channel<id>`` for channels
    and supergroups, ``chat<id>`` for basic groups, ``user<id>`` for one-to-one chats."""
    cid = parse_id(chat_id, "chat id")
    if cid is None:
        raise RecordError("chat without id")
    if chat_type in _CHANNEL_PEERS:
        return f"channel{cid}"
    if chat_type == "private_group":
        return f"chat{cid}"
    return f"user{cid}"


def message_text(text: Any) -> str | None:
    """A message's text: a string, or a list of strings and ``{"type", "text"}`` entity objects
    whose texts are joined in order."""
    if isinstance(text, str):
        return text if text.strip() else None
    parts = [p if isinstance(p, str) else p.get("text") for p in as_list(text) if isinstance(p, (str, dict))]
    joined = "".join(p for p in parts if isinstance(p, str))
    return joined if joined.strip() else None


def _entities(msg: dict) -> tuple[list[str], list[str], list[str]]:
    """Hashtags, links and mentions from ``text_entities`` (or the entity objects inside
    ``text`` in exports older than ``text_entities``)."""
    ents = msg.get("text_entities") if isinstance(msg.get("text_entities"), list) else as_list(msg.get("text"))
    tags, links, mentions = [], [], []
    for e in ents:
        if not isinstance(e, dict) or not isinstance(e.get("text"), str):
            continue
        kind, text = e.get("type"), e["text"].strip()
        if kind == "hashtag" and text.lstrip("#＃"):
            tags.append(text.lstrip("#＃"))
        elif kind == "link" and text:
            links.append(text)
        elif kind == "text_link" and text_or_none(e.get("href")):
            links.append(e["href"].strip())
        elif kind == "mention" and text.lstrip("@"):
            mentions.append("@" + text.lstrip("@").lower())
        elif kind == "mention_name" and e.get("user_id") is not None:
            mentions.append(f"user{parse_id(e['user_id'], 'mention user_id')}")
    return tags, links, mentions


def forward_key(msg: dict) -> str:
    """The key of the original of a forwarded message.

    Telegram Desktop exports say only the source's name (``forwarded_from``, ``null`` when the
    source hides itself), not the original message id or time. The key is a hash of that name,
    the text (case-folded, spaces collapsed) and the media's type, size and dimensions, so the
    same message forwarded by many channels, in many exports, gets the same key:
    ``telegram-forward:<16 hex>``.
    """
    name = msg.get("forwarded_from") if isinstance(msg.get("forwarded_from"), str) else ""
    text = " ".join((message_text(msg.get("text")) or "").casefold().split())
    media = "|".join(f"{k}={msg[k]}" for k in _MEDIA_SIGNATURE if msg.get(k) is not None)
    digest = hashlib.sha1("\x1f".join((name.strip(), text, media)).encode("utf-8")).hexdigest()
    return f"telegram-forward:{digest[:16]}"


def _message_time(msg: dict) -> datetime:
    """``date_unixtime`` (UTC epoch seconds, exports since 2021); else ``date``, which is in the
    exporting computer's local time without a zone and is taken as UTC."""
    unix = msg.get("date_unixtime")
    if unix is not None:
        try:
            return datetime.fromtimestamp(int(str(unix).strip()), tz=timezone.utc).replace(tzinfo=None)
        except (ValueError, OverflowError, OSError) as e:
            raise RecordError(f"date_unixtime is not epoch seconds ({str(unix)[:30]!r})") from e
    created = parse_json_time(msg.get("date"), "date")
    if created is None:
        raise RecordError("message without date")
    return created


def _media_paths(msg: dict) -> list[str]:
    return [v for k in ("photo", "file") if isinstance(v := msg.get(k), str) and v.strip() and not v.startswith(_NOT_SAVED)]


def parse_message(msg: Any, chat: dict) -> list[Post | Account]:
    """The post (and author account) of one exported message of ``chat`` (its header:
    ``name``, ``type``, ``id``)."""
    if not isinstance(msg, dict):
        raise RecordError("message is not a JSON object")
    mtype = msg.get("type")
    if mtype == "service":
        raise RecordError(f"service message, not a post (action {msg.get('action')!r})")
    if mtype != "message":
        raise RecordError(f"not a message (type {str(mtype)[:30]!r})")
    peer = chat_peer(chat.get("type"), chat.get("id"))
    mid = parse_id(msg.get("id"), "message id")
    if mid is None:
        raise RecordError("message without id")
    author = text_or_none(msg.get("from_id"))
    if author is None and chat.get("type") in CHANNEL_TYPES:
        author = peer  # old exports leave from_id out of channel posts
    if author is None:
        raise RecordError("message without from_id")
    kind, ref = "post", None
    if "forwarded_from" in msg:
        kind, ref = "repost", forward_key(msg)
    elif msg.get("reply_to_message_id") is not None:
        reply_peer = text_or_none(msg.get("reply_to_peer_id")) or peer
        kind, ref = "reply", f"{reply_peer}/{parse_id(msg['reply_to_message_id'], 'reply_to_message_id')}"
    tags, links, mentions = _entities(msg)
    post = Post(
        post_id=f"{peer}/{mid}",
        account_id=author.strip(),
        created_at=_message_time(msg),
        text=message_text(msg.get("text")),
        kind=kind,
        ref_post_id=ref,
        hashtags=tags,
        urls=links,
        mentions=mentions,
        media_urls=_media_paths(msg),
        client=text_or_none(msg.get("via_bot")),
    )
    return [post, Account(account_id=author.strip(), display_name=text_or_none(msg.get("from")))]


def parse_chat_header(chat: dict) -> list[Account]:
    """A channel's own account row (``channel<id>``, its name) from the export's header."""
    return [Account(account_id=chat_peer(chat.get("type"), chat.get("id")), display_name=text_or_none(chat.get("name")))]


class ControlEscapeFixer:
    """A binary reader that rewrites the ``\\xHH`` escapes Telegram Desktop writes for control
    characters inside strings (not valid JSON) as ``\\u00HH``, so a JSON parser accepts them."""

    _ESCAPE = re.compile(rb"(\\+)x([0-9A-Fa-f]{2})")

    def __init__(self, f: BinaryIO, chunk: int = 1 << 16):
        self.f, self.chunk, self.tail = f, chunk, b""

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the stream's type with read(0)
            return b""
        while True:
            data = self.f.read(size if size and size > 0 else self.chunk)
            if not data:
                out, self.tail = self.tail, b""
                return self._ESCAPE.sub(self._fix, out)
            data = self.tail + data
            # hold back an escape that may continue in the next chunk: from the start of the run
            # of backslashes that holds the last backslash of the final three bytes
            cut = len(data)
            last = data.rfind(b"\\", max(len(data) - 3, 0))
            if last >= 0:
                cut = last
                while cut > 0 and data[cut - 1 : cut] == b"\\":
                    cut -= 1
            out, self.tail = data[:cut], data[cut:]
            if out:
                return self._ESCAPE.sub(self._fix, out)

    @staticmethod
    def _fix(m: re.Match) -> bytes:
        slashes = m.group(1)
        if len(slashes) % 2 == 0:  # an escaped backslash followed by a plain "x"
            return m.group(0)
        return slashes[:-1] + b"\\u00" + m.group(2)


def iter_telegram_units(path: str) -> Iterator[Unit]:
    """Units of a Telegram export: one per message (payload ``(chat, message)``), and one per
    channel header (payload ``(chat, None)``), streamed with ijson.

    A single-chat export is read with ijson's item builder (C code, about twice as fast); an
    "export all data" file, or a single-chat file that turns out broken, event by event, which
    tracks the chat each message belongs to and keeps what was read of a broken message.
    """
    with open_json(path) as f:
        root = _root_keys(ControlEscapeFixer(f))
    if not (root.get("type") in CHAT_TYPES and "messages" in root):
        yield from _iter_units_by_event(path)
        return
    import ijson

    chat = {k: root.get(k) for k in ("name", "type", "id")}
    if chat["type"] in CHANNEL_TYPES:
        yield Unit("header", to_json(chat), (dict(chat), None))
    i = -1
    try:
        with open_json(path) as f:
            for i, msg in enumerate(ijson.items(ControlEscapeFixer(f), "messages.item", use_float=True)):
                yield Unit(f"messages[{i}]", to_json(msg), (dict(chat), msg))
    except Exception:  # noqa: BLE001 - broken document: read it again event by event for the details
        done = i + 1
        for unit in _iter_units_by_event(path):
            if unit.payload is not None and unit.payload[1] is None:
                continue  # the header, given already
            if done:
                done -= 1
                continue
            yield unit


def _iter_units_by_event(path: str) -> Iterator[Unit]:
    import ijson

    chat: dict[str, Any] = {}
    key_prefix = ""  # ijson prefix of the current chat's keys ("" for a single-chat export)
    label = ""
    n_chats = {prefix: -1 for prefix in _CHAT_LISTS}
    i = -1
    builder, depth = None, 0
    n_lists = 0
    with open_json(path) as f:
        try:
            for prefix, event, value in ijson.parse(ControlEscapeFixer(f), use_float=True):
                if builder is not None:
                    builder.event(event, value)
                    if event in ("start_map", "start_array"):
                        depth += 1
                    elif event in ("end_map", "end_array"):
                        depth -= 1
                        if depth == 0:
                            i += 1
                            msg = builder.value
                            builder = None
                            yield Unit(f"{label}messages[{i}]", to_json(msg), (dict(chat), msg))
                    continue
                if event == "start_map" and prefix in _CHAT_LISTS:
                    n_chats[prefix] += 1
                    key_prefix, chat = prefix + ".", {}
                    label = f"{prefix.rsplit('.item', 1)[0]}[{n_chats[prefix]}]."
                elif event in ("string", "number", "null") and prefix.startswith(key_prefix) and prefix[len(key_prefix):] in ("name", "type", "id"):
                    chat[prefix[len(key_prefix):]] = value
                elif event == "start_array" and prefix == key_prefix + "messages":
                    i, n_lists = -1, n_lists + 1
                    if chat.get("type") in CHANNEL_TYPES:
                        yield Unit(f"{label}header" if label else "header", to_json(chat), (dict(chat), None))
                elif prefix == key_prefix + "messages.item":
                    if event in ("start_map", "start_array"):
                        builder, depth = ijson.ObjectBuilder(), 1
                        builder.event(event, value)
                    else:  # a stray scalar among the messages: a unit of its own, to be rejected
                        i += 1
                        yield Unit(f"{label}messages[{i}]", to_json(value), (dict(chat), value))
        except Exception as e:  # noqa: BLE001 - ijson raises several types for broken documents
            partial = to_json(builder.value) if builder is not None else ""  # what was read of the broken message
            yield Unit(f"{label}messages[{i + 1}]", partial, None, f"JSON document broken after {label}messages[{i}] ({e.__class__.__name__}: {e})")
            return
    if n_lists == 0:  # e.g. forced with --format on another JSON document: say so, keep its start
        yield Unit("end of file", Sample.of(path).text, None, "not a Telegram Desktop export (no messages array)")


def _root_keys(stream) -> dict[str, Any]:
    """Root keys of the JSON document in ``stream`` (scalars with their values, others
    ``...``), read up to the start of its messages or chat lists, or as far as it goes."""
    import ijson

    root: dict[str, Any] = {}
    try:
        for prefix, event, value in ijson.parse(stream):
            if prefix == "" and event == "map_key":
                root[value] = ...
            elif prefix in root and event in ("string", "number", "null"):
                root[prefix] = value
            elif event == "start_array" and prefix in ("messages", "chats.list"):
                break
    except Exception:  # noqa: BLE001 - the sample ends mid-document, or the file is not JSON
        pass
    return root


def _head_root(sample: Sample) -> dict[str, Any]:
    import io

    head = sample.head[3:] if sample.head.startswith(b"\xef\xbb\xbf") else sample.head
    return _root_keys(ControlEscapeFixer(io.BytesIO(head)))


class Telegram(Adapter):
    name = "telegram"
    platform = "telegram"
    description = "Telegram Desktop export result.json (a channel/chat, or 'export all data' with chats.list)"
    container = "json"
    #: a single-chat export's messages (an "export all data" file nests them in chats.list)
    json_items = ("messages.item", "messages")

    @classmethod
    def sniff(cls, sample: Sample) -> bool:
        if not sample.text.lstrip().startswith("{"):
            return False
        root = _head_root(sample)
        if root.get("type") in CHAT_TYPES and "id" in root and "messages" in root:
            return True
        return "about" in root and any(k in root for k in _FULL_EXPORT_KEYS)

    def units(self, path: str) -> Iterator[Unit]:
        return iter_telegram_units(path)

    def parse(self, unit) -> list[Post | Account]:
        chat, msg = unit.payload
        if msg is None:
            return parse_chat_header(chat)
        return parse_message(msg, chat)
