"""Converted text with one cell per line: what pdftotext, many PDF readers and copy-paste give.

A table's cells come in row order, one per line; an empty cell leaves no
line, a wrapped cell takes several (split anywhere, even inside a word), and
pages are joined by form feeds. Which lines make a row is not in the text:
the forms are marked as streams and the normalizer rebuilds their rows from
what the cells say. Here each line stays a row of its own, with two mends
that need no vocabulary: a line of block headers run together by spaces
(一级指标 二级指标 三级指标 指标值, as pdftotext prints cells sharing a
baseline) is split into its cells, and a subject label wrapped over two lines
(项目名 | 称) is made one, so the form is found.

Some layouts pdftotext reads column by column: the 二级指标 labels come one
after another (质量指标, 时效指标, 成本指标 …) before or after the rows they
label, and no rebuilding can tell which rows are whose. In row order a
level-2 label is followed by its indicators (or, declared but empty, by the
next label), so three with nothing between them (but level-1 and block
labels, page numbers) say the form's rows cannot be lined up
(`labels_in_a_column`).
"""
from __future__ import annotations

import re

from jixiao.extract.clean import tidy
from jixiao.schemas.markers import (
    INDICATOR_HEADERS,
    LEVEL1,
    PAGE_NUMBER,
    SUBJECT_LABELS,
    compact,
    is_block_header,
)
from jixiao.schemas.raw import RawForm, Row

#: a label's note: 数量指标(必填硬性指标), 质量指标（选填
_NOTE = re.compile(r"[(（](必填|选填)[^)）]*[)）]?$")
#: labels of the block and of level 1 (成本指标 is level 1 in the 2021 national template): they
#: stand between level-2 labels in row order too
_UPPER_LABELS = frozenset({"绩效指标", *LEVEL1})
#: a name numbered within its category (指标1:), and the first of one
_NUMBERED = re.compile(r"指标\d+[:：]")
_FIRST = re.compile(r"指标0*1[:：]")
#: level-2 labels in a row that no row order gives: a category printed with no indicator
#: (Hubei's 经济效益指标 before 社会效益指标) makes two
_RUN = 3
#: longest level-2 label (服务对象满意度指标, 生态环境成本指标), its note cut off
_LABEL_CHARS = 12


def _cells(line: str) -> list[str]:
    parts = line.split()
    if is_block_header(parts):
        return [tidy(p) for p in parts]
    text = tidy(line)
    return [text] if text else []


def _is_subject_piece(above: Row, row: Row) -> bool:
    """`above` and `row` are one subject label wrapped over two lines (项目名 | 称)."""
    if len(above.cells) != 1 or len(row.cells) != 1:
        return False
    first = compact(above.cells[0])
    return not first.startswith(SUBJECT_LABELS) and (first + compact(row.cells[0])).startswith(SUBJECT_LABELS) and any(
        label.startswith(first) for label in SUBJECT_LABELS
    )


def cell_rows(text: str) -> list[Row]:
    """Each line a row (its cells tidied), keeping its 1-based line number; blank lines are left out."""
    rows: list[Row] = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = _cells(line)
        if not cells:
            continue
        row = Row(cells=cells, line=number)
        if rows and _is_subject_piece(rows[-1], row):
            rows[-1].cells = [rows[-1].cells[0] + row.cells[0]]
            continue
        rows.append(row)
    return rows


def _level2(text: str) -> bool:
    """A level-2 category label on a line of its own (社会效益指标, 数量指标(必填)): no name ends so."""
    stem = _NOTE.sub("", compact(text))
    return (4 <= len(stem) <= _LABEL_CHARS and stem.endswith("指标") and not stem.startswith("指标")
            and stem not in INDICATOR_HEADERS and stem not in _UPPER_LABELS)


def labels_in_a_column(form: RawForm) -> str | None:
    """Why the form's lines are not in row order, or None: three level-2 labels with no line of
    theirs between them (pdftotext read the label column on its own)."""
    run: list[str] = []
    numbered = False  # a name numbered 指标N met
    previous = ""
    for row in form.rows:
        text = row[0].text if row else ""
        if compact(text) in _UPPER_LABELS or PAGE_NUMBER.match(compact(text)):
            continue
        run = [*run, text] if _level2(text) else []
        if len(run) >= _RUN:
            return f"二级指标{'、'.join(run)}之间没有指标行:标签列是单独读出的,指标行和标签对不上"
        first = _FIRST.match(compact(text))
        if first and numbered and not _labelish(previous):
            return f"“{text[:20]}”重新编号,前面却没有二级指标:标签和指标行的次序对不上"
        numbered = numbered or bool(_NUMBERED.match(compact(text)))
        previous = text
    return None


def _labelish(text: str) -> bool:
    """A line of a category label or of its note (数量指标, 服务对象满意度指标(必填量 | 化))."""
    stem = compact(text)
    return _NOTE.sub("", stem).endswith("指标") or bool(_NOTE.search(stem)) or stem.endswith((")", "）"))
