"""The review page's right column: what was read from a form, field by field.

Heading facts, funds (printed beside yuan), goals, and every indicator with
its parsed value summarised in one readable line and its checks beneath it.
"""
from __future__ import annotations

from jixiao.review_html import NONE, check_text, e, num_text, or_none, span, yuan_text
from jixiao.schemas.form import AttributeKind, Check, Coded, Form, Indicator, Severity, SourceFormat, Value, ValueKind

_OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "~": "约", "=": ""}
_KIND_WORD = {
    ValueKind.number: "数值", ValueKind.range: "区间", ValueKind.percent: "百分比", ValueKind.money: "金额",
    ValueKind.rate: "比率", ValueKind.date: "日期", ValueKind.duration: "时长", ValueKind.formula: "算式",
    ValueKind.text: "文字", ValueKind.empty: "空",
}
_ATTRIBUTE_WORD = {
    AttributeKind.new: "新增", AttributeKind.continuing: "延续", AttributeKind.one_off: "一次性",
    AttributeKind.one_year: "一年期", AttributeKind.other: "其他",
}


def summarize(value: Value) -> str:
    """One readable line for a parsed value: `≥ 95 %`, `金额 22.5 万元 = 225,000 元`, `日期 ≤ 2026-12`, `文字`.

    Plain text (not HTML): the caller escapes it. The kind, in Chinese like
    the rest of the page, comes first except for percent, whose `%` already
    says it; the row's tooltip gives the kind's stable English name.
    """
    kind = value.kind
    word = _KIND_WORD[kind]
    if kind in (ValueKind.text, ValueKind.empty):
        return word
    if kind is ValueKind.percent:
        return _join(_op(value.op), num_text(value.number), "%", value.text)
    if kind is ValueKind.date:
        return _join(word, _op(value.op), span(value.start, value.end), value.text)
    if kind is ValueKind.range:
        money = _yuan_range(value)
        return _join(word, f"{num_text(value.low)}–{num_text(value.high)}", _unit(value), money, value.text)
    if kind is ValueKind.formula:
        computed = f"(算得 {num_text(value.computed)})"
        return _join(word, num_text(value.number), value.unit, computed, _in_yuan(value))
    if kind is ValueKind.number and value.items:
        return _join(word, " · ".join(_join(i.text, num_text(i.number), i.unit) for i in value.items))
    return _join(word, _op(value.op), num_text(value.number), _unit(value), _in_yuan(value), value.text)


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _op(op: str | None) -> str:
    return _OPS.get(op or "=", op or "")


def _unit(value: Value) -> str:
    return "/".join(p for p in (value.unit, value.per) if p)


def _in_yuan(value: Value) -> str | None:
    """The yuan conversion, shown unless the printed number already is yuan."""
    if value.yuan is None or value.unit == "元":
        return None
    return f"= {yuan_text(value.yuan)} 元"


def _yuan_range(value: Value) -> str | None:
    if value.low_yuan is None or value.high_yuan is None:
        return None
    return f"= {yuan_text(value.low_yuan)}–{yuan_text(value.high_yuan)} 元"


def fields_column(n: int, form: Form, by_row: dict[int, list[Check]], worst: dict[int, Severity]) -> str:
    """What was extracted: heading facts, funds, goals and the indicators with their checks."""
    items = "".join(f"<li>{e(g)}</li>" for g in form.goals)
    goals = f'<ol class="goals">{items}</ol>' if items else NONE
    return (
        f"<h3>表头</h3>{_facts(form)}<h3>项目资金</h3>{_funds(form)}"
        f"<h3>年度总体目标({len(form.goals)} 条)</h3>{goals}"
        f"<h3>绩效指标({len(form.indicators)} 条)</h3>{_indicator_table(n, form, by_row, worst)}"
    )


def _coded(coded: Coded) -> str:
    """Name with its split-off code as a tag, so a wrong split shows at a glance."""
    if coded.raw is None and coded.name is None:
        return NONE
    code = f'<span class="tag">代码 {e(coded.code)}</span>' if coded.code else ""
    return f"{or_none(coded.name)}{code}"


