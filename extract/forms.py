"""Split a document's rows into forms at their title lines.

Shared by every extractor that sees a document as rows of cells (text,
spreadsheets, Word tables, HTML): a form starts at its title row
(…绩效目标表, …申报表), optionally preceded by an attachment line (附件 2-1)
and followed by its year line ((2024 年度) or a bare 2024).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.schemas.raw import RawCell, RawForm

_TITLE = re.compile(r"(绩效目标表|绩效目标申报表|申报表)$")
_ATTACHMENT = re.compile(r"^附件\s*\d+(?:\s*-\s*\d+)?")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_LINE = re.compile(r"^\(?\s*((?:19|20)\d{2})\s*(?:年度?)?\s*\)?$")
_RULE = re.compile(r"^[-|:\s]+$")


@dataclass
class Row:
    """One source row: its cleaned cells and where it stands in the file."""

    cells: list[str]
    line: int | None = None
    page: int | None = None
    bboxes: list[tuple[float, float, float, float] | None] = field(default_factory=list)
    confidences: list[float | None] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All the row's text; computed on each use, as extractors mend cells after making rows."""
        return "".join(c for c in self.cells if c)


def _title_of(filled: list[str]) -> str | None:
    if len(filled) == 1 and _TITLE.search(filled[0]) and "项目名称" not in filled[0]:
        return filled[0]
    return None


def _year_of(filled: list[str]) -> int | None:
    if len(filled) == 1:
        m = _YEAR_LINE.match(filled[0])
        if m:
            return int(m.group(1))
    return None


def _title_year(title: str) -> int | None:
    """The year a title prints (2024年市级部门整体预算绩效目标表), for forms without a year line."""
    m = _TITLE_YEAR.search(title)
    return int(m.group(1)) if m else None


def _attachment_of(filled: list[str]) -> str | None:
    if len(filled) == 1:
        m = _ATTACHMENT.match(filled[0])
        if m:
            return m.group(0)
    return None


def _to_raw(rows: list[Row]) -> list[list[RawCell]]:
    """The rows as RawCells (positional arguments: a million cells on a 10,000-form archive)."""
    out: list[list[RawCell]] = []
    for r, row in enumerate(rows):
        line, page, width = row.line, row.page, len(row.cells)
        if not row.bboxes and not row.confidences:
            out.append([RawCell(text, r, c, 1, 1, line, page) for c, text in enumerate(row.cells)])
            continue
        bboxes = row.bboxes[:width] + [None] * (width - len(row.bboxes))
        scores = row.confidences[:width] + [None] * (width - len(row.confidences))
        out.append([
            RawCell(text, r, c, 1, 1, line, page, bbox, score)
            for c, (text, bbox, score) in enumerate(zip(row.cells, bboxes, scores))
        ])
    return out


@dataclass
class _Open:
    title: str
    attachment: str | None
    first: Row
    year: int | None = None
    rows: list[Row] = field(default_factory=list)


def split_forms(rows: list[Row]) -> list[RawForm]:
    """Group rows into forms; rows before the first title are dropped (cover text)."""
    forms: list[RawForm] = []
    current: _Open | None = None
    pending_attachment: tuple[str, Row] | None = None

    def close() -> None:
        if current is None:
            return
        body = current.rows
        last = body[-1] if body else current.first
        forms.append(
            RawForm(
                title=current.title,
                attachment=current.attachment,
                fiscal_year=current.year or _title_year(current.title),
                rows=_to_raw(body),
                line_start=current.first.line,
                line_end=last.line,
                page_start=current.first.page,
                page_end=last.page,
            )
        )

    for row in rows:
        filled = [c for c in row.cells if c]  # the row's non-empty cells, worked out once
        if not filled or _RULE.match("".join(filled)):
            continue
        title = _title_of(filled)
        if title is not None:
            attachment = _attachment_of(filled)
            if current is not None and not current.rows and current.year is None:
                # A document heading (附件 2:…目标表) directly above the form's own title.
                current.title = title
                current.attachment = current.attachment or attachment
                continue
            close()
            first = row
            if pending_attachment is not None:
                attachment, first = pending_attachment[0], pending_attachment[1]
            current = _Open(title=title, attachment=attachment, first=first)
            pending_attachment = None
            continue
        attachment = _attachment_of(filled)
        if attachment is not None and filled == [attachment]:
            pending_attachment = (attachment, row)
            continue
        if current is None:
            continue
        year = _year_of(filled)
        if year is not None and current.year is None and not current.rows:
            current.year = year
            continue
        current.rows.append(row)
    close()
    return forms


def drop_repeated_headers(rows: list[Row]) -> list[Row]:
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
