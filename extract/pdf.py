"""PDFs with a text layer: table grids from pdfplumber (or camelot), text from pypdfium2.

The engines are used for what they are good at. pdfplumber (and camelot's
lattice parser, the second engine) find the ruling lines and so the cell
grid, merged cells included; the text inside each cell is then read by
pypdfium2 from the cell's box, because pdfminer (under both engines)
returns radical code points or `(cid:N)` for the Type 3 and unmapped CJK
fonts Word, WPS and Chromium write, and camelot scrambles CJK line order.
Text outside tables (附件 line, title, year) becomes one-cell rows; all rows
of a page are put in reading order, pages one after another, so a table
continued on the next page goes on (its repeated header row dropped, what
the break cut mended: page_breaks) and several forms on one page split at
their titles. pdf_page holds a page's text and grids, pdf_grid the fast
grid finder, pdf_spill the reading of a page whose text runs over its rules.
"""
from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium

from jixiao.extract import Engine
from jixiao.extract.forms import split_forms
from jixiao.extract.limits import ReadLimits, check_pages
from jixiao.extract.page_breaks import join_split_rows, page_rows
from jixiao.extract.pdf_grid import grids_from_edges, page_edges
from jixiao.extract.pdf_page import Grid, PageRows, PageText, join_stacked, runs, spills, text_lines
from jixiao.extract.pdf_spill import cell_texts
from jixiao.extract.repeated_headers import drop_repeated_headers
from jixiao.schemas.errors import UnreadableFile
from jixiao.schemas.form import SourceFormat
from jixiao.schemas.markers import SUBJECT_LABELS
from jixiao.schemas.raw import BBox, Frame, RawDocument

if TYPE_CHECKING:
    import pdfplumber

logging.getLogger("pdfminer").setLevel(logging.ERROR)

#: a page with more characters than this carries text; a scanned page may hold a few (an OCR'd page number)
_TEXT_CHARS = 20



def _fast_grids(page: pdfium.PdfPage) -> list[Grid]:
    """pdfplumber's table algorithm on edges read by pypdfium2 (see pdf_grid)."""
    return [Grid(bbox, rows, "pdfplumber") for bbox, rows in grids_from_edges(page_edges(page))]


def _plumber_grids(page: pdfplumber.page.Page) -> list[Grid]:
    """pdfplumber's own full parse: slower, for pages whose lines pypdfium2 did not yield."""
    grids = []
    for table in page.find_tables():
        rows = [[_bbox(c) if c is not None else None for c in row.cells] for row in table.rows]
        grids.append(Grid(_bbox(table.bbox), rows, "pdfplumber"))
    return grids


def _bbox(box: Sequence[float]) -> BBox:
    """pdfplumber's (x0, top, x1, bottom) as a tuple of four: cells are dictionary keys."""
    return (box[0], box[1], box[2], box[3])


def _camelot_grids(path: Path, page_number: int, height: float) -> list[Grid]:
    """camelot lattice cells, merged spans rebuilt from the missing edges."""
    import camelot

    grids = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # camelot warns per page without a table: that is an answer, not a fault
        tables = list(camelot.read_pdf(str(path), flavor="lattice", pages=str(page_number)))
    for table in tables:
        cells = table.cells
        rows: list[list[BBox | None]] = []
        for r, row in enumerate(cells):
            out_row: list[BBox | None] = []
            for c, cell in enumerate(row):
                if (c > 0 and not cell.left) or (r > 0 and not cell.top):
                    out_row.append(None)
                    continue
                c_end = c
                while c_end + 1 < len(row) and not row[c_end + 1].left:
                    c_end += 1
                r_end = r
                while r_end + 1 < len(cells) and not cells[r_end + 1][c].top:
                    r_end += 1
                far = cells[r_end][c_end]
                out_row.append((cell.x1, height - cell.y2, far.x2, height - far.y1))
            rows.append(out_row)
        x1, y1, x2, y2 = table._bbox
        grids.append(Grid((x1, height - y2, x2, height - y1), rows, "camelot"))
    return grids


