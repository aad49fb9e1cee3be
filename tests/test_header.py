"""The header block's label/value pairs, read from rows of cell texts as the normalizer gets them, and the
models the block reader builds."""
from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from jixiao.normalize.header import mended, pairs
from jixiao.normalize.indicators import _indicator
from jixiao.normalize.values import parse_value
from jixiao.schemas.form import Indicator, Requirement


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


def test_an_indicator_from_its_validator_is_the_model_s_own() -> None:
    """The block reader builds each indicator with the model's validator: the same record as
    `Indicator(**fields)`, and on a bad field the same error, word for word."""
    fields = {
        "level1": "产出指标", "level2": "数量指标", "requirement": Requirement(required=True, raw="必填"),
        "seq": 1, "name": "召开全委会次数", "value_raw": "3次", "value": parse_value("3次"),
        "line": 17, "page": None, "bbox": None, "confidence": None,
    }
    made = _indicator(fields)
    assert type(made) is Indicator and made == Indicator(**fields)
    assert made.model_fields_set == Indicator(**fields).model_fields_set
    bad = {**fields, "confidence": math.nan}
    with pytest.raises(ValidationError) as by_validator:
        _indicator(bad)
    with pytest.raises(ValidationError) as by_model:
        Indicator(**bad)
    assert str(by_validator.value) == str(by_model.value)
