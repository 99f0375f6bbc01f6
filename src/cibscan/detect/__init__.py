"""Detectors: one module each, one shape (``cibscan.detect.base.Detector``).

``DETECTORS`` lists them in the order ``run_scan`` runs them: later detectors may read the
tables earlier ones stored (floods read ``coordination_members``), never their internals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ParameterError
from ..findings import Findings, store_findings
from .base import Detector, Param

__all__ = ["DETECTORS", "Detector", "Param", "run_scan", "get_detector", "parse_param_overrides"]

#: name -> detector class, in run order (registered at the end of this module).
DETECTORS: dict[str, type[Detector]] = {}


def get_detector(name: str) -> type[Detector]:
    if name not in DETECTORS:
        raise ParameterError(f"unknown detector {name!r}; known: {', '.join(DETECTORS) or '(none)'}")
    return DETECTORS[name]


def parse_param_overrides(pairs: list[str] | None) -> dict[str, dict[str, Any]]:
    """``detector.param=value`` strings as ``{detector: {param: value}}``; values are read as
    JSON when they parse (numbers, true/false, lists), else kept as strings."""
    import json

    out: dict[str, dict[str, Any]] = {}
    for pair in pairs or []:
        if "=" not in pair or "." not in pair.split("=", 1)[0]:
            raise ParameterError(f"--param {pair!r}: expected detector.param=value, e.g. coordination.window=60")
        key, raw = pair.split("=", 1)
        det, name = key.strip().split(".", 1)
        get_detector(det)
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        out.setdefault(det, {})[name] = value
    return out


def run_scan(
    ws,
    detect: list[str] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Findings]:
    """Run detectors (all by default, in ``DETECTORS`` order), storing each one's findings in
    the workspace before the next starts, then build the ranked account and cluster tables."""
    params = dict(params or {})
    names = list(DETECTORS) if not detect else [n for n in DETECTORS if n in set(detect)]
    for n in detect or []:
        get_detector(n)
    for n in params:
        get_detector(n)
    detectors = {n: DETECTORS[n](**dict(params.get(n, {}))) for n in names}
    for d in detectors.values():
        d.get_params()  # fail on a bad parameter before any work starts
    results: dict[str, Findings] = {}
    for n, d in detectors.items():
        if progress:
            progress(f"{n}: running")
        results[n] = d.detect(ws, progress=progress)
        store_findings(ws, {n: results[n]})
    from ..rank import build_rankings  # noqa: PLC0415  (rank reads the stored findings of every detector)

    if progress:
        progress("ranking accounts and clusters")
    build_rankings(ws)
    return results

# -- registrations, in run order: coordination first (floods and ranking read its stored
# tables); impersonation and spoofed_domains depend on no other detector.
from .coordination import Coordination  # noqa: E402
from .floods import FloodsDetector  # noqa: E402
from .personas import PersonasDetector  # noqa: E402
from .amplifiers import AmplifiersDetector  # noqa: E402
from .impersonation import Impersonation  # noqa: E402
from .spoofed_domains import SpoofedDomains  # noqa: E402

for _detector in (Coordination, FloodsDetector, PersonasDetector, AmplifiersDetector, Impersonation, SpoofedDomains):
    DETECTORS[_detector.name] = _detector
del _detector

# laundering reads coordination's clusters and floods' bursts, so it runs after them
from .laundering import Laundering  # noqa: E402

DETECTORS[Laundering.name] = Laundering
