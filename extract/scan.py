"""Scanned forms (image-only PDFs, PNG, JPEG, TIFF) read by offline OCR into the same rows as every extractor.

Per page (`pages`): scale to the working resolution, flatten the paper, turn
upright and deskew, find the ruled tables (`grid`), cut every cell and every
line outside the tables (附件 line, title, year line) into text lines
(`lines`), read them all in one batch with the recognition model alone
(`ocr`), repair the misreads these forms invite (`misreads`), and emit one
`Row` per grid row — a merged cell's text in its top-left cell, "" in the
cells it covers — and one single-cell row per line outside the tables, in
reading order. Boxes are in PDF points from the page's top-left (working
pixels × 72 / 200); each cell keeps the lowest confidence of its lines.

A page fed sideways is turned a quarter, and which way is decided by reading
a few lines both ways; an upright page that reads badly is read again upside
down. Rows broken at page breaks are joined (`broken_rows`), then the rows
split into forms like any other extractor's.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import pairwise, takewhile
from pathlib import Path

import cv2
import numpy as np

from jixiao.extract import grid, ocr
from jixiao.extract.broken_rows import join_broken_rows
from jixiao.extract.clean import tidy
from jixiao.extract.forms import Row, split_forms
from jixiao.extract.limits import ReadLimits
from jixiao.extract.lines import Line, crop_lines, leans_as_slash, text_bands, unclipped, without_specks
from jixiao.extract.misreads import foot, repair
from jixiao.extract.pages import page_images
from jixiao.extract.repeated_headers import drop_repeated_headers
from jixiao.extract.spans import spans
from jixiao.schemas.form import SourceFormat
from jixiao.schemas.raw import BBox, Frame, RawDocument

#: below this mean confidence of its longest lines a page may be upside down
_UPSIDE_DOWN_SUSPECT = 0.85
#: lines read first, to tell which way up a page is
_PROBE_LINES = 4
#: the confidence given a slash the recognizer read as nothing (`_read`): told by its shape alone
_SLASH_UNREAD = 0.5
#: a reading of digits and separators alone, as amounts print (4,100,000.00, 7595500.00)
_AMOUNT = re.compile(r"\d[\d,.]{3,}")


@dataclass
class _Region:
    """One thing to read: a table cell (table, row, col) or a line outside the tables (table None)."""

    box: grid.Box
    table: int | None = None
    row: int = 0
    col: int = 0
    lines: list[Line] = field(default_factory=list)


@dataclass
class _Reading:
    """A page as read one way up: its regions, tables and each region's text and confidence."""

    regions: list[_Region]
    tables: list[grid.Table]
    results: list[tuple[str, float]]


def _points(box: grid.Box) -> BBox:
    scale = 72 / grid.DPI
    return (round(box[0] * scale, 2), round(box[1] * scale, 2), round(box[2] * scale, 2), round(box[3] * scale, 2))


def _regions(flat: np.ndarray, ink: np.ndarray) -> tuple[list[_Region], list[grid.Table]]:
    """Every table cell and every text line outside the tables, each with its text lines cropped."""
    horizontal, vertical = grid.line_masks(ink)
    tables = grid.find_tables(horizontal, vertical, ink)
    rulings = grid.rulings(horizontal, vertical, ink)
    text_ink = without_specks(cv2.bitwise_and(ink, cv2.bitwise_not(rulings)))
    paper = cv2.bitwise_or(flat, rulings)  # the page without its lines: a crop's margin never shows a cell's border
    outside = text_ink.copy()
    inset = grid.inch(0.015)  # keeps the cell's own lines out of its crop
    regions: list[_Region] = []
    for t, table in enumerate(tables):
        x0, y0, x1, y1 = table.box
        outside[max(0, y0 - inset):y1 + inset, max(0, x0 - inset):x1 + inset] = 0
        for r, boxes in enumerate(table.rows):
            for c, box in enumerate(boxes):
                if box is not None:
                    regions.append(_Region((box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset), t, r, c))
    height, width = outside.shape
    for region in regions:  # the table cells, so far
        if region.table is not None:
            region.box = _over_the_foot(region.box, tables[region.table].box[3], text_ink)
    bands = [text_bands(text_ink, region.box) for region in regions]
    line_height = _line_height([b - a for found in bands for a, b in found])
    regions += [_Region(box) for top, bottom in text_bands(outside, (0, 0, width, height))
                for box in _apart(outside, (0, top, width, bottom), tables, line_height)]
    bands += [text_bands(outside, region.box) for region in regions[len(bands):]]
    for i, j in _spilled(regions, bands, tables, text_ink, line_height):
        x0, y0, x1, _ = regions[j].box
        regions[j].box = (x0, y0, x1, regions[i].box[3])
        bands[j], bands[i] = text_bands(text_ink, regions[j].box), []
    for region, region_bands in zip(regions, bands, strict=True):
        if region.table is None:
            region.lines = crop_lines(paper, outside, region.box, region_bands, line_height, split=False)
        else:
            kept = unclipped(region_bands, region.box[3] - region.box[1], line_height)
            region.lines = crop_lines(paper, text_ink, region.box, kept, line_height, split=True)
    regions.sort(key=lambda region: region.box[1])
    return regions, tables


