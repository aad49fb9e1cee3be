"""PDFs with a text layer: table grids from pdfplumber (or camelot), text from pypdfium2.

The engines are used for what they are good at. pdfplumber (and camelot's
lattice parser, the second engine) find the ruling lines and so the cell
grid, merged cells included; the text inside each cell is then read by
pypdfium2 from the cell's box, because pdfminer (under both engines)
returns radical code points or `(cid:N)` for the Type 3 and unmapped CJK
fonts Word, WPS and Chromium write, and camelot scrambles CJK line order.
Text outside tables (附件 line, title, year) becomes one-cell rows; all rows
of a page are put in reading order, pages one after another, so a table
continued on the next page simply goes on (its repeated header row dropped)
and several forms on one page split at their titles.
"""
from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pdfplumber
import pypdfium2 as pdfium

from jixiao.extract.clean import tidy
from jixiao.extract.forms import Row, split_forms
from jixiao.extract.pdf_grid import grids_from_edges, page_edges
from jixiao.schemas.errors import UnreadableFile
from jixiao.schemas.form import SourceFormat
from jixiao.schemas.raw import BBox, RawDocument

Engine = Literal["pdfplumber", "camelot", "auto"]

logging.getLogger("pdfminer").setLevel(logging.ERROR)

_ASCII_WORD = re.compile(r"[A-Za-z]")


@dataclass
class Grid:
    """One table on one page: its box and, per row, each cell's box (None where a merge covers it)."""

    bbox: BBox
    rows: list[list[BBox | None]]
    engine: str


@dataclass
class PageText:
    """pypdfium2's text of one page, read by box in top-left coordinates."""

    textpage: pdfium.PdfTextPage
    height: float
    lines: list[tuple[BBox, str]] = field(default_factory=list)

    def inside(self, box: BBox) -> str:
        x0, top, x1, bottom = box
        pad = 0.8
        text = self.textpage.get_text_bounded(x0 + pad, self.height - bottom + pad, x1 - pad, self.height - top - pad)
        return join_wrapped(text)


def join_wrapped(text: str) -> str:
    """Join the lines of a wrapped cell: no space inside CJK or numbers, one between Latin words."""
    parts = [p.strip() for p in text.replace("\r", "\n").split("\n") if p.strip()]
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        glue = " " if _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(part[0]) else ""
        out += glue + part
    return out


def _text_lines(textpage: pdfium.PdfTextPage, height: float) -> list[tuple[BBox, str]]:
    """Text runs grouped into lines (top-left boxes), left to right."""
    runs = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top)
        if text.strip():
            runs.append(((left, height - top, right, height - bottom), text.strip()))
    runs.sort(key=lambda r: (r[0][1], r[0][0]))
    lines: list[list[tuple[BBox, str]]] = []
    for box, text in runs:
        middle = (box[1] + box[3]) / 2
        if lines and lines[-1][0][0][1] <= middle <= lines[-1][0][0][3]:
            lines[-1].append((box, text))
        else:
            lines.append([(box, text)])
    merged = []
    for line in lines:
        line.sort(key=lambda r: r[0][0])
        box = (min(b[0] for b, _ in line), min(b[1] for b, _ in line), max(b[2] for b, _ in line), max(b[3] for b, _ in line))
        merged.append((box, " ".join(t for _, t in line)))
    return merged


def _fast_grids(page: pdfium.PdfPage) -> list[Grid]:
    """pdfplumber's table algorithm on edges read by pypdfium2 (see pdf_grid)."""
    return [Grid(bbox, rows, "pdfplumber") for bbox, rows in grids_from_edges(page_edges(page))]


