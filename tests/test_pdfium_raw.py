"""The reader's direct pdfium calls and its table finder give what pypdfium2's and pdfplumber's own do.

`pdfium_raw` and `pdf_cells` exist for speed alone: on every page of the
committed text-layer PDFs, each must answer exactly as the library call it
stands for (pypdfium2 and pdfplumber are dependencies, so both are asked).
"""
from __future__ import annotations

import random
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pdfplumber import table as plumber_table
from pdfplumber.utils import filter_edges

from conftest import ROOT
from jixiao.extract import pdf_cells, pdf_grid
from jixiao.extract.pdfium_raw import bounded_text, path_bounds

FIXTURES = ROOT / "tests" / "fixtures"
PDFS = sorted(p for folder in ("native", "layouts", "pdf_pages", "templates") for p in (FIXTURES / folder).glob("*.pdf")
              if "scan" not in p.name)


def _pages(pdf: Path):
    document = pdfium.PdfDocument(pdf.read_bytes())
    try:
        for index in range(len(document)):
            yield document[index]
    finally:
        document.close()


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.name)
def test_bounded_text_and_path_bounds_are_pypdfium2s(pdf):
    """Every text run's box, random boxes (some past the page) and the whole page read alike; the paths
    are the same, in the same order."""
    rng = random.Random(pdf.name)
    for page in _pages(pdf):
        textpage = page.get_textpage()
        width, height = page.get_width(), page.get_height()
        boxes = [textpage.get_rect(i) for i in range(textpage.count_rects())] + [(0, 0, width, height)]
        for _ in range(30):
            left, right = sorted(rng.uniform(-5, width + 5) for _ in range(2))
            bottom, top = sorted(rng.uniform(-5, height + 5) for _ in range(2))
            boxes.append((left, bottom, right, top))
        for box in boxes:
            assert bounded_text(textpage, *box) == textpage.get_text_bounded(*box)
        expected = [obj.get_bounds() for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,))]
        assert list(path_bounds(page)) == expected


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.name)
def test_table_finding_is_pdfplumbers(pdf):
    """Merged edges, intersections, cells, tables and rows as pdfplumber's functions give them, on each
    page's edges and on them with its fragments closed."""
    for page in _pages(pdf):
        edges = pdf_grid.page_edges(page)
        for extra in ([], pdf_grid._fragment_edges(edges, ("top", "bottom"))):
            merged = pdf_cells.merge_edges(edges + extra, 3)
            assert merged == plumber_table.merge_edges(edges + extra, 3, 3, 3, 3)
            kept = pdf_cells.long_enough(merged, 3)
            assert kept == filter_edges(merged, min_length=3)
            points = pdf_cells.intersections(kept, 3)
            assert points == plumber_table.edges_to_intersections(kept, 3, 3)
            cells = pdf_cells.intersections_to_cells(points)
            assert cells == plumber_table.intersections_to_cells(points)
            tables = pdf_cells.cells_to_tables(cells)
            assert tables == plumber_table.cells_to_tables(cells)
            for table in tables:
                rows = [list(row.cells) for row in plumber_table.Table(None, table).rows]  # type: ignore[arg-type]
                assert pdf_cells.table_rows(table) == rows
