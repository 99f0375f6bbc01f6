"""Bluesky adapter: repo records, Jetstream events, feed and post views."""

from datetime import datetime

import pytest

from cibscan.ingest import Sample, detect_adapter
from cibscan.ingest.bluesky import Bluesky, split_at_uri

from .rows import SAMPLES, post_row, rows, write_jsonl

ALICE, BOB, CAROL, DAN = ("did:plc:4k3jx7rfmq2bq5tdpfnmbhn3", "did:plc:vw5ysqzwh3c2uxcq6jrdlm2e",
                          "did:web:carol.example.com", "did:plc:n2ayo4bbcqhb6ixsatkgiaqm")
POST = "app.bsky.feed.post"


def at(did, rkey, coll=POST):
    return f"at://{did}/{coll}/{rkey}"



DAN_POST = at(DAN, "3lbbpzzzzzz2a")
ALICE_POST = at(ALICE, "3lbbq7t3ns22k")
EXPECTED = {
    # repo record: facets give link, tag and mention DID; the external embed adds its link
    ALICE_POST: post_row(
        post_id=ALICE_POST, account_id=ALICE, created_at=datetime(2024, 11, 5, 13, 0),
        text="Election day! Read the guide: example.org/guide #vote2024 cc @bob.bsky.social 🗳️", lang="en",
        hashtags=["vote2024"], urls=["https://example.org/guide?utm_source=bsky", "https://example-news.com/live"],
        mentions=[BOB]),
    at(ALICE, "3lbbqaa2mqs2x", "app.bsky.feed.repost"): post_row(
        post_id=at(ALICE, "3lbbqaa2mqs2x", "app.bsky.feed.repost"), account_id=ALICE,
        created_at=datetime(2024, 11, 5, 13, 0, 4, 512000), kind="repost", ref_post_id=DAN_POST, ref_account_id=DAN),
    # Jetstream: a reply that quotes with an image (quote wins, as for X); +09:00 converted to UTC
    at(BOB, "3lbbqb2dmbk2k"): post_row(
        post_id=at(BOB, "3lbbqb2dmbk2k"), account_id=BOB, created_at=datetime(2024, 11, 5, 13, 0, 5),
        text="本当にそう思います！ 😂 #選挙", lang="ja", kind="quote", ref_post_id=DAN_POST, ref_account_id=DAN,
        hashtags=["選挙"], media_urls=[f"https://cdn.bsky.app/img/feed_fullsize/plain/{BOB}/bafkrei{'j1' * 26}@jpeg"]),
    # a feed item's reason: the repost record URI from reason.uri, its time from reason.indexedAt
    at(CAROL, "3lbbqc2222s2c", "app.bsky.feed.repost"): post_row(
        post_id=at(CAROL, "3lbbqc2222s2c", "app.bsky.feed.repost"), account_id=CAROL,
        created_at=datetime(2024, 11, 5, 13, 0, 9, 881000), kind="repost", ref_post_id=DAN_POST, ref_account_id=DAN),
    # Hebrew (RTL) reply with a mention facet; its parent (from reply.parent) is ingested too
    at(CAROL, "3lbbqd3333s2c"): post_row(
        post_id=at(CAROL, "3lbbqd3333s2c"), account_id=CAROL, created_at=datetime(2024, 11, 5, 13, 1),
        text="אני לא מסכים בכלל \u200f@dan.news", lang="he", kind="reply", ref_post_id=at(ALICE, "3lbbqcqqqqq2a"),
        ref_account_id=ALICE, mentions=[DAN]),
    at(ALICE, "3lbbqcqqqqq2a"): post_row(
        post_id=at(ALICE, "3lbbqcqqqqq2a"), account_id=ALICE, created_at=datetime(2024, 11, 5, 13, 0, 30), text="Agreed.",
        kind="reply", ref_post_id=DAN_POST, ref_account_id=DAN),
    at(DAN, "3lbbqe4444s2d"): post_row(
        post_id=at(DAN, "3lbbqe4444s2d"), account_id=DAN, created_at=datetime(2024, 11, 5, 13, 2), text="Worth reading",
        kind="quote", ref_post_id=ALICE_POST, ref_account_id=ALICE),
    # written by a bare API client: no facets, so tags and links come from the text
    at(DAN, "3lbbqf5555s2d"): post_row(
        post_id=at(DAN, "3lbbqf5555s2d"), account_id=DAN, created_at=datetime(2024, 11, 5, 13, 3),
        text="bot says #vote2024 #vote2024 https://spoof-news.example/x", hashtags=["vote2024", "vote2024"],
        urls=["https://spoof-news.example/x"]),
}


