import csv
import doctest

import pytest

import cibscan.detect.personas as personas_mod
from cibscan.detect.personas import detect

from ..conftest import shared_file
from .scenes import persona_scene


def test_doctests():
    assert doctest.testmod(personas_mod).failed == 0


@pytest.fixture
def personas_ws(ws):
    accounts, truth = persona_scene()
    ws.add_records([], accounts)
    return ws, truth


def test_creation_batch_recovered_with_its_traits(personas_ws):
    ws, truth = personas_ws
    f = detect(ws)
    batches = f.tables["batches"].to_pylist()
    creation = [b for b in batches if b["basis"] == "creation"]
    assert len(creation) == 1
    b = creation[0]
    assert 50 <= b["n_in_window"] <= 60, "the window also holds that day's background sign-ups"
    members = {m["account_id"] for m in f.tables["members"].to_pylist() if m["batch_id"] == b["batch_id"]}
    assert members == truth["batch"], "strong shared traits separate the batch from that day's background"
    text = " ".join(b["traits"])
    assert "handle stem patriotmary+digits" in text and "same bio" in text and "display name unlike handle" in text
    assert b["confidence"] == "high"


def test_trait_batches_avatar_bio_stem_but_not_default_avatar(personas_ws):
    ws, truth = personas_ws
    f = detect(ws)
    by_basis = {}
    for b in f.tables["batches"].to_pylist():
        by_basis.setdefault(b["basis"], []).append(b)
    members = f.tables["members"].to_pandas()
    avatar = by_basis["avatar"]
    assert len(avatar) == 1, "the default avatar shared by 80 accounts is not a batch"
    assert set(members[members.batch_id == avatar[0]["batch_id"]].account_id) == truth["avatar"]
    assert {b["size"] for b in by_basis["bio"]} == {30}
    assert {b["size"] for b in by_basis["handle_stem"]} == {30}
    assert all(i.kind == "batch" for i in f.items) and len(f.items) == len(f.tables["batches"])


def test_no_batch_in_background_only(ws):
    accounts, truth = persona_scene()
    ws.add_records([], [a for a in accounts if a["account_id"].startswith("bg")])
    f = detect(ws)
    assert [b for b in f.tables["batches"].to_pylist() if b["basis"] != "avatar"] == []


def test_a_picture_two_strangers_share_is_low_confidence(ws):
    """Two accounts created years apart with the same (popular) avatar and nothing else in
    common: reported, but at low confidence. One member's own handle shape is not a trait the
    pair shares (a batch of two once counted it as "50% of the batch")."""
    from datetime import datetime

    from ..conftest import account

    ws.add_records([], [
        account("s1", handle="river_song", display_name="River Song", created_at=datetime(2012, 4, 1, 10), avatar_hash="ab" * 32),
        account("s2", handle="kx9", display_name="Milo", created_at=datetime(2019, 9, 12, 8), avatar_hash="ab" * 32),
    ])
    batches = detect(ws).tables["batches"].to_pylist()
    assert [b["basis"] for b in batches] == ["avatar"]
    assert batches[0]["confidence"] == "low" and len(batches[0]["traits"]) == 1


def test_same_seed_same_output(personas_ws):
    ws, _ = personas_ws
    assert detect(ws, seed=3).tables["batches"].equals(detect(ws, seed=3).tables["batches"])


@pytest.mark.realdata
def test_china_2019_creation_date_batches(ws):
    path = shared_file("x_io_china_082019_users.csv")
    ws.ingest([str(path)])
    f = detect(ws)
    creation = [b for b in f.tables["batches"].to_pylist() if b["basis"] == "creation"]
    days = {b["created_from"].strftime("%Y-%m-%d"): b for b in creation}
    assert {"2017-08-30", "2017-08-18"} <= set(days)
    with open(path, encoding="utf-8") as fh:
        n_0830 = sum(1 for r in csv.DictReader(fh) if r["account_creation_date"].startswith("2017-08-30"))
    assert days["2017-08-30"]["n_in_window"] == n_0830
    largest = sorted(creation, key=lambda b: -b["n_in_window"])[:2]
    assert {b["created_from"].strftime("%Y-%m-%d") for b in largest} == {"2017-08-30", "2017-08-18"}
    assert all(b["confidence"] in ("medium", "high") for b in largest), "both are findings, not just leads"
    assert "handle template 15 chars" in " ".join(days["2017-08-30"]["traits"]), "the generated-handle template is found"
