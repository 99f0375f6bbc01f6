from datetime import datetime, timedelta

import pytest

from cibscan.detect import DETECTORS, run_scan
from cibscan.detect.impersonation import Impersonation
from cibscan.errors import ParameterError

from ..conftest import account, post, shared_file

T = datetime(2024, 1, 1)
DAY = timedelta(days=1)
HEADER = "kind,platform,handle,display_name,avatar,domain\n"


def _world(ws, tmp_path, extra_accounts=(), extra_posts=()):
    accounts = [
        account("orig", handle="JoeBiden", display_name="Joe Biden", followers=100_000, created_at=T - 3000 * DAY,
                description="Husband, father, grandfather. 46th President of the United States"),
        account("imp1", handle="JoeBidem", display_name="Joe Biden", followers=12, created_at=T - 5 * DAY,
                description="Husband, father, grandfather. President"),
        account("imp2", handle="jоebiden", display_name="Јое Вiden", followers=3, created_at=T - 2 * DAY),  # Cyrillic
        account("fan", handle="joe_biden", display_name="Joey Bee", followers=300, created_at=T - 50 * DAY),
        account("namesake", handle="joebiden1942", display_name="Joe Biden", followers=40, created_at=T - 4000 * DAY),
        account("alice", handle="alice", display_name="Alice", followers=10),
        account("alicf", handle="alicf", display_name="Alice", followers=10),
        *extra_accounts,
    ]
    posts = [post("p1", "imp1", 0, text="I am resigning today. @JoeBiden", mentions=["@joebiden"]),
             post("p2", "imp1", 60, text="Vote on Wednesday"), post("p3", "alice", 0, text="hi"), *extra_posts]
    ws.add_records(posts, accounts)
    wl = tmp_path / "watch.csv"
    wl.write_text(HEADER + "account,,JoeBiden,Joe Biden,,\n", encoding="utf-8")
    return str(wl)


def test_finds_the_impersonators_and_only_them(ws, tmp_path):
    wl = _world(ws, tmp_path)
    res = run_scan(ws, ["impersonation"], {"impersonation": {"watchlist": wl, "auto_top": 0}})["impersonation"]
    got = {f.accounts[0]: f for f in res}
    assert set(got) == {"imp1", "imp2"}, "the fan (own name) and the older namesake two edits away are not flagged"
    pairs = ws.to_pandas("impersonation_pairs").set_index("impersonator_id")
    assert list(pairs.original_id) == ["orig", "orig"] or set(pairs.original_id) == {"orig"}
    assert pairs.lookalike_class["imp1"] == "replacement" and pairs.edit_distance["imp1"] == 1
    assert pairs.lookalike_class["imp2"] == "homoglyph" and pairs.edit_distance["imp2"] == 0 and pairs.mixed_script["imp2"]
    assert pairs.confidence["imp1"] == "high" and pairs.fabricated_statement_source["imp1"]
    assert pairs.n_posts["imp1"] == 2 and pairs.n_posts_about["imp1"] == 1
    assert not pairs.fabricated_statement_source["imp2"], "posts nothing"
    ev = {e.what: e for e in got["imp1"].evidence}
    assert "possible fabricated-statement source" in ev and ev["posts about the original"].posts == ("p1",)
    assert "U+043E CYRILLIC SMALL LETTER O" in {e.what: e for e in got["imp2"].evidence}["lookalike handle"].detail
    assert got["imp1"].roles == {"imp1": "impersonator"} and "orig" not in got["imp1"].accounts
    fa = ws.to_pandas("finding_accounts")
    assert set(fa.account_id) == {"imp1", "imp2"} and set(fa.role) == {"impersonator"}


def test_auto_mode_protects_prominent_accounts_without_a_watchlist(ws, tmp_path):
    _world(ws, tmp_path)
    res = run_scan(ws, ["impersonation"], {"impersonation": {"auto_top": 2}})["impersonation"]
    assert {f.accounts[0] for f in res} == {"imp1", "imp2"}
    prot = ws.to_pandas("impersonation_protected")
    assert set(prot.source) == {"auto"} and "orig" in set(prot.original_id)
    pairs = ws.to_pandas("impersonation_pairs")
    assert not pairs.fabricated_statement_source.any(), "only watchlisted identities get the fabricated-statement flag"


def test_watchlist_entry_absent_from_the_data(ws, tmp_path):
    ws.add_records([], [account("x", handle="NASA_gov", display_name="NASA", created_at=T)])
    wl = tmp_path / "w.csv"
    wl.write_text(HEADER + "account,,NASAgov,NASA,,\n")
    (f,) = run_scan(ws, ["impersonation"], {"impersonation": {"watchlist": str(wl), "auto_top": 0}})["impersonation"]
    assert f.metrics["original_id"] == "watchlist:@NASAgov" and f.metrics["lookalike_class"] == "hyphenation"


