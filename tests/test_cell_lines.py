"""One cell per line (plain pdftotext) whose lines are not in row order: the form says so.

pdftotext reads some of the layout bed's Calc PDFs column by column in
places: the 二级指标 labels come one after another, away from their rows, or
a label lands after the rows it labels. The rows rebuilt from such lines
file indicators under the wrong label, so the record must carry
`rows_not_aligned`. The fixtures are cut down from those files.
"""
from __future__ import annotations

from pathlib import Path

from conftest import converted_form, unaligned
from jixiao.schemas.form import Form

HEAD = """项目支出绩效目标表
（2024年度）
项目名称
测试项目
年度资金总额
10
一级指标
二级指标
三级指标
指标值
产出指标
"""


def _form(tmp_path: Path, block: str) -> Form:
    return converted_form(tmp_path, HEAD + block, "form.cells.txt", "cells")


def test_level2_labels_read_as_a_column_flag_the_form(tmp_path: Path) -> None:
    """质量指标, 时效指标, 社会效益指标 one after another (效益指标, level 1, between): whose rows follow
    cannot be told."""
    block = """数量指标（必填）
培训人数
≥100人
质量指标（必填）
时效指标（必填）
效益指标
社会效益指标（必填）
合格率
100%
按时完成
2024年底前
就业率
≥95%
"""
    assert unaligned(_form(tmp_path, block))


def test_a_count_starting_over_with_no_label_before_it_flags_the_form(tmp_path: Path) -> None:
    """时效指标's 指标1 is followed by another 指标1 with no label between: 成本指标 was printed after
    its rows."""
    block = """数量指标（必填）
指标1：培训人数
≥100人
时效指标（必填）
指标1：按时完成
2024年底前
指标1：培训经费
10万元
成本指标（必填）
"""
    assert unaligned(_form(tmp_path, block))


def test_rows_in_order_with_a_category_left_empty_are_read(tmp_path: Path) -> None:
    """Two labels in a row are a category printed with no indicator (经济效益指标), not a column."""
    block = """数量指标（必填）
指标1：培训人数
≥100人
效益指标
经济效益指标
社会效益指标（必填）
指标1：就业率
≥95%
"""
    form = _form(tmp_path, block)
    assert not unaligned(form)
    assert [(i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("数量指标", "培训人数", "≥100人"), ("社会效益指标", "就业率", "≥95%"),
    ]
