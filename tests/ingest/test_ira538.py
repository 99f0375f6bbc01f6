from __future__ import annotations

import csv
from datetime import datetime

import pandas as pd
import pytest

from cibscan.ingest import Sample, detect_adapter
from cibscan.ingest.ira538 import CONTENT_KEY_CHARS, content_key, ira538_post_id, normalise_rt_text, split_retweet

from ..conftest import shared_file

HEAD = "author_id,content,region,language,publish_date,harvested_date,following,followers,updates,post_type,retweet"


def _csv(tmp_path, rows, name="ira.csv") -> str:
    p = tmp_path / name
    with open(p, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEAD.split(","))
        for author, content, when, post_type in rows:
            w.writerow([author, content, "United States", "English", when, when, "10", "20", "30", post_type, "1" if post_type else "0"])
    return str(p)


ORIGINAL = ("Skip the mall and bake two pies with @GrandmaKitchen before the family comes.  "
            "#HolidayBakingGuideForFamily https://t.co/Qw3rTy7uIo")


def _cut(text: str, limit: int = 140) -> str:
    """How Twitter cut a long retweet in 2016: to ``limit`` characters ending in an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@pytest.mark.parametrize(
    "retweet,handle",
    [
        ("RT @Foo: " + ORIGINAL, "Foo"),
        (_cut("RT @SomeLongHandle15: " + ORIGINAL), "SomeLongHandle15"),  # cut inside the link
        (_cut("RT @foo: " + ORIGINAL, 120), "foo"),  # cut inside a word
        ("RT @FOO:   " + ORIGINAL.replace("  ", "\n"), "FOO"),  # other whitespace, handle case
        ("RT @Foo: " + ORIGINAL.replace("bake", "&amp;bake"), None),  # HTML entity vs raw text
    ],
)
def test_retweet_key_matches_its_original(retweet, handle):
    original = ORIGINAL.replace("bake", "&bake") if handle is None else ORIGINAL
    h, _ = split_retweet(retweet)
    assert content_key(h, retweet) == content_key("foo" if handle is None else handle, original)
    assert content_key(None, retweet) == content_key(None, original)  # bare 'R' rows: text only


def test_content_keys_tell_apart_what_differs():
    assert content_key("a", "hello world") != content_key("b", "hello world"), "handle is part of the key"
    assert content_key("a", "hello world") != content_key(None, "hello world"), "separate namespaces"
    assert content_key(None, "x" * CONTENT_KEY_CHARS + " one") == content_key(None, "x" * CONTENT_KEY_CHARS + " two")
    assert content_key(None, "hello world") != content_key(None, "hello there")
    assert content_key(None, "") is None and content_key("a", "RT @a:  ") is None


@pytest.mark.parametrize("text,expected", [
    ("RT @x: Hello   World", "hello world"),
    ("Vision....", "vision...."),  # a typed "...." is text, not a cut
    ("Vision…", "vision"),  # one cut word is kept
    ("two words cu…", "two words"),
    ("ＦＵＬＬ width", "full width"),
])
def test_normalise_rt_text(text, expected):
    assert normalise_rt_text(text) == expected


def test_post_ids_are_deterministic_and_distinct():
    t = datetime(2016, 10, 1, 12, 30)
    assert ira538_post_id("OHIO_VT", t, "x") == ira538_post_id("ohio_vt", t, "x")
    assert len({ira538_post_id("a", t, "x"), ira538_post_id("a", t.replace(minute=31), "x"), ira538_post_id("a", t, "y")}) == 3


def test_ingest_kinds_keys_and_entities(ws, tmp_path):
    cut = _cut("RT @OHIO_VT: " + ORIGINAL)
    path = _csv(tmp_path, [
        ("OHIO_VT", ORIGINAL, "2016-10-12 13:05:00", ""),
        ("Paula_Myers14", cut, "2016-10-12 13:07:00", "R"),
        ("JennyAbbots", ORIGINAL, "2016-10-12 13:08:00", "R"),
        ("JennyAbbots", ORIGINAL, "2016-10-12 13:08:00", "R"),  # harvested twice
        ("JennyAbbots", "Повод #9 и #Москва", "2016-10-12 14:00:00", ""),
        ("Mary", "", "2016-10-12 15:00:00", "R"),
    ])
    assert detect_adapter(Sample.of(path)).name == "ira538-tweets"
    r = ws.ingest([path]).files[0]
    assert (r.posts, r.duplicates, r.rejects) == (4, 1, 1)
    assert ws.to_pandas("rejects").reason[0] == "retweet without text"
    df = ws.to_pandas("posts").set_index("account_id")
    orig, rt = df.loc["OHIO_VT"], df.loc["Paula_Myers14"]
    assert (orig.kind, rt.kind, rt.ref_account_id) == ("post", "repost", "@ohio_vt")
    assert rt.ref_post_id == content_key("OHIO_VT", orig.text), "the cut retweet keys to its original"
    assert list(rt.hashtags) == ["HolidayBakingGuideForFamily"] and list(rt.urls) == [], "no half link from the cut"
    assert list(rt.mentions) == ["@ohio_vt", "@grandmakitchen"]
    bare = df.loc[df.text == ORIGINAL].loc["JennyAbbots"]
    assert bare.kind == "repost" and bare.ref_post_id == content_key(None, ORIGINAL) and pd.isna(bare.ref_account_id)
    assert list(orig.urls) == ["https://t.co/Qw3rTy7uIo"] and orig.lang == "en"
    assert list(df[df.text == "Повод #9 и #Москва"].hashtags.iloc[0]) == ["Москва"], "#9 is not a hashtag"


def test_authors_file_gives_accounts_without_labels(ws, tmp_path):
    p = tmp_path / "authors.csv"
    p.write_text("author_id,author,external_author_id,account_type,account_category,new_june_2018,congress_2017_id\n"
                 "OHIO_VT,OHIO_VT,4200000001,Right,RightTroll,0,4200000001\n", encoding="utf-8")
    r = ws.ingest([str(p)]).files[0]
    assert (r.format, r.accounts, r.posts) == ("ira538-authors", 1, 0)
    row = ws.to_pandas("accounts").iloc[0]
    assert (row.account_id, row.handle) == ("OHIO_VT", "OHIO_VT")
    values = {str(v) for v in row.values}
    assert not values & {"Right", "RightTroll", "4200000001"}, "researchers' labels must not become features"


@pytest.mark.slow
@pytest.mark.realdata
def test_real_ira538_sept_nov_2016(ws):
    path = shared_file("ira538_tweets_2016-09_to_2016-11.csv.gz")
    r = ws.ingest([str(path)]).files[0]
    assert r.format == "ira538-tweets"
    # every one of the 326,980 rows is a post, a harvest duplicate (same author, minute and
    # text) or a reject; the rejects are retweets without any text (nothing to key)
    assert (r.posts, r.duplicates, r.rejects) == (315_068, 11_907, 5)
    assert r.posts + r.duplicates + r.rejects == 326_980
    assert r.reject_reasons == {"retweet without text": 5}
    assert r.accounts == 598
    info = ws.info()
    assert info["posts_by_kind"] == {"repost": 227_132, "post": 87_936}
    assert (str(info["first_post"]), str(info["last_post"])) == ("2016-09-01 00:00:00", "2016-11-30 23:59:00")
    posts = ws.to_pandas(ws.table("posts").select("account_id", "text", "kind", "ref_post_id"))
    # co-retweets: many reposts share a key; and retweeted originals present in the data key alike
    keys = posts[posts.kind == "repost"].ref_post_id.value_counts()
    assert keys.iloc[0] > 100 and (keys > 1).sum() > 10_000
    originals = posts[posts.kind == "post"]
    original_keys = {content_key(None, t) for t in originals.text.dropna()}
    matched = posts[(posts.kind == "repost") & posts.ref_post_id.isin(original_keys)]
    assert len(matched) > 10_000


@pytest.mark.realdata
def test_real_ira538_authors(ws):
    path = shared_file("ira538_authors.csv")
    r = ws.ingest([str(path)]).files[0]
    assert (r.format, r.accounts, r.rejects, r.posts) == ("ira538-authors", 2_856, 0, 0)
    cols = ws.to_pandas("accounts").drop(columns=["source_id"]).dropna(axis=1, how="all").columns
    assert sorted(cols) == ["account_id", "handle", "platform"]
