"""Which handles are lookalikes of which protected handles, at scale.

``match_handles`` takes the handle keys (``confusables.handle_keys``) of the protected
identities and of every candidate account and returns the pairs within the edit budget:
0 edits (same key: homoglyphs, separators) for keys shorter than ``min_edit_length``, 1 edit,
2 edits for keys of ``long_from`` characters or more. Candidates come from a symmetric-deletion
join (``symdel.symmetric_deletion_join``), then each is verified with the OSA distance, so the
work grows with the number of handles, not with their product.

A handle has two keys (the full lookalike key, and the plain key that keeps ``rn``/``cl``/
``vv`` as typed) and a pair matches on the nearer of the two. The join does not need both: it
runs on the full key and on the plain key with ``EXTRA_MAP`` applied character by character
(``i``/``1`` -> ``l``, ``0`` -> ``o``, ...). A character-by-character map never lengthens an
edit path, so a pair whose plain keys are within the budget also meets on the mapped ones;
and for most handles the mapped plain key *is* the full key, so they are hashed once.

Short handles are where false positives live: one edit turns ``bbc`` into dozens of real,
unrelated handles, so below ``min_edit_length`` only keys that read the same are matched
(``tests/lookalike/test_recall.py`` measures the rate by length).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cpdist

from .confusables import EXTRA_MAP
from .symdel import symmetric_deletion_join

__all__ = ["edit_budget", "match_handles"]

# EXTRA_MAP maps single characters to single characters: positions, hence edit paths, survive.
_CHARWISE = str.maketrans(EXTRA_MAP)


def _key_columns(keys: Sequence[str | tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """(lookalike keys, plain keys) as object arrays; a single key stands for both."""
    full = [k if isinstance(k, str) else k[0] if k else "" for k in keys]
    plain = [k if isinstance(k, str) else k[1] if len(k) > 1 else k[0] if k else "" for k in keys]
    return np.array(full, object), np.array(plain, object)


def _join_strings(full: np.ndarray, plain: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The strings each entry is joined by (its lookalike key, and its mapped plain key when
    that differs), their owners, and which entries have keys the map does not relate."""
    mapped = np.array([p.translate(_CHARWISE) for p in plain], object)
    nonempty = full != ""  # empty keys never match
    apart = nonempty & (mapped != full)
    owner = np.concatenate([np.flatnonzero(nonempty), np.flatnonzero(apart)])
    return np.concatenate([full[nonempty], mapped[apart]]), owner, apart


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """OSA distance of each pair ``(a[i], b[i])``, capped at 3 (budgets are at most 2)."""
    if not len(a):
        return np.empty(0, np.int8)
    return cpdist(a, b, scorer=OSA.distance, score_cutoff=2, dtype=np.int8, workers=-1)


def edit_budget(key: str, long_from: int = 8, min_edit_length: int = 5, slack: int = 0) -> int:
    """Edits allowed for a protected key (``slack`` widens it for a candidate that may be up to
    that many characters shorter than the protected key)."""
    n = len(key) + slack
    return 2 if n >= long_from else 1 if n >= min_edit_length else 0


def match_handles(
    original_keys: Sequence[str | tuple[str, ...]],
    candidate_keys: Sequence[str | tuple[str, ...]],
    *,
    long_from: int = 8,
    min_edit_length: int = 5,
) -> list[tuple[int, int, int]]:
    """``(original index, candidate index, OSA distance)`` for every candidate within the edit
    budget of an original, sorted. Each entry is a key or a tuple of keys (``handle_keys``: the
    full lookalike key and the plain one); the distance is the smallest between keys of the
    same kind, and the budget is set by the original's first key. Empty keys never match.

    >>> from cibscan.lookalike import handle_key
    >>> keys = [handle_key(h) for h in ["joebidem", "jo3biden", "bbd", "BBC"]]
    >>> match_handles([handle_key("JoeBiden"), handle_key("bbc")], keys)
    [(0, 0, 1), (0, 1, 0), (1, 3, 0)]
    """
    o_full, o_plain = _key_columns(original_keys)
    c_full, c_plain = _key_columns(candidate_keys)
    o_strings, o_owner, o_apart = _join_strings(o_full, o_plain)
    c_strings, c_owner, c_apart = _join_strings(c_full, c_plain)
    if not len(o_strings) or not len(c_strings):
        return []
    n = np.fromiter(map(len, o_full), np.int64, len(o_full))
    budget = np.where(n >= long_from, 2, np.where(n >= min_edit_length, 1, 0)).astype(np.int8)  # edit_budget
    codes = symmetric_deletion_join(o_strings, budget[o_owner], c_strings, o_owner, c_owner)
    o, c = codes >> 32, codes & 0xFFFFFFFF
    dist = _distances(o_full[o], c_full[c])
    # plain keys can only be nearer when one side's keys are not related by the map
    both = np.flatnonzero(o_apart[o] | c_apart[c])
    dist[both] = np.minimum(dist[both], _distances(o_plain[o[both]], c_plain[c[both]]))
    keep = dist <= budget[o]
    return list(zip(o[keep].tolist(), c[keep].tolist(), dist[keep].tolist()))
