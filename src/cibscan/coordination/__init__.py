"""Coordination networks: one co-action engine over every behaviour trace, calibrated against
chance, clustered, with evidence.

Parts (one idea per module): ``engine`` (the bucketed co-action join, hub cap, TF-IDF
weights), ``window`` (CooRnet's data-driven window), ``calibration`` (time-shuffled null and
thresholds), ``clustering`` (combined graph, Leiden), ``evidence`` (sampled co-actions and
their read-back), ``coortweet`` (CooRTweet's ``detect_groups`` definition on the same engine),
``pipeline`` (all of it chained: ``find_coordination``). The detector is
``cibscan.detect.coordination``.
"""

from .calibration import Threshold, choose_threshold, null_histogram, shuffled_traces
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
    "choose_threshold",
    "cluster_evidence",
    "coaction_rows",
    "estimate_windows",
    "find_coordination",
    "null_histogram",
    "pair_evidence",
    "pair_items",
    "pair_stats",
    "resolve_windows",
    "shuffled_traces",
]
