from datetime import datetime

from cibscan.detect import run_scan
from cibscan.detect.spoofed_domains import SpoofedDomains

from ..conftest import post

HEADER = "kind,platform,handle,display_name,avatar,domain\n"
URLS = {
    "own": "https://www.example-news.com/a", "own_sub": "https://live.example-news.com/b", "own_uk": "https://example-news.co.uk/",
    "tld": "https://example-news.net/a", "hyphen": "http://examplenews.com/x", "swap": "https://exampel-news.com/y",
    "word": "https://example-news-live.com/z", "sub": "http://example-news.com.evil.io/q", "idn": "http://xn--exmple-news-zij.com/",
    "short_edit": "https://cnb.com/", "short_tld": "https://cnn.de/", "unrelated": "https://weather.org/", "junk": "not a url at all",
}


def _posts():
    return [post(k, f"acc{i % 4}", i * 60, urls=[u]) for i, (k, u) in enumerate(URLS.items())] + [
        post("again", "acc9", 9999, urls=[URLS["swap"], URLS["own"]])]


def _watch(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text(HEADER + "outlet,,,Example News,,example-news.com\noutlet,,,Example News,,example-news.co.uk\noutlet,,,CNN,,cnn.com\n")
    return str(p)


def test_flags_lookalikes_never_the_outlet_itself(ws, tmp_path):
    ws.add_records(_posts())
    res = run_scan(ws, ["spoofed_domains"], {"spoofed_domains": {"watchlist": _watch(tmp_path)}})["spoofed_domains"]
    hits = ws.to_pandas("spoofed_domains_hits").set_index("domain")
    assert dict(hits.lookalike_class) == {
        "example-news.net": "tld_swap", "examplenews.com": "hyphenation", "exampel-news.com": "transposition",
        "example-news-live.com": "added_word", "evil.io": "subdomain", "exаmple-news.com": "homoglyph",
    }
    assert set(hits.outlet_domain) <= {"example-news.com", "example-news.co.uk"} and hits.outlet_domain["exampel-news.com"] == "example-news.com"
    assert hits.n_posts["exampel-news.com"] == 2 and hits.n_accounts["exampel-news.com"] == 2
    assert hits.first_at["exampel-news.com"] == datetime(2024, 3, 1, 12, 5)
    assert list(hits.hosts["evil.io"]) == ["example-news.com.evil.io"]
    by_id = {f.id: f for f in res}
    assert by_id["exаmple-news.com"].confidence in ("medium", "high")
    assert by_id["example-news-live.com"].confidence == "low"
    assert any(e.what == "internationalised domain" and "xn--" in e.detail for e in by_id["exаmple-news.com"].evidence)
    shared = [e for e in by_id["exampel-news.com"].evidence if e.what == "shared in posts"][0]
    assert set(shared.posts) == {"swap", "again"}
    assert res.items[0].score >= res.items[-1].score


def test_needs_outlets_and_handles_no_posts(ws, tmp_path):
    res = SpoofedDomains().detect(ws)
    assert len(res) == 0 and "no outlet domains" in res.notes[0]
    res = SpoofedDomains(watchlist=_watch(tmp_path)).detect(ws)
    assert len(res) == 0 and "no posts" in res.notes[0]


def test_an_account_that_linked_a_lookalike_once_is_listed_not_implicated(ws, tmp_path):
    """acc9 linked exampel-news.com once (next to the real outlet): maybe fooled by it, so it is
    a 'shared_once' account of the finding, not a 'sharer', and the ranked table leaves it out (as
    acc1, whose one lookalike post is the same); acc3 linked lookalikes in two posts
    (example-news.net, example-news.com.evil.io) and is implicated."""
    ws.add_records(_posts())
    res = run_scan(ws, ["spoofed_domains"], {"spoofed_domains": {"watchlist": _watch(tmp_path)}})["spoofed_domains"]
    by_id = {f.id: f for f in res}
    assert by_id["exampel-news.com"].roles == {"acc1": "shared_once", "acc9": "shared_once"}
    assert by_id["example-news.net"].roles == {"acc3": "sharer"}
    ranked = set(ws.to_pandas("accounts_ranked").account_id)
    assert {"acc0", "acc3"} <= ranked and not {"acc1", "acc9"} & ranked