def test_same_picture_and_name_with_another_handle_and_the_default_avatar(ws, tmp_path):
    pytest.importorskip("PIL", reason="the images extra is not installed")
    from cibscan.images import ingest_images

    from ..images.pictures import make_egg, make_image

    eggs = [account(f"egg{i}", handle=f"user{i}x{i}", display_name="Joe Biden") for i in range(8)]
    _world(ws, tmp_path, extra_accounts=[account("copy", handle="potus_real_46", display_name="Joe Biden", created_at=T),
                                         account("stock", handle="travelgram", display_name="Wanderer", created_at=T), *eggs])
    pics = tmp_path / "avatars"
    pics.mkdir()
    photo = make_image(42)
    photo.save(pics / "orig.png")
    photo.transpose(0).resize((150, 150)).save(pics / "copy.jpg")   # mirrored, smaller, re-encoded
    photo.save(pics / "stock.png")                                     # same photo, unrelated name
    photo.save(pics / "imp1.png")
    make_image(7).save(pics / "imp2.png")
    make_egg().save(pics / "orig_egg_unused.png")
    for e in eggs:
        make_egg().save(pics / f"{e['account_id']}.png")
    ingest_images(ws, str(pics))
    wl = tmp_path / "w.csv"
    wl.write_text(HEADER + "account,,JoeBiden,Joe Biden,,\n")
    res = run_scan(ws, ["impersonation"], {"impersonation": {"watchlist": str(wl), "auto_top": 0}})["impersonation"]
    got = {f.accounts[0]: f for f in res}
    assert set(got) == {"imp1", "imp2", "copy"}, "eggs share a name but only a default picture; the stock photo has another name"
    pairs = ws.to_pandas("impersonation_pairs").set_index("impersonator_id")
    assert pairs.lookalike_class["copy"] == "same_avatar" and pairs.avatar_distance["copy"] <= 31
    assert pairs.avatar_hash_kind["imp1"] == "pdq" and pairs.avatar_distance["imp1"] == 0
    assert pd_isna(pairs.avatar_hash_kind["imp2"])
    assert any("default/stock" in n for n in res.notes)


def pd_isna(v):
    import pandas as pd

    return v is None or pd.isna(v)


def test_min_signals_one_reports_handle_only_leads(ws, tmp_path):
    wl = _world(ws, tmp_path)
    res = run_scan(ws, ["impersonation"], {"impersonation": {"watchlist": wl, "auto_top": 0, "min_signals": 1}})["impersonation"]
    got = {f.accounts[0]: f.confidence for f in res}
    assert got["fan"] == "low" and got["imp1"] == "high"


def test_parameters_are_validated_and_registered():
    assert "impersonation" in DETECTORS and "spoofed_domains" in DETECTORS
    with pytest.raises(ParameterError, match="name_threshold"):
        Impersonation(name_threshold=2.0).get_params()
    with pytest.raises(ParameterError, match="unknown parameter"):
        Impersonation(threshold=1)


def test_empty_workspace_and_nothing_to_protect(ws):
    res = Impersonation(auto_top=0).detect(ws)
    assert len(res) == 0 and res.tables["pairs"].num_rows == 0 and res.notes
    ws.add_records([], [account("a", handle="abc")])
    res = Impersonation(auto_top=0).detect(ws)
    assert len(res) == 0 and "nothing to protect" in res.notes[0]


def test_cli_ingest_watchlist_then_scan(tmp_path, capsys):
    from cibscan.cli import main
    import cibscan

    users = tmp_path / "users.csv"
    users.write_text("userid,user_screen_name,user_display_name,follower_count,account_creation_date\n"
                     "1,JoeBiden,Joe Biden,100000,2010-01-01\n2,JoeBidem,Joe Biden,3,2024-01-01\n3,someone,Some One,5,2020-01-01\n")
    wl = tmp_path / "w.csv"
    wl.write_text(HEADER + "account,,JoeBiden,Joe Biden,,\noutlet,,,Example,,example.com\n")
    w = str(tmp_path / "ws.duckdb")
    assert main(["ingest", str(users), "-w", w, "--watchlist", str(wl)]) == 0
    assert "1 accounts and 1 outlet domains stored" in capsys.readouterr().out
    with cibscan.open_workspace(w) as ws:
        res = run_scan(ws, ["impersonation"], {"impersonation": {"auto_top": 0}})["impersonation"]
    assert [f.accounts for f in res] == [("2",)]
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "person,,x,,,\n")
    assert main(["ingest", str(users), "-w", w, "--watchlist", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "Traceback" not in err


@pytest.mark.realdata
def test_real_io_users_auto_mode(ws):
    """A real X/Twitter IO users file (China, 2019): auto mode runs on real handles and names,
    and every reported pair carries at least two identity signals."""
    ws.ingest([str(shared_file("x_io_china_082019_users.csv"))])
    res = run_scan(ws, ["impersonation"], {"impersonation": {"auto_top": 50}})["impersonation"]
    prot = ws.to_pandas("impersonation_protected")
    assert len(prot) >= 50
    for f in res:
        assert len([r for r in f.metrics if r]) and f.confidence in ("high", "medium")
    assert len(res) <= 0.05 * ws.count("accounts")
