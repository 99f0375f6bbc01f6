"""docs/simulator.md keeps up with the code: every option, tactic, trap and truth column."""

from __future__ import annotations

from pathlib import Path

import typer.main

from cibscan.cli import app
from cibscan.simulate import TACTICS, TRAPS
from cibscan.simulate.truth import TRUTH_FILES

DOC = Path(__file__).resolve().parents[2] / "docs" / "simulator.md"


def _options(name: str) -> list[str]:
    group = typer.main.get_command(app)
    cmd = group.commands[name]
    options = [p for p in cmd.params if getattr(p, "param_type_name", "") == "option"]
    return [opt for p in options for opt in [*p.opts, *getattr(p, "secondary_opts", [])] if opt.startswith("--")]


def test_every_simulate_and_demo_option_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [o for o in _options("simulate") + _options("demo") if f"`{o}" not in text and f"/{o}`" not in text]
    assert not missing


def test_every_tactic_trap_and_truth_column_is_documented():
    text = DOC.read_text(encoding="utf-8")
    assert not [t for t in TACTICS + TRAPS if f"`{t}`" not in text]
    assert not [c for cols in TRUTH_FILES.values() for c in cols if c not in text]
