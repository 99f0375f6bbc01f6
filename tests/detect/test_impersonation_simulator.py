"""The simulator check: planted impersonators are found, paired with the right original, with
precision and recall of at least 0.9; planted spoofed outlet domains likewise. The simulator
also plants traps (ordinary accounts one edit from a prominent handle, fans, sibling outlets)
that must not be flagged."""

import csv
import os

import pytest

simulate_mod = pytest.importorskip("cibscan.simulate", reason="the simulator (branch simulator) is not in this tree")
pytest.importorskip("PIL", reason="the images extra is not installed")

import cibscan  # noqa: E402
from cibscan.detect import run_scan  # noqa: E402
from cibscan.images import ingest_images  # noqa: E402
from cibscan.watchlist import store_watchlist  # noqa: E402


def _rows(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("sim") / "scenario")
    simulate_mod.simulate(out, posts=20_000, seed=7)
    ws = cibscan.open_workspace(os.path.join(out, "ws.duckdb"))
    ws.ingest([os.path.join(out, "tweets.csv"), os.path.join(out, "users.csv")])
    ingest_images(ws, os.path.join(out, "avatars"))
    store_watchlist(ws, os.path.join(out, "watchlist.csv"))
    run_scan(ws, ["impersonation", "spoofed_domains"])
    yield out, ws
    ws.close()


def _precision_recall(got: set, want: set) -> tuple[float, float]:
    tp = len(got & want)
    return tp / max(len(got), 1), tp / max(len(want), 1)


def test_impersonators_found_and_paired_with_their_original(scanned):
    out, ws = scanned
    want = {(r["account_id"], r["target_account_id"]) for r in _rows(os.path.join(out, "truth", "accounts.csv"))
            if r["tactic"] == "impersonator"}
    assert want, "the scenario plants impersonators"
    pairs = ws.to_pandas("impersonation_pairs")
    got = set(zip(pairs.impersonator_id, pairs.original_id))
    precision, recall = _precision_recall(got, want)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall, got ^ want)
    traps = {r["account_id"] for r in _rows(os.path.join(out, "truth", "traps.csv")) if r["trap"] == "lookalike_handle"}
    assert not traps & set(pairs.impersonator_id), "organic one-edit lookalikes of prominent handles are not flagged"


def test_spoofed_outlet_domains_found(scanned):
    out, ws = scanned
    want = {(r["domain"], r["outlet"]) for r in _rows(os.path.join(out, "truth", "domains.csv")) if r["role"] == "spoof"}
    assert want
    hits = ws.to_pandas("spoofed_domains_hits")
    got = set(zip(hits.domain, hits.outlet_domain))
    precision, recall = _precision_recall(got, want)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall, got ^ want)
    outlets = {r["domain"] for r in _rows(os.path.join(out, "truth", "domains.csv")) if r["role"] == "outlet"}
    assert not outlets & set(hits.domain), "real outlets (and sibling outlets on the watchlist) are never flagged"
