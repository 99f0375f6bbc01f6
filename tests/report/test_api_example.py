"""docs/api_example.py runs as documented and ends with the ranked accounts frame."""

import runpy
import sys
from pathlib import Path

from .fake_detector import register

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "api_example.py"


def _io_csv(path):
    from ..ingest.test_x_io import HEADER, _row

    rows = [HEADER,
            _row("11", "u1", "look https://a.example/x", "2024-03-01 08:15", urls="['https://a.example/x']"),
            _row("12", "u2", "look https://a.example/x", "2024-03-01 08:16", urls="['https://a.example/x']"),
            _row("13", "u3", "other", "2024-03-01 08:17")]
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")


def test_api_example_from_a_file_to_ranked_accounts(tmp_path, monkeypatch, capsys):
    register(monkeypatch)
    _io_csv(tmp_path / "tweets.csv")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE), "tweets.csv", "case.duckdb"])
    ns = runpy.run_path(str(EXAMPLE), run_name="__main__")
    ranked = ns["ranked"]
    # the contract columns of accounts_ranked (rank.py may add more)
    assert {"account_id", "handle", "score", "confidence", "detectors", "n_findings", "statement"} <= set(ranked.columns)
    assert sorted(ranked.account_id) == ["u1", "u2"]
    assert (tmp_path / "report.html").stat().st_size > 100_000
    assert (tmp_path / "exports" / "findings.parquet").exists()
    assert "3 posts, 3 accounts, 0 rejects" in capsys.readouterr().out
