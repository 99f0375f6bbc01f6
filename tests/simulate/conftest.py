"""One small scenario shared by the simulator tests (simulating is the slow part)."""

from __future__ import annotations

import pytest

import cibscan
from cibscan.simulate import load_truth, simulate

SMALL = 12_000


@pytest.fixture(scope="session")
def scenario(tmp_path_factory):
    """A 12k-post scenario with every tactic and trap (seed 11)."""
    out = tmp_path_factory.mktemp("scenario") / "s"
    summary = simulate(out, posts=SMALL, seed=11)
    return out, summary


@pytest.fixture(scope="session")
def truth(scenario):
    return load_truth(scenario[0])


@pytest.fixture(scope="session")
def ingested(scenario, tmp_path_factory):
    """The scenario read through the real ingest; yields (workspace, ingest report)."""
    out, _ = scenario
    ws = cibscan.open_workspace(str(tmp_path_factory.mktemp("ws") / "ws.duckdb"))
    report = ws.ingest([str(out / "tweets.csv"), str(out / "users.csv")])
    yield ws, report
    ws.close()
