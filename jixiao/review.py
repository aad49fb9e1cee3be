"""The review page: a sample of forms, each source beside what was read from it.

A finance reviewer trusts an extraction only after seeing, for a few forms,
the printed table next to every field and check the code produced. This
module writes that as ONE self-contained HTML file: styles inline, source
pages as PNG data URIs, no script and no network, so the page can be mailed
or archived and opens the same anywhere. Everything taken from a document is
escaped; the same forms, sample and seed give the same bytes (no timestamps).
"""
from __future__ import annotations

import base64
import hashlib
from html import escape
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from jixiao.diff import sample
from jixiao.extract import ReadLimits, document_rows
from jixiao.extract.forms import Row
from jixiao.extract.encoding import decode
from jixiao.extract.grid import DPI as OCR_DPI
from jixiao.extract.sniff import sniff
from jixiao.schemas.errors import JixiaoError
from jixiao.schemas.form import AttributeKind, Check, Coded, Form, Indicator, Severity, SourceFormat, Value, ValueKind
from jixiao.schemas.raw import BBox

#: render scale for PDF pages: 2 px per point (144 dpi) keeps small CJK legible (scans: their OCR resolution)
SCALE = 2.0
#: points of page kept around the indicators' boxes, so row labels stay in view
MARGIN = 24.0

