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
"""
from __future__ import annotations

from jixiao.extract.clean import tidy
from jixiao.schemas.markers import SUBJECT_LABELS, compact, is_block_header
from jixiao.schemas.raw import Row


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
