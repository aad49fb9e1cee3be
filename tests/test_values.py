"""One focused test per value kind the samples hold (see samples/expected/README.md)."""
from __future__ import annotations

import pytest

from jixiao.normalize.values import parse_value
from jixiao.schemas.form import ValueKind

CASES = [
    # raw, fiscal year, expected subset of the parsed value
    ("≥95%", 2026, dict(kind="percent", op=">=", number=95, unit="%")),
    ("≧90%", 2026, dict(kind="percent", op=">=", number=90)),
    ("$\\geq 95\\%$", 2024, None),  # markup is the extractor's job; parsed after tidy below
    ("不少于 20 次/年", 2026, dict(kind="rate", op=">=", number=20, unit="次", per="年")),
    ("至少 3 次", 2026, dict(kind="number", op=">=", number=3, unit="次")),
    ("小于199人", 2024, dict(kind="number", op="<", number=199, unit="人")),
    ("约 597 台", 2026, dict(kind="number", op="~", number=597, unit="台")),
    ("50-100人", 2024, dict(kind="range", low=50, high=100, unit="人")),
    ("1000-2000元/人", 2024,
     dict(kind="range", low=1000, high=2000, unit="元", per="人", low_yuan=1000, high_yuan=2000)),
    ("22.5 万元", 2026, dict(kind="money", number=22.5, unit="万元", yuan=225000)),
    ("30 万", 2026, dict(kind="money", unit="万元", yuan=300000)),
    ("≤20万元", 2023, dict(kind="money", op="<=", yuan=200000)),
    ("6420 元", 2024, dict(kind="money", unit="元", yuan=6420)),
    ("计划53.10万元", 2020, dict(kind="money", yuan=531000, text="计划")),
    ("1840元/人/月", 2024, dict(kind="rate", number=1840, unit="元", per="人/月", yuan=1840)),
    ("≥1次/月", 2023, dict(kind="rate", op=">=", number=1, unit="次", per="月")),
    ("3600/人/每年", 2024, dict(kind="rate", number=3600, unit=None, per="人/年")),
    ("≤2.5万元/个", 2024, dict(kind="rate", op="<=", unit="万元", per="个", yuan=25000)),
    ("每月", 2024, dict(kind="rate", per="月", number=None)),
    ("330 元/人*140 人*3 天=138600 元", 2026, dict(kind="formula", number=138600, computed=138600, yuan=138600)),
    ("6000 元/天*3 天*2 间+3000 元/天*3 天*4 间=72000 元", 2026, dict(kind="formula", computed=72000)),
    ("2026 年底前", 2026, dict(kind="date", op="<=", start=None, end="2026-12")),
    ("9 月前", 2026, dict(kind="date", op="<=", end="2026-09")),
    ("6 月", 2026, dict(kind="date", op="=", start="2026-06", end="2026-06")),
    ("2026 年", 2026, dict(kind="date", start="2026-01", end="2026-12")),
    ("2024年1月-12月", 2024, dict(kind="date", op=None, start="2024-01", end="2024-12")),
    ("2024年1月-2024年12月", 2024, dict(kind="date", start="2024-01", end="2024-12")),
    ("1-12 月份", 2024, dict(kind="date", start="2024-01", end="2024-12")),
    ("持续至 2024 年底", 2024, dict(kind="date", op="<=", end="2024-12", text="持续至")),
    ("1 年", 2026, dict(kind="duration", number=1, unit="年")),
    ("7天", 2023, dict(kind="duration", number=7, unit="天")),
    ("≤30分钟", 2023, dict(kind="duration", op="<=", number=30, unit="分钟")),
    ("下降 0.5%", 2024, dict(kind="percent", number=0.5, text="下降")),
    ("有效提升", 2026, dict(kind="text", text="有效提升", op=None)),
    ("零故障", 2026, dict(kind="text")),
    ("全覆盖", 2020, dict(kind="text")),
    ("/", 2024, dict(kind="text", text="/")),
    ("不涉及", 2024, dict(kind="text")),
    ("", 2024, dict(kind="empty", op=None)),
]


@pytest.mark.parametrize("raw,fy,want", [c for c in CASES if c[2] is not None])
def test_value_kinds(raw, fy, want):
    value = parse_value(raw, fy).model_dump(mode="json")
    assert {k: value[k] for k in want} == want


def test_latex_after_tidy():
    from jixiao.extract.clean import tidy

    value = parse_value(tidy("$\\geq 95\\%$"))
    assert (value.kind.value, value.op, value.number) == ("percent", ">=", 95)


def test_several_counts_in_one_cell():
    value = parse_value("162个村、36个社区")
    assert value.kind.value == "number" and value.number is None
    assert [(i.number, i.unit) for i in value.items] == [(162, "个村"), (36, "个社区")]
    labelled = parse_value("婚姻档案 9256 卷、县委、政府文书档案 5200 卷")
    assert [(i.text, i.number) for i in labelled.items] == [("婚姻档案", 9256), ("县委、政府文书档案", 5200)]


def test_formula_that_does_not_add_up_is_computed_honestly():
    value = parse_value("100 元/人*10 人=2000 元")
    assert value.computed == 1000 and value.number == 2000


def test_a_range_whose_ends_round_to_one_float_is_not_a_range():
    """Found by hypothesis: the ends differ as decimals but not as the floats written out."""
    assert parse_value("1125899906842624-1125899906842624.1").kind is not ValueKind.range
