"""pdfplumber's table finder on edges (merge, intersections, cells, tables, rows), the same answers faster.

`pdf_grid` hands pypdfium2's edges to pdfplumber's table functions. Two
costs came with them: importing pdfplumber (pdfminer, Pillow: a tenth of a
second of every run that reads a PDF, when only the slower fallback of
`pdf` needs pdfplumber itself), and `intersections_to_cells`, which lists
the points below and right of each point by scanning every later point and
tests each pair by building sets of the rules' boxes afresh (its nested
helper's type hints evaluated at every call): a third of a native page's
grid finding. Here are the same functions, computing what pdfplumber's
do with its default settings, step for step and in the same order, down
to the floating-point sums, so every cell and row is the same: a test
compares them with pdfplumber's own on every page of the committed PDFs.
Edges are pdfplumber's: dicts with x0, x1, top, bottom, width, height,
orientation ("h" or "v").
"""
from __future__ import annotations

from itertools import groupby
from operator import itemgetter

from jixiao.schemas.raw import BBox

Point = tuple[float, float]


def _snapped(edges: list[dict], attr: str, moved: tuple[str, str], tolerance: float) -> list[dict]:
    """pdfplumber's `snap_objects`: edges whose `attr` values chain within `tolerance` are moved to their
    mean, cluster by cluster in order of value, in input order within one."""
    values = sorted(set(e[attr] for e in edges))
    cluster: dict[float, int] = {}
    number, last = 0, None
    for value in values:
        if last is not None and value > last + tolerance:
            number += 1
        cluster[value] = number
        last = value
    ordered = sorted(edges, key=lambda e: cluster[e[attr]])
    out: list[dict] = []
    for _, group in groupby(ordered, key=lambda e: cluster[e[attr]]):
        members = list(group)
        mean = sum(e[attr] for e in members) / len(members)
        for e in members:
            shift = mean - e[attr]
            out.append({**e, moved[0]: e[moved[0]] + shift, moved[1]: e[moved[1]] + shift})
    return out


def _joined(edges: list[dict], orientation: str, tolerance: float) -> list[dict]:
    """pdfplumber's `join_edge_group`: edges on one line that overlap or nearly meet become one."""
    low, high = ("x0", "x1") if orientation == "h" else ("top", "bottom")
    ordered = sorted(edges, key=itemgetter(low))
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[low] <= last[high] + tolerance:
            if e[high] > last[high]:
                if high == "x1":
                    joined[-1] = {**last, "x1": e["x1"], "width": e["x1"] - last["x0"]}
                else:
                    height = last["height"] + (e["bottom"] - last["bottom"])
                    joined[-1] = {**last, "bottom": e["bottom"], "height": height}
        else:
            joined.append(e)
    return joined


def merge_edges(edges: list[dict], tolerance: float) -> list[dict]:
    """pdfplumber's `merge_edges` with one tolerance to snap and join by: edges snapped to shared lines,
    then joined along each line."""
    snapped = (_snapped([e for e in edges if e["orientation"] == "v"], "x0", ("x0", "x1"), tolerance)
               + _snapped([e for e in edges if e["orientation"] == "h"], "top", ("top", "bottom"), tolerance))

    def line(e: dict) -> tuple[str, float]:
        return ("h", e["top"]) if e["orientation"] == "h" else ("v", e["x0"])

    return [e for key, group in groupby(sorted(snapped, key=line), key=line)
            for e in _joined(list(group), key[0], tolerance)]


def long_enough(edges: list[dict], length: float) -> list[dict]:
    """pdfplumber's `filter_edges` by length alone."""
    return [e for e in edges if e["height" if e["orientation"] == "v" else "width"] >= length]


