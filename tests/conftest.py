"""Shared fixtures: a fresh workspace, hand-made records, and the real data in ../shared/data."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import cibscan

#: Real public data used by tests when present (a fresh clone has no ../shared).
SHARED_DATA = Path(os.environ.get("CIBSCAN_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))


def shared_file(name: str) -> Path:
    """Path of a real data file, or skip the test saying why."""
    p = SHARED_DATA / name
    if not p.exists():
        pytest.skip(f"real data {name} not present at {SHARED_DATA} (set CIBSCAN_SHARED_DATA to run this check)")
    return p


@pytest.fixture
def ws(tmp_path):
    w = cibscan.open_workspace(str(tmp_path / "ws.duckdb"))
    yield w
    w.close()


T0 = datetime(2024, 3, 1, 12, 0, 0)


def post(post_id, account_id, seconds=0, **kw):
    """A canonical post dict for hand-made data; ``seconds`` after ``T0``."""
    d = {"post_id": str(post_id), "account_id": str(account_id), "created_at": T0 + timedelta(seconds=seconds), "kind": "post"}
    d.update(kw)
    return d


def account(account_id, **kw):
    d = {"account_id": str(account_id)}
    d.update(kw)
    return d
