"""IRA (FiveThirtyEight / Clemson) Sept-Nov 2016: the top hashtag bursts are the hashtag games
the researchers' HashtagGamer accounts are known for, and those accounts drive them."""

import csv

import pytest

from cibscan.detect.floods import detect

from ..conftest import shared_file
from .ira import read_ira


@pytest.mark.slow
@pytest.mark.realdata
def test_ira_top_bursts_are_driven_by_hashtag_gamers(ws):
    tweets = shared_file("ira538_tweets_2016-09_to_2016-11.csv.gz")
    authors = shared_file("ira538_authors.csv")
    posts, accounts, categories = read_ira(tweets, authors)
    # hashtag bursts depend only on posts with hashtags (and on the collection's span, kept by
    # the first and last post): leaving the others out keeps this test fast and changes nothing
    by_time = sorted(posts, key=lambda p: p["created_at"])
    tagged = [p for p in posts if p["hashtags"]] + [by_time[0], by_time[-1]]
    ws.add_records(tagged, accounts)
    f = detect(ws)
    bursts = f.tables["bursts"].to_pylist()[:20]
    drivers = f.tables["accounts"].to_pylist()
    share = {}
    for b in bursts:
        rows = [d for d in drivers if d["burst_id"] == b["burst_id"]]
        total = sum(d["n_posts"] for d in rows)
        share[b["key"]] = sum(d["n_posts"] for d in rows if categories.get(d["account_id"]) == "HashtagGamer") / total
    gamer_driven = [k for k, s in share.items() if s >= 0.9]
    # HashtagGamer accounts wrote 15% of the tweets but drive most of the top bursts
    assert len(gamer_driven) >= 15, share
    assert {"thingsmoretrustedthanhillary", "rejecteddebatetopics", "todolistbeforechristmas"} & set(share)
    with open(authors, encoding="utf-8") as fh:
        assert sum(1 for r in csv.DictReader(fh) if r["account_category"] == "HashtagGamer") > 100
