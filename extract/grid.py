"""Page images to upright, clean pages and their table grids (OpenCV only, no OCR).

Scans arrive on gray or uneven paper, skewed by a degree or two, sometimes
fed sideways; the OCR only sees cell crops, so the page must first be made
upright and the grid found from its ruling lines, merged cells included:

- `flatten` divides the page by its own background (a closing wider than
  any stroke), so a gray photocopy or a shadowed edge becomes white paper;
- `orientation` picks the quarter turn and the skew that make the ink's row
  profile sharpest: ruling lines and text lines both run along the rows of
  an upright form, and a form has many more rows than columns;
- `find_tables` takes horizontal and vertical line masks (morphological
  openings longer than any character stroke), places row and column
  boundaries where lines run, and then tests each cell edge: an edge whose
  line is missing joins the two cells, which is how merged cells (绩效指标,
  一级指标 over their rows) are recovered, as camelot's lattice does.

Lengths are in inches times the working resolution, so one set of numbers
serves every page after it has been scaled to `DPI`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

#: the resolution every page is scaled to before any of this runs
DPI = 200
#: inches of text in lines (`_text_lines`, either way) below which a page cannot tell its quarter turn
_FEW_LINES = 1.5

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in working pixels


def inch(value: float) -> int:
    """A length in inches as working pixels."""
    return max(1, round(value * DPI))


@dataclass
class Table:
    """One ruled table: its box and, per grid row, each cell's box (None where a merge covers it)."""

    box: Box
    rows: list[list[Box | None]]


def to_working(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Scale a page from its resolution to `DPI`."""
    if abs(dpi - DPI) < 1:
        return gray
    scale = DPI / dpi
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interpolation)


def flatten(gray: np.ndarray) -> np.ndarray:
    """Divide the page by its background: gray, uneven or shadowed paper becomes white, ink stays dark.

    The background is estimated at a quarter of the resolution by a closing
    wider than any stroke (so text and lines vanish from it), then smoothed.
    """
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (inch(0.3) // 4 | 1,) * 2)
    background = cv2.medianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel), 5)
    background = cv2.resize(background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(background, 1), scale=255)  # rounded and saturated at 255


def binarize(flat: np.ndarray) -> np.ndarray:
    """Ink mask (255 where ink): Otsu on the flattened page.

    No median filter: it would erase the one-pixel ruling lines of a 150 dpi
    scan. Specks stay: the line masks' openings ignore them, and the text
    ink drops them itself (`lines.without_specks`).
    """
    threshold, _ = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Otsu on a nearly white page can sit too low for faint (blurred) lines: never below mid-gray.
    _, ink = cv2.threshold(flat, max(threshold, 150), 255, cv2.THRESH_BINARY_INV)
    return ink


def _rotate(img: np.ndarray, degrees: float, fill: int) -> np.ndarray:
    h, w = img.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def _sharpness(ink: np.ndarray) -> float:
    """How abruptly the ink's row profile changes: high when lines and text rows run along the rows.

    Differences, not the variance, so that a half-empty page (ink above,
    blank below) does not look like structure.
    """
    profile = ink.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def _best_angle(ink: np.ndarray, angles: np.ndarray) -> tuple[float, float]:
    scores = [_sharpness(_rotate(ink, a, 0)) for a in angles]
    best = int(np.argmax(scores))
    return float(angles[best]), scores[best]


def _without_grids(small: np.ndarray, scale: float) -> np.ndarray:
    """A small copy of the ink (`scale` of working size) without its tables' grids: the pieces of
    ink more than half an inch both wide and high."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats((small > 0).astype(np.uint8), connectivity=8)
    big = inch(0.5) * scale
    grids = (stats[:, cv2.CC_STAT_WIDTH] > big) & (stats[:, cv2.CC_STAT_HEIGHT] > big)
    grids[0] = False
    return np.where(grids[labels], np.uint8(0), small)


def _text_lines(text: np.ndarray, scale: float) -> int:
    """How long the lines of text running along the rows are, summed (`text`: ink without grids, at
    `scale` of working size): characters joined across gaps of 0.06 in, then the pieces at least three
    times as long as high and of a line's height. Chinese characters are square and evenly set, so
    the profile of the ink looks alike both ways and a table's left-aligned cells or its column lines
    can make an upright page look turned; lines of characters say which way the text runs, and a
    label written one character per line is too short to outweigh the rest."""
    joined = cv2.morphologyEx((text > 0).astype(np.uint8), cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (max(2, round(inch(0.06) * scale)), 1)))
    _, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    width, height = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    lines = (width >= 3 * height) & (height >= inch(0.06) * scale) & (height <= inch(0.3) * scale)
    return int(width[lines].sum())


