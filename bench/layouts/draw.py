"""A record drawn as a form under a plan: paragraphs, bordered grids and page breaks.

The drawing is producer-neutral: a grid is cells with row, column and spans,
each with a role (label, value, title); the producers (`chromium`, `calc`,
`writer`) turn it into HTML, a sheet or a Word table. What the drawing prints
is the record's own text, so the only fields a rendering can change are the
ones `expect.py` names: the 附件 line (printed or not) and the amounts
(万元 as recorded, or the recorded yuan printed in 元).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from itertools import groupby
from typing import Literal

from bench.layouts.plan import Plan, Sample
from tests.fixtures.make_fixtures import goals_text, indicator_name, level2_label

Role = Literal["label", "value", "title", "year"]

FONTS = {"sans": "Noto Sans CJK SC", "serif": "Noto Serif CJK SC", "wqy": "WenQuanYi Zen Hei"}
#: a font with no bold face: asked for bold, Chromium draws each glyph twice and LibreOffice emboldens it
NO_BOLD_FACE = "WenQuanYi Zen Hei"


def title_font(plan: Plan) -> tuple[str, bool]:
    """(font, bold) of titles: real bold from a font with a bold face, simulated from one without."""
    if plan.title_weight == "fake_bold":
        return NO_BOLD_FACE, True
    body = FONTS[plan.font]
    if plan.title_weight == "bold":
        return (FONTS["sans"] if body == NO_BOLD_FACE else body), True
    return body, False


def vertical_font(plan: Plan) -> str | None:
    """The font vertical labels are set in on a page to be scanned, None for the body's.

    WenQuanYi Zen Hei has no vertical metrics: Chromium and Writer draw every
    character of a vertical label in it on one spot. The text layer still
    reads right, so the native PDFs keep this real behaviour of both; the
    scan of it is an ink blob no reader could read (蠡 for 产出指标), so a
    page to be scanned sets its vertical labels in a font that has them.
    """
    return FONTS["sans"] if plan.scan is not None and plan.font == "wqy" else None


@dataclass(frozen=True)
class Cell:
    """One printed cell; spans say how far a merge reaches."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    role: Role = "value"
    rotated: bool = False  # written down the cell by the producer's own means (CSS, Excel, Word)


@dataclass
class Grid:
    """One bordered table; `head` is the indicator header row, repeated on every page when `repeat`."""

    cells: list[Cell]
    widths: list[float]  # relative column widths
    head: int | None = None
    repeat: bool = False
    breaks: list[int] = field(default_factory=list)  # rows a page break comes before

    @property
    def rows(self) -> int:
        return max(c.row + c.rowspan for c in self.cells)

    @property
    def cols(self) -> int:
        return len(self.widths)


@dataclass(frozen=True)
class Para:
    """A line outside tables: 附件 line, title, year line, a distractor's heading or prose."""

    text: str
    role: Literal["attachment", "title", "year", "heading", "prose", "unit"]


@dataclass(frozen=True)
class PageBreak:
    """The next block starts a new page."""


Block = Para | Grid | PageBreak


@dataclass
class Drawing:
    """One form as drawn, and the 附件 text it printed (None when it printed none)."""

    sample: Sample
    attachment: str | None
    blocks: list[Block]


# ---- texts --------------------------------------------------------------------------------

_SPLIT = re.compile(r"^([≥≤><≧≦]?)(\d+(?:\.\d+)?)([^\d.][^\d]*)?$")


def split_value(value_raw: str) -> tuple[str, str, str]:
    """指标性质, 指标值, 计量单位 for a value, chosen so that a reader rebuilds `value_raw` exactly.

    The rule a reader applies (issue 11, section 4): 性质 + 值 + 单位, where the
    性质 `=` and `定性` print nothing (`≥` `95` `%` is `≥95%`; `=` `20` `次/年`
    is `20次/年`). A value that is not a sign, a number and a unit (`不少于20次`,
    `2026年底前`) is 定性 with the whole text as its 指标值, so no record changes.
    """
    match = _SPLIT.match(value_raw)
    if not match:
        return ("定性" if value_raw else "", value_raw, "")
    sign, number, unit = match.groups()
    return (sign or "=", number, unit or "")


def _rebuild(op: str, number: str, unit: str) -> str:
    return ("" if op in ("=", "定性") else op) + number + unit


def spaced(text: str) -> str:
    """Letter-spaced as typed by hand in Word: a space between every two characters."""
    return " ".join(text.replace(" ", ""))


def year_line(year: int, plan: Plan) -> str:
    return f"（{spaced(str(year))} 年度）" if plan.spaced_year else f"（{year}年度）"


