"""Behaviour traces (cibscan.traces)."""

from __future__ import annotations

import pytest

from cibscan.errors import ParameterError
from cibscan.traces import (
    TRACE_COLUMNS,
    TRACE_KINDS,
    build_traces,
    ensure_traces,
    normalise_url,
    parse_kinds,
    store_traces,
    url_domain,
)
from tests.conftest import T0, post

LONG = "a message long enough to have text band keys"


def _rows(ws, kinds=None):
    df = build_traces(ws, kinds).to_pandas()
    return df


@pytest.fixture
def sample(ws):
    ws.add_records([
        post(1, "a", 0, text=LONG + " #One", hashtags=["One", "Two"], urls=["https://www.Example.com/x?utm_source=t", "https://bit.ly/abc"],
             mentions=["@Bob"], media_hashes=["pdq:ab"]),
        post(2, "b", 5.7, kind="repost", ref_post_id="1", text=LONG),
        post(3, "c", 7, kind="reply", ref_post_id="1", text="RT @q: " + LONG.upper() + " #ONE!", hashtags=["one", "one"]),
        post(4, "d", 9, text="", urls=["http://", " "], hashtags=["  "], mentions=[""], media_hashes=[]),
    ])
    return ws


def test_columns_and_kinds(sample):
    df = _rows(sample)
    assert tuple(df.columns) == TRACE_COLUMNS
    assert set(df["kind"]) == set(TRACE_KINDS) - {"media"} | {"media"}
    assert df["at"].dtype == "int64" and df["key"].dtype == "int64"


def test_each_kind_extracts_the_right_key(sample):
    df = _rows(sample)
    got = {k: sorted(set(g["key_text"])) for k, g in df[df.kind != "text"].groupby("kind")}
    assert got == {
        "repost": ["1"],
        "reply": ["1"],
        "hashtag": ["one", "two"],
        "hashtag_seq": ["one one", "one two"],
        "link": ["bit.ly/abc", "example.com/x"],
        "domain": ["example.com"],  # the shortener's own domain is not a domain trace
        "mention": ["@bob"],
        "media": ["pdq:ab"],
    }


def test_empty_values_are_never_keys(sample):
    df = _rows(sample)
    assert "4" not in set(df["post_id"])  # post 4 has only empty values
    assert (df["key_text"].str.strip() != "").all()


def test_repeated_tag_in_one_post_is_one_trace(sample):
    df = _rows(sample, ["hashtag"])
    assert len(df[(df.post_id == "3")]) == 1


def test_text_traces_skip_reposts_and_match_copies(sample):
    df = _rows(sample, ["text"])
    assert set(df["post_id"]) == {"1", "3"}  # the repost carries the original's text
    k1 = set(df[df.post_id == "1"]["key"])
    k3 = set(df[df.post_id == "3"]["key"])
    assert k1 == k3 and len(k1) == 10
    assert df[df.post_id == "1"]["item"].nunique() == 1
    # one row per band of a post, with no de-duplication step to rely on
    assert len(df) == 20 and not df.duplicated(["post_id", "key"]).any()


def test_time_is_truncated_epoch_seconds(sample):
    df = _rows(sample, ["repost"])
    assert df["at"].tolist() == [int(T0.timestamp()) + 5]  # 5.7 s truncates to 5


def test_key_is_a_hash_of_kind_and_text(sample):
    df = _rows(sample, ["hashtag", "hashtag_seq", "reply", "repost"])
    one = df[df.key_text == "one"]
    assert one["key"].nunique() == 1
    # same text under two kinds: different keys
    r = df[df.key_text == "1"]
    assert r["key"].nunique() == 2


def test_store_and_ensure_traces(sample):
    t = store_traces(sample, ["repost", "hashtag"])
    assert sample.has_table("traces") and t.count().execute() == 4
    assert ensure_traces(sample, ["repost"]).count().execute() == 4  # reused: a subset of the stored kinds
    sample.add_records([post(9, "e", 3, kind="repost", ref_post_id="1")])
    assert ensure_traces(sample, ["repost"]).count().execute() == 2  # rebuilt: new posts


@pytest.mark.parametrize("url, norm, domain", [
    ("HTTPS://WWW.Example.COM/a/?utm_source=x&b=2&a=1#frag", "example.com/a?a=1&b=2", "example.com"),
    ("https://news.bbc.co.uk/story", "news.bbc.co.uk/story", "bbc.co.uk"),
    ("https://t.co/AbC", "t.co/AbC", None),
    ("http://", None, None),
    ("   ", None, None),
    (None, None, None),
    ("javascript:alert(1)", "javascript:alert(1)", None),  # unparseable: kept as written
])
def test_url_helpers(url, norm, domain):
    assert normalise_url(url) == norm
    assert url_domain(norm) == domain


def test_parse_kinds():
    assert parse_kinds(None) == TRACE_KINDS
    assert parse_kinds("repost, link") == ("repost", "link")
    with pytest.raises(ParameterError, match="unknown trace kind"):
        parse_kinds("retweet")
    with pytest.raises(ParameterError):
        parse_kinds("")


def test_link_domain_remembered_per_host_equals_ural():
    """``_link_domain`` remembers a host's domain; asked in an order where a host's first URL
    is a homepage, a shortened link or an ``l.`` redirect, it still answers as ural does for
    every URL."""
    from cibscan.traces import _DOMAINS, _link_domain

    urls = ["https://bit.ly/", "https://bit.ly/3xYz", "https://bit.ly/about", "http://t.co/abc", "https://t.co",
            "https://news.bbc.co.uk/x", "https://bbc.co.uk/", "https://www.bbc.co.uk/news/1", "https://l.facebook.com/l.php?u=x",
            "https://l.facebook.com/", "https://l.example.org/abc123", "https://l.example.org/a/b/c", "http://192.168.0.1:8080/a", "https://xn--bcher-kva.de/a",
            "https://blogspot.com/", "https://foo.blogspot.com/post", "https://goo.gl/maps/x", "https://goo.gl/",
            "https://www.youtube.com/watch?v=1", "https://youtu.be/abc", "https://youtu.be/", "not a url", "https://[::1]/x"]
    for order in (urls, urls[::-1], sorted(urls)):
        _DOMAINS.clear()
        for u in order:
            assert _link_domain(u) == url_domain(u), u
