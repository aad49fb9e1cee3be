"""Forms are found by what they hold: a subject label and an indicator block, never a title alone.

Each document here is converted text written out in the test, so what it
holds is in plain sight; the expected facts are read off the lines.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.extract import extract_file
from jixiao.normalize import normalize_document
from jixiao.schemas.errors import NoTargetTable

FORM = [
    "项目名称\t社区治理项目",
    "主管部门\t某区民政局",
    "项目资金(万元)\t年度资金总额:\t12",
    "\t其中:财政拨款\t12",
    "年度总体目标\t完成社区治理。",
    "一级指标\t二级指标\t三级指标\t指标值",
    "产出指标\t数量指标\t指标1:服务社区数\t≥5个",
    "\t时效指标\t指标2:完成时间\t2024年12月底前",
    "效益指标\t社会效益指标\t指标3:居民参与率\t≥80%",
    "满意度指标\t服务对象满意度指标\t指标4:居民满意度\t≥90%",
]

BUDGET_TABLE = [
    "收支预算总表",
    "单位:万元",
    "收入\t\t支出",
    "项目\t预算数\t项目\t预算数",
    "一般公共预算拨款\t120\t一般公共服务支出\t120",
]


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "doc.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _forms(path: Path):
    return normalize_document(extract_file(path))


def test_a_sentence_that_mentions_a_target_table_makes_no_form(tmp_path: Path) -> None:
    lines = [
        "四、绩效目标设置情况", "本部门项目绩效目标详见单位的项目绩效目标表", "详见单位的项目绩效目标表", *BUDGET_TABLE
    ]
    with pytest.raises(NoTargetTable, match="doc.txt: no target table found"):
        extract_file(_write(tmp_path, lines))


def test_a_table_with_project_names_but_no_indicators_is_not_a_form(tmp_path: Path) -> None:
    lines = ["项目支出表", "项目名称\t金额", "社区治理项目\t12", "法律援助\t30"]
    with pytest.raises(NoTargetTable):
        extract_file(_write(tmp_path, lines))


def test_a_form_without_a_title_among_other_tables_is_found_alone(tmp_path: Path) -> None:
    lines = [
        "某区民政局2024年部门预算", *BUDGET_TABLE, "详见项目绩效目标表。", *FORM,
        "政府采购预算表", "项目\t金额", "办公设备\t3",
    ]
    (form,) = _forms(_write(tmp_path, lines))
    assert form.title == "" and form.project_name == "社区治理项目"
    assert form.funds.total_yuan == 120000
    assert [i.name for i in form.indicators] == ["服务社区数", "完成时间", "居民参与率", "居民满意度"]
    # The 采购 table after the block is not read as indicators.
    assert form.indicators[-1].value_raw == "≥90%"


def test_two_untitled_forms_in_a_row_are_two_forms(tmp_path: Path) -> None:
    second = [line.replace("社区治理项目", "养老服务项目") for line in FORM]
    forms = _forms(_write(tmp_path, FORM + second))
    assert [f.project_name for f in forms] == ["社区治理项目", "养老服务项目"]
    assert all(len(f.indicators) == 4 for f in forms)


def test_title_wordings_and_a_letter_spaced_year(tmp_path: Path) -> None:
    for title in (
        "上海市财政项目支出绩效目标填报表", "项目支出绩效目标申报表", "2024年项目申报表",
        "财政项目支出绩效目标表(2024年度)",
    ):
        lines = [title, "(2 0 2 4 年度)", *FORM]
        (form,) = _forms(_write(tmp_path, lines))
        assert form.title == title and form.fiscal_year == 2024, title


def test_page_numbers_are_not_table_content(tmp_path: Path) -> None:
    lines = ["项目支出绩效目标表", *FORM[:8], "第 1 页,共 2 页", "- 1 -", *FORM[8:], "第2页"]
    (form,) = _forms(_write(tmp_path, lines))
    assert [i.value_raw for i in form.indicators] == ["≥5个", "2024年12月底前", "≥80%", "≥90%"]
    assert [i.level2 for i in form.indicators][-1] == "服务对象满意度指标"


def test_a_self_evaluation_is_not_a_target_table(tmp_path: Path) -> None:
    header = "一级指标\t二级指标\t三级指标\t指标值\t全年完成值\t得分"
    lines = ["2021年度项目支出绩效自评表", *FORM[:5], header, *FORM[6:]]
    with pytest.raises(NoTargetTable):
        extract_file(_write(tmp_path, lines))


def test_a_self_evaluation_is_not_a_target_table_under_a_plain_title(tmp_path: Path) -> None:
    header = "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分"
    lines = ["项目支出绩效目标表", *FORM[:5], header, *FORM[6:]]
    with pytest.raises(NoTargetTable):
        extract_file(_write(tmp_path, lines))


def test_a_target_table_whose_indicators_weigh_points_is_a_form(tmp_path: Path) -> None:
    """Some templates print 分值 (or 权重) right of the value: the points each indicator weighs. A
    self-evaluation prints 分值 too, but beside what was achieved and scored (实际完成值, 得分):
    alone it is no sign of one, and the points are not the value."""
    header = "一级指标\t二级指标\t三级指标\t指标值\t分值"
    rows = [f"{line}\t{points}" for line, points in zip(FORM[6:], ("30", "20", "30", "20"), strict=True)]
    (form,) = _forms(_write(tmp_path, ["项目支出绩效目标表", *FORM[:5], header, *rows]))
    assert form.project_name == "社区治理项目"
    assert [(i.name, i.value_raw) for i in form.indicators] == [
        ("服务社区数", "≥5个"), ("完成时间", "2024年12月底前"), ("居民参与率", "≥80%"), ("居民满意度", "≥90%")]


def test_an_attachment_line_whose_digits_came_apart_is_the_next_forms(tmp_path: Path) -> None:
    """The bed's seed-3 rendering 0030_chromium prints 附件11-3 above its second form; pdfium gives its
    digits as runs of their own, read `附件1 1-3`. It is that form's attachment, not an indicator of the first."""
    second = ["附件1 1-3", "项目支出预算绩效目标表"] + [line.replace("社区治理项目", "养老服务项目") for line in FORM]
    forms = _forms(_write(tmp_path, ["附件1", "项目支出预算绩效目标表", *FORM, *second]))
    assert [(f.project_name, f.attachment, len(f.indicators)) for f in forms] == [
        ("社区治理项目", "附件1", 4), ("养老服务项目", "附件11-3", 4)]
