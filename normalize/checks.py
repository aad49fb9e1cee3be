"""The checks a finance reviewer makes by eye, written into each record.

Each function looks at one aspect of a finished form and returns `Check`s;
the table of codes and their conditions is in samples/expected/README.md.
"""
from __future__ import annotations

import re
from decimal import Decimal

from jixiao.normalize.indicators import LabelUse
from jixiao.normalize.values import as_money, money_amounts
from jixiao.normalize.vocab import (
    COST_LEVEL2,
    HEADER_LABELS,
    PLACEHOLDER_CHARS,
    PLACEHOLDER_ENDINGS,
    PLACEHOLDER_VALUES,
    REQUIRED_LEVEL1,
    is_label_piece,
    match_header,
)
from jixiao.schemas.form import Check, CheckCode, Funds, Indicator, Severity, ValueKind

#: below this OCR confidence a reviewer should look at the cell
LOW_CONFIDENCE = 0.80

_NAME_UNIT = re.compile(r"\((万元|元)\)")
_YEAR = re.compile(r"((?:19|20)\d{2})")
_DIGIT = re.compile(r"\d")
_HAN = re.compile(r"[\u4e00-\u9fff]")
#: Chinese characters an amount's cell never holds so many of (400万元, 无, 详见附表 hold fewer)
_PROSE_CHARS = 8
_AMOUNT_FIELDS = frozenset({"total", "fiscal", "other", "lifetime", "current_fiscal", "carryover"})
_AMOUNTS = ("total_raw", "fiscal_raw", "other_raw", "lifetime_raw", "current_fiscal_raw", "carryover_raw")
#: header labels told inside a longer cell, longest first (项目期, 3 characters, starts 项目期限)
_GLUABLE = tuple(sorted((label for label in HEADER_LABELS if len(label) >= 4), key=len, reverse=True))
_ANY_LABEL = re.compile("|".join(map(re.escape, _GLUABLE)))
#: the readers of text whose cells are told apart by spaces (layout) or by lines (cells)
SPACED_EXTRACTORS = frozenset({"layout", "cells"})
#: shortest cell a label run on into other text makes, the label being four characters
_GLUE_CHARS = 4
#: labels a cell may end with in its own words (…完成年度绩效目标): never taken for one run onto a value
_SENTENCE_ENDS = frozenset(label for label, field in HEADER_LABELS.items() if field in ("goals", "lifetime_goals"))


def _fmt(yuan: float | int | None) -> str:
    return "?" if yuan is None else f"{Decimal(str(yuan)).normalize():f}元"


def is_cost(ind: Indicator) -> bool:
    return ind.level2 in COST_LEVEL2 or ind.level1 == "成本指标"


def is_placeholder(indicators: list[Indicator]) -> bool:
    """Every value the same bare number (004: all 1): a form filled to pass a system."""
    if len(indicators) < 3:
        return False
    first = indicators[0].value
    return all(i.value_raw == indicators[0].value_raw for i in indicators) and (
        first.kind is ValueKind.number and first.unit is None and first.number is not None
    )


def infer_cost_units(indicators: list[Indicator], funds: Funds) -> tuple[list[Indicator], list[Check]]:
    """Bare numbers in cost rows are money: unit from the name, else from the total's size."""
    out, checks = [], []
    for index, ind in enumerate(indicators):
        bare = ind.value.kind in (ValueKind.number, ValueKind.rate) and ind.value.unit is None
        if not (is_cost(ind) and bare and ind.value.number is not None and not ind.value.items):
            out.append(ind)
            continue
        named = _NAME_UNIT.search(ind.name)
        if named:
            # The row's own label states the unit: read, not inferred.
            out.append(ind.model_copy(update={"value": as_money(ind.value, named.group(1))}))
            continue
        if funds.total_yuan is not None and ind.value.number * 10000 <= funds.total_yuan:
            unit, why = "万元", f"按万元计不超过资金总额 {_fmt(funds.total_yuan)}"
        else:
            unit, why = "元", f"按万元计会超过资金总额 {_fmt(funds.total_yuan)}"
        out.append(ind.model_copy(update={"value": as_money(ind.value, unit)}))
        checks.append(Check(
            code=CheckCode.cost_unit_inferred, severity=Severity.info, indicator=index,
            message=f"成本指标“{ind.name}”的值“{ind.value_raw}”没有单位,视为{unit}:{why}",
        ))
    return out, checks


