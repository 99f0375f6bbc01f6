"""Same seed and knobs, same bytes; another seed, other data; knobs do what they say."""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from cibscan.errors import ParameterError
from cibscan.simulate import simulate
from cibscan.simulate.config import ScenarioConfig, parse_names

TINY = 10_000


def _files(folder):
    return sorted(os.path.relpath(os.path.join(r, f), folder) for r, _, fs in os.walk(folder) for f in fs)


def test_same_seed_gives_the_same_bytes_across_processes(scenario, tmp_path):
    """A fresh interpreter with another hash seed writes byte-identical files."""
    out, _ = scenario
    again = tmp_path / "again"
    code = f"from cibscan.simulate import simulate; simulate({str(again)!r}, posts={scenario[1].posts}, seed=11)"
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=300)
    assert _files(out) == _files(again)
    match, mismatch, errors = filecmp.cmpfiles(out, again, _files(out), shallow=False)
    assert not mismatch and not errors


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny") / "t"
    simulate(out, posts=TINY, seed=3, avatars=False, days=10, time_precision="minute", tactics=("co_link",), traps=())
    return out


def test_another_seed_gives_other_data(scenario, tiny, tmp_path):
    out = tmp_path / "other"
    simulate(out, posts=TINY, seed=4, avatars=False, days=10, time_precision="minute", tactics=("co_link",), traps=())
    assert (out / "tweets.csv").read_bytes() != (tiny / "tweets.csv").read_bytes()
    assert (out / "users.csv").read_bytes() != (tiny / "users.csv").read_bytes()


def test_knobs_shape_the_output(tiny):
    tweets = pd.read_csv(tiny / "tweets.csv", dtype=str, keep_default_na=False)
    users = pd.read_csv(tiny / "users.csv", dtype=str, keep_default_na=False)
    meta = json.loads((tiny / "scenario.json").read_text())
    assert len(tweets) == TINY == meta["counts"]["posts"]
    assert len(users) == meta["counts"]["accounts"]
    assert not (tiny / "avatars").exists()
    # minute precision, as in the official archives, within the 10 days
    assert tweets.tweet_time.str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d").all()
    assert tweets.tweet_time.min() >= "2024-03-01" and tweets.tweet_time.max() < "2024-03-11"
    truth = pd.read_csv(tiny / "truth" / "accounts.csv", dtype=str, keep_default_na=False)
    assert set(truth.tactic) == {"co_link"}
    assert len(pd.read_csv(tiny / "truth" / "traps.csv")) == 0
    assert meta["parameters"]["tactics"] == ["co_link"] and meta["parameters"]["traps"] == []


def test_accounts_knob_and_organic_only(tmp_path):
    out = tmp_path / "o"
    s = simulate(out, posts=TINY, seed=1, accounts=600, tactics=(), avatars=False)
    assert s.campaign_posts == 0 and s.campaign_accounts == 0
    users = pd.read_csv(out / "users.csv", dtype=str)
    assert len(users) == 600
    assert len(pd.read_csv(out / "truth" / "accounts.csv")) == 0


def test_campaign_groups_grow_with_the_data():
    small, big = ScenarioConfig(posts=100_000), ScenarioConfig(posts=10_000_000)
    assert small.group_size(30) < big.group_size(30) < 10 * small.group_size(30)
    assert ScenarioConfig(posts=100_000, campaign_scale=2).group_size(30) == 2 * small.group_size(30)
    assert big.n_accounts == 250_000


@pytest.mark.parametrize("kwargs, message", [
    ({"posts": 500}, "--posts must be at least"),
    ({"days": 1}, "--days"),
    ({"start": "March"}, "--start"),
    ({"tactics": ("flood", "bots")}, "unknown tactic 'bots'"),
    ({"accounts": 9000}, "too many"),
    ({"time_precision": "hour"}, "--time-precision"),
    ({"campaign_scale": 0}, "--campaign-scale"),
])
def test_bad_knobs_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        ScenarioConfig(**{"posts": 10_000, **kwargs})


def test_parse_names():
    assert parse_names("all", ("a", "b"), "x") == ("a", "b")
    assert parse_names("none", ("a", "b"), "x") == ()
    assert parse_names("b, a", ("a", "b"), "x") == ("a", "b")
    with pytest.raises(ParameterError, match="unknown x c"):
        parse_names("a,c", ("a", "b"), "x")


def test_refuses_to_write_into_an_unrelated_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(Exception, match="not empty"):
        simulate(tmp_path, posts=TINY)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_big_days_spilled_to_disk_give_the_same_bytes(tmp_path, monkeypatch):
    """Days above MAX_PART_POSTS are generated in parts, spilled by hour and merged; the file
    is the same as when the day is merged in memory."""
    import cibscan.simulate.scenario as scenario

    kw = dict(posts=TINY, seed=6, avatars=False, days=5)
    monkeypatch.setattr(scenario, "MAX_PART_POSTS", 1_000)  # 2 parts a day
    monkeypatch.setattr(scenario, "SPILL", "never")
    simulate(tmp_path / "memory", **kw)
    monkeypatch.setattr(scenario, "SPILL", "auto")
    simulate(tmp_path / "spilled", **kw)
    assert (tmp_path / "memory" / "tweets.csv").read_bytes() == (tmp_path / "spilled" / "tweets.csv").read_bytes()
    assert not (tmp_path / "spilled" / ".parts").exists()