def intersections(edges: list[dict], tolerance: float) -> dict[Point, dict[str, list[dict]]]:
    """pdfplumber's `edges_to_intersections`: where a vertical and a horizontal edge cross (within
    `tolerance`), the edges through each point."""
    found: dict[Point, dict[str, list[dict]]] = {}
    vertical = sorted((e for e in edges if e["orientation"] == "v"), key=itemgetter("x0", "top"))
    horizontal = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    for v in vertical:
        for h in horizontal:
            if (v["top"] <= h["top"] + tolerance and v["bottom"] >= h["top"] - tolerance
                    and v["x0"] >= h["x0"] - tolerance and v["x0"] <= h["x1"] + tolerance):
                point = found.setdefault((v["x0"], h["top"]), {"v": [], "h": []})
                point["v"].append(v)
                point["h"].append(h)
    return found


def intersections_to_cells(points_found: dict[Point, dict[str, list[dict]]]) -> list[BBox]:
    """pdfplumber's `intersections_to_cells`: for each point, the smallest cell it is the top-left corner
    of (the points below and right of it nearest first, a rule joining each pair), as (x0, top, x1, bottom).

    Two points are joined by a rule when some edge through one has the same
    box as one through the other: each point's edges are a bit mask over the
    distinct boxes, made once, so the test is one `&`. The points below and
    right of each are grouped once, by column and by row.
    """
    points = sorted(points_found)
    numbers: dict[BBox, int] = {}

    def mask(edges: list[dict]) -> int:
        bits = 0
        for e in edges:
            bits |= 1 << numbers.setdefault((e["x0"], e["top"], e["x1"], e["bottom"]), len(numbers))
        return bits

    vertical = {p: mask(points_found[p]["v"]) for p in points}
    horizontal = {p: mask(points_found[p]["h"]) for p in points}
    below: dict[Point, list[Point]] = {}  # later points of the same column, nearest first
    right: dict[Point, list[Point]] = {}  # later points of the same row, nearest first
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    for point in reversed(points):
        column, row = columns.setdefault(point[0], []), rows.setdefault(point[1], [])
        below[point], right[point] = column[::-1], row[::-1]
        column.append(point)
        row.append(point)
    cells = []
    for point in points:
        down, across = vertical[point], horizontal[point]
        cell = _smallest(point, [p for p in below[point] if down & vertical[p]],
                         [p for p in right[point] if across & horizontal[p]], vertical, horizontal)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest(point: Point, below: list[Point], right: list[Point], vertical: dict[Point, int],
              horizontal: dict[Point, int]) -> BBox | None:
    """The first (below, right) pair, in pdfplumber's order, whose far corner closes a cell."""
    for low in below:
        for side in right:
            corner = (side[0], low[1])
            if corner in vertical and vertical[corner] & vertical[side] and horizontal[corner] & horizontal[low]:
                return point[0], point[1], corner[0], corner[1]
    return None


def cells_to_tables(cells: list[BBox]) -> list[list[BBox]]:
    """pdfplumber's `cells_to_tables`: cells grouped into tables by shared corners, top to bottom, left to
    right, tables of one cell dropped."""
    remaining = list(cells)
    corners: set[Point] = set()
    current: list[BBox] = []
    tables = []
    while remaining:
        count = len(current)
        for cell in list(remaining):
            x0, top, x1, bottom = cell
            mine = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(c in corners for c in mine):
                corners.update(mine)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == count:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    return [t for t in sorted(tables, key=lambda t: min((c[1], c[0]) for c in t)) if len(t) > 1]


def table_rows(cells: list[BBox]) -> list[list[BBox | None]]:
    """pdfplumber's `Table.rows` (as lists of cells): the cells by their top, each row with a slot for every
    left edge of the table, None where no cell starts there."""
    lefts = sorted(set(c[0] for c in cells))
    rows = []
    for _, row in groupby(sorted(cells, key=itemgetter(1, 0)), key=itemgetter(1)):
        by_left = {c[0]: c for c in row}
        rows.append([by_left.get(x) for x in lefts])
    return rows
