"""`cibscan report` and `cibscan run` as a user runs them."""

import os

import pyarrow.parquet as pq

import cibscan
from cibscan.cli import main
from cibscan.cli.render import safe_text as terminal_safe

from .fake_detector import register
from .test_api_example import _io_csv


def test_report_command_writes_the_file(case_path, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", "-w", str(case_path[0]), "-o", str(out), "--title", "Case 7"]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<title>Case 7 · cibscan report</title>" in html
    assert "6 findings, 14 flagged accounts, 12 accounts in the network view" in capsys.readouterr().out.replace("\n", " ")


def test_report_command_errors_are_one_line(tmp_path, capsys):
    assert main(["report", "-w", str(tmp_path / "none.duckdb"), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no workspace at" in err and "Traceback" not in err


def test_run_ingests_detects_reports_and_exports(tmp_path, monkeypatch, capsys):
    register(monkeypatch)
    _io_csv(tmp_path / "tweets.csv")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "tweets.csv"), "-o", str(out), "--param", "sameurl.min_accounts=2"]) == 0
    printed = capsys.readouterr().out
    assert (out / "report.html").exists() and (out / "cibscan.duckdb").exists()
    for name in ("findings", "finding_accounts", "evidence"):
        assert (out / "exports" / f"{name}.csv").exists() and (out / "exports" / f"{name}.parquet").exists()
    assert pq.read_table(out / "exports" / "finding_accounts.parquet").column("account_id").to_pylist() == ["u1", "u2"]
    assert "top 1 findings" in printed and "sameurl" in printed
    # run again: ingest adds nothing, the report is rewritten
    assert main(["run", str(tmp_path / "tweets.csv"), "-o", str(out)]) == 0
    with cibscan.open_workspace(str(out / "cibscan.duckdb"), read_only=True) as ws:
        assert ws.count("posts") == 3 and ws.count("findings") == 1


def test_run_fails_cleanly_before_writing_anything(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "missing.csv"), "-o", str(out)]) == 2
    assert "missing.csv: no such file or folder" in capsys.readouterr().err
    assert not out.exists()
    assert main(["run", str(tmp_path), "-o", str(out), "--param", "nodetector.x=1"]) == 2
    assert "unknown detector 'nodetector'" in capsys.readouterr().err
    (tmp_path / "afile").write_text("x")
    assert main(["run", str(tmp_path / "afile"), "-o", str(tmp_path / "afile")]) == 2
    assert "is a file" in capsys.readouterr().err


def test_terminal_output_cannot_be_rewritten_by_hostile_text():
    s = terminal_safe("a\x1b[2J\x1b]0;title\x07b\u202ec\u200bd\nend")
    assert "\x1b" not in s and "\x07" not in s and "\u202e" not in s and "\n" not in s
    assert s == "a\\u001b[2J\\u001b]0;title\\u0007b\\u202ec\\u200bd\\u000aend"
    assert len(terminal_safe("x" * 500, limit=50)) == 50


def test_run_summary_escapes_finding_titles(tmp_path, monkeypatch, capsys):
    register(monkeypatch)
    from ..ingest.test_x_io import HEADER, _row

    evil = "https://a.example/\x1b[31mRED\u202e"
    rows = [HEADER] + [_row(str(10 + i), f"u{i}", "x", "2024-03-01 08:15", urls=f"['{evil}']") for i in range(2)]
    (tmp_path / "t.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    assert main(["run", str(tmp_path / "t.csv"), "-o", str(tmp_path / "o"), "--no-exports"]) == 0
    printed = capsys.readouterr().out
    assert "\x1b[31m" not in printed and "\u202e" not in printed and "\\u001b[31mRED" in printed.replace("\n", "")
    assert not os.path.exists(tmp_path / "o" / "exports")
