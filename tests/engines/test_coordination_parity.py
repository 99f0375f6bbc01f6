"""The simulator's scenario through DuckDB and through Spark local[2] gives identical findings:
the same traces, co-action edges, calibration, clusters, members and evidence (same seed)."""

from __future__ import annotations

import pytest

import cibscan
from cibscan.detect import run_scan
from cibscan.simulate import simulate

from .parity import assert_same_tables

pytestmark = [pytest.mark.spark, pytest.mark.slow]

COMPARED = [
    "posts", "accounts", "traces", "coordination_edges", "coordination_clusters", "coordination_members",
    "coordination_calibration", "coordination_hubs", "coordination_coactions", "findings", "finding_accounts", "evidence",
]


def test_simulated_scenario_gives_identical_findings(tmp_path, spark_session):
    out = tmp_path / "scenario"
    simulate(out, posts=10_000, seed=5)
    files = [str(out / "tweets.csv"), str(out / "users.csv")]
    duck = cibscan.open_workspace(str(tmp_path / "duck.duckdb"))
    spark = cibscan.open_workspace(str(tmp_path / "spark-case"), engine="spark", session=spark_session)
    found = {}
    for name, w in (("duckdb", duck), ("spark", spark)):
        w.ingest(files)
        found[name] = run_scan(w, ["coordination"], params={"coordination": {"seed": 5}})["coordination"]
    assert len(found["duckdb"]) >= 3, "the scenario's planted campaigns are found"
    assert [f.key for f in found["spark"]] == [f.key for f in found["duckdb"]]
    assert [sorted(f.accounts) for f in found["spark"]] == [sorted(f.accounts) for f in found["duckdb"]]
    assert_same_tables(duck, spark, COMPARED)
    duck.close()
    spark.close()
