"""Evidence read-back from a scanned workspace (cibscan.coordination.evidence)."""

from __future__ import annotations

import pytest

from cibscan.coordination.evidence import account_evidence, cluster_evidence, pair_evidence
from cibscan.detect import run_scan
from cibscan.errors import WorkspaceError
from tests.conftest import post


@pytest.fixture
def scanned(ws):
    posts = []
    for k in range(5):
        for i, acc in enumerate(["a", "b", "c"]):
            posts.append(post(f"{k}{acc}", acc, 4000 * k + 2 * i, kind="repost", ref_post_id=f"o{k}", text=f"<b>RT</b> {k}"))
    ws.add_records(posts)
    run_scan(ws, detect=["coordination"], params={"coordination": {"kinds": "repost"}})
    return ws


def test_cluster_evidence(scanned):
    ev = cluster_evidence(scanned, "C1")
    assert ev["cluster"]["size"] == 3
    assert sorted(ev["members"]["account_id"]) == ["a", "b", "c"]
    assert len(ev["evidence"]) >= 2 and ev["evidence"]["seq"].tolist() == sorted(ev["evidence"]["seq"])
    co = ev["coactions"]
    assert set(co["kind"]) == {"repost"} and (co["gap_s"] <= 60).all()
    assert co["text_a"].str.startswith("<b>RT</b>").all()  # texts as written; escaping is the renderer's job


def test_pair_and_account_evidence(scanned):
    pe = pair_evidence(scanned, "b", "a")  # order does not matter
    assert set(pe["edges"]["kind"]) == {"repost", "combined"}
    assert len(pe["coactions"]) == 5 and (pe["coactions"]["account_a"] == "a").all()
    ae = account_evidence(scanned, "c")
    assert ae["clusters"]["cluster_id"].tolist() == ["C1"] and len(ae["edges"]) == 4


def test_unknown_things_say_what_to_do(scanned, ws):
    with pytest.raises(WorkspaceError, match="no cluster 'C9'.*known: C1"):
        cluster_evidence(scanned, "C9")
    with pytest.raises(WorkspaceError, match="no coordination edge between a and zz"):
        pair_evidence(scanned, "a", "zz")
    with pytest.raises(WorkspaceError, match="account nobody has no coordination edge"):
        account_evidence(scanned, "nobody")


def test_before_any_scan(tmp_path):
    import cibscan

    with cibscan.open_workspace(str(tmp_path / "fresh.duckdb")) as ws:
        with pytest.raises(WorkspaceError, match="run `cibscan scan` first"):
            cluster_evidence(ws, "C1")
