"""Telegram Desktop export adapter: channel export, "export all data", traps, escape fixing."""

import io
import json
from datetime import datetime

import pytest

from cibscan.ingest import Sample, detect_adapter
from cibscan.ingest.telegram import ControlEscapeFixer, Telegram, forward_key, message_text

from .rows import SAMPLES, post_row, rows

CH = "channel1234567890"



FORWARD = forward_key({"forwarded_from": "Source Channel ✅", "text": "Смотрите видео", "photo_file_size": 120433, "width": 1280, "height": 720})


def test_channel_export_exact_rows(ws):
    path = SAMPLES / "telegram.json"
    assert detect_adapter(Sample.of(str(path))).name == "telegram"
    r = ws.ingest([str(path)]).files[0]
    assert (r.posts, r.accounts, r.rejects) == (5, 1, 2)
    posts = rows(ws, "posts", "post_id")
    assert posts[f"{CH}/2"] == post_row(
        post_id=f"{CH}/2", account_id=CH, created_at=datetime(2022, 2, 24, 6, 0),  # date_unixtime, not the local "date"
        text="Срочно! #новости подробнее: https://example.ru/a?id=1 и здесь @SomeChannel важно",
        hashtags=["новости"], urls=["https://example.ru/a?id=1", "https://t.me/source_channel/55"], mentions=["@somechannel"])
    assert posts[f"{CH}/3"] == post_row(
        post_id=f"{CH}/3", account_id=CH, created_at=datetime(2022, 2, 24, 6, 1), text="Смотрите видео", kind="repost",
        ref_post_id=FORWARD, media_urls=["photos/photo_1@24-02-2022_09-01-00.jpg"])
    assert posts[f"{CH}/4"] == post_row(
        post_id=f"{CH}/4", account_id=CH, created_at=datetime(2022, 2, 24, 6, 2), text="Обновление: вторая версия",
        kind="reply", ref_post_id=f"{CH}/2")
    assert posts[f"{CH}/5"]["kind"] == "repost" and len(posts[f"{CH}/5"]["text"]) == 4500  # hidden source, long text
    assert posts[f"{CH}/6"]["text"] is None and posts[f"{CH}/6"]["media_urls"] == []  # file not saved: no address
    assert rows(ws, "accounts") == [{
        "account_id": CH, "handle": None, "display_name": "Новости 24/7 🇷🇺", "description": None, "created_at": None,
        "followers": None, "following": None, "verified": None, "avatar_hash": None, "avatar_url": None, "url": None,
        "location": None, "lang": None}]
    rejects = [(x["position"], x["reason"], x["detail"]) for x in rows(ws, "rejects")]
    assert rejects == [
        ("messages[0]", "service message, not a post", "service message, not a post (action 'create_channel')"),
        ("messages[6]", "service message, not a post", "service message, not a post (action 'pin_message')"),
    ]


def test_export_all_data(ws):
    path = SAMPLES / "telegram-all-data.json"
    assert detect_adapter(Sample.of(str(path))).name == "telegram"
    r = ws.ingest([str(path)]).files[0]
    assert (r.posts, r.accounts, r.rejects) == (4, 4, 1)
    posts = rows(ws, "posts", "post_id")
    assert sorted(posts) == ["channel1987654321/101", "channel1987654321/102", "channel1987654321/103", "channel777/9"]
    assert posts["channel1987654321/101"]["hashtags"] == ["انتخابات"]
    assert posts["channel1987654321/101"]["account_id"] == "user5550001"
    reply = posts["channel1987654321/102"]
    assert (reply["kind"], reply["ref_post_id"], reply["mentions"], reply["text"]) == ("reply", "channel1987654321/101", ["user5550001"], "Ali موافقم")
    # the same message forwarded in another chat of another export has the same original key
    assert posts["channel1987654321/103"]["ref_post_id"] == FORWARD
    accounts = rows(ws, "accounts", "account_id")
    assert sorted(accounts) == ["channel777", "user5550001", "user5550002", "user5550003"]
    assert accounts["user5550002"]["display_name"] is None  # "from": null (deleted account)
    [rej] = rows(ws, "rejects")
    assert rej["position"] == "chats.list[0].messages[3]" and rej["reason"] == "service message, not a post"


def _export(tmp_path, messages, **head):
    doc = {"name": "Chan", "type": "public_channel", "id": 42, **head, "messages": messages}
    p = tmp_path / "result.json"
    p.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return p


