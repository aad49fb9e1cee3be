"""Word and Excel files: DOCX through python-docx, XLSX through openpyxl, XLS through xlrd.

Each is reduced to the rows a careful converter would print, in document
order: a paragraph is a one-cell row, a table row is its cells, a merged
cell's text stands in its top-left cell and the cells it covers are "".
Then the normalizer reads one layout whatever the file.

Where a row stands: DOCX rows are numbered 1, 2, … over the body's
paragraphs and table rows (Word has no fixed lines or pages); spreadsheet
rows keep their sheet row number as `line` and the sheet's 1-based position
as `page`, so a reviewer finds "sheet 2, row 14".
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import openpyxl
import xlrd
from docx.oxml.ns import qn

from jixiao.extract.clean import tidy
from jixiao.extract.forms import split_forms
from jixiao.schemas.errors import UnreadableFile, UnsupportedFormat
from jixiao.schemas.form import SourceFormat
from jixiao.schemas.raw import RawDocument, RawForm, Row

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_TC_PR, _TR_PR, _GRID_SPAN, _GRID_BEFORE = qn("w:tcPr"), qn("w:trPr"), qn("w:gridSpan"), qn("w:gridBefore")
_V_MERGE, _H_MERGE, _VAL = qn("w:vMerge"), qn("w:hMerge"), qn("w:val")
# Text that is not shown: moved-away runs, and the VML copy Word keeps of every text box.
_HIDDEN = frozenset({qn("w:moveFrom"), "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"})
# Elements that only wrap rows or cells (content controls, custom XML).
_WRAPPERS = frozenset({qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")})
_QUOTED = re.compile(r'"[^"]*"')


@contextmanager
def _reading(path: Path, kind: str) -> Iterator[None]:
    """Turn whatever a parser library raises on a damaged file into one error naming the file.

    python-docx, openpyxl and xlrd each raise their own zoo (KeyError,
    BadZipFile, XLRDError, XMLSyntaxError…) for the same cause: bad bytes.
    """
    try:
        yield
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - see docstring
        raise UnreadableFile(f"{path}: not a readable {kind} file ({type(exc).__name__}: {exc})") from exc


def _document(path: Path, sha256: str, fmt: SourceFormat, forms: list[RawForm]) -> RawDocument:
    return RawDocument(path=path.as_posix(), sha256=sha256, format=fmt, extractor=fmt.value, forms=forms)


def _trimmed(cells: list[str]) -> list[str]:
    """Drop trailing empty cells; leading and inner ones keep the columns in place."""
    while cells and not cells[-1]:
        cells.pop()
    return cells


# ---- DOCX -------------------------------------------------------------------------------

def _gather(element: Any, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag not in _HIDDEN and isinstance(tag, str):
            _gather(child, parts)
            if tag == _P:
                parts.append("\n")


def _word_text(element: Any) -> str:
    """Visible text of a paragraph or cell; paragraphs and line breaks become newlines."""
    parts: list[str] = []
    _gather([element], parts)
    return tidy("".join(parts))


def _children(element: Any, tag: str) -> Iterator[Any]:
    """Direct children with `tag`, looking through content-control wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _property(parent: Any, container: str, name: str) -> Any:
    props = parent.find(container)
    return props.find(name) if props is not None else None


def _count(parent: Any, container: str, name: str, default: int) -> int:
    """An integer property such as gridSpan (columns a cell spans) or gridBefore (columns skipped)."""
    element = _property(parent, container, name)
    value = element.get(_VAL) if element is not None else None
    return int(value) if value and value.isdigit() else default


def _continues(tc: Any, name: str) -> bool:
    """A cell that continues a vertical (vMerge) or legacy horizontal (hMerge) merge."""
    merge = _property(tc, _TC_PR, name)
    return merge is not None and merge.get(_VAL, "continue") == "continue"


