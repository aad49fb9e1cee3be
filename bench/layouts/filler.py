"""Distractor pages: what a budget disclosure prints around its target tables.

A 收支总表-like budget table (bordered, with amounts) or a 政府采购预算表, and
prose that mentions the target tables (详见项目绩效目标表). None of it is a
form: a reader that makes a record of it invents one, and the scorer counts
that record's fields as wrong.
"""
from __future__ import annotations

import random

from bench.layouts.draw import Block, Cell, Grid, PageBreak, Para

_INCOME = ("一般公共预算拨款收入", "政府性基金预算拨款收入", "国有资本经营预算拨款收入", "事业收入", "其他收入")
_SPENDING = ("一般公共服务支出", "公共安全支出", "教育支出", "社会保障和就业支出", "卫生健康支出", "城乡社区支出")
_PURCHASES = ("办公设备购置", "印刷服务", "物业管理服务", "会议服务", "信息系统运行维护")


def _money(rng: random.Random) -> str:
    return f"{rng.uniform(0.5, 900):.2f}"


def budget_table(rng: random.Random, year: int) -> list[Block]:
    """部门收支预算总表 (收入 | 预算数 | 支出 | 预算数) or 政府采购预算表, in 万元."""
    if rng.random() < 0.6:
        title = f"{year}年部门收支预算总表"
        cells = [Cell("收入", 0, 0, colspan=2, role="label"), Cell("支出", 0, 2, colspan=2, role="label")]
        cells += [Cell(t, 1, c, role="label") for c, t in enumerate(("项目", "预算数", "项目", "预算数"))]
        rows = max(len(_INCOME), len(_SPENDING))
        for i in range(rows):
            income = _INCOME[i] if i < len(_INCOME) else ""
            cells += [Cell(income, 2 + i, 0), Cell(_money(rng) if income else "", 2 + i, 1),
                      Cell(_SPENDING[i], 2 + i, 2), Cell(_money(rng), 2 + i, 3)]
        cells += [Cell("收入总计", 2 + rows, 0, role="label"), Cell(_money(rng), 2 + rows, 1),
                  Cell("支出总计", 2 + rows, 2, role="label"), Cell(_money(rng), 2 + rows, 3)]
        widths = [4.0, 2.0, 4.0, 2.0]
    else:
        title = f"{year}年政府采购预算表"
        heads = ("采购项目", "采购品目", "数量", "预算金额", "其中：财政拨款")
        cells = [Cell(t, 0, c, role="label") for c, t in enumerate(heads)]
        for i, item in enumerate(rng.sample(_PURCHASES, 4)):
            money = _money(rng)
            cells += [Cell(item, 1 + i, 0), Cell(f"A{rng.randint(1, 9)}{rng.randint(100, 999)}", 1 + i, 1),
                      Cell(str(rng.randint(1, 30)), 1 + i, 2), Cell(money, 1 + i, 3), Cell(money, 1 + i, 4)]
        widths = [3.0, 2.0, 1.2, 2.0, 2.4]
    return [Para(title, "heading"), Para("单位：万元", "unit"), Grid(cells, widths)]


def prose(rng: random.Random, year: int, forms: int) -> list[Block]:
    """Explanations that mention the target tables without being one."""
    lines = [
        "第一部分 部门概况",
        f"一、{year}年度部门预算编制说明：本部门严格按照预算管理有关规定编制{year}年部门预算，"
        "收支预算情况详见收支预算总表。",
        f"二、绩效目标设置情况：{year}年本部门实行绩效目标管理的项目{forms}个，"
        f"涉及资金{rng.uniform(20, 900):.2f}万元，详见项目绩效目标表。",
        "三、其他重要事项的说明：机关运行经费、政府采购、国有资产占有使用等情况详见附表。",
    ]
    blocks: list[Block] = [Para(lines[0], "heading")]
    return blocks + [Para(line, "prose") for line in lines[1:]]


def distractors(rng: random.Random, where: str, year: int, forms: int) -> tuple[list[Block], list[Block]]:
    """Blocks before and after the forms for `where` in none, before, after, both."""
    before: list[Block] = []
    after: list[Block] = []
    if where in ("before", "both"):
        before = prose(rng, year, forms) + budget_table(rng, year) + [PageBreak()]
    if where in ("after", "both"):
        after = [PageBreak()] + budget_table(rng, year) + prose(rng, year, forms)[1:]
    return before, after
