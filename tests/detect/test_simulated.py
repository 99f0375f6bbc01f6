"""The simulator's planted campaigns (branch simulator): the flood is the top-ranked burst and
organic trends rank low; persona batches are recovered with precision and recall >= 0.9; other
tactics and the organic traps do not leak into these detectors' findings."""

import pytest

from cibscan.detect import run_scan
from cibscan.simulate import load_truth, simulate


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    import cibscan

    folder = tmp_path_factory.mktemp("sim")
    simulate(str(folder / "out"), posts=40_000, seed=7)
    ws = cibscan.open_workspace(str(folder / "ws.duckdb"))
    ws.ingest([str(folder / "out" / "tweets.csv"), str(folder / "out" / "users.csv")])
    results = run_scan(ws, detect=["coordination", "floods", "personas", "amplifiers"])
    yield ws, results, _truth(folder / "out")
    ws.close()


def _truth(folder):
    import csv

    tactics: dict[str, set[str]] = {}
    with open(folder / "truth" / "accounts.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            tactics.setdefault(r["account_id"], set()).add(r["tactic"])
    with open(folder / "truth" / "hashtags.csv", encoding="utf-8") as f:
        roles = {r["tag"].lower(): r["role"] for r in csv.DictReader(f)}
    load_truth(str(folder))  # the simulator's own reader accepts what it wrote
    return tactics, roles


@pytest.mark.slow
def test_flood_first_and_organic_trends_low(scanned):
    ws, results, (tactics, roles) = scanned
    bursts = results["floods"].tables["bursts"].to_pylist()
    assert roles[bursts[0]["key"]] == "flood", "the injected flood is the top-ranked burst"
    trends = [b for b in bursts if roles.get(b["key"]) == "organic_trend"]
    assert trends, "the organic trends are detected as bursts"
    assert all(b["score"] < 0.35 and b["confidence"] == "low" for b in trends)
    assert all(roles.get(b["key"]) != "organic_trend" for b in bursts[:5])
    flood = results["floods"].items[0]
    flooders = {a for a, t in tactics.items() if "flood" in t}
    assert set(flood.accounts) <= set(tactics), "flood drivers are campaign accounts"
    assert len(set(flood.accounts) & flooders) / len(flooders) >= 0.9


@pytest.mark.slow
def test_persona_batches_precision_and_recall(scanned):
    ws, results, (tactics, _) = scanned
    persona = {a for a, t in tactics.items() if "persona_batch" in t}
    found = {a for f in results["personas"].items if f.confidence != "low" for a in f.accounts}
    tp = len(found & persona)
    assert tp / len(found) >= 0.9 and tp / len(persona) >= 0.9
    leaked = {frozenset(tactics[a]) for a in found - persona if a in tactics}
    assert not leaked, f"other tactics leak into persona batches: {leaked}"


@pytest.mark.slow
def test_amplifiers_and_ranking_spare_organic_traps(scanned):
    ws, results, (tactics, _) = scanned
    amplifiers = {a for f in results["amplifiers"].items for a, role in f.roles.items() if role == "amplifier"}
    assert amplifiers and amplifiers <= set(tactics), "no organic fan is an early amplifier"
    ranked = ws.to_pandas("accounts_ranked")
    confident = set(ranked[ranked.confidence != "low"].account_id)
    assert len(confident & set(tactics)) / len(confident) >= 0.9