def _word_table(tbl: Any) -> Iterator[tuple[list[str], dict[int, tuple[int, int]]]]:
    """One list of cells per table row, spanned grid columns and merge holes left "", with the
    (rowspan, colspan) of each cell that spans more than itself (gridSpan, and vMerge runs counted).

    A row's spans are complete only once the rows below are read (a vMerge
    run grows downwards), so the rows are yielded after the whole table.
    """
    rows: list[tuple[list[str], dict[int, tuple[int, int]]]] = []
    runs: dict[int, tuple[int, int]] = {}  # grid column -> (row, column) of the cell its vMerge run started at
    for tr in _children(tbl, _TR):
        cells = [""] * _count(tr, _TR_PR, _GRID_BEFORE, 0)
        spans: dict[int, tuple[int, int]] = {}
        for tc in _children(tr, _TC):
            col, width = len(cells), _count(tc, _TC_PR, _GRID_SPAN, 1)
            below = _continues(tc, _V_MERGE)
            if below and col in runs:
                r, c = runs[col]
                rowspan, colspan = rows[r][1].get(c, (1, width))
                rows[r][1][c] = (rowspan + 1, colspan)
                cells.append("")
            else:
                runs.pop(col, None)
                if _property(tc, _TC_PR, _V_MERGE) is not None and not below:
                    runs[col] = (len(rows), col)
                if width > 1:
                    spans[col] = (1, width)
                cells.append("" if below or _continues(tc, _H_MERGE) else _word_text(tc))
            cells.extend([""] * (width - 1))
        rows.append((_trimmed(cells), spans))
    yield from rows


def _word_blocks(parent: Any) -> Iterator[Any]:
    """Body paragraphs and tables in order, looking through wrappers (content controls)."""
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif isinstance(child.tag, str):
            yield from _word_blocks(child)


def docx_rows(data: bytes) -> list[Row]:
    """Rows of a Word document's body: paragraphs as one-cell rows, then table rows."""
    body = docx.Document(BytesIO(data)).element.body
    rows: list[Row] = []
    for block in _word_blocks(body):
        for cells, spans in _word_table(block) if block.tag == _TBL else [(_trimmed([_word_text(block)]), {})]:
            rows.append(Row(cells=cells, line=len(rows) + 1, spans=spans))
    return rows


def extract_docx(path: Path, data: bytes, sha256: str) -> RawDocument:
    """Read a Word (.docx) document into its forms."""
    with _reading(path, "docx"):
        rows = docx_rows(data)
    return _document(path, sha256, SourceFormat.docx, split_forms(rows))


# ---- numbers as a spreadsheet shows them ------------------------------------------------

def _plain(number: float | int) -> str:
    """A number without float noise (82800.92000000001 is 82800.92) and never in e-notation."""
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    text = format(number, ".15g")
    return format(Decimal(text), "f") if "e" in text else text


def number_text(number: float | int, number_format: str) -> str:
    """A stored number as its cell means it: 0.95 under a percent format is 95%.

    Other formats only change how many decimals are shown, so the stored
    value is kept in full.
    """
    if "%" in _QUOTED.sub("", number_format):
        return _plain(number * 100) + "%"
    return _plain(number)


