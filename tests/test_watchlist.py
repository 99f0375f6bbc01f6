import json

import pytest

from cibscan.errors import InputNotFoundError
from cibscan.watchlist import WatchlistError, auto_watchlist, load_watchlist, parse_watchlist_text, read_watchlist, store_watchlist

from .conftest import account, post

HEADER = "kind,platform,handle,display_name,avatar,domain\n"


def test_csv_rows_and_normalisation(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text(HEADER + "account,Twitter,@JoeBiden,Joe Biden,pdq:" + "ab" * 32 + ",\n"
                 "outlet,,,Example News,,https://www.example-news.co.uk/politics\n"
                 "account,,,Only A Name,,\n", encoding="utf-8")
    a, o, n = load_watchlist(p)
    assert (a.kind, a.platform, a.handle, a.avatar_pdq, a.avatar_pdq_dihedral) == ("account", "twitter", "JoeBiden", "ab" * 32, ["ab" * 32])
    assert (o.kind, o.domain, o.display_name, o.line) == ("outlet", "example-news.co.uk", "Example News", 3)
    assert n.handle is None and n.display_name == "Only A Name"


def test_jsonl_rows():
    text = "\n".join(json.dumps(r) for r in [{"kind": "account", "handle": "a", "avatar": "phash:" + "0f" * 8},
                                             {"kind": "outlet", "domain": "example.com", "display_name": "Ex"}])
    a, o = parse_watchlist_text(text)
    assert a.avatar_phash == "0f" * 8 and o.domain == "example.com"


@pytest.mark.parametrize("body, message", [
    ("robot,,x,,,\n", "line 2: kind 'robot' should be `account` or `outlet`"),
    ("account,,,,,\n", "line 2: an account row needs a handle or a display_name"),
    ("outlet,,,News,,\n", "line 2: an outlet row needs a domain"),
    ("outlet,,,News,,localhost\n", "has no known public suffix"),
    ("account,,a,,pdq:123,\n", "is not a valid hash"),
    ("account,,a,,missing.png,\n", "avatar image 'missing.png' not found"),
])
def test_bad_rows_name_the_line(body, message):
    with pytest.raises(WatchlistError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_watchlist_text(HEADER + body, base_dir=".")


def test_missing_header_and_file(tmp_path):
    with pytest.raises(WatchlistError, match="no `kind` column"):
        parse_watchlist_text("handle,name\na,b\n")
    with pytest.raises(InputNotFoundError):
        load_watchlist(tmp_path / "none.csv")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes((HEADER + "account,,caf\xe9,,,\n").encode("latin-1"))
    with pytest.raises(WatchlistError, match="not UTF-8"):
        load_watchlist(bad)


def test_avatar_image_path_is_hashed_relative_to_the_file(tmp_path):
    pytest.importorskip("PIL", reason="the images extra is not installed")
    from .images.pictures import make_image

    (tmp_path / "pics").mkdir()
    make_image(7).save(tmp_path / "pics" / "joe.png")
    (tmp_path / "w.csv").write_text(HEADER + "account,,joe,Joe,pics/joe.png,\n")
    (e,) = load_watchlist(tmp_path / "w.csv")
    assert len(e.avatar_pdq) == 64 and e.avatar_pdq_quality == 100 and len(e.avatar_pdq_dihedral) == 8 and len(e.avatar_phash) == 16


def test_store_and_read_back(ws, tmp_path):
    p = tmp_path / "w.csv"
    p.write_text(HEADER + "account,,joe,Joe,,\noutlet,,,Ex,,ex-news.com\n")
    assert read_watchlist(ws) == []
    store_watchlist(ws, p)
    back = read_watchlist(ws)
    assert [(e.kind, e.handle, e.domain, e.avatar_pdq_dihedral) for e in back] == [("account", "joe", None, []), ("outlet", None, "ex-news.com", [])]


def test_auto_watchlist_top_accounts_by_each_measure(ws):
    ws.add_records(
        [post(1, "star"), post(2, "fan", kind="repost", ref_post_id="1", ref_account_id="star"),
         post(3, "fan", kind="repost", ref_post_id="1", ref_account_id="@Star"),
         post(4, "fan", mentions=["@quiet", "@quiet"]), post(5, "big")],
        [account("star", handle="Star", followers=10), account("fan", followers=1), account("quiet", handle="quiet"),
         account("big", followers=10_000)])
    t = auto_watchlist(ws, top=1).to_pylist()
    assert {r["account_id"]: r["prominence"] for r in t} == {"big": ["followers"], "star": ["reposts_received"], "quiet": ["mentions_received"]}
    assert [r for r in t if r["account_id"] == "star"][0]["reposts_received"] == 2
    assert auto_watchlist(ws, top=0).num_rows == 0
