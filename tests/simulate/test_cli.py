"""``cibscan simulate`` and ``cibscan demo`` through the CLI entry point."""

from __future__ import annotations

import json

import cibscan
from cibscan.cli import main


def test_simulate_command_writes_the_folder(tmp_path, capsys):
    out = tmp_path / "s"
    code = main(["simulate", str(out), "--posts", "10000", "--seed", "2", "--no-avatars", "--tactics", "flood,impersonator",
                 "--traps", "hub_cascades"])
    assert code == 0
    for name in ("tweets.csv", "users.csv", "watchlist.csv", "scenario.json", "truth/accounts.csv", "truth/hashtags.csv",
                 "truth/domains.csv", "truth/groups.csv", "truth/windows.csv", "truth/traps.csv"):
        assert (out / name).is_file(), name
    meta = json.loads((out / "scenario.json").read_text())
    assert meta["seed"] == 2 and meta["parameters"]["tactics"] == ["flood", "impersonator"]
    assert "wrote 10,000 posts" in capsys.readouterr().out


def test_simulate_bad_option_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["simulate", str(tmp_path / "x"), "--posts", "100"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("cibscan: error: --posts must be at least") and "\n" not in err
    assert main(["simulate", str(tmp_path / "x"), "--tactics", "flood,sockpuppets"]) == 2
    assert "unknown tactic sockpuppets" in capsys.readouterr().err


def test_simulate_refuses_a_folder_with_other_files(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("x")
    assert main(["simulate", str(tmp_path), "--posts", "10000"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").exists()


def test_demo_end_to_end(tmp_path, capsys):
    from cibscan.cli.demo import score_against_truth
    from cibscan.simulate import load_truth

    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out), "--posts", "10000", "--seed", "1"]) == 0
    text = capsys.readouterr().out
    assert "10,000 posts" in text and "rejects" in text and "ground truth" in text
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "coordination" in html and (out / "exports" / "coordination.gexf").is_file()
    with cibscan.open_workspace(str(out / "cibscan.duckdb"), read_only=True) as ws:
        assert ws.count("posts") == 10_000
        assert ws.count("rejects") == 0
        assert ws.count("accounts") == json.loads((out / "scenario.json").read_text())["counts"]["accounts"]
        assert ws.count("findings") > 0
    scores = {r["detector"]: r for r in score_against_truth(str(out / "cibscan.duckdb"), load_truth(str(out)))}
    assert scores["coordination"]["flagged"] > 0 and scores["coordination"]["precision"] >= 0.9
    assert scores["floods"]["recall"] >= 0.9
    # run again with another seed: the data and the workspace are replaced, not mixed
    assert main(["demo", "-o", str(out), "--posts", "10000", "--seed", "2"]) == 0
    with cibscan.open_workspace(str(out / "cibscan.duckdb"), read_only=True) as ws:
        assert ws.count("posts") == 10_000
