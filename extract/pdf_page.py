"""One page of a text-layer PDF as the reader sees it: its tables' grids, its text by box, its rows.

pypdfium2 gives the text (runs with their boxes); the table engines give
the grids (see pdf). Runs are put into lines here, texts drawn twice for
simulated bold counted once, and labels written one character per line
joined, so every later step sees text as printed.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pypdfium2 as pdfium

from jixiao.extract.clean import join_wrapped
from jixiao.extract.forms import Row
from jixiao.extract.pdfium_raw import bounded_text, text_rects
from jixiao.schemas.raw import BBox


@dataclass
class Grid:
    """One table on one page: its box and, per row, each cell's box (None where a merge covers it)."""

    bbox: BBox
    rows: list[list[BBox | None]]
    engine: str


#: height (points) of the bands a page's runs are filed in by their centre (see `PageText.runs_in`)
_BAND = 20.0


def _band(y: float) -> int:
    return int(y // _BAND)


def boxes_by_band(boxes: list[BBox]) -> dict[int, list[int]]:
    """The index of every box in each band it reaches into, in list order: a point's band lists
    every box that may hold it, the first one first."""
    bands: dict[int, list[int]] = {}
    for i, box in enumerate(boxes):
        for band in range(_band(box[1]), _band(box[3]) + 1):
            bands.setdefault(band, []).append(i)
    return bands


def first_holding(bands: dict[int, list[int]], boxes: list[BBox], x: float, y: float) -> int:
    """The index of the first of `boxes` (filed by `boxes_by_band`) holding the point, -1 when none does."""
    for i in bands.get(int(y // _BAND), ()):
        x0, y0, x1, y1 = boxes[i]
        if x0 <= x <= x1 and y0 <= y <= y1:
            return i
    return -1


@dataclass
class PageText:
    """pypdfium2's text of one page, read by box in top-left coordinates.

    `runs` are set once, when the page is read: `runs_in` files them by band
    on its first call.
    """

    textpage: pdfium.PdfTextPage
    height: float
    runs: list[tuple[BBox, str]] = field(default_factory=list)
    lines: list[tuple[BBox, str]] = field(default_factory=list)
    #: cells whose text spilt over their rules, read whole (pdf_spill)
    placed: dict[BBox, str] = field(default_factory=dict)

    @cached_property
    def _bands(self) -> dict[int, list[int]]:
        """The index in `runs` of each run, by the band its centre falls in."""
        bands: dict[int, list[int]] = {}
        for i, (box, _) in enumerate(self.runs):
            bands.setdefault(_band((box[1] + box[3]) / 2), []).append(i)
        return bands

    def runs_in(self, area: BBox) -> list[tuple[BBox, str]]:
        """The runs whose centre lies in `area`, in reading order.

        A page's cells are read for their text's extent a few hundred times and
        a page holds a few hundred runs: only the runs of the bands `area`
        covers are looked at, not every run of the page.
        """
        near = [i for band in range(_band(area[1]), _band(area[3]) + 1) for i in self._bands.get(band, ())]
        return [self.runs[i] for i in sorted(near) if centre_in(self.runs[i][0], area)]

    def extent(self, box: BBox) -> tuple[float, float, float] | None:
        """(top of the first text line, bottom of the last, line height) inside `box`."""
        inside = [b for b, _ in self.runs_in(box)]
        if not inside:
            return None
        height = sorted(b[3] - b[1] for b in inside)[len(inside) // 2]
        return min(b[1] for b in inside), max(b[3] for b in inside), height

    def cell(self, box: BBox) -> str:
        """A table cell's text: as `pdf_spill` placed it where text spilt over the page's rules, else `inside`."""
        placed = self.placed.get(box)
        return placed if placed is not None else self.inside(box)

    def inside(self, box: BBox) -> str:
        x0, top, x1, bottom = box
        pad = 0.8
        text = bounded_text(self.textpage, x0 + pad, self.height - bottom + pad, x1 - pad, self.height - top - pad)
        return join_wrapped(text)


#: how far apart (points) two copies of a run may be drawn and still be one run printed in simulated bold
_OVERPRINT = 1.5
#: how far inside a run's rect (points) its text is read
_INSET = 0.5


def runs(textpage: pdfium.PdfTextPage, height: float) -> list[tuple[BBox, str]]:
    """pdfium's text runs with their top-left boxes, in reading order; a run drawn again over itself counts once.

    Simulated bold draws each run several times, shifted by a fraction of a
    point. pdfium folds the copies of horizontal text, not those of rotated
    text (a label turned down a tall cell): there each copy is a rect of its
    own, and the label would read 产出指标产出指标产出指标产出指标.
    """
    found: list[tuple[BBox, str]] = []
    seen: dict[str, list[BBox]] = {}
    for left, bottom, right, top in text_rects(textpage):
        # Read a little inside the rect: a glyph wider than its advance overlaps the next one's
        # rect, and the whole rect would read both (填硬 填硬 for 填 硬); a rect one glyph
        # wide that still reads two is read further in.
        width = right - left
        side = min(_INSET, width / 4)
        text = bounded_text(textpage, left + side, bottom, right - side, top).strip()
        if len(text) > 1 and width < 1.2 * (top - bottom):
            text = bounded_text(textpage, left + width / 4, bottom, right - width / 4, top).strip() or text
        if "\n" in text:
            # A rect is one line: a line break means the glyphs of a line drawn right above or below
            # touched it (a clipped label LibreOffice draws over a repeated header), read from its middle.
            inset = (top - bottom) / 4
            text = bounded_text(textpage, left + side, bottom + inset, right - side, top - inset).strip() or text
        if not text:
            continue
        box = (left, height - top, right, height - bottom)
        copies = seen.setdefault(text, [])
        for o in copies:  # a loop, not any(): a page's short texts (1, 个, 是) are met hundreds of times
            if (abs(box[0] - o[0]) <= _OVERPRINT and abs(box[1] - o[1]) <= _OVERPRINT
                    and abs(box[2] - o[2]) <= _OVERPRINT and abs(box[3] - o[3]) <= _OVERPRINT):
                break
        else:
            copies.append(box)
            found.append((box, text))
    found.sort(key=lambda r: (r[0][1], r[0][0]))
    return found


def text_lines(runs: list[tuple[BBox, str]]) -> list[tuple[BBox, str]]:
    """Runs grouped into lines, left to right."""
    lines: list[list[tuple[BBox, str]]] = []
    for box, text in runs:
        middle = (box[1] + box[3]) / 2
        if lines and lines[-1][0][0][1] <= middle <= lines[-1][0][0][3]:
            lines[-1].append((box, text))
        else:
            lines.append([(box, text)])
    merged = []
    for line in lines:
        line.sort(key=lambda r: r[0][0])
        merged += [joined_runs(part) for part in split_runs(line, _wide_gap)]
    return merged


def joined_runs(runs: list[tuple[BBox, str]]) -> tuple[BBox, str]:
    """Runs side by side read as one text: their boxes' union and their texts a space apart."""
    if len(runs) == 1:  # most of a page's lines: the run as it is
        return runs[0]
    x0, top, x1, bottom = zip(*(b for b, _ in runs), strict=True)
    return (min(x0), min(top), max(x1), max(bottom)), " ".join(t for _, t in runs)


def split_runs(line: list[tuple[BBox, str]], apart: Callable[[BBox, BBox], bool]) -> list[list[tuple[BBox, str]]]:
    """A line's runs (left to right) parted between two neighbours `apart` says stand in different columns."""
    parts = [[line[0]]]
    for run in line[1:]:
        if apart(parts[-1][-1][0], run[0]):
            parts.append([run])
        else:
            parts[-1].append(run)
    return parts


#: a gap this many line heights wide parts two texts on one line: they stand in different columns
_COLUMN_GAP = 2.0


def _wide_gap(left: BBox, right: BBox) -> bool:
    """A wide gap between two runs of a line.

    Outside a table's grid, the texts of different columns printed at one
    height (the overflow of a cut label beside that of the next column's
    label, or beside the page number) are not one line.
    """
    return right[0] - left[2] > _COLUMN_GAP * max(left[3] - left[1], right[3] - right[1])


#: lines of other cells the text layer may give between two characters of a vertical label
_LOOK_BACK = 6


def join_stacked(lines: list[tuple[BBox, str]]) -> list[tuple[BBox, str]]:
    """Text written down the page one character per line (a vertical label) read as one line.

    A label printed vertically in a tall merged cell keeps its characters
    one above the other; where the cell's box is lost (its text overflows a
    table cut by a page break) each would be a line, and a row, of its own.
    The text layer may give another line between two of its characters (绩,
    a line of the cell beside it, 效): the character goes to the nearest line
    it stands under, not only to the line just before it.
    """
    out: list[tuple[BBox, str]] = []
    for box, text in lines:
        if len(text) == 1:
            size = box[3] - box[1]
            near = range(len(out) - 1, max(-1, len(out) - 1 - _LOOK_BACK), -1)
            at = next((i for i in near if _stacks_on(out[i][0], box, size)), None)
            if at is not None:
                above, joined = out[at]
                out[at] = ((min(above[0], box[0]), above[1], max(above[2], box[2]), box[3]), joined + text)
                continue
        out.append((box, text))
    return out


def _stacks_on(above: BBox, box: BBox, size: float) -> bool:
    """`box` (one character of `size`) stands right under the one-character-wide line `above`, centred on it."""
    narrow = above[2] - above[0] <= 1.5 * size
    centred = abs((above[0] + above[2]) - (box[0] + box[2])) / 2 <= size / 2
    return narrow and centred and 0 <= box[1] - above[3] + size / 2 <= 1.5 * size


#: share of its height a text may stand out of its cell before it is said to cross the cell's rule
OUT_OF_CELL = 0.3


def spills(runs: list[tuple[BBox, str]], cells: list[BBox]) -> bool:
    """Some text of the page crosses a rule of the cell holding its middle, or is drawn over other text:
    the page is read by `pdf_spill`, else cell by cell.

    `runs` are in reading order (top, then left). Cheap enough for every page
    in plain Python (as all of the native reader is: importing numpy cost each
    run a tenth of a CPU second, more than this test on all its pages): a run
    is tested against the cells of its band only, and against the three runs
    after it, as a run drawn over another starts near it.
    """
    if not runs or not cells:
        return False
    bands = boxes_by_band(cells)
    for (left, top, right, bottom), _ in runs:
        x, y = (left + right) / 2, (top + bottom) / 2
        out = OUT_OF_CELL * (bottom - top)
        for i in bands.get(int(y // _BAND), ()):
            x0, y0, x1, y1 = cells[i]
            if x0 <= x <= x1 and y0 <= y <= y1 and (top < y0 - out or bottom > y1 + out):
                return True
    for i, run in enumerate(runs):
        left, right = run[0][0], run[0][2]
        for after in runs[i + 1:i + 4]:
            # side by side (most neighbours in reading order) they cannot cover each other
            if after[0][0] < right and left < after[0][2] and cover_each_other(run, after):
                return True
    return False


def cover_each_other(a: tuple[BBox, str], b: tuple[BBox, str]) -> bool:
    """Two different texts whose boxes cover each other by most of the lower one's height."""
    (ax0, at, ax1, ab), (bx0, bt, bx1, bb) = a[0], b[0]
    if a[1] == b[1] or min(ax1, bx1) - max(ax0, bx0) <= 0:
        return False
    shared = min(ab, bb) - max(at, bt)
    return shared > 0.5 * min(ab - at, bb - bt) and abs(ab - bb) > 1.0


def centre_in(box: BBox, area: BBox) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] <= x <= area[2] and area[1] <= y <= area[3]


@dataclass
class PageRows:
    """A page's rows in reading order, and what split-row joining needs to know of them."""

    text: PageText
    rows: list[Row]
    grids: list[Grid]
    owners: dict[BBox, tuple[Row, int]]


#: how far apart (points) two coordinates may be and still be one edge
_SAME_EDGE = 2.0


def same(a: float, b: float, tolerance: float = _SAME_EDGE) -> bool:
    """Two coordinates the same edge, give or take a line's width."""
    return abs(a - b) <= tolerance


def in_line(a: BBox, b: BBox) -> bool:
    """Two boxes (cells, tables) span the same columns: their left and right edges meet."""
    return same(a[0], b[0]) and same(a[2], b[2])


def cell_above(before: PageRows, box: BBox, floor: float) -> BBox | None:
    """The previous page's cell in the same column that ends at the table's bottom."""
    return next((b for b in before.owners if in_line(b, box) and same(b[3], floor)), None)


def owner_of(page: PageRows, cells: list[BBox | None]) -> Row | None:
    """The row that holds the first cell of a grid row; None when the grid row has no cell."""
    first = next((c for c in cells if c), None)
    return page.owners[first][0] if first is not None and first in page.owners else None


def text_of(page: PageRows, box: BBox) -> str:
    """The text a cell of the page holds, as its row holds it now (mends change it)."""
    row, index = page.owners[box]
    return row.cells[index]


def rowspan(page: PageRows, box: BBox) -> int:
    """How many of its grid's rows the page's cell `box` spans (1 unless merged down)."""
    row, index = page.owners[box]
    return row.spans.get(index, (1, 1))[0]
