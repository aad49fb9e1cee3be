"""The header block's label/value pairs, read from rows of cell texts as the normalizer gets them."""
from __future__ import annotations

from jixiao.normalize.header import mended, pairs


def test_a_group_label_row_and_labels_over_values_are_read_by_column() -> None:
    """项目资金(万元) on a row of its own names the unit; the labels under it take the values below them."""
    rows = [
        ["项目名称", "党建经费"],
        ["项目资金(万元)"],
        ["年度资金总额", "财政拨款", "其他资金"],
        ["100", "80", "20"],
    ]
    assert pairs(mended(rows)) == {
        "project_name": "党建经费", "funds_label": "项目资金(万元)", "total": "100", "fiscal": "80", "other": "20",
    }


def test_a_row_mixing_labels_and_values_is_read_left_to_right() -> None:
    """A values row under a row that holds a value too is no labels-over-values pair: each label takes the
    cell after it."""
    rows = [
        ["项目名称", "党建经费", "项目属性"],
        ["100", "80"],
    ]
    assert pairs(mended(rows)) == {"project_name": "党建经费", "attribute": ""}
