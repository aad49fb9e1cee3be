"""Layout text (pdftotext -layout and the like): cells placed by spaces, wrapped cells interleaved.

Each line is cut into pieces at runs of two or more spaces; a piece's
position is its character offset (pdftotext counts a CJK character as one
column, like any other). The two parts of a form are lined up differently:

- the indicator block has a header row (一级指标 二级指标 三级指标 指标值 …)
  whose words name its columns; the borders are the emptiest offsets between
  those words over the block's lines. Each column's lines become cells (a
  line filling its column goes on to the next close one; in a label column,
  an open bracket or a note goes on too). The name cells make the rows;
  every other cell joins the row whose middle line is nearest its own (a
  table centres its cells vertically); a label merged over several rows
  (产出指标, 数量指标) goes to the first of the run of rows whose middle is
  its middle; a level-2 label beside no name is a row of its own.
- above the block there is no header: the labels are known words, so a
  label set one space from its value is cut from it and a label a narrow
  column wrapped (主管部 | 门及代 | 码) is joined by its spelling
  (`_labels_apart`); other pieces are joined into cells where a wrapped
  cell's next line stands below them (see `_header_cells`), and cells whose
  lines overlap make a row, a tall merged label joining the first of the
  rows it stands beside.

Where the block cannot be lined up (no name column, a value far from every
name, an operator alone in the name column, two pieces on one line of the
name column, a merged label far from the middle of the rows it is given: the
converter dropped the blank space that placed it), its lines are kept as
they are and the forms carry the reason (`RawForm.unaligned`), so the record
says so in a check; so do headers whose labels or values a narrow column
wrapped (which lines make one cell is guesswork there). Text whose cells come out cut apart anyway is caught by
the normalizer (pieces of labels).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.extract.clean import tidy
from jixiao.extract.forms import split_forms
from jixiao.schemas.markers import HEADER_LABELS, INDICATOR_HEADERS, SUBJECT_LABELS, TITLE, compact, is_block_header
from jixiao.schemas.raw import RawForm, Row

_GAP = re.compile(r" {2,}")
#: an attachment mark on a line of its own (附件2, 附件 2-1)
_ATTACHMENT = re.compile(r"^附件\d+(?:-\d+)?$")
_DIGITS = re.compile(r"\d")
#: share of lines whose pieces are set apart by runs of spaces, above which text is layout text
LAYOUT_SHARE = 0.2
#: lines apart that a wrapped cell's lines may stand (one line of another cell between)
_WRAP_LINES = 2
#: lines a value may stand from its row's middle before the block counts as not aligned
_MAX_DRIFT = 2.0
#: share of its run's height a merged label may stand from the run's middle (layout text
#: of the layout bed: 0.25 leaves 97 fields wrong in silence on 45 PDFs, none leaves 4,716)
_MAX_LABEL_MISS = 0.25
#: how a printed category label ends (产出指标, 数量指标(必填)): no line of it goes on after that
_LABEL_ENDS = ("指标", ")", "）")
#: header words of the name column
_NAME_WORDS = ("三级指标", "指标内容", "指标名称")
#: what a 指标性质 column holds: a cell of the name column holding one alone stands in the wrong
#: column (the borders were misplaced: pdftotext sets a short cell off its column's header word)
_OPERATORS = frozenset({"=", "＝", "≥", "≤", ">", "<", "＞", "＜", "定性", "定量"})


@dataclass
class Piece:
    """Text on one line between runs of spaces, or a cell made of such pieces over several lines."""

    text: str
    top: int
    bottom: int
    x0: int
    x1: int

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def is_layout(lines: list[str]) -> bool:
    """Text whose cells are placed by spaces: many lines hold several pieces apart."""
    filled = [line for line in lines if line.strip()]
    spaced = sum(len(_GAP.split(line.strip())) > 1 for line in filled)
    return bool(filled) and spaced >= LAYOUT_SHARE * len(filled)


def _pieces(line: str, number: int) -> list[Piece]:
    out = []
    for m in re.finditer(r"\S+(?: \S+)*", line):
        out.append(Piece(m.group(0), number, number, m.start(), m.end()))
    return out


#: the header's labels as a narrow column wraps them, widths folded (项目名 | 称, 项目资 | 金(元), 年度资金 | 总额:)
_STACKED = frozenset(HEADER_LABELS) | {"项目资金(元)", "项目资金(万元)"}
_STARTS = frozenset(w[:k] for w in _STACKED for k in range(1, len(w)))
#: a label, or a label's part (门及代, 政拨款), of 3 characters or more: the shortest label is 项目期
_LABEL_PARTS = frozenset(w[i:j] for w in _STACKED for i in range(len(w)) for j in range(i + 3, len(w) + 1))
#: a label's note of unit after it (年度资金总额(万元))
_NOTE = re.compile(r"\([^)]{1,4}\)$")
#: columns the centres of a wrapped label's lines may stand apart (pdftotext centres each line on its own)
_CENTRED = 2


def _cut_head(piece: Piece) -> tuple[Piece, Piece] | None:
    """`piece` cut after the label, or the part of a wrapped label, it starts with one space before
    the rest (项目名称 督查及政务公开工作经费, 年度资金总额： 90, 门及代 中共…: pdftotext -layout leaves
    one space where the label's column ends close to the value's text); the rest keeps its offset."""
    end = piece.text.find(" ") + 1
    if end <= 0:
        return None
    head = tidy(piece.text[:end - 1])
    if head not in _LABEL_PARTS and _NOTE.sub("", head.rstrip(":")) not in _STACKED:
        return None
    return (Piece(piece.text[:end - 1], piece.top, piece.top, piece.x0, piece.x0 + end - 1),
            Piece(piece.text[end:], piece.top, piece.top, piece.x0 + end, piece.x1))


def _labels_apart(lines: dict[int, list[Piece]]) -> dict[int, list[Piece]]:
    """The header's pieces with every label cut from the value it runs on to one space later
    (a value never starts with a label and a space), then a label a narrow column wrapped over
    lines joined into one piece (`_stack`)."""
    out: dict[int, list[Piece]] = {}
    for number, pieces in lines.items():
        cut: list[Piece] = []
        for piece in pieces:
            while parts := _cut_head(piece):
                cut.append(parts[0])
                piece = parts[1]
            cut.append(piece)
        out[number] = cut
    return _stack(out)


def _is_label(text: str) -> bool:
    """A header label spelt whole (its lines joined): it takes no more lines, and is no part of another cell."""
    return tidy(text.replace("\n", "")).rstrip(":") in _STACKED


def _labelled(lines: dict[int, list[Piece]], cell: Piece) -> bool:
    """A label stands on the first line of `cell`, left of it (项目名称 | 党建网…经费)."""
    return any(_is_label(p.text) and p.x1 <= cell.x0 for p in lines.get(cell.top, []))


def _centre(piece: Piece) -> float:
    return (piece.x0 + piece.x1) / 2


def _under(lines: dict[int, list[Piece]], piece: Piece) -> list[Piece]:
    """The pieces of the next line, or of the line after when nothing on the next stands under
    `piece` (a value centred between a label's lines: 项目名 | 离退休…经费 | 称)."""
    below = lines.get(piece.bottom + 1, [])
    if any(_overlap(piece, p) for p in below):
        return below
    return below + lines.get(piece.bottom + 2, [])


def _stack(lines: dict[int, list[Piece]]) -> dict[int, list[Piece]]:
    """Label pieces on lines one under the other, centred alike, that spell a header label only
    together (主管部 | 门及代 | 码): one piece over those lines, so its row takes the values beside
    any of them. A label spelt whole on one line takes no more lines."""
    for number in sorted(lines):
        for piece in list(lines.get(number, [])):
            text, chain = tidy(piece.text), [piece]
            while text in _STARTS:
                nxt = next((p for p in _under(lines, chain[-1]) if abs(_centre(p) - _centre(chain[-1])) <= _CENTRED
                            and (text + tidy(p.text) in _STARTS or (text + tidy(p.text)).rstrip(":") in _STACKED)),
                           None)
                if nxt is None:
                    break
                text += tidy(nxt.text)
                chain.append(nxt)
            if len(chain) > 1 and text.rstrip(":") in _STACKED:
                for part in chain[1:]:
                    lines[part.top].remove(part)
                whole = Piece("\n".join(p.text for p in chain), number, chain[-1].bottom,
                              min(p.x0 for p in chain), max(p.x1 for p in chain))
                lines[number][lines[number].index(piece)] = whole
    return {n: pieces for n, pieces in lines.items() if pieces}


def _join(upper: Piece, lower: Piece) -> Piece:
    text = upper.text + "\n" + lower.text
    return Piece(text, upper.top, lower.bottom, min(upper.x0, lower.x0), max(upper.x1, lower.x1))


def _overlap(a: Piece, b: Piece) -> bool:
    return min(a.x1, b.x1) > max(a.x0, b.x0)


#: shortest line taken for the first line of a long wrapped cell
_WRAPPED_CHARS = 8
_FIGURE = re.compile(r"^[-+\d,.%]+$")


def _header_cells(lines: dict[int, list[Piece]]) -> list[Piece]:
    """Pieces joined into cells, in two passes.

    A piece goes on to a piece starting at its offset (±1), no longer than it,
    on the next line or two lines below with a line of other cells between (a
    wrapped cell printed around a one-line cell beside it). First long lines
    (8 characters and more): right below only when the line is as long as the
    longest starting there (it fills its column); never a figure. Then short
    labels of a narrow column (项目名 | 称): no figures, the longest line
    starting there, and right below only when everything else on the next
    line continues a cell from above (else that line starts a new row).
    """
    longest: dict[int, int] = {}
    for piece in (p for n in lines for p in lines[n]):
        longest[piece.x0] = max(longest.get(piece.x0, 0), *(len(line) for line in piece.text.split("\n")))
    cell_of: dict[int, Piece] = {id(p): p for n in lines for p in lines[n]}  # piece -> its cell
    members: dict[int, list[Piece]] = {id(p): [p] for n in lines for p in lines[n]}  # cell -> its pieces
    continued: set[int] = set()  # pieces joined to a cell above

    def try_join(piece: Piece, number: int, long_pass: bool) -> None:
        for above in sorted({id(cell_of[id(p)]): cell_of[id(p)] for n in range(number - _WRAP_LINES, number)
                             for p in lines.get(n, [])}.values(), key=lambda c: -c.bottom):
            gap = number - above.bottom
            last = above.text.split("\n")[-1]
            if not 0 < gap <= _WRAP_LINES or abs(above.x0 - piece.x0) > 1 or len(piece.text) > len(last):
                continue
            if gap > 1 and not all(lines.get(n) and not any(_overlap(above, b) for b in lines[n])
                                   for n in range(above.bottom + 1, number)):
                continue
            if TITLE.search(compact(last)) or _FIGURE.match(last) or _FIGURE.match(piece.text):
                continue
            if _is_label(above.text) or _is_label(piece.text):
                continue  # two labels one under the other (实施单位 | 项目期) are two rows' labels
            if gap > 1 and _labelled(lines, above) and (_labelled(lines, piece) or any(
                    _is_label(b.text) for n in range(above.bottom + 1, number) for b in lines.get(n, []))):
                continue  # the cell above has its label, and the text below its own or one between them
            full = len(last) >= max(longest.get(x, 0) for x in (above.x0 - 1, above.x0, above.x0 + 1)) - 1
            if long_pass:
                ok = len(last) >= _WRAPPED_CHARS and (gap > 1 or full)
            else:
                rest = [p for p in lines[number] if p is not piece]
                ok = (not _DIGITS.search(last + piece.text) and full
                      and (gap > 1 or all(id(p) in continued for p in rest)))
            if ok:
                merged = _join(above, piece)
                members[id(merged)] = members.pop(id(above)) + members.pop(id(piece))
                for member in members[id(merged)]:
                    cell_of[id(member)] = merged
                continued.add(id(piece))
                return

    for long_pass in (True, False):
        for number in sorted(lines):
            for piece in lines[number]:
                if id(piece) not in continued and cell_of[id(piece)] is piece:
                    try_join(piece, number, long_pass)
    return list({id(c): c for c in cell_of.values()}.values())


def _rows_of(cells: list[Piece]) -> list[list[Piece]]:
    """Cells whose lines overlap make a row; a cell over several rows (a merged label: 项目资金(万元)
    beside 年度资金总额, 其中:财政拨款, 其他资金) joins the first of them instead of making them one.
    Rows in order of their first line, cells by position."""
    rows: list[list[Piece]] = []
    for cell in sorted(cells, key=lambda c: (c.bottom - c.top, c.top)):
        hits = [row for row in rows if any(c.top <= cell.bottom and cell.top <= c.bottom for c in row)]
        if hits:
            min(hits, key=lambda row: min(c.top for c in row)).append(cell)
        else:
            rows.append([cell])
    rows.sort(key=lambda row: min(c.top for c in row))
    return [sorted(row, key=lambda c: c.x0) for row in rows]


# ---- the block ----------------------------------------------------------------------------

def _borders(header: list[Piece], lines: dict[int, list[Piece]]) -> list[int]:
    """Column borders: one before each header word, at the last empty offset before the word's column begins.

    Offsets are counted over the block's pieces (cut at single spaces too
    where every offset is crossed: two cells printed one space apart). Between the middles
    of two header words (from the line start for the first), the border is
    the end of the last run of the emptiest offsets that the column's text
    follows; a first column without a header word (绩效指标) is left of it.
    With no empty offset there, not even between words, one line may cross
    where the next column's text starts: pdftotext counts a CJK character as
    one column, so a long Chinese name runs on in offsets past where the
    values start on paper. A line holding a space may hold the next cell run
    into it, and is never crossed.
    """
    whole = [p for n in lines for p in lines[n]]
    words: list[Piece] = []  # pieces cut at single spaces too, for a border a piece crosses
    for piece in whole:
        x = piece.x0
        for part in piece.text.split(" "):
            words.append(Piece(part, piece.top, piece.top, x, x + len(part)))
            x += len(part) + 1

    def covers(x: int, w: Piece) -> bool:
        # a one-character piece (=, ≥) has no offset inside it: it covers its own, or no border
        # would stop before it and it would fall into the column on its left
        return w.x0 < x < w.x1 or x == w.x0 == w.x1 - 1

    def border(lo: int, hi: int, pieces: list[Piece], crossing: int) -> int | None:
        covering = {x: [w for w in pieces if covers(x, w)] for x in range(lo, hi + 1)}
        ends = [x for x in range(lo, hi) if len(covering[x]) == crossing < len(covering[x + 1])
                and all(" " not in w.text for w in covering[x])]  # a line holding a space may hold a cell run in
        return ends[-1] if ends else None

    borders = []
    for left, right in zip([None, *header], header, strict=False):
        lo = int((left.x0 + left.x1) / 2) if left else 0
        hi = int((right.x0 + right.x1) / 2)
        found = border(lo, hi, whole, 0)
        if found is None:
            found = border(lo, hi, words, 0) or None  # as ever, a border between words at offset 0 is none
        if found is None:
            found = border(lo, hi, whole, 1)
        borders.append(right.x0 if found is None else found)
    return borders


def _split(piece: Piece, borders: list[int]) -> list[tuple[int, Piece]]:
    """The piece's parts by column (0 left of the first border); a piece crossing a border is cut at a space there."""
    parts: list[tuple[int, Piece]] = []
    col = sum(b <= piece.x0 for b in borders)
    rest = piece
    while col < len(borders) and rest.x1 > borders[col]:
        cut = rest.text.rfind(" ", 0, borders[col] - rest.x0 + 1)
        if cut <= 0:
            break
        parts.append((col, Piece(rest.text[:cut], rest.top, rest.top, rest.x0, rest.x0 + cut)))
        rest = Piece(rest.text[cut + 1:], rest.top, rest.top, rest.x0 + cut + 1, rest.x1)
        col = sum(b <= rest.x0 for b in borders)
    parts.append((col, rest))
    return parts


def _label_goes_on(upper: str, lower: str, full: bool) -> bool:
    """A label column's line goes on to the next: a bracket is open (数量指标(必填 | 量化)), the next
    line is the label's note ((选填量化)), or the line fills the column and does not end a label
    (绩效指 | 标, 社会公众或服务对象满意 | 度指标)."""
    opened = upper.count("(") + upper.count("（") > upper.count(")") + upper.count("）")
    return opened or lower.startswith(("(", "（")) or (full and not upper.endswith(_LABEL_ENDS))


def _column_cells(pieces: list[Piece], others: set[int], labels: bool) -> list[Piece]:
    """One column's pieces as cells. A line filling the column (reaching its right edge, or as long as
    its longest line) goes on to the next close line, unless both lines hold something of their own in
    the other columns (`others`: lines with other cells); in a label column, see `_label_goes_on`."""
    if not pieces:
        return []
    edge, longest = max(p.x1 for p in pieces), max(len(p.text) for p in pieces)
    cells: list[Piece] = []
    last: Piece | None = None  # the last line of the last cell
    for piece in sorted(pieces, key=lambda p: p.top):
        close = last is not None and piece.top - last.bottom <= _WRAP_LINES
        full = last is not None and (last.x1 >= edge or len(last.text) >= longest)
        if labels:  # the cell so far: a label stacked a character a line ends at 指标, not at 标
            goes_on = close and _label_goes_on(compact(cells[-1].text.replace("\n", "")), piece.text, full)
        else:
            goes_on = close and full and not (last is not None and last.bottom in others and piece.top in others)
        if goes_on:
            cells[-1] = _join(cells[-1], piece)
        else:
            cells.append(piece)
        last = piece
    return cells


@dataclass
class _BlockRow:
    """One row of the block: the lines it takes and its cells by column."""

    top: int
    bottom: int
    cells: dict[int, Piece]

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _place_labels(labels: list[Piece], rows: list[_BlockRow], col: int, starts: list[int]) -> tuple[float, str]:
    """Put each label merged over a run of rows into the run's first row; return how far the
    worst-placed label stands from its run's middle, as a share of the run's height, and its text.

    The runs follow one another and cover the rows, each starting at one of
    `starts`; they are chosen so that each run's middle line is nearest its
    label's (a table centres a merged cell): the least sum of squared misses.
    Layout text keeps no true heights (a converter drops blank space), so
    the best runs may still be wrong: a label far from its run's middle is
    the sign, and the caller then says the block cannot be lined up.
    """
    ordered = sorted(labels, key=lambda c: c.middle)
    if not ordered or not rows:
        return 0.0, ""
    cuts = [s for s in starts if s > 0] + [len(rows)]
    if len(ordered) > len(cuts):
        ordered = ordered[: len(cuts)]
    count = len(ordered)
    # best[k][i]: least miss placing labels k.. with label k's run starting at cuts index i (i = -1: row 0)
    bounds = [0] + cuts
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for k in range(count - 1, -1, -1):
        for i in range(len(bounds) - 1):
            start = bounds[i]
            options = []
            for j in range(i + 1, len(bounds)):
                if k == count - 1 and j != len(bounds) - 1:
                    continue
                if k < count - 1 and (k + 1, j) not in best:
                    continue
                middle = (rows[start].top + rows[bounds[j] - 1].bottom) / 2
                miss = (middle - ordered[k].middle) ** 2 + (best[(k + 1, j)][0] if k < count - 1 else 0.0)
                options.append((miss, j))
            if options:
                best[(k, i)] = min(options)
    i = 0
    worst = (0.0, "")
    for k in range(count):
        if (k, i) not in best:
            break
        rows[bounds[i]].cells[col] = ordered[k]
        j = best[(k, i)][1]
        top, bottom = rows[bounds[i]].top, rows[bounds[j] - 1].bottom
        worst = max(worst, (abs((top + bottom) / 2 - ordered[k].middle) / (bottom - top + 1), ordered[k].text))
        i = j
    return worst


def _block_rows(header: list[Piece], lines: dict[int, list[Piece]]) -> tuple[list[list[Piece]], str | None]:
    """The block's rows (its header first), each cell in its column, or the reason they cannot be lined up."""
    borders = _borders(header, lines)
    columns: dict[int, list[Piece]] = {}
    for number in sorted(lines):
        for piece in lines[number]:
            for col, part in _split(piece, borders):
                columns.setdefault(col, []).append(part)
    name_col = next((k + 1 for k, p in enumerate(header) if compact(p.text) in _NAME_WORDS), None)
    if name_col is None:
        return [], "指标表头没有三级指标(指标内容)列"
    content = [c for c in sorted(columns) if c >= name_col]
    taken = {c: {p.top for p in columns[c]} for c in content}
    cells: dict[int, list[Piece]] = {}
    for col, pieces in columns.items():
        others = set().union(*(taken[c] for c in content if c != col)) if col >= name_col else set()
        cells[col] = _column_cells(pieces, others, labels=col < name_col)
    rows = [_BlockRow(c.top, c.bottom, {name_col: c}) for c in cells.get(name_col, [])]
    if stray := next((c.text for c in cells.get(name_col, []) if compact(c.text) in _OPERATORS), None):
        return [], f"指标性质“{stray}”落在三级指标列里:列的边界找错了"
    by_line: dict[int, list[Piece]] = {}
    for piece in columns.get(name_col, []):
        by_line.setdefault(piece.top, []).append(piece)
    # pdftotext may set a cell a few spaces after the name, far left of its own column
    if shared := next((max(ps, key=lambda p: p.x0).text for ps in by_line.values() if len(ps) > 1), None):
        return [], f"“{shared}”与指标名称同在三级指标列的一行里:它属于哪一列不能确定"
    for col in content:
        if col == name_col:
            continue
        for cell in cells[col]:
            near = min(rows, key=lambda r: abs(r.middle - cell.middle), default=None)
            if near is None or abs(near.middle - cell.middle) > _MAX_DRIFT:
                return [], f"“{cell.text}”离所有指标名称都太远"
            near.cells[col] = _join(near.cells[col], cell) if col in near.cells else cell
    level2 = name_col - 1
    for label in cells.get(level2, []):  # a level-2 label beside no indicator is a row of its own
        if not any(label.top <= r.bottom and r.top <= label.bottom for r in rows):
            rows.append(_BlockRow(label.top, label.bottom, {}))
    rows.sort(key=lambda r: r.top)
    for col in range(name_col - 1, 0, -1):  # level 2 first: a level-1 run starts where a level-2 run does
        inner = [k for k, r in enumerate(rows) if col + 1 in r.cells] if col + 1 < name_col else []
        miss, text = _place_labels(cells.get(col, []), rows, col, inner or list(range(len(rows))))
        if miss > _MAX_LABEL_MISS:
            return [], f"合并标签“{text}”离它的行段中间太远({miss:.0%}),属于哪几行不能确定"
    # Left of the first header word: the block's own label (绩效指标), merged over the header row too.
    block = " ".join(c.text.replace("\n", "") for c in cells.get(0, []))
    width = len(borders) + 1
    out = [[Piece(block, header[0].top, header[0].top, 0, 0)] + header]
    for row in rows:
        out.append([row.cells.get(col, Piece("", row.top, row.top, 0, 0)) for col in range(width)])
    return out, None


# ---- the document -------------------------------------------------------------------------

def _header_words(pieces: list[Piece]) -> list[Piece]:
    """The pieces with each that holds a header word one space from another word cut at its
    spaces (绩效指 二级指标, 计量单 备注: a narrow column ends one space before the next); a
    letter-spaced word (一 级 指 标) is left whole."""
    out: list[Piece] = []
    for piece in pieces:
        words = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", piece.text)]
        if len(words) > 1 and any(w in INDICATOR_HEADERS for _, w in words):
            out += [Piece(w, piece.top, piece.bottom, piece.x0 + at, piece.x0 + at + len(w)) for at, w in words]
        else:
            out.append(piece)
    return out


def _is_block_header(pieces: list[Piece]) -> bool:
    return is_block_header(p.text for p in _header_words(pieces))


def _ends_block(pieces: list[Piece]) -> bool:
    """A line that starts what follows a block: the next form's title, subject row or attachment
    mark (附件2 above its title: in the block, it ran into the 绩效指标 label and its form lost it)."""
    texts = [compact(p.text) for p in pieces]
    alone = texts[0] if len(texts) == 1 else ""
    return any(t.startswith(SUBJECT_LABELS) for t in texts) or bool(TITLE.search(alone) or _ATTACHMENT.match(alone))


#: longest first piece of a line taken for a label wrapped in a narrow column (项目名, 门及代, 码)
_NARROW = 3


def _narrow_labels(lines: dict[int, list[Piece]]) -> bool:
    """The header's labels wrapped in a narrow first column: lines whose first piece, at the left
    edge, is a few characters without figures. Their rows are told by guesswork (`_header_cells`)."""
    firsts = [lines[n][0] for n in lines]
    left = min((p.x0 for p in firsts), default=0)
    return any(p.x0 <= left + 1 and len(p.text) <= _NARROW and not _DIGITS.search(p.text) for p in firsts)


#: longest line of a value taken for a narrow column's wrapped line (中国共产党平, 罗县委员会办)
_NARROW_VALUE = 6


def _narrow_values(cells: list[Piece]) -> bool:
    """A value wrapped in a narrow column and left in pieces: two cells of short lines, one right
    under the other at one offset, neither a label nor a figure (two amounts stack so, each its own
    row's). Whether they are one cell's lines or two rows' values the spaces cannot say."""
    short = [c for c in cells if max(len(line) for line in c.text.split("\n")) <= _NARROW_VALUE
             and not _is_label(c.text) and not _FIGURE.match(c.text)]
    tops = {(c.top, c.x0) for c in short}
    return any((c.bottom + 1, c.x0 + shift) in tops for c in short for shift in (-1, 0, 1))


def _to_row(cells: list[Piece]) -> Row:
    texts = [tidy(c.text.replace("\n", "")) for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    return Row(cells=texts, line=min(c.top for c in cells))


def layout_forms(text: str) -> list[RawForm]:
    """The forms of a layout text, each block lined up by its header row where it can be."""
    lines: dict[int, list[Piece]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        pieces = _pieces(line, number)
        if pieces:
            lines[number] = pieces
    numbers = sorted(lines)
    rows: list[Row] = []
    unaligned: dict[int, str] = {}
    headers: list[int] = []  # the lines of the block headers met
    pending: dict[int, list[Piece]] = {}
    k = 0
    while k < len(numbers):
        number = numbers[k]
        if not _is_block_header(lines[number]):
            pending[number] = lines[number]
            k += 1
            continue
        headers.append(number)
        cells = _header_cells(_labels_apart(pending))
        rows += [_to_row(row) for row in _rows_of(cells)]
        if _narrow_labels(pending):
            unaligned[number] = "标签在窄列中折行(项目名|称),旁边的行可能读错"
        elif _narrow_values(cells):
            unaligned[number] = "值在窄列中折行(中国共产党平|罗县委员会办),各行是否同属一格不能确定"
        pending = {}
        end = k + 1
        while end < len(numbers) and not _ends_block(lines[numbers[end]]) and not _is_block_header(lines[numbers[end]]):
            end += 1
        header = _header_words(lines[number])
        first = next(i for i, p in enumerate(header) if compact(p.text) in INDICATOR_HEADERS)
        band = {n: lines[n] for n in numbers[k + 1:end]}
        if first:  # 绩效指 | 一级指标 …: the block's label printed on the header line
            band[number] = header[:first]
        block, reason = _block_rows(header[first:], band)
        if reason is None:
            rows += [_to_row(row) for row in block]
        else:
            unaligned[number] = reason
            rows += [Row(cells=[tidy(p.text) for p in lines[n]], line=n) for n in numbers[k:end]]
        k = end
    rows += [_to_row(row) for row in _rows_of(_header_cells(_labels_apart(pending)))]
    forms = split_forms(rows)
    for form in forms:
        inside = range(form.line_start or 0, (form.line_end or 0) + 1)
        reasons = [why for n, why in unaligned.items() if n in inside]
        if not reasons and not any(n in inside for n in headers):
            # found by its category labels alone: the block had no header row to line it up by
            reasons = ["找不到指标表头行(一级指标 二级指标 …),指标各行无法按列排齐"]
        form.unaligned = reasons[0] if reasons else None
    return forms