def orientation(ink: np.ndarray, before: int | None = None) -> tuple[int, float, bool]:
    """(quarter turns clockwise, skew in degrees) that make the page upright, up to a half turn, and
    whether the page's own text told the turn.

    The quarter turn is the one whose text lies in lines along the rows
    (`_text_lines`, on a copy 0.3 of the page). The skew is then searched on
    a copy half that size, ±5° in 0.5° steps, and refined to 0.1° on the
    0.3 copy. A half turn looks the same to these tests; the OCR decides it
    (`scan` reads a few lines first).

    A page with less than `_FEW_LINES` of text in lines either way cannot
    tell: a page holding only the rest of a label written one character a
    line (度指标, its first characters on the page before) and the page
    number, scanned sideways, shows the label as a short line across the
    page and was turned the wrong way, the page number read as an indicator.
    Such a page takes `before`, the turns of the page before it (a document's
    pages are fed alike), half turn included, when there is one; the flag
    is then False.
    """
    fine = cv2.resize(ink, None, fx=0.3, fy=0.3, interpolation=cv2.INTER_AREA)
    text = _without_grids(fine, 0.3)
    along, across = _text_lines(text, 0.3), _text_lines(cv2.rotate(text, cv2.ROTATE_90_CLOCKWISE), 0.3)
    told = max(along, across) >= inch(_FEW_LINES) * 0.3
    turns = int(across > along) if told or before is None else before % 4
    base = cv2.rotate(fine, cv2.ROTATE_90_CLOCKWISE) if turns % 2 else fine
    angle, _ = _best_angle(cv2.resize(base, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA),
                           np.arange(-5.0, 5.01, 0.5))
    best, _ = _best_angle(base, np.arange(angle - 0.5, angle + 0.51, 0.1))
    return turns, round(best, 2), told or before is None


def upright(img: np.ndarray, turns: int, skew: float, fill: int = 255) -> np.ndarray:
    """Apply `turns` quarter turns clockwise, then rotate by `skew` degrees."""
    for _ in range(turns % 4):
        img = cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE)
    return _rotate(img, skew, fill) if abs(skew) >= 0.05 else img