def _well_formed(grids: list[Grid]) -> bool:
    """Usable tables: several columns, no row without a cell, and some table of several rows, or one alone.

    A one-row table is fine beside others: a form whose first row is the last
    thing on a page (项目名称 | …) leaves exactly that. Alone it is the last
    row of a form carried onto a page of its own; pdfplumber and camelot read
    it alike, so they are not asked again (on the layout bed, 16 of the 21
    pages that went to the slower engines).
    """
    return bool(grids) and (len(grids) == 1 or any(len(g.rows) >= 2 for g in grids)) and all(
        max(len(r) for r in g.rows) >= 2 and all(any(c is not None for c in r) for r in g.rows) for g in grids
    )


def _open(path: Path, data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableFile(f"{path}: not a readable PDF ({exc})") from exc


def _may_hold_form(text: PageText) -> bool:
    """The page's words include those every part of a target table prints (…指标, 项目名称, 部门名称).

    A budget disclosure has dozens of pages of prose and budget tables: the
    slower table finders are not worth running where no form can be.
    """
    words = "".join(t for _, t in text.runs).replace(" ", "")
    return "指标" in words or any(label in words for label in SUBJECT_LABELS)


def _grids(path: Path, data: bytes, page: pdfium.PdfPage, index: int, engine: Engine, worth_more: bool) -> list[Grid]:
    """The page's tables by the chosen engine;
    `auto` moves on while the result is unusable and the page is `worth_more`."""
    if engine == "camelot":
        return _camelot_grids(path, index + 1, page.get_height())
    grids = _fast_grids(page)
    if _well_formed(grids) or not worth_more:
        return grids
    import pdfplumber  # only here: pdfminer and Pillow cost every run a tenth of a second to import

    with pdfplumber.open(io.BytesIO(data), pages=[index + 1]) as plumber:
        grids = _plumber_grids(plumber.pages[0])
    if engine == "auto" and not _well_formed(grids):
        grids = _camelot_grids(path, index + 1, page.get_height())
    return grids


def _pages(path: Path, data: bytes, engine: Engine, limits: ReadLimits) -> Iterator[tuple[PageRows, str, Frame, bool]]:
    """Each page's rows, the engine that found its grids, its frame, and whether it carries text.

    A PDF of more than `limits.max_pages` pages is refused before any page is read.
    """
    document = _open(path, data)
    try:
        check_pages(path, len(document), limits)
        for index in range(len(document)):
            page = document[index]
            text = PageText(page.get_textpage(), page.get_height())
            carries_text = text.textpage.count_chars() > _TEXT_CHARS
            text.runs = runs(text.textpage, text.height)
            text.lines = join_stacked(text_lines(text.runs))
            grids = _grids(path, data, page, index, engine, _may_hold_form(text))
            cells = [c for grid in grids for row in grid.rows for c in row if c is not None]
            if spills(text.runs, cells):
                text.placed = cell_texts(text.textpage, text.height, cells)
            frame = Frame("pt", page.get_width(), page.get_height())
            yield page_rows(text, grids, index + 1), grids[0].engine if grids else "none", frame, carries_text
    finally:
        document.close()


def extract_pdf(path: Path, data: bytes, sha256: str, engine: Engine = "auto",
                limits: ReadLimits = ReadLimits()) -> RawDocument | None:
    """Read a text-layer PDF into its forms; `engine` picks the table finder. None when no page carries
    text: the PDF is a scan, for OCR. The document is opened, and each page loaded, once for both answers."""
    pages: list[PageRows] = []
    engines: set[str] = set()
    frames: dict[int, Frame] = {}
    carries_text = False
    for page, used, frame, text in _pages(path, data, engine, limits):
        pages.append(page)
        frames[len(pages)] = frame
        carries_text = carries_text or text
        if used != "none":
            engines.add(used)
    if not carries_text:
        return None
    rows = join_split_rows(pages)
    forms = split_forms(drop_repeated_headers(rows))
    name = "+".join(sorted(engines)) or "pdfplumber"
    return RawDocument(
        path=path.as_posix(), sha256=sha256, format=SourceFormat.pdf, extractor=name, forms=forms, frames=frames
    )
