"""Indicator labels in scans: written one character a line, drawn under the table, read with one character wrong."""
from __future__ import annotations

from itertools import combinations
from pathlib import Path

import cv2
import numpy as np
import pytest

from jixiao.extract import grid, ocr
from jixiao.extract.clean import tidy
from jixiao.extract.lines import crop_lines, text_bands, without_specks
from jixiao.extract.scan import read_page
from jixiao.normalize.vocab import LEVEL1, LEVEL2_ALIASES, LEVEL2_PARENT, match_header, match_label


@pytest.mark.parametrize(("read", "label"), [
    ("经齐效益指标", "经济效益指标"),  # 济 misread, seed-11 0001_calc_scan
    ("经齐效益指标(必填量化)", "经济效益指标"),
    ("社会效孟指标", "社会效益指标"),
    ("可持续影啊指标", "可持续影响指标"),
    ("生态环境成本指际", "生态环境成本指标"),
    ("环境效益指际", "生态效益指标"),  # a province's variant, misread, is still its canonical label
])
def test_a_long_level2_label_with_one_character_misread_is_still_the_label(read, label):
    found = match_label(read)
    assert found is not None and (found.level, found.canonical) == (2, label)


@pytest.mark.parametrize(("read", "field"), [
    ("年度总体自标", "goals"),  # 目 read 自, seed-29 0039_chromium_scan: its goals went to 其他资金
    ("年度资金总颔", "total"),
    ("计划开始日朝", "period_start"),
    ("项目名称", "project_name"),
    ("项目各称", None),  # one character in four is too many: 75
    ("年度资金", None),
])
def test_a_header_label_of_six_characters_with_one_misread_is_still_the_label(read, field):
    assert match_header(read) == field


@pytest.mark.parametrize(("read", "label"), [
    ("满爱指标", "满意度指标"),  # 意 over 度, touching, read as one character (seed-3 0096_chromium_scan)
    ("满意度指标", "满意度指标"),
])
def test_a_level1_label_with_two_touching_characters_read_as_one_is_still_the_label(read, label):
    found = match_label(read)
    assert found is not None and (found.level, found.canonical) == (1, label)


@pytest.mark.parametrize("read", ["效指标", "社爱指标", "满爱指数"])
def test_a_four_character_label_short_of_one_character_or_two_off_is_no_label(read):
    """效指标 is what a page break leaves of 绩效指标 (a cut label, joined elsewhere), not 效益指标 misread."""
    assert match_label(read) is None


@pytest.mark.parametrize(("read", "raw"), [
    ("数量指标(必填硬性指标):", "必填硬性指标"),  # a colon after the note
    ("时效指标(必填)·", "必填"),  # a speck beside the bracket (seed-19 0120_chromium_scan, read `(必填):`)
    ("成本指标(·必填硬性指标)", "必填硬性指标"),  # a speck inside the bracket (seed-25 0033_chromium_scan)
    ("质量指标(必填)", "必填"),
])
def test_a_label_with_its_note_and_a_colon_or_speck_after_is_still_the_label(read, raw):
    found = match_label(read)
    assert found is not None and found.level == 2 and found.requirement.raw == raw


@pytest.mark.parametrize("read", [
    "社济效益指标",  # one character from 社会效益指标 and from 经济效益指标: neither
    "经济效益指数X",  # longer than any label so near
    "数量指际",  # four characters: 数量指标 and 质量指标 differ in one, so a four-character label gets no such leeway
    "招录公务员人数",
])
def test_a_reading_near_two_labels_or_none_names_no_label(read):
    assert match_label(read) is None


def test_long_level2_labels_differ_in_two_characters_at_least():
    """What lets one misread character name a label: no two labels of six or more are one character apart."""
    names = [name for name in (*LEVEL1, *LEVEL2_PARENT, *LEVEL2_ALIASES) if len(name) >= 6]
    for a, b in combinations(names, 2):
        if len(a) == len(b) and LEVEL2_ALIASES.get(a, a) != LEVEL2_ALIASES.get(b, b):
            assert sum(x != y for x, y in zip(a, b, strict=True)) >= 2, (a, b)


PIECES = Path(__file__).parent / "fixtures" / "scan_pieces"


def _gray(name: str) -> np.ndarray:
    return cv2.imread(str(PIECES / name), cv2.IMREAD_GRAYSCALE)


