"""Parse a 指标值 cell into a typed `Value`.

The kinds are tried in a fixed order (samples/expected/README.md): formula,
range, percent, date, duration, rate, money, number, text. Anything that
does not parse keeps its raw text as kind text: a value is never dropped.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from jixiao.schemas.form import Value, ValueKind

NUM = r"\d+(?:\.\d+)?"

_OPS: list[tuple[str, str]] = [
    ("不少于", ">="), ("不低于", ">="), ("至少", ">="), ("≥", ">="), ("≧", ">="), (">=", ">="),
    ("不超过", "<="), ("不高于", "<="), ("不多于", "<="), ("≤", "<="), ("≦", "<="), ("<=", "<="),
    ("大于", ">"), ("超过", ">"), ("高于", ">"), ("多于", ">"), (">", ">"),
    ("小于", "<"), ("低于", "<"), ("少于", "<"), ("<", "<"),
    ("约", "~"),
    ("=", "="),  # Shanghai: =100.00(%)
]
_MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000), "万": Decimal(10000)}
_DURATION_UNITS = ("工作日", "个月", "小时", "分钟", "年", "天", "日", "周")

_FORMULA_RIGHT = re.compile(rf"^\s*(?P<right>{NUM})\s*(?P<unit>万元|元|万)?\s*$")
_DIGIT = re.compile(r"\d")
_RANGE = re.compile(
    rf"^(?P<low>{NUM})\s*(?P<u1>[^\d\s/\-~至—]*)\s*(?:-|~|至|—|--)\s*"
    rf"(?P<high>{NUM})\s*(?P<unit>[^\d/]*?)\s*(?:/(?P<per>.+))?$"
)
_PERCENT = re.compile(rf"^(?P<num>{NUM})\s*%$")
_NUMBER_UNIT = re.compile(rf"^(?P<num>{NUM})\s*(?P<unit>[^\d/]*?)\s*(?:/(?P<per>.+))?$")
_YEAR_END = re.compile(r"^((?:19|20)\d{2})\s*年\s*(?:年底|底|末)\s*(?:前|之前)?(?:完成)?$")
_MONTH_BEFORE = re.compile(r"^(\d{1,2})\s*月\s*(?:前|之前|底前)$")
_MONTH = re.compile(r"^(\d{1,2})\s*月$")
_YEAR = re.compile(r"^((?:19|20)\d{2})\s*年$")
_YEAR_MONTH = re.compile(r"^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:份)?$")
#: a unit printed in brackets after the number (Shanghai: 13459.00(平方米), 100.00(%))
_BRACKETED_UNIT = re.compile(rf"^({NUM})\(([^()\d]+)\)$")
_YEAR_MONTHS = re.compile(
    r"^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月?\s*[-~至—]+\s*(?:((?:19|20)\d{2})\s*年\s*)?(\d{1,2})\s*月(?:份)?$"
)
_MONTHS = re.compile(r"^(\d{1,2})\s*[-~至—]+\s*(\d{1,2})\s*月(?:份)?$")
# (?<!\d): a number starts where a digit run starts; trying every position inside a long
# run again made these searches quadratic (a 32,000-digit goal took 30 s).
_ITEM = re.compile(rf"(?<!\d)(?P<num>{NUM})\s*(?P<unit>[^\d\s、,;，]+)")
_CJK_END = re.compile(r"[\u3400-\u9fff]$")
_EVERY = re.compile(r"^每(年|月|周|天|日|季度)$")
# A run of digits this long is no quantity (an account number, a converter's merged
# cells) and as a float it would be inf, which JSON cannot carry: such a cell stays text.
_MAX_DIGITS = 300
_HUGE_NUMBER = re.compile(rf"(?<!\d)\d{{{_MAX_DIGITS}}}")
#: Rounding to cents keeps within Decimal's 28 digits up to this exponent (10**25 yuan).
_CENTS_MAX_EXPONENT = 25


def _float(text: str) -> float:
    return float(Decimal(text))


def _yuan(number: str | float, unit: str | None) -> float | None:
    """The amount in yuan, rounded to cents; None for no money unit or no possible amount.

    Amounts too large to round within Decimal's precision (no budget is near
    them) are converted unrounded: rounding them raised InvalidOperation, and
    multiplying a figure of a million digits raised Overflow.
    """
    if unit not in _MONEY_UNITS:
        return None
    amount = Decimal(str(number))
    if not amount.is_finite() or amount.adjusted() >= _MAX_DIGITS:
        return None
    amount *= _MONEY_UNITS[unit]
    if amount.adjusted() <= _CENTS_MAX_EXPONENT:
        amount = round(amount, 2)
    return float(amount)


def money_unit(unit: str | None) -> str | None:
    """元 or 万元 for the money spellings, else None."""
    if unit in ("万", "万元"):
        return "万元"
    if unit == "元":
        return "元"
    return None


def split_op(text: str) -> tuple[str, str, str]:
    """Cut a leading comparison (≥, 不少于, 约…) and leading words off a value.

    Returns (op, words before the number, rest starting at the number).
    """
    m = re.search(r"\d", text)
    if not m:
        return "=", text, ""
    prefix, rest = text[: m.start()].strip(), text[m.start():]
    op = "="
    for word, symbol in _OPS:
        if word in prefix:
            op = symbol
            prefix = prefix.replace(word, "", 1).strip()
            break
    if rest.endswith("左右"):
        op, rest = "~", rest[:-2].strip()
    elif rest.endswith("以内") or rest.endswith("以下"):
        op, rest = "<=", rest[:-2].strip()
    elif rest.endswith("以上"):
        op, rest = ">=", rest[:-2].strip()
    return op, prefix, rest


def _formula(text: str) -> tuple[str, re.Match[str]] | None:
    """Split `330元/人*140人*3天=138.6万元` into its left side and the match of its right.

    A formula has one "=", a number on the left with a * or × after it, and a
    number (with a money unit) alone on the right. Written out rather than as
    the one regex `^[^=]*\\d+[^=]*[*×][^=]*=…`, whose backtracking is cubic:
    a 4 KB cell of "1*1*…" took 25 s.
    """
    if text.count("=") != 1:
        return None
    left, right = text.split("=")
    digit = _DIGIT.search(left)
    if digit is None or max(left.rfind("*"), left.rfind("×")) < digit.start():
        return None
    m = _FORMULA_RIGHT.match(right)
    return (left, m) if m else None


def _eval_left(left: str) -> float | None:
    """Evaluate `330元/人*140人*3天 + …`: numbers multiplied, terms added."""
    total = Decimal(0)
    for term in left.split("+"):
        numbers = re.findall(NUM, re.sub(r"/\D+", "", term))
        if not numbers:
            return None
        product = Decimal(1)
        for n in numbers:
            product *= Decimal(n)
        total += product
    result = float(total)
    return result if math.isfinite(result) else None


def _per(text: str | None) -> str | None:
    if not text:
        return None
    parts = [p.strip().removeprefix("每") for p in text.split("/")]
    return "/".join(p for p in parts if p) or None


def are_months(*numbers: str) -> bool:
    """Every number a month (1-12): 13月前 or 2024年0-99月 is no date, and YYYY-MM must be one."""
    return all(1 <= int(n) <= 12 for n in numbers)


def _date(rest: str, fiscal_year: int | None) -> tuple[str | None, str | None, str | None] | None:
    """Return (op, start, end) for a deadline or period value, or None."""
    fy = fiscal_year
    if m := _YEAR_END.match(rest):
        return "<=", None, f"{m.group(1)}-12"
    if (m := _YEAR_MONTHS.match(rest)) and are_months(m.group(2), m.group(4)):
        y1 = m.group(1)
        y2 = m.group(3) or y1
        return None, f"{y1}-{int(m.group(2)):02d}", f"{y2}-{int(m.group(4)):02d}"
    if m := _YEAR.match(rest):
        return "=", f"{m.group(1)}-01", f"{m.group(1)}-12"
    if (m := _YEAR_MONTH.match(rest)) and are_months(m.group(2)):
        month = f"{m.group(1)}-{int(m.group(2)):02d}"
        return "=", month, month
    if fy is None:
        return None
    if (m := _MONTH_BEFORE.match(rest)) and are_months(m.group(1)):
        return "<=", None, f"{fy}-{int(m.group(1)):02d}"
    if (m := _MONTH.match(rest)) and are_months(m.group(1)):
        month = f"{fy}-{int(m.group(1)):02d}"
        return "=", month, month
    if (m := _MONTHS.match(rest)) and are_months(m.group(1), m.group(2)):
        return None, f"{fy}-{int(m.group(1)):02d}", f"{fy}-{int(m.group(2)):02d}"
    return None


def _items(raw: str) -> list[Value] | None:
    """Several quantities in one cell: 162个村、36个社区; 婚姻档案 9256 卷、… 5200 卷.

    Each item keeps the words printed before its number as its `text`.
    """
    found = list(_ITEM.finditer(raw))
    if len(found) < 2:
        return None
    between = [(a, raw[a.end(): b.start()]) for a, b in pairwise(found)]
    # Quantities are apart when punctuation separates them or a measure word ends one (件700064卷).
    if not all(re.search(r"[、,;，\s]", gap) or (not gap and _CJK_END.search(a.group("unit"))) for a, gap in between):
        return None
    items = []
    for i, m in enumerate(found):
        words = raw[found[i - 1].end() if i else 0: m.start()].strip(" 、,;，") or None
        number = _float(m.group("num"))
        items.append(Value(kind=ValueKind.number, op="=", number=number, unit=m.group("unit"), text=words))
    return items


#: Longest value cached: short values (≥90%, 100%, 有效提升) repeat on every form of an archive.
_CACHED_VALUE_CHARS = 64


def parse_value(raw: str, fiscal_year: int | None = None) -> Value:
    """Parse one 指标值 cell (see `_parse`); short ones are parsed once per batch (values are frozen)."""
    if len(raw) > _CACHED_VALUE_CHARS:
        return _parse(raw, fiscal_year)
    return _parse_cached(raw, fiscal_year)


def _parse(raw: str, fiscal_year: int | None) -> Value:
    """Parse one tidied value cell; see the module docstring for the order of kinds."""
    text = raw.strip()
    if not text:
        return Value(kind=ValueKind.empty)
    if _HUGE_NUMBER.search(text.replace(" ", "")):  # "1 1 1 …" is one number once spaces go
        return Value(kind=ValueKind.text, text=text)
    if formula := _formula(text.replace(" ", "")):
        left, right = formula
        unit = money_unit(right.group("unit")) or right.group("unit")
        return Value(
            kind=ValueKind.formula, op="=", number=_float(right.group("right")), unit=unit,
            yuan=_yuan(right.group("right"), unit), computed=_eval_left(left),
        )
    op, before, rest = split_op(text)
    rest = _BRACKETED_UNIT.sub(r"\1\2", rest)
    words = before or None
    if not rest:
        if m := _EVERY.match(text):
            return Value(kind=ValueKind.rate, op="=", per=m.group(1))
        return Value(kind=ValueKind.text, text=text)
    compact = rest.replace(" ", "")
    if (
        (m := _RANGE.match(compact))
        and not re.search(r"[年月]", compact)
        and op == "="
        # Compared as the floats stored: 1125899906842624-1125899906842624.1 is no range once rounded.
        and _float(m.group("low")) < _float(m.group("high"))
        and (not m.group("u1") or m.group("u1") == m.group("unit"))
    ):
        unit = money_unit(m.group("unit")) or (m.group("unit") or None)
        return Value(
            kind=ValueKind.range, low=_float(m.group("low")), high=_float(m.group("high")), unit=unit,
            per=_per(m.group("per")), low_yuan=_yuan(m.group("low"), unit), high_yuan=_yuan(m.group("high"), unit),
            text=words,
        )
    if m := _PERCENT.match(compact):
        return Value(kind=ValueKind.percent, op=op, number=_float(m.group("num")), unit="%", text=words)
    date = _date(compact, fiscal_year)
    if date is not None:
        date_op, start, end = date
        if op != "=":
            date_op = op
        return Value(kind=ValueKind.date, op=date_op, start=start, end=end, text=words)
    items = _items(text)
    if items is not None:
        return Value(kind=ValueKind.number, op=op, items=items)
    m = _NUMBER_UNIT.match(compact)
    if not m:
        return Value(kind=ValueKind.text, text=text)
    number, unit, per = _float(m.group("num")), m.group("unit") or None, _per(m.group("per"))
    if per is not None:
        munit = money_unit(unit)
        return Value(
            kind=ValueKind.rate, op=op, number=number, unit=munit or unit, per=per,
            yuan=_yuan(m.group("num"), munit), text=words,
        )
    if unit in _DURATION_UNITS:
        return Value(kind=ValueKind.duration, op=op, number=number, unit=unit, text=words)
    munit = money_unit(unit)
    if munit:
        yuan = _yuan(m.group("num"), munit)
        return Value(kind=ValueKind.money, op=op, number=number, unit=munit, yuan=yuan, text=words)
    return Value(kind=ValueKind.number, op=op, number=number, unit=unit, text=words)


def as_money(value: Value, unit: str) -> Value:
    """Read a bare-number value (cost row) as money in `unit` (元 or 万元)."""
    if value.kind is ValueKind.rate:
        return value.model_copy(update={"unit": unit, "yuan": _yuan(value.number or 0, unit)})
    return value.model_copy(update={"kind": ValueKind.money, "unit": unit, "yuan": _yuan(value.number or 0, unit)})


#: an amount of money in free text: a number, then 万元, 万 or 元 not followed by a per-head rate
_MONEY_IN_TEXT = re.compile(rf"(?<!\d)({NUM})\s*(万元|万|元)(?![/每])")


def money_amounts(text: str) -> list[float]:
    """Money amounts named in free text (goals), in yuan; per-head rates skipped."""
    if "元" not in text and "万" not in text:  # most goals name no money: no search to run
        return []
    out = []
    for m in _MONEY_IN_TEXT.finditer(text):
        yuan = _yuan(m.group(1), money_unit(m.group(2)))
        if yuan is not None:
            out.append(yuan)
    return out


_parse_cached = lru_cache(maxsize=1 << 12)(_parse)
