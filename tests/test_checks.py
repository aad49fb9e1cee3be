"""Each check fires where the samples call for it, and not on a clean form."""
from __future__ import annotations

from conftest import form
from jixiao.extract.forms import split_forms
from jixiao.normalize import normalize_document
from jixiao.schemas.form import SourceFormat
from jixiao.schemas.raw import RawDocument, Row


def codes(f):
    return {(c.code.value, c.indicator) for c in f.checks}


def test_clean_form_has_no_checks(sample_forms):
    assert form(sample_forms, "000", 1).checks == []


def test_funds_unit_mislabelled_004(sample_forms):
    f = form(sample_forms, "004", 0)
    assert f.funds.unit_declared == "万元" and f.funds.unit_applied == "元"
    assert f.funds.total_yuan == 400000
    assert f.indicators[3].value.yuan == 400000  # its cost row says 40万元
    assert ("funds_unit_mislabelled", None) in codes(f)


def test_placeholder_form_004(sample_forms):
    f = form(sample_forms, "004", 2)
    assert ("placeholder_form", None) in codes(f)
    assert all(i.value.kind.value == "number" for i in f.indicators)


def test_missing_value_001(sample_forms):
    f = form(sample_forms, "001", 2)
    ind = f.indicators[4]
    assert ind.name == "新增线路接入完成及时性" and ind.level2 == "时效指标" and ind.value_raw == ""
    assert ("missing_value", 4) in codes(f)


def test_goal_amount_mismatch_002(sample_forms):
    f = form(sample_forms, "002", 10)
    assert f.project_name == "沙坡头区老年大学活动经费"
    assert ("goal_amount_mismatch", None) in codes(f)


def test_cost_unit_inferred_004_bare_numbers(sample_forms):
    f = form(sample_forms, "004", 11)
    costs = [i for i in f.indicators if i.level2 == "成本指标"]
    assert [c.value.yuan for c in costs] == [864000, 318000, 159000]
    assert {("cost_unit_inferred", 3), ("cost_unit_inferred", 4), ("cost_unit_inferred", 5)} <= codes(f)
    assert ("cost_total_mismatch", None) in codes(f)


def test_formulas_evaluated_000(sample_forms):
    f = form(sample_forms, "000", 3)
    formulas = [i.value for i in f.indicators if i.value.kind.value == "formula"]
    assert [(v.computed, v.number) for v in formulas] == [(138600, 138600), (108000, 108000), (72000, 72000)]
    assert not any(c.code.value == "formula_mismatch" for c in f.checks)


def test_year_mismatch_002(sample_forms):
    f = form(sample_forms, "002", 9)
    assert ("year_mismatch", 2) in codes(f) and f.indicators[2].value_raw == "2023年底"


def test_required_category_missing_002(sample_forms):
    f = form(sample_forms, "002", 5)
    assert sum(c.code.value == "required_category_missing" for c in f.checks) == 2


def _synthetic(lines: list[str]) -> RawDocument:
    rows = [Row(cells=line.split("\t"), line=n) for n, line in enumerate(lines, 1)]
    return RawDocument(
        path="x.txt", sha256="0" * 64, format=SourceFormat.text, extractor="text", forms=split_forms(rows)
    )


BASE = [
    "项目支出预算绩效目标表", "(2024年度)", "项目名称\t测试项目",
    "项目资金(万元)\t年度资金总额:\t10", "\t其中:财政拨款\t{fiscal}", "\t其他资金\t{other}",
    "年度总体目标\t目标1:测试。",
    "绩效指标\t一级指标\t二级指标\t三级指标\t指标值",
    "\t产出指标\t数量指标(必填)\t指标1:次数\t2次",
    "\t\t成本指标(必填)\t指标1:费用\t{cost}",
    "\t效益指标\t社会效益指标(必填)\t指标1:\t/",
]


def _one(**fill) -> set:
    (f,) = normalize_document(_synthetic([line.format(**fill) for line in BASE]))
    return codes(f)


def test_funds_sum_and_formula_and_category_checks():
    found = _one(fiscal="8", other="1", cost="100元/人*10人=2000元")
    assert ("funds_sum_mismatch", None) in found
    assert ("formula_mismatch", 1) in found
    assert ("cost_total_mismatch", None) in found
    assert ("required_category_missing", None) in found


def test_consistent_synthetic_form_is_quiet_but_for_the_empty_category():
    found = _one(fiscal="10", other="", cost="10万元")
    assert found == {("required_category_missing", None)}


