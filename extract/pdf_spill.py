"""Text printed beyond its cell's row, given back to its cell.

LibreOffice prints a cell's whole text even where its row is too short for
it: text centred in the cell spills over the rows above and below, and is
drawn over whatever those rows hold. Read cell by cell, each box then gets
the lines that happen to fall in it: in the Wuhan 2020 sheet the
department's first line lands in the project name, the value `1000人、3000人`
is split over three rows, and the last line of a long note is interleaved
with the goal printed in the row below it.

A cell's lines are one block: one font size, stacked at one line pitch,
aligned on one edge or on their centres. A block that crosses a rule of its
cell, or is drawn over another block, belongs whole to the cell holding its
middle. Only a page where some text crosses a rule or is drawn over other
text is read this way (`pdf_page.spills` tells), character by character;
every other page keeps the cheaper reading by cell box. Boxes are plain
tuples, as in the rest of the native reader: numpy's import alone cost a
run more than these few pages.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from jixiao.extract.clean import join_wrapped
from jixiao.extract.pdf_page import OUT_OF_CELL, boxes_by_band, cover_each_other, first_holding
from jixiao.schemas.raw import BBox

#: line pitch of one block, in font sizes: LibreOffice sets about 1.2-1.6
_PITCH = (1.0, 1.75)
#: how far (points) the edges or centres of two lines of one block, or a block and its cell's, may differ
_ALIGN = 2.0
#: the most room (points) LibreOffice leaves between a cell's rule and text set at its top or bottom
_PAD = 4.0


@dataclass
class _Line:
    """One printed line of one cell: its characters left to right, where it stands and in what size."""

    cell: int  # the cell it starts in
    base: float  # baseline, top-left coordinates
    size: float
    box: BBox
    text: str
    loose: bool = False  # out of the cell it starts in, or drawn over another line there


def _chars(textpage: pdfium.PdfTextPage, height: float) -> list[tuple[float, float, float, BBox, str]]:
    """Every printed character: (origin x, baseline, font size, box, text), spaces left out."""
    x, y = ctypes.c_double(), ctypes.c_double()
    found = []
    for i in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, i))
        if char.isspace() or not char.isprintable():
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        if right <= left or top <= bottom:
            continue
        pdfium_c.FPDFText_GetCharOrigin(textpage, i, x, y)
        size = pdfium_c.FPDFText_GetFontSize(textpage, i)
        found.append((x.value, height - y.value, size, (left, height - top, right, height - bottom), char))
    return found


def _lines(chars: list[tuple[float, float, float, BBox, str]], cells: list[BBox]) -> list[_Line]:
    """Characters grouped by baseline and size into lines, split where a wide gap parts them or where
    one stops short of a cell's rule and the next stands in another cell; each line belongs to the
    cell it starts in (overflowing text runs on over the rules, it never starts outside its cell)."""
    if not chars:
        return []
    bands = boxes_by_band(cells)
    owner = [first_holding(bands, cells, (c[3][0] + c[3][2]) / 2, (c[3][1] + c[3][3]) / 2) for c in chars]
    groups: dict[tuple[float, float], list[tuple[int, tuple[float, float, float, BBox, str]]]] = {}
    for char, cell in zip(chars, owner, strict=True):
        groups.setdefault((round(char[1], 1), round(char[2], 1)), []).append((cell, char))
    lines = []
    for (base, size), members in groups.items():
        members.sort(key=lambda m: m[1][0])
        part = [members[0]]
        for cell, char in members[1:]:
            gap = char[3][0] - part[-1][1][3][2]
            if gap > 1.5 * size or (gap > 1.0 and cell != part[-1][0]):
                lines.append(_line(base, size, part))
                part = []
            part.append((cell, char))
        lines.append(_line(base, size, part))
    return [line for line in lines if line.cell >= 0]


def _line(base: float, size: float, members: list[tuple[int, tuple[float, float, float, BBox, str]]]) -> _Line:
    chars = [c for _, c in members]
    box = (chars[0][3][0], min(c[3][1] for c in chars), chars[-1][3][2], max(c[3][3] for c in chars))
    return _Line(members[0][0], base, size, box, "".join(c[4] for c in chars))


def _same_column(a: _Line, b: _Line, cells: list[BBox]) -> bool:
    """The cells two lines start in share an edge, or one line stands within the other's cell."""
    (a0, _, a1, _), (b0, _, b1, _) = cells[a.cell], cells[b.cell]
    return (abs(a0 - b0) <= 1.0 or abs(a1 - b1) <= 1.0 or (b0 <= a.box[0] and a.box[2] <= b1)
            or (a0 <= b.box[0] and b.box[2] <= a1))


def _aligned(a: BBox, b: BBox) -> bool:
    return (abs(a[0] - b[0]) <= _ALIGN or abs(a[2] - b[2]) <= _ALIGN
            or abs((a[0] + a[2]) - (b[0] + b[2])) / 2 <= _ALIGN)


