"""X API v1.1 adapter: stream lines with embedded originals, stream notices, JSON arrays."""

import gzip
from datetime import datetime

from cibscan.ingest import Sample, detect_adapter
from cibscan.ingest.x_v1 import XV1

from .rows import SAMPLES, rows, write_jsonl

BOT, AHMAD, NEWS = "3308947716", "1187654321098765432", "14159265"
FULL_AR = ("لن نصمت بعد اليوم! الحقيقة يجب أن تُقال كاملة، مهما كان الثمن. شاركوا الوسم #الحقيقة_كاملة "
           "وادعموا الصحافة الحرة 📣📣 https://t.co/LiNk0001 @OriginalNews")
PHOTOS = ["https://pbs.twimg.com/media/FqAbCdEfGh.jpg", "https://pbs.twimg.com/media/FqAbCdEfGi.jpg"]


def test_sample_stream_exact_rows(ws):
    path = SAMPLES / "x-v1.jsonl"
    assert detect_adapter(Sample.of(str(path))).name == "x-v1"
    r = ws.ingest([str(path)]).files[0]
    assert (r.posts, r.accounts, r.rejects, r.duplicates) == (5, 3, 2, 0)
    posts = rows(ws, "posts", "post_id")
    # the retweet carries the original's extended full text, entities and both photos
    assert posts["1630950100000000001"] == {
        "post_id": "1630950100000000001", "account_id": BOT, "created_at": datetime(2023, 3, 1, 12, 0, 1), "text": FULL_AR,
        "lang": "ar", "kind": "repost", "ref_post_id": "1630949000000000000", "ref_account_id": AHMAD,
        "hashtags": ["الحقيقة_كاملة"], "urls": ["https://free-press.example/ar/123"], "mentions": [NEWS],
        "media_urls": PHOTOS, "client": "Twitter Web App"}
    # the embedded original (itself a quote) and the tweet it quotes are posts too
    assert posts["1630949000000000000"] == {
        "post_id": "1630949000000000000", "account_id": AHMAD, "created_at": datetime(2023, 3, 1, 11, 59), "text": FULL_AR,
        "lang": "ar", "kind": "quote", "ref_post_id": "1630500000000000000", "ref_account_id": NEWS,
        "hashtags": ["الحقيقة_كاملة"], "urls": ["https://free-press.example/ar/123"], "mentions": [NEWS],
        "media_urls": PHOTOS, "client": "Twitter for Android"}
    assert posts["1630500000000000000"]["kind"] == "post" and posts["1630500000000000000"]["urls"] == ["https://example-news.com/statement"]
    # a reply; the unwound URL wins over the shortener
    assert posts["1630950900000000002"] == {
        "post_id": "1630950900000000002", "account_id": BOT, "created_at": datetime(2023, 3, 1, 12, 3, 10),
        "text": "@ahmad_voice Fake news!!! #Hoax https://t.co/x1", "lang": "en", "kind": "reply",
        "ref_post_id": "1630949000000000000", "ref_account_id": AHMAD, "hashtags": ["Hoax"],
        "urls": ["https://examp1e-news.com/story"], "mentions": [AHMAD], "media_urls": [], "client": "Twitter for Android"}
    assert posts["1630990000000000003"]["text"] == "Ünïcödé test: naïve café — “quotes” & <tags> 😀🇺🇦"  # full_text
    accounts = rows(ws, "accounts", "account_id")
    assert accounts[AHMAD] == {
        "account_id": AHMAD, "handle": "ahmad_voice", "display_name": "أحمد ✌️", "description": "صوت الناس 🇱🇧",
        "created_at": datetime(2019, 10, 26, 7, 12, 45), "followers": 88, "following": 1902, "verified": False,
        "avatar_hash": None, "avatar_url": f"https://pbs.twimg.com/profile_images/{AHMAD}/p_normal.jpg", "url": None,
        "location": "بيروت", "lang": None}
    assert accounts[NEWS]["verified"] is True and accounts[NEWS]["url"] == "https://example-news.com"
    rejects = rows(ws, "rejects")
    assert [(x["position"], x["detail"]) for x in rejects] == [
        ("line 2", "stream notice, not a tweet (limit)"), ("line 4", "stream notice, not a tweet (delete)")]
    assert {x["reason"] for x in rejects} == {"stream notice, not a tweet"}
    assert '"user_id_str": "3308947716"' in rejects[1]["raw"]


