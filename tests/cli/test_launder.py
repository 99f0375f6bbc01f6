"""``cibscan launder`` from the command line: seeds from a list or a file, the candidates table,
an account's aligned posts, and one-line errors."""

from __future__ import annotations

import json

import pytest

from cibscan.cli import main
from tests.detect.laundering_scene import CAMPAIGN, laundering_scene


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    import cibscan

    path = str(tmp_path_factory.mktemp("cli-laund") / "ws.duckdb")
    posts, accounts = laundering_scene()
    with cibscan.open_workspace(path) as ws:
        ws.add_records(posts, accounts)
    return path


def test_seed_accounts_from_a_file(ws_path, tmp_path, capsys):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# the harbour campaign\n" + "\n".join(CAMPAIGN) + "\n", encoding="utf-8")
    assert main(["launder", "-w", ws_path, "--seed-accounts", str(seeds), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert [r["account_id"] for r in rows] == ["launderer"]
    assert rows[0]["n_aligned"] == 20 and rows[0]["campaign_id"] == "S1"


def test_table_then_account_matches(ws_path, capsys):
    assert main(["launder", "-w", ws_path, "--seed-accounts", ",".join(CAMPAIGN)]) == 0
    out = capsys.readouterr().out
    assert "laundering candidates" in out and "launderer" in out and "--account launderer" in out
    assert main(["launder", "-w", ws_path, "--account", "launderer", "--matches", "5"]) == 0
    out = capsys.readouterr().out
    assert "harbour" in out.lower() and "campaign post" in out


def test_errors_are_one_line(ws_path, tmp_path, capsys):
    assert main(["launder", "-w", ws_path, "--seed-posts", "nope"]) == 2
    err = capsys.readouterr().err
    assert "seed post(s) not in the workspace: nope" in err and "Traceback" not in err
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n", encoding="utf-8")
    assert main(["launder", "-w", ws_path, "--seed-accounts", str(empty)]) == 2
    assert "holds no ids" in capsys.readouterr().err
    assert main(["launder", "-w", str(tmp_path / "missing.duckdb")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["launder", "-w", ws_path, "--seed-accounts", ",".join(CAMPAIGN), "--account", "bystander1"]) == 2
    assert "not a laundering candidate" in capsys.readouterr().err


def test_scan_detect_laundering(ws_path, capsys):
    assert main(["scan", "-w", ws_path, "--detect", "laundering", "-p", f"laundering.seed_accounts={','.join(CAMPAIGN)}", "--quiet"]) == 0
    assert "laundering" in capsys.readouterr().out
