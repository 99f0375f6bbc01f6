"""Symmetric-deletion index: every pair of strings within k edits, without comparing all pairs.

Two strings within Levenshtein (or OSA) distance k share a string reachable from each by at
most k deletions (a substitution is one deletion on each side, an insertion one deletion on
the other, a swap of neighbours one deletion on each side). So index every string under all
its deletions of up to k characters, look each candidate up under its own, and verify the
few strings that meet with an exact distance. Work grows with the number of strings times the
deletion count (about n + n²/2 for k = 2), never with the product of the two sets.

Two forms: ``DeletionIndex`` (a dict of strings, for small sets such as a list of outlet
brands) and ``symmetric_deletion_join`` (vectorised with NumPy, for a million candidate handles
against a 100k-handle watchlist; ``bench/impersonation.py`` measures it). The vectorised form
never builds variant strings: it hashes them (``deletion_hashes``). A polynomial hash of a
string with one or two characters deleted is a sum of prefix sums of the string's weighted
characters, so every variant of every string of one length costs one vector addition. Strings
are grouped by length (a variant of a string of length n has n - deletions characters, so only
strings whose lengths differ by at most the budget can meet), and each candidate string gets
only the deletions some indexed string could still need. Equal variants have equal hashes, so
no pair is missed; two unequal variants that happen to share a hash only add a candidate,
which the exact distance check removes.

References: Garbe, "SymSpell" (2012, symmetric delete spelling correction); Bocek, Hunt &
Stiller, "Fast Similarity Search in Large Dictionaries" (2007, FastSS).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from itertools import combinations

import numpy as np

from .edits import osa_distance

__all__ = ["iter_deletions", "DeletionIndex", "deletion_hashes", "iter_length_groups", "symmetric_deletion_join"]


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


#: Multiplier of the polynomial string hash (odd, so it has an inverse modulo 2^64).
HASH_BASE = np.uint64(0x9E3779B97F4A7C15)
_BASE_INV = np.uint64(pow(int(HASH_BASE), -1, 1 << 64))
#: Variant hashes computed at once for the streamed side (bounds memory: 8 bytes each).
CHUNK_VARIANTS = 1 << 22


def _mix(x: np.ndarray) -> np.ndarray:
    # splitmix64's finaliser: spreads code points over 64 bits. Without it the hashes of short
    # ASCII variants crowd together in the high bits the prefilter bitmap is indexed by.
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def iter_length_groups(strings: Sequence[str]) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """``(length, row numbers, codes)`` for each distinct length among ``strings``: ``codes`` is
    an ``(length, rows)`` uint64 matrix of the mixed code points, one column per string."""
    strings = np.asarray(strings, object)
    lengths = np.fromiter(map(len, strings), np.int64, len(strings))
    order = np.argsort(lengths, kind="stable")
    cuts = np.flatnonzero(np.diff(lengths[order])) + 1
    for rows in np.split(order, cuts):
        if not len(rows):
            continue
        n = int(lengths[rows[0]])
        points = strings[rows].astype(f"<U{max(n, 1)}").view(np.uint32).reshape(len(rows), -1)
        yield n, rows, np.ascontiguousarray(_mix(points[:, :n].T.astype(np.uint64)))


def string_hash(text: str) -> int:
    """The hash ``deletion_hashes`` gives ``text`` (for tests and single strings)."""
    codes = _mix(np.array([ord(c) for c in text], np.uint64))
    h, b = 0, int(HASH_BASE)
    for c in codes.tolist():
        h = (h * b + c) & 0xFFFFFFFFFFFFFFFF
    return h


def _n_variants(n: int, k: int) -> int:
    k = min(k, n)
    return 1 + (n if k >= 1 else 0) + (n * (n - 1) // 2 if k >= 2 else 0)


def deletion_hashes(codes: np.ndarray, max_deletions: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the strings made from each column of ``codes`` (``iter_length_groups``) by
    deleting up to ``max_deletions`` (0, 1 or 2) characters: a ``(variants, strings)`` uint64
    matrix, and how many characters each variant row deleted. Row 0 is the string itself;
    variants that coincide (``aab`` without either ``a``) appear once per deletion.

    The hash of ``s`` is ``sum(mix(s[t]) * B^(n-1-t))`` modulo 2^64. With ``Q`` the prefix sums
    of those terms and ``T`` their total, deleting position ``i`` gives ``Q[i]/B + T - Q[i+1]``
    and deleting ``i < j`` gives ``(Q[i]/B^2 - Q[i+1]/B + T) + (Q[j]/B - Q[j+1])``: the same
    value as hashing the shorter string directly (``string_hash``).
    """
    n, m = codes.shape
    k = min(max_deletions, n)
    rows = _n_variants(n, k)
    out = np.empty((rows, m), np.uint64)
    n_deleted = np.zeros(rows, np.int8)
    with np.errstate(over="ignore"):
        weights = np.ones(n, np.uint64)
        for t in range(n - 2, -1, -1):
            weights[t] = weights[t + 1] * HASH_BASE
        q = np.zeros((n + 1, m), np.uint64)
        np.cumsum(codes * weights[:, None], axis=0, out=q[1:])
        total = q[n]
        out[0] = total
        if k >= 1:
            step = q[:n] * _BASE_INV - q[1:]  # Q[i]/B - Q[i+1]
            np.add(step, total, out=out[1:n + 1])
            n_deleted[1:n + 1] = 1
        if k >= 2:
            at, inv2 = n + 1, _BASE_INV * _BASE_INV
            for i in range(n - 1):
                head = q[i] * inv2 - q[i + 1] * _BASE_INV + total
                np.add(step[i + 1:], head, out=out[at:at + n - 1 - i])
                at += n - 1 - i
            n_deleted[n + 1:] = 2
    return out, n_deleted


