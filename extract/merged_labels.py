"""Merged labels a page break cut: moved back up to their cell, or their clipped redraw dropped.

A merged label cell (产出指标 over many rows) cut by a break prints its text
where the cell's pieces are: Word below the break only, when the cell starts
above it (`lift_merged_labels` moves it up); LibreOffice again on each page,
clipped (`drop_redrawn` takes the copy out). The rows and the geometry are a
text-layer PDF page's (`PageRows`); `page_breaks` calls both at each break.
"""
from __future__ import annotations

from jixiao.extract.cut_labels import LABEL_END
from jixiao.extract.forms import Row
from jixiao.extract.pdf_page import PageRows, cell_above, in_line, owner_of, rowspan, same, text_of
from jixiao.schemas.markers import INDICATOR_HEADERS, PAGE_NUMBER, compact
from jixiao.schemas.raw import BBox


def lift_merged_labels(before: PageRows, row: Row, floor: float) -> None:
    """A merged cell that starts above the break may print its text below it only:
    the label then belongs to the rows above too. Move it up to where the cell starts.

    Only a merged cell below the break is moved, and only into an empty cell above
    it: a table that leaves a label empty to mean "as above" merges nothing, and a
    label read above the break stays where it is. Word may carry the label of a
    merged cell whose first row alone stands above the break (数量指标 over 指标1 |
    指标2): below, that cell is one row tall, like a label of its own; such a label
    is moved when the empty cell above is its column's first under the block's
    header, where "as above" means nothing (a value or a unit never is). No
    label is moved into a cell that opens the page's table under a repeated
    header: that cell goes on from a page before, where its label was cut.
    Nor does "as above" mean anything for a one-row empty cell under a label
    in a column whose labels are merged over their rows: such a cell is the
    first row of a merged cell too (成本指标(必填硬性指标) under 时效指标(必填))."""
    boxes = [b for b in row.bboxes if b is not None]
    if not boxes:
        return
    row_bottom = min(b[3] for b in boxes)
    for col, box in enumerate(row.bboxes):
        if box is None or not row.cells[col]:
            continue
        above = cell_above(before, box, floor)
        if above is None or text_of(before, above):
            continue
        header = _header_over(before, above)
        if header == 0:
            continue  # the cell goes on from a page before, under a header repeated: its label was cut there
        carried = header is not None or _opens_merged_column(before, above)
        if box[3] <= row_bottom + 2 and not (LABEL_END.search(row.cells[col]) and carried):
            continue
        owner_row, index = before.owners[above]
        owner_row.cells[index], row.cells[col] = row.cells[col], ""
        owner_row.mends.append(f"第{row.page}页: 跨页合并单元格的文字“{owner_row.cells[index]}”已移回上一页")


def _opens_merged_column(before: PageRows, above: BBox) -> bool:
    """The empty cell `above` is one grid row tall, right under a cell that holds text, in a column of the
    page's last table where some cell above it spans several rows: a table that merges a label over its
    rows would have merged an "as above" row into the cell over it, so this cell starts a merged cell."""
    column = [c for cells in before.grids[-1].rows for c in cells if c is not None and in_line(c, above)]
    k = column.index(above) if above in column else 0
    if k == 0 or not text_of(before, column[k - 1]) or rowspan(before, above) > 1:
        return False
    return any(rowspan(before, cell) > 1 for cell in column[:k])


def is_header(cells: list[str]) -> bool:
    """The block's header row: two of its cells open with a level's header word."""
    return sum(compact(cell).startswith(INDICATOR_HEADERS) for cell in cells) >= 2


def _header_over(before: PageRows, above: BBox) -> int | None:
    """Where the block's header row stands among the rows of the page's last table above the cell
    `above` (0: it opens the table, a header repeated on a new page), when the cell's column holds no
    text between the two; None when it does, or no header is found."""
    rows = [r for r in before.grids[-1].rows if any(c is not None and c[3] <= above[1] + 1 for c in r)]
    for k in range(len(rows) - 1, -1, -1):
        owner = owner_of(before, rows[k])
        if owner is None:
            continue
        if is_header(owner.cells):
            return k
        mine = next((c for c in rows[k] if c is not None and in_line(c, above)), None)
        if mine is not None and text_of(before, mine):
            return None
    return None


def drop_redrawn(before: PageRows, after: PageRows, floor: float) -> None:
    """Text of a cut merged cell that LibreOffice drew again on the next page, clipped, taken out.

    LibreOffice prints a merged cell's text in every piece of it that a page
    break makes: above the new page's table (质量指标(必填, 产) or at the
    head of its first row (`)` under 质量指标(必填), 出指标 under 产出指标).
    What is only part of a label the cell above the break already holds is
    that label again. Lines are taken only above the table, cells only
    where the label above is whole and the cell is its tail or its head
    (可持续影响指标( under the label, its 必填) clipped into the header).
    """
    cut = [text_of(before, b) for b in before.owners if same(b[3], floor) and text_of(before, b)]
    owners = [owner_of(after, cells) for cells in after.grids[0].rows[:2]]
    head = owners[0]
    if head is not None and len(owners) > 1 and sum(h in c for c in head.cells for h in INDICATOR_HEADERS) >= 2:
        head = owners[1]  # the header repeated: the cut cells go on below it
    for line in list(after.rows):
        if line is head:
            break
        text = compact(line.cells[0]) if len(line.cells) == 1 else ""
        if text and not PAGE_NUMBER.match(text) and any(text in compact(label) for label in cut):
            after.rows.remove(line)
            line.mends.append(f"第{line.page}页: 跨页合并单元格重印的文字“{text}”已略过")
    if head is None:
        return
    for col, box in enumerate(head.bboxes):
        above = cell_above(before, box, floor) if box is not None and head.cells[col] else None
        label = text_of(before, above) if above is not None else ""
        part = head.cells[col]
        if LABEL_END.search(label) and (label.endswith(part) or label.startswith(part)) and label != part:
            head.mends.append(f"第{head.page}页: 跨页合并单元格重印的文字“{head.cells[col]}”已略过")
            head.cells[col] = ""
