"""Header rows a table repeats on each new page, dropped: kept once, noted on the row before.

Both the PDF and the scan readers call `drop_repeated_headers` after their
rows are chained; the repeat is known by its header words, not its text.
"""
from __future__ import annotations

from jixiao.extract.cut_labels import LABEL_LINE_CHARS
from jixiao.extract.forms import Row
from jixiao.schemas.markers import INDICATOR_HEADERS


def _header_key(cells: list[str]) -> tuple[str, ...] | None:
    """The indicator header words a row's short cells hold (二级指标, 三级指标, …), None when fewer than two."""
    words = [next((h for h in INDICATOR_HEADERS if h in c), "") for c in cells if c and len(c) <= LABEL_LINE_CHARS]
    found = tuple(w for w in words if w)
    return found if len(found) >= 2 else None


def drop_repeated_headers(rows: list[Row]) -> list[Row]:
    """A table continued on a new page may repeat its header row: keep the first only.

    The repeat is known by its header words, not its exact text: the label
    of a merged cell cut by the break may be drawn into it
    (二级指标质量指标(必 over 质量指标(必填), 一级指标产 over 出指标).
    """
    out: list[Row] = []
    header: tuple[str, ...] | None = None
    for row in rows:
        key = _header_key(row.cells)
        if key is not None:
            if header == key and out and out[-1].page != row.page:
                out[-1].mends.append(f"第{row.page}页: 续表重复的表头已略过")
                continue
            header = key
        elif len([c for c in row.cells if c]) == 1 and row.cells[0].endswith(("目标表", "申报表")):
            header = None
        out.append(row)
    return out
