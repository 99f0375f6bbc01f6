"""The one shape every detector has (learn it once).

A detector is a class with a ``name``, a one-line ``summary``, a ``references`` tuple citing
the method's source, and its parameters declared as data (``params``: name -> ``Param``).
``__init__`` only stores keyword parameters; they are checked when the work starts, and the
full set used (defaults included) is recorded with every finding so any result can be
reproduced. ``detect(ws)`` reads workspace tables (never another detector's internals; an
earlier detector's *stored tables*, e.g. ``coordination_members``, are fair game) and returns
``Findings``. Each module also offers the function form ``detect(ws, **params)``.

Example
-------
>>> class Quiet(Detector):
...     name = "quiet"
...     summary = "finds nothing"
...     params = {"threshold": Param(0.5, "how much is too much", float, low=0.0, high=1.0)}
...     def _detect(self, ws, p):
...         return self.findings(p)
>>> Quiet(threshold=0.7).get_params()
{'threshold': 0.7}
>>> Quiet(threshold=2).get_params()
Traceback (most recent call last):
...
cibscan.errors.ParameterError: quiet: threshold=2 is above its maximum 1.0
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import ParameterError
from ..findings import Findings

__all__ = ["Param", "Detector"]


@dataclass(frozen=True)
class Param:
    """A declared detector parameter: default, meaning, type and allowed values."""

    default: Any
    doc: str
    type: type | tuple[type, ...] = object
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] | None = None
    nullable: bool = False

    def check(self, owner: str, name: str, value: Any) -> Any:
        if value is None:
            if self.nullable:
                return None
            raise ParameterError(f"{owner}: {name} must be set")
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        if float in types and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if int in types and isinstance(value, float) and value.is_integer() and float not in types:
            value = int(value)
        if self.type is not object and not isinstance(value, types):
            want = "/".join(t.__name__ for t in types)
            raise ParameterError(f"{owner}: {name}={value!r} should be {want}")
        if self.choices is not None and value not in self.choices:
            raise ParameterError(f"{owner}: {name}={value!r} is not one of {', '.join(map(str, self.choices))}")
        if self.low is not None and value < self.low:
            raise ParameterError(f"{owner}: {name}={value!r} is below its minimum {self.low}")
        if self.high is not None and value > self.high:
            raise ParameterError(f"{owner}: {name}={value!r} is above its maximum {self.high}")
        return value


class Detector:
    """Base class: subclasses declare ``name``, ``summary``, ``references``, ``params`` and
    implement ``_detect(ws, params) -> Findings``."""

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    references: ClassVar[tuple[str, ...]] = ()
    params: ClassVar[dict[str, Param]] = {}

    def __init__(self, **params: Any):
        unknown = set(params) - set(self.params)
        if unknown:
            raise ParameterError(
                f"{self.name}: unknown parameter(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(self.params))}"
            )
        self._given = params

    def get_params(self) -> dict[str, Any]:
        """All parameters (defaults filled in), validated."""
        out = {}
        for key, spec in self.params.items():
            out[key] = spec.check(self.name, key, self._given.get(key, spec.default))
        return out

    def detect(self, ws, progress: Callable[[str], None] | None = None) -> Findings:
        """Run on workspace ``ws``; ``progress`` (optional) hears short status messages."""
        p = self.get_params()
        self._progress = progress or (lambda msg: None)
        return self._detect(ws, p)

    def _detect(self, ws, p: dict[str, Any]) -> Findings:
        raise NotImplementedError

    def findings(self, p: dict[str, Any], items=None, tables=None, notes=None) -> Findings:
        """A ``Findings`` for this detector carrying the parameters used."""
        return Findings(self.name, dict(p), list(items or []), dict(tables or {}), list(notes or []))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._given.items())
        return f"{type(self).__name__}({args})"