def test_every_check_message_is_chinese(sample_forms):
    """Codes stay the stable English identifiers; the messages a reviewer reads are Chinese."""
    import re

    from jixiao.normalize.checks import column_checks, funds_checks, indicator_checks
    from jixiao.schemas.form import Funds, Indicator, Requirement, Value, ValueKind

    checks = [c for forms in sample_forms.values() for f in forms for c in f.checks]
    checks += funds_checks(Funds(total_yuan=100, fiscal_yuan=50, other_yuan=10))
    odd = Indicator(
        level1="产出指标", level2="成本指标", requirement=Requirement(), name="印刷费", value_raw="2*3=7万元",
        value=Value(kind=ValueKind.formula, number=7.0, computed=6.0), page=1, bbox=(1.0, 2.0, 3.0, 4.0),
        confidence=0.5,
    )
    checks += indicator_checks([odd], 2024)
    checks += column_checks(["权重2"])
    assert len({c.code for c in checks}) >= 12
    for check in checks:
        assert re.search(r"[\u4e00-\u9fff]", check.message), check
        assert not re.search(r"(?<![A-Za-z])(?!OCR)[A-Za-z]{3,}", check.message), check


def _tabbed(head: list[list[str]], extractor: str = "text"):
    """One form from rows as `extractor` gives them: `head` above a one-row indicator block."""
    rows = [Row(cells, line) for line, cells in enumerate(
        [["项目支出绩效目标表"], *head, ["一级指标", "二级指标", "三级指标", "指标值"],
         ["产出指标", "数量指标", "培训人数", "≥100人"]], start=1)]
    doc = RawDocument(path="t.txt", sha256="0" * 64, format=SourceFormat.text, extractor=extractor,
                      forms=split_forms(rows))
    (record,) = normalize_document(doc)
    return record


def test_a_label_run_into_a_value_says_rows_not_aligned():
    """pdftotext -layout set 主管部门及代码 one space from its value, and 年度资金总额: right above
    其中:财政拨款: each label ran into another cell, and no field beside them can be trusted."""
    head = [["项目名称", "测试项目"], ["主管部门及代码区委组织部", "实施单位", "区委组织部"],
            ["年度资金总额:其中:财政拨款", "10"]]
    (check,) = [c for c in _tabbed(head, "layout").checks if c.code.value == "rows_not_aligned"]
    assert "主管部门及代码区委组织部" in check.message and check.severity.value == "error"
    # a tab is never lost: tab-separated text is not looked at for it
    assert not [c for c in _tabbed(head).checks if c.code.value == "rows_not_aligned"]


def test_labels_with_notes_or_list_numbers_are_no_run_on():
    """项目资金(万元), 其中:财政拨款 and a goal ending in a label's words (…完成年度绩效目标) are cells of
    their own."""
    record = _tabbed([["项目名称", "测试项目"], ["项目资金(万元)", "年度资金总额", "10"],
                      ["", "其中:财政拨款", "10"], ["年度总体目标", "按期完成年度绩效目标"]], "layout")
    assert not [c for c in record.checks if c.code.value == "rows_not_aligned"]
    assert (record.funds.total_yuan, record.goals) == (100_000, ["按期完成年度绩效目标"])


def test_an_amount_read_from_a_sentence_says_rows_not_aligned():
    """其他资金 left empty, the goal's first line beside the next label: layout text gave it to 其他资金,
    whose amount became the 1 of 目标1."""
    record = _tabbed([["项目名称", "测试项目"], ["年度资金总额", "10"], ["其他资金", "目标1:用于党建业务办公工作"]])
    assert [c.code.value for c in record.checks if c.code.value == "rows_not_aligned"] == ["rows_not_aligned"]


def test_two_rows_labels_run_together_say_rows_not_aligned_but_one_amount_columns_do_not():
    """实施单位项目期: the labels of two rows, run together with their values (layout text); 其中:财政拨款
    其他资金 is one narrow column's two lines, which the header's reading cuts apart."""
    head = [["项目名称", "测试项目"], ["主管部门", "区委组织部02-新增延续性项目", "实施单位项目期", "区委组织部"],
            ["年度资金总额", "10"]]
    glued = _tabbed(head, "layout")
    assert [c.code.value for c in glued.checks if c.code.value == "rows_not_aligned"] == ["rows_not_aligned"]
    narrow = _tabbed([["项目名称", "测试项目"], ["年度资金总额", "10"], ["其中:财政拨款其他资金", "10", "0"]], "layout")
    assert not [c for c in narrow.checks if c.code.value == "rows_not_aligned"]
