"""Read the indicator block: labels by what they say, names and values by what is left.

Converters drop or keep the holes of merged cells, so a label may stand in
any column and a row's cells may be shifted. Each cell is therefore
classified by content: label cells (matched against the vocabulary) set the
current level 1/level 2 and flow down to the rows below; the remaining cells
of a row are its 三级指标 name and its value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from jixiao.normalize.columns import Columns, Role, column_roles, joined_value
from jixiao.normalize.values import parse_value
from jixiao.normalize.vocab import LEVEL1, LEVEL2_PARENT, Label, match_label
from jixiao.schemas.form import Indicator, Requirement
from jixiao.schemas.markers import is_block_header
from jixiao.schemas.raw import RawCell

_SEQ = re.compile(r"^指标\s*(?:(\d+)\s*[::]?|[::])\s*|^(\d{1,2})\s*、\s*")
#: where a second value starts in one cell: a number right after CJK text (每年2400/人/每年)
_VALUE_START = re.compile(r"(?<=[\u3400-\u9fff])\s*(?=[≥≤<>约]?\d)")
_MULTI = re.compile(r"指标\s*(\d+)\s*[::]")
_BLOCK_WORDS = {"绩效指标", "名称"}
STOP_WORDS = ("综合评定等级",)
#: any stop word, looked for in a row's joined text first (one search per row)
_STOP = re.compile("|".join(map(re.escape, STOP_WORDS)))
_FULL_LABEL = re.compile(r"指标|\((必填|选填)|^\d{1,3}\s*[-—.、]")


@dataclass
class LabelUse:
    """One printed level-2 label and the indicators filed under it."""

    level2: str
    requirement: Requirement
    indicators: list[int] = field(default_factory=list)


@dataclass
class Block:
    indicators: list[Indicator]
    labels: list[LabelUse]
    #: header rows met again (a table continued on a new page), said for a reviewer
    mends: list[str] = field(default_factory=list)


#: Longest run of digits read as a sequence number: 指标 + 20 digits overflowed the int64
#: seq column of Parquet for the whole batch, and 4,300 raised in int() itself.
_SEQ_DIGITS = 9


def split_seq(text: str) -> tuple[int | None, str]:
    """Cut a 指标1: / 指标 2 / 1、 prefix off a name and return its number."""
    if text[:1] != "指" and not text[:1].isdigit():  # most names: no prefix to look for (isdigit takes in all of \d)
        return None, text
    m = _SEQ.match(text)
    if not m:
        return None, text
    number = m.group(1) or m.group(2)
    seq = int(number) if number and len(number) <= _SEQ_DIGITS else None
    return seq, text[m.end():].strip()


def _split_multi(name: str, value: str) -> list[tuple[str, str]]:
    """`指标1: A 指标2: B` with `v1 v2` is two indicators; otherwise one."""
    if name.count("指标") < 2:  # most names: no second 指标N: to cut at
        return [(name, value)]
    marks = list(_MULTI.finditer(name))
    values = _VALUE_START.split(value)
    if len(marks) < 2 or marks[0].start() != 0 or len(values) != len(marks):
        return [(name, value)]
    ends = [n.start() for n in marks[1:]] + [len(name)]
    parts = [name[m.start(): end].strip() for m, end in zip(marks, ends, strict=True)]
    return list(zip(parts, values, strict=True))


#: An indicator made by its model's own validator, as `Indicator(**fields)` makes it (the same checks, the
#: same instance, the same error on a bad field) without the keyword packing of the model's __init__:
#: one per indicator row, the most models a form builds.
_indicator = Indicator.__pydantic_validator__.validate_python


#: roles of the columns where a page break's leavings of a level-1 label stand
_LEAD_ROLES = (Role.block, Role.level1)


def _row_labels(cells: list[RawCell], columns: Columns) -> tuple[list[Label], list[RawCell]]:
    """The row's label cells (read as labels) and its content cells (name and value).

    In the label columns, before any level-2 label, a page break's leavings
    are read for what they were: the start of a level-1 label is that label
    (效益 for 效益指标), other pieces (指标, 效效) are dropped.
    """
    labels: list[Label] = []
    content: list[RawCell] = []
    level2 = False  # a level-2 label was read on this row
    for cell in cells:
        if content:  # after the first content cell every cell is content
            content.append(cell)
            continue
        text = cell.text
        label = match_label(text)
        if not labels and columns.role_of(cell) in _LEAD_ROLES:
            cut = _cut_level1(text)
            if cut is not None:
                labels.append(Label(1, cut, Requirement()))
                continue
            if label is None and _label_fragment(cell, columns):
                continue
        if label is not None and level2 and not _FULL_LABEL.search(text):
            # After a level-2 label, a bare 可持续影响 is the indicator's name, not a second label.
            label = None
        if label is not None:
            labels.append(label)
            level2 = level2 or label.level == 2
        else:
            content.append(cell)
    # 成本指标 followed by 经济成本指标 on one row: the first is level 1.
    if len(labels) >= 2 and labels[0].canonical == "成本指标" and LEVEL2_PARENT.get(labels[1].canonical) == "成本指标":
        labels[0] = Label(1, "成本指标", Requirement())
    return labels, content


#: printed labels whose pieces a page break leaves behind (绩效指 | 标, 产出 | 指标)
_LABEL_WORDS = ("绩效指标", *LEVEL1, *LEVEL2_PARENT)
#: longest piece taken for a fragment: longer text is a name
_FRAGMENT_CHARS = 5


_NOTE_PIECE = re.compile(r"^\(?(?:必填|选填)")


_LABEL_CHARS = frozenset("".join(_LABEL_WORDS))
#: roles of the columns that hold labels, not names or values
_LABEL_ROLES = (Role.block, Role.level1, Role.level2)


def _label_fragment(cell: RawCell, columns: Columns) -> bool:
    """A lone cell holding a piece of a label or of its note:
    what a page break or a vertical label leaves, not an indicator.

    In a label column, pieces of two stacked labels read together (效效,
    指益: 绩效指标 beside 效益指标, both cut by the break) count too.
    """
    text = cell.text
    if _NOTE_PIECE.match(text):
        return True
    if len(text) > _FRAGMENT_CHARS:
        return False
    return any(text in word for word in _LABEL_WORDS) or (
        set(text) <= _LABEL_CHARS and columns.role_of(cell) in _LABEL_ROLES
    )


#: the starts (2 characters or more, not the whole word) of each level-1 label, to the label; the
#: first label in LEVEL1's order wins a start two share
_LEVEL1_STARTS: dict[str, str] = {}
for _word in LEVEL1:
    for _k in range(2, len(_word)):
        _LEVEL1_STARTS.setdefault(_word[:_k], _word)


def _cut_level1(text: str) -> str | None:
    """The level-1 label a page break left only the start of (效益 | 指标 over two pages)."""
    return _LEVEL1_STARTS.get(text)


def _by_content(content: list[RawCell], value_col: int) -> tuple[RawCell | None, str]:
    """Name cell and value of a row read by content: the first cell names, the last is the value.

    A lone cell is the value when it stands in or right of the value column
    (an indicator whose name cell a merge left empty), else the name.
    """
    if len(content) == 1:
        only = content[0]
        if only.col < value_col or _SEQ.match(only.text):
            return only, ""
        return None, only.text
    name_cell = content[0]
    if len(content) > 2:
        name_cell = replace(name_cell, text=" ".join(c.text for c in content[:-1]))
    return name_cell, content[-1].text


def _by_columns(content: list[RawCell], columns: Columns) -> tuple[RawCell | None, str]:
    """Name cell and value of a row read by the header's column roles (split value columns, 权重, 备注)."""
    parts: dict[Role, list[RawCell]] = {}
    for cell in content:
        role = columns.role_of(cell)
        parts.setdefault(role if role in (Role.value, Role.op, Role.unit) else Role.name, []).append(cell)
    names = parts.get(Role.name, [])
    name_cell = replace(names[0], text=" ".join(c.text for c in names)) if names else None
    if any(columns.role_of(c) in (Role.weight, Role.remark) for c in names):
        kept = [c for c in names if columns.role_of(c) not in (Role.weight, Role.remark)]
        name_cell = replace(kept[0], text=" ".join(c.text for c in kept)) if kept else None
    text = {role: " ".join(c.text for c in parts.get(role, [])) for role in (Role.op, Role.value, Role.unit)}
    return name_cell, joined_value(text[Role.op], text[Role.value], text[Role.unit])


