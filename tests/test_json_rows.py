"""JSON rows (pdfplumber's `extract_tables`) across page breaks: labels carried when the rows say
whose they are, the check `rows_not_aligned` when a page break may have taken a label's text.

Each page is a list of tables, as `bench/layouts/converted.py` saves them. A
level-2 label cell cut by the page break is a cell pdfplumber does not find
on the page before it (no rule at the foot), so its text is gone; the
fixtures below are the three ways the bed's PDFs came out.
"""
from __future__ import annotations

import json
from pathlib import Path

from jixiao.pipeline import process_file
from jixiao.schemas.form import CheckCode, Form

HEAD = [["项目名称", "测试项目", None, None], ["项目资金（万元）", "年度资金总额：", "10", None],
        ["一级指标", "二级指标", "三级指标", "指标值"]]


def _form(tmp_path: Path, pages: list[list[list[object]]]) -> Form:
    path = tmp_path / "pages.json"
    path.write_text(json.dumps([[page] for page in pages], ensure_ascii=False), encoding="utf-8")
    (form,) = process_file(path).forms
    return form


def _flagged(form: Form) -> bool:
    return any(c.code == CheckCode.rows_not_aligned for c in form.checks)


def test_a_count_starting_over_under_no_label_flags_the_form(tmp_path: Path) -> None:
    """Calc's 质量指标 cell ran over the break: on the first page its rows (指标1, then 指标2 on the
    next) show no label, as if under 数量指标, whose count (指标1, 指标2) they start over."""
    first = [*HEAD, ["产出指标", "数量指标", "指标1：培训人数", "≥100人"],
             [None, None, "指标2：培训场次", "≥4场"], [None, None, "指标1：合格率", "100%"]]
    second = [[None, None, "指标2：结业率", "≥95%"], [None, "时效指标", "指标1：按时完成", "2024年底前"]]
    form = _form(tmp_path, [first, second])
    assert _flagged(form)


def test_rows_with_no_numbers_under_no_label_at_a_break_flag_the_form(tmp_path: Path) -> None:
    """Nothing tells whether the rows either side of the break are 数量指标's or a lost label's."""
    first = [*HEAD, ["产出指标", "数量指标", "培训人数", "≥100人"], [None, None, "合格率", "100%"]]
    second = [["", "", "结业率", "≥95%"], [None, "时效指标", "按时完成", "2024年底前"]]
    assert _flagged(_form(tmp_path, [first, second]))


def test_a_label_read_at_the_foot_carries_over_the_break(tmp_path: Path) -> None:
    """Writer closes the cut cell at the page's foot: 质量指标 is read on the first page's last row,
    and the next page's empty cell (its lower half) goes on with it."""
    first = [*HEAD, ["产出指标", "数量指标", "培训人数", "≥100人"], [None, "质量指标", "合格率", "100%"]]
    second = [["", "", "结业率", "≥95%"], [None, "时效指标", "按时完成", "2024年底前"]]
    form = _form(tmp_path, [first, second])
    assert not _flagged(form)
    assert [(i.level2, i.name) for i in form.indicators] == [
        ("数量指标", "培训人数"), ("质量指标", "合格率"), ("质量指标", "结业率"), ("时效指标", "按时完成"),
    ]


def test_a_count_going_on_over_the_break_keeps_its_label(tmp_path: Path) -> None:
    """指标1, 指标2 | 指标3: one label's rows, whatever the cell did at the foot."""
    first = [*HEAD, ["产出指标", "数量指标", "指标1：培训人数", "≥100人"], [None, None, "指标2：培训场次", "≥4场"]]
    second = [["", "", "指标3：结业人数", "≥95人"], [None, "时效指标", "指标1：按时完成", "2024年底前"]]
    form = _form(tmp_path, [first, second])
    assert not _flagged(form)
    assert [(i.level2, i.seq) for i in form.indicators] == [
        ("数量指标", 1), ("数量指标", 2), ("数量指标", 3), ("时效指标", 1),
    ]


