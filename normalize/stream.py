"""Table rows rebuilt from cells that came one per line (pdftotext, copy-paste, many PDF readers).

Such text keeps a table's cells in row order but not its rows: an empty cell
leaves no line, a merged cell stands once (in its first row), a wrapped cell
takes several lines split anywhere (项目资金(元 | )), pages are joined by form
feeds. The extractor keeps each line as a one-cell row (`RawForm.stream`);
which lines make a row can only be told from what they say, so it is done
here, with the vocabulary:

- pieces of a label (计划开始日 | 期) are joined where together they make one;
- in the header block a label, or labels printed side by side, take the lines
  after them up to the next label; more lines than labels are wrapped values,
  joined where a line does not end a sentence (one label takes them all);
- the indicator block's header names its columns; below it a label
  (产出指标, 数量指标(必填)) starts a row, and the lines between two labels
  are split into rows of the header's columns: of all the splits, the one
  whose cells look most like their columns (a 指标性质 is ≥ or 定性, a 权重 a
  small number, a value parses as one, a wrapped name's lines but the last
  fill the column).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from jixiao.normalize.columns import Role, column_roles, op_sign, role_of
from jixiao.normalize.indicators import STOP_WORDS
from jixiao.normalize.values import parse_value
from jixiao.normalize.vocab import (
    HEADER_LABELS,
    LEVEL1,
    LEVEL2_PARENT,
    is_exact_label,
    is_header_label,
    match_header,
    match_label,
)
from jixiao.schemas.form import ValueKind
from jixiao.schemas.markers import INDICATOR_HEADERS, compact
from jixiao.schemas.raw import RawCell

#: a line that ends a sentence: the value it belongs to ends with it
_SENTENCE_END = ("。", ";", "!", "?", "；")
#: a line that starts a numbered item (a goal, an indicator): no wrapped line starts so
_ITEM_START = re.compile(r"^(?:\d{1,2}\s*[.、](?!\d)|\(\d{1,2}\)|目标\s*\d|指标\s*\d)")
#: an indicator label as printed in full: with 指标, a (必填…) note or a code (bare 可持续影响 is a name)
_FULL_LABEL = re.compile(r"指标|\((必填|选填)|^\d{1,3}\s*[-—.、]")
_NOTE_PIECE = re.compile(r"^\(?(?:必填|选填)|^[^()]*\)$")
_WEIGHT = re.compile(r"^\d{1,3}(?:\.\d+)?%?$")
_AMOUNT = re.compile(r"^-?[\d,]+(?:\.\d+)?$")
_DIGIT = re.compile(r"\d")
_NUMERIC_KINDS = frozenset({
    ValueKind.number, ValueKind.percent, ValueKind.money, ValueKind.rate, ValueKind.date,
    ValueKind.duration, ValueKind.range, ValueKind.formula,
})
#: the value columns a row of the block may have, in the order they are read
_CONTENT_ROLES = (Role.name, Role.op, Role.value, Role.unit, Role.weight, Role.remark)
#: most lines one cell takes in the block
_MAX_PIECES = 4
#: lines holding labels run together with other cells, above which a stream's rows cannot be told
_RUN_TOGETHER = 1
_LABEL_WORDS = tuple(w for w in (*LEVEL2_PARENT, *INDICATOR_HEADERS) if len(w) >= 4)
_HEADER_WORDS = tuple(w for w in HEADER_LABELS if len(w) >= 3)
_NEG = float("-inf")
#: what a row costs in a split, against joining lines into wrapped cells
_ROW_COST = 1.0


def width(text: str) -> int:
    """Display width: a CJK or full-width character takes two columns, others one."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _glue(pieces: list[RawCell]) -> RawCell:
    """A wrapped cell's lines made one: no space inside CJK or numbers, one between Latin words."""
    text = pieces[0].text
    for piece in pieces[1:]:
        latin = text[-1:].isascii() and text[-1:].isalpha() and piece.text[:1].isascii() and piece.text[:1].isalpha()
        text += (" " if latin else "") + piece.text
    first = pieces[0]
    return RawCell(
        text, first.row, first.col, line=first.line, page=first.page, bbox=first.bbox, confidence=first.confidence,
    )


