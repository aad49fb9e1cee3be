"""Indicators read by the roles the block's header gives its columns.

Each table is written out in the test as converted text (tab-separated,
every cell in its column); the expected indicators are read off the lines.
"""
from __future__ import annotations

from pathlib import Path

from jixiao.extract import extract_file
from jixiao.normalize import normalize_document
from jixiao.normalize.columns import Role, _role_of_cached, joined_value, role_of

HEAD = ["项目支出绩效目标表", "项目名称\t测试项目", "项目资金(万元)\t年度资金总额:\t10"]


def _forms(tmp_path: Path, lines: list[str]):
    path = tmp_path / "doc.txt"
    path.write_text("\n".join(HEAD + lines) + "\n", encoding="utf-8")
    return normalize_document(extract_file(path))


def test_split_value_columns_read_as_a_reader_says_them(tmp_path: Path) -> None:
    (form,) = _forms(tmp_path, [
        "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t权重\t备注",
        "产出指标\t数量指标\t培训人数\t≥\t95\t人次\t10\t按季度统计",
        "\t质量指标\t合格率\t=\t100\t%\t10\t",
        "\t时效指标\t完成时间\t≤\t2024年12月\t\t5\t",
        "效益指标\t社会效益指标\t服务水平\t定性\t有效提升\t\t10\t",
        "满意度指标\t服务对象满意度指标\t满意度\t大于等于\t90\t%\t10\t",
    ])
    got = [(i.level2, i.name, i.value_raw) for i in form.indicators]
    assert got == [
        ("数量指标", "培训人数", "≥95人次"),
        ("质量指标", "合格率", "100%"),
        ("时效指标", "完成时间", "≤2024年12月"),
        ("社会效益指标", "服务水平", "有效提升"),
        ("服务对象满意度指标", "满意度", "≥90%"),
    ]
    assert form.indicators[1].value.kind.value == "percent" and form.indicators[1].value.number == 100
    assert not form.checks or all(c.code.value != "unknown_indicator_column" for c in form.checks)


def test_a_remark_column_is_not_the_value(tmp_path: Path) -> None:
    (form,) = _forms(tmp_path, [
        "一级指标\t二级指标\t指标内容\t年度(/项目)指标值\t备注",
        "产出指标\t数量指标\t指标1:培训人数\t1600人\t含线上",
        "效益指标\t社会效益指标\t指标2:就业率\t≥95%\t",
        "满意度指标\t服务对象满意度指标\t指标3:满意度\t≥90%\t抽样",
    ])
    assert [(i.seq, i.name, i.value_raw) for i in form.indicators] == [
        (1, "培训人数", "1600人"), (2, "就业率", "≥95%"), (3, "满意度", "≥90%"),
    ]


def test_a_speck_read_beside_a_header_word_leaves_its_role(tmp_path: Path) -> None:
    """A scan read 备注 as ☑备注 (a speck left of the word): still the remark column, so its notes
    (详见实施方案) are no values and the values beside them stay the indicators'."""
    (form,) = _forms(tmp_path, [
        "一级指标\t二级指标\t三级指标\t·指标值\t☑备注",
        "产出指标\t数量指标\t补贴人数\t小于199人\t详见实施方案",
        "效益指标\t社会效益指标\t支农支教\t明显\t无",
    ])
    assert [(i.name, i.value_raw) for i in form.indicators] == [("补贴人数", "小于199人"), ("支农支教", "明显")]
    assert not form.checks or all(c.code != "unknown_indicator_column" for c in form.checks)


def test_without_level_one_column_levels_come_from_level_two(tmp_path: Path) -> None:
    (form,) = _forms(tmp_path, [
        "二级指标\t三级指标\t指标值",
        "数量指标\t培训人数\t100人",
        "社会效益指标\t就业率\t≥95%",
        "服务对象满意度指标\t满意度\t≥90%",
    ])
    assert [(i.level1, i.level2, i.value_raw) for i in form.indicators] == [
        ("产出指标", "数量指标", "100人"), ("效益指标", "社会效益指标", "≥95%"),
        ("满意度指标", "服务对象满意度指标", "≥90%"),
    ]