def read_block(rows: list[list[RawCell]], columns: Columns, fiscal_year: int | None) -> Block:
    """Turn the rows under the block's header into indicators and label uses.

    Rows are read by the header's column roles when it splits the value over
    several columns, else by content (which survives the shifted cells of
    converted text).
    """
    indicators: list[Indicator] = []
    uses: list[LabelUse] = []
    mends: list[str] = []
    level1: str | None = None
    current: LabelUse | None = None
    split, value_col = columns.split, columns.value  # asked of every row: worked out once per header
    for row in rows:
        cells = [c for c in row if c.text and c.text not in _BLOCK_WORDS]
        texts = [c.text for c in cells]
        if is_block_header(texts):
            columns = column_roles(row)  # the header again, on a new page: its grid may differ
            split, value_col = columns.split, columns.value
            page = next((c.page for c in cells if c.page is not None), None)
            mends.append(f"第{page}页: 续表重复的表头已略过" if page else "续表重复的表头已略过")
            continue
        joined = "".join(texts)  # a stop row holds its word: most rows do not, and are passed over at once
        if _STOP.search(joined) and any(t.startswith(STOP_WORDS) for t in texts):
            break
        labels, content = _row_labels(cells, columns)
        previous: str | None = None
        for label in labels:
            if label.level == 1:
                level1 = label.canonical
            elif label.canonical != previous:
                # The same label printed in two columns of one row is one use.
                current = LabelUse(label.canonical, label.requirement)
                uses.append(current)
            previous = label.canonical if label.level == 2 else previous
        if not content or (len(content) == 1 and _label_fragment(content[0], columns)):
            continue
        name_cell, value_text = _by_columns(content, columns) if split else _by_content(content, value_col)
        if name_cell is None and not value_text:
            continue
        anchor = name_cell or content[0]
        name_text = name_cell.text if name_cell else ""
        scores = [c.confidence for c in content if c.confidence is not None]
        confidence = min(scores) if scores else None
        level2 = current.level2 if current else ""
        parent = LEVEL2_PARENT.get(level2, level1 or "")
        for part_name, part_value in _split_multi(name_text, value_text):
            seq, name = split_seq(part_name)
            if current is not None:
                current.indicators.append(len(indicators))
            indicators.append(_indicator({
                "level1": parent, "level2": level2,
                "requirement": current.requirement if current else Requirement(),
                "seq": seq, "name": name, "value_raw": part_value,
                "value": parse_value(part_value, fiscal_year),
                "line": anchor.line, "page": anchor.page, "bbox": anchor.bbox, "confidence": confidence,
            }))
    return Block(indicators, uses, mends)
