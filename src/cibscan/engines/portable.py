"""Expressions that give the same value on every engine, where Ibis' own do not.

``ibis`` compiles ``.hash()`` to each engine's native hash: DuckDB's 64-bit ``hash`` and
Spark's 32-bit Murmur3 ``hash``. Keys built with it differ between engines, so a table written
by one engine cannot be joined with keys computed by the other, and at Spark's 32 bits distinct
keys collide (about 12,000 colliding pairs among 10 million keys; a collision merges two
hashtags or URLs into one "shared target"). ``hash64`` is the same on both, 60 bits wide.
"""

from __future__ import annotations

import ibis

__all__ = ["hash64", "HASH_BITS"]

#: bits of ``hash64`` (15 hex digits of MD5): 10⁹ distinct keys give ~0.4 expected collisions
HASH_BITS = 60
_DIGITS = HASH_BITS // 4


def hash64(s: ibis.Value) -> ibis.Value:
    """A non-negative int64 hash of a string that DuckDB and Spark compute identically: the
    first 60 bits of its MD5 digest (``int(md5(s).hexdigest()[:15], 16)`` in Python).

    Built from ``hexdigest``, ``substr`` and ``ascii``, which both engines have; null gives
    null.

    >>> import hashlib
    >>> int(hashlib.md5(b"hashtag\\x1fnews").hexdigest()[:15], 16)
    1087562687410934785
    """
    hexd = s.hexdigest("md5")
    total = None
    for i in range(_DIGITS):
        c = hexd.substr(i, 1).ascii_str().cast("int64")  # '0'-'9' -> 48-57, 'a'-'f' -> 97-102
        digit = c - 48 - (c >= 97).ifelse(39, 0)
        term = digit * (16 ** (_DIGITS - 1 - i))
        total = term if total is None else total + term
    return total.cast("int64")
