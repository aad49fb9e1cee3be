"""Header fields of a form: project, department, unit, attribute, period, funds.

The header block is label/value pairs; labels are matched by `match_header`
and a value is the next non-empty cell after its label on the same row.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from jixiao.normalize.values import are_months
from jixiao.normalize.vocab import EXACT_LABELS, is_exact_label, match_header
from jixiao.schemas.form import Attribute, AttributeKind, Coded, Funds, Period

_BRACKET_CODE = re.compile(r"^【\s*(\d+)\s*】\s*(.*)$")
_DIGIT_CODE = re.compile(r"^(\d{3,})\s*(.*)$")
_ATTR_CODE = re.compile(r"^(\d+)\s*[-—.、]+\s*(.*)$")
_YEARS = re.compile(r"^(\d+(?:\.\d+)?)\s*年期?$")
_SPAN = re.compile(
    r"^((?:19|20)\d{2})(?:[.\-/年]\s*(\d{1,2})\s*月?)?\s*[-—~至]+\s*"
    r"((?:19|20)\d{2})(?:[.\-/年]\s*(\d{1,2})\s*月?)?$"
)
_YEAR_MONTHS = re.compile(r"^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月?\s*[-—~至]+\s*(\d{1,2})\s*月$")
_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")
#: longest label a glued cell may hold twice over
_GLUED_CHARS = 14
#: the last characters of labels: a cell ending otherwise holds no glued label
_LABEL_ENDINGS = frozenset(label[-1] for label in EXACT_LABELS)
_DATE = re.compile(r"^((?:19|20)\d{2})[-./年](\d{1,2})月?(?:[-./]?\d{1,2}日?)?(?:\d{2}:\d{2}(?::\d{2})?)?$")
#: what a header row's filled cells are (`_row_kind`)
RowKind = Literal["group", "labels", "values", "mixed", "empty"]
#: Amounts in yuan are int64 columns (Parquet, DuckDB); a figure beyond that is no amount.
_MAX_YUAN = 2**63 - 1


def _first_filled(cells: list[str]) -> int | None:
    return next((k for k, cell in enumerate(cells) if cell), None)


def join_cut_labels(rows: list[list[str]]) -> list[list[str]]:
    """Rows a page break cut through, label and all, made one again.

    `年度总体 | 目标1:…` at a page foot and `目标 | 目标2:…` at the next page's
    head are one row: the label is vertically centred, so its second half
    does not start at the cell's top, and on the page alone the cut cannot
    be told from a row that ended at the margin (extract.pdf). The words
    can: neither half is a label and the two together are. Each column's
    halves are joined.
    """
    out: list[list[str]] = []
    k: int | None = None  # the first filled cell of the row above (a join keeps it: both rows start there)
    for cells in rows:
        first = _first_filled(cells)
        if (
            out and k is not None and k == first
            and match_header(out[-1][k]) is None and match_header(cells[k]) is None
            and match_header(out[-1][k] + cells[k]) is not None
        ):
            above = out[-1]
            width = max(len(above), len(cells))
            out[-1] = [
                (above[c] if c < len(above) else "") + (cells[c] if c < len(cells) else "") for c in range(width)
            ]
            continue
        out.append(cells)
        k = first
    return out


def _label_run(cells: list[str], fields: list[str | None], i: int, found: dict[str, str]) -> tuple[list[str], int]:
    """The fields of the labels standing together from cells[i] (empty cells between them skipped),
    and where the run ends.

    A group label (项目资金(万元)) names no value of its own: it is kept as the unit's source.
    """
    run: list[str] = []
    j = i
    while j < len(cells):
        if cells[j]:
            field = fields[j]
            if field is None:
                break
            if field == "funds":
                found.setdefault("funds_label", cells[j])
            else:
                run.append(field)
        j += 1
    return run, j


def _fields(cells: list[str]) -> list[str | None]:
    """The header field each cell's label names (None for a value or an empty cell): asked once per
    row, as reading a row asks it of a cell several times."""
    return [match_header(cell) if cell else None for cell in cells]


def _row_pairs(cells: list[str], fields: list[str | None], found: dict[str, str]) -> None:
    """Read one row's labels and values into `found` (the first reading of a field wins);
    `fields`: the row's `_fields`.

    A label takes the next filled cell when that is not a label. Labels printed
    side by side with their values after them (项目总目标 | 年度总体目标 | … | …)
    take the values in order when there are as many.
    """
    i = 0
    while i < len(cells):
        if fields[i] is None:
            i += 1
            continue
        run, j = _label_run(cells, fields, i, found)
        values: list[str] = []
        while j < len(cells) and fields[j] is None:
            if cells[j]:
                values.append(cells[j])
            j += 1
        if len(run) > 1 and len(values) == len(run):
            for field, value in zip(run, values, strict=True):
                found.setdefault(field, value)
        elif run:
            for field in run[:-1]:
                found.setdefault(field, "")
            found.setdefault(run[-1], values[0] if values else "")
        i = j


def _under_labels(labels: list[str], values: list[str]) -> list[str]:
    """A row of values printed under a row of labels, made one row of label/value pairs.

    As many values as labels go in order (a converter may have dropped the
    empty cells); otherwise each label takes the first value in its columns
    (from its own to the next label's).
    """
    groups = [c for c in labels if c and match_header(c) == "funds"]
    cols = [k for k, c in enumerate(labels) if c and match_header(c) != "funds"]
    filled = [v for v in values if v]
    if len(filled) == len(cols):
        picked = filled
    else:
        ends = [*cols[1:], len(values)]
        picked = [next((v for v in values[k:end] if v), "") for k, end in zip(cols, ends, strict=True)]
    return groups + [cell for k, value in zip(cols, picked, strict=True) for cell in (labels[k], value)]


def _row_kind(cells: list[str], fields: list[str | None]) -> RowKind:
    """What a header row's filled cells are, worked out once per row: "group" (only a group label,
    项目资金(元) printed between its labels and its values), "labels" (labels only, not all group labels),
    "values" (no label), "mixed", or "empty"."""
    filled = {f for c, f in zip(cells, fields, strict=True) if c}
    if not filled:
        return "empty"
    if filled == {"funds"}:
        return "group"
    if None not in filled:
        return "labels"
    return "values" if filled == {None} else "mixed"


@lru_cache(maxsize=4096)
def _glued_cut(cell: str) -> int | None:
    """Where a cell holding two labels run together is cut (see `split_glued`), or None; asked of
    short cells ending as a label does, which repeat on every form."""
    cut = next((k for k in range(2, len(cell) - 1) if cell[k:] in EXACT_LABELS and is_exact_label(cell[:k])), None)
    return cut if cut and match_header(cell) is None else None


def split_glued(cells: list[str]) -> list[str]:
    """Cells holding two labels run together (其中:财政拨款其他资金: a converter joined two
    lines of a narrow column) cut back into the two labels; nothing else is cut."""
    out: list[str] = []
    for cell in cells:
        # values rarely end as a label does
        cut = _glued_cut(cell) if len(cell) <= 2 * _GLUED_CHARS and cell[-1:] in _LABEL_ENDINGS else None
        if cut:
            out += [cell[:cut], cell[cut:]]
        else:
            out.append(cell)
    return out


def mended(rows: list[list[str]]) -> list[list[str]]:
    """The header rows with cut labels joined (join_cut_labels) and glued labels cut (split_glued)."""
    return [split_glued(cells) for cells in join_cut_labels(rows)]


def pairs(joined: list[list[str]]) -> dict[str, str]:
    """Map header field -> first value cell after its label, over the header rows as `mended` gives them.

    A row of labels alone over a row of values alone (项目资金总额 | 年度资金申请总额
    over 7595500.00 | 7595500.00) is read column by column; a row with only the
    group label between them (layout text puts it on a line of its own) is skipped.
    """
    found: dict[str, str] = {}
    marks = [_fields(cells) for cells in joined]
    kinds = [_row_kind(cells, fields) for cells, fields in zip(joined, marks, strict=True)]
    k = 0
    while k < len(joined):
        cells, fields = joined[k], marks[k]
        after = k + 1
        while after < len(joined) and kinds[after] == "group":
            _row_pairs(joined[after], marks[after], found)
            after += 1
        if after < len(joined) and kinds[k] == "labels" and kinds[after] == "values":
            row = _under_labels(cells, joined[after])
            _row_pairs(row, _fields(row), found)
            k = after + 1
            continue
        _row_pairs(cells, fields, found)
        k += 1
    return found


def coded(raw: str | None) -> Coded:
    """Split a leading 【103】 or 35005001 code off a department or unit name."""
    if not raw:
        return Coded()
    for pattern in (_BRACKET_CODE, _DIGIT_CODE):
        if m := pattern.match(raw):
            return Coded(name=m.group(2) or None, code=m.group(1), raw=raw)
    return Coded(name=raw, raw=raw)


def attribute(raw: str | None) -> Attribute:
    """Project attribute (项目属性, or Shanghai's 项目性质): code and kind.

    一次性 > 一年期 > 延续 or 经常性 (recurring: continuing) > 新增 > 阶段性 (phased) > other.
    """
    if not raw:
        return Attribute()
    code = None
    if m := _ATTR_CODE.match(raw):
        code = m.group(1)
    if "一次性" in raw:
        kind = AttributeKind.one_off
    elif "一年期" in raw:
        kind = AttributeKind.one_year
    elif "延续" in raw or "经常性" in raw:
        kind = AttributeKind.continuing
    elif "新增" in raw:
        kind = AttributeKind.new
    elif "阶段性" in raw:
        kind = AttributeKind.phased
    else:
        kind = AttributeKind.other
    return Attribute(raw=raw, code=code, kind=kind)


def period(raw: str | None) -> Period:
    """项目期: 长期, 1 年, 1年期, 2020-2021, 2024.01--2024.12, 2024 年 1-12 月."""
    if not raw:
        return Period()
    compact = raw.replace(" ", "")
    if "长期" in compact:
        return Period(raw=raw, long_term=True)
    # A run of hundreds of digits is no length of time, and as a float it would be inf (not JSON).
    if (m := _YEARS.match(compact)) and math.isfinite(years := float(m.group(1))):
        return Period(raw=raw, years=years)
    # Months outside 1-12 (2024 年 1-13 月) give no start or end: those must be YYYY-MM.
    if (m := _YEAR_MONTHS.match(compact)) and are_months(m.group(2), m.group(3)):
        y = m.group(1)
        return Period(raw=raw, start=f"{y}-{int(m.group(2)):02d}", end=f"{y}-{int(m.group(3)):02d}")
    if (m := _SPAN.match(compact)) and are_months(m.group(2) or "1", m.group(4) or "12"):
        start_month = int(m.group(2) or 1)
        end_month = int(m.group(4) or 12)
        return Period(raw=raw, start=f"{m.group(1)}-{start_month:02d}", end=f"{m.group(3)}-{end_month:02d}")
    return Period(raw=raw)


def _month_of(raw: str) -> str | None:
    """YYYY-MM of a printed date: 2023-01-01, 2023/1/1, 2023.01.01, 2026年1月1日, 2023-01-01 00:00:00."""
    m = _DATE.match(raw.replace(" ", ""))
    if m and are_months(m.group(2)):
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    return None


def planned_period(start: str | None, end: str | None) -> Period:
    """计划开始日期 and 计划完成日期 (Shanghai) as the period: `raw` both dates as printed, joined by 至."""
    if not start and not end:
        return Period()
    raw = "至".join(d for d in (start, end) if d)
    return Period(raw=raw, start=_month_of(start) if start else None, end=_month_of(end) if end else None)


def _amount(raw: str | None) -> Decimal | None:
    if not raw:
        return None
    m = _AMOUNT.search(raw.replace(",", ""))
    if not m:
        return None
    try:
        amount = Decimal(m.group(0))
    except InvalidOperation:
        return None
    # Beyond int64 even in yuan: an account number or merged cells, not money (see _in_yuan).
    return amount if amount.adjusted() <= 18 else None


def _in_yuan(amount: Decimal | None, factor: Decimal) -> int | None:
    """`amount` times `factor` as whole yuan; None when it cannot be an amount of money.

    A 25-digit "total" (a converter merging an account number into the cell)
    made Parquet writing fail for the whole batch, and a huge one overflowed
    Decimal: such figures are left in the *_raw fields only.
    """
    if amount is None:
        return None
    yuan = int((amount * factor).to_integral_value())
    return yuan if abs(yuan) <= _MAX_YUAN else None


def funds(
    label: str | None, total: str | None, fiscal: str | None, other: str | None,
    lifetime: str | None = None, current_fiscal: str | None = None, carryover: str | None = None,
) -> Funds:
    """Amounts in yuan, deciding the unit from the label and the size of the total.

    A 万元 label over a total of 10000 or more means the amounts are really
    yuan: no county project asks for a hundred million. The whole-life
    total and the parts of the fiscal amount (Shanghai) are in the same unit.
    """
    declared = None
    if label:
        declared = "万元" if "万" in label else "元" if "元" in label else None
    raws = (total, fiscal, other, lifetime, current_fiscal, carryover)
    amounts = [_amount(x) for x in raws]
    applied = declared or "万元"
    if applied == "万元" and amounts[0] is not None and amounts[0] >= 10000:
        applied = "元"
    factor = Decimal(10000) if applied == "万元" else Decimal(1)
    yuan = [_in_yuan(a, factor) for a in amounts]
    return Funds(
        total_yuan=yuan[0], fiscal_yuan=yuan[1], other_yuan=yuan[2],
        lifetime_yuan=yuan[3], current_fiscal_yuan=yuan[4], carryover_yuan=yuan[5],
        unit_declared=declared, unit_applied=applied,
        total_raw=total or None, fiscal_raw=fiscal or None, other_raw=other or None,
        lifetime_raw=lifetime or None, current_fiscal_raw=current_fiscal or None, carryover_raw=carryover or None,
    )
