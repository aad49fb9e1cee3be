"""Layout text (pdftotext -layout) of the layout bed's Calc and Chromium PDFs: the block's columns
found where short cells stand off their header word, stacked labels kept apart, and a block whose
columns cannot be found said to be so.

The fixtures copy the placement pdftotext gave the bed's PDFs (a one-character
指标性质 several columns left of its header word; level-1 labels printed one
character a line, 效益指标 right above 满意度指标), cut down to a few rows.
"""
from __future__ import annotations

from pathlib import Path

from conftest import converted_form, unaligned
from jixiao.pipeline import process_file
from jixiao.schemas.form import CheckCode, Form

HEAD = """                 项目支出绩效目标表
                   （2024年度）
   项目名称      测试项目
   年度资金总额   10
"""


def _form(tmp_path: Path, block: str) -> Form:
    return converted_form(tmp_path, HEAD + block, "form.layout.txt", "layout")


def test_a_one_character_cell_left_of_its_header_word_stays_in_its_column(tmp_path: Path) -> None:
    """`=` stands four columns left of 指标性质 (its header word, centred over a wide column): the border
    before that column goes before the `=`, not at the header word, so `=` is no indicator name."""
    block = """      一级指标      二级指标          三级指标              指标性质      指标值      计量单位
           数量指标（必填）   培训人数             =           10          人
   产出指标
           质量指标（必填）   合格率               =           100         %
"""
    form = _form(tmp_path, block)
    assert not unaligned(form)
    assert [(i.level1, i.level2, i.name, i.value.op, i.value.number, i.value.unit) for i in form.indicators] == [
        ("产出指标", "数量指标", "培训人数", "=", 10, "人"), ("产出指标", "质量指标", "合格率", "=", 100, "%"),
    ]


def test_labels_stacked_a_character_a_line_end_at_their_last_character(tmp_path: Path) -> None:
    """效/益/指/标 then 满/意/度/指/标 one line below: two level-1 labels, the first ending at 指标."""
    block = """        一级指标       二级指标           三级指标              指标值
          效
          益      社会效益指标      就业率                ≥95%
          指
          标
                  可持续影响指标    影响年限              ≥3年
          满
          意
          度      服务对象满意度指标   满意度             ≥90%
          指
          标
"""
    form = _form(tmp_path, block)
    assert not unaligned(form)
    assert [(i.level1, i.level2, i.name) for i in form.indicators] == [
        ("效益指标", "社会效益指标", "就业率"), ("效益指标", "可持续影响指标", "影响年限"),
        ("满意度指标", "服务对象满意度指标", "满意度"),
    ]


def test_an_operator_in_the_name_column_says_the_block_is_not_lined_up(tmp_path: Path) -> None:
    """A name printed into the next column (pdftotext ran 定性 into it) leaves no empty offset before
    指标性质: its border falls at the header word, right of the `=` under it, which would become an
    indicator of its own."""
    block = """     二级指标          三级指标                  指标性质      指标值
     数量指标          培训人数               =          10人
     社会效益指标      指标1：一个很长的名字一直写到了指标性质列 定性   明显
"""
    form = _form(tmp_path, block)
    assert unaligned(form)
    (check,) = [c for c in form.checks if c.code == CheckCode.rows_not_aligned]
    assert "指标性质" in check.message


def test_a_block_with_no_header_row_says_it_is_not_lined_up(tmp_path: Path) -> None:
    """Writer's narrow header cells wrapped (二级指 | 标): no line names two columns, the form is found
    by its category labels alone, and nothing tells which column a cell stands in."""
    block = """        一     二级指          三级指标              指标值
        级      标
        产出指标     数量指标        培训人数              ≥100人
        效益指标     社会效益指标    就业率                ≥95%
"""
    form = _form(tmp_path, block)
    assert unaligned(form)


def test_the_next_forms_attachment_mark_ends_the_block(tmp_path: Path) -> None:
    """附件2 stands between a block's last row and the next form's title: it is the next form's, not
    a piece of the 绩效指标 label to the left of the block."""
    block = """        一级指标     二级指标        三级指标              指标值
        产出指标     数量指标        培训人数              ≥100人

附件2

                 项目支出绩效目标表
                   （2024年度）
   项目名称      第二个项目
   年度资金总额   20
        一级指标     二级指标        三级指标              指标值
        效益指标     社会效益指标    就业率                ≥95%
"""
    path = tmp_path / "two.layout.txt"
    path.write_text(HEAD + block, encoding="utf-8")
    first, second = process_file(path).forms
    assert (first.project_name, first.attachment, second.project_name, second.attachment) == (
        "测试项目", None, "第二个项目", "附件2")
    assert not unaligned(first) and not unaligned(second)


