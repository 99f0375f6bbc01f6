"""docs/cli.md is the generated reference of the commands as they are, and every command and
option explains itself (a user's first stop is ``--help``)."""

from pathlib import Path

from cibscan.cli.reference import cli_reference, iter_commands

DOC = Path(__file__).parents[2] / "docs" / "cli.md"


def test_docs_cli_md_is_current():
    assert DOC.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is stale: run `python -m cibscan.cli.reference > docs/cli.md`")


def test_every_command_and_option_has_help():
    commands = iter_commands()
    assert {"ingest", "scan", "run", "report", "demo", "simulate"} <= {n for n, _ in commands}
    for name, cmd in commands:
        assert (cmd.help or "").strip(), f"`cibscan {name}` has no help text"
        for p in cmd.params:
            if p.param_type_name == "option" and p.name != "help" and not p.hidden:
                assert (p.help or "").strip(), f"`cibscan {name} {p.opts[0]}` has no help text"
