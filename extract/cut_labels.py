"""What a cut label's words say: the tests every page-break mend shares.

A page break can cut a merged label mid-word (满意度指 / 标) or leave a
bracket open (成本指标(必填硬性指 / 标)); the halves are known by their words,
whatever the reader (PDF geometry in `page_breaks`, a scan's rows in
`broken_rows`).
"""
from __future__ import annotations

import re

from jixiao.schemas.markers import CATEGORY_WORDS, INDICATOR_HEADERS

#: longest outside line taken for the label of a cut merged cell
LABEL_LINE_CHARS = 24
#: how a label ends: 数量指标, 成本指标(必填硬性指标)
LABEL_END = re.compile(r"指标(?:\([^()]*\))?$")
#: the unit a label carries on its last line: 项目资金 + (万元)
UNIT_NOTE = re.compile(r"^\((?:万元|元|千元|亿元)\)$")
#: labels whole by themselves, never the rest of a label above them
WHOLE_LABELS = (*INDICATOR_HEADERS, *CATEGORY_WORDS, "绩效指标")


def label_cut(above: str, below: str) -> bool:
    """A label a page break cut in two: the first half does not end as a label does, the two together do
    (满意度指 + 标, 服务对象满意度 + 指标(必填量化), 绩 + 效指标)."""
    if not above or not below or len(above) > LABEL_LINE_CHARS or len(below) > LABEL_LINE_CHARS:
        return False
    whole = below.startswith(WHOLE_LABELS)  # a label of its own: 三级指标, 质量指标(必填), 绩效指标
    return bool(LABEL_END.search(above + below)) and not LABEL_END.search(above) and not whole


def goes_on(text: str, line: str) -> bool:
    """`line` is the rest of the label `text`: it closes the bracket `text` left open, completes the label,
    or opens the note a whole label carries (成本指标 + (必填硬性), or is its unit (项目资金 + (万元))."""
    unit = len(text) <= LABEL_LINE_CHARS and bool(UNIT_NOTE.match(line)) and ")" not in text
    return (unclosed(text) and closes(line)) or label_cut(text, line) or opens_note(text, line) or unit


def opens_note(text: str, line: str) -> bool:
    """`line` opens the note the whole label `text` carries (服务对象满意度指标 + (必填量化))."""
    return len(text) <= LABEL_LINE_CHARS and line.startswith("(") and text.endswith("指标")


#: an item of a numbered goal list (目标4:…); 指标1: is not one: it numbers indicators, one a row
_GOAL_ITEM = re.compile(r"目标\s*(\d{1,2})\s*[:：]")


def list_goes_on(text: str, line: str) -> bool:
    """`line` opens the item after the last of the numbered goals in `text` (目标4:… + 目标5:…):
    a goal cell the page cut between two of its items, whose words alone say nothing."""
    head = _GOAL_ITEM.match(line)
    items = _GOAL_ITEM.findall(text)
    return head is not None and bool(items) and int(head.group(1)) == int(items[-1]) + 1


#: brackets and quotes, opened and closed
PAIRS = (("(", ")"), ("《", "》"), ("“", "”"), ("【", "】"), ("[", "]"))


def unclosed(text: str) -> bool:
    """A bracket or quote left open: the text surely goes on."""
    return any(text.count(a) > text.count(b) for a, b in PAIRS)


def closes(text: str) -> bool:
    """A bracket or quote closed that the text did not open: it ends a text begun above."""
    return any(text.count(b) > text.count(a) for a, b in PAIRS)