def _value_text(value: Any, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return number_text(value, number_format)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _forms_per_sheet(sheets: list[list[Row]]) -> list[RawForm]:
    """Each sheet is split on its own: a form never runs on into the next sheet."""
    return [form for rows in sheets for form in split_forms(rows)]


# ---- XLSX -------------------------------------------------------------------------------

def _xlsx_sheets(data: bytes) -> Iterator[list[Row]]:
    """Rows of each visible sheet; formulas give their cached values.

    Hidden sheets hold lookup lists and drafts, not the published form.
    openpyxl leaves the cells a merged range covers empty, which is the
    layout wanted; each range's span goes on its top-left cell.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about every extension it skips
        book = openpyxl.load_workbook(BytesIO(data), data_only=True)
    for number, sheet in enumerate(book.worksheets, start=1):
        if sheet.sheet_state != "visible":
            continue
        spans: dict[tuple[int, int], tuple[int, int]] = {
            (r.min_row, r.min_col): (r.max_row - r.min_row + 1, r.max_col - r.min_col + 1)
            for r in sheet.merged_cells.ranges
        }
        rows = []
        for cells in sheet.iter_rows():
            texts = _trimmed([tidy(_value_text(c.value, c.number_format)) for c in cells])
            first, line = cells[0].column, cells[0].row
            row_spans = {c.column - first: spans[line, c.column] for c in cells if (line, c.column) in spans}
            rows.append(Row(cells=texts, line=line, page=number, spans=row_spans))
        yield rows


def extract_xlsx(path: Path, data: bytes, sha256: str) -> RawDocument:
    """Read an Excel (.xlsx) workbook into its forms, sheet by sheet."""
    with _reading(path, "xlsx"):
        sheets = list(_xlsx_sheets(data))
    return _document(path, sha256, SourceFormat.xlsx, _forms_per_sheet(sheets))


# ---- XLS --------------------------------------------------------------------------------

def _xls_text(book: xlrd.book.Book, cell: xlrd.sheet.Cell) -> str:
    kind = cell.ctype
    if kind == xlrd.XL_CELL_NUMBER:
        xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
        fmt = book.format_map.get(xf.format_key) if xf is not None else None
        return number_text(cell.value, fmt.format_str if fmt else "General")
    if kind == xlrd.XL_CELL_DATE:
        return _value_text(xlrd.xldate_as_datetime(cell.value, book.datemode), "")
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return str(cell.value) if kind == xlrd.XL_CELL_TEXT else ""


def _merges(sheet: xlrd.sheet.Sheet) -> tuple[set[tuple[int, int]], dict[tuple[int, int], tuple[int, int]]]:
    """Cells a merged range covers (all but its top-left), clipped to the used area, and each range's
    (rowspan, colspan) by its top-left cell."""
    holes: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, r1, c0, c1 in sheet.merged_cells:
        spans[r0, c0] = (r1 - r0, c1 - c0)
        for r in range(r0, min(r1, sheet.nrows)):
            holes.update((r, c) for c in range(c0, min(c1, sheet.ncols)) if (r, c) != (r0, c0))
    return holes, spans


def _xls_sheets(data: bytes) -> Iterator[list[Row]]:
    """Rows of each visible sheet of a BIFF workbook (merged ranges need formatting_info)."""
    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    for number, sheet in enumerate(book.sheets(), start=1):
        if sheet.visibility != 0:
            continue
        holes, spans = _merges(sheet)
        rows = []
        for r in range(sheet.nrows):
            texts = ["" if (r, c) in holes else tidy(_xls_text(book, sheet.cell(r, c))) for c in range(sheet.ncols)]
            row_spans = {c: span for (r0, c), span in spans.items() if r0 == r}
            rows.append(Row(cells=_trimmed(texts), line=r + 1, page=number, spans=row_spans))
        yield rows


def extract_xls(path: Path, data: bytes, sha256: str) -> RawDocument:
    """Read an Excel 97-2003 (.xls) workbook into its forms, sheet by sheet."""
    with _reading(path, "xls"):
        sheets = list(_xls_sheets(data))
    return _document(path, sha256, SourceFormat.xls, _forms_per_sheet(sheets))


def document_rows(path: Path, data: bytes, kind: SourceFormat) -> list[Row]:
    """Every row of a Word or Excel document as read, before it is split into forms (sheets in order)."""
    with _reading(path, kind.value):
        if kind is SourceFormat.docx:
            return docx_rows(data)
        if kind is SourceFormat.xlsx:
            return [row for sheet in _xlsx_sheets(data) for row in sheet]
        if kind is SourceFormat.xls:
            return [row for sheet in _xls_sheets(data) for row in sheet]
    raise UnsupportedFormat(f"{path}: {kind.value} is not a Word or Excel document")


__all__ = ["extract_docx", "extract_xlsx", "extract_xls", "number_text", "docx_rows", "document_rows"]
