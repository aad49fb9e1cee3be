"""pdfplumber's `intersections_to_cells`, the same cells found without its quadratic scans.

pdfplumber finds, for each intersection of rules, the smallest cell it is
the top-left corner of: the points below it and right of it, nearest
first, and a rule joining each pair. It lists those points by scanning
every later point, and tests each pair by building sets of the rules'
boxes afresh (its nested helper's type hints are evaluated at every call):
a third of a native page's grid finding. Here the points are grouped by
column and by row once, and each point's rule boxes made into sets once;
the search and its order are pdfplumber's, so the cells are the same, in
the same order (a test compares the two on the committed PDFs' pages).
"""
from __future__ import annotations

from jixiao.schemas.raw import BBox

#: an intersection: (x, top) -> {"v": vertical edges through it, "h": horizontal ones}
Intersections = dict[tuple[float, float], dict[str, list[dict]]]


def _boxes(edges: list[dict]) -> frozenset[BBox]:
    return frozenset((e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges)


def intersections_to_cells(intersections: Intersections) -> list[BBox]:
    """Every cell whose four corners are intersections joined by rules, as (x0, top, x1, bottom)."""
    points = sorted(intersections)
    vertical = {p: _boxes(intersections[p]["v"]) for p in points}
    horizontal = {p: _boxes(intersections[p]["h"]) for p in points}
    below: dict[tuple[float, float], list[tuple[float, float]]] = {}  # later points of the same column
    right: dict[tuple[float, float], list[tuple[float, float]]] = {}  # later points of the same row
    columns: dict[float, list[tuple[float, float]]] = {}
    rows: dict[float, list[tuple[float, float]]] = {}
    for point in reversed(points):
        column, row = columns.setdefault(point[0], []), rows.setdefault(point[1], [])
        below[point], right[point] = column[::-1], row[::-1]
        column.append(point)
        row.append(point)
    cells = []
    for point in points:
        down = vertical[point]
        across = horizontal[point]
        cell = _smallest(point, [p for p in below[point] if not down.isdisjoint(vertical[p])],
                         [p for p in right[point] if not across.isdisjoint(horizontal[p])], vertical, horizontal)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest(point: tuple[float, float], below: list[tuple[float, float]], right: list[tuple[float, float]],
              vertical: dict[tuple[float, float], frozenset[BBox]],
              horizontal: dict[tuple[float, float], frozenset[BBox]]) -> BBox | None:
    """The first (below, right) pair, in pdfplumber's order, whose far corner closes a cell."""
    for low in below:
        for side in right:
            corner = (side[0], low[1])
            if (corner in vertical and not vertical[corner].isdisjoint(vertical[side])
                    and not horizontal[corner].isdisjoint(horizontal[low])):
                return point[0], point[1], corner[0], corner[1]
    return None