#: the indicator block of the seed-29 bed's 0037_calc as `pdftotext -layout` printed it (its page footer left out)
_RUN_ON_BLOCK = """
                  一级指标               二级指标                               三级指标                           指标值
                                  数量指标（必填量化）      指标1：沙坡头区离退休干部党组织个数                       11个
             产                    质量指标（必填量化）      指标1：保障工作有序开展                             有效保障
             出
                                  时效指标（必填量化）      指标1：发放完成时间                               2023年底
             指
             标                                    指标1：书记(副书记)按300元/月补贴标准发放                 3600/人/每年
                                  成本指标（必填量化）
                                                  指标2：委员按200元/月补贴标准发放                      2400/人/每年
绩                                经济效益指标（必填量化）     指标1：促进沙坡头区高质量发展                          明显
效            效                                    指标1：鼓励更多“五老”同志发挥余热,为社会再做贡献,让更多人关注离退休工作和老年
指            益                    社会效益指标（必填）                                                明显
                                                  人业余生活。
标            指
             标                    生态效益指标（必填）      指标1：提高离退休人员生活幸福指数                        /
                                 可持续影响指标（必填）      指标1：增强沙坡头区离退休干部党组织凝聚力、战斗力                明显

             满
             意
             度                  服务对象满意度指标（必填量化）   指标1：沙坡头区离退休干部党支部书记工作补贴对象满意度              ≥90%
             指
             标
"""  # noqa: E501 - the lines as pdftotext printed them