def funds_checks(funds: Funds) -> list[Check]:
    checks = []
    if funds.total_yuan is not None and funds.fiscal_yuan is not None:
        parts = funds.fiscal_yuan + (funds.other_yuan or 0)
        if parts != funds.total_yuan:
            checks.append(Check(
                code=CheckCode.funds_sum_mismatch, severity=Severity.error,
                message=f"财政拨款 {_fmt(funds.fiscal_yuan)} + 其他资金 {_fmt(funds.other_yuan or 0)} "
                f"≠ 年度资金总额 {_fmt(funds.total_yuan)}",
            ))
    if funds.unit_declared and funds.unit_applied != funds.unit_declared:
        checks.append(Check(
            code=CheckCode.funds_unit_mislabelled, severity=Severity.warning,
            message=f"表上标注单位为{funds.unit_declared},但资金总额 {funds.total_raw} "
            f"只能是{funds.unit_applied};已按{funds.unit_applied}换算",
        ))
    return checks


def indicator_checks(indicators: list[Indicator], fiscal_year: int | None) -> list[Check]:
    checks = []
    for index, ind in enumerate(indicators):
        v = ind.value
        if (
            v.kind is ValueKind.formula and v.computed is not None and v.number is not None
            and abs(v.computed - v.number) > 0.5
        ):
            checks.append(Check(
                code=CheckCode.formula_mismatch, severity=Severity.error, indicator=index,
                message=f"“{ind.value_raw}”:左边算得 {v.computed:g},单元格写的是 {v.number:g}",
            ))
        if ind.name and not ind.value_raw and ind.name != "不涉及":
            checks.append(Check(
                code=CheckCode.missing_value, severity=Severity.warning, indicator=index,
                message=f"指标“{ind.name}”" + (f"(第 {ind.line} 行)" if ind.line is not None else "") + "没有指标值",
            ))
        if ind.requirement.quantified and ind.name and v.kind is ValueKind.text:
            checks.append(Check(
                code=CheckCode.quantified_not_numeric, severity=Severity.warning, indicator=index,
                message=f"{ind.level2}须量化,但“{ind.name}”的指标值是“{ind.value_raw}”",
            ))
        if ind.confidence is not None and ind.confidence < LOW_CONFIDENCE:
            checks.append(Check(
                code=CheckCode.low_ocr_confidence, severity=Severity.warning, indicator=index,
                message=f"OCR 识别“{ind.name}”/“{ind.value_raw}”(第 {ind.page} 页,位置 {ind.bbox})"
                f"的置信度只有 {ind.confidence:.2f},请对照扫描件核对",
            ))
        if v.kind is ValueKind.date and fiscal_year is not None:
            years = {int(y) for y in _YEAR.findall(ind.value_raw)}
            if years and years != {fiscal_year}:
                checks.append(Check(
                    code=CheckCode.year_mismatch, severity=Severity.warning, indicator=index,
                    message=f"“{ind.value_raw}”写的是 {'、'.join(str(y) for y in sorted(years))} 年,"
                    f"表的年度是 {fiscal_year} 年",
                ))
    return checks


def cost_total_check(indicators: list[Indicator], funds: Funds) -> list[Check]:
    amounts = [
        i.value.yuan for i in indicators
        if is_cost(i) and i.value.kind in (ValueKind.money, ValueKind.formula) and i.value.yuan is not None
    ]
    if not amounts or funds.total_yuan is None:
        return []
    total = sum((Decimal(str(a)) for a in amounts), Decimal(0))
    if abs(total - funds.total_yuan) <= 1:
        return []
    return [Check(
        code=CheckCode.cost_total_mismatch, severity=Severity.warning,
        message=f"{len(amounts)} 条成本指标合计 {_fmt(float(total))},资金总额为 {_fmt(funds.total_yuan)}",
    )]


