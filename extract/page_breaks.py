"""Page breaks mended, in one place: rows and labels a break cut, and headers it repeated.

A page break cuts a table three ways. A row breaks over two pages (Word):
its first lines end one page and the rest opens the next. A merged label
cell (产出指标 over many rows) is cut, and its text, centred in the whole
cell, is drawn below the table, above the next, or in part on each
(LibreOffice draws it again on each page, clipped). And a label is cut
mid-word (满意度指 / 标). The words say where: a bracket left open and
closed, two halves that make a label neither is. A table continued on a new
page may also repeat its header row. Every mend is noted on its row for the
reviewer (it reaches the record's `source.mends`).

Each reader mends with what it knows. A PDF's pages keep their grids and
where each text line stands: `page_rows` and `join_split_rows` here read the
shapes as well as the words. A scan's rows keep only their cells and boxes:
`broken_rows.join_broken_rows` joins by the words and the columns alone. The
words' own tests (a label cut mid-word, a bracket left open) are shared, in
`cut_labels`. The merged labels a break cut are moved back or their
redraw dropped in `merged_labels`; both readers then drop repeated headers
(`repeated_headers`). pdfplumber's JSON rows carry a table per
page with no geometry: `json_rows` chains them itself.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import pairwise

from jixiao.extract.clean import tidy
from jixiao.extract.cut_labels import LABEL_END, LABEL_LINE_CHARS, closes, goes_on, list_goes_on, unclosed
from jixiao.extract.forms import Row
from jixiao.extract.merged_labels import drop_redrawn, is_header, lift_merged_labels
from jixiao.extract.pdf_page import (
    Grid,
    PageRows,
    PageText,
    cell_above,
    centre_in,
    in_line,
    joined_runs,
    owner_of,
    rowspan,
    same,
    split_runs,
    text_of,
)
from jixiao.extract.spans import spans
from jixiao.schemas.markers import PAGE_NUMBER, compact
from jixiao.schemas.raw import BBox


def _cut_cell(grids: list[Grid], rows: dict[BBox, tuple[Row, int]], box: BBox, text: str) -> tuple[Row, int] | None:
    """The merged cell a line outside the tables is the label (or the rest of the label) of,
    when a page break cut that cell.

    LibreOffice and Chromium centre a merged cell's text in the whole cell,
    then cut the cell at the page's foot: the label (质量指标, 产出指标) is
    drawn below the table on one page, or above it on the next, clipped
    away, yet still in the text layer; part of it may fall inside the cell
    and part outside, or the whole label be drawn once more beside the part
    inside. It belongs to the column's last cell of the table above it, or
    to its first cell below the header of the table under it, when that
    cell is empty; to the last cell above it too when the line completes
    that cell's label (产 + 出指标, 服务对象满意度指标(必填 + 量化)), carries on
    the bracket it left open (数量指标( + 必填硬性指) or repeats it (the cell
    is then kept as it is). Only label words are taken
    (…指标, (必填)): an attachment line or a title below a table is a line of its own.
    A line across the table's last rule that the cell above already ends with
    (可持续影响指标(必 | 填) drawn over the rule) was read with the cell in part:
    it is the cell's, to be taken once (`_put_label`).
    """
    if len(text) > LABEL_LINE_CHARS:
        return None
    words = any(word in text for word in ("指", "必填", "选填"))
    centre, middle = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    below = [g for g in grids if g.bbox[3] <= middle]
    above = [g for g in grids if g.bbox[1] >= middle]
    if below:
        grid = max(below, key=lambda g: g.bbox[3])
        column = [c for row in grid.rows for c in row if c is not None and c[0] <= centre <= c[2]]
        if column and same(column[-1][3], grid.bbox[3]):
            row, index = rows[column[-1]]
            held = row.cells[index]
            if box[1] < grid.bbox[3] < box[3] and held.endswith(text):
                return row, index  # across the table's last rule: the cell read it already, its part inside
            # the middle of a bracketed note: 数量指标( + 必填硬性指 + 标)
            carries = words and unclosed(held) and not unclosed(text)
            if (words and (not held or text.startswith(held))) or (held and (goes_on(held, text) or carries)):
                return row, index
    if above and words:
        grid = min(above, key=lambda g: g.bbox[1])
        column = [c for row in grid.rows[:3] for c in row if c is not None and c[0] <= centre <= c[2]]
        for cell in column:
            row, index = rows[cell]
            if not row.cells[index]:
                return row, index
    return None


def _overlap(held: str, line: str) -> int:
    """How many of `line`'s first characters `held` already ends with."""
    return next((k for k in range(min(len(held), len(line) - 1), 0, -1) if held.endswith(line[:k])), 0)


def _put_label(cell: tuple[Row, int], line: str, box: BBox, page_number: int) -> None:
    """Put a cut cell's label line into it: fill it, complete it, or keep it where the line repeats it.

    A line that straddles the cell's edge was read in part with the cell
    (绩效指 inside, 指标 across the edge): that part is not taken twice.
    """
    row, index = cell
    held = row.cells[index]
    edge = row.bboxes[index]
    if held.endswith(line) and edge is not None and box[1] < edge[3] < box[3]:
        return  # across the cell's foot, read with it already
    if held and line.startswith(held):
        if line == held or LABEL_END.search(held):
            return  # the label drawn once more: the cell already holds it
        text = line  # the cell held the label's first part only
    else:
        straddles = edge is not None and (box[1] < edge[3] < box[3] or box[1] < edge[1] < box[3])
        text = tidy(held + line[_overlap(held, line) if straddles else 0:])
    row.cells[index] = text
    row.mends.append(f"第{page_number}页: 分页截断的合并单元格文字“{line}”已放回单元格")


def _wraps_on(cell: tuple[Row, int], last: BBox, box: BBox, line: str) -> bool:
    """`line` is the next line of the cut label just put in `cell` from the line at `last`: the
    label left a bracket open, and the line stands under the cell's column right below that
    line, short enough for a label or closing the bracket."""
    row, index = cell
    edge = row.bboxes[index]
    if not unclosed(row.cells[index]) or edge is None:
        return False
    under = edge[0] <= (box[0] + box[2]) / 2 <= edge[2] and box[1] - last[3] <= 1.5 * (last[3] - last[1])
    return under and (closes(line) or len(line) <= LABEL_LINE_CHARS)


def _content(text: str) -> str:
    """A cell's tidied text; nothing when it holds brackets alone, the rest of a merged label LibreOffice drew
    again clipped over a repeated header (成本指标(必填硬性指标) leaves `()` in the cell under it)."""
    text = tidy(text)
    return "" if text and not text.strip("()（）") else text


def _split_at_rules(text: PageText, grids: list[Grid], owners: dict[BBox, tuple[Row, int]]) -> list[tuple[BBox, str]]:
    """The page's lines outside its tables, each cut where a column rule of a table stands in a gap
    between its runs, when every piece is then the label of a cut cell.

    Chromium centres a merged label in its whole cell and draws it below the
    table when the cell runs on past the page: the level-1 and level-2 labels
    of one row (产出指标, 质量指标(必填)) then stand on one line under their
    own columns, a little more than a character apart, and are read as one
    line. A title or a note below a table is kept whole: its pieces are not
    labels of cells.
    """
    out: list[tuple[BBox, str]] = []
    rules = {x for g in grids for row in g.rows for c in row if c is not None for x in (c[0], c[2])}
    for box, line in text.lines:
        if any(centre_in(box, g.bbox) for g in grids):
            continue
        runs = sorted(text.runs_in(box)) if " " in line else []
        if len(runs) < 2 or " ".join(t for _, t in runs) != line:  # one run, or a line built otherwise
            out.append((box, line))  # (a vertical label's characters)
            continue
        pieces = split_runs(runs, lambda left, right: any(left[2] <= x <= right[0] for x in rules))
        parts = [joined_runs(piece) for piece in pieces]
        if len(parts) > 1 and all(_cut_cell(grids, owners, b, tidy(t)) is not None for b, t in parts):
            out += parts
        else:
            out.append((box, line))
    return out


def page_rows(text: PageText, grids: list[Grid], page_number: int) -> PageRows:
    items: list[tuple[float, Row]] = []
    owners: dict[BBox, tuple[Row, int]] = {}
    for grid in grids:
        for cells, merged in zip(grid.rows, spans(grid.rows), strict=True):
            row = Row(cells=[_content(text.cell(c)) if c is not None else "" for c in cells], page=page_number,
                      bboxes=list(cells), spans=merged)
            owners.update({c: (row, i) for i, c in enumerate(cells) if c is not None})
            items.append((min(c[1] for c in cells if c is not None), row))
    # the cut cell a line above went into, and where that line stands: the label's next line may
    # come after lines of other columns (a vertical label's characters, one a line, beside it)
    filled: tuple[tuple[Row, int], BBox] | None = None
    for box, line in _split_at_rules(text, grids, owners):
        if filled is not None and _wraps_on(filled[0], filled[1], box, tidy(line)):
            (row, index), _ = filled
            row.cells[index] = tidy(row.cells[index] + line)  # 成本指标( + 必填硬性指 + 标)
            filled = (row, index), box
            continue
        cell = _cut_cell(grids, owners, box, tidy(line))
        if cell is not None:
            _put_label(cell, tidy(line), box, page_number)
            filled = cell, box
            continue
        items.append((box[1], Row(cells=[tidy(line)], page=page_number, bboxes=[box])))
    items.sort(key=lambda item: item[0])
    return PageRows(text, [row for _, row in items], grids, owners)


#: how far above a cell's foot (in lines) a text that wrapped may stop and still run on past the break:
#: Chromium keeps a paragraph's last two lines together, so a line that would fit goes to the next page
_WIDOW = 2.5


def _continued_cell(before: PageRows, after: PageRows, box: BBox, floor: float, padding: float) -> BBox | None:
    """The cell above the break that `box` continues when text flows across: its
    text runs down to the table's bottom (or stops short of it on a full line, see
    `_WIDOW`) and `box`'s text starts at its top, or stands in its middle: Word
    centres the rest of a cell set so (部 of 区委组织 | 部, beside a label's three
    lines) in what is left of the row. A merged cell's text centred in it (a
    level-1 label down its rows) says nothing of the row above."""
    owner = cell_above(before, box, floor)
    head = after.text.extent(box)
    if owner is None or head is None:
        return None
    centred = rowspan(after, box) == 1 and abs(head[0] + head[1] - box[1] - box[3]) <= head[2]
    if head[0] > box[1] + 1.6 * head[2] and not centred:
        return None
    tail = before.text.extent(owner)
    if tail is None:
        return None
    full = _wrapped_on(before, owner, tail[1], tail[2], padding, text_of(after, box))
    return owner if _reaches(tail, owner[3], full) else None


def _reaches(extent: tuple[float, float, float], floor: float, full: bool) -> bool:
    """A cell's text (its `extent`) runs down to `floor`: within a line and a half of it, or
    within `_WIDOW` lines when its last line is full (the words go on)."""
    return extent[1] >= floor - (_WIDOW if full else 1.6) * extent[2]


def _filled_to_bottom(before: PageRows, cell: BBox, floor: float) -> bool:
    """Every filled cell of a row whose text runs several lines runs down to its bottom: the
    row was cut by the page, for a whole row leaves its shorter cells short. Lines of text, not
    the row's height: a two-line label's row is three lines tall, one-line texts centred in it."""
    row, _ = before.owners[cell]
    boxes = [b for b, x in zip(row.bboxes, row.cells, strict=False) if b is not None and x]
    extents = [e for e in (before.text.extent(b) for b in boxes) if e is not None]
    if not extents or len(extents) < len(boxes):
        return False
    line = max(e[2] for e in extents)
    tall = max(e[1] - e[0] for e in extents) > 3 * line  # two lines and their leading are 2.5
    return tall and all(e[1] >= floor - 1.6 * e[2] for e in extents)


def _padding(before: PageRows) -> float:
    """The page's cell padding: the least margin between a cell's left rule and its text.

    A line beside which less than a character is left, besides this padding on
    each side, is full; a short label centred in its cell leaves more.

    The runs are sorted by the height of their centres once, and each cell
    looks only at those of its own rows: testing every run against every cell
    cost a sixth of the time of a native PDF's page."""
    centres = sorted(((b[1] + b[3]) / 2, (b[0] + b[2]) / 2, b[0]) for b, _ in before.text.runs)
    heights = [c[0] for c in centres]
    margins = []
    for box, (row, index) in before.owners.items():
        if row.cells[index]:
            level = centres[bisect_left(heights, box[1]):bisect_right(heights, box[3])]
            margins.append(min((left for _, x, left in level if box[0] <= x <= box[2]), default=box[2]) - box[0])
    return max(0.0, min(margins, default=0.0))


#: full-width opening brackets and quotes, whose ink is set off from where their square begins
_OPENING = ("【", "（", "《", "“", "‘", "「", "『", "〔")
#: a text that opens with a character and the punctuation bound to it: no line may start with that
#: punctuation, so the character went down with it and the line above it ends a character short
_BOUND = re.compile(r".[。，、；：！？”’）》」』),.;:!?%]")


def _wrapped_on(before: PageRows, box: BBox, bottom: float, height: float, padding: float,
                below: str = "") -> bool:
    """The cell's last line is full from side to side and ends in no full stop: its
    text wrapped, so the words go on in a line the cell does not show.

    Full means that beyond the page's padding less than a character is left
    beside it: a short line leaves the rest of the cell empty, and a short label
    centred in a narrow cell (其中:财政拨款) leaves room on both sides. When the
    text `below` the break opens with a character and its punctuation (元。), a
    line may stop two characters short: the character went down with it."""
    last = [(b, t) for b, t in before.text.runs_in(box) if b[3] >= bottom - height / 2]
    if not last:
        return False
    start = min(last, key=lambda r: r[0][0])
    # an opening bracket's ink stands in the right half of its square (【103001】): the text starts before it
    left = padding if start[1].startswith(_OPENING) else start[0][0] - box[0]
    right = box[2] - max(b[2] for b, _ in last)
    text = max(last, key=lambda r: r[0][2])[1].rstrip()
    room = left + right - 2 * padding
    chars = 2.2 if _BOUND.match(below) else 1.2
    return room <= chars * height and not text.endswith(("。", "；", ";"))


def _cut_mid_row(before: PageRows, tail: Row, row: Row, floor: float, padding: float, joined: set[int]) -> bool:
    """The page ended inside `tail`, told by the shape of its text alone: `row` fills
    only columns whose text ran to the break (besides those the words already
    join, `joined`: a merged label's rest, 时效指标(必填量 + 化)), some cell of
    `tail` ends on a full line (its words go on), and either the row is several lines tall with some of
    its own cells ending lines above the break, `row` leaving empty the first
    column the row above filled unless that column's own line is full, or each
    column `row` fills ends in such a line.

    Word cuts a tall row at the page's foot and carries only the lines that did not
    fit: a long 三级指标 or 指标值 goes on below; its short cells have nothing left.
    A row of its own fills its first column (a label, a name) whatever the tall row
    above did (其中:财政拨款 wrapped down to the foot, then 其他资金 in the same
    column), unless that first column's words go on: a long name beside short
    values set at the row's top (= | 54 | 名) was cut, and its rest (才。) opens
    the next page in the name's column. A row cut after its first line shows no short cell, but its long
    cell's line is full and its words go on below, in any column (a name under
    merged labels: `指标8:保密机要、外事、国安、改革等` over `培训次数`); a short
    label centred in its cell is not a full line (see `_wrapped_on`).

    A merged cell begun in `tail` that goes on down the new page (a level-1 label) ends
    early because it goes on, not the row; it is still the first column `tail` filled.
    Chromium sets such a label at its cell's top, so a whole two-line row beside it has
    one cell ending early and the rest near the break: no line of it is full.
    """
    boxes = [b for b in tail.bboxes if b is not None]
    if not boxes:
        return False
    top = max(b[1] for b in boxes)
    row_bottom = min(b[3] for b in row.bboxes if b is not None)
    merged_on = [b for b in row.bboxes if b is not None and not same(b[3], row_bottom)]
    own, early, running, wrapped = [], False, [], []
    for box, text in zip(tail.bboxes, tail.cells, strict=False):
        if box is None or not text or not (same(box[1], top) and same(box[3], floor)):
            continue  # a merged cell that began above this row says nothing of where the row ends
        own.append(box)
        if any(in_line(box, below) for below in merged_on):
            continue
        extent = before.text.extent(box)
        if extent is None:
            return False
        below = next((t for b, t in zip(row.bboxes, row.cells, strict=False) if b is not None and in_line(b, box)), "")
        full = _wrapped_on(before, box, extent[1], extent[2], padding, below)
        if _reaches(extent, floor, full):
            running.append(box)
            if full:
                wrapped.append(box)
        elif floor - top > 2.5 * extent[2]:
            early = True
    filled = [b for k, (b, text) in enumerate(zip(row.bboxes, row.cells, strict=False))
              if b is not None and text and k not in joined]
    if not filled or not wrapped:
        return False
    goes_on = running if early else wrapped
    first = min(own, key=lambda b: b[0])
    return all(any(in_line(b, r) for r in goes_on) for b in filled) and not (
        early and first not in wrapped and any(in_line(b, first) for b in filled))


def _row_of_its_own(before: PageRows, tail: Row, above: list[BBox]) -> bool:
    """The row below the break is one of its own, though two labels were cut: a cell of it stands
    below a cell of `tail` whose text ended most of a line above the row's lowest text. A cut
    row's short cells have nothing left to carry, so the labels cut (产出 + 指标, 数量指标 +
    (必填硬性指标)) were merged cells over both rows, cut between them (Writer: a row that fits
    whole goes to the next page, its labels' cells go on over it)."""
    extents = [e for e in (before.text.extent(b) for b in tail.bboxes if b is not None) if e is not None]
    if not extents:
        return False
    lowest = max(e[1] for e in extents)
    ends = [before.text.extent(b) for b in above]
    return any(e is not None and e[1] < lowest - 0.8 * e[2] for e in ends)


def _edge_row(page: PageRows, last: bool) -> Row:
    """The page's last (or first) row that is no page number printed in its foot (or head)."""
    rows = reversed(page.rows) if last else iter(page.rows)
    return next((r for r in rows if not (len(r.cells) == 1 and PAGE_NUMBER.match(compact(r.cells[0])))), page.rows[0])


def join_split_rows(pages: list[PageRows]) -> list[Row]:
    """Mend table rows that a page break cut, then chain the pages.

    When a page ends with a table and the next begins with one of the same
    width, a cell of the new page's first row continues the cell above the
    break when the words say so: the text above leaves a bracket open and
    the cell closes it (成本指标(必填硬性指 + 标)), the two halves make one
    label that neither is (满意度指 + 标, 绩 + 效指标), or the cell opens the
    next item of a numbered goal list (目标4:… + 目标5:…). The other cells of that
    row are then joined too where their text starts at the cell's top and
    the text above runs down to the bottom.

    Without such words a cut row cannot be told from a one-line row that
    happened to end at the margin, so a row is then joined only at the
    bottom margin (the same on every page: a table ending there on several
    pages is the sign) and when it is a fragment: all its filled cells
    continue and it fills fewer cells than the row above (…广度和深 + 度), or
    the row above is several lines tall and every one of its cells runs to
    the bottom (a long goal and its label cut together). A first row left
    empty is dropped.
    """
    breaks = [(b, a) for b, a in pairwise(pages) if b.grids and a.grids and b.rows and a.rows]
    floors = [b.grids[-1].bbox[3] for b, _ in breaks]
    margin = max(floors, default=0.0)
    margin_seen = sum(same(f, margin, 2.5) for f in floors) >= 2
    for before, after in breaks:
        if not (before.rows and after.rows):
            continue  # a page whose only row the break before it joined to the page above
        last, first = before.grids[-1], after.grids[0]
        floor = last.bbox[3]
        if not in_line(last.bbox, first.bbox):
            continue  # another table on the new page: nothing of the one above goes on in it
        drop_redrawn(before, after, floor)
        tail, row = _edge_row(before, True), _edge_row(after, False)
        if tail.bboxes[0] is None and len(tail.bboxes) == 1:
            continue
        if tail is not owner_of(before, last.rows[-1]) or row is not owner_of(after, first.rows[0]):
            continue
        if is_header(row.cells):
            # a header repeated on the new page: the row cut goes on below it, if the words say so
            below = owner_of(after, first.rows[1]) if len(first.rows) > 1 else None
            if below is None:
                continue
            row = below
        # The margin alone is trusted only where the table is the last thing on its page and the
        # first on the next (no page number below or above it), as before the words were read.
        alone = before.rows[-1] is tail and after.rows[0] is row
        at_margin = alone and margin_seen and same(floor, margin, 2.5)
        width = sum(1 for cell in row.cells if cell)
        lift_merged_labels(before, row, floor)
        filled = [(col, box) for col, box in enumerate(row.bboxes) if box is not None and row.cells[col]]
        joins, rest = [], []
        padding = _padding(before)  # the page's, asked once per break
        for col, box in filled:
            above = cell_above(before, box, floor)
            words = text_of(before, above) if above is not None else ""
            if above is not None and (goes_on(words, row.cells[col]) or list_goes_on(words, row.cells[col])):
                joins.append((col, above))
            else:
                rest.append((col, _continued_cell(before, after, box, floor, padding)))
        # The words prove the last row cut when they join two or more cells of that row alone,
        # above and below the break: then its other cells go on their columns' cells too. One
        # label alone may be a merged cell (质量指标(必 + 填) over two rows) cut between its rows.
        bottom = min(b[3] for b in row.bboxes if b is not None)
        own = [col for col, o in joins if before.owners[o][0] is tail and same(row.bboxes[col][3], bottom)]  # type: ignore[index]
        cut = len(own) >= 2
        if cut:
            overs = [(col, cell_above(before, row.bboxes[col], floor)) for col, _ in rest]  # type: ignore[arg-type]
            cut = not _row_of_its_own(before, tail, [o for _, o in overs if o is not None])
            if cut:
                rest = overs
        continued = [(col, o) for col, o in rest if o is not None]
        above_filled = max((sum(1 for x in before.owners[o][0].cells if x) for _, o in continued), default=0)
        # A fragment is thinner than the row it ends: only the cells that overflowed
        # go on. A row that fills as many cells as the one above is a row of its own.
        # One label of the row cut (or the margin) says the page ended inside some row.
        if rest and len(continued) == len(rest) and (
            cut or (own or at_margin) and (width < above_filled or _filled_to_bottom(before, continued[0][1], floor))
            or _cut_mid_row(before, tail, row, floor, padding, {col for col, _ in joins})
        ):
            joins += continued
        for col, owner in joins:
            held, index = before.owners[owner]
            held.cells[index] = tidy(held.cells[index] + row.cells[col])
            row.cells[col] = ""
        if joins:
            tail.mends.append(
                f"第{row.page}页: 跨页断开的行已接回第{row.page - 1}页" if row.page else "跨页断开的行已接回"
            )
        if not any(row.cells):
            after.rows.remove(row)
    return [row for page in pages for row in page.rows]
