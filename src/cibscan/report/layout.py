"""Node positions for the report's network view, computed once in Python.

The browser only draws (WebGL, sigma.js); it runs no force layout, so a report with 10,000+
accounts opens at once and looks the same every time. Each cluster is a disc: its members on a
Vogel sunflower spiral (Vogel 1979, "A better way to construct the sunflower head"), strongest
member in the centre, one unit apart; the discs are packed in rows, largest first ("shelf"
packing). Deterministic: the same members give the same picture, no seed involved. For a
free-form layout of the same graph, export it (GEXF/GraphML) to Gephi.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["sunflower", "cluster_layout"]

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
#: Empty space between two cluster discs, in node spacings.
CLUSTER_GAP = 2.0
#: Width over height of the packed picture (a wide screen).
ASPECT = 1.6


def sunflower(n: int) -> list[tuple[float, float]]:
    """``n`` points on a Vogel spiral of unit spacing, the first at the centre."""
    return [(math.sqrt(i) * math.cos(i * GOLDEN_ANGLE), math.sqrt(i) * math.sin(i * GOLDEN_ANGLE)) for i in range(n)]


def cluster_layout(members: Iterable[tuple[str, str, float]]) -> dict[str, tuple[float, float]]:
    """Positions ``{account_id: (x, y)}`` for ``(cluster_id, account_id, strength)`` rows.

    An account listed in several clusters is placed with the first one it appears in.
    """
    clusters: dict[str, list[tuple[float, str]]] = {}
    seen: set[str] = set()
    for cid, acc, strength in members:
        if acc in seen:
            continue
        seen.add(acc)
        clusters.setdefault(cid, []).append((-(strength or 0.0), acc))
    order = sorted(clusters, key=lambda c: (-len(clusters[c]), c))
    radius = {c: math.sqrt(len(clusters[c])) + CLUSTER_GAP / 2 for c in order}
    width = max(
        2 * radius[order[0]] if order else 1.0,
        math.sqrt(sum((2 * r) ** 2 for r in radius.values()) * ASPECT) * 1.05,
    )
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for c in order:
        r = radius[c]
        if x > 0 and x + 2 * r > width:  # next shelf
            x, y, row_height = 0.0, y + row_height, 0.0
        cx, cy = x + r, y + r
        for (px, py), (_, acc) in zip(sunflower(len(clusters[c])), sorted(clusters[c])):
            pos[acc] = (round(cx + px, 3), round(-(cy + py), 3))  # y grows downward on screen
        x += 2 * r
        row_height = max(row_height, 2 * r)
    return pos
