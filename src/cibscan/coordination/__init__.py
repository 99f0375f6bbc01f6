"""Coordination networks: one co-action engine over every behaviour trace.

``engine`` holds the bucketed co-action join, the hub cap and the TF-IDF weights.
"""

from .engine import DEFAULT_HUB_CAP, DEFAULT_WINDOWS, coaction_rows, pair_items, pair_stats

__all__ = ["DEFAULT_HUB_CAP", "DEFAULT_WINDOWS", "coaction_rows", "pair_items", "pair_stats"]