def _foot_columns(table: grid.Table) -> list[int]:
    """Where the column lines of a table's foot stand: the sides of the cells that reach down to it."""
    bottom = table.box[3]
    return sorted({x for row in table.rows for box in row
                   if box is not None and abs(box[3] - bottom) <= grid.inch(0.03) for x in (box[0], box[2])})


def _apart(outside: np.ndarray, box: grid.Box, tables: list[grid.Table], line_height: float) -> list[grid.Box]:
    """A line outside the tables (`box`, a band of rows across the page), or its pieces when it lies
    under a table's foot and parts there under the table's column lines.

    Chromium centres a merged label over all the rows it spans, those on the
    next page too, and draws what falls below the page's last rule under the
    table, in the cell's columns (`_spilled` gives it back to its cell). Two
    such labels side by side (绩效指标 one character a line under the first
    column, 成本指标(必填量 over 化) under the third, seed-29
    0015_chromium_scan) overlap in rows, and a band across the page made them
    one line, read `/`, which no cell took: both labels were lost and the
    line became an invented indicator. A line that begins less than a line
    under a table's foot is cut where its ink leaves a gap of a line's width
    or more round a column line of the foot; each piece is then its own lines.
    A page number or a sentence under the table has no such gap.
    """
    x0, top, x1, bottom = box
    table = next((t for t in tables if 0 <= top - t.box[3] <= line_height), None)
    if table is None:
        return [box]
    ink = np.flatnonzero(outside[top:bottom, x0:x1].any(axis=0)) + x0
    if ink.size == 0:
        return [box]
    columns = _foot_columns(table)
    cuts = [k for k in np.flatnonzero(np.diff(ink) > line_height)
            if any(ink[k] < x < ink[k + 1] for x in columns)]
    if not cuts:
        return [box]
    pieces = []
    for start, end in pairwise([0, *(int(k) + 1 for k in cuts), ink.size]):
        left, right = int(ink[start]), int(ink[end - 1]) + 1
        pieces += [(left, top + a, right, top + b) for a, b in text_bands(outside, (left, top, right, bottom))]
    return pieces


def _over_the_foot(box: grid.Box, table_bottom: int, text_ink: np.ndarray) -> grid.Box:
    """A cell at the table's foot reaching down over ink that runs on from it a few pixels past the foot.

    Calc draws a merged label that a page break cuts at the foot of the page's
    part, and may draw it a little past the last rule of the other columns,
    its own cell having none (数量指标(必填硬性指标), seed-13 0100_calc_scan):
    cropped at that rule it was a sliver, dropped as a cut line (`unclipped`),
    and the first indicator lost its labels. Ink touching the crop's foot that
    runs on unbroken and ends within `inch(0.04)` under the table is the
    cell's; ink running on further is a line of its own (`_spilled`).
    """
    x0, y0, x1, y1 = box
    if table_bottom - y1 > grid.inch(0.03) or y1 >= table_bottom:
        return box  # not a cell at the foot
    rows = np.any(text_ink[y1 - 1:table_bottom + grid.inch(0.04) + 1, x0:x1], axis=1)
    gaps = np.flatnonzero(~rows)
    if not rows[0] or not gaps.size:
        return box
    end = y1 - 1 + int(gaps[0])
    return (x0, y0, x1, end + 1) if end > table_bottom else box


