"""Table grids from ruling lines: pypdfium2 reads the lines, pdfplumber's table finder builds the cells.

pdfplumber's table finder needs only the page's edges, but pdfplumber gets
them by parsing the whole page with pdfminer, characters included (about
80 ms a page, 260 ms with Type 3 fonts). pypdfium2 lists the same path
objects in a few milliseconds, so the edges are taken from it and handed to
pdfplumber's merge/intersection/cell/table functions (as `pdf_cells` computes
them, without importing pdfplumber), with pdfplumber's default tolerances.
When a page draws no usable lines this way, the caller falls back to
pdfplumber's full parse, then to camelot.
"""
from __future__ import annotations

import pypdfium2 as pdfium

from jixiao.extract.pdf_cells import (
    cells_to_tables,
    intersections,
    intersections_to_cells,
    long_enough,
    merge_edges,
    table_rows,
)
from jixiao.extract.pdfium_raw import path_bounds
from jixiao.schemas.raw import BBox

#: pdfplumber's TableSettings defaults (snap, join, intersection, edge length)
TOLERANCE = 3
MIN_LENGTH = 3
#: a path thinner than this is a line, not an area
THIN = 2.5


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict | None:
    if bottom - top < THIN and x1 - x0 >= MIN_LENGTH:
        y = (top + bottom) / 2
        return {"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0,
                "orientation": "h", "object_type": "line"}
    if x1 - x0 < THIN and bottom - top >= MIN_LENGTH:
        x = (x0 + x1) / 2
        return {"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top,
                "orientation": "v", "object_type": "line"}
    return None


def page_edges(page: pdfium.PdfPage) -> list[dict]:
    """Horizontal and vertical edges of the page's paths, in top-left coordinates.

    A thin path is one line; any other path contributes its box's four sides,
    as pdfplumber does for rectangles (cell borders drawn as boxes).
    """
    height = page.get_height()
    edges: list[dict] = []
    for left, bottom, right, top in path_bounds(page):
        x0, y0, x1, y1 = left, height - top, right, height - bottom
        if x1 - x0 < THIN or y1 - y0 < THIN:
            sides = [(x0, y0, x1, y1)]
        else:
            sides = [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]
        edges.extend(e for e in (_edge(*side) for side in sides) if e is not None)
    return edges


def _cells(edges: list[dict], merged: list[dict] | None = None) -> list[BBox]:
    """The cells the edges close; `merged` is `merge_edges(edges)` when the caller has it already."""
    merged = long_enough(merge_edges(edges, TOLERANCE) if merged is None else merged, MIN_LENGTH)
    return intersections_to_cells(intersections(merged, TOLERANCE))


def _box(cells: list[BBox]) -> BBox:
    x0, top, x1, bottom = zip(*cells, strict=True)
    return min(x0), min(top), max(x1), max(bottom)


def _holes(cells: list[BBox]) -> bool:
    """The cells leave part of their table's box uncovered (more than a sliver).

    One missing cell is a hole: the foot of a merged label a page break cut,
    which Calc draws with no border below (a cell of 70 x 14 points, 0.4% of
    its table), so the bar is a thousandth of the box, not more.
    """
    x0, top, x1, bottom = _box(cells)
    covered = sum((c[2] - c[0]) * (c[3] - c[1]) for c in cells)
    return covered < (x1 - x0) * (bottom - top) * 0.999


def _closing_edges(cells: list[BBox], edges: list[dict]) -> list[dict]:
    """Borders that close a table a page break left open: across its whole width, where its
    vertical rules start and where they end.

    A page break cuts a table whose merged cells (绩效指标, 产出指标 over
    many rows, 项目资金 over its amounts) go on over the next page: Chromium
    and Word then draw no border under them at the page's foot, nor over the
    first row at the next page's head. Those cells and rows are open, so
    pdfplumber finds no cell there, and their text is lost. Closing the
    table where its rules end makes them cells again; a closed table gains
    nothing. It is closed there only: a border at the top of the cells found
    would cut the merged cells that run up past them (可持续影响指标 over
    two rows, its note (必填) then read into the row below).
    """
    x0, top, x1, bottom = _box(cells)
    rules = [e for e in edges if e["orientation"] == "v" and x0 - TOLERANCE <= e["x0"] <= x1 + TOLERANCE
             and e["bottom"] >= top - TOLERANCE and e["top"] <= bottom + TOLERANCE]
    first = min((e["top"] for e in rules), default=top)
    last = max((e["bottom"] for e in rules), default=bottom)
    beside = [e["x0"] for e in _rules_beside(cells, edges)]
    left, right = min([x0, *beside]), max([x1, *beside])
    return [e for e in (_edge(left, y, right, y) for y in {first, last}) if e is not None]


