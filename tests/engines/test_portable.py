"""Expressions that compute the same on every engine (``cibscan.engines.portable``)."""

from __future__ import annotations

import hashlib

import ibis
import pyarrow as pa

from cibscan.engines.portable import HASH_BITS, hash64

VALUES = ["hashtag\x1fnews", "", "ü日本 #tag", None, "link\x1fhttps://example.org/a?b=1", "x" * 500, "\tverpamim\x0b ", " ref\x0c"]


def python_hash64(v: str | None) -> int | None:
    return None if v is None else int(hashlib.md5(v.encode()).hexdigest()[: HASH_BITS // 4], 16)


def test_hash64_is_md5_prefix_on_duckdb(folder_ws):
    t = folder_ws.write_table("v", pa.table({"i": list(range(len(VALUES))), "v": VALUES}))
    got = t.mutate(h=hash64(t.v)).order_by("i").h.to_pyarrow().to_pylist()
    assert got == [python_hash64(v) for v in VALUES]
    assert all(h is None or 0 <= h < 2**HASH_BITS for h in got)


def test_hash64_of_a_literal_is_a_plain_int64():
    assert hash64(ibis.literal("a")).type().is_int64()
