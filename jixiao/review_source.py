"""The review page's left column: the printed form as the reader met it.

Text lines numbered as the text extractor numbered them; PDF pages rendered
and scans shown upright as OCR saw them, cropped to the table with a box on
each indicator; Word, Excel and HTML as the rows their reader saw. Each
source file is read once however many forms it holds.
"""
from __future__ import annotations

import base64
import errno
import hashlib
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from jixiao.extract import ReadLimits, document_rows
from jixiao.extract.encoding import decode
from jixiao.extract.grid import DPI as OCR_DPI
from jixiao.extract.sniff import sniff
from jixiao.review_html import RANK, e, notice
from jixiao.schemas.errors import JixiaoError
from jixiao.schemas.form import Form, Indicator, Severity, Source, SourceFormat
from jixiao.schemas.raw import BBox, Row

#: render scale for PDF pages: 2 px per point (144 dpi) keeps small CJK legible (scans: their OCR resolution)
SCALE = 2.0
#: points of page kept around the indicators' boxes, so row labels stay in view
MARGIN = 24.0
_TAB = '<span class="tab" title="制表符(单元格分隔)">⇥</span>'


class PdfPages:
    """A text-layer PDF's pages, rendered by pypdfium2; boxes are in its points."""

    def __init__(self, data: bytes) -> None:
        self._doc = pdfium.PdfDocument(data)

    def count(self) -> int:
        return len(self._doc)

    def size(self, page: int) -> tuple[float, float]:
        return self._doc[page - 1].get_size()

    def render(self, page: int, crop: BBox) -> np.ndarray:
        """Page `page` (1-based) at SCALE, cut to `crop` (points from the top-left)."""
        pixels = self._doc[page - 1].render(scale=SCALE).to_numpy()
        x0, y0, x1, y1 = (round(v * SCALE) for v in crop)
        return pixels[y0:y1, x0:x1]

    def close(self) -> None:
        self._doc.close()


class ScanPages:
    """A scan's pages as OCR saw them (upright, at the working resolution), made when first shown.

    Boxes of scanned cells are measured on the page after it was turned
    upright and deskewed, so the image shown is that page, not the file's.
    """

    def __init__(self, path: str, data: bytes) -> None:
        from jixiao.extract.scan import upright_pages  # the OCR stack, only when a scan is shown

        kind = SourceFormat.pdf if sniff(data) is SourceFormat.pdf else SourceFormat.scan
        self._pages = upright_pages(Path(path), data, kind, ReadLimits())
        self._seen: list[np.ndarray] = []
        self._scale = OCR_DPI / 72  # pixels per point

    def _upto(self, page: int) -> None:
        while len(self._seen) < page and (image := next(self._pages, None)) is not None:
            self._seen.append(image)

    def count(self) -> int:
        self._upto(1 << 30)
        return len(self._seen)

    def size(self, page: int) -> tuple[float, float]:
        self._upto(page)
        height, width = self._seen[page - 1].shape[:2]
        return width / self._scale, height / self._scale

    def render(self, page: int, crop: BBox) -> np.ndarray:
        self._upto(page)
        x0, y0, x1, y1 = (round(v * self._scale) for v in crop)
        return self._seen[page - 1][y0:y1, x0:x1]

    def close(self) -> None:
        self._seen.clear()


