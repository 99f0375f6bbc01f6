"""Coordination networks: one co-action engine over every behaviour trace, calibrated against
chance, clustered, with evidence.

Parts (one idea per module): ``engine`` (the bucketed co-action join, hub cap, TF-IDF
weights), ``window`` (CooRnet's data-driven window), ``calibration`` (jitter null, synchrony tests
and edge selection), ``clustering`` (combined graph, Leiden), ``evidence`` (sampled co-actions and
their read-back), ``coortweet`` (CooRTweet's ``detect_groups`` definition on the same engine),
``pipeline`` (all of it chained: ``find_coordination``). The detector is
``cibscan.detect.coordination``.
"""

from .calibration import Threshold, benjamini_hochberg, choose_edges, null_probability, synchrony_tests, synchrony_units
from .engine import DEFAULT_HUB_CAP, DEFAULT_WINDOWS, coaction_rows, pair_items, pair_stats
from .evidence import account_evidence, cluster_evidence, pair_evidence
from .pipeline import CoordinationResult, find_coordination, resolve_windows
from .window import estimate_windows

__all__ = [
    "DEFAULT_HUB_CAP",
    "DEFAULT_WINDOWS",
    "CoordinationResult",
    "Threshold",
    "account_evidence",
    "benjamini_hochberg",
    "choose_edges",
    "cluster_evidence",
    "coaction_rows",
    "estimate_windows",
    "find_coordination",
    "null_probability",
    "pair_evidence",
    "pair_items",
    "pair_stats",
    "resolve_windows",
    "synchrony_tests",
    "synchrony_units",
]
