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