def _spilled(regions: list[_Region], bands: list[list[tuple[int, int]]], tables: list[grid.Table],
             text_ink: np.ndarray, line_height: float) -> list[tuple[int, int]]:
    """(line outside the tables, cell) for each line that is the rest of a label written down its cell.

    Chromium centres a merged cell's text over all the rows it spans, those
    on the next page too, and draws what falls below the page's last rule
    under the table: 效益 in the cell, 指标 under it, read as a row of its
    own (an invented indicator). Such a line starts less than a line below
    the table, all its ink lies within one cell of the table's bottom row,
    and that cell holds a label written one character per line (or its first
    character alone: 绩 in the cell, 效 under the table, 指标 on the next
    page), which it goes on, centred as it is. A label centred so far down
    that none of it is in the cell (绩效指标 and 产出指标 of a block that
    opens at the page's foot) lies wholly under the table, its cell empty:
    a line that is such a stack of characters, two or more, is the cell's
    when nothing lies between the two; so are the rows of a label wrapped
    in a narrow column (成本指标(必 over 填硬性指标)), two lines or more less
    than half a line apart, all within the cell's columns. A label written
    in a row (产出指标 under a rule-less foot) may be drawn across the
    table's foot: the lines outside the tables begin just below it, so the
    label's lower half was a line of its own (`门目`), its ink running on
    into the cell above, and its last rows, if it wraps, are the lines
    close under that one (质量指标 across the foot, (必填) under it). (A
    label one character a line cut so, 绩 over 效指标 under the table, is
    left to the tests above.)
    """
    def column(box: grid.Box, rows: tuple[int, int]) -> tuple[int, int]:
        """The first and last column of the ink in some rows of a box (page pixels)."""
        cols = np.flatnonzero(text_ink[box[1] + rows[0]:box[1] + rows[1], box[0]:box[2]].any(axis=0))
        return box[0] + int(cols[0]), box[0] + int(cols[-1])

    def block(i: int) -> list[int]:
        """Line `i` and the lines outside the tables that follow it, each less than a line's leading
        (0.8 of a line) below the one before."""
        out = [i]
        for k in range(i + 1, len(regions)):
            if regions[k].table is None and bands[k]:
                if regions[k].box[1] - regions[out[-1]].box[3] > 0.8 * line_height:
                    break
                out.append(k)
        return out

    def within(k: int, x0: int, x1: int) -> bool:
        """All the ink of line `k` lies between columns `x0` and `x1`."""
        a, b = column(regions[k].box, (0, regions[k].box[3] - regions[k].box[1]))
        return x0 <= a and b < x1

    def wrapped_under(lines: list[int], cell: _Region, table_bottom: int, cell_bands: list[tuple[int, int]]) -> bool:
        """`lines`, two or more, are a label wrapped in rows drawn wholly under `cell`, the empty cell at
        the table's foot whose columns hold all their ink, with nothing between the table and them."""
        x0, _, x1, y1 = cell.box
        if cell_bands or len(lines) < 2 or abs(y1 - table_bottom) > grid.inch(0.05):
            return False
        below = table_bottom + grid.inch(0.015)  # where the lines outside the table begin (`_regions`)
        first = regions[lines[0]].box
        return first[1] >= table_bottom and not text_ink[below:first[1], x0:x1].any() and all(
            within(k, x0, x1) for k in lines)

    character = 1.35 * line_height
    pairs: list[tuple[int, int]] = []
    taken: set[int] = set()
    for i, line in enumerate(regions):
        if line.table is not None or not bands[i] or i in taken:
            continue
        left, right = column(line.box, (0, line.box[3] - line.box[1]))
        wide = right - left > character
        cut = wide and bool(text_ink[line.box[1] - 1, left:right + 1].any())  # its ink runs on above it
        lines = block(i)
        for j, cell in enumerate(regions):
            x0, _, x1, y1 = cell.box
            if cell.table is None or not x0 <= left <= right < x1:
                continue
            if wide and not cut:  # a label wrapped in rows, wholly under the table below its empty cell
                if wrapped_under(lines, cell, tables[cell.table].box[3], bands[j]):
                    pairs += [(k, j) for k in lines]
                    taken.update(lines)
                    break
                continue
            table_bottom = tables[cell.table].box[3]
            if abs(y1 - table_bottom) > grid.inch(0.05) or line.box[1] < table_bottom:
                continue
            if cut:  # the line was drawn across the table's foot: its upper half is in the cell
                found = True
            elif bands[j]:
                centre = (left + right) / 2
                found = line.box[1] - table_bottom <= line_height and all(
                    b - a <= character and abs((a + b) / 2 - centre) <= line_height / 2
                    for a, b in (column(cell.box, band) for band in bands[j]))
            else:
                below = table_bottom + grid.inch(0.015)  # where the lines outside the table begin (`_regions`)
                found = line.box[3] - line.box[1] >= 1.6 * line_height and not text_ink[below:line.box[1], x0:x1].any()
            if found:
                # a label drawn across the foot goes on in the lines close under it, within its cell
                rest = [i, *takewhile(partial(within, x0=x0, x1=x1), lines[1:])] if cut else [i]
                pairs += [(k, j) for k in rest]
                taken.update(rest)
                break
    return pairs


