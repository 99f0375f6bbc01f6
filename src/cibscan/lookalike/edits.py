"""Edit distance between lookalike strings, and what kind of edit made one from the other.

Distances are optimal-string-alignment (OSA) distances: insertions, deletions, substitutions
and swaps of two adjacent characters each cost one (rapidfuzz's ``OSA``). The kind of edit is
named as dnstwist names its domain fuzzers, so a finding reads like the permutation that made
it: ``addition``, ``bitsquatting``, ``homoglyph``, ``hyphenation``, ``insertion``, ``omission``,
``repetition``, ``replacement``, ``transposition``, ``vowel_swap`` (domains add ``tld_swap``,
``added_word`` and ``subdomain``, see ``lookalike.domains``).

References: Damerau (1964) and Boytsov (2011) for OSA; dnstwist (Ulikowski) for the classes.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from .confusables import SEPARATORS, handle_key

__all__ = ["LOOKALIKE_CLASSES", "osa_distance", "max_edits_for", "classify_edit", "strip_separators"]

#: Every class ``classify_edit`` and ``lookalike.domains.classify_domain`` may return.
LOOKALIKE_CLASSES = (
    "homoglyph", "hyphenation", "addition", "insertion", "omission", "repetition", "replacement",
    "transposition", "vowel_swap", "bitsquatting", "two_edits", "tld_swap", "added_word", "subdomain",
    "same_avatar",
)

_VOWELS = frozenset("aeiouy")


def osa_distance(a: str, b: str, cutoff: int | None = None) -> int:
    """Optimal-string-alignment distance; with ``cutoff``, any distance above it is reported
    as ``cutoff + 1`` (faster)."""
    return OSA.distance(a, b, score_cutoff=cutoff)


def max_edits_for(key: str, long_from: int = 8) -> int:
    """How many edits still make a lookalike of ``key``: 1, or 2 for keys of ``long_from``
    or more characters (one edit in a short handle already changes what it reads)."""
    return 2 if len(key) >= long_from else 1


def strip_separators(text: str) -> str:
    return "".join(c for c in text if c not in SEPARATORS)


def _one_edit_class(a: str, b: str) -> str | None:
    """Name the single edit turning ``a`` into ``b`` (both already compared as equal-cased)."""
    if len(b) == len(a) + 1:
        i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
        c = b[i]
        if (i > 0 and b[i - 1] == c) or (i + 1 < len(b) and b[i + 1] == c):
            return "repetition"
        return "addition" if i == len(a) else "insertion"
    if len(b) == len(a) - 1:
        return "omission"
    if len(a) != len(b):
        return None
    diff = [k for k in range(len(a)) if a[k] != b[k]]
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
        return "transposition"
    if len(diff) != 1:
        return None
    x, y = a[diff[0]], b[diff[0]]
    if x in _VOWELS and y in _VOWELS:
        return "vowel_swap"
    if bin(ord(x) ^ ord(y)).count("1") == 1:
        return "bitsquatting"
    return "replacement"


def classify_edit(original: str, candidate: str) -> str:
    """The lookalike class of ``candidate`` with respect to ``original`` (case-insensitive).

    ``hyphenation`` when they differ only in separators, ``homoglyph`` when their handle keys
    (TR39 skeleton + ``EXTRA_MAP``) are equal, else the single edit between them
    (``omission``, ``transposition``, ...; prefixed ``homoglyph+`` when a homoglyph was used
    too), else ``two_edits``. ``identical`` when they are the same string up to case.

    >>> classify_edit("joebiden", "joebidem"), classify_edit("joebiden", "j0ebiden")
    ('replacement', 'homoglyph')
    """
    a, b = original.casefold(), candidate.casefold()
    if a == b:
        return "identical"
    if strip_separators(a) == strip_separators(b):
        return "hyphenation"
    ka, kb = handle_key(a), handle_key(b)
    if ka == kb:
        return "homoglyph"
    ra, rb = strip_separators(a), strip_separators(b)
    if osa_distance(ra, rb, cutoff=1) == 1 and (raw := _one_edit_class(ra, rb)) is not None:
        return raw
    if osa_distance(ka, kb, cutoff=1) == 1 and (keyed := _one_edit_class(ka, kb)) is not None:
        return "homoglyph+" + keyed
    return "two_edits"
