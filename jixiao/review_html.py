"""What every part of the review page shares: its style sheet, escaping, and how numbers and checks read.

Everything taken from a document goes through `e` (or `or_none`), for text
and attribute values alike.
"""
from __future__ import annotations

from html import escape

from jixiao.schemas.form import Check, Severity

RANK = {Severity.info: 0, Severity.warning: 1, Severity.error: 2}
SEVERITY_WORD = {Severity.error: "错误", Severity.warning: "警告", Severity.info: "提示"}
NONE = '<span class="none">—</span>'

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


def e(text: object) -> str:
    """Escape anything from a document for HTML text and attribute values alike."""
    return escape(str(text), quote=True)


def or_none(text: object) -> str:
    return NONE if text is None or text == "" else e(text)


def notice(text: str) -> str:
    return f'<div class="notice">{e(text)}</div>'


def check_text(check: Check) -> str:
    return (
        f'<span class="badge sev-{check.severity.value}">{SEVERITY_WORD[check.severity]}</span>'
        f'<span class="mono">{e(check.code.value)}</span> {e(check.message)}'
    )


def num_text(x: float | None) -> str:
    """Floats as printed: 95.0 is 95, 22.5 stays 22.5."""
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() else f"{x:.10g}"


def yuan_text(x: float | None) -> str:
    """Yuan with thousands separators, the way a finance reviewer reads amounts."""
    if x is None:
        return "?"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def span(start: object, end: object) -> str:
    """`start – end`, or the one value when both are equal or one is missing."""
    if start is not None and end is not None and start != end:
        return f"{start} – {end}"
    return str(end if end is not None else start if start is not None else "?")