def _line_height(heights: list[int]) -> float:
    """The height of a line of Chinese in the tables' cells: cells of digits alone are lower, and on a
    page of amounts most cells are, so the upper quartile of the cells' lines, not their median."""
    return float(np.percentile(heights, 75)) if heights else float(grid.inch(0.14))


def _confidence(results: list[tuple[str, float]]) -> float:
    """The mean confidence of some readings, each weighted by its length (1 when there are none)."""
    weights = [max(1, len(text)) for text, _ in results]
    return sum(score * w for (_, score), w in zip(results, weights, strict=True)) / sum(weights) if results else 1.0


def _probes(regions: list[_Region]) -> tuple[list[Line], list[int]]:
    """The lines that tell which way up a page is, and the regions whose reading they are.

    A few lines of Chinese (digits and signs read nearly as well upside down:
    0, 6 and 9, % and <), about eight line heights long (long enough to tell,
    short enough that reading them twice costs little). One-line texts first:
    their reading is the region's own, kept. A page of wrapped cells alone
    (vertical labels, long names) lends their first lines. A page with no
    line three characters long (the rest of a row broken at the page, a
    narrow label's `化)` over `(必填量`, and the page number) lends its
    longest lines of Chinese, wherever they stand in their cells: those
    regions are none (their reading is not the probe's).
    """
    def candidates(one_line: bool, low: bool) -> list[tuple[int, tuple[int, ...]]]:
        lines = [(i, region.lines[0].image.shape) for i, region in enumerate(regions)
                 if region.lines and (len(region.lines) == 1) == one_line and region.lines[0].low == low]
        lines = [(i, shape) for i, shape in lines if shape[1] >= 3 * shape[0]]
        return sorted(lines, key=lambda line: abs(line[1][1] - 8 * line[1][0]))

    ranked = candidates(True, False) + candidates(False, False) + candidates(True, True) + candidates(False, True)
    if ranked:
        chosen = [i for i, _ in ranked[:_PROBE_LINES]]
        return [regions[i].lines[0] for i in chosen], chosen
    short = [line for region in regions for line in region.lines if not line.low]
    return sorted(short, key=lambda line: -line.image.shape[1])[:_PROBE_LINES], []


def _text(region: _Region) -> ocr.Text:
    """What the recognizer reads of a region: its lines, wider when none is as high as Chinese."""
    return ocr.Text([line.image for line in region.lines], all(line.low for line in region.lines))


