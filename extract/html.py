"""HTML pages (saved from Word or WPS, or published on a bureau's site).

Tables are expanded on their grid: a cell's text goes to its top-left
position and the positions its rowspan/colspan cover stay "", the layout of
every other extractor. Text outside tables becomes one-cell rows, one per
block (paragraph, heading, line break), so titles and 附件 lines split forms
as in a text file. `line` is the element's line in the decoded page.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from jixiao.extract.clean import tidy
from jixiao.extract.encoding import decode
from jixiao.extract.forms import split_forms
from jixiao.schemas.errors import UnreadableFile
from jixiao.schemas.form import SourceFormat
from jixiao.schemas.raw import RawDocument, Row

_SKIP = frozenset({"head", "title", "script", "style", "template", "noscript"})
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul", "br",
})
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# GB2312 and GBK labels are routinely put on pages holding characters only GB18030 has.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "iso-8859-1": "cp1252"}
_MAX_SPAN = 1000


def _tag(element: Any) -> str | None:
    """The element's tag, or None for comments and processing instructions."""
    return element.tag.lower() if isinstance(element.tag, str) else None


def page_text(data: bytes, name: str) -> str:
    """Decode by the page's declared charset when there is one, else by content."""
    declared = _CHARSET.search(data[:4096])
    text = None
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        label = declared.group(1).decode("ascii", "replace").lower()
        try:
            text = data.decode(_SUPERSETS.get(label, label))
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text = decode(data, name)
    # lxml refuses a str that still declares a byte encoding.
    return _XML_DECLARATION.sub("", text, count=1)


def _gather(element: Any, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = _tag(child)
        if tag is not None and tag not in _SKIP:
            breaks = tag in _BLOCKS
            if breaks:
                parts.append("\n")
            _gather(child, parts)
            if breaks:
                parts.append("\n")
        if child.tail:
            parts.append(child.tail)


def cell_text(element: Any) -> str:
    """A cell's visible text, blocks and <br> as line breaks, then tidied."""
    parts: list[str] = []
    _gather(element, parts)
    return tidy("".join(parts))


def _span(cell: Any, name: str, rest: int) -> int:
    """A rowspan/colspan, capped; "0" means all `rest` rows, anything unreadable 1."""
    value = (cell.get(name) or "").strip()
    if value == "0":
        return rest
    return min(int(value), _MAX_SPAN) if value.isdigit() and int(value) > 0 else 1


def _own_rows(table: Any) -> list[Any]:
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def table_rows(table: Any) -> list[Row]:
    """The table's grid, one row per <tr>; spanned positions are "".

    rowspan="0" (to the end of the table) spans the remaining rows.
    """
    trs = _own_rows(table)
    taken: list[set[int]] = [set() for _ in trs]
    rows = []
    for r, tr in enumerate(trs):
        texts: dict[int, str] = {}
        spans: dict[int, tuple[int, int]] = {}
        col = 0
        for cell in tr.xpath("./td | ./th"):
            while col in taken[r]:
                col += 1
            rowspan = _span(cell, "rowspan", len(trs) - r)
            colspan = _span(cell, "colspan", 1)
            for covered in taken[r: r + rowspan]:
                covered.update(range(col, col + colspan))
            texts[col] = cell_text(cell)
            if rowspan > 1 or colspan > 1:
                spans[col] = (rowspan, colspan)
            col += colspan
        width = max(taken[r], default=-1) + 1
        cells = [texts.get(c, "") for c in range(width)]
        while cells and not cells[-1]:
            cells.pop()
        rows.append(Row(cells=cells, line=tr.sourceline, spans=spans))
    return rows


def _is_layout(table: Any) -> bool:
    """A table used to place the page, holding the form as a nested table.

    Told from a form with a small table in one cell (a checkbox grid) by
    size: the nested table has at least as many rows as its host.
    """
    own = len(_own_rows(table))
    return any(len(_own_rows(inner)) >= own for inner in table.iterdescendants("table"))


class _Walker:
    """Collects rows in document order: tables as grids, other text block by block."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self._parts: list[str] = []
        self._line: int | None = None

    def _add(self, text: str | None, line: int | None) -> None:
        if text and text.strip():
            if not self._parts:
                self._line = line
            self._parts.append(text)

    def _flush(self) -> None:
        text = tidy("".join(self._parts))
        if text:
            self.rows.append(Row(cells=[text], line=self._line))
        self._parts.clear()

    def read(self, root: Any) -> list[Row]:
        """All rows under `root`, the last text block included."""
        self.walk(root)
        self._flush()
        return self.rows

    def walk(self, element: Any) -> None:
        tag = _tag(element)
        if tag == "table" and not _is_layout(element):
            self._flush()
            self.rows.extend(table_rows(element))
            return
        block = tag in _BLOCKS
        if block:
            self._flush()
        self._add(element.text, element.sourceline)
        for child in element:
            child_tag = _tag(child)
            if child_tag is not None and child_tag not in _SKIP:
                self.walk(child)
            self._add(child.tail, child.sourceline)
        if block:
            self._flush()


def html_rows(data: bytes, name: str) -> list[Row]:
    """Every row of the page in document order."""
    text = page_text(data, name)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile(f"{name}: not a readable HTML page ({exc})") from exc
    return _Walker().read(root)


def extract_html(path: Path, data: bytes, sha256: str) -> RawDocument:
    """Read an HTML page into its forms."""
    forms = split_forms(html_rows(data, str(path)))
    return RawDocument(path=path.as_posix(), sha256=sha256, format=SourceFormat.html, extractor="html", forms=forms)


__all__ = ["extract_html", "html_rows", "table_rows", "cell_text"]