@pytest.mark.parametrize(("name", "label"), [
    ("stacked_label_touching_200dpi.png", "效益指标"),  # 效益 touching, 1.75 lines high, read 整 (0107_writer_scan)
    ("stacked_label_two_columns_200dpi.png", "满意度指标"),  # 满意度指 | 标, its characters touching: read 满麗指标
])
def test_a_label_written_one_character_a_line_is_cut_at_every_character(name, label):
    """A character is square: a band one character wide is cut into lines as high as it is wide, not as
    high as the page's line (31.5 px on the page these cells come from), which counts its leading too."""
    cell = _gray(name)
    ink = without_specks(grid.binarize(cell))
    box = (0, 0, cell.shape[1], cell.shape[0])
    lines = crop_lines(cell, ink, box, text_bands(ink, box), 31.5, split=True)
    assert len(lines) == len(label)
    assert ocr.recognise([ocr.Text([line.image for line in lines])])[0][0] == label


def test_a_label_wrapped_in_rows_of_a_wide_spaced_face_is_read_in_rows():
    """项目名 over 称 (seed-19 0120_chromium_scan, a serif face at 150 dpi, 21 px lines on its page): its
    characters stand apart by more than a fifth of a line, so its ink parts into three columns, the middle
    one two characters high (目 over 称), as a label written down columns does; its rows stand further
    apart than its characters, and it is read in rows, not as columns (名目称项: no form was found).
    Its ink is taken at its page's threshold (Otsu's on the whole page: 169): the cell's own, higher,
    makes its strokes bolder and its characters touch."""
    cell = _gray("wrapped_label_spaced_serif_150dpi.png")
    ink = without_specks(cv2.threshold(cell, 169, 255, cv2.THRESH_BINARY_INV)[1])
    box = (0, 0, cell.shape[1], cell.shape[0])
    lines = crop_lines(cell, ink, box, text_bands(ink, box), 21.0, split=True)
    assert len(lines) == 2
    assert tidy(ocr.recognise([ocr.Text([line.image for line in lines])])[0][0]) == "项目名称"


def test_labels_centred_wholly_under_the_table_are_their_empty_cells_own():
    """绩效指标 and 产出指标, one character a line, centred over rows that go on over the page, drawn
    wholly under the table (seed-13 0141_chromium_scan): each read as a line of its own (`0`), they became
    invented indicators; they are the text of the empty cells above them."""
    rows = read_page(_gray("labels_wholly_under_the_table_150dpi.jpg"), 150, 1)[0]
    assert [row.cells[:3] for row in rows] == [
        ["绩效指标", "一级指标", "二级指标"], ["", "产出指标", "数量指标"], ["", "", ""],
    ]


def test_a_label_wrapped_in_rows_wholly_under_the_table_is_its_empty_cells_own():
    """成本指标(必 over 填硬性指标), a narrow label column's label wrapped in two rows, centred over rows that
    go on over the page, drawn wholly under the table (seed-23 0111_chromium_scan, page 2): each row read
    as a line of its own, they became two invented indicators (`成本指标(必`, `填硬性指标)`) and the rows
    on the next page were filed under 时效指标; the label is the text of the empty cell above them."""
    rows = read_page(_gray("label_wrapped_under_the_table_200dpi.jpg"), 200, 1)[0]
    assert [row.cells for row in rows] == [
        ["时效指标(必填)", "保障全年日常办公顺利开展,乡镇、村(社区)妇联开展基层妇女工作", "持续至2024年底"],
        ["成本指标(必填硬性指标)", "18岁以下儿童工作保障经费", "1.5万元"],
        ["", "“和谐家庭”建设经费", "1.5万元"],
    ]


def test_labels_side_by_side_under_the_table_are_each_their_own_cells():
    """绩效指标, one character a line under the first column, and 成本指标(必填量 over 化) under the third,
    both centred over rows that go on over the page and drawn wholly under the table (seed-29
    0015_chromium_scan, page 1): they overlap in rows, and a band across the page made them one line, read
    `/`, an invented indicator; both labels were lost. Each is the text of its empty cell."""
    rows = read_page(_gray("labels_side_by_side_under_the_table_200dpi.jpg"), 200, 1)[0]
    assert [row.cells[:3] for row in rows] == [
        ["绩效指标", "一级指标", "二级指标"], ["", "产出指标", "数量指标(必填量化)"], ["", "", ""], ["", "", ""],
        ["", "", ""], ["", "", "质量指标(必填量化)"], ["", "", "时效指标(必填量化)"], ["", "", "成本指标(必填量化)"],
        ["", "", ""],
    ]
    assert rows[-2].cells[3:] == ["指标1:被评定为一星级的,党组织书记按每月100元的标准发放", "1200/人/年"]


