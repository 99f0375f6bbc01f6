"""X API v2 / twarc2 adapter: whole responses, flatten output, per-tweet rejects, sniffing."""

from datetime import datetime

import pytest

from cibscan.ingest import Sample, detect_adapter
from cibscan.ingest.x_v2 import XV2, is_media_link

from .rows import SAMPLES, post_row, rows, write_jsonl

SARA, NEWS, AMP = "1288491230157242368", "14159265", "9007199254740993"
ORIG = "1630940000000000000"
VOTE_TEXT = ("Breaking: the committee met today and decided that the vote will be delayed until further notice, "
             "sources say. More at https://t.co/Zz9vOtE #vote")



EXPECTED_POSTS = {
    "1630950000000000001": post_row(
        post_id="1630950000000000001", account_id=SARA, created_at=datetime(2023, 3, 1, 12, 0, 0),
        text="سلام دنیا 🌍 #آزادی #Freedom https://t.co/AbC1xYz @OriginalNews", lang="fa",
        hashtags=["آزادی", "Freedom"], urls=["https://example.org/article?id=7&utm_source=tw"], mentions=[NEWS]),
    # a retweet carries the original's full text and entities, not its own cut "RT @..." text
    "1630950000000000002": post_row(
        post_id="1630950000000000002", account_id=AMP, created_at=datetime(2023, 3, 1, 12, 0, 3), text=VOTE_TEXT, lang="en",
        kind="repost", ref_post_id=ORIG, ref_account_id=NEWS, hashtags=["vote"], urls=["https://example-news.com/2023/03/01/vote"]),
    # the photo's pic.twitter.com link is media, not a shared link
    "1630950000000000003": post_row(
        post_id="1630950000000000003", account_id=SARA, created_at=datetime(2023, 3, 1, 12, 1, 30),
        text="ببینید این را! https://t.co/QuOt3d1 https://t.co/PhOt0o1", lang="fa", kind="quote", ref_post_id=ORIG,
        ref_account_id=NEWS, urls=["https://twitter.com/OriginalNews/status/1630940000000000000"],
        media_urls=["https://pbs.twimg.com/media/FqXyZaBWAAE1234.jpg"]),
    "1630950000000000004": post_row(
        post_id="1630950000000000004", account_id=AMP, created_at=datetime(2023, 3, 1, 12, 2, 0),
        text="@OriginalNews @Sara_News_FA agreed!!! 👍🏽", lang="en", kind="reply", ref_post_id=ORIG, ref_account_id=NEWS,
        mentions=[NEWS, SARA]),
    # the referenced original from includes.tweets is a post of its own
    ORIG: post_row(post_id=ORIG, account_id=NEWS, created_at=datetime(2023, 3, 1, 11, 50, 0), text=VOTE_TEXT, lang="en",
                hashtags=["vote"], urls=["https://example-news.com/2023/03/01/vote"]),
    # retweet of a deleted tweet: the original is missing from includes, the repost keeps its own text
    "1630960000000000006": post_row(
        post_id="1630960000000000006", account_id=AMP, created_at=datetime(2023, 3, 1, 13, 16, 0),
        text="RT @gone_account: https://t.co/GoNe123", lang="qme", kind="repost", ref_post_id="1630000000000000000",
        urls=["http://spoofed-news.co/x"], mentions=["@gone_account"]),
}


def test_sample_responses_exact_rows(ws):
    path = SAMPLES / "x-v2.jsonl"
    assert detect_adapter(Sample.of(str(path))).name == "x-v2"
    r = ws.ingest([str(path)]).files[0]
    assert (r.format, r.posts, r.accounts, r.rejects, r.duplicates) == ("x-v2", 7, 3, 1, 0)
    posts = rows(ws, "posts", "post_id")
    for pid, expected in EXPECTED_POSTS.items():
        assert posts[pid] == expected, pid
    long = posts["1630960000000000005"]  # note_tweet: the full text, not the 280-character cut
    assert long["text"].startswith("Long read") and long["text"].endswith("#longread") and len(long["text"]) > 300
    assert long["hashtags"] == ["longread"]
    accounts = rows(ws, "accounts", "account_id")
    assert accounts[SARA] == {
        "account_id": SARA, "handle": "sara_news_fa", "display_name": "سارا 📰",
        "description": "\u200fخبرنگار مستقل | independent reporter", "created_at": datetime(2020, 7, 29, 14, 2, 11),
        "followers": 1520, "following": 310, "verified": False, "avatar_hash": None,
        "avatar_url": "https://pbs.twimg.com/profile_images/1288491500000000000/Ab3dEf_normal.jpg",
        "url": "https://example.org/sara", "location": "تهران", "lang": None}
    assert accounts[NEWS]["verified"] is True and accounts[NEWS]["followers"] == 2450311
    assert accounts[NEWS]["url"] is None and accounts[NEWS]["location"] is None  # "" is absent
    assert accounts[AMP]["handle"] == "amplifier_01"  # id above 2**53 kept exactly
    [rej] = rows(ws, "rejects")
    assert (rej["position"], rej["reason"]) == ("line 2 errors[0]", "API error object, not a tweet")
    assert "Could not find tweet" in rej["detail"] and '"resource_id": "1630000000000000000"' in rej["raw"]


def test_flatten_output_matches_responses(ws):
    """The same tweets as ``twarc2 flatten`` writes them give the same rows."""
    path = SAMPLES / "x-v2-flat.jsonl"
    assert detect_adapter(Sample.of(str(path))).name == "x-v2"
    r = ws.ingest([str(path)]).files[0]
    assert (r.posts, r.accounts, r.rejects) == (4, 3, 0)
    posts = rows(ws, "posts", "post_id")
    for pid in ("1630950000000000002", "1630950000000000003", "1630950000000000004", ORIG):
        assert posts[pid] == EXPECTED_POSTS[pid], pid
    assert rows(ws, "accounts", "account_id")[SARA]["url"] == "https://example.org/sara"