def _unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values (NumPy 2's hash-based ``np.unique`` is many times slower on
    millions of int64 here)."""
    x = np.sort(x)
    return x[np.r_[True, x[1:] != x[:-1]]] if len(x) else x


class _HashIndex:
    """64-bit hashes, looked up without binary search: a bitmap over the high bits (a one-hash
    Bloom filter with 64 bits per hash: most streamed variants meet no indexed one and stop
    after one memory read), then a table of where each high-bit bucket starts in the sorted
    hashes (about four per bucket).

    The low bits of each hash are replaced by its entry number before sorting (a plain sort is
    about three times faster than an argsort), so equality is tested on the remaining high
    bits: at least 32 of them, an extra collision once in billions, removed by verification.
    """

    def __init__(self, hashes: np.ndarray):
        n = max(len(hashes), 2)
        low = int(np.ceil(np.log2(n)))
        self.high_mask = np.uint64(((1 << 64) - 1) ^ ((1 << low) - 1))
        packed = (hashes & self.high_mask) | np.arange(len(hashes), dtype=np.uint64)
        packed.sort()
        self.entry = (packed & ~self.high_mask).astype(np.int64)
        self.high = packed & self.high_mask
        del packed
        bits = int(np.clip(low + 6, 16, 31))
        self.shift = np.uint64(64 - bits)
        self.byte_shift = np.uint64(64 - bits + 3)
        self.bitmap = np.zeros(1 << (bits - 3), np.uint8)
        byte = self.high >> self.byte_shift  # sorted, so equal bytes are neighbours
        flags = np.left_shift(np.uint8(1), ((self.high >> self.shift) & np.uint64(7)).astype(np.uint8))
        first = np.flatnonzero(np.r_[True, byte[1:] != byte[:-1]])
        self.bitmap[byte[first]] = np.bitwise_or.reduceat(flags, first)
        buckets = max(low - 2, 1)  # about four hashes per bucket: a small table, short scans
        self.bucket_shift = np.uint64(64 - buckets)
        self.starts = np.zeros((1 << buckets) + 1, np.int64)
        np.cumsum(np.bincount((self.high >> self.bucket_shift).astype(np.intp), minlength=1 << buckets), out=self.starts[1:])

    def lookup(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(query positions, entry numbers)`` of every pair of equal hashes."""
        bit = ((hashes >> self.shift) & np.uint64(7)).astype(np.uint8)
        pos = np.flatnonzero((self.bitmap[hashes >> self.byte_shift] >> bit) & np.uint8(1))
        bucket = hashes[pos] >> self.bucket_shift
        lo = self.starts[bucket]
        count = self.starts[bucket + np.uint64(1)] - lo
        at = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        pos = np.repeat(pos, count)
        equal = self.high[at] == (hashes[pos] & self.high_mask)
        return pos[equal], self.entry[at[equal]]


def symmetric_deletion_join(
    left: Sequence[str],
    left_edits: np.ndarray,
    right: Sequence[str],
    left_owner: np.ndarray | None = None,
    right_owner: np.ndarray | None = None,
) -> np.ndarray:
    """Candidate pairs for every ``(left[i], right[j])`` within ``left_edits[i]`` (0, 1 or 2)
    OSA edits, as sorted unique int64 codes ``owner_left << 32 | owner_right`` (owners default
    to the positions; several strings may share an owner). Every pair within the budget is
    among them; the caller verifies each with the exact distance (``osa_distance``).

    The left side is indexed (each string under its deletions up to its own budget); the right
    side is streamed in chunks, each string under the deletions that some left string of a
    nearby length could need: a pair ``e`` edits apart meets on a variant with at most ``e``
    deletions on either side, and the longer string deletes at least the length difference.
    """
    left_edits = np.asarray(left_edits, np.int8)
    if len(left_edits) and not 0 <= left_edits.min() <= left_edits.max() <= 2:
        raise ValueError("symmetric_deletion_join: edit budgets must be 0, 1 or 2")
    left_owner = np.arange(len(left), dtype=np.int64) if left_owner is None else np.asarray(left_owner, np.int64)
    right_owner = np.arange(len(right), dtype=np.int64) if right_owner is None else np.asarray(right_owner, np.int64)
    hashes, owners, budgets, reach = [], [], [], set()
    for n, rows, codes in iter_length_groups(left):
        for k in np.unique(left_edits[rows]).tolist():
            sel = left_edits[rows] == k
            h, _ = deletion_hashes(codes[:, sel], k)
            hashes.append(h.ravel())
            owners.append(np.tile(left_owner[rows[sel]], len(h)))
            budgets.append(np.full(h.size, k, np.int8))
            reach.add((n, k))
    if not hashes or not len(right):
        return np.empty(0, np.int64)
    index = _HashIndex(np.concatenate(hashes))
    owner, budget = np.concatenate(owners), np.concatenate(budgets)
    del hashes, owners, budgets
    found = []
    for n, rows, codes in iter_length_groups(right):
        # a left string of length n2 and budget k meets this one on at most k - max(0, n2 - n) deletions here
        need = max((k - max(0, n2 - n) for n2, k in reach if abs(n2 - n) <= k), default=-1)
        if need < 0:
            continue
        step = max(1, CHUNK_VARIANTS // _n_variants(n, need))
        for s in range(0, len(rows), step):
            h, n_deleted = deletion_hashes(codes[:, s:s + step], need)
            pos, at = index.lookup(h.ravel())
            ok = n_deleted[pos // h.shape[1]] <= budget[at]  # within the left string's budget
            col = s + pos[ok] % h.shape[1]
            found.append((owner[at[ok]] << 32) | right_owner[rows[col]])
    return _unique(np.concatenate(found)) if found else np.empty(0, np.int64)