class Sources:
    """Each source file found, read (and each paged one opened) once, however many forms it holds.

    `base` is where an archive that moved now lives: a record's relpath is
    looked up there first. Without it, the recorded path is tried first,
    then the relpath under the current folder. What could not be shown is
    kept in `unreadable` (recorded path: why).
    """

    def __init__(self, base: Path | None = None) -> None:
        self.base = base
        self.unreadable: dict[str, str] = {}
        self._data: dict[str, bytes] = {}
        self._lines: dict[str, list[str]] = {}
        self._pages: dict[str, PdfPages | ScanPages] = {}
        self._rows: dict[str, list[Row]] = {}

    def locate(self, source: Source) -> str:
        """The file to read for `source`; FileNotFoundError naming every place looked at."""
        moved = [str((self.base or Path()) / source.relpath)] if source.relpath else []
        candidates = [*moved, source.path] if self.base is not None else [source.path, *moved]
        for candidate in candidates:
            if Path(candidate).is_file():
                return candidate
        raise FileNotFoundError(errno.ENOENT, f"no such file (looked for {' and '.join(candidates)})")

    def data(self, path: str) -> bytes:
        if path not in self._data:
            self._data[path] = Path(path).read_bytes()
        return self._data[path]

    def lines(self, path: str) -> list[str]:
        """Lines numbered the way the text extractor numbered them (decode, then splitlines)."""
        if path not in self._lines:
            self._lines[path] = decode(self.data(path), path).splitlines()
        return self._lines[path]

    def rows(self, path: str) -> list[Row]:
        """A Word, Excel or HTML document's rows as its reader saw them."""
        if path not in self._rows:
            self._rows[path] = document_rows(Path(path))
        return self._rows[path]

    def pages(self, path: str, fmt: SourceFormat) -> PdfPages | ScanPages:
        if path not in self._pages:
            data = self.data(path)
            self._pages[path] = ScanPages(path, data) if fmt is SourceFormat.scan else PdfPages(data)
        return self._pages[path]

    def close(self) -> None:
        for pages in self._pages.values():
            pages.close()


def source_column(n: int, form: Form, sources: Sources, worst: dict[int, Severity]) -> str:
    """The printed form: text lines, PDF or scan pages, or a document's rows as read (Word, Excel, HTML)."""
    src = form.source
    try:
        path = sources.locate(src)
        stale = hashlib.sha256(sources.data(path)).hexdigest() != src.sha256
        if src.format is SourceFormat.text:
            shown = _text_source(n, form, sources.lines(path), worst)
        elif src.format in (SourceFormat.pdf, SourceFormat.scan):
            shown = _paged_source(n, form, sources.pages(path, src.format), worst)
        else:
            shown = _text_source(n, form, _sheet_lines(form, sources.rows(path)), worst)
    except (OSError, JixiaoError, pdfium.PdfiumError) as exc:
        reason = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
        sources.unreadable[src.path] = reason
        return notice(f"无法读取原文 {src.path}:{reason}")
    warning = notice(f"{path} 在抽取之后已被改动,下面的原文可能与记录对不上。") if stale else ""
    return warning + shown


def _sheet_lines(form: Form, rows: list[Row]) -> list[str]:
    """The rows of the form's sheet (Excel) or body (Word, HTML) as tab-separated lines, by row number."""
    by_line = {
        row.line: "\t".join(row.cells) for row in rows if row.line is not None and row.page == form.source.page_start
    }
    return [by_line.get(number, "") for number in range(1, max(by_line, default=0) + 1)]


def _line_range(form: Form, count: int) -> tuple[int, int] | None:
    """The form's lines as recorded, else the span of its indicators' lines, within the file."""
    src = form.source
    marked = [i.line for i in form.indicators if i.line is not None]
    start = src.line_start if src.line_start is not None else min(marked, default=None)
    end = src.line_end if src.line_end is not None else max(marked, default=None)
    if start is None or end is None:
        return None
    return max(start, 1), min(end, count)


def _text_source(n: int, form: Form, lines: list[str], worst: dict[int, Severity]) -> str:
    span = _line_range(form, len(lines))
    if span is None or span[0] > span[1]:
        return notice(f"记录中没有可用的行号(文件共 {len(lines)} 行)。")
    first: dict[int, int] = {}
    tone: dict[int, Severity] = {}
    for i, ind in enumerate(form.indicators):
        if ind.line is None:
            continue
        first.setdefault(ind.line, i)
        if i in worst and (ind.line not in tone or RANK[worst[i]] > RANK[tone[ind.line]]):
            tone[ind.line] = worst[i]
    rows = "".join(
        _source_line(n, number, lines[number - 1], first.get(number), tone.get(number))
        for number in range(span[0], span[1] + 1)
    )
    return f'<table class="lines">{rows}</table>'


