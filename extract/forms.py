"""Find the forms among a document's rows by what they hold, and split them apart.

Shared by every extractor that sees a document as rows of cells (text,
spreadsheets, Word tables, HTML, PDF, scans). A form is a run of rows that
holds its subject's label (项目名称, or 部门名称) and an indicator block; a
title (…绩效目标表, …申报表, …填报表), an attachment line (附件 2-1) and a year
line ((2024 年度)) above it are read when present, never required. Budget
disclosures hold many other tables and sentences that mention target tables
(详见单位的项目绩效目标表): those make no form, because they hold no
indicator block. Page numbers printed in headers and footers are dropped
here, before any form sees them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.schemas.markers import (
    CATEGORY_WORDS,
    PAGE_NUMBER,
    SELF_EVALUATION_HEADERS,
    SUBJECT_LABELS,
    TITLE,
    compact,
    is_block_header,
)
from jixiao.schemas.raw import RawCell, RawForm, Row

#: any self-evaluation column word, looked for in a row's text first (one search per row)
_SELF_EVALUATION = re.compile("|".join(SELF_EVALUATION_HEADERS))
_ATTACHMENT = re.compile(r"^附件\s*\d+(?:\s*-\s*\d+)?")
#: a cell that is an attachment label and nothing else; a PDF's text runs may part its digits (附件1 1-3)
_LONE_ATTACHMENT = re.compile(r"^附件\s*\d[\d\s]*(?:-\s*\d+)?$")
_DIGITS_APART = re.compile(r"(?<=\d)\s+(?=\d)")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_LINE = re.compile(r"^\(?((?:19|20)\d{2})(?:年度?)?\)?$")
_RULE = re.compile(r"^[-|:\s]+$")
#: what a sentence has and a heading has not: it refers to a table, it is not one
_SENTENCE = re.compile(r"[,，。;；]|详见|见附|参见|如下")
#: the heading of another kind of table or section: 政府采购预算表, 四、绩效目标设置情况
_OTHER_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、.{2,30}|.{2,30}(?:表|情况|说明))$")
#: the same where every cell stands alone on its line (a stream): an indicator named …情况 is no heading there
_STREAM_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、.{2,30}|.{2,30}表)$")
#: rows between a title and its table's subject row: a year line, 单位：万元, 填报单位…
_TITLE_REACH = 3
#: longest cell taken for a label when looking for a form's markers
_LABEL_CHARS = 24


def _title_of(text: str) -> str | None:
    """A row's one cell as a heading in a target table's wording, not a sentence that mentions one."""
    if len(text) > 80:
        return None
    body = _ATTACHMENT.sub("", text).lstrip(":： ")
    if TITLE.search(compact(text)) and not _SENTENCE.search(body) and "项目名称" not in text:
        return text
    return None


def _year_of(text: str) -> int | None:
    """A row's one cell as a year line: (2024 年度), 2024, or letter-spaced (2 0 2 6年度)."""
    m = _YEAR_LINE.match(compact(text).replace("（", "(").replace("）", ")"))
    return int(m.group(1)) if m else None


def _title_year(title: str) -> int | None:
    """The year a title prints (2024年市级部门整体预算绩效目标表), for forms without a year line."""
    m = _TITLE_YEAR.search(title)
    return int(m.group(1)) if m else None


def _attachment_of(text: str) -> str | None:
    m = _ATTACHMENT.match(text)
    return m.group(0) if m else None


def _to_raw(rows: list[Row]) -> list[list[RawCell]]:
    """The rows as RawCells (positional arguments: a million cells on a 10,000-form archive)."""
    out: list[list[RawCell]] = []
    for r, row in enumerate(rows):
        line, page, width = row.line, row.page, len(row.cells)
        if not row.bboxes and not row.confidences:
            cells = [RawCell(text, r, c, 1, 1, line, page) for c, text in enumerate(row.cells)]
        else:
            bboxes = row.bboxes[:width] + [None] * (width - len(row.bboxes))
            scores = row.confidences[:width] + [None] * (width - len(row.confidences))
            cells = [
                RawCell(text, r, c, 1, 1, line, page, bbox, score)
                for c, (text, bbox, score) in enumerate(zip(row.cells, bboxes, scores, strict=True))
            ]
        for c, (rowspan, colspan) in row.spans.items():
            if c < width:
                cells[c].rowspan, cells[c].colspan = rowspan, colspan
        out.append(cells)
    return out


