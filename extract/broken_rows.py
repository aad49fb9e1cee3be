"""Rows with no page geometry (scans) put back together across page breaks, by their words and columns alone.

Word and WPS let a table row break across pages: the first lines of a cell
end one page and its last line opens the next, in a row of its own whose
other cells are empty (`指标 7:对沙坡头区全面深化改革` / `进行督导、考核次数`).
Read page by page, that is a spurious row; the hand-verified records hold
the one row it was printed as. A merged label cell breaks the same way
(`成本指标(必填硬性指` / `标)` over the next page's first row): its tail goes
back to the label when it closes the bracket the label left open. A PDF's
pages, which keep their geometry, are mended in `page_breaks`.
"""
from __future__ import annotations

import re

from jixiao.extract.clean import join_wrapped, tidy
from jixiao.extract.cut_labels import WHOLE_LABELS, closes, label_cut, opens_note, unclosed
from jixiao.extract.forms import Row
from jixiao.schemas.markers import PAGE_NUMBER, compact, is_block_header
from jixiao.schemas.raw import BBox


def _aligned(previous: Row, row: Row) -> list[str] | None:
    """`row`'s cells in `previous`'s columns, matched by x position (the pages' grids may differ).

    None when a filled cell lands in no cell of the previous row, or is wider
    than the cell it lands in: a title or a row of another table that opens
    the next page spans columns the previous row's table does not have. Rows
    without boxes must have the same columns.
    """
    if len(row.cells) == len(previous.cells) and not (row.bboxes and previous.bboxes):
        return list(row.cells)
    if not (row.bboxes and previous.bboxes):
        return None
    out = [""] * len(previous.cells)
    for text, box in zip(row.cells, row.bboxes, strict=False):
        if not text:
            continue
        if box is None:
            return None
        centre = (box[0] + box[2]) / 2
        hits = [i for i, b in enumerate(previous.bboxes) if b is not None and b[0] <= centre <= b[2]]
        if not hits or out[hits[0]] or not _fits(box, previous.bboxes[hits[0]]):
            return None
        out[hits[0]] = text
    return out


def _fits(box: BBox, cell: BBox | None) -> bool:
    """`box` lies within the columns of `cell`, give or take a tenth of its width (grids of two scans differ)."""
    if cell is None:
        return False
    slack = max(8.0, 0.1 * (cell[2] - cell[0]))
    return box[0] >= cell[0] - slack and box[2] <= cell[2] + slack


def _filled(cells: list[str]) -> set[int]:
    return {i for i, cell in enumerate(cells) if cell}


#: an indicator's numbered name: 指标1:, 指标 2、
_NUMBERED = re.compile(r"指标\s*\d{1,3}\s*[:.、]")


def _opens(text: str) -> bool:
    """A cell's text begins something of its own, never the rest of a cell above: an indicator's numbered
    name (指标1:新增线路接入完成及时性), a whole label (时效指标(必填), 一级指标)."""
    return bool(_NUMBERED.match(text)) or text.startswith(WHOLE_LABELS)


def continuation(previous: Row, row: Row) -> list[str] | None:
    """The rest of `previous` (the last row of the page before) that `row` opens its page with, in its columns.

    It fills no column the previous row left empty, opens nothing new in one
    (`_opens`: the first row of a page whose grid has a column more or less
    lands in the previous row's columns all the same), and it leaves empty the
    previous row's last filled column (the value), unless it only carries on
    that column's text under an emptied label (a long 年度总体目标 cell).
    None when `row` is a row of its own, as is every row below the indicator
    block's header (一级指标 二级指标 …, one word a cell, never broken): a
    block whose header ends a page opens the next with its first row, whose
    unit column may be empty.
    """
    if previous.page is None or row.page != previous.page + 1 or len(row.cells) < 2 or len(previous.cells) < 2:
        return None
    if is_block_header(previous.cells):
        return None
    cells = _aligned(previous, row)
    if cells is None:
        return None
    before, after = _filled(previous.cells), _filled(cells)
    if not after or not after <= before or any(_opens(cells[i]) for i in after):
        return None
    last = max(before)
    return cells if last not in after or (after == {last} and len(before) > 1) else None


def _merged(previous: Row, rest: list[str], row: Row) -> Row:
    cells = [tidy(join_wrapped(f"{a}\n{b}")) if b else a for a, b in zip(previous.cells, rest, strict=True)]
    scores = [c for c in row.confidences if c is not None]
    low = min(scores) if scores else None
    confidences = [
        (min(c, low) if c is not None and low is not None else c) if b else c
        for c, b in zip(previous.confidences or [None] * len(cells), rest, strict=False)
    ]
    return Row(cells=cells, line=previous.line, page=previous.page, bboxes=previous.bboxes, confidences=confidences,
               mends=list(previous.mends))


def _column(rows: list[Row], box: tuple[float, float, float, float] | None) -> tuple[Row, int] | None:
    """The nearest row above (of `rows`, last first) with text in the column `box` stands in, and that column."""
    if box is None:
        return None
    centre = (box[0] + box[2]) / 2
    for row in reversed(rows):
        for i, (text, other) in enumerate(zip(row.cells, row.bboxes or [], strict=False)):
            if text and other is not None and other[0] <= centre <= other[2]:
                return row, i
    return None


