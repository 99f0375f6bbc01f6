"""Near-duplicate lookup of binary hashes without a linear scan.

``BinaryHashIndex`` finds every stored hash within a Hamming radius of a query. For large sets
it uses faiss's multi-index hashing (``IndexBinaryMultiHash``): the bits are cut into
``nhash`` substrings of ``b`` bits, each substring is a hash-table key, and a query probes its
own substrings with up to ``nflip`` bits flipped. By the pigeonhole principle, two hashes within
``r`` bits agree to within ``r // nhash`` bits on at least one substring, so choosing
``nhash * (nflip + 1) > r`` makes the lookup exact (no match is missed), while a query touches
only a few buckets. Small sets (below ``linear_below``) are scanned with numpy, which is faster
there and needs no faiss.

References: Norouzi, Punjani & Fleet, "Fast Search in Hamming Space with Multi-Index Hashing"
(CVPR 2012); Johnson, Douze & Jégou, "Billion-scale similarity search with GPUs" (faiss, 2017).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["BinaryHashIndex", "hex_to_codes"]

_SUBSTRING_BITS = 16
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def hex_to_codes(hashes: Sequence[str], bits: int) -> np.ndarray:
    """Hex hashes as an ``(n, bits/8)`` uint8 array (faiss's binary code layout)."""
    nbytes = bits // 8
    buf = bytearray()
    for h in hashes:
        raw = bytes.fromhex(h)
        if len(raw) != nbytes:
            raise ValueError(f"hash {h[:20]!r} has {len(raw) * 8} bits, expected {bits}")
        buf += raw
    return np.frombuffer(bytes(buf), dtype=np.uint8).reshape(len(hashes), nbytes)


class BinaryHashIndex:
    """Hashes (hex strings of ``bits`` bits) with ids, searchable by Hamming radius.

    Parameters
    ----------
    bits : int
        Hash length: 256 for PDQ, 64 for pHash.
    radius : int
        The largest distance searches will ask for; sets the multi-index parameters so that
        searches up to it are exact.
    linear_below : int, default 2000
        Below this many hashes, search by a numpy scan instead of faiss.

    >>> idx = BinaryHashIndex(bits=64, radius=4)
    >>> idx.add(["a", "b"], ["ffffffffffffffff", "0000000000000000"])
    >>> idx.search("fffffffffffffff0", 4)
    [('a', 4)]
    """

    def __init__(self, bits: int = 256, radius: int = 31, linear_below: int = 2000):
        if bits % _SUBSTRING_BITS:
            raise ValueError(f"bits must be a multiple of {_SUBSTRING_BITS}")
        self.bits = bits
        self.radius = radius
        self.linear_below = linear_below
        self.ids: list = []
        self._chunks: list[np.ndarray] = []
        self._codes: np.ndarray | None = None
        self._faiss = None

    def add(self, ids: Sequence, hashes: Sequence[str]) -> None:
        if len(ids) != len(hashes):
            raise ValueError("ids and hashes differ in length")
        self.ids.extend(ids)
        self._chunks.append(hex_to_codes(hashes, self.bits))
        self._codes = None
        self._faiss = None

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def codes(self) -> np.ndarray:
        if self._codes is None:
            self._codes = np.concatenate(self._chunks) if self._chunks else np.zeros((0, self.bits // 8), np.uint8)
            self._chunks = [self._codes]
        return self._codes

    @property
    def uses_faiss(self) -> bool:
        return len(self) >= self.linear_below and _faiss() is not None

    def _faiss_index(self):
        if self._faiss is None:
            faiss = _faiss()
            nhash = self.bits // _SUBSTRING_BITS
            index = faiss.IndexBinaryMultiHash(self.bits, nhash, _SUBSTRING_BITS)
            # exact up to self.radius: nhash * (nflip + 1) > radius
            index.nflip = max(0, -(-(self.radius + 1) // nhash) - 1)
            index.add(self.codes)
            self._faiss = index
        return self._faiss

    def search_many(self, hashes: Sequence[str], radius: int | None = None) -> list[list[tuple[object, int]]]:
        """For each query hash, the ``(id, distance)`` of stored hashes within ``radius``
        (default: the index radius), nearest first."""
        r = self.radius if radius is None else radius
        if r > self.radius:
            raise ValueError(f"radius {r} is above the index's {self.radius}")
        if not hashes or not len(self):
            return [[] for _ in hashes]
        queries = hex_to_codes(hashes, self.bits)
        out: list[list[tuple[object, int]]] = []
        if self.uses_faiss:
            lims, dist, idx = self._faiss_index().range_search(queries, r + 1)  # faiss keeps d < radius
            for q in range(len(hashes)):
                found = sorted(zip(dist[lims[q]:lims[q + 1]].tolist(), idx[lims[q]:lims[q + 1]].tolist()))
                out.append([(self.ids[i], int(d)) for d, i in found])
            return out
        codes = self.codes
        for q in queries:
            d = _POPCOUNT[np.bitwise_xor(codes, q)].sum(axis=1, dtype=np.int32)
            hit = np.flatnonzero(d <= r)
            order = hit[np.argsort(d[hit], kind="stable")]
            out.append([(self.ids[i], int(d[i])) for i in order])
        return out

    def search(self, hash_hex: str, radius: int | None = None) -> list[tuple[object, int]]:
        return self.search_many([hash_hex], radius)[0]


def _faiss():
    try:
        import faiss
    except ImportError:  # optional: the numpy scan still answers, only slower on big sets
        return None
    return faiss