def test_a_long_chinese_name_running_past_where_the_values_start_does_not_move_the_value_border(
        tmp_path: Path) -> None:
    """pdftotext counts a CJK character as one column: the 社会效益指标 name runs on to offset 91, where
    every value of the column starts, and the header word 指标值 stands at 103. No offset between is
    empty, so the border fell at the header word and every value became a name of its own, in silence.
    One unbroken line may now cross the border: the values start the column."""
    form = _form(tmp_path, _RUN_ON_BLOCK.lstrip("\n"))
    assert not unaligned(form)
    assert [(i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("数量指标", "沙坡头区离退休干部党组织个数", "11个"), ("质量指标", "保障工作有序开展", "有效保障"),
        ("时效指标", "发放完成时间", "2023年底"), ("成本指标", "书记(副书记)按300元/月补贴标准发放", "3600/人/每年"),
        ("成本指标", "委员按200元/月补贴标准发放", "2400/人/每年"), ("经济效益指标", "促进沙坡头区高质量发展", "明显"),
        ("社会效益指标", "鼓励更多“五老”同志发挥余热,为社会再做贡献,让更多人关注离退休工作和老年人业余生活。", "明显"),
        ("生态效益指标", "提高离退休人员生活幸福指数", "/"),
        ("可持续影响指标", "增强沙坡头区离退休干部党组织凝聚力、战斗力", "明显"),
        ("服务对象满意度指标", "沙坡头区离退休干部党支部书记工作补贴对象满意度", "≥90%"),
    ]



def test_labels_one_space_from_their_values_are_cut_from_them(tmp_path: Path) -> None:
    """A narrow label column ends one space before its value (项目名称 督查…, 年度资金总额： 90):
    the label is cut off, so the value is read for it and not lost in a cell of its own."""
    text = """                 部门项目支出预算绩效目标申报表
                          （2023年度）
项目名称 督查及政务公开工作经费
主管部门及代码 中卫市沙坡头区人民政府办公室              实施单位   区政府办公室
项目属性 延续性项目                                 项目期    1年
       年度资金总额： 90
项目资金（万元）
       其中：财政拨款 90
       其他资金
年度总体目标 目标1：督查各项重点工作落实。
一级指标    二级指标          三级指标              指标值
        数量指标         督查次数              ≥10次
产出指标
        质量指标         督查覆盖率            100%
"""
    form = converted_form(tmp_path, text, "form.layout.txt", "layout")
    assert (form.project_name, form.department.name, form.implementing_unit.name) == (
        "督查及政务公开工作经费", "中卫市沙坡头区人民政府办公室", "区政府办公室")
    assert (form.attribute.raw, form.period.raw, form.funds.total_yuan, form.funds.fiscal_yuan) == (
        "延续性项目", "1年", 900000, 900000)
    assert form.goals == ["督查各项重点工作落实。"]  # the list number is no part of the goal
    assert [(i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("数量指标", "督查次数", "≥10次"), ("质量指标", "督查覆盖率", "100%")]


NARROW_BLOCK = """一级指标    二级指标          三级指标              指标值
        数量指标         督查次数              ≥10次
产出指标
        质量指标         督查覆盖率            100%
"""


def test_a_label_a_narrow_column_wrapped_over_lines_is_read_whole(tmp_path: Path) -> None:
    """项目名 | 称 (its value centred between its lines) and 主管部 | 门及代 | 码: each label is spelt
    by its lines together, so the form is found and its values read for them. Labels in a narrow
    column still leave the form said to be unreliable (the values beside them may be cut too)."""
    text = """                  部门项目支出预算绩效目标申报表
                          （2020年度）
项目名
       离退休老干部医疗保障经费
 称
主管部
门及代    中国共产党银川市西夏区委员会组织部          实施单位   组织部
 码
项目属
       02-新增延续性项目                     项目期   2020
 性
""" + NARROW_BLOCK
    form = converted_form(tmp_path, text, "form.layout.txt", "layout")
    assert (form.project_name, form.department.name, form.implementing_unit.name, form.attribute.raw) == (
        "离退休老干部医疗保障经费", "中国共产党银川市西夏区委员会组织部", "组织部", "02-新增延续性项目")
    assert unaligned(form)


def test_a_value_wrapped_in_a_narrow_column_says_the_header_is_not_lined_up(tmp_path: Path) -> None:
    """中国共产党平 | 罗县委员会办 | 公室本级 beside 实施单位: whether the three lines are one cell or
    values of three rows the spaces cannot say, so the form says so (it read 罗县委员会办 for the
    unit, in silence)."""
    text = """                 部门项目支出预算绩效目标表
                          （2024年度）
      项目名称    县委办提前人员住房公积金

                                                        中国共产党平
    主管部门及代码   中共平罗县委办公室                        实施单位     罗县委员会办
                                                        公室本级
      项目属性    0101—一年期项目                        项目期      2024年1-12月
""" + NARROW_BLOCK
    form = converted_form(tmp_path, text, "form.layout.txt", "layout")
    assert form.project_name == "县委办提前人员住房公积金"
    (check,) = [c for c in form.checks if c.code == CheckCode.rows_not_aligned]
    assert "窄列" in check.message


def test_a_value_two_lines_below_a_labelled_cell_is_its_own_rows(tmp_path: Path) -> None:
    """【103】…组织部 (beside 主管部门及代码), a line of another cell, then 02-新增延续性项目 beside
    项目属性: the second is 项目属性's value, not the rest of the department's name."""
    text = """                 部门项目支出预算绩效目标表
                          （2020年度）
          项目名称       老年大学办学活动经费
    主管部门及代码      【103】中国共产党银川市西夏区委员会组织部      实施单位   【103001】中国共产党银川市西夏区委员会
                                                    组织部本级
          项目属性       02-新增延续性项目                        项目期   2020-2020
""" + NARROW_BLOCK
    form = converted_form(tmp_path, text, "form.layout.txt", "layout")
    assert (form.department.raw, form.attribute.raw, form.period.raw) == (
        "【103】中国共产党银川市西夏区委员会组织部", "02-新增延续性项目", "2020-2020")
    assert form.implementing_unit.raw == "【103001】中国共产党银川市西夏区委员会组织部本级"


def test_header_words_one_space_apart_still_make_the_block_header(tmp_path: Path) -> None:
    """绩效指 一级指标 二级指标 (a narrow 绩效指标 column, its words a space apart): the header row is
    found, so the block is lined up by it instead of said to have none."""
    block = """绩效指 一级指标 二级指标        三级指标              指标值
 标   产出指标 数量指标        督查次数              ≥10次
          质量指标        督查覆盖率            100%
"""
    form = _form(tmp_path, block)
    assert "找不到指标表头行" not in " ".join(c.message for c in form.checks)
    assert [(i.level1, i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("产出指标", "数量指标", "督查次数", "≥10次"), ("产出指标", "质量指标", "督查覆盖率", "100%")]
