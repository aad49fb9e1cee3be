"""Spans of a ruled grid's merged cells, read from their boxes: the rule PDF and scan grids share.

Both grid readers (`pdf_grid` from a PDF's ruling lines, `grid` from a
scan's ink) give a table as rows of cell boxes, None where a merged cell
covers the slot. A merged cell's box reaches over the slots it covers, so
its spans are counted from the boxes alone, in whatever unit they are.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

#: how far apart two rules may be and still be one (a rule drawn twice, rounding): a point, or a pixel
_SAME_RULE = 1.0


def spans(rows: Sequence[Sequence[Sequence[float] | None]]) -> list[dict[int, tuple[int, int]]]:
    """(rowspan, colspan) of each cell of a grid that spans more than one slot, per row by column:
    its colspan is the number of column starts inside its width, its rowspan that of row tops inside
    its height."""
    lefts = sorted({cell[0] for row in rows for cell in row if cell is not None})
    tops = sorted({cell[1] for row in rows for cell in row if cell is not None})
    out: list[dict[int, tuple[int, int]]] = []
    for row in rows:
        found: dict[int, tuple[int, int]] = {}
        for c, cell in enumerate(row):
            if cell is None:
                continue
            colspan = _between(lefts, cell[0] - _SAME_RULE, cell[2] - _SAME_RULE)
            rowspan = _between(tops, cell[1] - _SAME_RULE, cell[3] - _SAME_RULE)
            if rowspan > 1 or colspan > 1:
                found[c] = (max(rowspan, 1), max(colspan, 1))
        out.append(found)
    return out


def _between(values: list[float], low: float, high: float) -> int:
    """How many of the sorted `values` lie strictly between `low` and `high`, found by bisection: tested
    one by one, every cell against every rule, they were some 3% of reading a PDF page."""
    return max(0, bisect_left(values, high) - bisect_right(values, low))