def test_traps(ws, tmp_path):
    messages = [
        {"id": 1, "type": "message", "date": "2019-05-01T10:00:00", "text": "old export: local date, no from_id"},
        {"id": 2.5, "type": "message", "date_unixtime": "1556704800", "from_id": "channel42", "text": "float id"},
        {"id": 3, "type": "message", "from_id": "channel42", "text": "no date"},
        {"id": 4, "type": "unsupported"},
        {"id": 5, "type": "message", "date_unixtime": "soon", "from_id": "channel42", "text": ""},
        {"id": 6, "type": "message", "date_unixtime": 1556704800, "from_id": "user7", "from": "Ü", "text": ["a ", {"type": "hashtag", "text": "#b"}],
         "reply_to_message_id": 3, "reply_to_peer_id": "channel99"},
        "junk",
    ]
    path = _export(tmp_path, messages)
    r = ws.ingest([str(path)]).files[0]
    posts = rows(ws, "posts", "post_id")
    assert posts["channel42/1"]["created_at"] == datetime(2019, 5, 1, 10) and posts["channel42/1"]["account_id"] == "channel42"
    # no text_entities (older exports): entities from the objects inside text; a reply into another chat
    assert posts["channel42/6"]["hashtags"] == ["b"] and posts["channel42/6"]["ref_post_id"] == "channel99/3"
    assert sorted(posts) == ["channel42/1", "channel42/6"]
    rejects = {x["position"]: x["reason"] for x in rows(ws, "rejects")}
    assert rejects == {
        "messages[1]": "message id is a floating-point number whose last digits are lost",
        "messages[2]": "message without date",
        "messages[3]": "not a message",
        "messages[4]": "date_unixtime is not epoch seconds",
        "messages[6]": "message is not a JSON object",
    }
    assert r.accounts == 2  # the channel header and user7


def test_invalid_control_escapes_are_read(ws, tmp_path):
    """Telegram Desktop writes control characters other than \\n \\r \\t as ``\\xHH``, which is not
    JSON; the export must still be read, with the character restored."""
    p = _export(tmp_path, [{"id": 1, "type": "message", "date_unixtime": "1", "from_id": "channel42", "text": "CTRL"}])
    p.write_text(p.read_text(encoding="utf-8").replace("CTRL", "a\\x0Bb \\\\x41"), encoding="utf-8")
    assert detect_adapter(Sample.of(str(p))).name == "telegram"
    ws.ingest([str(p)])
    assert rows(ws, "posts")[0]["text"] == "a\x0bb \\x41"


def test_other_json_forced_as_telegram_is_one_reject(ws, tmp_path):
    p = tmp_path / "other.json"
    p.write_text('{"foo": 1, "bar": [1, 2]}', encoding="utf-8")
    r = ws.ingest([str(p)], format="telegram").files[0]
    assert (r.posts, r.rejects) == (0, 1)
    [rej] = rows(ws, "rejects")
    assert (rej["position"], rej["reason"], rej["raw"]) == ("end of file", "not a Telegram Desktop export", '{"foo": 1, "bar": [1, 2]}')


def test_group_message_without_author_is_rejected(ws, tmp_path):
    path = _export(tmp_path, [{"id": 1, "type": "message", "date_unixtime": "1", "text": "who?"}], type="private_group")
    ws.ingest([str(path)])
    assert [x["reason"] for x in rows(ws, "rejects")] == ["message without from_id"]


def test_truncated_export_keeps_what_was_read(ws, tmp_path):
    messages = [{"id": i, "type": "message", "date_unixtime": str(1600000000 + i), "from_id": "channel42", "text": f"m{i}"} for i in range(1, 4)]
    full = _export(tmp_path, messages).read_text(encoding="utf-8")
    cut = tmp_path / "cut.json"
    cut.write_text(full[: full.index('"m3"')], encoding="utf-8")
    r = ws.ingest([str(cut)]).files[0]
    assert r.posts == 2
    [rej] = rows(ws, "rejects")
    assert rej["position"] == "messages[2]" and rej["reason"] == "JSON document broken after messages[N]"
    assert rej["detail"].startswith("JSON document broken after messages[1] (IncompleteJSONError")
    assert json.loads(rej["raw"]) == {"id": 3, "type": "message", "date_unixtime": "1600000003", "from_id": "channel42"}


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64])
def test_control_escape_fixer(chunk):
    src = b'{"a": "x\\x0By", "b": "\\\\x41", "c": "\\\\\\x1F", "d": "\\u00e9\\\\"}'
    fixer = ControlEscapeFixer(io.BytesIO(src), chunk=chunk)
    out = b""
    while data := fixer.read(chunk):
        out += data
    assert json.loads(out) == {"a": "x\x0by", "b": "\\x41", "c": "\\\x1f", "d": "é\\"}


def test_message_text_and_forward_key():
    assert message_text(["a", {"type": "bold", "text": "b"}, {"type": "link"}, 3]) == "ab"
    assert message_text("  ") is None
    a = forward_key({"forwarded_from": "S", "text": "Hello   World"})
    assert a == forward_key({"forwarded_from": "S", "text": ["hello ", {"type": "bold", "text": "world"}], "from": "other"})
    assert a != forward_key({"forwarded_from": "T", "text": "Hello World"})
    assert a != forward_key({"forwarded_from": "S", "text": "Hello World", "width": 10})
    assert a.startswith("telegram-forward:") and len(a) == len("telegram-forward:") + 16


def test_sniff_is_specific(tmp_path):
    def sniff(doc):
        p = tmp_path / "s.json"
        p.write_text(json.dumps(doc, indent=1), encoding="utf-8")
        return Telegram.sniff(Sample.of(str(p)))

    assert sniff({"name": None, "type": "saved_messages", "id": 1, "messages": []})
    assert not sniff({"name": "x", "type": "book", "id": 1, "messages": []})  # not a chat type
    assert not sniff({"type": "FeatureCollection", "features": []})
    assert not sniff({"about": "x", "version": 2})
    for other in ("x-v2.jsonl", "x-v1.jsonl", "x-v1-array.json", "bluesky.jsonl"):
        assert not Telegram.sniff(Sample.of(str(SAMPLES / other)))