def line_masks(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling-line masks.

    Horizontal lines are unbroken runs longer than 0.3 in, which no character
    stroke reaches; vertical ones only need to outrun the height of a short
    row's text, so the opening is short (0.08 in) and `find_tables` keeps an
    edge only where the line spans the whole cell side, which text never
    does. A closing by 2 px first mends lines broken by one-pixel specks; it is too
    short to join neighbouring characters (`_stubs` mends the rest).
    """
    opening = cv2.getStructuringElement(cv2.MORPH_RECT, (inch(0.3), 1))
    lines = cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, 2), np.uint8)), cv2.MORPH_OPEN, opening)
    horizontal = _stubs(ink, lines, opening)
    vertical = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 2)))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, inch(0.08))))
    return horizontal, vertical


def _stubs(ink: np.ndarray, lines: np.ndarray, opening: np.ndarray) -> np.ndarray:
    """The row lines (`lines`) with the stubs a wider speck cut off them put back.

    A one-pixel speck of a 150 dpi scan is two working pixels wide: the
    2 px closing leaves it, and when it falls near a column line the stub
    beyond it is shorter than the opening and lost; the rule under 指标值
    then closed no cell, and the header was read with the value below it.
    On the rows a line runs along, the ink is closed by 3 px and opened
    again, and each run that holds a line is taken whole. Only runs that
    hold one: 3 px also joins strokes of neighbouring characters into runs
    as long as a line (大学 lost its stroke to the rulings and read 人学).
    Rows are read one by one, so only the rows of the lines are worked on.
    """
    ruled = lines.any(axis=1)
    rows = np.flatnonzero(ruled | np.roll(ruled, 1) | np.roll(ruled, -1))
    if rows.size == 0:
        return lines
    closed = cv2.morphologyEx(cv2.morphologyEx(ink[rows], cv2.MORPH_CLOSE, np.ones((1, 3), np.uint8)),
                              cv2.MORPH_OPEN, opening) > 0
    starts = closed & ~np.pad(closed, ((0, 0), (1, 0)))[:, :-1]
    runs = np.cumsum(starts.ravel()).reshape(closed.shape) * closed  # each run its own number, 0 off the runs
    holds = np.zeros(int(runs.max()) + 1, bool)
    holds[runs[lines[rows] > 0]] = True
    holds[0] = False
    mended = lines.copy()
    mended[rows] = np.where(holds[runs], np.uint8(255), lines[rows])
    return mended


def rulings(horizontal: np.ndarray, vertical: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """The ruling lines alone, slightly widened, to take out of the text ink.

    The vertical mask also holds the tall strokes of characters (用, 川);
    only its pieces taller than a quarter inch are lines. The strokes of a
    label written one character a line can line up taller than that (扌 of
    指 over 木 of 标, touching, in a small face): a piece under half an inch
    that other strokes cross (ink just left and just right of it in one of
    its rows) and that meets no row line at its top or foot, as a cell's
    side does, is a character's; taken out, 指标 lost its left halves and
    read 示. A cell's side where a merged cell goes on over the page, no
    row line at either end, is crossed by nothing.
    """
    _, labels, stats, _ = cv2.connectedComponentsWithStats(vertical, connectivity=8)
    lines = horizontal.copy()
    reach = inch(0.03)

    def meets_row_line(x: int, y: int, w: int, h: int) -> bool:
        left, right = max(0, x - reach), x + w + reach
        ends = (horizontal[max(0, y - reach):y + reach + 1, left:right],
                horizontal[max(0, y + h - 1 - reach):y + h + reach, left:right])
        return any(end.any() for end in ends)

    def crossed(x: int, y: int, w: int, h: int) -> bool:
        if x < 2 or x + w + 2 > ink.shape[1]:
            return False
        return bool((ink[y:y + h, x - 2].astype(bool) & ink[y:y + h, x + w + 1].astype(bool)).any())

    for label in np.flatnonzero(stats[1:, cv2.CC_STAT_HEIGHT] >= inch(0.25)) + 1:
        x, y, w, h = stats[label, :4]  # drawn inside its box: a few lines, not a pass over the page
        if h < inch(0.5) and crossed(x, y, w, h) and not meets_row_line(x, y, w, h):
            continue
        box = lines[y:y + h, x:x + w]
        box[labels[y:y + h, x:x + w] == label] = 255
    return cv2.dilate(lines, np.ones((3, 3), np.uint8))


def _positions(profile: np.ndarray, minimum: float) -> list[list[int]]:
    """Where lines run: the peaks of a line mask's profile that stand out from their surroundings,
    each with its rivals.

    A peak must rise by `minimum` above the floor around it (the lowest value
    within a quarter inch): character strokes add up to a raised floor over a
    long table, a ruling to a spike. Of peaks closer than a text line (0.1 in)
    the strongest stands for them all: no row or column is thinner than its
    text, and a dash run (——) beside a row line is no line. The weaker ones
    follow it, strongest first: the strokes of a column of text can outweigh
    a column line drawn down one short row only (`_grid` then takes the line).
    """
    row = profile.astype(np.float32)[None, :]
    floor = cv2.erode(row, np.ones((1, 2 * inch(0.125) + 1), np.uint8))[0]
    top = cv2.dilate(row, np.ones((1, 3), np.uint8))[0]
    values = row[0]
    peaks = np.flatnonzero((values >= top) & (values - floor >= minimum))
    near = inch(0.1)
    owner = np.full(values.size, -1)  # which kept peak a place lies within `near` of
    groups: list[list[int]] = []
    for x in peaks[np.argsort(-values[peaks], kind="stable")]:
        if owner[x] < 0:
            owner[max(0, x - near + 1):x + near] = len(groups)
            groups.append([int(x)])
        else:
            groups[owner[x]].append(int(x))
    return sorted(groups)


class _Regions:
    """Union-find over grid slots, to join the slots a merged cell covers."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _cells(xs: list[int], ys: list[int], v_edge: Callable[[int, int], bool], h_edge: Callable[[int, int], bool],
           origin: tuple[int, int]) -> list[list[Box | None]]:
    """Per grid row, each cell's box: slots whose shared edge has no line are one (merged) cell,
    boxed at its first slot; the slots it covers are None."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    regions = _Regions(n_rows * n_cols)
    for i in range(n_rows):
        for j in range(n_cols):
            if j + 1 < n_cols and not v_edge(j + 1, i):
                regions.join(i * n_cols + j, i * n_cols + j + 1)
            if i + 1 < n_rows and not h_edge(i + 1, j):
                regions.join(i * n_cols + j, (i + 1) * n_cols + j)
    spans: dict[int, list[int]] = {}
    for i in range(n_rows):
        for j in range(n_cols):
            root = regions.find(i * n_cols + j)
            r0, c0, r1, c1 = spans.get(root, [i, j, i, j])
            spans[root] = [min(r0, i), min(c0, j), max(r1, i), max(c1, j)]
    x0, y0 = origin
    rows: list[list[Box | None]] = [[None] * n_cols for _ in range(n_rows)]
    for r0, c0, r1, c1 in spans.values():
        rows[r0][c0] = (x0 + xs[c0], y0 + ys[r0], x0 + xs[c1 + 1], y0 + ys[r1 + 1])
    return rows


#: how far (pixels) a ruling may sit from the position found for it
_BAND = 4


def _closed(ys: list[int], xs: list[int], column_line: Callable[[int], np.ndarray]) -> list[int]:
    """The row lines, with an end of the table left open closed where its column lines end.

    A browser draws the piece of a table a page break carried onto the next
    page with no rule at its top: its column lines run from where that rule
    would be down to the first drawn one, and the first row (the form's last
    row alone, or the first of many: 其他资金 above the rest of its form) is
    not closed. When the outer column lines and at least one more run on
    unbroken a text line or more past the first (or last) rule and end at one
    height, that is the table's edge. Strokes of text by a column line never
    run on from a rule that far. `column_line(x)`: the rows with column-line
    ink within `_BAND` of x.
    """
    if len(xs) < 3:
        return ys
    same, least = inch(0.05), inch(0.15)
    strips = [column_line(x) for x in xs]

    def end(strip: np.ndarray, rule: int, step: int) -> int | None:
        """Where a column line running on from `rule` (up for step -1, down for +1) ends, if it does."""
        run = strip[:rule + 1][::-1] if step < 0 else strip[rule:]
        ink = np.flatnonzero(run)
        if not ink.size or ink[-1] < least or np.count_nonzero(run[:ink[-1] + 1]) < 0.85 * (ink[-1] + 1):
            return None
        return rule + step * int(ink[-1])

    closed = list(ys)
    for rule, step in ((ys[0], -1), (ys[-1], 1)):
        ends = [end(strip, rule, step) for strip in strips]
        outer = [e for e in (ends[0], ends[-1]) if e is not None]
        if len(outer) == 2 and abs(outer[0] - outer[1]) <= same and sum(e is not None for e in ends) >= 3:
            edge = min(outer) if step < 0 else max(outer)
            closed = [edge, *closed] if step < 0 else [*closed, edge]
    return closed


def _ruled(vertical: np.ndarray, group: list[int], rules: Callable[[int], np.ndarray]) -> int:
    """Of a column line's rival places, the one with the longest run of line ink from one row
    line to another; the strongest when none beats it. `rules(x)`: the rows with row-line ink
    within `_BAND` of x.

    The strokes of a column of text, row after row, can add up to more ink
    than a column line drawn down one short row only (the indicator header
    at a page's foot). A line meets the rules at both its ends; a stroke
    stands inside its cell's margins and meets none."""
    if len(group) == 1:
        return group[0]
    reach = 3

    def run(x: int) -> int:
        ink = np.concatenate(([0], (vertical[:, x] > 0).astype(np.int8), [0]))
        edges = np.flatnonzero(np.diff(ink))
        ruled = rules(x)
        runs = [end - start for start, end in zip(edges[::2], edges[1::2], strict=True)
                if ruled[max(0, start - reach):start + reach].any() and ruled[max(0, end - reach):end + reach].any()]
        return max(runs, default=0)

    longest = {x: run(x) for x in group}
    best = max(group, key=longest.__getitem__)
    return best if longest[best] > longest[group[0]] else group[0]


def _crossed(strip: np.ndarray, ink: np.ndarray, left: int) -> bool:
    """The column-line ink of `strip` (some rows of the vertical mask, from column `left` of `ink`, the
    same rows of the page's ink) is crossed by other ink in a quarter of its rows or more: it is the
    strokes of characters lined up, not a rule.

    A label written one character a line in a low cell wraps into two
    columns (标 | 满意度指, seed-29 0110_writer_scan): the left strokes of
    满, 意, 度 and 指 stand one over another as high as the cell and were
    taken for a column line; the cell was cut in two and its halves read
    `标` and `旨`. Those strokes are crossed by the characters' other
    strokes, ink on both sides at once (two pixels off, clear of a rule's
    own blur); text in a cell never reaches across the cell's side.
    """
    rows = np.flatnonzero(strip.any(axis=1))
    if rows.size == 0:
        return False
    first = left + strip[rows].argmax(axis=1)
    last = left + strip.shape[1] - 1 - strip[rows, ::-1].argmax(axis=1)
    width = ink.shape[1]
    lit = ink[rows] > 0
    side = np.arange(rows.size)
    before = lit[side, np.clip(first - 2, 0, width - 1)] | lit[side, np.clip(first - 3, 0, width - 1)]
    after = lit[side, np.clip(last + 2, 0, width - 1)] | lit[side, np.clip(last + 3, 0, width - 1)]
    return bool(np.count_nonzero(before & after) >= 0.25 * rows.size)


def _grid(horizontal: np.ndarray, vertical: np.ndarray, ink: np.ndarray, box: Box) -> Table | None:
    """The table inside `box` (one connected set of lines): row and column lines, then its cells."""
    x0, y0, x1, y1 = box
    h_part, v_part, ink_part = horizontal[y0:y1, x0:x1], vertical[y0:y1, x0:x1], ink[y0:y1, x0:x1]
    band, reach = _BAND, inch(0.03)  # how far a line may sit from its position; how near it must come to its ends
    double = inch(0.05)  # the farther line of a double rule (two tables drawn edge to edge) lies this near
    # Each edge test looks at the masks within `band` of one line; those strips, collapsed across the
    # line, are taken once per line, not once per cell side.
    across: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # column line x: rows with row-line ink, with column-line ink
    along: dict[int, np.ndarray] = {}  # row line y: columns with row-line ink

    def column(x: int) -> tuple[np.ndarray, np.ndarray]:
        if x not in across:
            strip = slice(max(0, x - band), x + band + 1)
            across[x] = (np.any(h_part[:, strip], axis=1), np.any(v_part[:, strip], axis=1))
        return across[x]

    ys = [group[0] for group in _positions((h_part > 0).sum(axis=1), inch(0.25))]
    xs = [_ruled(v_part, group, lambda x: column(x)[0]) for group in _positions((v_part > 0).sum(axis=0), inch(0.1))]
    if ys:
        ys = _closed(ys, xs, lambda x: column(x)[1])
    if len(ys) < 2 or len(xs) < 2:
        return None

    def v_edge(j: int, i: int) -> bool:
        """A line at column line j all along grid row i, between the inner edges of the row's rules
        (under a double rule a column line may start at the lower of its two lines).

        The line may run a little off its place in some rows (within three
        bands of it): the skew deskewing leaves drifts a long column line by
        a few pixels from the table's top to its foot (a Writer form turned
        and skewed: 1114 at the top, 1120 at the foot; looked for at its place
        alone, its lower cells merged across the value column and their
        values were read into the names). A line the cell's ink crosses is
        none (`_crossed`)."""
        if ys[i + 1] - ys[i] <= 2 * reach:
            return False
        rules, _ = column(xs[j])
        above = np.flatnonzero(rules[ys[i]:ys[i] + double + 1])
        below = np.flatnonzero(rules[max(0, ys[i + 1] - double):ys[i + 1] + 1])
        top = ys[i] + int(above[-1]) if above.size else ys[i]
        bottom = max(0, ys[i + 1] - double) + int(below[0]) if below.size else ys[i + 1]
        for x in (xs[j], xs[j] - 2 * band, xs[j] + 2 * band):
            rows = column(x)[1][top:bottom + 1]
            if rows.size > reach and np.count_nonzero(rows) / rows.size >= 0.85:
                return not _crossed(v_part[top + 1:bottom, max(0, x - band):x + band + 1],
                                    ink_part[top + 1:bottom], max(0, x - band))
        return False

    def h_edge(i: int, j: int) -> bool:
        """A line at row line i across grid column j, meeting the column lines at both ends
        (strokes of blurred text fused into a run stop short of them, inside the cell's margins)."""
        y = ys[i]
        if y not in along:
            along[y] = np.any(h_part[max(0, y - band):y + band + 1], axis=0)
        cols = along[y][xs[j]:xs[j + 1] + 1]
        return bool(cols.size > 2 * reach and np.count_nonzero(cols) / cols.size >= 0.6
                    and cols[:reach].any() and cols[-reach:].any())

    # Lines that bound no cell anywhere are strokes or specks, not rulings.
    xs = [x for j, x in enumerate(xs) if j in (0, len(xs) - 1) or any(v_edge(j, i) for i in range(len(ys) - 1))]
    ys = [y for i, y in enumerate(ys) if i in (0, len(ys) - 1) or any(h_edge(i, j) for j in range(len(xs) - 1))]
    rows = _cells(xs, ys, v_edge, h_edge, (x0, y0))
    return Table((x0 + xs[0], y0 + ys[0], x0 + xs[-1], y0 + ys[-1]), rows)


def _framed(horizontal: np.ndarray, box: Box) -> bool:
    """A table no taller than a line of text has rules along its whole top and foot.

    One row alone (a form's first row, cut off at a page's foot) can be that
    thin; so can the strokes of a large bold title with specks between them,
    which make no unbroken rule from end to end."""
    x0, y0, x1, y1 = box

    def covered(y: int) -> float:
        return float(np.any(horizontal[max(0, y - _BAND):y + _BAND + 1, x0:x1] > 0, axis=0).mean())

    return min(covered(y0), covered(y1)) >= 0.9


def find_tables(horizontal: np.ndarray, vertical: np.ndarray, ink: np.ndarray) -> list[Table]:
    """Every ruled table on an upright page (given its `line_masks` and its ink), top to bottom: two rows or more,
    or one row of two cells or more (the last row of a form, alone on the page after a break, or its
    first, alone at a page's foot)."""
    # the sets of touching lines, found on a copy a quarter the size (lines widened to stay joined)
    lines = cv2.resize(cv2.bitwise_or(horizontal, vertical), None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    lines = cv2.dilate(np.where(lines > 0, np.uint8(255), np.uint8(0)), np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    height, width = horizontal.shape
    tables = []
    for label in range(1, count):
        x, y, w, h, _ = (int(v) * 4 for v in stats[label])
        if w < inch(1.0) or h < inch(0.15):
            continue
        box = (max(0, x - 4), max(0, y - 4), min(width, x + w + 4), min(height, y + h + 4))
        table = _grid(horizontal, vertical, ink, box)
        if table is None or not (len(table.rows) >= 2 or len(table.rows[0]) >= 2):
            continue
        if h >= inch(0.3) or _framed(horizontal, table.box):
            tables.append(table)
    return sorted(tables, key=lambda t: t.box[1])