def test_json_array_file(ws):
    path = SAMPLES / "x-v1-array.json"
    assert detect_adapter(Sample.of(str(path))).name == "x-v1"
    r = ws.ingest([str(path)]).files[0]
    assert (r.posts, r.accounts, r.rejects) == (2, 2, 0)
    assert sorted(rows(ws, "posts", "post_id")) == ["1630950900000000002", "1630990000000000003"]


def test_traps_and_per_tweet_rejects(ws, tmp_path):
    user = {"id": 42, "screen_name": "u", "created_at": "Mon Jan 01 00:00:00 +0000 2018", "followers_count": None}
    ok_numeric_ids = {"id": 1234567890123456789, "text": "id only as a number", "created_at": "Mon Jan 01 10:00:00 +0200 2018", "user": user}
    bad_original = {"id_str": "7", "text": "RT @x: y", "created_at": "Mon Jan 01 11:00:00 +0000 2018", "user": {"id_str": "43"},
                    "retweeted_status": {"id_str": "8", "text": "y", "created_at": "garbage", "user": {"id_str": "44"}}}
    float_id = {"id": 1.2345678901234568e18, "text": "float", "created_at": "Mon Jan 01 00:00:00 +0000 2018", "user": user}
    no_user = {"id_str": "9", "text": "who?", "created_at": "Mon Jan 01 00:00:00 +0000 2018"}
    search_page = {"statuses": [{"id_str": "10", "full_text": "from search", "created_at": "Mon Jan 01 00:00:00 +0000 2018",
                                 "user": {"id_str": "45", "screen_name": "s"}}], "search_metadata": {"count": 1}}
    path = write_jsonl(tmp_path / "t.jsonl", ok_numeric_ids, bad_original, float_id, no_user, search_page, [1, 2],
                       raw_lines=["", "   ", '{"id_str": "11", "text": "cut off'])
    gz = tmp_path / "t.jsonl.gz"
    gz.write_bytes(gzip.compress(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n")))  # BOM, CRLF, gzip
    r = ws.ingest([str(gz)]).files[0]
    assert r.format == "x-v1"
    posts = rows(ws, "posts", "post_id")
    assert sorted(posts) == ["10", "1234567890123456789", "7"]
    assert posts["1234567890123456789"]["account_id"] == "42"
    assert posts["1234567890123456789"]["created_at"] == datetime(2018, 1, 1, 8, 0)  # +0200 to UTC
    assert posts["7"]["kind"] == "repost" and posts["7"]["ref_post_id"] == "8" and posts["7"]["ref_account_id"] == "44"
    assert posts["10"]["text"] == "from search"
    rejects = {x["position"]: x for x in rows(ws, "rejects")}
    assert rejects["line 2 retweeted_status"]["reason"] == "created_at"
    assert rejects["line 3"]["reason"] == "tweet id is a floating-point number whose last digits are lost"
    assert rejects["line 4"]["reason"] == "tweet without user id"
    assert rejects["line 6"]["reason"] == "value is a JSON list, not a tweet object"
    assert rejects["line 9"]["reason"] == "invalid JSON"
    assert len(rejects) == 5 and r.rejects == 5
    assert rows(ws, "accounts", "account_id")["42"]["followers"] is None


def test_sniff_is_specific(tmp_path):
    def sniff(*objs):
        return XV1.sniff(Sample.of(str(write_jsonl(tmp_path / "s.jsonl", *objs))))

    tweet = {"id_str": "1", "text": "t", "created_at": "Mon Jan 01 00:00:00 +0000 2018", "user": {"id_str": "2"}}
    assert sniff({"limit": {"track": 1}}, {"delete": {"status": {}}}, tweet)  # notices first: the tweet decides
    assert not sniff({"limit": {"track": 1}})
    assert not sniff({"id": "1", "text": "v2", "author_id": "2", "created_at": "2023-01-01T00:00:00Z"})
    assert not sniff({"data": [{"id": "1", "text": "t"}]})
    assert not sniff({"user_id": "1", "text": "a generic table", "created_at": "2020-01-01"})
    for other in ("x-v2.jsonl", "x-v2-flat.jsonl", "bluesky.jsonl", "telegram.json"):
        assert not XV1.sniff(Sample.of(str(SAMPLES / other)))