def _read(regions: list[_Region], tables: list[grid.Table], known: dict[int, tuple[str, float]]) -> _Reading:
    """Every region read as one text (a cell's wrapped lines side by side), but for those already `known`.

    A text read as an amount (digits and separators alone) that was not widened, its
    ink taken for Chinese (a speck above or below the digits makes it as tall), is read
    again widened, as digits are read (`ocr.WIDE`): unwidened, runs of the same digit
    collapse (`2,63000.0` for `2,630,000.00`), widened they read whole. The second
    reading is kept unless the model is less sure of it. A lone stroke read as `1` or
    as nothing that leans as a slash does is `/` (`leans_as_slash`).
    """
    texts = {i: _text(region) for i, region in enumerate(regions) if region.lines and i not in known}
    read = dict(zip(texts, ocr.recognise(list(texts.values())), strict=True))
    again = [i for i, text in texts.items() if not text.wide and _AMOUNT.fullmatch(read[i][0])]
    for i, (text, score) in zip(again, ocr.recognise([replace(texts[i], wide=True) for i in again]), strict=True):
        if score >= read[i][1]:
            read[i] = (text, score)
    for i, (text, score) in read.items():
        if text in ("1", "") and len(regions[i].lines) == 1 and leans_as_slash(regions[i].lines[0].image):
            read[i] = ("/", score if text else _SLASH_UNREAD)
    read.update(known)
    return _Reading(regions, tables, [read.get(i, ("", 0.0)) for i in range(len(regions))])


def _texts(reading: _Reading) -> list[tuple[str, float | None]]:
    """Each region's text (tidied, misreads repaired) and its confidence (None when it read as nothing: a speck)."""
    return [(repair(tidy(text)), score if text else None) for text, score in reading.results]


def _rows(reading: _Reading, page: int) -> list[Row]:
    """The page's rows in reading order: one per grid row, one per line outside the tables; the last
    of those, when it lies under the tables, may be the page number misread (`misreads.foot`)."""
    items: list[tuple[int, Row]] = []
    cells: dict[tuple[int, int, int], tuple[str, float | None]] = {}
    texts = _texts(reading)
    lines = [i for i, (region, (text, _)) in enumerate(zip(reading.regions, texts, strict=True))
             if region.table is None and text]
    if lines and all(reading.regions[lines[-1]].box[1] >= table.box[3] for table in reading.tables):
        texts[lines[-1]] = (foot(texts[lines[-1]][0]), texts[lines[-1]][1])
    for region, (text, score) in zip(reading.regions, texts, strict=True):
        if region.table is not None:
            cells[region.table, region.row, region.col] = (text, score)
        elif text:
            left = min(line.box[0] for line in region.lines)
            right = max(line.box[2] for line in region.lines)
            box = (left, region.box[1], right, region.box[3])
            items.append((region.box[1], Row(cells=[text], page=page, bboxes=[_points(box)], confidences=[score])))
    for t, table in enumerate(reading.tables):
        for r, (boxes, merged) in enumerate(zip(table.rows, spans(table.rows), strict=True)):
            if all(box is None for box in boxes):
                continue  # a row line drawn through merged cells only
            read = [cells.get((t, r, c), ("", None)) if box is not None else ("", None) for c, box in enumerate(boxes)]
            row = Row(cells=[text for text, _ in read], page=page,
                      bboxes=[_points(box) if box is not None else None for box in boxes],
                      confidences=[score for _, score in read], spans=merged)
            items.append((min(box[1] for box in boxes if box is not None), row))
    items.sort(key=lambda item: item[0])
    return [row for _, row in items]