def test_a_category_with_one_character_misread_is_still_the_category(tmp_path: Path) -> None:
    """OCR of a label written one character a line misreads one of four or five; no other label is that near."""
    (form,) = _forms(tmp_path, [
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出看标\t数量指标\t培训人数\t100人",
        "效血指标\t社会效益指标\t就业率\t≥95%",
        "满意度看标\t服务对象满意度指标\t满意度\t≥90%",
    ])
    assert [(i.level1, i.level2, i.name) for i in form.indicators] == [
        ("产出指标", "数量指标", "培训人数"), ("效益指标", "社会效益指标", "就业率"),
        ("满意度指标", "服务对象满意度指标", "满意度"),
    ]


def test_level_headers_whose_number_a_scan_lost_are_told_by_their_place(tmp_path: Path) -> None:
    """OCR of a 150 dpi scan turned upside down read 一级指标 as -级指标 and 二级指标 as 级指标 (seed-17
    0118_calc_scan): the row is still the block's header, and the two columns are the levels in order."""
    (form,) = _forms(tmp_path, [
        "-级指标\t级指标\t三级指标\t指标性质\t指标值\t计量单位",
        "产出指标\t数量指标(必填量化)\t指标1:党组织个数\t=\t11\t个",
        "效益指标\t社会效益指标(必填)\t指标1:发挥余热\t定性\t明显\t",
    ])
    assert [(i.level1, i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("产出指标", "数量指标", "党组织个数", "11个"), ("效益指标", "社会效益指标", "发挥余热", "明显"),
    ]
    assert not [c for c in form.checks if c.code.value == "unknown_indicator_column"]


def test_a_level_header_left_unread_when_its_place_does_not_say(tmp_path: Path) -> None:
    """Two unreadable level headers where one level is missing: which is which is not guessed."""
    (form,) = _forms(tmp_path, [
        "一级指标\t级指标\t-级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t\t培训人数\t100人",
    ])
    unknown = [c.message for c in form.checks if c.code.value == "unknown_indicator_column"]
    assert len(unknown) == 2 and "“级指标”" in unknown[0] and "“-级指标”" in unknown[1], unknown


def test_an_unknown_indicator_column_is_a_check(tmp_path: Path) -> None:
    (form,) = _forms(tmp_path, [
        "一级指标\t二级指标\t三级指标\t指标值\t考核方式",
        "产出指标\t数量指标\t培训人数\t100人\t",
        "效益指标\t社会效益指标\t就业率\t≥95%\t",
        "满意度指标\t服务对象满意度指标\t满意度\t≥90%\t",
    ])
    (check,) = [c for c in form.checks if c.code.value == "unknown_indicator_column"]
    assert "考核方式" in check.message and check.severity.value == "warning"


def test_joined_value_keeps_what_is_printed() -> None:
    assert joined_value("≥", "95", "%") == "≥95%"
    assert joined_value("=", "1", "个") == "1个"  # a bare target means =: printed in one cell it is 1个
    assert joined_value("≥", "≥95%", "%") == "≥95%"  # sign and unit already in the value
    assert joined_value("定性", "有效提升", "") == "有效提升"
    assert joined_value("=", "合规", "无") == "合规"
    assert joined_value("≤", "", "%") == ""


def test_header_words_are_matched_once_and_long_cells_are_not_kept() -> None:
    """Every form's header row asks the role of the same few words: they are cached, a long cell is not."""
    before = _role_of_cached.cache_info()
    assert role_of("计量单位") is Role.unit and role_of("计量单位") is Role.unit
    assert _role_of_cached.cache_info().hits > before.hits
    long_cell = "指标值" * 20
    size = _role_of_cached.cache_info().currsize
    assert role_of(long_cell) is Role.value
    assert _role_of_cached.cache_info().currsize == size