def amount(funds: dict, which: str, plan: Plan) -> str:
    """An amount cell: the recorded 万元 string, or the recorded yuan printed in 元 (4,100,000.00)."""
    raw, yuan = funds[f"{which}_raw"], funds[f"{which}_yuan"]
    if plan.amounts == "wan" or raw is None or yuan is None:
        return raw or ""
    return f"{yuan:,.2f}" if plan.amounts == "yuan_commas" else f"{yuan:.2f}"


def _label(text: str, plan: Plan, row: int, col: int, rowspan: int = 1) -> Cell:
    """A tall label (绩效指标, 一级指标 values): stacked one character per line, or rotated, per the plan."""
    if plan.vertical_labels == "stacked":
        return Cell("\n".join(text), row, col, rowspan, role="label")
    return Cell(text, row, col, rowspan, role="label", rotated=plan.vertical_labels == "rotated")


# ---- the grid -----------------------------------------------------------------------------

_WIDE = {"lead": 1.3, "level1": 1.8, "level2": 2.6, "name": 3.6, "name2": 2.0, "value": 3.0, "op": 1.3, "unit": 1.4,
         "weight": 1.1, "remark": 1.8}
_NARROW = {"lead": 0.8, "level1": 0.9, "level2": 1.3}


def columns(plan: Plan) -> list[str]:
    """Column roles left to right: [绩效指标] [一级] 二级 三级 (two grid columns) 指标值 or 性质|值|单位,
    then [权重] [备注]."""
    cols = (["lead"] if plan.lead_column else []) + (["level1"] if plan.level1_column else [])
    cols += ["level2", "name", "name2"]
    cols += ["op", "value", "unit"] if plan.split_values else ["value"]
    return cols + [c for c in ("weight", "remark") if plan.extra_columns in (c, "both")]


#: what a 备注 cell holds when it is not empty (none of it a value: a reader that took the last
#: cell of a row for its value would give these)
_REMARKS = ("无", "年度考核", "据实结算", "以实际完成为准", "按季度统计", "详见实施方案")


def _extra_cells(plan: Plan, top: int, n: int, at: dict[str, int], key: str) -> list[Cell]:
    """The 权重 and 备注 columns of a block whose header row is `top` and which has `n` indicators:
    a header word other templates print, then a weight (points or percent, as 权重 says) and a
    remark, mostly empty, per row."""
    rng = random.Random(f"{plan.seed}:columns:{key}")
    cells = []
    if "weight" in at:
        head = rng.choice(("权重", "权重(%)", "分值", "指标权重"))
        cells.append(Cell(head, top, at["weight"], role="label"))
        cells += [Cell(str(rng.choice((5, 10, 10, 15, 20))), top + 1 + i, at["weight"]) for i in range(n)]
    if "remark" in at:
        cells.append(Cell("备注", top, at["remark"], role="label"))
        cells += [Cell(rng.choice(_REMARKS), top + 1 + i, at["remark"]) for i in range(n) if rng.random() < 0.4]
    return cells


def _header_cells(record: dict, plan: Plan, top: int, n: int) -> list[Cell]:
    """项目名称 … 年度总体目标 over `n` columns: labels in column 0, values across the rest."""
    funds = record["funds"]
    unit = "万元" if plan.amounts == "wan" else "元"
    pair = n - 2  # where the right-hand label of a two-pair row stands
    raw = {k: (record[k]["raw"] or "") for k in ("department", "implementing_unit", "attribute", "period")}
    cells = [
        Cell("项目名称", top, 0, role="label"), Cell(record["project_name"] or "", top, 1, colspan=n - 1),
        Cell("主管部门及代码", top + 1, 0, role="label"), Cell(raw["department"], top + 1, 1, colspan=pair - 1),
        Cell("实施单位", top + 1, pair, role="label"), Cell(raw["implementing_unit"], top + 1, pair + 1),
        Cell("项目属性", top + 2, 0, role="label"), Cell(raw["attribute"], top + 2, 1, colspan=pair - 1),
        Cell("项目期", top + 2, pair, role="label"), Cell(raw["period"], top + 2, pair + 1),
        Cell(f"项目资金（{unit}）", top + 3, 0, rowspan=3, role="label"),
    ]
    amounts = (("年度资金总额：", "total"), ("其中：财政拨款", "fiscal"), ("其他资金", "other"))
    for offset, (label, which) in enumerate(amounts):
        cells += [Cell(label, top + 3 + offset, 1, role="label"),
                  Cell(amount(funds, which, plan), top + 3 + offset, 2, colspan=n - 2)]
    cells += [Cell("年度总体目标", top + 6, 0, role="label"),
              Cell(goals_text(record["goals"]), top + 6, 1, colspan=n - 1)]
    return cells


