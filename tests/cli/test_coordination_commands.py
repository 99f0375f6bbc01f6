"""``cibscan scan``, ``cibscan export`` and ``cibscan evidence`` from the command line."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import pytest

from cibscan.cli import main
from tests.coordination.planted import planted_posts, scanned_workspace


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("cli") / "ws.duckdb")
    scanned_workspace(path).close()
    return path


def test_scan_runs_and_summarises(tmp_path, capsys):
    import cibscan

    path = str(tmp_path / "w.duckdb")
    with cibscan.open_workspace(path) as ws:
        ws.add_records(planted_posts(1))
    assert main(["scan", "-w", path, "--param", "coordination.hub_cap=50", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "coordination" in out and "calibration per trace kind" in out and "strongest clusters" in out
    assert "cibscan evidence C1" in out


def test_scan_errors_are_one_line_exit_2(tmp_path, capsys):
    path = str(tmp_path / "empty.duckdb")
    assert main(["scan", "-w", path, "-q"]) == 2
    err = capsys.readouterr().err
    assert "no workspace at" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    import cibscan

    cibscan.open_workspace(path).close()
    assert main(["scan", "-w", path, "-q"]) == 2
    assert "holds no posts" in capsys.readouterr().err
    assert main(["scan", "-w", path, "--param", "coordination.nope=1"]) == 2
    assert "unknown parameter" in capsys.readouterr().err
    assert main(["scan", "-w", path, "--detect", "nosuch"]) == 2
    assert "unknown detector" in capsys.readouterr().err
    assert main(["scan", "-w", path, "--param", "coordination.window=soon"]) == 2


def test_export_command(ws_path, tmp_path, capsys):
    gexf, graphml, out = tmp_path / "n.gexf", tmp_path / "n.graphml", tmp_path / "tables"
    code = main(["export", "-w", ws_path, "--gexf", str(gexf), "--graphml", str(graphml), "--csv", str(out), "--parquet", str(out)])
    assert code == 0
    ET.parse(gexf), ET.parse(graphml)
    assert os.path.exists(out / "coordination_edges.csv") and os.path.exists(out / "coordination_edges.parquet")
    assert main(["export", "-w", ws_path]) == 2
    assert "nothing to export" in capsys.readouterr().err
    assert main(["export", "-w", ws_path, "--csv", str(out), "--table", "coordination_clusters"]) == 0


def test_evidence_command(ws_path, capsys):
    assert main(["evidence", "C1", "-w", ws_path]) == 0
    out = capsys.readouterr().out
    assert "cluster C1" in out and "co-actions" in out
    assert main(["evidence", "--account", "rp1", "-w", ws_path, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["clusters"][0]["cluster_id"].startswith("C") and data["coactions"]
    assert main(["evidence", "--pair", "rp1", "--pair", "rp2", "-w", ws_path]) == 0
    assert "repost" in capsys.readouterr().out
    assert main(["evidence", "C99", "-w", ws_path]) == 2
    assert "no cluster 'C99'" in capsys.readouterr().err
    assert main(["evidence", "-w", ws_path]) == 2
    assert main(["evidence", "--pair", "rp1", "-w", ws_path]) == 2


def test_hostile_text_cannot_drive_the_terminal(ws_path, capsys):
    assert main(["evidence", "--account", "rp0", "-w", ws_path]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\x1b]" not in out


def test_every_coordination_command_has_help(capsys):
    for cmd in ("scan", "export", "evidence"):
        assert main([cmd, "--help"]) == 0
        assert "Usage" in capsys.readouterr().out