def test_a_count_starting_over_at_one_flags_the_form(tmp_path: Path) -> None:
    """时效指标's 指标1, then 成本指标's 指标1, 指标2 | 指标3 under no label: the numbers never go down,
    but the second 指标1 starts another label's count (the seed-13 bed's Chromium forms)."""
    first = [*HEAD, ["产出指标", "时效指标", "指标1：按时完成", "2024年底前"],
             [None, None, "指标1：培训经费", "10万元"], [None, None, "指标2：场地经费", "5万元"]]
    second = [["", "", "指标3：教材经费", "2万元"], ["效益指标", "社会效益指标", "指标1：就业率", "≥95%"]]
    assert _flagged(_form(tmp_path, [first, second]))


def test_the_rest_of_a_row_cut_by_the_page_break_is_put_back(tmp_path: Path) -> None:
    """Writer cut a wrapped name at the page's foot: its end stands alone on the next page, with empty
    label and value cells (seed-5 0029_writer); it is the row above's, not an indicator of its own."""
    first = [*HEAD, ["产出指标", "数量指标", "计划选拔培养12名经营管理人才、18名技术带", "≥54名"]]
    second = [["", "", "头人、24名青年后备骨干人才", ""], [None, "质量指标", "合格率", "100%"]]
    form = _form(tmp_path, [first, second])
    assert not _flagged(form)
    assert [(i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("数量指标", "计划选拔培养12名经营管理人才、18名技术带头人、24名青年后备骨干人才", "≥54名"),
        ("质量指标", "合格率", "100%"),
    ]


def test_the_next_forms_title_is_no_rest_of_a_row(tmp_path: Path) -> None:
    """A narrower table after the block, padded on the left, puts the next form's title in the name
    column: it opens a form, and the block's last row keeps its name."""
    first = [*HEAD, ["产出指标", "数量指标", "培训人数", "≥100人"]]
    second = [["项目支出绩效目标表", None], ["项目名称", "第二个项目"]]
    path = tmp_path / "two.json"
    path.write_text(json.dumps([[first], [second]], ensure_ascii=False), encoding="utf-8")
    form = process_file(path).forms[0]
    assert [(i.name, i.value_raw) for i in form.indicators] == [("培训人数", "≥100人")]


def test_a_page_with_no_table_after_a_block_flags_its_form(tmp_path: Path) -> None:
    """Chromium split the block's last row over the page break, and pdfplumber found no cell of it on
    either page: the page after the block has no table, and the row is gone (seed-13 0006_chromium)."""
    first = [*HEAD, ["产出指标", "数量指标", "培训人数", "≥100人"]]
    second = [["项目支出绩效目标表", None, None, None], ["项目名称", "第二个项目", None, None],
              ["一级指标", "二级指标", "三级指标", "指标值"], ["效益指标", "社会效益指标", "就业率", "≥95%"]]
    path = tmp_path / "gap.json"
    path.write_text(json.dumps([[first], [], [second]], ensure_ascii=False), encoding="utf-8")
    one, two = process_file(path).forms
    assert _flagged(one) and not _flagged(two)


def test_the_rest_of_a_label_cut_by_the_page_break_goes_back_to_it(tmp_path: Path) -> None:
    """Word cut a merged label at the foot (成本指标（必填硬性 | 指标）): its rest opens the next page in
    a row of its own, and is the label's, whose rows go on below it (seed-21 0050_writer)."""
    first = [*HEAD, ["产出指标", "时效指标\n（必填）", "保障全年日常办公顺利开展", "持续至2024年底"],
             [None, "成本指标\n（必填硬性", "18岁以下儿童工作保障经费", "1.5万元"],
             [None, None, "“和谐家庭”建设经费", "1.5万元"]]
    second = [["", "指标）", "妇儿工委经费", "3万元"], [None, None, "妇女工作保障经费", "7万元"],
              ["效益指标", "社会效益指标", "群众对妇联工作的认可度", "显著提高"]]
    form = _form(tmp_path, [first, second])
    assert not _flagged(form)
    assert [(i.level2, i.name, i.requirement.raw if i.requirement else None) for i in form.indicators] == [
        ("时效指标", "保障全年日常办公顺利开展", "必填"),
        ("成本指标", "18岁以下儿童工作保障经费", "必填硬性指标"),
        ("成本指标", "“和谐家庭”建设经费", "必填硬性指标"),
        ("成本指标", "妇儿工委经费", "必填硬性指标"),
        ("成本指标", "妇女工作保障经费", "必填硬性指标"),
        ("社会效益指标", "群众对妇联工作的认可度", None),
    ]


def test_a_row_cut_in_its_labels_alone_is_put_back(tmp_path: Path) -> None:
    """Chromium cut a row whose labels wrap further than its name and value: their rest (益指标, 标（必填量化）)
    opens the next page in a row of nothing else (seed-21 0050_writer, its third form)."""
    first = [*HEAD, ["产出指标", "数量指标", "指标1：补贴人数", "≥12人"],
             ["效", "经济效益指", "指标1：促进沙坡头区高质量发展", "明显"]]
    second = [["益\n指\n标", "标（必填量\n化）", "", ""],
              [None, "社会效益指\n标（必填）", "指标1：鼓励更多同志发挥余热", "明显"]]
    form = _form(tmp_path, [first, second])
    assert not _flagged(form)
    assert [(i.level1, i.level2, i.name) for i in form.indicators] == [
        ("产出指标", "数量指标", "补贴人数"),
        ("效益指标", "经济效益指标", "促进沙坡头区高质量发展"),
        ("效益指标", "社会效益指标", "鼓励更多同志发挥余热"),
    ]


def test_a_row_cut_through_its_label_and_its_name_is_put_back_whole(tmp_path: Path) -> None:
    """Word cut a row whose label and name both wrap: the label's rest (影响指标（必填）) and the name's
    (更顺,…) open the next page in one row with empty values (seed-29 0050_writer). Both go back:
    the name's rest was read as an indicator of its own."""
    first = [*HEAD, ["效益指标", "社会效益指标", "指标1：凝聚发展合力", "有效推进"],
             [None, "可持续", "指标1：推动辖区经济更优、民生更好、治理", "有效推进"]]
    second = [["", "影响指\n标（必\n填）", "更顺,让党的执政成果切实惠及基层群众。", ""],
              ["满意度指标", "服务对象满意度指标", "指标1：参与人员的满意度", "≥90%"]]
    form = _form(tmp_path, [first, second])
    assert not _flagged(form)
    assert [(i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("社会效益指标", "凝聚发展合力", "有效推进"),
        ("可持续影响指标", "推动辖区经济更优、民生更好、治理更顺,让党的执政成果切实惠及基层群众。", "有效推进"),
        ("服务对象满意度指标", "参与人员的满意度", "≥90%"),
    ]


def test_a_continued_table_without_its_empty_remark_column_starts_at_its_level_one_label(tmp_path: Path) -> None:
    """Chromium's 备注 column holds nothing on the form's second page and pdfplumber finds no column
    there: the page's table is one column narrower than the block's header. It opens with a level-1
    label, so it lost its right-hand column, not a left one (seed-31 0060_chromium: every row of the
    page was read one column to the right, names as values)."""
    head = [["项目名称", "测试项目", None, None, None], ["一级指标", "二级指标", "三级指标", "指标值", "备注"]]
    first = [*head, ["产出指标", "数量指标", "指标1：面试人数", "≥200人", None]]
    second = [["效\n益\n指\n标", "社会效益指标\n（必填）", "指标1：满足人才需求", "明显"],
              [None, "可持续影响指标", "指标1：营造良好的人才环境", "显著"]]
    form = _form(tmp_path, [first, second])
    assert [(i.level1, i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("产出指标", "数量指标", "面试人数", "≥200人"),
        ("效益指标", "社会效益指标", "满足人才需求", "明显"),
        ("效益指标", "可持续影响指标", "营造良好的人才环境", "显著"),
    ]


def test_unnumbered_rows_under_no_label_above_a_label_opening_the_page_flag_the_form(tmp_path: Path) -> None:
    """Calc centres a merged label in its range: 成本指标 over two rows cut by the page is printed below
    the break only, and its row above the break reads as 时效指标's (seed-31 0031_calc). With no numbers
    the rows cannot tell which label the row under none is: the form says so."""
    first = [*HEAD, ["产出指标", "时效指标（必填）", "保障全年日常办公顺利开展", "持续至2024年底"],
             [None, None, "18岁以下儿童工作保障经费", "1.5万元"]]
    second = [[None, "成本指标（必填硬性指标）", "“和谐家庭”建设经费", "1.5万元"],
              [None, None, "妇儿工委经费", "3万元"]]
    assert _flagged(_form(tmp_path, [first, second]))


def test_a_count_going_back_above_a_label_opening_the_page_flags_the_form(tmp_path: Path) -> None:
    """Chromium's 质量指标 cell had no rule at the foot, so its text is gone though the next page opens with
    a label of its own: 指标4 then 指标1 under no label above the break (seed-21 0018_chromium)."""
    first = [*HEAD, ["产出指标", "数量指标", "指标3：档案整理工作次数", "1次/年"],
             [None, None, "指标4：招商次数", "≥1次"],
             [None, None, "指标1：会议出错率", "0%"], [None, None, "指标2：文件起草与审核通过率", "100%"]]
    second = [[None, "时效指标（必填）", "指标1：文件起草与审核及时性", "100%"]]
    assert _flagged(_form(tmp_path, [first, second]))


def test_indicators_all_numbered_one_are_no_count_going_back(tmp_path: Path) -> None:
    """A form that numbers every indicator 指标1 says nothing by its numbers: the label above the break is
    the one carried (seed-21 0057_chromium)."""
    first = [*HEAD, ["产出指标", "时效指标", "指标1：生活补贴发放及时性", "100%"],
             [None, "成本指标", "指标1：补助标准", "1840元/人/月"], [None, None, "指标1：社会保险补贴覆盖率", "100%"]]
    second = [["效益指标", "社会效益指标（必填）", "指标1：保障基本生活需要", "明显"]]
    form = _form(tmp_path, [first, second])
    assert not _flagged(form)
    assert [i.level2 for i in form.indicators] == ["时效指标", "成本指标", "成本指标", "社会效益指标"]


def test_a_goal_list_cut_between_its_items_is_put_back(tmp_path: Path) -> None:
    """Word cut a 年度总体目标 cell between two numbered goals (seed-25 0083_writer): the next page's table
    opens with 目标5 alone under the goal's column, and the block's header below it. It is the goal
    cell's rest; a first row that does not go on the list above (指标2 after 指标1) stays a row."""
    first = [["项目名称", "测试项目", None, None], ["项目资金（万元）", "年度资金总额：", "10", None],
             ["年度总体目标", "目标1：培训干部\n目标2：完善制度", None, None]]
    second = [["", "目标3：加强宣传", None], ["二级指标", "三级指标", "指标值"], ["数量指标", "培训人数", "≥100人"]]
    form = _form(tmp_path, [first, second])
    assert form.goals == ["培训干部", "完善制度", "加强宣传"]
    assert [(i.level2, i.name, i.value_raw) for i in form.indicators] == [("数量指标", "培训人数", "≥100人")]


def test_a_name_alone_under_a_row_without_value_is_a_row_of_its_own(tmp_path: Path) -> None:
    """LibreOffice's 成本指标 cell cut by the page lost its text (seed-27 0064_calc), and its indicators have
    no values: the next page's first row, a name alone, is the third of them, not the rest of the second's
    name; and since no label says whose they are, the form says so."""
    first = [*HEAD, ["产出指标", "时效指标", "按年度投入率", "≥90%"], [None, None, "2018年专项资金", ""],
             [None, None, "2019年专项资金", ""]]
    second = [[None, None, "2020年专项资金", ""], ["效益指标", "社会效益指标", "社会影响力", "持续提升"]]
    form = _form(tmp_path, [first, second])
    assert _flagged(form)
    assert [(i.name, i.value_raw) for i in form.indicators] == [
        ("按年度投入率", "≥90%"), ("2018年专项资金", ""), ("2019年专项资金", ""), ("2020年专项资金", ""),
        ("社会影响力", "持续提升"),
    ]
