"""What each column of an indicator block is, from the words of its header row.

The national layout prints 一级指标 | 二级指标 | 三级指标 | 指标值, and content
alone tells those apart. Other templates split the value over several
columns (指标性质 ≥ | 指标值 95 | 计量单位 %, the 2021 national template) and
add 权重 and 备注: read by content, a 备注 would become the value and the
unit would be glued to the name. So the header row names each column's role
and rows are read by it. A header cell nobody knows is reported, never
silently read as a value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from jixiao.schemas.markers import SOME_LEVEL, compact
from jixiao.schemas.raw import RawCell


class Role(str, Enum):
    block = "block"  # the leading 绩效指标 column
    level1 = "level1"
    level2 = "level2"
    name = "name"
    value = "value"
    op = "op"  # 指标性质 / 指标方向: ≥ ≤ = or 定性
    unit = "unit"
    weight = "weight"
    remark = "remark"


#: header words -> role, tried in order (指标值 before 指标, 计量单位 before 单位)
_ROLE_WORDS: tuple[tuple[re.Pattern[str], Role], ...] = (
    # 绩效指: cut by a page break
    (re.compile(r"^(?:(?:项目)?(?:年度)?绩效指标|绩效指?|指标|名称|指标类型)$"), Role.block),
    (re.compile(r"^一级(?:指标)?$"), Role.level1),
    (re.compile(r"^二级(?:指标)?$"), Role.level2),
    (re.compile(r"^(?:三级指标|三级|指标内容|指标名称|具体指标|指标明细)$"), Role.name),
    (re.compile(r"(?:指标值|目标值|绩效值|指标值设定|标准值)(?:\(.*\))?$"), Role.value),
    (re.compile(r"^(?:指标性质|指标方向|性质|方向|运算符|比较符|符号)$"), Role.op),
    (re.compile(r"^(?:计量单位|度量单位|单位)$"), Role.unit),
    (re.compile(r"^(?:指标)?权重(?:\(.*\))?$|^分值$"), Role.weight),
    (re.compile(r"^(?:备注|说明|备注说明)$"), Role.remark),
)

#: roles only split layouts have: with one of them, rows are read by column
_SPLIT = frozenset({Role.op, Role.unit, Role.weight, Role.remark})

#: 指标性质 words -> the sign a reader says (a printed sign kept as printed: ≧ stays ≧); 定性 has none
_OPS = {
    "≥": "≥", "≤": "≤", "=": "=", ">": ">", "<": "<", "≧": "≧", "≦": "≦", "大于等于": "≥", "不低于": "≥", "不少于": "≥",
    "小于等于": "≤", "不高于": "≤", "不多于": "≤", "等于": "=", "大于": ">", "小于": "<",
    "正向": "≥", "反向": "≤",
}


@dataclass
class Columns:
    """The block's column roles by column index, and the header cells no role fits."""

    roles: dict[int, Role] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    #: (left, right, role) of each header cell with a box: PDF and scan pages may draw
    #: the block's columns on another grid than the header's (a span more or less)
    ranges: list[tuple[float, float, Role]] = field(default_factory=list)
    #: role by column index, filled as cells ask (every block cell asks; a form has a few columns)
    _by_col: dict[int, Role | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _add(self, cell: RawCell, role: Role) -> None:
        self.roles[cell.col] = role
        if cell.bbox is not None:
            self.ranges.append((cell.bbox[0], cell.bbox[2], role))

    @property
    def split(self) -> bool:
        """The row must be read by column: the header has columns beyond name and value."""
        return bool(_SPLIT & set(self.roles.values()))

    def role_of(self, cell: RawCell) -> Role | None:
        """The role of the column `cell` stands in: under a header cell by position where both have
        boxes, else by column index (a column the header leaves empty is covered by the span to its left)."""
        if cell.bbox is not None and self.ranges:
            centre = (cell.bbox[0] + cell.bbox[2]) / 2
            return next((role for left, right, role in self.ranges if left <= centre <= right), None)
        col = cell.col
        if col not in self._by_col:
            left = [c for c in self.roles if c <= col]
            self._by_col[col] = self.roles[max(left)] if left else None
        return self._by_col[col]

    @property
    def value(self) -> int:
        """The value column (4 on the national layout, where a header may be missing)."""
        return next((col for col, role in self.roles.items() if role is Role.value), 4)


#: signs at a header word's ends that no header prints: a scan's speck beside the word read as one
#: (☑备注, ·指标值); brackets and the percent of 权重(%) stay
_SPECKS = re.compile(r"^[^\w(（]+|[^\w)）%]+$")
#: Longest cell whose role is cached: header words are far shorter, and a long cell is kept out of the cache.
_CACHED_ROLE_CHARS = 32


def role_of(text: str) -> Role | None:
    """The role a header cell names, or None; short cells are matched once per process (every form's
    header row asks of the same few words, and a cell-per-line reader asks of every cell)."""
    if len(text) > _CACHED_ROLE_CHARS:
        return _role_of(text)
    return _role_of_cached(text)


def _role_of(text: str) -> Role | None:
    stem = _SPECKS.sub("", compact(text))
    return next((role for pattern, role in _ROLE_WORDS if pattern.search(stem)), None)


_role_of_cached = lru_cache(maxsize=4096)(_role_of)


def column_roles(header: list[RawCell]) -> Columns:
    """Read the block's header row: each filled cell's role by its column (the first cell of a role wins).

    A level header whose number is unreadable is told by its place: when as
    many such cells as missing levels stand left of the name column, they are
    the missing levels in order (一级 left of 二级)."""
    columns = Columns()
    unsure: list[RawCell] = []
    for cell in header:
        if not cell.text:
            continue
        role = role_of(cell.text)
        if role is None and SOME_LEVEL.match(compact(cell.text)):
            unsure.append(cell)
        elif role is None:
            columns.unknown.append(cell.text)
        elif role not in columns.roles.values():
            columns._add(cell, role)
    missing = [role for role in (Role.level1, Role.level2) if role not in columns.roles.values()]
    name = next((col for col, role in columns.roles.items() if role is Role.name), None)
    if len(unsure) == len(missing) and (name is None or all(cell.col < name for cell in unsure)):
        for cell, role in zip(sorted(unsure, key=lambda c: c.col), missing, strict=True):
            columns._add(cell, role)
    else:
        columns.unknown += [cell.text for cell in unsure]
    return columns


def op_sign(text: str) -> str:
    """The sign a 指标性质 cell stands for; '' for 定性 and words that carry none."""
    return _OPS.get(compact(text), "")


def joined_value(op: str, value: str, unit: str) -> str:
    """Split value columns put back as a reader says them: ≥ | 95 | % -> ≥95%.

    The sign is left out when the value already starts with one, and so is
    `=`, which a bare target means anyway (= | 1 | 个 is printed 1个 where the
    value has one column); the unit is left out when the value already ends
    with it or holds no number (定性: 有效提升).
    """
    if not value:
        return ""
    sign = op_sign(op)
    has_number = any(ch.isdigit() for ch in value)
    if sign and sign != "=" and has_number and value[0] not in "≥≤≧≦=><约":
        value = sign + value
    if unit and has_number and not value.endswith(unit) and compact(unit) not in ("无", "/", "-"):
        value += unit
    return value
