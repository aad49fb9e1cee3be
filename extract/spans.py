"""Spans of a ruled grid's merged cells, read from their boxes: the rule PDF and scan grids share.

Both grid readers (`pdf_grid` from a PDF's ruling lines, `grid` from a
scan's ink) give a table as rows of cell boxes, None where a merged cell
covers the slot. A merged cell's box reaches over the slots it covers, so
its spans are counted from the boxes alone, in whatever unit they are.
"""
from __future__ import annotations

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
            colspan = sum(cell[0] - _SAME_RULE < x < cell[2] - _SAME_RULE for x in lefts)
            rowspan = sum(cell[1] - _SAME_RULE < y < cell[3] - _SAME_RULE for y in tops)
            if rowspan > 1 or colspan > 1:
                found[c] = (max(rowspan, 1), max(colspan, 1))
        out.append(found)
    return out
