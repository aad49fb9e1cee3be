"""A cell's text lines, found from its ink's row profile: the cheap detection before recognition.

Cells hold one line or several (wrapped names, a 年度总体目标 with nine
goals). Rows of ink separated by blank rows are lines; two refinements make
that hold on scans: a band too short for a line is a piece of one (a line of
few characters falls apart at the gaps inside 元 or 二) and is joined to its
neighbour, and a band too tall for one line is several lines touching
(tight leading, blur) and is cut at its faintest rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np

from jixiao.extract.grid import Box, inch


@dataclass
class Line:
    """One text line to read: its pixels (flattened page, gray), where it stands on the page, and
    whether its ink is lower than a line of Chinese (digits, Latin letters, signs), which reads wider."""

    image: np.ndarray
    box: Box
    low: bool = False


def without_specks(text_ink: np.ndarray) -> np.ndarray:
    """The text ink without specks: dots no bigger than a period that stand apart from every character.

    Scanner specks (a noisy 150 dpi scan has thousands) would otherwise make
    bands of their own, lines as wide as the page that cost most of the
    recognition time and read as garbage. A period or a comma sits next to a
    character, so a small dot is kept when larger ink lies within 0.03 in of
    its centre.
    """
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(text_ink, connectivity=8)
    dot = (stats[1:, cv2.CC_STAT_WIDTH] <= inch(0.02)) & (stats[1:, cv2.CC_STAT_HEIGHT] <= inch(0.02))
    small = np.flatnonzero(dot) + 1
    if small.size == 0:
        return text_ink
    large = text_ink.copy()
    for label in small:
        x, y, w, h = stats[label, :4]
        box = large[y:y + h, x:x + w]
        box[labels[y:y + h, x:x + w] == label] = 0
    near = cv2.dilate(large, np.ones((2 * inch(0.03) + 1,) * 2, np.uint8))
    cx, cy = centroids[small, 0].astype(int), centroids[small, 1].astype(int)
    out = large
    for label in small[near[cy, cx] > 0]:
        x, y, w, h = stats[label, :4]
        box = out[y:y + h, x:x + w]
        box[labels[y:y + h, x:x + w] == label] = 255
    return out


def _stroke(ink: np.ndarray) -> bool:
    """Whether a band too thin for text holds one flat stroke, as 一 or — alone on a line do
    (solid, 0.05-0.4 in long), not the remains of a ruling line."""
    cols = np.flatnonzero(ink.any(axis=0))
    if cols.size == 0:
        return False
    extent = int(cols[-1]) + 1 - int(cols[0])
    return inch(0.05) <= extent <= inch(0.4) and cols.size >= 0.8 * extent


def _bands(ink: np.ndarray) -> list[tuple[int, int]]:
    """Runs of ink rows (start, end exclusive): small gaps bridged, slivers dropped unless they are
    a stroke standing apart (一 on a line of its own; the top stroke of 元 lies close to the rest)."""
    idx = np.flatnonzero(ink.any(axis=1))
    if idx.size == 0:
        return []
    groups = np.split(idx, np.flatnonzero(np.diff(idx) > inch(0.012) + 1) + 1)
    runs = [(int(g[0]), int(g[-1]) + 1) for g in groups]
    apart = inch(0.04)
    return [(a, b) for k, (a, b) in enumerate(runs)
            if b - a >= inch(0.025)
            or (_stroke(ink[a:b]) and (k == 0 or a - runs[k - 1][1] >= apart)
                and (k + 1 == len(runs) or runs[k + 1][0] - b >= apart))]


def text_bands(text_ink: np.ndarray, box: Box) -> list[tuple[int, int]]:
    """The bands of text rows inside `box`, relative to its top; none when the box holds no real ink."""
    x0, y0, x1, y1 = box
    ink = text_ink[y0:y1, x0:x1]
    if ink.size == 0 or cv2.countNonZero(ink) < inch(0.02) ** 2:
        return []
    return _bands(ink)


def unclipped(bands: list[tuple[int, int]], height: int, line_height: float) -> list[tuple[int, int]]:
    """A cell's bands without the slivers of a line its producer clipped at the cell's top or foot.

    Calc centres a merged label over all the rows it spans, those past a
    page break too, and clips its text at the page: the break cuts through
    the glyphs, the top halves end one page at the cell's foot and the
    bottom halves open the next at its top (效益指标 read `比=` and
    `XX:m1日`, taken for an indicator's name). Ink that runs into the cell's
    top or foot (the crop stops short of the rule) and is no higher than
    about half a line is such a cut line. A whole line can run into it too,
    in a cell drawn tight round its text, or at a table's foot that a page
    break left open (硬性指标) as high as 0.6 of the page's usual line: it is kept.
    """
    return [(a, b) for a, b in bands if not ((a <= 1 or b >= height - 1) and b - a < 0.55 * line_height)]


def _split_tall(profile: np.ndarray, start: int, end: int, line_height: float) -> list[tuple[int, int]]:
    """Cut a band holding several touching lines at its faintest rows, into as many lines as fit whole.

    A cut needs a valley: a row with at most a quarter of the band's usual
    ink. One line in a larger type (a title inside the table) has none and
    stays whole. Lines touch through their brackets and commas, so a band
    of two is often 2.5 lines high: only three quarters of a line more make
    one more line.
    """
    count = int((end - start) / line_height + 0.25)
    if count < 2:
        return [(start, end)]
    rows = profile[start:end]
    valley = 0.25 * float(np.median(rows[rows > 0]))
    cuts = [start]
    for k in range(1, count):
        guess = start + round(k * (end - start) / count)
        lo, hi = max(cuts[-1] + 1, guess - round(line_height / 3)), min(end - 1, guess + round(line_height / 3))
        if hi < lo:
            continue
        cut = lo + int(np.argmin(profile[lo:hi + 1]))
        if profile[cut] <= valley:
            cuts.append(cut)
    cuts.append(end)
    return [(a, b) for a, b in pairwise(cuts) if b > a]


def _join_fragments(bands: list[tuple[int, int]], line_height: float) -> list[tuple[int, int]]:
    """Join a band too short for a line to its nearer neighbour when the two still fit in one line.

    A line of few characters can fall apart at the gaps inside a character
    (the top stroke of 元 or 二 above the rest).
    """
    bands = list(bands)
    changed = True
    while changed and len(bands) > 1:
        changed = False
        for i, (top, bottom) in enumerate(bands):
            if bottom - top >= 0.6 * line_height:
                continue
            options = [j for j in (i - 1, i + 1) if 0 <= j < len(bands)]
            j = min(options, key=lambda j: max(bands[j][0] - bottom, top - bands[j][1]))
            joined = (min(top, bands[j][0]), max(bottom, bands[j][1]))
            if joined[1] - joined[0] <= 1.35 * line_height:
                bands[min(i, j)] = joined
                del bands[max(i, j)]
                changed = True
                break
    return bands


def _lines_of(bands: list[tuple[int, int]], ink: np.ndarray, line_height: float) -> list[tuple[int, int]]:
    """A cell's bands made into text lines: fragments joined, bands of several touching lines cut.

    A band one character wide is a label written one character a line whose
    characters touch: its lines are as high as it is wide (a character is
    square). The page's line is higher than a character by its leading, and
    counted in such lines two characters of 效益指标 (1.75 lines) stayed one
    line, read `整`.
    """
    profile = ink.sum(axis=1, dtype=np.int64)
    lines: list[tuple[int, int]] = []
    for top, bottom in _join_fragments(bands, line_height):
        cols = np.flatnonzero(ink[top:bottom].any(axis=0))
        width = int(cols[-1]) + 1 - int(cols[0]) if cols.size else 0
        size = width if 0.6 * line_height <= width < line_height else line_height
        if bottom - top > 1.6 * size:
            lines.extend(_split_tall(profile, top, bottom, size))
        else:
            lines.append((top, bottom))
    return lines


def _runs(present: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs (start, end exclusive) of True, gaps shorter than `gap` bridged."""
    idx = np.flatnonzero(present)
    if idx.size == 0:
        return []
    groups = np.split(idx, np.flatnonzero(np.diff(idx) > gap) + 1)
    return [(int(g[0]), int(g[-1]) + 1) for g in groups]


def _vertical_columns(ink: np.ndarray, line_height: float) -> list[tuple[int, int]]:
    """The columns of a cell written top to bottom in columns (a label set vertically that wrapped
    into two or three columns in a low cell: 满意 | 度指 | 标, read right to left), or [] when its
    text runs in rows.

    Characters in a row stand nearly solid, their gaps far below a fifth of
    a line; columns of vertical text stand a line's leading apart. So the
    cell is in columns when its ink parts at such gaps into two or more
    pieces, each one character wide, and one of them holds two characters
    or more, stacked, closer to each other than the columns stand. A serif
    face spaced wide at 150 dpi parts a row too (项目名 over 称, centred
    under 目: three columns, the middle one two characters high), but its
    lines stand further apart, by their leading, than its characters do.
    """
    columns = _runs(np.any(ink, axis=0), max(2, round(0.2 * line_height)))
    if len(columns) < 2 or any(not 0.5 * line_height <= b - a <= 1.3 * line_height for a, b in columns):
        return []
    rows = [np.flatnonzero(ink[:, a:b].any(axis=1)) for a, b in columns]
    stacked = [ys for ys in rows if ys[-1] - ys[0] + 1 >= 1.6 * line_height]
    if not stacked:
        return []
    apart = min(b[0] - a[1] for a, b in pairwise(columns))
    return columns[::-1] if max(int(np.diff(ys).max()) - 1 for ys in stacked) < apart else []


def _characters(ink: np.ndarray, columns: list[tuple[int, int]], line_height: float) -> list[Box]:
    """The characters of a cell in columns, in reading order, as boxes relative to the cell: each
    column's bands (pieces of one character joined) cut at its faintest rows into characters."""
    boxes: list[Box] = []
    for a, b in columns:
        column = ink[:, a:b]
        for top, bottom in _lines_of(_bands(column), column, line_height):
            cols = np.flatnonzero(column[top:bottom].any(axis=0))
            if cols.size:
                boxes.append((a + int(cols[0]), top, a + int(cols[-1]) + 1, bottom))
    return boxes


def _body(ink: np.ndarray) -> int:
    """How many rows a line's characters fill, without the tails of commas and brackets: the rows
    holding at least a fifth of the fullest row's ink, from the first to the last."""
    profile = ink.sum(axis=1, dtype=np.int64)
    rows = np.flatnonzero(profile >= 0.2 * profile.max())
    return int(rows[-1] - rows[0] + 1)


#: gray a faint stroke reaches on the flattened page (ink is darker than about 150, paper about 240)
_FAINT = 200


def _faint_ends(paper: np.ndarray, left: int, right: int, reach: int) -> tuple[int, int]:
    """`left` and `right` (columns of `paper`, a line's rows of the flattened page) moved out over the
    faint stroke that goes on from the line's ink, up to `reach` columns each way.

    The thin horizontal strokes of a serif face (三, 一, the bar of 二)
    scanned at 150 dpi are light gray, lighter than the ink threshold: a line
    trimmed to its ink began at 三's right serifs and read `级指标` for
    `三级指标`. A column is faint when two of its pixels or more are that
    gray; the faint columns that run on from the edge (gaps of a pixel or two
    bridged) are taken when they are as wide as a stroke, and a speck beside
    the line or the gray edge of a ruling, narrower, is not.
    """
    faint = np.count_nonzero(paper < _FAINT, axis=0) >= 2
    stroke, gap = inch(0.03), 2

    def out(edge: int, step: int) -> int:
        last, x = edge, edge
        while 0 <= x + step < faint.size and abs(x + step - edge) <= reach and abs(x + step - last) <= gap + 1:
            x += step
            if faint[x]:
                last = x
        return last if abs(last - edge) >= stroke else edge

    return out(left, -1), out(right - 1, 1) + 1


def crop_lines(flat: np.ndarray, text_ink: np.ndarray, box: Box, bands: list[tuple[int, int]],
               line_height: float, split: bool) -> list[Line]:
    """The text lines of `box` (page pixels), top to bottom, each trimmed to its ink plus a margin.

    With `split` (a table cell) the bands are first made into lines
    (`_lines_of`), or, in a cell written in vertical columns, each character
    is a line of its own, in reading order (right to left, top to bottom);
    without, each band is one line (text outside the tables, where lines
    stand apart and a title is taller than the rest). A line lower than
    `line_height` (the height of a line of Chinese) is `low` when it holds
    digits or letters, and given paper above and below when it is as flat
    as 一 or — alone, which would otherwise be blown up to a line's height.
    """
    x0, y0, x1, y1 = box
    ink = text_ink[y0:y1, x0:x1]
    margin = inch(0.015)
    lines: list[Line] = []
    spans: list[Box] = []
    if split:
        columns = _vertical_columns(ink, line_height) if bands else []
        if columns:
            spans = _characters(ink, columns, line_height)
        else:
            bands = _lines_of(bands, ink, line_height)
    if not spans:
        for a, b in bands:
            cols = np.flatnonzero(ink[a:b].any(axis=0))
            if cols.size:
                spans.append((int(cols[0]), a, int(cols[-1]) + 1, b))
    for left, a, right, b in spans:
        left, right = _faint_ends(flat[y0 + a:y0 + b, x0:x1], left, right, round(line_height))
        ya, yb = max(0, y0 + a - margin), min(flat.shape[0], y0 + b + margin)
        xa, xb = max(0, x0 + left - margin), min(flat.shape[1], x0 + right + margin)
        image = flat[ya:yb, xa:xb]
        short = round(line_height) + 2 * margin - image.shape[0]
        if b - a < 0.5 * line_height:
            image = cv2.copyMakeBorder(image, short // 2, short - short // 2, 0, 0, cv2.BORDER_CONSTANT, value=255)
        low = 0.5 * line_height <= _body(ink[a:b, left:right]) < 0.85 * line_height
        lines.append(Line(image, (xa, ya, xb, yb), low))
    return lines


#: how far a lone stroke's top stands right of its foot, in its heights, to be a slash (`/` leans about
#: 0.2-0.35; `1` leans back a little by its flag, -0.1 to 0)
_SLASH_LEAN = 0.15


def leans_as_slash(image: np.ndarray) -> bool:
    """A line's ink (a gray crop) is a stroke leaning right as it rises: `/`, which the recognizer reads
    as `1` or, between longer texts, as nothing (the value `/` of an indicator with no target)."""
    ink = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1] > 0
    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return False
    top, bottom = int(ys.min()), int(ys.max())
    quarter = max(1, (bottom - top + 1) // 4)
    lean = (xs[ys < top + quarter].mean() - xs[ys > bottom - quarter].mean()) / (bottom - top + 1)
    return bool(lean > _SLASH_LEAN)