def _is_indicator_label(text: str) -> bool:
    if role_of(text) is Role.block:
        return True
    return match_label(text) is not None and (_FULL_LABEL.search(text) is not None or text in LEVEL1)


def _is_label(text: str) -> bool:
    return is_header_label(text) or _is_indicator_label(text)


def _exact_label(text: str) -> bool:
    """The words of a vocabulary label exactly (no loose match): 经济成本指标, 其中:当年财政拨款."""
    stem = compact(text)
    return is_exact_label(text) or stem in LEVEL2_PARENT or stem in LEVEL1 or stem in INDICATOR_HEADERS or (
        stem == "绩效指标"
    )


def _labelled(text: str) -> bool:
    """A label, or a word of the block's header row (指标值, 权重(%))."""
    return _is_label(text) or role_of(text) is not None


def join_label_pieces(tokens: list[RawCell]) -> list[RawCell]:
    """Lines that together make a label (主管部 | 门及代 | 码, 数量指标(必填 | 硬性指标)) made one line.

    A line is joined to the one before when the two make a label word exactly
    (经济成本 | 指标, 服务对象满意度 | 指标) and the one before did not; or
    when this line is no label, the two together are one, and the one before
    is no label either, or one cut short (an open bracket) and this line a
    short piece without digits.
    """
    out: list[RawCell] = []
    for tok in tokens:
        if out:
            prev = out[-1]
            joined = prev.text + tok.text
            exact = _exact_label(joined) and not _exact_label(prev.text)
            loose = not _labelled(tok.text) and _labelled(joined) and (
                not _labelled(prev.text)
                or (prev.text.count("(") > prev.text.count(")") and len(tok.text) <= 6 and not _DIGIT.search(tok.text))
            )
            if exact or loose:
                out[-1] = _glue([prev, tok])
                continue
        out.append(tok)
    return out


# ---- the header block ---------------------------------------------------------------------

def _join_values(values: list[RawCell], count: int) -> list[RawCell]:
    """`values` (lines) made `count` cells: the lines most likely wrapped are joined.

    A line continues on the next unless it ends a sentence, the next starts a
    numbered item, or either is an amount (amounts never wrap).
    """
    if count <= 0 or len(values) <= count:
        return values
    if count == 1:  # one label takes every line, unless its value is an amount (the rest is no value of it)
        return [values[0]] if _AMOUNT.match(values[0].text) else [_glue(values)]

    def score(k: int) -> float:
        left, right = values[k].text, values[k + 1].text
        if _AMOUNT.match(left) or _AMOUNT.match(right):
            return -10.0
        return (2 * (not left.endswith(_SENTENCE_END)) + (not _ITEM_START.match(right))
                + (width(left) >= width(right)) + width(left) / 1000)

    joins = sorted(sorted(range(len(values) - 1), key=score, reverse=True)[: len(values) - count])
    cells, run = [], [values[0]]
    for k in range(1, len(values)):
        if k - 1 in joins:
            run.append(values[k])
        else:
            cells.append(_glue(run))
            run = [values[k]]
    cells.append(_glue(run))
    return cells


def _header_rows(tokens: list[RawCell]) -> list[list[RawCell]]:
    """Rows of label/value cells: each run of labels with the values printed after it."""
    rows: list[list[RawCell]] = []
    labels: list[RawCell] = []
    values: list[RawCell] = []

    def flush() -> None:
        if labels or values:
            bearing = [c for c in labels if match_header(c.text) != "funds"]
            cells = labels + _join_values(values, len(bearing))
            rows.append([RawCell(c.text, len(rows), k, line=c.line, page=c.page) for k, c in enumerate(cells)])

    for tok in tokens:
        if is_header_label(tok.text):
            if values:
                flush()
                labels, values = [], []
            labels.append(tok)
        else:
            values.append(tok)
    flush()
    return rows


# ---- the indicator block ------------------------------------------------------------------

@dataclass
class _Block:
    """The block's header row, read into the columns each content role stands in."""

    header: list[RawCell]
    roles: list[tuple[int, Role]]
    label_cols: dict[int, int]  # label level (0 block, 1, 2) -> column


def _header_end(tokens: list[RawCell], start: int) -> int:
    seen: set[Role] = set()
    end = start
    while end < len(tokens):
        role = role_of(tokens[end].text)
        if role is None or (role in seen and role is not Role.block):
            break
        seen.add(role)
        end += 1
    return end