def test_sample_exact_rows(ws):
    path = SAMPLES / "bluesky.jsonl"
    assert detect_adapter(Sample.of(str(path))).name == "bluesky"
    r = ws.ingest([str(path)]).files[0]
    # 9 posts; the quoted post and the thread root seen again inside views count as duplicates
    assert (r.posts, r.accounts, r.rejects, r.duplicates) == (9, 4, 2, 2)
    posts = rows(ws, "posts", "post_id")
    for pid, expected in EXPECTED.items():
        assert posts[pid] == expected, pid
    assert posts[DAN_POST]["hashtags"] == ["vote2024"] and posts[DAN_POST]["created_at"] == datetime(2024, 11, 5, 12, 59)
    accounts = rows(ws, "accounts", "account_id")
    assert accounts[CAROL]["handle"] == "carol.example.com"  # from the Jetstream identity event and the views
    assert accounts[ALICE]["handle"] == "alice.bsky.social"  # "handle.invalid" is no handle
    assert accounts[DAN]["display_name"] == "Dan 📰 News" and accounts[DAN]["created_at"] == datetime(2023, 4, 27, 11, 20, 31, 125000)
    assert accounts[BOB]["handle"] is None  # known only as a DID
    rejects = {x["position"]: (x["reason"], x["detail"]) for x in rows(ws, "rejects")}
    assert rejects == {
        "line 5": ("Jetstream delete event, not a new record", "Jetstream delete event, not a new record (app.bsky.feed.post)"),
        "line 6": ("app.bsky.feed.like record, not a post or repost", "app.bsky.feed.like record, not a post or repost"),
    }


def test_traps(ws, tmp_path):
    rec = {"$type": POST, "text": "hi", "createdAt": "2024-01-01T00:00:00Z"}
    lines = [
        {"uri": at(ALICE, "1"), "cid": "c", "value": {**rec, "createdAt": None}},  # no time, no fallback
        {"uri": "at://alice.bsky.social/app.bsky.feed.post/2", "value": rec},  # handle, not DID
        {"uri": at(ALICE, "3"), "value": {**rec, "text": "x" * 100_000, "langs": None, "facets": None}},
        {"did": BOB, "time_us": 1704067200123456, "kind": "commit",  # bad createdAt: Jetstream's time instead
         "commit": {"operation": "create", "collection": POST, "rkey": "4", "record": {**rec, "createdAt": "yesterday"}}},
        {"did": BOB, "time_us": 1, "kind": "account", "account": {"active": False, "did": BOB, "status": "takendown"}},
        {"records": [{"uri": at(ALICE, "5"), "value": {**rec, "createdAt": "2024-01-01T00:00:00"}}, {"value": rec}, 7], "cursor": "x"},
        {"feed": [{"post": {"uri": at(DAN, "6"), "author": {"did": DAN, "handle": "d"}, "record": rec, "indexedAt": "2024-01-01T00:00:01Z"},
                   "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": {"did": CAROL, "handle": "c"}, "indexedAt": "2024-01-02T00:00:00Z"}},
                  {"post": {"uri": at(DAN, "7"), "author": {"did": "not-a-did"}, "record": rec, "indexedAt": "x"},
                   "reason": {"$type": "app.bsky.feed.defs#reasonPin"}}]},
        {"something": "else"},
    ]
    ws.ingest([str(write_jsonl(tmp_path / "b.jsonl", *lines))], format="bluesky")
    posts = rows(ws, "posts", "post_id")
    assert posts[at(ALICE, "3")]["text"] == "x" * 100_000 and posts[at(ALICE, "3")]["lang"] is None
    assert posts[at(BOB, "4")]["created_at"] == datetime(2024, 1, 1, 0, 0, 0, 123456)
    assert posts[at(ALICE, "5")]["created_at"] == datetime(2024, 1, 1)  # no zone: taken as UTC
    synthetic = f"repost:{CAROL}:{at(DAN, '6')}"  # older API: no reason.uri
    assert posts[synthetic]["kind"] == "repost" and posts[synthetic]["created_at"] == datetime(2024, 1, 2)
    assert sorted(posts) == sorted([at(ALICE, "3"), at(BOB, "4"), at(ALICE, "5"), at(DAN, "6"), synthetic])
    rejects = {x["position"]: x["reason"] for x in rows(ws, "rejects")}
    assert rejects == {
        "line 1": "record without createdAt",
        "line 2": "at:// URI names a handle, not a DID; resolve handles to DIDs first",
        "line 5": "Jetstream account event, not a post",
        "line 6 records[1]": "not an at:// URI",
        "line 6 records[2]": "records item is not a JSON object",
        "line 7 feed[1].post": "profile without a DID",
        "line 8": "not a Bluesky record, Jetstream event or feed view",
    }


def test_sniff_is_specific(tmp_path):
    def sniff(*objs):
        return Bluesky.sniff(Sample.of(str(write_jsonl(tmp_path / "s.jsonl", *objs))))

    assert sniff({"did": BOB, "time_us": 1, "kind": "identity", "identity": {}})
    assert sniff({"feed": [{"post": {"uri": at(DAN, "1")}}], "cursor": "c"})
    assert not sniff({"uri": "https://example.com", "value": {}})
    assert not sniff({"id": "1", "text": "t", "author_id": "2"})
    assert not sniff({"did": "did:plc:x", "handle": "h"})  # a profile list is not posts
    for other in ("x-v2.jsonl", "x-v1.jsonl", "telegram.json"):
        assert not Bluesky.sniff(Sample.of(str(SAMPLES / other)))


@pytest.mark.parametrize("uri, parts", [
    ("at://did:plc:abc/app.bsky.feed.post/3k", ("did:plc:abc", POST, "3k")),
    ("at://did:web:x.example/app.bsky.feed.repost/1", ("did:web:x.example", "app.bsky.feed.repost", "1")),
])
def test_split_at_uri(uri, parts):
    assert split_at_uri(uri) == parts
