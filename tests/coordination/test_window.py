"""CooRnet's data-driven coordination interval (cibscan.coordination.window)."""

from __future__ import annotations

import math
import random

import ibis
import numpy as np
import pandas as pd
import pytest

from cibscan.coordination.window import estimate_windows


def coornet_reference(df: pd.DataFrame, q=0.1, p=0.5) -> float:
    """CooRnet's estimate_coord_interval (R/estimate_coord_interval.R) transcribed to pandas."""
    df = df.copy()
    counts = df.groupby("key")["at"].transform("size")
    df = df[counts > 1]  # URLs shared more than once
    df = df.sort_values(["key", "at"], kind="stable")
    df["n"] = df.groupby("key")["at"].transform("size")
    df["first"] = df.groupby("key")["at"].transform("min")
    df["rank"] = df.groupby("key").cumcount() + 1  # rank(date, ties.method = "first")
    df["since"] = df["at"] - df["first"]
    df["perc"] = df["rank"] / df["n"]
    rank2 = df[df["rank"] == 2].groupby("key")["since"].min()
    rank2 = rank2[rank2 <= np.quantile(rank2, q)]  # R's default quantile = numpy's linear
    quick = df[df["key"].isin(rank2.index)]
    sub = quick[quick["perc"] > p].groupby("key")["since"].min()
    return float(np.quantile(sub, p))


@pytest.mark.parametrize("seed", range(4))
def test_matches_coornet_on_random_shares(seed):
    rng = random.Random(seed)
    rows = []
    for k in range(60):
        start = rng.randrange(0, 10**6)
        spread = rng.choice([5, 60, 600, 3600])
        for i in range(rng.randint(2, 12)):
            rows.append(("repost", k, f"a{k}_{i}", start + rng.randrange(0, spread)))
    df = pd.DataFrame(rows, columns=["kind", "key", "account", "at"]).astype({"key": "int64", "at": "int64"})
    got = estimate_windows(ibis.memtable(df), ["repost"])["repost"]
    expected = coornet_reference(df)
    assert got == max(1, math.ceil(expected))


def test_zero_interval_becomes_one_second_and_missing_kinds_are_none():
    rows = [("link", k, 1000 * k) for k in range(5) for _ in range(3)]
    df = pd.DataFrame(rows, columns=["kind", "key", "at"]).astype({"key": "int64", "at": "int64"})
    got = estimate_windows(ibis.memtable(df), ["link", "text"])
    assert got == {"link": 1, "text": None}