def _block_header(tokens: list[RawCell], start: int, end: int) -> _Block:
    header = [RawCell(tok.text, 0, k, line=tok.line, page=tok.page) for k, tok in enumerate(tokens[start:end])]
    columns = column_roles(header)
    by_role = {role: col for col, role in columns.roles.items()}
    roles = sorted((by_role[r], r) for r in _CONTENT_ROLES if r in by_role)
    if Role.name not in by_role:
        roles.insert(0, (max(by_role.values(), default=-1) + 1, Role.name))
    if Role.value not in by_role:
        roles.append((max(c for c, _ in roles) + 1, Role.value))
    label_cols = {0: by_role.get(Role.block, 0), 1: by_role.get(Role.level1, 0), 2: by_role.get(Role.level2, 1)}
    return _Block(header, roles, label_cols)


def _pieces_ok(pieces: list[RawCell]) -> bool:
    return not any(p.text.endswith(_SENTENCE_END) for p in pieces[:-1])


def _fit(role: Role, pieces: list[RawCell], full: int) -> float:
    """How well `pieces` (lines) read as one cell of `role`; -inf when they cannot be one."""
    if len(pieces) > 1 and (role not in (Role.name, Role.value, Role.remark) or not _pieces_ok(pieces)):
        return _NEG
    text = "".join(p.text for p in pieces)
    if role is Role.op:
        return 3.0 if op_sign(text) or compact(text) in ("定性", "定量") else _NEG
    if role is Role.unit:
        plain = not _DIGIT.search(text) and not op_sign(text) and compact(text) not in ("定性", "定量")
        return 1.5 if len(text) <= 6 and plain else _NEG
    if role is Role.weight:
        return 1.5 if _WEIGHT.match(text) else _NEG
    joins = len(pieces) - 1
    goes_on = 1.5 if width(pieces[-1].text) >= full - 2 else 0.0  # a line filling the widest column goes on
    if role is Role.remark:  # rarely filled: taken only where the rest reads better for it
        return -0.5 - goes_on - 1.0 * joins
    numeric = parse_value(pieces[0].text).kind in _NUMERIC_KINDS
    if role is Role.value:
        shape = 2.0 if parse_value(text).kind in _NUMERIC_KINDS else 1.0 if len(text) <= 10 else 0.3
        return shape - (3.0 if _ITEM_START.match(text) else 0.0) - 1.0 * joins
    # Role.name: a wrapped name's lines but the last fill the column, and a name filling it goes on
    score = 1.0 - (2.0 if numeric and len(pieces[0].text) <= 12 else 0.0) + (1.0 if _ITEM_START.match(text) else 0.0)
    return score - goes_on - sum(0.2 if width(p.text) >= full - 2 else 1.5 for p in pieces[:-1])


#: one step of a split: a column left empty (take None) or given lines [i, k) of the segment
_Step = tuple[int, tuple[int, int] | None]


def split_rows(segment: list[RawCell], roles: list[tuple[int, Role]], full: int) -> list[list[RawCell]]:
    """The lines between two labels as rows of the block's columns: the best-scoring split.

    States are (lines used, next column); every row starts at the name, and
    any other column may be left empty (the value at a cost: an empty value
    is rare). `full` is the widest line: a wrapped name's lines fill it.
    """
    count, last = len(segment), len(roles)
    best: dict[tuple[int, int], tuple[float, tuple[int, int] | None, _Step | None]] = {(0, 0): (0.0, None, None)}

    def relax(state: tuple[int, int], score: float, back: tuple[int, int], step: _Step | None) -> None:
        if score > best.get(state, (_NEG, None, None))[0]:
            best[state] = (score, back, step)

    for i in range(count + 1):
        for j in [*range(1, last + 1), 0]:  # a row ends (j == last) before the next one starts at i
            if (i, j) not in best:
                continue
            score = best[(i, j)][0]
            if j == last:  # each row costs: lines are rather a wrapped cell than a row of their own
                relax((i, 0), score - _ROW_COST, (i, j), None)
                continue
            role = roles[j][1]
            if role is not Role.name:
                relax((i, j + 1), score - (2.5 if role is Role.value else 0.0), (i, j), (j, None))
            for k in range(i + 1, min(count, i + _MAX_PIECES) + 1):
                fit = _fit(role, segment[i:k], full)
                if fit > _NEG:
                    relax((k, j + 1), score + fit, (i, j), (j, (i, k)))
    if (count, 0) not in best:
        return [[_glue(segment)]]
    steps: list[_Step] = []
    state: tuple[int, int] | None = (count, 0)
    while state is not None:
        _, back, step = best[state]
        if step is not None:
            steps.append(step)
        state = back
    rows: list[list[RawCell]] = []
    for j, take in reversed(steps):
        if roles[j][1] is Role.name:
            rows.append([])
        if take is not None:
            cell = _glue(segment[take[0]:take[1]])
            rows[-1].append(RawCell(cell.text, 0, roles[j][0], line=cell.line, page=cell.page))
    return rows


