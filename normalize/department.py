"""Department-wide target tables (部门整体支出绩效目标表): the budget overview and the key tasks.

Such a form has no project: its subject is the department (部门名称), and
above its indicator block it prints the department's size (财政供养人员数,
下属单位数), its budget (部门预算支出: 基本支出, 项目支出, 事业发展性支出,
and 收入来源: 财政拨款, 其他资金, under a 预算金额(万元) header that gives the
unit) and a table of 年度重点工作任务 (名称 | 主要实施内容 | 拟投入的资金 |
期望达到的目标). Labels are found by their words, so rows and columns may sit
anywhere above the block.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from jixiao.schemas.form import DepartmentBudget, Task
from jixiao.schemas.markers import compact

#: budget labels -> DepartmentBudget field
_AMOUNTS = {
    "基本支出": "basic_yuan", "项目支出": "project_yuan", "事业发展性支出": "development_yuan",
    "财政拨款": "fiscal_yuan", "其他资金": "other_yuan",
}
#: task table header words -> Task field
_TASK_COLUMNS = (
    ("名称", "name"), ("主要实施内容", "content"), ("拟投入的资金", "amount_raw"), ("期望达到的目标", "goal")
)
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_COUNT = re.compile(r"\d+")
#: the label that closes the task table: optional tasks, then the indicator block
_AFTER_TASKS = ("其他需完成的任务", "绩效指标", "一级指标")


def is_department(title: str, labels: set[str]) -> bool:
    """A department-wide form: its title says so, or it names a department and no project."""
    return "部门整体" in title or ("部门名称" in labels and "项目名称" not in labels)


def _yuan(raw: str, unit: str | None) -> int | None:
    text = raw.replace(",", "")
    if not _NUMBER.match(text):
        return None
    try:
        amount = Decimal(text) * (Decimal(10000) if unit == "万元" else Decimal(1))
    except InvalidOperation:
        return None
    return int(amount.to_integral_value())


def _unit(text: str) -> str | None:
    return "万元" if "万元" in text else "元" if "(元)" in text or text.endswith("元") else None


def _next_filled(cells: list[str], i: int) -> str:
    return next((c for c in cells[i + 1:] if c), "")


def read_budget(rows: list[list[str]]) -> DepartmentBudget:
    """The staff, unit count and budget amounts printed above the block, in yuan."""
    values: dict[str, int | None] = {}
    unit = next((u for row in rows for c in row if "预算金额" in c and (u := _unit(c))), None)
    for cells in rows:
        for i, cell in enumerate(cells):
            label = compact(cell)
            if label.startswith("财政供养人员") and "staff" not in values:
                found = _COUNT.search(_next_filled(cells, i))
                values["staff"] = int(found.group(0)) if found else None
            elif "下属" in label and label.endswith("单位数") and "units" not in values:
                found = _COUNT.search(_next_filled(cells, i))
                values["units"] = int(found.group(0)) if found else None
            elif label in _AMOUNTS and _AMOUNTS[label] not in values:
                values[_AMOUNTS[label]] = _yuan(_next_filled(cells, i), unit)
    return DepartmentBudget(unit_declared=unit, **values)


def read_tasks(rows: list[list[str]]) -> list[Task]:
    """The 年度重点工作任务 rows, read by the words of their header row."""
    tasks: list[Task] = []
    columns: dict[int, str] | None = None
    unit: str | None = None
    for cells in rows:
        filled = [c for c in cells if c]
        if columns is None:
            found = {
                i: field for i, c in enumerate(cells) for word, field in _TASK_COLUMNS if compact(c).startswith(word)
            }
            if {"name", "amount_raw"} <= set(found.values()):
                columns = found
                unit = next((_unit(c) for c in cells if compact(c).startswith("拟投入的资金")), None)
            continue
        if not filled or any(compact(filled[0]).startswith(word) for word in _AFTER_TASKS):
            break
        row = {field: cells[i] if i < len(cells) else "" for i, field in columns.items()}
        if not row.get("name"):
            continue
        amount = row.get("amount_raw") or None
        tasks.append(Task(
            name=row["name"], content=row.get("content", ""), goal=row.get("goal", ""),
            amount_raw=amount, yuan=_yuan(amount, unit) if amount else None,
        ))
    return tasks