def category_checks(uses: list[LabelUse], indicators: list[Indicator]) -> list[Check]:
    """Required categories without an indicator: a printed 必填 label, or a whole level 1 category.

    A level 1 category can only be absent when the table was cut off (a page
    or a download lost): its labels are gone too, so only this says so.
    """
    checks = []
    for use in uses:
        if use.requirement.required and not any(indicators[i].name for i in use.indicators):
            checks.append(Check(
                code=CheckCode.required_category_missing, severity=Severity.warning,
                message=f"{use.level2}标注为{use.requirement.raw},但没有指标",
            ))
    present = {ind.level1 for ind in indicators if ind.name}
    for level1 in REQUIRED_LEVEL1:
        if level1 not in present:
            checks.append(Check(
                code=CheckCode.required_category_missing, severity=Severity.warning,
                message=f"没有{level1}:每张目标表都有,这张表可能被截断了",
            ))
    return checks


def placeholder_check(indicators: list[Indicator]) -> list[Check]:
    if not is_placeholder(indicators):
        return []
    return [Check(
        code=CheckCode.placeholder_form, severity=Severity.warning,
        message=f"全部 {len(indicators)} 条指标的值都是“{indicators[0].value_raw}”:这是一张占位表",
    )]


def goal_checks(goals: list[str], funds: Funds) -> list[Check]:
    amounts = [a for g in goals for a in money_amounts(g)]
    if not amounts or funds.total_yuan is None:
        return []
    if any(abs(a - funds.total_yuan) <= 1 for a in amounts) or abs(sum(amounts) - funds.total_yuan) <= 1:
        return []
    named = "、".join(_fmt(a) for a in amounts)
    return [Check(
        code=CheckCode.goal_amount_mismatch, severity=Severity.warning,
        message=f"年度总体目标提到 {named},资金总额为 {_fmt(funds.total_yuan)}",
    )]


def column_checks(unknown: list[str]) -> list[Check]:
    """Indicator header cells no column role fits: their column was read by content, which may be wrong."""
    return [Check(
        code=CheckCode.unknown_indicator_column, severity=Severity.warning,
        message=f"指标表头有一列“{text}”无法识别,这一列的单元格按内容读取",
    ) for text in unknown]


def is_placeholder_value(text: str) -> bool:
    """A value that names a measure without setting it: 合规, 及时率, 满意度 (no figure, no state to reach)."""
    stem = text.strip()
    return stem in PLACEHOLDER_VALUES or (
        len(stem) <= PLACEHOLDER_CHARS and stem.endswith(PLACEHOLDER_ENDINGS) and not _DIGIT.search(stem)
    )


def placeholder_value_checks(indicators: list[Indicator]) -> list[Check]:
    """Indicators whose value only names the measure (及时率 for 案件受理及时率): no target is set."""
    return [Check(
        code=CheckCode.value_not_quantified, severity=Severity.warning, indicator=index,
        message=f"“{ind.name}”的指标值是“{ind.value_raw}”:只写了衡量什么,没有写目标值",
    ) for index, ind in enumerate(indicators)
        if ind.value.kind is ValueKind.text and is_placeholder_value(ind.value_raw)]


def fiscal_parts_checks(funds: Funds) -> list[Check]:
    """Shanghai's parts of the fiscal amount (当年财政拨款 + 上年结转资金), and the whole-life total
    against the year's."""
    checks = []
    if funds.fiscal_yuan is not None and (funds.current_fiscal_yuan is not None or funds.carryover_yuan is not None):
        parts = (funds.current_fiscal_yuan or 0) + (funds.carryover_yuan or 0)
        if parts != funds.fiscal_yuan:
            checks.append(Check(
                code=CheckCode.funds_sum_mismatch, severity=Severity.error,
                message=f"当年财政拨款 {_fmt(funds.current_fiscal_yuan or 0)} + 上年结转资金 "
                f"{_fmt(funds.carryover_yuan or 0)} ≠ 财政资金 {_fmt(funds.fiscal_yuan)}",
            ))
    if funds.lifetime_yuan is not None and funds.total_yuan is not None and funds.lifetime_yuan < funds.total_yuan:
        checks.append(Check(
            code=CheckCode.funds_sum_mismatch, severity=Severity.error,
            message=f"项目资金总额 {_fmt(funds.lifetime_yuan)} 小于年度资金总额 {_fmt(funds.total_yuan)}",
        ))
    return checks