def _plumber_grids(page: pdfplumber.page.Page) -> list[Grid]:
    """pdfplumber's own full parse: slower, for pages whose lines pypdfium2 did not yield."""
    grids = []
    for table in page.find_tables():
        rows = [[tuple(c) if c is not None else None for c in row.cells] for row in table.rows]
        grids.append(Grid(tuple(table.bbox), rows, "pdfplumber"))
    return grids


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
    """A usable table has several rows and columns and no row without any cell."""
    return bool(grids) and all(
        len(g.rows) >= 2 and max(len(r) for r in g.rows) >= 2 and all(any(c is not None for c in r) for r in g.rows)
        for g in grids
    )


def _centre_in(box: BBox, area: BBox) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] <= x <= area[2] and area[1] <= y <= area[3]


def _page_rows(text: PageText, grids: list[Grid], page_number: int) -> list[tuple[float, Row]]:
    items: list[tuple[float, Row]] = []
    for box, line in text.lines:
        if not any(_centre_in(box, g.bbox) for g in grids):
            items.append((box[1], Row(cells=[tidy(line)], page=page_number, bboxes=[box])))
    for grid in grids:
        for row in grid.rows:
            cells = [tidy(text.inside(c)) if c is not None else "" for c in row]
            top = min(c[1] for c in row if c is not None)
            items.append((top, Row(cells=cells, page=page_number, bboxes=list(row))))
    items.sort(key=lambda item: item[0])
    return items


def _drop_repeated_headers(rows: list[Row]) -> list[Row]:
    """A table continued on a new page may repeat its header row: keep the first only."""
    out: list[Row] = []
    header: list[str] | None = None
    for row in rows:
        if "一级指标" in row.cells and "三级指标" in row.cells:
            if header == row.cells and out and out[-1].page != row.page:
                continue
            header = row.cells
        elif len([c for c in row.cells if c]) == 1 and row.cells[0].endswith(("目标表", "申报表")):
            header = None
        out.append(row)
    return out


def _open(path: Path, data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableFile(f"{path}: not a readable PDF ({exc})") from exc


def _grids(path: Path, data: bytes, page: pdfium.PdfPage, index: int, engine: Engine, has_text: bool) -> list[Grid]:
    """The page's tables by the chosen engine; `auto` moves on while the result is unusable."""
    if engine == "camelot":
        return _camelot_grids(path, index + 1, page.get_height())
    grids = _fast_grids(page)
    if _well_formed(grids) or not has_text:
        return grids
    with pdfplumber.open(io.BytesIO(data), pages=[index + 1]) as plumber:
        grids = _plumber_grids(plumber.pages[0])
    if engine == "auto" and not _well_formed(grids):
        grids = _camelot_grids(path, index + 1, page.get_height())
    return grids


def _pages(path: Path, data: bytes, engine: Engine) -> Iterator[tuple[list[Row], str]]:
    document = _open(path, data)
    try:
        for index in range(len(document)):
            page = document[index]
            text = PageText(page.get_textpage(), page.get_height())
            text.lines = _text_lines(text.textpage, text.height)
            grids = _grids(path, data, page, index, engine, bool(text.lines))
            used = grids[0].engine if grids else "none"
            yield [row for _, row in _page_rows(text, grids, index + 1)], used
    finally:
        document.close()


def has_text_layer(data: bytes) -> bool:
    """True when some page carries text (else the PDF is a scan)."""
    document = pdfium.PdfDocument(data)
    try:
        return any(document[i].get_textpage().count_chars() > 20 for i in range(len(document)))
    finally:
        document.close()


def extract_pdf(path: Path, data: bytes, sha256: str, engine: Engine = "auto") -> RawDocument:
    """Read a text-layer PDF into its forms; `engine` picks the table finder."""
    rows: list[Row] = []
    engines: set[str] = set()
    for page_rows, used in _pages(path, data, engine):
        rows.extend(page_rows)
        if used != "none":
            engines.add(used)
    forms = split_forms(_drop_repeated_headers(rows))
    name = "+".join(sorted(engines)) or "pdfplumber"
    return RawDocument(path=path.as_posix(), sha256=sha256, format=SourceFormat.pdf, extractor=name, forms=forms)
