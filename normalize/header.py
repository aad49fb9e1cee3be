"""Header fields of a form: project, department, unit, attribute, period, funds.

The header block is label/value pairs; labels are matched by `match_header`
and a value is the next non-empty cell after its label on the same row.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from jixiao.normalize.values import are_months
from jixiao.normalize.vocab import match_header
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
    for cells in rows:
        if out:
            above = out[-1]
            k = _first_filled(above)
            if (
                k is not None and k == _first_filled(cells)
                and match_header(above[k]) is None and match_header(cells[k]) is None
                and match_header(above[k] + cells[k]) is not None
            ):
                width = max(len(above), len(cells))
                out[-1] = [
                    (above[c] if c < len(above) else "") + (cells[c] if c < len(cells) else "") for c in range(width)
                ]
                continue
        out.append(cells)
    return out


def pairs(rows: list[list[str]]) -> dict[str, str]:
    """Map header field -> first value cell after its label, over the header rows (cut rows joined)."""
    found: dict[str, str] = {}
    for cells in join_cut_labels(rows):
        i = 0
        while i < len(cells):
            field = match_header(cells[i]) if cells[i] else None
            if field is None:
                i += 1
                continue
            j = i + 1
            while j < len(cells) and not cells[j]:
                j += 1
            value = cells[j] if j < len(cells) and match_header(cells[j]) is None else ""
            if field == "funds":
                found.setdefault("funds_label", cells[i])
                i += 1
                continue
            found.setdefault(field, value)
            i = j if value else i + 1
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
    """Project attribute: code and kind (一次性 > 一年期 > 延续 > 新增 > other)."""
    if not raw:
        return Attribute()
    code = None
    if m := _ATTR_CODE.match(raw):
        code = m.group(1)
    if "一次性" in raw:
        kind = AttributeKind.one_off
    elif "一年期" in raw:
        kind = AttributeKind.one_year
    elif "延续" in raw:
        kind = AttributeKind.continuing
    elif "新增" in raw:
        kind = AttributeKind.new
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


def funds(label: str | None, total: str | None, fiscal: str | None, other: str | None) -> Funds:
    """Amounts in yuan, deciding the unit from the label and the size of the total.

    A 万元 label over a total of 10000 or more means the amounts are really
    yuan: no county project asks for a hundred million.
    """
    declared = None
    if label:
        declared = "万元" if "万" in label else "元" if "元" in label else None
    amounts = [_amount(x) for x in (total, fiscal, other)]
    applied = declared or "万元"
    if applied == "万元" and amounts[0] is not None and amounts[0] >= 10000:
        applied = "元"
    factor = Decimal(10000) if applied == "万元" else Decimal(1)
    yuan = [_in_yuan(a, factor) for a in amounts]
    return Funds(
        total_yuan=yuan[0], fiscal_yuan=yuan[1], other_yuan=yuan[2],
        unit_declared=declared, unit_applied=applied,
        total_raw=total or None, fiscal_raw=fiscal or None, other_raw=other or None,
    )
