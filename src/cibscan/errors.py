"""Errors a user can cause.

The library raises these and never prints or exits; the CLI turns any ``CibscanError`` into
one clear line on stderr and exit code 2 (see ``cibscan.cli``). Each message says what went
wrong, where, and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "CibscanError",
    "UnknownFormatError",
    "SchemaError",
    "WorkspaceError",
    "ParameterError",
    "InputNotFoundError",
]


class CibscanError(Exception):
    """Root of every error a user can cause and fix."""


class UnknownFormatError(CibscanError, ValueError):
    """A file is not in any format cibscan can read (or not the one that was forced)."""


class SchemaError(CibscanError, ValueError):
    """A table lacks a column it needs, or a column mapping names a column that is not there."""


class WorkspaceError(CibscanError, RuntimeError):
    """The workspace cannot be opened or lacks what a command needs (e.g. nothing ingested)."""


class ParameterError(CibscanError, ValueError):
    """A detector or command parameter is unknown or out of its allowed range."""


class InputNotFoundError(CibscanError, FileNotFoundError):
    """An input path does not exist."""