def _is_subject(cells: list[str]) -> bool:
    """The row labels the form's subject: 项目名称 or 部门名称 stands in a cell of its own."""
    return any(len(c) <= _LABEL_CHARS and compact(c).startswith(SUBJECT_LABELS) for c in cells)


def _has_category(cells: list[str]) -> bool:
    return any(len(c) <= _LABEL_CHARS and any(w in c for w in CATEGORY_WORDS) for c in cells)


@dataclass
class _Open:
    """A form being gathered, and what it has shown of a target table so far."""

    title: str
    attachment: str | None
    first: Row
    year: int | None = None
    rows: list[Row] = field(default_factory=list)
    subject: bool = False
    block: bool = False
    self_evaluation: bool = False

    def add(self, row: Row, filled: list[str], text: str, subject: bool) -> None:
        """Take the row (`filled`: its non-empty cells, `text` them joined, `subject`: it labels the
        subject); look at its cells only for what is still unknown.

        Once a form has shown its block, most rows are indicators: a substring
        test on the row's text is all they cost (a 50 MB archive is a million rows).
        """
        self.rows.append(row)
        self.subject = self.subject or subject
        if not self.block and "指标" in text:
            self.block = is_block_header(filled) or _has_category(filled)
        if _SELF_EVALUATION.search(text) and any(
            len(c) <= _LABEL_CHARS and compact(c).endswith(SELF_EVALUATION_HEADERS) for c in filled
        ):
            self.self_evaluation = True

    @property
    def is_form(self) -> bool:
        """A target table: a subject and an indicator block, and no self-evaluation's columns."""
        return self.subject and self.block and not self.self_evaluation and "自评" not in self.title


def split_forms(rows: list[Row], stream: bool = False) -> list[RawForm]:
    """Group rows into forms by their content; rows outside every form are dropped (cover text, other tables).

    A form opens at a title, or at a subject row when none is open (a table
    without a heading) or when the open one already has its subject (the next
    form's table). It closes at the next form or at another table's heading
    after its indicator block. Only runs that prove to be target tables are kept.
    `stream`: the rows are cells one per line (every row has one cell), and the forms say so.
    """
    other_heading = _STREAM_HEADING if stream else _OTHER_HEADING
    forms: list[RawForm] = []
    current: _Open | None = None
    pending_attachment: tuple[str, Row] | None = None
    heading = ""  # the last one-cell row: a title-less table's heading says what kind it is

    def close() -> None:
        if current is None or not current.is_form:
            return
        body = current.rows
        last = body[-1]
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
                mends=[note for row in body for note in row.mends],
                stream=stream,
            )
        )

    for row in rows:
        filled = [c for c in row.cells if c]  # the row's non-empty cells and their text, worked out once
        joined = "".join(filled)
        # the heading, attachment, year and page number lines are rows of one cell: most rows are not asked
        single = filled[0] if len(filled) == 1 else None
        if not filled or _RULE.match(joined) or (single is not None and PAGE_NUMBER.match(compact(single))):
            continue
        if row.new_table and current is not None and current.block:
            close()  # another table after the block: the form ends (JSON rows keep tables apart)
            current = None
        title = _title_of(single) if single is not None else None
        if title is not None:
            attachment = _attachment_of(title)
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
        if single is not None and _LONE_ATTACHMENT.match(single):
            pending_attachment = (_DIGITS_APART.sub("", single), row)
            continue
        subject = "名称" in joined and _is_subject(filled)
        if subject and (current is None or current.subject or len(current.rows) > _TITLE_REACH):
            # A table with no heading of its own (or a heading too far above to be its title).
            close()
            current = _Open(title="", attachment=None, first=row, self_evaluation="自评" in heading)
        if single is not None:
            heading = single
        if current is None:
            continue
        year = _year_of(single) if single is not None else None
        if year is not None and current.year is None and not current.rows:
            current.year = year
            continue
        if current.block and single is not None and other_heading.match(compact(single)):
            close()
            current = None
            continue
        current.add(row, filled, joined, subject)
    close()
    return forms
