"""The command-line reference (``docs/cli.md``), generated from the commands themselves.

Regenerate after changing a command: ``python -m cibscan.cli.reference > docs/cli.md``. A test
checks the file is current, so the reference cannot drift from the code.
"""

from __future__ import annotations

import typer
import typer.main

from . import app

__all__ = ["cli_reference", "iter_commands"]

HEADER = """# Command-line reference

Generated from the code by `python -m cibscan.cli.reference > docs/cli.md`; every command also
answers `cibscan COMMAND --help`. Errors are one line on stderr with exit code 2.
"""


def iter_commands() -> list:
    """(name, command object) of every ``cibscan`` command, in the order they are registered."""
    group = typer.main.get_command(app)
    ctx = typer.Context(group, info_name="cibscan")
    return [(name, group.get_command(ctx, name)) for name in group.list_commands(ctx)]


def _default(p) -> str:
    d = p.default
    if p.param_type_name == "option" and p.is_flag:
        return f"`{'--' + p.name.replace('_', '-') if d else (p.secondary_opts or ['off'])[0]}`" if p.secondary_opts else ""
    if d is None or d == () or callable(d):
        return ""
    return f"`{d}`"


def _usage(arg) -> str:
    name = arg.name.upper() + ("..." if arg.nargs == -1 else "")
    return name if arg.required else f"[{name}]"


def _command_section(name: str, cmd) -> str:
    usage = " ".join(["[OPTIONS]"] + [_usage(p) for p in cmd.params if p.param_type_name == "argument"])
    lines = [f"## `cibscan {name}`", "", (cmd.help or "").strip(), "", "```", f"cibscan {name} {usage}", "```", ""]
    args = [p for p in cmd.params if p.param_type_name == "argument"]
    opts = [p for p in cmd.params if p.param_type_name == "option" and not p.hidden and p.name != "help"]
    if args:
        lines += ["| argument | what |", "|---|---|"]
        lines += [f"| `{p.name.upper()}` | {getattr(p, 'help', None) or ''} |" for p in args]
        lines.append("")
    if opts:
        lines += ["| option | what | default |", "|---|---|---|"]
        for p in opts:
            names = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
            what = (p.help or "").replace("|", "\\|")
            lines.append(f"| {names} | {what} | {_default(p)} |")
        lines.append("")
    return "\n".join(lines)


def cli_reference() -> str:
    """The Markdown reference of every command: help text, usage, arguments, options, defaults."""
    commands = iter_commands()
    toc = ", ".join(f"[`{n}`](#cibscan-{n})" for n, _ in commands)
    return "\n".join([HEADER, f"Commands: {toc}.", ""] + [_command_section(n, c) for n, c in commands])


if __name__ == "__main__":
    print(cli_reference(), end="")
