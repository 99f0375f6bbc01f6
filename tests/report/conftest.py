"""Fixtures for report tests: one hand-made hostile case shared by the read-only tests."""

from __future__ import annotations

import pytest

import cibscan

from .case import make_case


@pytest.fixture(scope="session")
def case_path(tmp_path_factory):
    """Path of a workspace holding the complete hand-made case (see ``case.make_case``)."""
    path = tmp_path_factory.mktemp("case") / "case.duckdb"
    with cibscan.open_workspace(str(path)) as ws:
        planted = make_case(ws)
    return path, planted


@pytest.fixture
def case_ws(case_path):
    with cibscan.open_workspace(str(case_path[0]), read_only=True) as ws:
        yield ws


@pytest.fixture
def planted(case_path):
    return case_path[1]
