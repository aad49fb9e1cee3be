"""The words that make a table a target table, shared by the stage that finds forms and the one that reads them.

A form is recognised by what it holds, never by a title alone: the label of
its subject (项目名称, or 部门名称 on a department-wide form) and an indicator
block (its header row, or the category labels of its rows). These words are
the contract between finding and reading, so they live here, below both.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: the label of a form's subject: a project, or a department on a department-wide form
SUBJECT_LABELS = ("项目名称", "部门名称")

#: header cells of an indicator block; two of them on one row make the header row
INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "指标内容", "指标名称")

#: the level-1 categories (成本指标 is one in the 2021 national template)
LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")

#: category labels that only an indicator block prints (a row of them is indicator evidence)
CATEGORY_WORDS = ("产出指标", "效益指标", "满意度指标", "数量指标", "质量指标", "时效指标")

#: header labels -> field; variants seen in the wild included on purpose. Each template's
#: labels are here (Shanghai 申报表/填报表, the 2021 national template, Hubei 申报表,
#: 部门整体 forms), so the next county's variant is one more line.
HEADER_LABELS: dict[str, str] = {
    "项目名称": "project_name",
    "主管部门及代码": "department",
    "主管部门": "department",
    "项目主管部门": "department",
    "部门名称": "department",  # 部门整体 forms: the department is the subject
    "实施单位": "implementing_unit",
    "项目执行单位": "implementing_unit",
    "执行单位": "implementing_unit",
    "项目属性": "attribute",
    "项目性质": "attribute",  # Shanghai: 经常性项目, 阶段性项目
    "项目类别": "category",  # Shanghai: 特定目标类
    "项目期": "period",
    "项目期限": "period",
    "计划开始日期": "period_start",  # Shanghai
    "计划完成日期": "period_end",
    "年度资金总额": "total",
    "项目当年预算": "total",  # 申报表: the year's budget (项目总预算 spans every year)
    "年度资金申请总额": "total",  # Shanghai: this year's request
    "项目资金总额": "lifetime",  # Shanghai: the whole life of the project
    "项目总预算": "lifetime",  # Hubei 申报表
    "其中:财政拨款": "fiscal",
    "财政拨款": "fiscal",
    "其中:财政资金": "fiscal",  # Shanghai
    "财政资金": "fiscal",
    "一般公共预算财政拨款收入": "fiscal",  # Hubei 申报表: the first funding source (1.一般公共预算…)
    "其中:当年财政拨款": "current_fiscal",  # Shanghai: the part of 财政资金 appropriated this year
    "当年财政拨款": "current_fiscal",
    "上年结转资金": "carryover",  # Shanghai: the part of 财政资金 carried over
    "其他资金": "other",
    "年度总体目标": "goals",
    "年度总体绩效目标": "goals",
    "年度绩效目标": "goals",
    "总体绩效目标": "goals",
    "项目绩效总目标": "goals",
    "项目总目标": "lifetime_goals",  # Shanghai: beside 年度总体目标
}

#: labels printed on forms whose values jixiao does not record: they end the value before them
#: where cells come one per line (normalize/stream.py)
OTHER_LABELS = frozenset({
    "项目代码", "项目负责人", "联系电话", "项目类型", "项目申请理由", "项目主要内容", "填报单位", "资金来源项目",
    "金额", "合计", "项目支出明细", "测算依据及说明", "项目前两年预算及当年预算变动情况", "其中:申请当年预算拨款",
    # Hubei 申报表: the funding sources after 1.一般公共预算财政拨款收入 (the fiscal part)
    "政府性基金预算财政拨款收入", "事业收入", "上级补助收入", "附属单位上缴收入", "事业单位经营收入", "其他收入",
    "用事业基金弥补收支差额", "上年结转", "其中:使用上年度一般公共预算财政拨款结余结转",
    "使用上年度政府性基金预算财政拨款结余结转",
})

#: column headers only a self-evaluation (绩效自评表, after the year) has, as their endings:
#: 全年完成值, 实际完成值, 得分, 偏差原因分析. A table with one is not a target table. Not 分值:
#: a self-evaluation prints it beside 得分, but a target table may print it alone, as the
#: points each indicator weighs (the role 权重 has in normalize/columns.py).
SELF_EVALUATION_HEADERS = ("完成值", "实际值", "得分", "偏差原因", "偏差原因分析")

#: every title wording in use, optionally followed by a printed year: …绩效目标表（2023年度）
TITLE = re.compile(
    r"(绩效目标表|绩效目标申报表|绩效目标填报表|项目申报表|申报表|填报表)"
    r"\s*(?:[(（]\s*(?:19|20)\d{2}\s*年?度?\s*[)）])?$"
)

#: a page number printed in a header or footer: 第 1 页，共 12 页 / 第1页 / - 3 - / 1/12
PAGE_NUMBER = re.compile(
    r"^(?:第\s*\d+\s*页\s*[,，]?\s*(?:共\s*\d+\s*页)?|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|[-—–]\s*\d+\s*[-—–]|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.IGNORECASE,
)


def compact(text: str) -> str:
    """A cell's text without spaces or a trailing colon: how a label is compared."""
    return text.replace(" ", "").rstrip(":：")


_HEADER_SET = frozenset(INDICATOR_HEADERS)
#: a level's header whose number a scan lost or misread (-级指标 for 一级指标, 级指标 for 二级指标, or
#: its 指标 too): no content cell reads so
SOME_LEVEL = re.compile(r"^.?级(?:指标)?$")
#: longest cell that can be a block header word, letter-spaced and with a colon (一 级 指 标：)
_HEADER_CHARS = 12


@lru_cache(maxsize=1024)
def _is_header_word(text: str) -> bool:
    """A cell of `_HEADER_CHARS` or fewer that is one indicator header word; the same few cells come on
    every form, so each is compacted and matched once per process."""
    word = compact(text)
    return word in _HEADER_SET or SOME_LEVEL.match(word) is not None


def is_block_header(texts: Iterable[str]) -> bool:
    """Two indicator header words among a row's cells: the block's header row.

    Every row of every form passes through here: a row with fewer than two 指
    among its cells (most rows) is said no to at once, and longer cells are
    passed over before any copy is made of them.
    """
    texts = list(texts)
    if "".join(texts).count("指") < 2:
        return False
    found = 0
    for text in texts:
        if len(text) <= _HEADER_CHARS and "指" in text and _is_header_word(text):
            found += 1
            if found == 2:
                return True
    return False
