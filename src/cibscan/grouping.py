"""Transitive grouping of items linked pairwise (union-find), shared by the detectors that
merge near-duplicates or overlapping campaigns."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["linked_groups"]


def linked_groups(n: int, linked: Callable[[int, int], bool]) -> list[list[int]]:
    """Groups of the indexes ``0..n-1`` joined transitively by every pair ``i < j`` for which
    ``linked(i, j)`` is true. Each group is sorted; groups are ordered by their first index.
    Tests all pairs (``n * (n - 1) / 2`` calls): for the small sets it is used on.

    Union-find with path halving (Tarjan, "Efficiency of a Good But Not Linear Set Union
    Algorithm", JACM 1975).

    >>> linked_groups(5, lambda i, j: j == i + 1 and i != 1)
    [[0, 1], [2, 3, 4]]
    """
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if linked(i, j):
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])
