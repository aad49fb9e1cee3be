"""Rows of scans broken by a page break, read from pieces of the bed's pages and put back together."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from jixiao.extract.broken_rows import join_broken_rows
from jixiao.extract.forms import Row
from jixiao.extract.scan import read_page

PIECES = Path(__file__).parent / "fixtures" / "scan_pieces"


def _gray(name: str) -> np.ndarray:
    return cv2.imread(str(PIECES / name), cv2.IMREAD_GRAYSCALE)


def test_a_page_holding_only_the_rest_of_a_row_is_turned_and_the_rest_goes_back():
    """Seed-23 0012_chromium_scan, scanned upside down: page 2 holds only `(必填量化)`, the rest of page 1's
    last label (服务对象满意度指标), in a narrow column (`化)` over `(必填量`), and the page number. No line
    was three characters long, so none was read to tell which way up the page was: it stayed upside down
    and read `-)`, an invented indicator. Its longest lines tell; the note then goes back to the label."""
    before = read_page(_gray("last_row_upside_down_300dpi.jpg"), 300, 1)[0]
    after = read_page(_gray("rest_of_a_row_upside_down_300dpi.jpg"), 300, 2)[0]
    assert [row.cells for row in after] == [["", "", "(必填量化)", "", ""]]
    rows = join_broken_rows(before + after)
    assert rows[1].cells == ["满意度指标", "服务对象满意度指标(必填量化)", "指标1:村(居)民满意度", "≥90%"]
    assert not any(any(row.cells) for row in rows[3:])


def test_a_page_too_bare_to_tell_its_turn_is_turned_as_the_page_before():
    """Seed-27 0105_chromium_scan, fed sideways: page 2 holds only 度指标, the rest of the label 满意度指标
    written one character a line, and the page number. Sideways, the label is a short line across the page
    and the page number one down it: the page was turned the wrong way and read `2`, an invented indicator.
    Too bare to tell, it is turned as page 1 was, and 度指标 goes back to 满意."""
    before, frame = read_page(_gray("last_rows_sideways_150dpi.jpg"), 150, 1)
    after, turned = read_page(_gray("rest_of_a_label_sideways_150dpi.jpg"), 150, 2, frame.turns)
    assert (frame.turns, turned.turns) == (3, 3)
    assert [row.cells for row in after] == [["", "度指标", "", "", ""], ["- 2 -"]]
    rows = join_broken_rows(before + after)
    assert rows[1].cells == ["满意度指标", "服务对象满意度指标(必填)", "老年大学办学活动经费", "1"]
    assert [row.cells for row in rows[2:] if any(row.cells)] == [["- 1 -"], ["- 2 -"]]


def test_a_page_number_misread_under_the_table_is_still_the_page_number():
    """Seed-9 0094_calc_scan, page 2: the page number `- 2 -` under the table read `0-2-`, a speck before it
    read as a digit: a row of its own after the form's last row, an invented indicator. The page's last line
    under its tables is read as a page number where it can be."""
    rows = read_page(_gray("page_number_misread_200dpi.jpg"), 200, 2)[0]
    assert [row.cells for row in rows[-2:]] == [
        ["", "满意度指标", "服务对象满意度指标(必填)", "指标1:电子政务外网使用者满意度", "", "≥95%"], ["- 2 -"],
    ]


def test_a_row_cut_by_the_page_goes_on_over_the_page_number():
    """Seed-19 0119_writer_scan: 文化科技卫生三下乡活动经费及 ends page 1, 第1页,共3页 under it, and
    全民阅读工作经费(万元) opens page 2 in the same column, its value above the break. A text ending in
    及 goes on: the two are one row, the page number left after it."""
    before = read_page(_gray("row_cut_above_the_page_number_150dpi.jpg"), 150, 1)[0]
    after = read_page(_gray("rest_of_the_row_cut_150dpi.jpg"), 150, 2)[0]
    rows = join_broken_rows(before + after)
    assert [row.cells for row in rows[2:4]] == [
        ["", "", "", "文化科技卫生三下乡活动经费及全民阅读工作经费(万元)", "", "7", ""], ["第1页,共3页"],
    ]
    assert rows[4].cells[3] == "新闻出版、行政审批及扫黄打非工作经费(万元)"


def test_a_whole_label_opening_a_page_under_the_page_number_is_a_row_of_its_own():
    """其他资金 opening page 2 after 其中:财政拨款, the page number between them (seed-3 0120_chromium_scan):
    it lands in the columns of the row above as a rest would, but 其中:财政拨款 ends no text that goes on."""
    xs = [(40.0, 120.0), (120.0, 300.0), (300.0, 555.0)]

    def row(cells: list[str], page: int) -> Row:
        return Row(cells=cells, page=page, bboxes=[box if cell else None for cell, (box) in
                                                   zip(cells, [(a, 700.0, b, 720.0) for a, b in xs], strict=True)],
                   confidences=[0.99 if cell else None for cell in cells])

    above = row(["", "其中:财政拨款", "25"], 1)
    foot = Row(cells=["- 1 -"], page=1, bboxes=[(290.0, 800.0, 306.0, 806.0)], confidences=[0.9])
    other = row(["", "其他资金", ""], 2)
    assert [r.cells for r in join_broken_rows([above, foot, other])] == [above.cells, foot.cells, other.cells]
    cut = row(["", "其中:财政拨款及", "25"], 1)
    assert [r.cells for r in join_broken_rows([cut, foot, other])] == [["", "其中:财政拨款及其他资金", "25"], ["- 1 -"]]


def test_the_rest_of_a_value_cut_by_the_page_goes_on_over_the_page_number_beside_a_labels_tail():
    """Seed-29 0081_chromium_scan: the value 提高…变“死档案” ends page 1, 第1页,共2页 under it, and page 2
    opens with the rest, 为“活信息”…, beside 指标, the tail of the label 效益 written one character a
    line. The row with both was taken for an indicator of its own (no name, the value's rest). The tail
    goes back to its label first; what is left fills the last column alone, the value, and goes on it."""
    value = "提高干部人事档案的管理和利用率,实现“永久保存”,变“死档案”"
    rest = "为“活信息”,充分发挥干部人事档案的使用价值,确保档案安全"
    xs = [(39.6, 108.72), (108.72, 204.84), (204.84, 344.16), (344.16, 641.88), (641.88, 801.72)]
    above = Row(cells=["", "效益", "社会效益指标(必填)", "全面实现干部人事档案信息化管理", value], page=1,
                bboxes=[None, *((a, 508.32, b, 550.08) for a, b in xs[1:])], confidences=[None, 0.99, 0.99, 0.99, 0.99])
    foot = Row(cells=["第1页,共2页"], page=1, bboxes=[(388.8, 569.52, 453.6, 578.52)], confidences=[0.99])
    top = Row(cells=["", "指标", "", "", rest], page=2,
              bboxes=[(39.6, 45.72, 108.72, 214.2), (108.72, 45.72, 204.48, 137.88), (204.48, 45.72, 343.44, 75.6),
                      (343.44, 45.72, 641.88, 75.6), (641.88, 45.72, 801.72, 75.6)],
              confidences=[None, 0.99, None, None, 0.99])
    rows = join_broken_rows([above, foot, top])
    assert [row.cells for row in rows] == [
        ["", "效益指标", "社会效益指标(必填)", "全面实现干部人事档案信息化管理", value + rest], ["第1页,共2页"],
    ]
