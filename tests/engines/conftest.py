"""Fixtures for engine tests: one Spark session for the whole run (the JVM takes seconds to
start, so every Spark test shares it), and helpers to open Parquet-folder workspaces."""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

import cibscan


def _spark_missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark not installed (pip install -e '.[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java (apt-get install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark_session():
    """A local[2] Spark session shared by every Spark test (skips when Spark cannot run)."""
    why = _spark_missing()
    if why:
        pytest.skip(f"Spark engine tests need Spark: {why}")
    from cibscan.engines.spark import spark_session as start, stop_spark

    session = start("local[2]")
    yield session
    stop_spark()


@pytest.fixture
def folder_ws(tmp_path):
    """A Parquet-folder workspace on the DuckDB engine."""
    w = cibscan.open_workspace(str(tmp_path / "case") + "/")
    yield w
    w.close()


@pytest.fixture
def spark_ws(tmp_path, spark_session):
    """A Parquet-folder workspace on the Spark engine (shared session)."""
    w = cibscan.open_workspace(str(tmp_path / "spark-case"), engine="spark", session=spark_session)
    yield w
    w.close()
