"""What a page break cuts in a PDF table, told by the words: the rules behind extract.page_breaks.

The layout renderings (test_layouts) show these mends on whole documents;
here each rule is held on the words that decide it, so a change that
loosens one (and joins two rows of their own) fails by name.
"""
from __future__ import annotations

import pytest

from jixiao.extract.cut_labels import goes_on, label_cut, list_goes_on
from jixiao.extract.page_breaks import _put_label
from jixiao.extract.repeated_headers import drop_repeated_headers
from jixiao.schemas.raw import Row


@pytest.mark.parametrize(("above", "below"), [
    ("满意度指", "标"),  # a level-one label cut mid-word
    ("服务对象满意度", "指标(必填量化)"),  # a level-two label cut before its last word
    ("绩", "效指标"),  # a header cell cut after its first character
])
def test_halves_that_make_a_label_are_a_cut(above, below):
    assert label_cut(above, below)


@pytest.mark.parametrize(("above", "below"), [
    ("群众在文明实践中参与率", "三级指标"),  # a header repeated under an indicator name
    ("时效指标(必填量化)", "成本指标(必填量化)"),  # two whole labels
    ("指标3:邮电费", "指标4:印刷费"),  # two indicators
    ("", "标"),
])
def test_whole_texts_are_no_cut(above, below):
    assert not label_cut(above, below)


@pytest.mark.parametrize(("text", "line", "joined"), [
    ("数量指标(必填硬", "性指标)", True),  # the bracket left open is closed
    ("成本指标", "(必填硬性", True),  # a whole label, then its note
    ("质量指标(必填)", "指标2:财务资料的完整性", False),
    ("100%", "100%", False),
])
def test_what_goes_on_a_label(text, line, joined):
    assert goes_on(text, line) is joined


@pytest.mark.parametrize(("text", "line", "joined"), [
    ("目标1:培训干部 目标2:完善制度", "目标3:加强宣传", True),  # the list's next item
    ("目标1:培训干部 目标2:完善制度", "目标2:完善制度", False),  # not the next
    ("目标1:培训干部", "目标3:加强宣传", False),  # an item skipped: a list of its own
    ("指标1:培训人数", "指标2:合格率", False),  # indicators are numbered one a row
    ("培训干部", "目标1:加强宣传", False),
])
def test_what_goes_on_a_goal_list(text, line, joined):
    assert list_goes_on(text, line) is joined


def test_a_label_line_completes_repeats_or_fills_its_cut_cell():
    cell = (40.0, 280.0, 98.0, 311.0)
    straddling = (40.0, 304.0, 98.0, 321.0)  # drawn across the table's bottom: its first part was read in the cell
    row = Row(cells=["绩效指"], page=1, bboxes=[cell])
    _put_label((row, 0), "指标", straddling, 1)
    assert row.cells == ["绩效指标"] and row.mends
    below = (40.0, 320.0, 98.0, 330.0)
    row = Row(cells=["社会效益指标(必填)"], page=1, bboxes=[cell])
    _put_label((row, 0), "社会效益指标(必填)填)", below, 1)  # drawn once more, clipped: the cell keeps its label
    assert row.cells == ["社会效益指标(必填)"] and not row.mends
    row = Row(cells=["产"], page=1, bboxes=[cell])
    _put_label((row, 0), "出指标", below, 1)
    assert row.cells == ["产出指标"]


def test_a_repeated_header_is_known_by_its_header_words():
    """LibreOffice draws a cut label into the repeated header: 一级指标产 is still 一级指标."""
    header = ["一级指标", "二级指标", "三级指标", "指标值"]
    rows = [
        Row(cells=header, page=1),
        Row(cells=["产出指标", "质量指标(必填)", "指标1:培训合格率", "90%"], page=1),
        Row(cells=["一级指标产", "质量指标(必填)二级指标", "三级指标", "指标值"], page=2),
        Row(cells=["出指标", "", "指标2:按时出版", "700册"], page=2),
    ]
    kept = drop_repeated_headers(rows)
    assert [r.cells[0] for r in kept] == ["一级指标", "产出指标", "出指标"]
    assert kept[1].mends == ["第2页: 续表重复的表头已略过"]
