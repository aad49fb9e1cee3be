"""Table grids from ruling lines: pypdfium2 reads the lines, pdfplumber builds the cells.

pdfplumber's table finder needs only the page's edges, but pdfplumber gets
them by parsing the whole page with pdfminer, characters included (about
80 ms a page, 260 ms with Type 3 fonts). pypdfium2 lists the same path
objects in a few milliseconds, so the edges are taken from it and handed to
pdfplumber's own merge/intersection/cell/table functions, with pdfplumber's
default tolerances. When a page draws no usable lines this way, the caller
falls back to pdfplumber's full parse, then to camelot.
"""
from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber import table as plumber_table
from pdfplumber.utils import filter_edges

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
    edges = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,)):
        left, bottom, right, top = obj.get_bounds()
        x0, y0, x1, y1 = left, height - top, right, height - bottom
        if x1 - x0 < THIN or y1 - y0 < THIN:
            sides = [(x0, y0, x1, y1)]
        else:
            sides = [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]
        edges.extend(e for e in (_edge(*side) for side in sides) if e is not None)
    return edges


def grids_from_edges(edges: list[dict]) -> list[tuple[BBox, list[list[BBox | None]]]]:
    """Tables as (bbox, rows of cell boxes, None where a merged cell covers the slot)."""
    merged = filter_edges(
        plumber_table.merge_edges(edges, TOLERANCE, TOLERANCE, TOLERANCE, TOLERANCE), min_length=MIN_LENGTH
    )
    cells = plumber_table.intersections_to_cells(plumber_table.edges_to_intersections(merged, TOLERANCE, TOLERANCE))
    tables = []
    for table_cells in plumber_table.cells_to_tables(cells):
        rows = [list(row.cells) for row in plumber_table.Table(None, table_cells).rows]
        bbox = (
            min(c[0] for c in table_cells), min(c[1] for c in table_cells),
            max(c[2] for c in table_cells), max(c[3] for c in table_cells),
        )
        tables.append((bbox, rows))
    return tables
