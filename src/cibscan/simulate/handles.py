"""Handles: how ordinary people pick them, how persona factories template them, and how
impersonators make one a single character off.

X/Twitter handles are 1-15 characters of ``[A-Za-z0-9_]`` and unique without regard to case,
so every lookalike here is one edit away (optimal string alignment distance 1, case ignored)
from its original and still a valid, unused handle. The lookalike classes follow dnstwist's
permutation fuzzers (https://github.com/elceef/dnstwist) restricted to the handle alphabet.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "MAX_HANDLE",
    "HandleRegistry",
    "LOOKALIKE_CLASSES",
    "lookalike_handle",
    "ordinary_handle",
    "default_handle",
]

MAX_HANDLE = 15

#: one-edit changes an impersonator makes to a handle
LOOKALIKE_CLASSES = ("homoglyph", "transposition", "insertion", "repetition", "omission", "replacement", "separator")

# ASCII look-alikes (digits for letters and back; capital I for l)
_HOMOGLYPHS = {"o": "0", "0": "o", "l": "I", "i": "1", "1": "l", "e": "3", "a": "4", "s": "5", "g": "9", "b": "8", "z": "2", "t": "7"}
_KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok", "o": "ipl", "p": "ol",
    "a": "qsz", "s": "adw", "d": "sfe", "f": "dgr", "g": "fht", "h": "gjy", "j": "hku", "k": "jli", "l": "ko",
    "z": "asx", "x": "zsc", "c": "xdv", "v": "cfb", "b": "vgn", "n": "bhm", "m": "nj",
}


class HandleRegistry:
    """Handles in use (case-insensitive), so every new one is unique."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def __contains__(self, handle: str) -> bool:
        return handle.lower() in self._taken

    def claim(self, handle: str, rng: np.random.Generator) -> str:
        """``handle`` if free, else the same with digits appended (or replacing its tail)."""
        h = handle[:MAX_HANDLE]
        while h.lower() in self._taken or len(h) < 4:
            digits = str(int(rng.integers(1, 10_000)))
            h = (handle[: MAX_HANDLE - len(digits)] + digits)
        self._taken.add(h.lower())
        return h

    def take(self, handle: str) -> bool:
        """Claim exactly ``handle``; False when it is already taken."""
        if handle.lower() in self._taken:
            return False
        self._taken.add(handle.lower())
        return True


def ordinary_handle(rng: np.random.Generator, given: str, family: str, word: str, style: int) -> str:
    """A handle the way people choose them. ``style``: 0 ``givenfamily``/``given_family``,
    1 the same plus 2-4 digits, 2 the platform's default (given name + 8 digits), 3 a
    nickname word, 4 initial + family name."""
    g, f = given.lower(), family.lower()
    if style == 0:
        return (g + rng.choice(["", "_", ""]) + f)[:MAX_HANDLE]
    if style == 1:
        digits = str(int(rng.integers(1, 10 ** int(rng.integers(2, 5)))))
        return (g + f)[: MAX_HANDLE - len(digits)] + digits
    if style == 2:
        return default_handle(rng, given)
    if style == 3:
        w = word.lower()
        return (w + rng.choice(["", "_", "x", "", "o"]))[:MAX_HANDLE] if len(w) >= 4 else (w + f)[:MAX_HANDLE]
    return (g[:1] + rng.choice(["", "_"]) + f)[:MAX_HANDLE]


def default_handle(rng: np.random.Generator, given: str) -> str:
    """The platform's suggested handle for a new account: the name and 8 digits."""
    digits = "".join(str(d) for d in rng.integers(0, 10, size=8))
    return given[: MAX_HANDLE - 8].capitalize() + digits


def lookalike_handle(handle: str, cls: str, rng: np.random.Generator) -> str | None:
    """A handle one edit from ``handle`` by the change ``cls`` (see ``LOOKALIKE_CLASSES``),
    or ``None`` when that change does not apply (e.g. no homoglyph-able letter)."""
    h = handle
    n = len(h)
    if cls == "homoglyph":
        spots = [i for i, ch in enumerate(h) if ch.lower() in _HOMOGLYPHS]
        if not spots:
            return None
        i = int(rng.choice(spots))
        return h[:i] + _HOMOGLYPHS[h[i].lower()] + h[i + 1:]
    if cls == "transposition":
        spots = [i for i in range(n - 1) if h[i].lower() != h[i + 1].lower()]
        if not spots:
            return None
        i = int(rng.choice(spots))
        return h[:i] + h[i + 1] + h[i] + h[i + 2:]
    if cls == "insertion":
        if n >= MAX_HANDLE:
            return None
        spots = [i for i in range(1, n) if h[i - 1].lower() in _KEYBOARD]
        if not spots:
            return None
        i = int(rng.choice(spots))
        ch = str(rng.choice(list(_KEYBOARD[h[i - 1].lower()])))
        return h[:i] + ch + h[i:]
    if cls == "repetition":
        if n >= MAX_HANDLE:
            return None
        spots = [i for i in range(n) if h[i].isalpha()]
        if not spots:
            return None
        i = int(rng.choice(spots))
        return h[: i + 1] + h[i] + h[i + 1:]
    if cls == "omission":
        if n < 6:
            return None
        i = int(rng.integers(1, n - 1))
        return h[:i] + h[i + 1:]
    if cls == "replacement":
        spots = [i for i in range(n) if h[i].lower() in _KEYBOARD]
        if not spots:
            return None
        i = int(rng.choice(spots))
        ch = str(rng.choice(list(_KEYBOARD[h[i].lower()])))
        return h[:i] + (ch.upper() if h[i].isupper() else ch) + h[i + 1:]
    if cls == "separator":
        if "_" in h:
            i = h.index("_")
            return h[:i] + h[i + 1:]
        if n >= MAX_HANDLE or n < 4:
            return None
        i = int(rng.integers(2, n - 1))
        return h[:i] + "_" + h[i:]
    raise ValueError(f"unknown lookalike class {cls!r}")
