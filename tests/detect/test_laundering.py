"""The laundering detector on the four hand-made timelines of issue 8, plus its failure modes."""

import pytest

from cibscan.detect import DETECTORS, run_scan
from cibscan.detect.laundering import Laundering, detect, parse_ids
from cibscan.errors import ParameterError

from .laundering_scene import CAMPAIGN, laundering_scene


@pytest.fixture(scope="module")
def scene_ws(tmp_path_factory):
    import cibscan

    w = cibscan.open_workspace(str(tmp_path_factory.mktemp("laund") / "ws.duckdb"))
    posts, accounts = laundering_scene()
    w.add_records(posts, accounts)
    yield w
    w.close()


@pytest.fixture(scope="module")
def found(scene_ws):
    return detect(scene_ws, seed_accounts=",".join(CAMPAIGN))


def _row(found, account_id):
    rows = [r for r in found.tables["accounts"].to_pylist() if r["account_id"] == account_id]
    assert len(rows) == 1, account_id
    return rows[0]


def test_registered_after_coordination_and_floods():
    names = list(DETECTORS)
    assert names.index("laundering") > names.index("coordination")
    assert names.index("laundering") > names.index("floods")


def test_only_the_timed_minority_account_is_a_candidate(found):
    assert found.accounts() == {"launderer"}


def test_launderer_share_and_timing(found):
    r = _row(found, "launderer")
    assert r["n_aligned"] == 20 and r["n_posts"] == 100
    assert r["aligned_share"] == pytest.approx(0.2)
    assert r["n_in_window"] == 20
    assert r["expected_in_window"] < 6
    assert r["q_value"] < 1e-6
    f = next(iter(found))
    assert f.kind == "candidate" and f.confidence in ("high", "medium")
    assert "20 of 100 posts (20%)" in f.summary


def test_pure_amplifier_is_left_to_coordination(found):
    r = _row(found, "amplifier")
    assert r["aligned_share"] == pytest.approx(0.8)
    assert not r["tested"] and not r["candidate"]
    assert "amplifier" in r["reason"]


def test_one_off_sharer_is_not_a_candidate(found):
    r = _row(found, "oneoff")
    assert r["n_aligned"] == 1 and not r["tested"]
    assert "one-off" in r["reason"]


def test_scattered_minority_is_not_significant(found):
    r = _row(found, "scattered")
    assert r["tested"] and r["aligned_share"] == pytest.approx(0.2)
    assert not r["candidate"]
    assert r["q_value"] > 0.05


def test_bystanders_carry_nothing(found):
    ids = {r["account_id"] for r in found.tables["accounts"].to_pylist()}
    assert not any(a.startswith("bystander") for a in ids)
    for a in CAMPAIGN:  # campaign members are measured too, and they mostly amplify
        r = _row(found, a)
        assert r["aligned_share"] > 0.4 and not r["tested"]


def test_a_member_is_tested_against_the_windows_the_others_set(scene_ws):
    """Leave-one-out windows: naming the launderer as a campaign account does not make its own
    posts the windows it is tested against, so it stays a candidate and no one else becomes one."""
    res = detect(scene_ws, seed_accounts=CAMPAIGN + ["launderer"])
    assert res.accounts() == {"launderer"}
    r = _row(res, "launderer")
    assert r["n_in_window"] == 20 and r["expected_in_window"] < 6


def test_evidence_pairs_aligned_posts_with_campaign_posts(scene_ws, found):
    f = next(iter(found))
    posts = [e for e in f.evidence if e.what == "aligned post"]
    assert len(posts) == 10  # evidence_per_account
    authors = {r["post_id"]: r["account_id"] for r in scene_ws.table("posts").select("post_id", "account_id").to_pyarrow().to_pylist()}
    for e in posts:
        own, camp = e.posts
        assert authors[own] == "launderer"
        assert authors[camp] in CAMPAIGN
    m = found.tables["matches"].to_pylist()
    assert len(m) == 20 and all(r["in_window"] for r in m)


def test_seed_posts_define_the_same_narrative(scene_ws):
    posts = scene_ws.table("posts")
    camp = posts.filter(posts.account_id == "camp0").order_by("created_at").to_pyarrow().to_pylist()
    seeds = [r["post_id"] for r in camp if r["text"] and "harbour" in r["text"].lower()]
    res = detect(scene_ws, seed_posts=seeds)  # one account's campaign posts, across all windows
    assert res.accounts() == {"launderer"}
    # the windows are where the seeds are: seeds from the first week only leave later lines untimed
    early = detect(scene_ws, seed_posts=seeds[:12])
    assert early.accounts() == set()
    assert early.tables["campaigns"].to_pylist()[0]["n_window_bins"] < 8