def _mark_loose(lines: list[_Line], cells: list[BBox], drawn_over: bool) -> None:
    """Mark each line that does not fit the cell it starts in or, with `drawn_over`, is drawn over another
    of the lines in that cell."""
    by_cell: dict[int, list[_Line]] = {}
    for line in lines:
        by_cell.setdefault(line.cell, []).append(line)
    for line in lines:
        x0, y0, x1, y1 = cells[line.cell]
        out = OUT_OF_CELL * (line.box[3] - line.box[1])
        line.loose = (line.box[1] < y0 - out or line.box[3] > y1 + out or line.box[2] > x1 + out or (
            drawn_over and any(cover_each_other((line.box, line.text), (o.box, o.text)) for o in by_cell[line.cell])))


def _blocks(lines: list[_Line], cells: list[BBox]) -> list[list[_Line]]:
    """Lines chained into blocks: each line goes on with the nearest line below it in the same column
    of cells, of the same size, aligned with it, at the block's one line pitch. A block goes on into
    another cell only where one of the two lines is loose: lines that each fit their own cell are
    consecutive rows, however regular their pitch."""
    lines.sort(key=lambda line: line.base)
    blocks: list[list[_Line]] = []
    taken: set[int] = set()
    for start in range(len(lines)):
        if start in taken:
            continue
        block = [lines[start]]
        taken.add(start)
        pitch: float | None = None
        for j in range(start + 1, len(lines)):
            last, line = block[-1], lines[j]
            step = line.base - last.base
            if step > _PITCH[1] * last.size:
                break
            if (j in taken or abs(line.size - last.size) > 0.2 or step < _PITCH[0] * last.size
                    or (line.cell != last.cell and not (line.loose or last.loose))
                    or not _same_column(last, line, cells) or not _aligned(last.box, line.box)
                    or (pitch is not None and abs(step - pitch) > 0.6)):
                continue
            pitch = step
            block.append(line)
            taken.add(j)
        blocks.append(block)
    return blocks


def _home(block: list[_Line], cells: list[BBox]) -> int | None:
    """The cell the block was set in: the one holding its middle, if the block stands centred in it, or at its
    top or its bottom (LibreOffice's vertical alignments); None when it stands in none of these ways."""
    top, bottom = block[0].box[1], block[-1].box[3]
    x, y = block[0].box[0] + 0.5, (top + bottom) / 2
    for i, (x0, y0, x1, y1) in enumerate(cells):
        if x0 <= x <= x1 and y0 <= y <= y1:
            set_in = abs((y0 + y1) / 2 - y) <= _ALIGN or 0 <= top - y0 <= _PAD or 0 <= y1 - bottom <= _PAD
            return i if set_in else None
    return None


def _touched(block: list[_Line], cells: list[BBox]) -> set[int]:
    """Every cell a line of the block is drawn into: reading those by their boxes would take a part of it."""
    return {i for i, (x0, y0, x1, y1) in enumerate(cells)
            if any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in (line.box for line in block))}


def _straddled(block: list[_Line], cells: list[BBox]) -> set[int]:
    """The cells a block set in no cell's way is drawn across, when they hold it whole: it stays in the
    cell it starts in, and the others, read by their boxes, would take it too.

    A font with no vertical metrics draws a vertical label's characters on one
    spot, which may straddle the rule between two rows (效益指标 over 满意度指标).
    A block standing out of the table (a cut label at its foot) is left to the
    reading by boxes, which keeps the characters outside every cell.
    """
    touched = _touched(block, cells)
    if len(touched) < 2:
        return set()
    area = [cells[i] for i in touched]
    x0, y0 = min(c[0] for c in area), min(c[1] for c in area)
    x1, y1 = max(c[2] for c in area), max(c[3] for c in area)
    inside = all(x0 <= line.box[0] and line.box[2] <= x1 and y0 <= line.box[1] and line.box[3] <= y1
                 for line in block)
    return touched if inside else set()


def cell_texts(textpage: pdfium.PdfTextPage, height: float, cells: list[BBox]) -> dict[BBox, str]:
    """The text of every cell a loose block leaves or enters, each such block read whole in the cell it was
    set in; lines of other blocks stay in the cell they start in.

    Blocks that cross a rule are settled first. Two lines drawn over each other
    are both loose, and only once the blocks that cross rules are gone does
    it show which one is out of place: a cell's own line, no longer covered,
    is no reason to chain it to the row below.
    """
    lines = _lines(_chars(textpage, height), cells)
    placed: dict[int, list[_Line]] = {}
    moved: set[int] = set()
    for drawn_over in (False, True):
        _mark_loose(lines, cells, drawn_over)
        kept = []
        for block in _blocks(lines, cells):
            loose = any(line.loose for line in block)
            home = _home(block, cells) if loose else None
            if home is None:
                kept.extend(block)
                moved.update(_straddled(block, cells) if loose else ())
                continue
            moved.update(_touched(block, cells))
            moved.add(home)
            placed.setdefault(home, []).extend(block)
        lines = kept
    for line in lines:
        placed.setdefault(line.cell, []).append(line)
    return {cells[i]: join_wrapped("\n".join(line.text for line in sorted(placed.get(i, []),
                                                                         key=lambda line: (line.base, line.box[0]))))
            for i in moved}