def _facts(form: Form) -> str:
    attribute, period = form.attribute, form.period
    kind = _ATTRIBUTE_WORD[attribute.kind] if attribute.kind else None
    attr_tags = "".join(
        f'<span class="tag">{e(label)} {e(v)}</span>' for label, v in (("类型", kind), ("代码", attribute.code)) if v
    )
    rows = [
        ("标题", or_none(form.title)),
        ("附件", or_none(form.attachment)),
        ("年度", or_none(form.fiscal_year)),
        ("项目名称", f"<strong>{or_none(form.project_name)}</strong>"),
        ("主管部门", _coded(form.department)),
        ("实施单位", _coded(form.implementing_unit)),
        ("项目属性", or_none(attribute.raw) + attr_tags),
        ("项目期", or_none(period.raw) + _period_tags(form)),
    ]
    body = "".join(f"<tr><th>{label}</th><td>{cell}</td></tr>" for label, cell in rows)
    return f'<table class="facts">{body}</table>'


def _period_tags(form: Form) -> str:
    period = form.period
    tags = []
    if period.start or period.end:
        tags.append(span(period.start, period.end))
    if period.long_term:
        tags.append("长期")
    if period.years is not None:
        tags.append(f"{num_text(period.years)} 年")
    return "".join(f'<span class="tag">{e(t)}</span>' for t in tags)


def _funds(form: Form) -> str:
    """Printed amounts beside their yuan values, and the unit the label declared against the one applied."""
    funds = form.funds
    rows = "".join(
        f'<tr><th>{label}</th><td class="num">{or_none(raw)}</td>'
        f'<td class="num">{yuan_text(yuan) if yuan is not None else NONE}</td></tr>'
        for label, raw, yuan in (
            ("年度资金总额", funds.total_raw, funds.total_yuan),
            ("其中:财政拨款", funds.fiscal_raw, funds.fiscal_yuan),
            ("其他资金", funds.other_raw, funds.other_yuan),
        )
    )
    differs = '<span class="badge sev-warning">不一致</span>' if funds.unit_declared != funds.unit_applied else ""
    units = (
        f'<p class="caption">单位:表上标注 <strong>{or_none(funds.unit_declared)}</strong>,'
        f"按 <strong>{or_none(funds.unit_applied)}</strong> 换算 {differs}</p>"
    )
    head = '<tr><th></th><th class="num">原文</th><th class="num">元</th></tr>'
    return f'<table class="funds">{head}{rows}</table>{units}'


def _indicator_table(n: int, form: Form, by_row: dict[int, list[Check]], worst: dict[int, Severity]) -> str:
    if not form.indicators:
        return NONE
    head = (
        "<tr><th>#</th><th>一级 / 二级 / 要求</th><th>序号</th><th>三级指标</th><th>指标值(原文)</th>"
        "<th>解析</th><th>原文</th></tr>"
    )
    rows = "".join(
        _indicator_row(n, i, ind, form.source.format, by_row.get(i, []), worst.get(i))
        for i, ind in enumerate(form.indicators)
    )
    return f'<table class="inds">{head}{rows}</table>'


def _indicator_row(n: int, i: int, ind: Indicator, fmt: SourceFormat, checks: list[Check],
                   severity: Severity | None) -> str:
    tone = f' class="sev-{severity.value}"' if severity else ""
    requirement = f'<span class="tag">{e(ind.requirement.raw)}</span>' if ind.requirement.raw else ""
    row = (
        f'<tr id="f{n}-i{i}"{tone}><td class="idx">{i + 1}</td>'
        f'<td class="lvl">{e(ind.level1)}<br>{e(ind.level2)}{requirement}</td>'
        f'<td class="seq">{"指标 " + e(ind.seq) if ind.seq is not None else NONE}</td>'
        f'<td class="name">{or_none(ind.name)}</td><td>{or_none(ind.value_raw)}</td>'
        f'<td class="parsed" title="{ind.value.kind.value}">{e(summarize(ind.value))}</td>'
        f'<td class="at">{_anchor_link(n, i, ind, fmt)}</td></tr>'
    )
    notes = "".join(
        f'<tr class="check sev-{c.severity.value}"><td></td><td colspan="6">{check_text(c)}</td></tr>' for c in checks
    )
    return row + notes


def _anchor_link(n: int, i: int, ind: Indicator, fmt: SourceFormat) -> str:
    """Link from an indicator to where it was read: its source line or row, or its box on the page image."""
    if fmt not in (SourceFormat.pdf, SourceFormat.scan) and ind.line is not None:
        sheet = f"第 {ind.page} 表 " if ind.page is not None else ""
        return f'<a href="#f{n}-L{ind.line}">{sheet}行 {ind.line}</a>'
    if ind.page is not None and ind.bbox is not None:
        return f'<a href="#f{n}-b{i}">第 {ind.page} 页</a>'
    if ind.page is not None:
        return f"第 {ind.page} 页"
    return NONE
