"""Query-plan hints (cibscan.engines.plans): DuckDB builds hash tables from the right side of
joins as written while the coordination analysis runs, and only then."""

from __future__ import annotations

import ibis
import pytest

from cibscan.coordination import pipeline
from cibscan.engines.plans import joins_as_written
from cibscan.traces import build_traces
from tests.conftest import post


def _disabled(con) -> str:
    return con.raw_sql("SELECT current_setting('disabled_optimizers')").fetchone()[0]


def test_joins_as_written_sets_and_restores_the_setting():
    con = ibis.duckdb.connect()
    con.raw_sql("SET disabled_optimizers = 'top_n'")
    with joins_as_written(con):
        assert set(_disabled(con).replace(" ", "").split(",")) == {"top_n", "build_side_probe_side"}
    assert _disabled(con) == "top_n"
    with pytest.raises(RuntimeError), joins_as_written(con):
        raise RuntimeError("a failing query")
    assert _disabled(con) == "top_n"


def test_joins_as_written_leaves_other_engines_alone():
    class Other:
        name = "pyspark"

        def raw_sql(self, sql):
            raise AssertionError("no SQL may be sent to another engine")

    with joins_as_written(Other()):
        pass


def test_find_coordination_runs_with_joins_as_written(ws, monkeypatch):
    seen = []
    units = pipeline.synchrony_units

    def spy(tr, *args, **kwargs):
        seen.append(_disabled(ibis.get_backend(tr)))
        return units(tr, *args, **kwargs)

    monkeypatch.setattr(pipeline, "synchrony_units", spy)
    ws.add_records([post(f"{k}{a}", a, 5000 * k + 3 * i, kind="repost", ref_post_id=f"o{k}")
                    for k in range(8) for i, a in enumerate("abc")])
    res = pipeline.find_coordination(build_traces(ws, ["repost"]), kinds=["repost"])
    assert seen == ["build_side_probe_side"]
    e = res.edges.to_pandas()
    assert set(zip(e["account_a"], e["account_b"])) == {("a", "b"), ("a", "c"), ("b", "c")}
    assert _disabled(ws.con) == ""
