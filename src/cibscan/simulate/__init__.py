"""The scenario simulator: organic social-media traffic with planted campaigns and exact truth.

``simulate(out_dir, posts=..., seed=...)`` writes an X/Twitter Information Operations archive
(``tweets.csv``, ``users.csv``) that the real ingest reads, profile pictures, an impersonation
watchlist, and the ground truth (``truth/``); ``load_truth(out_dir)`` reads the truth back
and scores a detector's flagged accounts against it. See ``docs/simulator.md``.
"""

from .config import TACTICS, TRAPS, ScenarioConfig
from .scenario import OUTPUT_FILES, ScenarioSummary, simulate
from .truth import Truth, load_truth

__all__ = ["simulate", "load_truth", "ScenarioConfig", "ScenarioSummary", "Truth", "TACTICS", "TRAPS", "OUTPUT_FILES"]