def test_a_label_wrapped_into_two_columns_is_one_cell():
    """满意度指标 written one character a line in a low cell, wrapped into two columns (标 | 满意度指), on a
    skewed 300 dpi scan (seed-29 0110_writer_scan, page 3): the left strokes of 满, 意, 度 and 指, one over
    another as high as the cell, were taken for a column line, and the halves read `清标` and `旨`."""
    rows = read_page(_gray("stacked_label_two_columns_skewed_300dpi.jpg"), 300, 1)[0]
    assert rows[-1].cells == [
        "满意度指标", "服务对象满意度指标(必填量化)", "指标1:观看电视教育片人员满意度", "≥", "85", "%",
    ]
    assert rows[-3].cells[:2] == ["效益指标", "社会效益指标(必填)"]


def test_a_wrapped_label_drawn_across_the_tables_foot_keeps_its_last_row():
    """质量指标(必填), wrapped in two rows, centred over rows that go on over the page (seed-19
    0081_chromium_scan, page 1): 质量指标 is drawn across the table's foot, `(必填)` under it, a line of
    its own that the form then lost (its indicators had no 必填). Both rows are the cell's text."""
    rows = read_page(_gray("label_across_the_foot_wrapped_300dpi.jpg"), 300, 1)[0]
    assert rows[-1].cells == ["质量指标(必填)", "指标1:会议出错率", "0%"]
    assert not any(row.cells == ["(必填)"] for row in rows)


def test_the_strokes_of_a_stacked_label_in_line_are_no_ruling():
    """效益指标 one character a line in a small face at 150 dpi (seed-21 0027_chromium_scan, page 2): the
    left strokes of 指 and 标, touching, line up taller than a quarter inch and were taken out of the text
    as a column rule; what was left read 效益示. A rule meets a row line at its top or foot; they do not."""
    rows = read_page(_gray("stacked_label_strokes_in_line_150dpi.jpg"), 150, 1)[0]
    assert rows[1].cells == ["效益指标", "经济效益指标(必填量化)", "指标1:实现自治区、市、县三级联网查档", "有效提升"]


def test_the_sides_of_merged_cells_going_on_over_the_page_are_rulings():
    """Page 3 of seed-1 0198_chromium_scan (landscape, upside down, 150 dpi) holds one row of a block whose
    绩效指标 and 效益指标 cells go on from page 2 to page 4: their sides are short rules that meet no row line.
    They are rules all the same (no stroke crosses them), not text: left in the text they read `|06`, and
    the 效益指标 drawn under the table was lost with them."""
    rows = read_page(_gray("merged_cells_going_on_over_the_page_150dpi.jpg"), 150, 1)[0]
    assert [row.cells for row in rows] == [
        ["社会效益指标(必填)", "指标1:凝聚发展合力、使社会治理更加稳定", "有效推进"], ["效益指标"],
    ]


def test_a_slash_is_no_one():
    """The value `/` of an indicator with no target (seed-21 0099_chromium_scan, page 1, scanned upside
    down at 150 dpi): the recognizer reads the lone stroke as `1` (a target of one) or, packed between
    longer texts, as nothing; it leans right as it rises, as `1` never does."""
    rows = read_page(_gray("slash_read_as_one_150dpi.jpg"), 150, 1)[0]
    assert [row.cells[4] for row in rows[1:]] == ["有所提升", "/", "长期"]


def test_a_label_drawn_a_little_past_the_table_foot_is_its_cells_own():
    """数量指标(必填硬性指标), a merged label Calc cut at the page break, drawn whole at the foot of the page's
    part a few pixels past the other columns' last rule, its own cell having none (seed-13 0100_calc_scan):
    cropped at that rule it was a sliver, dropped, and the form's first indicator lost its labels."""
    rows = read_page(_gray("label_past_the_foot_200dpi.jpg"), 200, 1)[0]
    assert [row.cells[0] for row in rows[1:]] == ["二级指标", "数量指标(必填硬性指标)"]
    assert rows[2].cells[2] == "5个"
