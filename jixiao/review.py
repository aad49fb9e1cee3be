"""The review page: a sample of forms, each source beside what was read from it.

A finance reviewer trusts an extraction only after seeing, for a few forms,
the printed table next to every field and check the code produced. This
module writes that as ONE self-contained HTML file: styles inline, source
pages as PNG data URIs, no script and no network, so the page can be mailed
or archived and opens the same anywhere. Everything taken from a document is
escaped; the same forms, sample and seed give the same bytes (no timestamps).
"""
from __future__ import annotations

from pathlib import Path

from jixiao.diff import sample
from jixiao.review_fields import fields_column
from jixiao.review_html import CSS, NONE, RANK, SEVERITY_WORD, check_text, e, or_none, span, yuan_text
from jixiao.review_source import Sources, source_column
from jixiao.schemas.form import Check, Form, Severity


def write_review(forms: list[Form], path: Path, sample_n: int, seed: int,
                 sources_dir: Path | None = None) -> tuple[int, dict[str, str]]:
    """Write the review page for a reproducible sample of `forms`.

    Returns how many forms it shows and the sources it could not read
    (recorded path: why), which the page reports in their place. Sources
    are found by their recorded path or by their relpath (`Sources`).
    """
    chosen = sample(forms, sample_n, seed)
    sources = Sources(sources_dir)
    try:
        sections = [_form_section(n, form, sources) for n, form in enumerate(chosen, start=1)]
    finally:
        sources.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page(chosen, len(forms), seed, sections), encoding="utf-8")
    return len(chosen), sources.unreadable


def _page(chosen: list[Form], total: int, seed: int, sections: list[str]) -> str:
    title = f"项目支出预算绩效目标表 · 抽样复核({len(chosen)} 张)"
    body = "".join(sections) if sections else '<section class="form"><p>没有可显示的表。</p></section>'
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{e(title)}</title><style>{CSS}</style></head><body><main>"
        f"{_intro(chosen, total, seed, title)}{body}</main></body></html>\n"
    )


def _intro(chosen: list[Form], total: int, seed: int, title: str) -> str:
    """Heading, how the sample was drawn, how to read the page, and a table of contents."""
    rows = "".join(_toc_row(n, form) for n, form in enumerate(chosen, start=1))
    return (
        f'<section class="intro"><h1>{e(title)}</h1>'
        f"<p>从 {total} 张表中以随机种子 {seed} 抽取 {len(chosen)} 张;同一输入与种子得到同一页面。"
        "左侧是原文(文本逐行显示,⇥ 为单元格分隔;PDF 与扫描件为表格区域截图),右侧是抽取结果。"
        "点击指标的“原文”可跳到对应行或框,点击原文行号可跳回指标。</p>"
        '<p><span class="badge sev-error">错误</span><span class="badge sev-warning">警告</span>'
        '<span class="badge sev-info">提示</span>检查结果标在对应指标行上,整表的检查列在每张表的开头。</p>'
        "<table><tr><th>#</th><th>项目名称</th><th>来源</th><th>年度</th><th class=\"num\">资金总额(元)</th>"
        f"<th class=\"num\">指标</th><th>检查</th></tr>{rows}</table></section>"
    )


def _toc_row(n: int, form: Form) -> str:
    return (
        f'<tr><td>{n}</td><td><a href="#f{n}">{or_none(form.project_name)}</a></td>'
        f'<td class="mono">{e(_where(form))}</td><td>{or_none(form.fiscal_year)}</td>'
        f'<td class="num">{yuan_text(form.funds.total_yuan) if form.funds.total_yuan is not None else NONE}</td>'
        f'<td class="num">{len(form.indicators)}</td><td>{_check_counts(form.checks)}</td></tr>'
    )


def _where(form: Form) -> str:
    """File, position in it, and lines or pages: enough to find the form by hand."""
    src = form.source
    place = f"{src.path} · 第 {src.form_index + 1} 张"
    if src.line_start is not None:
        return f"{place} · 行 {span(src.line_start, src.line_end)}"
    if src.page_start is not None:
        return f"{place} · 第 {span(src.page_start, src.page_end)} 页"
    return place


def _check_counts(checks: list[Check]) -> str:
    if not checks:
        return '<span class="ok">无</span>'
    counts = [(s, sum(c.severity is s for c in checks)) for s in (Severity.error, Severity.warning, Severity.info)]
    return "".join(f'<span class="badge sev-{s.value}">{SEVERITY_WORD[s]} {k}</span>' for s, k in counts if k)


def _worst(checks: list[Check]) -> dict[int, Severity]:
    """The most severe check per indicator index, to colour its row and its source."""
    worst: dict[int, Severity] = {}
    for check in checks:
        i = check.indicator
        if i is not None and (i not in worst or RANK[check.severity] > RANK[worst[i]]):
            worst[i] = check.severity
    return worst


def _split_checks(form: Form) -> tuple[list[Check], dict[int, list[Check]]]:
    """Form-level checks, and the rest by indicator; an index with no indicator counts as form-level."""
    top: list[Check] = []
    by_row: dict[int, list[Check]] = {}
    for check in form.checks:
        if check.indicator is not None and 0 <= check.indicator < len(form.indicators):
            by_row.setdefault(check.indicator, []).append(check)
        else:
            top.append(check)
    return top, by_row


def _form_section(n: int, form: Form, sources: Sources) -> str:
    top, by_row = _split_checks(form)
    worst = _worst([c for checks in by_row.values() for c in checks])
    checks = "".join(_check_item(c) for c in top) or '<li class="ok">整表检查:无</li>'
    return (
        f'<section class="form" id="f{n}"><div class="head"><span class="no">{n}</span>'
        f"<h2>{or_none(form.project_name)}</h2></div>"
        f'<p class="meta mono">{e(_where(form))} · form_id {e(form.form_id)} · 读取方式 {e(form.source.extractor)}</p>'
        f'<ul class="checks">{checks}</ul>'
        f'<div class="cols"><div class="src"><h3>原文</h3>{source_column(n, form, sources, worst)}</div>'
        f"<div>{fields_column(n, form, by_row, worst)}</div></div></section>"
    )


def _check_item(check: Check) -> str:
    return f'<li class="sev-{check.severity.value}">{check_text(check)}</li>'
