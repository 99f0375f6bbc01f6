"""The timing permutation test and the window and FDR helpers of cibscan.alignment."""

import numpy as np
import pytest

from cibscan.alignment import active_bins, benjamini_hochberg, timing_test


def test_exact_p_value_is_the_hypergeometric_tail():
    # 10 posts, 4 in the windows; the 2 aligned ones both inside: C(4,2)/C(10,2) = 6/45
    times = np.arange(10) * 3600
    aligned = np.zeros(10, bool)
    aligned[[0, 1]] = True
    r = timing_test(times, aligned, windows=np.array([0, 1, 2, 3]))
    assert r["n_in_window"] == 2 and r["n_posts_in_window"] == 4
    assert r["expected_in_window"] == pytest.approx(0.8)
    assert r["p_value"] == pytest.approx(6 / 45)


def test_monte_carlo_agrees_with_exact_and_is_seeded():
    rng = np.random.default_rng(0)
    times = np.sort(rng.integers(0, 30 * 86400, size=200))
    windows = active_bins(rng.integers(0, 30 * 86400, size=40))
    aligned = np.zeros(200, bool)
    aligned[rng.choice(200, 30, replace=False)] = True
    exact = timing_test(times, aligned, windows)["p_value"]
    mc = timing_test(times, aligned, windows, n_permutations=20_000, seed=1, label="a")
    assert mc["p_value"] == pytest.approx(exact, abs=0.02)
    assert mc == timing_test(times, aligned, windows, n_permutations=20_000, seed=1, label="a")
    other = timing_test(times, aligned, windows, n_permutations=20_000, seed=2, label="a")["p_value"]
    assert other != mc["p_value"]


def test_nothing_aligned_inside_gives_p_one():
    r = timing_test(np.array([0, 7200, 14400]), np.array([True, False, False]), windows=np.array([2]))
    assert r["n_in_window"] == 0 and r["p_value"] == 1.0


def test_active_bins_threshold_and_pad():
    assert active_bins([]).tolist() == []
    assert active_bins([0, 10, 7200, 7300, 90000], min_posts=2).tolist() == [0, 2]
    assert active_bins([7200, 7300], bin_seconds=60, pad=2).tolist() == [118, 119, 120, 121, 122, 123]


def test_benjamini_hochberg():
    q = benjamini_hochberg([0.001, 0.02, 0.04, 0.5])
    assert q.tolist() == pytest.approx([0.004, 0.04, 0.0533333, 0.5], rel=1e-4)
    assert len(benjamini_hochberg([])) == 0