def _rules_beside(cells: list[BBox], edges: list[dict]) -> list[dict]:
    """Vertical rules left or right of the table that run down its whole height: columns the table lost.

    On the page after a break, the columns whose merged cells (绩效指标,
    产出指标, 成本指标) go on from the page before have no border at the
    page's head (LibreOffice), so no cell there closes and the table found
    starts right of them; their rules still run beside it from top to bottom.
    """
    x0, top, x1, bottom = _box(cells)
    return [e for e in edges if e["orientation"] == "v" and (e["x0"] < x0 - TOLERANCE or e["x0"] > x1 + TOLERANCE)
            and e["top"] <= top + TOLERANCE and e["bottom"] >= bottom - TOLERANCE]


def _open(cells: list[BBox], edges: list[dict]) -> bool:
    """Part of the table has no cell: a hole inside, or rules running on past its top or bottom.

    `edges` are joined (pdfplumber's merge): Chromium draws each row's side rules on their
    own, from a fraction of a point under its top border, and a rule of the row past the
    table's last border would otherwise not be seen to run on from it.
    """
    x0, top, x1, bottom = _box(cells)
    runs_on = any(
        e["orientation"] == "v" and x0 - TOLERANCE <= e["x0"] <= x1 + TOLERANCE
        and (
            top - MIN_LENGTH > e["top"] and e["bottom"] > top or bottom + MIN_LENGTH < e["bottom"] and e["top"] < bottom
        )
        for e in edges
    )
    return runs_on or _holes(cells) or bool(_rules_beside(cells, edges))


def _fragment_edges(edges: list[dict], ends: tuple[str, ...]) -> list[dict]:
    """Borders for a piece of a table that closes no cell: rules that start and end together, closed at `ends`.

    Chromium draws the piece of a table a page break carried onto the next
    page with no border at its top. When the piece is one row (the form's
    last row, 服务对象满意度指标 | … | ≥95%), its rules and bottom border close
    no cell at all, and the row would need the slower engines (camelot reads
    it, from the page's image), or, with another table below it on the page,
    be read as loose lines. Three or more vertical rules sharing their top
    and bottom are such a piece. Alone on its page it is closed at both
    ends; above the tables found, at its top only (a rule closing its foot
    would cut a merged cell of the table it belongs to).
    """
    groups: list[list[dict]] = []
    for rule in sorted((e for e in edges if e["orientation"] == "v"), key=lambda e: (e["top"], e["bottom"])):
        group = next((g for g in groups if abs(g[0]["top"] - rule["top"]) <= TOLERANCE
                      and abs(g[0]["bottom"] - rule["bottom"]) <= TOLERANCE), None)
        if group is None:
            groups.append([rule])
        else:
            group.append(rule)
    closing = []
    for group in (g for g in groups if len(g) >= 3):
        left, right = min(e["x0"] for e in group), max(e["x0"] for e in group)
        for y in (group[0][end] for end in ends):
            edge = _edge(left, y, right, y)
            if edge is not None:
                closing.append(edge)
    return closing


def grids_from_edges(edges: list[dict]) -> list[tuple[BBox, list[list[BBox | None]]]]:
    """Tables as (bbox, rows of cell boxes, None where a merged cell covers the slot)."""
    tables = []
    # Chromium draws each row's side rules on their own: joined, they show how far a column's rules run
    joined = merge_edges(edges, TOLERANCE)  # merged once, for the cells and for that
    pieces = cells_to_tables(_cells(edges, joined))
    if not pieces:
        fragment = _fragment_edges(edges, ("top", "bottom"))
    else:  # a piece carried to the page's top above another table: only its top border is missing
        first = min(_box(p)[1] for p in pieces)
        fragment = _fragment_edges([e for e in edges if e["bottom"] <= first + TOLERANCE], ("top",))
    if fragment:
        pieces = cells_to_tables(_cells(edges + fragment))
    for table_cells in pieces:
        if _open(table_cells, joined):
            closed = edges + _closing_edges(table_cells, joined)
            region = _box(table_cells)
            found = [t for t in cells_to_tables(_cells(closed)) if _overlaps(_box(t), region)]
            table_cells = max(found, key=len)
        tables.append((_box(table_cells), table_rows(table_cells)))
    return tables


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