_RANK = {Severity.info: 0, Severity.warning: 1, Severity.error: 2}
_SEVERITY_WORD = {Severity.error: "错误", Severity.warning: "警告", Severity.info: "提示"}
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
_TAB = '<span class="tab" title="制表符(单元格分隔)">⇥</span>'
_NONE = '<span class="none">—</span>'

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#eef1f5;color:#1f2933;font:14px/1.55 "Noto Sans CJK SC","Source Han Sans SC",
"PingFang SC","Microsoft YaHei",sans-serif}
main{max-width:1360px;margin:0 auto;padding:20px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:0}
h3{font-size:14px;margin:16px 0 6px;color:#52606d;border-bottom:1px solid #e4e7eb;padding-bottom:3px}
.intro,.form{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:16px 20px;
margin-bottom:20px}
.intro p{margin:4px 0;color:#52606d}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:4px 6px;border-bottom:1px solid #e4e7eb}
th{background:#f5f7fa;font-weight:600;color:#3e4c59;white-space:nowrap}
a{color:#1565c0;text-decoration:none}
a:hover{text-decoration:underline}
.mono{font-family:"Noto Sans Mono CJK SC","DejaVu Sans Mono",monospace;font-size:12px}
.none{color:#9aa5b1}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.head{display:flex;align-items:baseline;gap:12px;border-bottom:2px solid #1565c0;padding-bottom:6px}
.head .no{background:#1565c0;color:#fff;border-radius:4px;padding:1px 8px;font-size:13px}
.meta{margin:6px 0 0;color:#52606d;font-size:12px}
.cols{display:grid;grid-template-columns:minmax(0,42fr) minmax(0,58fr);gap:20px;margin-top:12px}
.cols>.src{position:sticky;top:8px;align-self:start;max-height:calc(100vh - 16px);overflow:auto}
@media (max-width:1000px){.cols{grid-template-columns:1fr}.cols>.src{position:static;max-height:none}}
.lines td{padding:1px 6px;border:0;font-size:13px}
.lines .ln{width:1%;text-align:right;color:#9aa5b1;white-space:nowrap;border-right:1px solid #e4e7eb}
.lines .txt{white-space:pre-wrap;overflow-wrap:anywhere}
.lines tr.ind .ln{border-right:3px solid #9fb3c8}
.lines tr.ind .ln a{font-weight:700}
.tab{display:inline-block;color:#c1c7cd;background:#f5f7fa;border:1px solid #e4e7eb;border-radius:3px;
padding:0 2px;margin:0 3px;font-size:10px;line-height:14px;vertical-align:1px}
.page{position:relative;overflow:hidden;margin-bottom:8px;border:1px solid #cbd2d9}
.page img{display:block;width:100%;height:auto}
.page .box{position:absolute;border:1.5px solid rgba(21,101,192,.45)}
.page .box.sev-error{border-color:#c62828;background:rgba(198,40,40,.12)}
.page .box.sev-warning{border-color:#d98a00;background:rgba(217,138,0,.12)}
.page .box.sev-info{border-color:#1565c0;background:rgba(21,101,192,.10)}
.caption{font-size:12px;color:#52606d;margin:2px 0 8px}
.notice{background:#fff8e1;border:1px solid #f0c36d;border-radius:6px;padding:8px 10px;margin:6px 0}
.facts th{width:7.5em}
.funds td,.funds th{font-size:13px}
.tag{display:inline-block;border-radius:3px;padding:0 5px;font-size:12px;background:#e4e7eb;color:#3e4c59;
margin-left:4px;white-space:nowrap}
.inds td{font-size:13px;overflow-wrap:anywhere}
.inds td.parsed{min-width:9em}
.inds td.name{min-width:10em}
.inds td.idx{white-space:nowrap;color:#7b8794}
.inds .lvl{white-space:nowrap;font-size:12px;color:#3e4c59}
.inds .seq,.inds .at{white-space:nowrap;color:#52606d}
tr.sev-error td{background:#fdecea}
tr.sev-warning td{background:#fff4e0}
tr.sev-info td{background:#e8f1fb}
tr.check td{border-bottom:1px solid #e4e7eb;font-size:12px;padding-top:0}
.checks{list-style:none;margin:10px 0 0;padding:0}
.checks li{border-radius:6px;padding:5px 10px;margin:4px 0}
li.sev-error{background:#fdecea;border-left:4px solid #c62828}
li.sev-warning{background:#fff4e0;border-left:4px solid #d98a00}
li.sev-info{background:#e8f1fb;border-left:4px solid #1565c0}
.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;color:#fff;margin-right:6px}
.badge.sev-error{background:#c62828}
.badge.sev-warning{background:#d98a00}
.badge.sev-info{background:#1565c0}
.ok{color:#2e7d32}
ol.goals{margin:0;padding-left:1.6em}
:target td,tr:target td{outline:2px solid #1565c0;outline-offset:-2px}
.page a.box:target{outline:3px solid #1565c0}
"""


def write_review(forms: list[Form], path: Path, sample_n: int, seed: int) -> int:
    """Write the review page for a reproducible sample of `forms`; return how many it shows.

    Source paths are read relative to the current directory, as the CLI
    recorded them; a source that cannot be read is reported on the page.
    """
    chosen = sample(forms, sample_n, seed)
    sources = _Sources()
    try:
        sections = [_form_section(n, form, sources) for n, form in enumerate(chosen, start=1)]
    finally:
        sources.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page(chosen, len(forms), seed, sections), encoding="utf-8")
    return len(chosen)


def summarize(value: Value) -> str:
    """One readable line for a parsed value: `≥ 95 %`, `money 22.5 万元 = 225,000 元`, `date ≤ 2026-12`, `text`.

    Plain text (not HTML): the caller escapes it. The kind word comes first
    except for percent, whose `%` already says it.
    """
    kind = value.kind
    if kind in (ValueKind.text, ValueKind.empty):
        return kind.value
    if kind is ValueKind.percent:
        return _join(_op(value.op), _num(value.number), "%", value.text)
    if kind is ValueKind.date:
        return _join("date", _op(value.op), _span(value.start, value.end), value.text)
    if kind is ValueKind.range:
        money = _yuan_range(value)
        return _join("range", f"{_num(value.low)}–{_num(value.high)}", _unit(value), money, value.text)
    if kind is ValueKind.formula:
        return _join("formula", _num(value.number), value.unit, f"(算得 {_num(value.computed)})", _in_yuan(value))
    if kind is ValueKind.number and value.items:
        return _join("number", " · ".join(_join(i.text, _num(i.number), i.unit) for i in value.items))
    return _join(kind.value, _op(value.op), _num(value.number), _unit(value), _in_yuan(value), value.text)


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _op(op: str | None) -> str:
    return _OPS.get(op or "=", op or "")


def _num(x: float | None) -> str:
    """Floats as printed: 95.0 is 95, 22.5 stays 22.5."""
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() else f"{x:.10g}"


def _yuan(x: float | None) -> str:
    """Yuan with thousands separators, the way a finance reviewer reads amounts."""
    if x is None:
        return "?"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _unit(value: Value) -> str:
    return "/".join(p for p in (value.unit, value.per) if p)


def _in_yuan(value: Value) -> str | None:
    """The yuan conversion, shown unless the printed number already is yuan."""
    if value.yuan is None or value.unit == "元":
        return None
    return f"= {_yuan(value.yuan)} 元"


def _yuan_range(value: Value) -> str | None:
    if value.low_yuan is None or value.high_yuan is None:
        return None
    return f"= {_yuan(value.low_yuan)}–{_yuan(value.high_yuan)} 元"


def _span(start: object, end: object) -> str:
    """`start – end`, or the one value when both are equal or one is missing."""
    if start is not None and end is not None and start != end:
        return f"{start} – {end}"
    return str(end if end is not None else start if start is not None else "?")


def _e(text: object) -> str:
    """Escape anything from a document for HTML text and attribute values alike."""
    return escape(str(text), quote=True)


def _or_none(text: object) -> str:
    return _NONE if text is None or text == "" else _e(text)


class _PdfPages:
    """A text-layer PDF's pages, rendered by pypdfium2; boxes are in its points."""

    def __init__(self, data: bytes) -> None:
        self._doc = pdfium.PdfDocument(data)

    def count(self) -> int:
        return len(self._doc)

    def size(self, page: int) -> tuple[float, float]:
        return self._doc[page - 1].get_size()

    def render(self, page: int, crop: BBox) -> np.ndarray:
        """Page `page` (1-based) at SCALE, cut to `crop` (points from the top-left)."""
        pixels = self._doc[page - 1].render(scale=SCALE).to_numpy()
        x0, y0, x1, y1 = (round(v * SCALE) for v in crop)
        return pixels[y0:y1, x0:x1]

    def close(self) -> None:
        self._doc.close()


class _ScanPages:
    """A scan's pages as OCR saw them (upright, at the working resolution), made when first shown.

    Boxes of scanned cells are measured on the page after it was turned
    upright and deskewed, so the image shown is that page, not the file's.
    """

    def __init__(self, path: str, data: bytes) -> None:
        from jixiao.extract.scan import upright_pages  # the OCR stack, only when a scan is shown

        kind = SourceFormat.pdf if sniff(data) is SourceFormat.pdf else SourceFormat.scan
        self._pages = upright_pages(Path(path), data, kind, ReadLimits())
        self._seen: list[np.ndarray] = []
        self._scale = OCR_DPI / 72  # pixels per point

    def _upto(self, page: int) -> None:
        while len(self._seen) < page and (image := next(self._pages, None)) is not None:
            self._seen.append(image)

    def count(self) -> int:
        self._upto(1 << 30)
        return len(self._seen)

    def size(self, page: int) -> tuple[float, float]:
        self._upto(page)
        height, width = self._seen[page - 1].shape[:2]
        return width / self._scale, height / self._scale

    def render(self, page: int, crop: BBox) -> np.ndarray:
        self._upto(page)
        x0, y0, x1, y1 = (round(v * self._scale) for v in crop)
        return self._seen[page - 1][y0:y1, x0:x1]

    def close(self) -> None:
        self._seen.clear()


class _Sources:
    """Each source file read (and each paged one opened) once, however many forms it holds."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._lines: dict[str, list[str]] = {}
        self._pages: dict[str, _PdfPages | _ScanPages] = {}
        self._rows: dict[str, list[Row]] = {}

    def data(self, path: str) -> bytes:
        if path not in self._data:
            self._data[path] = Path(path).read_bytes()
        return self._data[path]

    def lines(self, path: str) -> list[str]:
        """Lines numbered the way the text extractor numbered them (decode, then splitlines)."""
        if path not in self._lines:
            self._lines[path] = decode(self.data(path), path).splitlines()
        return self._lines[path]

    def rows(self, path: str) -> list[Row]:
        """A Word, Excel or HTML document's rows as its reader saw them."""
        if path not in self._rows:
            self._rows[path] = document_rows(Path(path))
        return self._rows[path]

    def pages(self, path: str, fmt: SourceFormat) -> _PdfPages | _ScanPages:
        if path not in self._pages:
            data = self.data(path)
            self._pages[path] = _ScanPages(path, data) if fmt is SourceFormat.scan else _PdfPages(data)
        return self._pages[path]

    def close(self) -> None:
        for pages in self._pages.values():
            pages.close()


def _page(chosen: list[Form], total: int, seed: int, sections: list[str]) -> str:
    title = f"项目支出预算绩效目标表 · 抽样复核({len(chosen)} 张)"
    body = "".join(sections) if sections else '<section class="form"><p>没有可显示的表。</p></section>'
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>"
        f"{_intro(chosen, total, seed, title)}{body}</main></body></html>\n"
    )


def _intro(chosen: list[Form], total: int, seed: int, title: str) -> str:
    """Heading, how the sample was drawn, how to read the page, and a table of contents."""
    rows = "".join(_toc_row(n, form) for n, form in enumerate(chosen, start=1))
    return (
        f'<section class="intro"><h1>{_e(title)}</h1>'
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
        f'<tr><td>{n}</td><td><a href="#f{n}">{_or_none(form.project_name)}</a></td>'
        f'<td class="mono">{_e(_where(form))}</td><td>{_or_none(form.fiscal_year)}</td>'
        f'<td class="num">{_yuan(form.funds.total_yuan) if form.funds.total_yuan is not None else _NONE}</td>'
        f'<td class="num">{len(form.indicators)}</td><td>{_check_counts(form.checks)}</td></tr>'
    )


def _where(form: Form) -> str:
    """File, position in it, and lines or pages: enough to find the form by hand."""
    src = form.source
    place = f"{src.path} · 第 {src.form_index + 1} 张"
    if src.line_start is not None:
        return f"{place} · 行 {_span(src.line_start, src.line_end)}"
    if src.page_start is not None:
        return f"{place} · 第 {_span(src.page_start, src.page_end)} 页"
    return place


def _check_counts(checks: list[Check]) -> str:
    if not checks:
        return '<span class="ok">无</span>'
    counts = [(s, sum(c.severity is s for c in checks)) for s in (Severity.error, Severity.warning, Severity.info)]
    return "".join(f'<span class="badge sev-{s.value}">{_SEVERITY_WORD[s]} {k}</span>' for s, k in counts if k)


def _worst(checks: list[Check]) -> dict[int, Severity]:
    """The most severe check per indicator index, to colour its row and its source."""
    worst: dict[int, Severity] = {}
    for check in checks:
        i = check.indicator
        if i is not None and (i not in worst or _RANK[check.severity] > _RANK[worst[i]]):
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


def _form_section(n: int, form: Form, sources: _Sources) -> str:
    top, by_row = _split_checks(form)
    worst = _worst([c for checks in by_row.values() for c in checks])
    checks = "".join(_check_item(c) for c in top) or '<li class="ok">整表检查:无</li>'
    return (
        f'<section class="form" id="f{n}"><div class="head"><span class="no">{n}</span>'
        f"<h2>{_or_none(form.project_name)}</h2></div>"
        f'<p class="meta mono">{_e(_where(form))} · form_id {_e(form.form_id)} · 读取方式 {_e(form.source.extractor)}</p>'
        f'<ul class="checks">{checks}</ul>'
        f'<div class="cols"><div class="src"><h3>原文</h3>{_source(n, form, sources, worst)}</div>'
        f"<div>{_fields(n, form, by_row, worst)}</div></div></section>"
    )


def _check_item(check: Check) -> str:
    return f'<li class="sev-{check.severity.value}">{_check_text(check)}</li>'


def _check_text(check: Check) -> str:
    return (
        f'<span class="badge sev-{check.severity.value}">{_SEVERITY_WORD[check.severity]}</span>'
        f'<span class="mono">{_e(check.code.value)}</span> {_e(check.message)}'
    )


def _notice(text: str) -> str:
    return f'<div class="notice">{_e(text)}</div>'


def _source(n: int, form: Form, sources: _Sources, worst: dict[int, Severity]) -> str:
    """The printed form: text lines, PDF or scan pages, or a document's rows as read (Word, Excel, HTML)."""
    src = form.source
    try:
        stale = hashlib.sha256(sources.data(src.path)).hexdigest() != src.sha256
        if src.format is SourceFormat.text:
            shown = _text_source(n, form, sources.lines(src.path), worst)
        elif src.format in (SourceFormat.pdf, SourceFormat.scan):
            shown = _paged_source(n, form, sources.pages(src.path, src.format), worst)
        else:
            shown = _text_source(n, form, _sheet_lines(form, sources.rows(src.path)), worst)
    except (OSError, JixiaoError, pdfium.PdfiumError) as exc:
        return _notice(f"无法读取原文 {src.path}:{exc}")
    warning = _notice(f"{src.path} 在抽取之后已被改动,下面的原文可能与记录对不上。") if stale else ""
    return warning + shown


def _sheet_lines(form: Form, rows: list[Row]) -> list[str]:
    """The rows of the form's sheet (Excel) or body (Word, HTML) as tab-separated lines, by row number."""
    by_line = {row.line: "\t".join(row.cells) for row in rows if row.line is not None and row.page == form.source.page_start}
    return [by_line.get(number, "") for number in range(1, max(by_line, default=0) + 1)]


def _line_range(form: Form, count: int) -> tuple[int, int] | None:
    """The form's lines as recorded, else the span of its indicators' lines, within the file."""
    src = form.source
    marked = [i.line for i in form.indicators if i.line is not None]
    start = src.line_start if src.line_start is not None else min(marked, default=None)
    end = src.line_end if src.line_end is not None else max(marked, default=None)
    if start is None or end is None:
        return None
    return max(start, 1), min(end, count)


def _text_source(n: int, form: Form, lines: list[str], worst: dict[int, Severity]) -> str:
    span = _line_range(form, len(lines))
    if span is None or span[0] > span[1]:
        return _notice(f"记录中没有可用的行号(文件共 {len(lines)} 行)。")
    first: dict[int, int] = {}
    tone: dict[int, Severity] = {}
    for i, ind in enumerate(form.indicators):
        if ind.line is None:
            continue
        first.setdefault(ind.line, i)
        if i in worst and (ind.line not in tone or _RANK[worst[i]] > _RANK[tone[ind.line]]):
            tone[ind.line] = worst[i]
    rows = "".join(
        _source_line(n, number, lines[number - 1], first.get(number), tone.get(number))
        for number in range(span[0], span[1] + 1)
    )
    return f'<table class="lines">{rows}</table>'


def _source_line(n: int, number: int, text: str, indicator: int | None, severity: Severity | None) -> str:
    """One source line; tabs become visible separators; an indicator's line links back to its row."""
    cells = _TAB.join(_e(cell) for cell in text.split("\t"))
    if indicator is None:
        return f'<tr id="f{n}-L{number}"><td class="ln">{number}</td><td class="txt">{cells}</td></tr>'
    tone = f" sev-{severity.value}" if severity else ""
    return (
        f'<tr id="f{n}-L{number}" class="ind{tone}"><td class="ln">'
        f'<a href="#f{n}-i{indicator}" title="跳到指标 {indicator + 1}">{number}</a></td>'
        f'<td class="txt">{cells}</td></tr>'
    )


def _paged_source(n: int, form: Form, doc: _PdfPages | _ScanPages, worst: dict[int, Severity]) -> str:
    """Each page of the form (1-based page numbers), cropped to its indicators."""
    src = form.source
    pages = [i.page for i in form.indicators if i.page is not None]
    first = src.page_start if src.page_start is not None else min(pages, default=None)
    last = src.page_end if src.page_end is not None else max(pages, default=None)
    if first is None or last is None:
        return _notice("记录中没有页码。")
    return "".join(_page_image(n, form, doc, page, worst) for page in range(first, last + 1))


def _crop(boxes: list[BBox], width: float, height: float) -> BBox:
    """Union of the boxes plus MARGIN, inside the page; the whole page when no box lies on it."""
    page = (0.0, 0.0, width, height)
    if not boxes:
        return page
    x0 = max(min(b[0] for b in boxes) - MARGIN, 0.0)
    y0 = max(min(b[1] for b in boxes) - MARGIN, 0.0)
    x1 = min(max(b[2] for b in boxes) + MARGIN, width)
    y1 = min(max(b[3] for b in boxes) + MARGIN, height)
    return (x0, y0, x1, y1) if x1 - x0 >= 1 and y1 - y0 >= 1 else page


def _png_uri(pixels: np.ndarray) -> str:
    ok, png = cv2.imencode(".png", pixels)
    if not ok:
        raise ValueError("PNG encoding failed")
    return "data:image/png;base64," + base64.b64encode(png.tobytes()).decode("ascii")


def _page_image(n: int, form: Form, doc: _PdfPages | _ScanPages, page: int, worst: dict[int, Severity]) -> str:
    if not 1 <= page <= doc.count():
        return _notice(f"第 {page} 页不在文件中(文件共 {doc.count()} 页)。")
    width, height = doc.size(page)
    on_page = [(i, ind.bbox) for i, ind in enumerate(form.indicators) if ind.page == page and ind.bbox]
    crop = _crop([b for _, b in on_page], width, height)
    boxes = "".join(_overlay(n, i, box, crop, worst.get(i), form.indicators[i]) for i, box in on_page)
    what = "表格区域" if on_page else "整页(记录中没有指标框)"
    return (
        f'<p class="caption">第 {page} 页 · {what}</p><div class="page">'
        f'<img alt="第 {page} 页原文" src="{_png_uri(doc.render(page, crop))}">{boxes}</div>'
    )


def _overlay(n: int, i: int, box: BBox, crop: BBox, severity: Severity | None, ind: Indicator) -> str:
    """A link drawn over an indicator's box, placed in percent so it scales with the image."""
    cw, ch = crop[2] - crop[0], crop[3] - crop[1]
    left, top = (box[0] - crop[0]) / cw * 100, (box[1] - crop[1]) / ch * 100
    width, height = (box[2] - box[0]) / cw * 100, (box[3] - box[1]) / ch * 100
    tone = f" sev-{severity.value}" if severity else ""
    return (
        f'<a class="box{tone}" id="f{n}-b{i}" href="#f{n}-i{i}" title="指标 {i + 1}:{_e(ind.name)}" '
        f'style="left:{left:.3f}%;top:{top:.3f}%;width:{width:.3f}%;height:{height:.3f}%"></a>'
    )


def _fields(n: int, form: Form, by_row: dict[int, list[Check]], worst: dict[int, Severity]) -> str:
    """What was extracted: heading facts, funds, goals and the indicators with their checks."""
    items = "".join(f"<li>{_e(g)}</li>" for g in form.goals)
    goals = f'<ol class="goals">{items}</ol>' if items else _NONE
    return (
        f"<h3>表头</h3>{_facts(form)}<h3>项目资金</h3>{_funds(form)}"
        f"<h3>年度总体目标({len(form.goals)} 条)</h3>{goals}"
        f"<h3>绩效指标({len(form.indicators)} 条)</h3>{_indicator_table(n, form, by_row, worst)}"
    )


def _coded(coded: Coded) -> str:
    """Name with its split-off code as a tag, so a wrong split shows at a glance."""
    if coded.raw is None and coded.name is None:
        return _NONE
    code = f'<span class="tag">代码 {_e(coded.code)}</span>' if coded.code else ""
    return f"{_or_none(coded.name)}{code}"


def _facts(form: Form) -> str:
    attribute, period = form.attribute, form.period
    kind = _ATTRIBUTE_WORD[attribute.kind] if attribute.kind else None
    attr_tags = "".join(
        f'<span class="tag">{_e(label)} {_e(v)}</span>' for label, v in (("类型", kind), ("代码", attribute.code)) if v
    )
    rows = [
        ("标题", _or_none(form.title)),
        ("附件", _or_none(form.attachment)),
        ("年度", _or_none(form.fiscal_year)),
        ("项目名称", f"<strong>{_or_none(form.project_name)}</strong>"),
        ("主管部门", _coded(form.department)),
        ("实施单位", _coded(form.implementing_unit)),
        ("项目属性", _or_none(attribute.raw) + attr_tags),
        ("项目期", _or_none(period.raw) + _period_tags(form)),
    ]
    body = "".join(f"<tr><th>{label}</th><td>{cell}</td></tr>" for label, cell in rows)
    return f'<table class="facts">{body}</table>'


def _period_tags(form: Form) -> str:
    period = form.period
    tags = []
    if period.start or period.end:
        tags.append(_span(period.start, period.end))
    if period.long_term:
        tags.append("长期")
    if period.years is not None:
        tags.append(f"{_num(period.years)} 年")
    return "".join(f'<span class="tag">{_e(t)}</span>' for t in tags)


def _funds(form: Form) -> str:
    """Printed amounts beside their yuan values, and the unit the label declared against the one applied."""
    funds = form.funds
    rows = "".join(
        f'<tr><th>{label}</th><td class="num">{_or_none(raw)}</td>'
        f'<td class="num">{_yuan(yuan) if yuan is not None else _NONE}</td></tr>'
        for label, raw, yuan in (
            ("年度资金总额", funds.total_raw, funds.total_yuan),
            ("其中:财政拨款", funds.fiscal_raw, funds.fiscal_yuan),
            ("其他资金", funds.other_raw, funds.other_yuan),
        )
    )
    differs = '<span class="badge sev-warning">不一致</span>' if funds.unit_declared != funds.unit_applied else ""
    units = (
        f'<p class="caption">单位:表上标注 <strong>{_or_none(funds.unit_declared)}</strong>,'
        f"按 <strong>{_or_none(funds.unit_applied)}</strong> 换算 {differs}</p>"
    )
    return f'<table class="funds"><tr><th></th><th class="num">原文</th><th class="num">元</th></tr>{rows}</table>{units}'


def _indicator_table(n: int, form: Form, by_row: dict[int, list[Check]], worst: dict[int, Severity]) -> str:
    if not form.indicators:
        return _NONE
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
    requirement = f'<span class="tag">{_e(ind.requirement.raw)}</span>' if ind.requirement.raw else ""
    row = (
        f'<tr id="f{n}-i{i}"{tone}><td class="idx">{i + 1}</td>'
        f'<td class="lvl">{_e(ind.level1)}<br>{_e(ind.level2)}{requirement}</td>'
        f'<td class="seq">{"指标 " + _e(ind.seq) if ind.seq is not None else _NONE}</td>'
        f'<td class="name">{_or_none(ind.name)}</td><td>{_or_none(ind.value_raw)}</td>'
        f'<td class="parsed" title="{_KIND_WORD[ind.value.kind]}">{_e(summarize(ind.value))}</td>'
        f'<td class="at">{_anchor_link(n, i, ind, fmt)}</td></tr>'
    )
    notes = "".join(
        f'<tr class="check sev-{c.severity.value}"><td></td><td colspan="6">{_check_text(c)}</td></tr>' for c in checks
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
    return _NONE