def test_flatten_with_nested_tweet_objects(ws, tmp_path):
    """Re-flattening tools put the referenced tweet under ``referenced_tweets[].tweet``."""
    original = {"id": "2", "text": "orig #tag", "author_id": "20", "created_at": "2023-01-01T00:00:00Z",
                "entities": {"hashtags": [{"tag": "tag"}]}, "author": {"id": "20", "username": "orig"}}
    rt = {"id": "1", "text": "RT @orig: orig", "author_id": "10", "created_at": "2023-01-01T00:01:00.000Z",
          "referenced_tweets": [{"type": "retweeted", "id": "2", "tweet": original}], "author": {"id": "10", "username": "amp"}}
    ws.ingest([str(write_jsonl(tmp_path / "f.jsonl", rt))])
    posts = rows(ws, "posts", "post_id")
    assert posts["1"]["kind"] == "repost" and posts["1"]["ref_account_id"] == "20"
    assert posts["1"]["text"] == "orig #tag" and posts["1"]["hashtags"] == ["tag"]
    assert posts["2"]["account_id"] == "20"
    assert sorted(rows(ws, "accounts", "account_id")) == ["10", "20"]


def test_one_bad_tweet_rejects_only_itself(ws, tmp_path):
    good = {"id": "1", "text": "ok", "author_id": "10", "created_at": "2023-01-01T00:00:00Z"}
    page = {
        "data": [good,
                 {"id": "2", "text": "no time", "author_id": "10"},
                 {"id": 3.0e18, "text": "float id", "author_id": "10", "created_at": "2023-01-01T00:00:00Z"},
                 {"id": 4, "text": "numeric id is fine", "author_id": 10, "created_at": "2023-01-01T00:00:00+02:00"},
                 {"id": "5", "text": None, "author_id": "10", "created_at": "not a date"},
                 "not an object",
                 {"id": "6", "text": "x" * 200_000, "author_id": "10", "created_at": "2023-01-01T00:00:00Z",
                  "referenced_tweets": [{"type": "replied_to"}]}],
        "includes": {"users": [{"id": "10", "username": "u", "public_metrics": {"followers_count": "lots"}},
                               {"username": "no_id"}]},
        "meta": {"result_count": 7},
    }
    empty = {"meta": {"result_count": 0}, "__twarc": {"version": "2.14.0"}}
    path = write_jsonl(tmp_path / "p.jsonl", page, empty, raw_lines=["{broken json"])
    r = ws.ingest([str(path)], format="x-v2").files[0]
    assert (r.posts, r.accounts) == (2, 0)
    posts = rows(ws, "posts", "post_id")
    assert posts["4"]["account_id"] == "10" and posts["4"]["created_at"] == datetime(2022, 12, 31, 22, 0)
    rejects = {x["position"]: x for x in rows(ws, "rejects")}
    assert rejects["line 1 data[1]"]["reason"] == "tweet without created_at"
    assert rejects["line 1 data[2]"]["reason"] == "id is a floating-point number whose last digits are lost"
    assert rejects["line 1 data[4]"]["reason"] == "created_at"
    assert "not a recognised time" in rejects["line 1 data[4]"]["detail"]
    assert rejects["line 1 data[5]"]["reason"] == "tweet is not a JSON object"
    assert rejects["line 1 data[6]"]["reason"] == "referenced_tweets entry without id"
    assert len(rejects["line 1 data[6]"]["raw"]) > 200_000  # the whole record is kept
    assert rejects["line 1 includes.users[0]"]["reason"] == "followers_count"
    assert rejects["line 1 includes.users[1]"]["reason"] == "user without id"
    assert rejects["line 2"]["reason"] == "API response page holds no tweets"
    assert rejects["line 3"]["reason"] == "invalid JSON"
    assert len(rejects) == 9


def test_sniff_is_specific(tmp_path):
    def sniff(*objs):
        return XV2.sniff(Sample.of(str(write_jsonl(tmp_path / "s.jsonl", *objs))))

    assert sniff({"meta": {"result_count": 0}, "__twarc": {}}, {"data": [{"id": "1", "text": "t"}], "__twarc": {}})
    assert not sniff({"id_str": "1", "text": "v1", "user": {"id_str": "2"}, "created_at": "x"})  # v1.1
    assert not sniff({"data": [{"id": "1", "username": "u", "name": "n"}]})  # a users lookup
    assert not sniff({"account_id": "a", "object_id": "o", "timestamp": 1})  # a generic table
    assert not sniff({"uri": "at://did:plc:x/app.bsky.feed.post/1", "value": {}})
    for other in ("x-v1.jsonl", "bluesky.jsonl", "telegram.json"):
        assert not XV2.sniff(Sample.of(str(SAMPLES / other)))


@pytest.mark.parametrize("entity, media", [
    ({"media_key": "3_1"}, True),
    ({"display_url": "pic.twitter.com/abc", "expanded_url": "https://twitter.com/u/status/1/photo/1"}, True),
    ({"display_url": "pic.x.com/abc"}, True),
    ({"expanded_url": "https://twitter.com/u/status/1/video/1"}, True),
    ({"expanded_url": "https://twitter.com/u/status/1", "display_url": "twitter.com/u/status/1"}, False),
    ({"expanded_url": "https://example.com/photo/1"}, False),
])
def test_is_media_link(entity, media):
    assert is_media_link(entity) is media
