from cibscan.cli import main
from cibscan.cli._top import safe_text

from ..conftest import T0, account, post


def _ws_with_hostile_flood(tmp_path):
    import cibscan

    path = str(tmp_path / "w.duckdb")
    ws = cibscan.open_workspace(path)
    tag = "[bold red]x[/]\x1b[2J\u202e"
    ps = [post(i, f"u{i % 40}", 3600 * (i % 100), text=f"chatter {i}") for i in range(400)]
    ps += [post(1000 + i, f"f{i % 8}", 50 * 3600 + 20 * i, text=f"push it #{tag}", hashtags=[tag]) for i in range(120)]
    ws.add_records(ps, [account(f"f{i}", handle=f"[link=http://x]h{i}\x07", created_at=T0) for i in range(8)])
    ws.close()
    return path


def test_commands_run_detectors_and_print_escaped(tmp_path, capsys, monkeypatch):
    from cibscan.cli.app import console

    monkeypatch.setattr(console, "width", 400)
    path = _ws_with_hostile_flood(tmp_path)
    assert main(["floods", "-w", path, "--run"]) == 0
    out = capsys.readouterr().out
    assert "B1" in out and "\x1b" not in out and "\u202e" not in out and "\\u001b" in out
    assert "[bold red]" in out, "markup is shown as text, never interpreted"
    assert main(["accounts", "-w", path, "--run", "--statements"]) == 0
    out = capsys.readouterr().out
    assert "f0" in out and "\x07" not in out and "[link=http://x]" in out and "does not show who operates" in out
    assert main(["personas", "-w", path, "--run", "--json"]) == 0
    assert main(["accounts", "-w", path, "--json", "--min-confidence", "high"]) == 0


def test_missing_results_and_bad_options_exit_2(tmp_path, capsys):
    path = _ws_with_hostile_flood(tmp_path)
    assert main(["floods", "-w", path]) == 2
    err = capsys.readouterr().err
    assert "no floods_bursts table" in err and "--run" in err and "Traceback" not in err
    assert main(["accounts", "-w", path, "--min-confidence", "certain"]) == 2
    assert main(["floods", "-w", path, "--run", "-p", "floods.alpha=3"]) == 2
    assert main(["personas", "-w", str(tmp_path / "none.duckdb")]) == 2


def test_safe_text():
    assert str(safe_text("a\x1b[31mb\u202ec")) == "a\\u001b[31mb\\u202ec"
    assert str(safe_text("x" * 200, 10)) == "x" * 9 + "\u2026"
    assert str(safe_text(None)) == ""