def _source_line(n: int, number: int, text: str, indicator: int | None, severity: Severity | None) -> str:
    """One source line; tabs become visible separators; an indicator's line links back to its row."""
    cells = _TAB.join(e(cell) for cell in text.split("\t"))
    if indicator is None:
        return f'<tr id="f{n}-L{number}"><td class="ln">{number}</td><td class="txt">{cells}</td></tr>'
    tone = f" sev-{severity.value}" if severity else ""
    return (
        f'<tr id="f{n}-L{number}" class="ind{tone}"><td class="ln">'
        f'<a href="#f{n}-i{indicator}" title="跳到指标 {indicator + 1}">{number}</a></td>'
        f'<td class="txt">{cells}</td></tr>'
    )


def _paged_source(n: int, form: Form, doc: PdfPages | ScanPages, worst: dict[int, Severity]) -> str:
    """Each page of the form (1-based page numbers), cropped to its indicators."""
    src = form.source
    pages = [i.page for i in form.indicators if i.page is not None]
    first = src.page_start if src.page_start is not None else min(pages, default=None)
    last = src.page_end if src.page_end is not None else max(pages, default=None)
    if first is None or last is None:
        return notice("记录中没有页码。")
    return "".join(_page_image(n, form, doc, page, worst) for page in range(first, last + 1))


def _crop(boxes: list[BBox], width: float, height: float) -> BBox:
    """Union of the boxes plus MARGIN, inside the page; the whole page when no box lies on it."""
    page = (0.0, 0.0, width, height)
    if not boxes:
        return page
    x0 = max(min(b[0] for b in boxes) - MARGIN, 0.0)
    y0 = max(min(b[1] for b in boxes) - MARGIN, 0.0)
    x1 = min(max(b[2] for b in boxes) + MARGIN, width)
    y1 = min(max(b[3] for b in boxes) + MARGIN, height)
    return (x0, y0, x1, y1) if x1 - x0 >= 1 and y1 - y0 >= 1 else page


def _png_uri(pixels: np.ndarray) -> str:
    ok, png = cv2.imencode(".png", pixels)
    if not ok:
        raise ValueError("PNG encoding failed")
    return "data:image/png;base64," + base64.b64encode(png.tobytes()).decode("ascii")


def _page_image(n: int, form: Form, doc: PdfPages | ScanPages, page: int, worst: dict[int, Severity]) -> str:
    if not 1 <= page <= doc.count():
        return notice(f"第 {page} 页不在文件中(文件共 {doc.count()} 页)。")
    width, height = doc.size(page)
    on_page = [(i, ind.bbox) for i, ind in enumerate(form.indicators) if ind.page == page and ind.bbox]
    crop = _crop([b for _, b in on_page], width, height)
    boxes = "".join(_overlay(n, i, box, crop, worst.get(i), form.indicators[i]) for i, box in on_page)
    what = "表格区域" if on_page else "整页(记录中没有指标框)"
    return (
        f'<p class="caption">第 {page} 页 · {what}</p><div class="page">'
        f'<img alt="第 {page} 页原文" src="{_png_uri(doc.render(page, crop))}">{boxes}</div>'
    )


def _overlay(n: int, i: int, box: BBox, crop: BBox, severity: Severity | None, ind: Indicator) -> str:
    """A link drawn over an indicator's box, placed in percent so it scales with the image."""
    cw, ch = crop[2] - crop[0], crop[3] - crop[1]
    left, top = (box[0] - crop[0]) / cw * 100, (box[1] - crop[1]) / ch * 100
    width, height = (box[2] - box[0]) / cw * 100, (box[3] - box[1]) / ch * 100
    tone = f" sev-{severity.value}" if severity else ""
    return (
        f'<a class="box{tone}" id="f{n}-b{i}" href="#f{n}-i{i}" title="指标 {i + 1}:{e(ind.name)}" '
        f'style="left:{left:.3f}%;top:{top:.3f}%;width:{width:.3f}%;height:{height:.3f}%"></a>'
    )
