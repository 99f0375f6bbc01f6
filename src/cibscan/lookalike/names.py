"""Display names and bios compared the way a reader compares them.

Display names are compared after the same TR39 skeleton as handles (so ``Јое Вiden`` in
Cyrillic equals ``Joe Biden``), lower-cased, with accents and punctuation dropped and words
sorted (rapidfuzz's ``token_sort_ratio``): word order does not hide a copy, but added words
("Joe Biden Fan Club") lower the score. Bios are compared by the overlap of their words.

References: Unicode TR39 (skeletons); rapidfuzz (Bachmann) ``fuzz.token_sort_ratio``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from .confusables import plain_key, skeleton

__all__ = ["name_key", "name_similarity", "spells_handle", "word_set", "bio_overlap"]

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_MIN_WORD = 3


@lru_cache(maxsize=100_000)
def name_key(name: str | None) -> str:
    """A display name reduced to what a reader sees: skeleton, lower case, no marks, words
    separated by single spaces.

    >>> name_key("Јое  Вiden!") == name_key("joe biden")
    True
    """
    if not name:
        return ""
    s = skeleton(skeleton(name).lower()).lower()
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", s).split())


def name_similarity(a: str | None, b: str | None) -> float:
    """Similarity of two display names in [0, 1] (1.0: identical to a reader); 0.0 when
    either is empty."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    return fuzz.token_sort_ratio(ka, kb) / 100.0


def spells_handle(name: str | None, handle: str | None, threshold: float = 0.9) -> bool:
    """Whether a display name only spells out the handle (``Joe Biden`` for ``joebiden``,
    ``Y. Fenku`` for ``y_fenku``): compared without spaces, separators, case or accents.

    >>> spells_handle("Joe Biden", "JoeBiden"), spells_handle("Joe Biden", "POTUS")
    (True, False)
    """
    if not name or not handle:
        return False
    # plain keys (no rn/m-style maps): a one-letter change must keep its full weight here
    a, b = _NON_WORD.sub("", plain_key(name)), _NON_WORD.sub("", plain_key(handle))
    return bool(a and b) and fuzz.ratio(a, b) / 100.0 >= threshold


def word_set(text: str | None) -> frozenset[str]:
    """Lower-cased words of at least three characters."""
    if not text:
        return frozenset()
    return frozenset(w for w in _NON_WORD.sub(" ", text.lower()).split() if len(w) >= _MIN_WORD)


def bio_overlap(a: str | None, b: str | None) -> tuple[float, int]:
    """Jaccard overlap of two bios' word sets, and the number of shared words."""
    wa, wb = word_set(a), word_set(b)
    if not wa or not wb:
        return 0.0, 0
    shared = len(wa & wb)
    return shared / len(wa | wb), shared