def _read_upright(gray: np.ndarray, dpi: float, before: int | None = None) -> tuple[np.ndarray, _Reading, Frame]:
    """The page turned the way it reads best (working resolution, flattened), its reading, and the
    frame its boxes are measured in (the stored image scaled, turned and straightened so).

    The quarter turn and the skew come from the ink (`grid.orientation`);
    which way up is left to the OCR: the page's longest lines are read first
    (they are part of the reading, so an upright page pays nothing), and
    when they read badly, or the page was fed sideways (the ink shows a quarter
    turn, not which way round), they are read again turned by a half turn, the
    page turned if that reads better. A page may hold no one-line text of
    Chinese at all (0011_writer_scan's second page: wrapped cells and vertical
    labels): its probes are then the first lines of wrapped cells, or lines
    read as digits, for with no probe a page upside down stayed so. Short
    lines (`_probes`, a page holding the rest of a broken row) are too few
    to trust either way: both ways are read. A page with too little text in
    lines to tell its quarter turn takes the turns of the page `before` it,
    half turn included: the few characters it holds tell that no better.
    """
    flat = grid.flatten(grid.to_working(gray, dpi))
    ink = grid.binarize(flat)
    turns, skew, told = grid.orientation(ink, before)
    if turns or skew:
        flat = grid.upright(flat, turns, skew)
        ink = grid.binarize(flat)
    regions, tables = _regions(flat, ink)
    if not told:
        return flat, _read(regions, tables, {}), _frame(flat, turns, skew, dpi)
    firsts, probes = _probes(regions)
    as_is = ocr.recognise([ocr.Text([line.image], line.low) for line in firsts])
    if turns % 2 or not probes or _confidence(as_is) < _UPSIDE_DOWN_SUSPECT:
        turned = ocr.recognise([ocr.Text([cv2.rotate(line.image, cv2.ROTATE_180)], line.low) for line in firsts])
        if _confidence(turned) > _confidence(as_is):
            flat, ink = cv2.rotate(flat, cv2.ROTATE_180), cv2.rotate(ink, cv2.ROTATE_180)
            regions, tables = _regions(flat, ink)
            return flat, _read(regions, tables, {}), _frame(flat, turns + 2, skew, dpi)
    # Only what the page's reading would have read alike is kept: a one-line text of Chinese.
    known = {i: result for i, result in zip(probes, as_is if probes else [], strict=True)
             if len(regions[i].lines) == 1 and not regions[i].lines[0].low}
    return flat, _read(regions, tables, known), _frame(flat, turns, skew, dpi)


def _frame(flat: np.ndarray, turns: int, skew: float, dpi: float) -> Frame:
    """Boxes are points of the upright page (`_points`); a stored pixel is 72/dpi of them."""
    height, width = flat.shape[:2]
    scale = 72 / grid.DPI
    return Frame("scan-pt", round(width * scale, 2), round(height * scale, 2), turns % 4, skew, 72 / dpi)


def read_page(gray: np.ndarray, dpi: float, page: int, before: int | None = None) -> tuple[list[Row], Frame]:
    """One page image (at `dpi`) to its rows (upright, flattened, grid found, every line recognised)
    and the frame of their boxes; `before` is the quarter turns of the page before it, if any."""
    _, reading, frame = _read_upright(gray, dpi, before)
    return _rows(reading, page), frame


def upright_pages(path: Path, data: bytes, kind: SourceFormat, limits: ReadLimits) -> Iterator[np.ndarray]:
    """Each page as the boxes of its cells are measured (working resolution, upright), one at a time.

    For showing a scan beside its record (the review page): the turn of a
    page is decided as when it was read, OCR included, so this costs a read.
    """
    before = None
    for gray, dpi in page_images(path, data, kind, limits):
        flat, _, frame = _read_upright(gray, dpi, before)
        before = frame.turns
        yield flat


def extract_scan(path: Path, data: bytes, sha256: str, kind: SourceFormat, limits: ReadLimits) -> RawDocument:
    """Read a scanned form by OCR, offline.

    `kind` is SourceFormat.pdf for a PDF without a text layer, SourceFormat.scan
    for an image file (PNG, JPEG, TIFF, BMP). Raises UnreadableFile naming the
    file when it cannot be decoded, TooLarge when it is over `limits`.
    """
    rows: list[Row] = []
    frames: dict[int, Frame] = {}
    for number, (gray, dpi) in enumerate(page_images(path, data, kind, limits), start=1):
        page_rows, frames[number] = read_page(gray, dpi, number, frames[number - 1].turns if number > 1 else None)
        rows.extend(page_rows)
    forms = split_forms(drop_repeated_headers(join_broken_rows(rows)))
    return RawDocument(
        path=path.as_posix(), sha256=sha256, format=SourceFormat.scan, extractor="ocr", forms=forms, frames=frames
    )