def test_monte_carlo_relabelling_is_seeded_and_agrees(scene_ws):
    a = detect(scene_ws, seed_accounts=CAMPAIGN, n_permutations=2000, seed=3)
    b = detect(scene_ws, seed_accounts=CAMPAIGN, n_permutations=2000, seed=3)
    assert a.accounts() == b.accounts() == {"launderer"}
    pa_, pb = _row(a, "scattered")["p_value"], _row(b, "scattered")["p_value"]
    assert pa_ == pb
    assert _row(a, "launderer")["p_value"] == pytest.approx(1 / 2001)


def test_bad_seeds_and_params_say_what_to_do(scene_ws):
    with pytest.raises(ParameterError, match="seed post"):
        detect(scene_ws, seed_posts="nope1,nope2")
    with pytest.raises(ParameterError, match="seed account"):
        detect(scene_ws, seed_accounts="ghost")
    with pytest.raises(ParameterError, match="min_share"):
        detect(scene_ws, seed_accounts=CAMPAIGN, min_share=0.5, max_share=0.4)
    with pytest.raises(ParameterError, match="kinds"):
        detect(scene_ws, seed_accounts=CAMPAIGN, kinds="text,smell")
    with pytest.raises(ParameterError, match="not found"):
        detect(scene_ws, campaigns="C99")


def test_no_campaign_is_a_note_not_an_error(scene_ws):
    res = detect(scene_ws)  # no coordination or floods tables in this workspace yet
    assert len(res) == 0 and "no campaign" in res.notes[0]


def test_run_scan_puts_candidates_in_the_ranked_accounts(scene_ws):
    run_scan(scene_ws, detect=["laundering"], params={"laundering": {"seed_accounts": CAMPAIGN}})
    ranked = scene_ws.table("accounts_ranked").to_pyarrow().to_pylist()
    assert [r["account_id"] for r in ranked] == ["launderer"]
    assert ranked[0]["detectors"] == ["laundering"]


def test_parse_ids():
    assert parse_ids(" a, b  c,,a ") == ["a", "b", "c"]
    assert parse_ids(["1", 2]) == ["1", "2"]
    assert parse_ids(None) == [] and parse_ids("") == []
    assert Laundering().get_params()["max_share"] == 0.4


def test_stored_cluster_and_burst_are_one_campaign(ws):
    """Campaigns from stored coordination and floods tables (as run_scan leaves them): a cluster
    and a burst pushing the same lines are merged, and the launderer is still the only candidate."""
    import pyarrow as pa

    from cibscan.findings import FINDINGS_SCHEMA

    posts, accounts = laundering_scene()
    ws.add_records(posts, accounts)
    ws.write_table("coordination_clusters", pa.table({"cluster_id": ["C1"], "score": [0.9]}))
    ws.write_table("coordination_members", pa.table({"cluster_id": ["C1"] * 4, "account_id": CAMPAIGN[:4]}))
    times = [p["created_at"] for p in posts]
    ws.write_table("floods_bursts", pa.table({"burst_id": ["B1"], "key": ["harbour"], "key_kind": ["phrase"],
                                              "start": [min(times)], "end": [max(times)], "score": [0.7]}))
    ws.write_table("floods_accounts", pa.table({"burst_id": ["B1"] * 3, "account_id": CAMPAIGN[3:]}))
    ws.write_table("findings", pa.Table.from_pylist([{"finding_key": "floods:B1", "detector": "floods", "kind": "burst", "id": "B1",
                                                      "title": "", "summary": "", "score": 0.7, "confidence": "medium",
                                                      "n_accounts": 3, "metrics": "{}", "params": "{}"}], schema=FINDINGS_SCHEMA))
    res = detect(ws)
    camps = res.tables["campaigns"].to_pylist()
    assert [(c["source"], c["source_id"], c["n_accounts"]) for c in camps] == [("cluster+burst", "C1+B1", 6)]
    assert res.accounts() == {"launderer"}
    only_cluster = detect(ws, campaigns="C1")
    assert only_cluster.tables["campaigns"].to_pylist()[0]["source_id"] == "C1"
    assert only_cluster.accounts() == {"launderer"}
    apart = detect(ws, merge_overlap=0.0)
    assert len(apart.tables["campaigns"]) == 2 and apart.accounts() == {"launderer"}


def test_merge_campaigns():
    from cibscan.detect.laundering import merge_campaigns

    sets = [{1, 2, 3, 4}, {4, 5, 6, 7, 8}, {8, 9}]  # overlaps: 1 of 4 (0.25), 1 of 2 (0.5); transitive
    assert merge_campaigns(sets, 0.25) == [[0, 1, 2]]
    assert merge_campaigns(sets, 0.3) == [[0], [1, 2]]
    assert merge_campaigns(sets, 0.6) == [[0], [1], [2]]
    assert merge_campaigns([set(), {1}], 0.1) == [[0], [1]]