def alignment_checks(reason: str | None) -> list[Check]:
    """The extractor could not line the cells up into rows: every field may come from the wrong cell."""
    if reason is None:
        return []
    return [Check(
        code=CheckCode.rows_not_aligned, severity=Severity.error,
        message=f"来源的单元格无法可靠地排成表格行({reason}):请逐项人工核对",
    )]


def label_piece_checks(header_cells: list[str]) -> list[Check]:
    """Header cells that are pieces of a label (年度资金 | 总额:): a converter cut a cell apart, so the
    rows around it may be misread; said once, naming the pieces."""
    pieces = [cell for cell in header_cells if cell and is_label_piece(cell)]
    if not pieces:
        return []
    return [Check(
        code=CheckCode.rows_not_aligned, severity=Severity.error,
        message=f"表头里有被拆开的标签片段({'、'.join(pieces[:6])}):单元格被拆开了,旁边的字段可能读错,请人工核对",
    )]


def _glued(cell: str) -> str | None:
    """The header label `cell` holds run together with other text, or None: 主管部门及代码区委组织部,
    年度资金总额:其中:财政拨款, 02-新增延续性项目年度资金总额:. A label with its note (项目资金(万元))
    or a list number (1.一般公共预算财政拨款收入) is a label."""
    if len(cell) <= _GLUE_CHARS or not _ANY_LABEL.search(cell) or match_header(cell) is not None:
        return None  # most cells hold no label, and are passed over with one scan
    stem = cell.replace(" ", "").rstrip(":")
    for label in _GLUABLE:
        rest = stem[len(label):].lstrip(":") if stem.startswith(label) else ""
        if rest and not rest.startswith(("(", "（")) and not _one_column(label, rest):
            return label
        head = stem[:-len(label)] if stem.endswith(label) and len(stem) > len(label) else ""
        if head and label not in _SENTENCE_ENDS and not _one_column(head.rstrip(":"), label):
            return label
    return None


def _one_column(first: str, second: str) -> bool:
    """Two amount labels run together (其中:财政拨款其他资金): the lines of one narrow column, which
    the header's reading cuts apart again (`header.split_glued`), not two cells' text."""
    return HEADER_LABELS.get(first) in _AMOUNT_FIELDS and HEADER_LABELS.get(second) in _AMOUNT_FIELDS


def glued_label_checks(header_cells: list[str], extractor: str) -> list[Check]:
    """Header cells where a label runs on into another cell's text: a converter dropped the gap
    between two cells (pdftotext -layout sets them one space apart), so the fields around them
    may be misread; said once, naming the cells. `header_cells` as read, before the header's
    reading cuts two labels apart (实施单位项目期: two rows' labels, their values run together too).
    Only text whose cells are told apart by spaces or lines can run them together: a tab, a
    JSON cell or a drawn border is never lost (and the tab-separated path pays nothing for it)."""
    if extractor not in SPACED_EXTRACTORS:
        return []
    glued = [cell for cell in header_cells if cell and _glued(cell)]
    if not glued:
        return []
    return [Check(
        code=CheckCode.rows_not_aligned, severity=Severity.error,
        message=f"表头里有标签和别的单元格连在一起({'、'.join(c[:20] for c in glued[:3])}):"
        "单元格之间的间隔丢了,旁边的字段可能读错,请人工核对",
    )]


def funds_prose_checks(funds: Funds) -> list[Check]:
    """An amount read from a sentence (其他资金 given the goal beside it: 目标1:用于党建业务办公工作):
    the cells were lined up with the wrong labels, and the figures around them cannot be trusted."""
    raws = [getattr(funds, name) for name in _AMOUNTS]
    prose = [raw for raw in raws if raw and len(_HAN.findall(raw)) >= _PROSE_CHARS]
    if not prose:
        return []
    return [Check(
        code=CheckCode.rows_not_aligned, severity=Severity.error,
        message=f"资金栏读到的是一段文字(“{prose[0][:20]}”):单元格和标签没有对齐,资金可能读错,请人工核对",
    )]