def _label_cell(tok: RawCell, block: _Block) -> RawCell:
    found = match_label(tok.text)
    level = 0 if found is None else found.level
    return RawCell(tok.text, 0, block.label_cols[level], line=tok.line, page=tok.page)


def _block_rows(tokens: list[RawCell], block: _Block) -> list[list[RawCell]]:
    """The block's rows: each label run with the rows of the lines after it (labels in the first)."""
    full = max((width(t.text) for t in tokens if not _is_indicator_label(t.text)), default=0)
    rows: list[list[RawCell]] = []
    labels: list[RawCell] = []
    segment: list[RawCell] = []

    def flush() -> None:
        found = split_rows(segment, block.roles, full) if segment else []
        if labels:
            found = [labels + (found[0] if found else [])] + found[1:]
        rows.extend(found)

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if compact(tok.text) in INDICATOR_HEADERS:  # the header again, on a new page
            i = _header_end(tokens, i)
            continue
        if tok.text.startswith(STOP_WORDS):
            flush()
            rows.append([RawCell(t.text, 0, k, line=t.line, page=t.page) for k, t in enumerate(tokens[i:])])
            return rows
        level2_before = any((m := match_label(c.text)) is not None and m.level == 2 for c in labels)
        label = _is_indicator_label(tok.text) or _NOTE_PIECE.match(tok.text) is not None
        if label and not (level2_before and not segment and not _FULL_LABEL.search(tok.text)):
            found = match_label(tok.text)
            if segment or (level2_before and found is not None and found.level == 2):  # a new row
                flush()
                labels, segment = [], []
            labels.append(_label_cell(tok, block))
        else:
            segment.append(tok)
        i += 1
    flush()
    return rows


def _holds_labels(text: str) -> bool:
    """A line that is no label but holds one run together with other text (中卫市…办公室实施单位,
    社会成本指标施工对周边…): several cells were printed on one line."""
    if _labelled(text) or _NOTE_PIECE.match(text):
        return False
    return any(w in text for w in _LABEL_WORDS) or any(w in text for w in _HEADER_WORDS)


def run_together(rows: list[list[RawCell]]) -> str | None:
    """Why a stream's rows cannot be rebuilt, or None: its lines hold several cells each (pdftotext
    -raw joins the cells of a baseline with a space, and the cleaning makes them one)."""
    found = [c.text for row in rows for c in row if c.text and _holds_labels(c.text)]
    if len(found) < _RUN_TOGETHER:
        return None
    return f"一行里连着几个单元格({'、'.join(t[:16] for t in found[:3])})"


def rebuild(rows: list[list[RawCell]]) -> list[list[RawCell]]:
    """A stream form's rows as a table would have them (header rows, the block's header, its rows)."""
    tokens = join_label_pieces([c for row in rows for c in row if c.text])
    start = next((k for k, t in enumerate(tokens) if compact(t.text) in INDICATOR_HEADERS), None)
    if start is None:
        return _header_rows(tokens)
    while start > 0 and role_of(tokens[start - 1].text) is Role.block:
        start -= 1
    end = _header_end(tokens, start)
    block = _block_header(tokens, start, end)
    out = _header_rows(tokens[:start]) + [block.header] + _block_rows(tokens[end:], block)
    return [[RawCell(c.text, r, c.col, line=c.line, page=c.page) for c in row] for r, row in enumerate(out)]