def _block_cells(indicators: list[dict], plan: Plan, top: int, cols: list[str], key: str) -> list[Cell]:
    """The indicator header row at `top`, then one row per indicator, level labels merged over their runs."""
    at = {role: i for i, role in enumerate(cols)}
    n = len(indicators)
    cells = _extra_cells(plan, top, n, at, key)
    if plan.lead_column:
        cells.append(_label("绩效指标", plan, top, at["lead"], n + 1))
    heads = (["一级指标"] if plan.level1_column else []) + ["二级指标", "三级指标"]
    for text, role in zip(heads, [r for r in cols if r in ("level1", "level2", "name")], strict=True):
        cells.append(Cell(text, top, at[role], colspan=2 if role == "name" else 1, role="label"))
    split = (("指标性质", "op"), ("指标值", "value"), ("计量单位", "unit"))
    values = split if plan.split_values else (("指标值", "value"),)
    cells += [Cell(text, top, at[role], role="label") for text, role in values]
    row = top + 1
    for level1, run_iter in groupby(indicators, key=lambda i: i["level1"]):
        run = list(run_iter)
        if plan.level1_column:
            cells.append(_label(level1, plan, row, at["level1"], len(run)))
        for label, group_iter in groupby(run, key=level2_label):
            group = list(group_iter)
            cells.append(Cell(label, row, at["level2"], rowspan=len(group), role="label"))
            for offset, indicator in enumerate(group):
                r = row + offset
                cells.append(Cell(indicator_name(indicator), r, at["name"], colspan=2))
                if plan.split_values:
                    parts = split_value(indicator["value_raw"])
                    assert _rebuild(*parts) == indicator["value_raw"], indicator["value_raw"]
                    roles = ("op", "value", "unit")
                    cells += [Cell(text, r, at[role]) for text, role in zip(parts, roles, strict=True)]
                else:
                    cells.append(Cell(indicator["value_raw"], r, at["value"]))
            row += len(group)
    return cells


def _breaks(plan: Plan, sample: Sample, first_row: int) -> list[int]:
    """Rows (of the grid) a forced page break comes before: one, or two for a form over three pages."""
    n = sample.size
    if plan.block_break == "none" or n < 2:
        return []
    if plan.arrangement == "three_pages":
        return [first_row + n // 3, first_row + (2 * n) // 3]
    rng = random.Random(f"{plan.seed}:break:{sample.key}")
    return [first_row + rng.randint(1, n - 1)]


def draw_form(sample: Sample, plan: Plan, position: int) -> Drawing:
    """Form number `position` (0-based) of the document, as the plan lays it out."""
    record = sample.record
    cols = columns(plan)
    widths = [(_NARROW.get(c) if plan.narrow_labels else None) or _WIDE[c] for c in cols]
    attachment = None
    if plan.attachment == "printed":
        attachment = record["attachment"] or f"附件{position + 1}"
    title = spaced(record["title"]) if plan.spaced_title else record["title"]
    year = year_line(record["fiscal_year"], plan) if record["fiscal_year"] is not None else None
    blocks: list[Block] = [Para(attachment, "attachment")] if attachment else []
    cells: list[Cell] = []
    top = 0
    if plan.title_place == "in_table":
        cells.append(Cell(title, 0, 0, colspan=len(cols), role="title"))
        top = 1
        if year:
            cells.append(Cell(year, 1, 0, colspan=len(cols), role="year"))
            top = 2
    else:
        blocks.append(Para(title, "title"))
        if year:
            blocks.append(Para(year, "year"))
    cells += _header_cells(record, plan, top, len(cols))
    head = top + 7
    cells += _block_cells(record["indicators"], plan, head, cols, sample.key)
    grid = Grid(cells, widths, head=head, repeat=plan.block_break == "repeat_header",
                breaks=_breaks(plan, sample, head + 1))
    blocks.append(grid)
    return Drawing(sample, attachment, blocks)


def draw_document(plan: Plan, before: list[Block], after: list[Block]) -> tuple[list[Block], list[Drawing]]:
    """All the plan's forms in order, page breaks between them unless several share a page."""
    drawings = [draw_form(sample, plan, i) for i, sample in enumerate(plan.forms)]
    blocks: list[Block] = list(before)
    for i, drawing in enumerate(drawings):
        if i and plan.arrangement != "several_per_page":
            blocks.append(PageBreak())
        blocks += drawing.blocks
    return blocks + after, drawings
