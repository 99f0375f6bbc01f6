"""Symmetric-deletion index: every pair of strings within k edits, without comparing all pairs.

Two strings within Levenshtein (or OSA) distance k share a string reachable from each by at
most k deletions (a substitution is one deletion on each side, an insertion one deletion on
the other, a swap of neighbours one deletion on each side). So index every string under all
its deletions of up to k characters, look each candidate up under its own, and verify the
few strings that meet with an exact distance. Work grows with the number of strings times the
deletion count (about n + n²/2 for k = 2), never with the product of the two sets.

Two forms: ``DeletionIndex`` (in memory, for small sets such as a list of outlet brands) and
``deletion_hashes`` (an Ibis expression, so a million candidate handles are joined against a
100k-handle watchlist in the engine; ``bench/impersonation.py`` measures it).

References: Garbe, "SymSpell" (2012, symmetric delete spelling correction); Bocek, Hunt &
Stiller, "Fast Similarity Search in Large Dictionaries" (2007, FastSS).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from itertools import combinations

import ibis

from .edits import osa_distance

__all__ = ["iter_deletions", "DeletionIndex", "deletion_hashes"]


def iter_deletions(text: str, max_deletions: int) -> Iterator[str]:
    """``text`` and every string made from it by deleting up to ``max_deletions`` characters
    (each distinct string once).

    >>> sorted(iter_deletions("abc", 1))
    ['ab', 'abc', 'ac', 'bc']
    """
    seen = {text}
    yield text
    for k in range(1, min(max_deletions, len(text)) + 1):
        for drop in combinations(range(len(text)), k):
            s = "".join(c for i, c in enumerate(text) if i not in drop)
            if s not in seen:
                seen.add(s)
                yield s


class DeletionIndex:
    """An in-memory symmetric-deletion index of strings, each carrying a payload.

    ``max_edits(key)`` says how many edits still count as a match for an indexed key (e.g.
    1 for short keys, 2 for long ones). ``lookup`` returns ``(payload, key, distance)`` for
    every indexed key within that many OSA edits of the query.

    >>> idx = DeletionIndex(lambda key: 1)
    >>> idx.add("joebiden", "original")
    >>> idx.lookup("joebidem")
    [('original', 'joebiden', 1)]
    """

    def __init__(self, max_edits: Callable[[str], int]):
        self.max_edits = max_edits
        self._by_deletion: dict[str, list[int]] = defaultdict(list)
        self._keys: list[str] = []
        self._payloads: list[Hashable] = []
        self._reach = 0

    def add(self, key: str, payload: Hashable) -> None:
        n = len(self._keys)
        self._keys.append(key)
        self._payloads.append(payload)
        k = self.max_edits(key)
        self._reach = max(self._reach, k)
        for d in iter_deletions(key, k):
            self._by_deletion[d].append(n)

    def extend(self, items: Iterable[tuple[str, Hashable]]) -> None:
        for key, payload in items:
            self.add(key, payload)

    def lookup(self, query: str) -> list[tuple[Hashable, str, int]]:
        hits: set[int] = set()
        for d in iter_deletions(query, self._reach):
            hits.update(self._by_deletion.get(d, ()))
        out = []
        for n in sorted(hits):
            key = self._keys[n]
            k = self.max_edits(key)
            dist = osa_distance(query, key, cutoff=k)
            if dist <= k:
                out.append((self._payloads[n], key, dist))
        return out

    def __len__(self) -> int:
        return len(self._keys)


def deletion_hashes(table: ibis.Table, key: str, max_edits: str) -> ibis.Table:
    """Rows ``(<other columns>, h, n_deleted)``: one per deletion variant ``h`` of
    ``table[key]`` with up to ``table[max_edits]`` (0, 1 or 2) characters deleted, and how
    many characters were deleted (a pair within k edits meets on a variant with at most k
    deletions on each side, so joins may drop variants deleted more than the budget).

    Join two such expressions on ``h`` to get candidate pairs within the edit budget, then
    verify them with an exact distance. (The variants stay strings: Ibis' int64 ``hash()``
    round-trips through a BIT cast on DuckDB, which cost more than the string join saves.)
    Written in Ibis so it runs in any backend; ``substr`` offsets are 0-based.
    """
    keep = [c for c in table.columns if c not in (key, max_edits)]
    k = table[key]
    d0 = table.select(*keep, h=k, n_deleted=ibis.literal(0, "int8"))
    t1 = table.filter(table[max_edits] >= 1, k.length() > 0)
    t1 = t1.select(*keep, _key=t1[key], _me=t1[max_edits], _i=ibis.range(0, t1[key].length()).unnest())
    d1 = t1.select(*keep, h=t1._key.substr(0, t1._i) + t1._key.substr(t1._i + 1), n_deleted=ibis.literal(1, "int8"))
    t2 = t1.filter(t1._me >= 2)
    t2 = t2.select(*keep, "_key", "_i", _j=ibis.range(t2._i + 1, t2._key.length()).unnest())
    d2 = t2.select(*keep, h=(t2._key.substr(0, t2._i) + t2._key.substr(t2._i + 1, t2._j - t2._i - 1)
                             + t2._key.substr(t2._j + 1)), n_deleted=ibis.literal(2, "int8"))
    return d0.union(d1).union(d2)