def _reaches_foot(row: Row, k: int, last: Row) -> bool:
    """Cell `k` of `row` runs down to the foot of `last` (the page's last row): a merged label over the
    rows above the break (绩 of 绩效指标, its cell begun at the block's header)."""
    box = row.bboxes[k] if k < len(row.bboxes) else None
    foot = max((b[3] for b in last.bboxes if b is not None), default=None)
    return box is not None and foot is not None and box[3] >= foot - 2


def _whole(head: str, tail: str) -> str | None:
    """The label `head` and `tail` make whole, by themselves (绩 + 效指标), with one character of the
    tail misread (绩 + 双指标: the break clipped 效, the first character below it), or lost (绩 + 指标:
    the break clipped 效 away); None when they do not."""
    joined = head + tail
    if joined.startswith(WHOLE_LABELS):
        return joined
    for label in WHOLE_LABELS:
        n = len(label)
        if len(head) < n <= len(joined) and label.startswith(head) and sum(
                a != b for a, b in zip(joined[:n], label, strict=True)) == 1:
            return label + joined[n:]
        if len(head) + 1 < n and label.startswith(head) and tail.startswith(label[len(head) + 1:]):
            return label + tail[n - len(head) - 1:]
    return None


def _rejoin_labels(page_rows: list[Row], row: Row) -> None:
    """Give back to the previous page's labels the tails `row` carries: `标)` after `…(必填硬性指`
    anywhere above; `效指标` after `绩` in a cell that reaches the page's foot, when the two make a
    label whole by itself (a misread tail such as 绩指标 would end any cell above in 指标: 年度总体目标);
    the note `(必填量化)` after a whole label (服务对象满意度指标) in a cell that reaches it."""
    for i, text in enumerate(row.cells):
        if not text:
            continue
        found = _column(page_rows, row.bboxes[i] if i < len(row.bboxes) else None)
        if found is None:
            continue
        above, k = found
        foot = above is page_rows[-1] or _reaches_foot(above, k, page_rows[-1])
        whole = _whole(above.cells[k], text) if foot and label_cut(above.cells[k], text) else None
        if (unclosed(above.cells[k]) and closes(text)) or (foot and opens_note(above.cells[k], text)):
            whole = above.cells[k] + text
        if whole is not None:
            above.cells[k] = tidy(whole)
            row.cells[i] = ""
            above.mends.append(f"第{row.page}页: 跨页断开的标签已接回第{above.page}页")


#: how a text that surely goes on ends: a word that joins it to more (文化科技卫生三下乡活动经费及)
_JOINING_END = ("及", "和", "与", "或", "、", ",", "，")


def _over_page_number(out: list[Row], row: Row) -> tuple[int, list[str]] | None:
    """Where the row broken by the page is, and `row`'s cells that go on it, when the page number printed
    in the page's foot stands between them (第1页,共3页 after 文化科技卫生三下乡活动经费及).

    Only a text that surely goes on is carried on so: every cell `row` adds to
    ends in a joining word or an open bracket, or `row` adds to the last filled
    column alone, the value (提高…变“死档案” over 第1页,共2页, then
    为“活信息”… opening the next page, seed-29 0081_chromium_scan): no row of
    its own holds a value under empty labels and an empty name. A whole label
    opening the next page lands in the columns of the row above as a rest
    would (其他资金 after 其中:财政拨款), and ends no text that goes on.
    """
    if len(out) < 2 or len(out[-1].cells) != 1 or not PAGE_NUMBER.match(compact(out[-1].cells[0])):
        return None
    rest = continuation(out[-2], row)
    if rest is None:
        return None
    added = _filled(rest)
    if added != {max(_filled(out[-2].cells))} and not all(_ends_open(out[-2].cells[i]) for i in added):
        return None
    return len(out) - 2, rest


def _ends_open(text: str) -> bool:
    """`text` surely goes on: it ends in a joining word or leaves a bracket open (not `cut_labels.goes_on`,
    which asks whether a given line is a label's rest)."""
    return text.endswith(_JOINING_END) or unclosed(text)


def join_broken_rows(rows: list[Row]) -> list[Row]:
    """The rows with every row broken at a page break put back together (it keeps its first page)."""
    out: list[Row] = []
    opened: set[int | None] = set()  # pages whose first row of cells has been seen
    for row in rows:
        first = len(row.cells) > 1 and row.page not in opened
        if first:
            opened.add(row.page)
        if out and out[-1].page is not None and row.page == out[-1].page + 1 and len(row.cells) > 1:
            # labels' tails first: what is left of the row may then be the rest of the row above
            # (指标, the tail of 效益, beside the rest of the value cut by the break)
            previous_page = [r for r in out if r.page == out[-1].page and len(r.cells) > 1]
            had = any(row.cells)
            _rejoin_labels(previous_page, row)
            if had and not any(row.cells):
                continue  # it held only labels' tails, given back
        rest = continuation(out[-1], row) if out and first else None
        broken = (len(out) - 1, rest) if rest is not None else _over_page_number(out, row) if first else None
        if broken is not None:
            k, cells = broken
            out[k] = _merged(out[k], cells, row)
            out[k].mends.append(f"第{row.page}页: 跨页断开的行已接回第{out[k].page}页")
            continue
        out.append(row)
    return out
