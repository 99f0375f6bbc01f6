"""Which handles are lookalikes of which protected handles, at scale.

``match_handles`` takes the handle keys (``confusables.handle_key``) of the protected
identities and of every candidate account and returns the pairs within the edit budget:
0 edits (same key: homoglyphs, separators) for keys shorter than ``min_edit_length``, 1 edit,
2 edits for keys of ``long_from`` characters or more. Candidates come from a symmetric-deletion
join run in an Ibis backend (``symdel.deletion_hashes``), then each is verified with the OSA
distance, so the work grows with the number of handles, not with their product.

Short handles are where false positives live: one edit turns ``bbc`` into dozens of real,
unrelated handles, so below ``min_edit_length`` only keys that read the same are matched
(``tests/lookalike/test_recall.py`` measures the rate by length).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import ibis
import pyarrow as pa

from .edits import osa_distance
from .symdel import deletion_hashes

__all__ = ["edit_budget", "match_handles"]

_BOTH = 2


def _pair_of(k: str | tuple[str, ...]) -> tuple[str, str]:
    """(lookalike key, plain key); a single key stands for both."""
    if isinstance(k, tuple):
        return (k[0], k[1] if len(k) > 1 else k[0]) if k else ("", "")
    return (k, k)


def _rows(i: int, ks: tuple[str, str]) -> list[tuple[int, int, str]]:
    if not ks[0]:
        return []
    return [(i, _BOTH, ks[0])] if ks[0] == ks[1] else [(i, 0, ks[0]), (i, 1, ks[1])]


def edit_budget(key: str, long_from: int = 8, min_edit_length: int = 5, slack: int = 0) -> int:
    """Edits allowed for a protected key (``slack`` widens it for a candidate that may be up to
    that many characters shorter than the protected key)."""
    n = len(key) + slack
    return 2 if n >= long_from else 1 if n >= min_edit_length else 0


def match_handles(
    original_keys: Sequence[str | tuple[str, ...]],
    candidate_keys: Sequence[str | tuple[str, ...]],
    *,
    con=None,
    long_from: int = 8,
    min_edit_length: int = 5,
) -> list[tuple[int, int, int]]:
    """``(original index, candidate index, OSA distance)`` for every candidate within the edit
    budget of an original. Each entry is a key or a tuple of keys (``handle_keys``: the full
    lookalike key and the plain one); the distance is the smallest between keys of the same
    kind, and the budget is set by the original's first key. Empty keys never match.

    ``con`` is the Ibis backend to run the join in (default: a fresh in-memory DuckDB).

    >>> from cibscan.lookalike import handle_key
    >>> keys = [handle_key(h) for h in ["joebidem", "jo3biden", "bbd", "BBC"]]
    >>> match_handles([handle_key("JoeBiden"), handle_key("bbc")], keys)
    [(0, 0, 1), (0, 1, 0), (1, 3, 0)]
    """
    okeys = [_pair_of(k) for k in original_keys]
    ckeys = [_pair_of(k) for k in candidate_keys]
    o_rows = [r for i, ks in enumerate(okeys) for r in _rows(i, ks)]
    c_rows = [r for i, ks in enumerate(ckeys) for r in _rows(i, ks)]
    if not o_rows or not c_rows:
        return []
    con = con if con is not None else ibis.duckdb.connect()
    budget = [edit_budget(ks[0], long_from, min_edit_length) for ks in okeys]
    o_tab = pa.table({"o": pa.array([r[0] for r in o_rows], pa.int64()), "v": pa.array([r[1] for r in o_rows], pa.int8()),
                      "key": [r[2] for r in o_rows], "me": [budget[r[0]] for r in o_rows]})
    c_tab = pa.table({"c": pa.array([r[0] for r in c_rows], pa.int64()), "cv": pa.array([r[1] for r in c_rows], pa.int8()),
                      "key": [r[2] for r in c_rows],
                      "me": [edit_budget(r[2], long_from, min_edit_length, slack=2) for r in c_rows]})
    # Materialise both deletion tables before joining: DuckDB plans the join of the two
    # unnest expressions several times slower than the join of two stored tables.
    tag = uuid.uuid4().hex[:12]
    names = [f"_symdel_{part}_{tag}" for part in ("ok", "ck", "o", "c")]
    try:
        # (DuckDB also unnests a stored table much faster than a registered Arrow one; plain
        # tables, as temporary ones were ten times slower to fill here)
        ok = con.create_table(names[0], o_tab.append_column("ome", o_tab.column("me")))
        ck = con.create_table(names[1], c_tab)
        od = con.create_table(names[2], deletion_hashes(ok, "key", "me"))
        cd = con.create_table(names[3], deletion_hashes(ck, "key", "me"))
        cd = cd.rename(hc="h", cdel="n_deleted")
        # a key of kind BOTH (2) stands for both kinds; otherwise kinds must agree. A pair within
        # the original's budget meets on a variant with at most that many deletions on each side.
        same_kind = (od.v == cd.cv) | (od.v == _BOTH) | (cd.cv == _BOTH)
        joined = od.join(cd, [od.h == cd.hc, cd.cdel <= od.ome, same_kind])
        found = con.to_pyarrow(joined.select("o", "c").distinct()).to_pydict()
    finally:
        for n in names:
            con.drop_table(n, force=True)
    out = []
    for o, c in zip(found["o"], found["c"]):
        b = budget[o]
        d = min(osa_distance(okeys[o][v], ckeys[c][v], cutoff=b) for v in (0, 1))
        if d <= b:
            out.append((o, c, d))
    return sorted(out)
