"""``cibscan ingest`` / ``cibscan formats`` as a user runs them: results, and one clear line with
exit code 2 for every mistake a user can make."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cibscan
from cibscan.cli import main
from cibscan.ingest import ADAPTERS

SAMPLES = Path(__file__).parent / "ingest" / "samples"
TABLE_MAP = json.loads((SAMPLES / "table.options.json").read_text())["map"]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _one_clear_line(err: str) -> None:
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("cibscan: error: "), err
    assert "Traceback" not in err


def test_formats_lists_every_adapter(capsys):
    code, out, _ = run(capsys, "formats")
    assert code == 0
    for a in ADAPTERS:
        assert a.name in out


def test_ingest_sniffs_each_sample_and_reports(capsys, tmp_path):
    ws = str(tmp_path / "ws.duckdb")
    files = [str(SAMPLES / n) for n in ("x-io-tweets.csv", "ira538-tweets.csv", "coortweet-multimodal.csv")]
    code, out, err = run(capsys, "ingest", *files, "-w", ws)
    assert code == 0, err
    assert "added 13 posts" in out
    with cibscan.open_workspace(ws, read_only=True) as w:
        assert [r["format"] for r in w.info()["by_format"]] == ["coortweet-multimodal", "ira538-tweets", "x-io-tweets"]
    code, out, _ = run(capsys, "ingest", *files, "-w", ws)
    assert code == 0 and "added 0 posts, 0 accounts" in out


def test_ingest_with_map_flags_and_map_file(capsys, tmp_path):
    args = [f"--map={k}={v}" for k, v in TABLE_MAP.items()]
    code, out, err = run(capsys, "ingest", str(SAMPLES / "table.csv"), "-w", str(tmp_path / "a.duckdb"), *args, "--platform", "forum")
    assert code == 0, err
    assert "table" in out and "added 4 posts" in out
    mf = tmp_path / "map.json"
    mf.write_text(json.dumps(TABLE_MAP))
    code, out, err = run(capsys, "ingest", str(SAMPLES / "table.csv"), "-w", str(tmp_path / "b.duckdb"), "--map-file", str(mf))
    assert code == 0 and "added 4 posts" in out, err
    with cibscan.open_workspace(str(tmp_path / "a.duckdb"), read_only=True) as a:
        assert set(a.to_pandas("posts").platform) == {"forum"}


@pytest.mark.parametrize("case", ["binary", "unknown", "bad-map", "missing-column", "unknown-field", "no-file", "bad-map-file", "unknown-format"])
def test_user_mistakes_are_one_line_and_exit_2(capsys, tmp_path, case):
    ws = str(tmp_path / "ws.duckdb")
    table = str(SAMPLES / "table.csv")
    if case == "binary":
        p = tmp_path / "photo.jpg"
        p.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 4)
        argv = ["ingest", str(p), "-w", ws]
    elif case == "unknown":
        p = tmp_path / "notes.csv"
        p.write_text("colour,size\nred,3\n")
        argv = ["ingest", str(p), "-w", ws]
    elif case == "bad-map":
        argv = ["ingest", table, "-w", ws, "--map", "post_id"]
    elif case == "missing-column":
        argv = ["ingest", table, "-w", ws, "--map", "account_id=user", "--map", "created_at=when"]
    elif case == "unknown-field":
        argv = ["ingest", table, "-w", ws, "--map", "acount_id=user"]
    elif case == "no-file":
        argv = ["ingest", str(tmp_path / "nope.csv"), "-w", ws]
    elif case == "bad-map-file":
        mf = tmp_path / "m.json"
        mf.write_text("{not json")
        argv = ["ingest", table, "-w", ws, "--map-file", str(mf)]
    else:
        argv = ["ingest", table, "-w", ws, "--format", "nonsense"]
    code, _, err = run(capsys, *argv)
    assert code == 2
    _one_clear_line(err)


def test_empty_file_is_not_an_error(capsys, tmp_path):
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    code, out, err = run(capsys, "ingest", str(p), "-w", str(tmp_path / "ws.duckdb"))
    assert code == 0, err
    assert "(empty)" in out


def test_info_after_ingest_counts_rejects_by_reason(capsys, tmp_path):
    ws = str(tmp_path / "ws.duckdb")
    p = tmp_path / "ira.csv"
    p.write_text((SAMPLES / "ira538-tweets.csv").read_text() + "someone,,Unknown,Russian,2016-10-19 00:18:00,2016-10-19 00:19:00,70,81,603,R,1\n")
    assert run(capsys, "ingest", str(p), "-w", ws)[0] == 0
    code, out, _ = run(capsys, "info", "-w", ws, "--json")
    info = json.loads(out)
    assert code == 0 and info["posts"] == 5 and info["rejects_by_reason"] == {"retweet without text": 1}


def test_a_folder_s_unrecognised_files_are_skipped_and_listed(tmp_path, capsys):
    """Export folders hold READMEs and media next to the data: inside a folder such a file is
    skipped and reported; named on its own it is still an error."""
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "users.csv").write_bytes((SAMPLES / "x-io-users.csv").read_bytes())
    (folder / "README.txt").write_text("what this archive holds\n")
    (folder / "media.zip").write_bytes(bytes(range(256)) * 8)
    ws = str(tmp_path / "ws.duckdb")
    code, out, err = run(capsys, "ingest", str(folder), "-w", ws)
    assert code == 0, err
    line = [ln for ln in out.splitlines() if ln.startswith("skipped 2 file(s)")]
    assert line and "README.txt" in line[0] and "media.zip" in line[0] and "users.csv" not in line[0]
    with cibscan.open_workspace(str(tmp_path / "api.duckdb")) as w:
        report = w.ingest([str(folder)])
        statuses = {Path(f.path).name: f.status for f in report.files}
        assert statuses["users.csv"] == "ingested" and w.count("accounts") > 0
        assert statuses["README.txt"].startswith("skipped") and statuses["media.zip"].startswith("skipped")
    code, _, err = run(capsys, "ingest", str(folder / "README.txt"), "-w", ws)
    assert code == 2
    _one_clear_line(err)
