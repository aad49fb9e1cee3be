"""PDF renderings of the sample forms give the hand-verified records, engine by engine."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXPECTED, ROOT
from jixiao.diff import compare
from jixiao.extract import extract_file
from jixiao.extract.clean import join_wrapped
from jixiao.normalize import normalize_document
from jixiao.normalize.header import join_cut_labels
from jixiao.schemas.form import Form
from jixiao.writers import read

NATIVE = ROOT / "tests" / "fixtures" / "native"
PDFS = sorted(NATIVE.glob("*.pdf"))


def _expected(pdf: Path) -> list[Form]:
    """The hand-verified forms a fixture holds (its README: whole documents, or #0 and #4)."""
    forms = read(EXPECTED / f"{pdf.name[:20]}.jsonl")
    return [forms[0], forms[4]] if "two_on_a_page" in pdf.name else forms


def _records(pdf: Path, engine: str) -> list[Form]:
    return normalize_document(extract_file(pdf, engine))


def test_every_sample_form_has_a_pdf_rendering():
    covered = {(f.source.path, f.source.form_index) for pdf in PDFS for f in _expected(pdf)}
    assert len(covered) == 50


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.name)
def test_pdfplumber_engine_matches_expectations(pdf):
    forms = _records(pdf, "pdfplumber")
    expected = _expected(pdf)
    assert len(forms) == len(expected)
    assert all(f.source.format.value == "pdf" and f.source.extractor == "pdfplumber" for f in forms)
    for form, want in zip(forms, expected, strict=True):
        report = compare([form], [want], ignore_source=True)
        assert report.ok, [(d.field, d.actual, d.expected) for d in report.differences[:10]]


@pytest.mark.parametrize("pdf", PDFS[:2], ids=lambda p: p.name)
def test_camelot_engine_gives_the_same_records(pdf):
    plumber = _records(pdf, "pdfplumber")
    camelot = _records(pdf, "camelot")
    assert {f.source.extractor for f in camelot} == {"camelot"}
    assert compare(camelot, plumber, ignore_source=True).ok


def test_pages_and_boxes_point_back_to_the_source():
    forms = _records(NATIVE / "000_b8c562a2c440e30e.pdf", "auto")
    assert [(f.source.page_start, f.source.page_end) for f in forms] == [(1, 2), (2, 3), (3, 4), (4, 5)]
    first = forms[0]
    assert {i.page for i in first.indicators} == {1, 2}
    assert all(i.bbox and i.bbox[0] < i.bbox[2] and i.bbox[1] < i.bbox[3] for i in first.indicators)


def test_two_forms_on_one_page():
    forms = _records(NATIVE / "001_5de54c583fead5ac_two_on_a_page.pdf", "auto")
    assert len(forms) == 2 and forms[0].source.page_end == forms[1].source.page_start == 1


def test_wrapped_cell_lines_join_without_spaces_inside_cjk_and_numbers():
    assert join_wrapped("项目资\n金(万\n元)") == "项目资金(万元)"
    assert join_wrapped("2024.01--\r\n2024.12") == "2024.01--2024.12"
    assert join_wrapped("Word\nfile") == "Word file"


def test_a_row_cut_by_the_page_with_its_label_is_joined_by_the_label():
    """年度总体 | 目标1… at a page foot and 目标 | 目标2… at the next head: one goals row (landscape 003)."""
    rows = [["项目期", "1年"], ["年度总体", "目标1:保障妇女工作"], ["目标", "目标2:开展活动"], ["绩效指标", "一级指标"]]
    assert join_cut_labels(rows) == [
        ["项目期", "1年"], ["年度总体目标", "目标1:保障妇女工作目标2:开展活动"], ["绩效指标", "一级指标"]
    ]
    # Two whole labels, or a half that is no label with any neighbour, stay as printed.
    whole = [["项目名称", "甲"], ["实施单位", "乙"], ["备注", "丙"], ["说明", "丁"]]
    assert join_cut_labels(whole) == whole


def test_columns_whose_rules_chromium_draws_row_by_row_belong_to_the_table() -> None:
    """The page's 一级/二级指标 columns go on to the next page, so no border closes them; their side rules
    are drawn one row at a time. Joined, the rules run the piece's whole height, and the table found is
    the page's whole width, with cells there for the labels printed below it (tests/fixtures/pdf_pages)."""
    import pypdfium2 as pdfium

    from jixiao.extract.pdf_grid import grids_from_edges, page_edges

    document = pdfium.PdfDocument(ROOT / "tests" / "fixtures" / "pdf_pages" / "chromium_carried_merged_labels.pdf")
    try:
        (box, rows), = grids_from_edges(page_edges(document[0]))
    finally:
        document.close()
    assert (round(box[0]), round(box[2])) == (40, 555)
    lefts = sorted({round(c[0]) for row in rows for c in row if c is not None})
    assert lefts[:3] == [40, 111, 215], lefts



def test_a_row_under_a_level_one_label_going_on_over_the_break_is_a_row_of_its_own() -> None:
    """Chromium sets 效益指标 near the top of its merged cell, which begins in a page's last row and goes on
    down the next page; the page's last row (经济效益指标 | 指标1: | 定性 | /) is whole. The label ends
    early because its cell goes on, not because the page cut the row: 社会效益指标's row is not its rest
    (tests/fixtures/pdf_pages; the record is the hand-verified one, as the layout bed expects it)."""
    pdf = ROOT / "tests" / "fixtures" / "pdf_pages" / "chromium_level1_label_over_break.pdf"
    forms = _records(pdf, "auto")
    report = compare(forms, read(pdf.with_suffix(".jsonl")), ignore_source=True)
    assert not report.differences and not report.missing and not report.extra, report.differences[:5]
    assert forms[0].source.mends == []


def test_a_value_chromium_widowed_above_the_foot_goes_on_over_the_break() -> None:
    """Chromium keeps a paragraph's last two lines together: a value the page cut stops about two lines
    above the page's foot, on a full line, and its last words open the next page in a row of their own
    (…充分发挥干部人事档 / 案的使用价值,确保档案安全). They are the value's rest, not an indicator
    (seed-9 0003_chromium pages 2-3, tests/fixtures/pdf_pages; the hand-verified record)."""
    pdf = ROOT / "tests" / "fixtures" / "pdf_pages" / "chromium_widowed_value_over_break.pdf"
    forms = _records(pdf, "auto")
    report = compare(forms, read(pdf.with_suffix(".jsonl")), ignore_source=True)
    assert not report.differences and not report.missing and not report.extra, report.differences[:5]
    assert forms[0].source.mends == ["第2页: 跨页断开的行已接回第1页"]

#: pages of seed-15, 17 and 19 layout-bed renderings (tests/fixtures/pdf_pages/README.md), each with its
#: hand-verified records and the mends that reading them right takes
_BREAKS = {
    # Word cut a row after its long name's lines that fit; its short values (= | 54 | 名) sit at its top,
    # and the name's rest (才。) opens the next page in the name's column, the first the row filled
    "word_row_cut_beside_short_values": ["第2页: 跨页断开的行已接回第1页"],
    # Chromium drew the labels of merged cells going on past the page (产出指标, 质量指标(必填)) below the
    # table, on one line, a column rule between them: two labels, not one
    "chromium_labels_below_table_on_one_line": [
        "第1页: 分页截断的合并单元格文字“产出指标”已放回单元格",
        "第1页: 分页截断的合并单元格文字“质量指标(必填)”已放回单元格",
        "第4页: 跨页合并单元格的文字“效益指标”已移回上一页",
    ],
    # a goal cut at the foot whose last line stops two characters short: 元 went down with its 。
    "word_goal_cut_before_bound_punctuation": ["第2页: 跨页断开的行已接回第1页"],
    # (seed 17) Word printed the labels of merged cells whose first row alone stood above the break below
    # it: 数量指标(必填量化)'s cell is one row tall there, and the empty cell above is the block's first
    "word_label_carried_below_first_row": [
        "第2页: 跨页合并单元格的文字“产出指标”已移回上一页",
        "第2页: 跨页合并单元格的文字“数量指标(必填量化)”已移回上一页",
    ],
    # (seed 17) LibreOffice drew a cut label again over the repeated header, clipped: its head
    # (可持续影响指标() fell in the first row's cell, its 必填) in the header's
    "calc_label_redrawn_cut_into_header": [
        "第2页: 续表重复的表头已略过",
        "第2页: 分页截断的合并单元格文字“质量指标(必填量化)”已放回单元格",
        "第3页: 续表重复的表头已略过",
        "第3页: 跨页合并单元格重印的文字“可持续影响指标(”已略过",
    ],
    # (seed 17) and what must not be moved: the next page's first label (经济效益指标) stays where it is
    # when the empty cell above the break is the first under a header repeated on a new page (成本指标's
    # cut cell, its label printed on the page before)
    "chromium_empty_cut_label_under_repeated_header": ["第1页: 分页截断的合并单元格文字“成本指标(必填硬”已放回单元格"],
    # (seed 1) nor a unit: the 计量单位 column is empty from the header to the break, and the next page's
    # first row has a unit of its own (%)
    "word_unit_column_empty_above_break": [],
    # (seed 19) a Word row cut beside a merged label the page cut too (时效指标(必填量 | 化)): the words join the
    # label, and the name's rest (训时间) is the row's, though the label's cell below is taller than the row
    "word_row_cut_beside_cut_merged_label": ["第2页: 跨页断开的行已接回第1页"],
    # (seed 19) a unit's name cut after a line that starts with 【: the bracket's ink stands in the right half
    # of its square, so the line is full from the cell's padding (…委员会组织 | 部本级); and a level-1 label cut
    # mid-word at the next break (绩 | 效指标)
    "word_unit_name_cut_after_opening_bracket": ["第2页: 跨页断开的行已接回第1页", "第3页: 跨页断开的行已接回第2页"],
    # (seed 19) a label of its own (质量指标(必填量化)) under a repeated header is not moved into the empty cell
    # that opens the page before under its own repeated header (数量指标's cell, its label two pages up)
    "word_new_label_under_repeated_header": ["第2页: 续表重复的表头已略过", "第3页: 续表重复的表头已略过"],
    # (seed 1) LibreOffice drew a cut level-1 label (产出指标) again, clipped, just above the repeated header: its
    # glyphs touch the header cell's text rect, which read 一级指标 产出指标 as one cell of two lines
    "calc_clipped_label_touching_repeated_header": ["第2页: 分页截断的合并单元格文字“产出指标”已放回单元格"],
    # (seed 21) Word printed below the break the label of a merged cell whose first row alone stood above it,
    # right under another label (时效指标(必填)) in a column that merges its labels: not "as above"
    "word_label_carried_under_label": ["第2页: 跨页合并单元格的文字“成本指标(必填硬性指标)”已移回上一页"],
    # (seed 23) Word cut a form's 主管部门及代码 row after its first line; the rest of the unit's name (部) is
    # centred in what is left of the row on the next page, beside the label's three lines
    "word_cut_row_rest_centred": ["第4页: 跨页断开的行已接回第3页"],
    # (seed 9) and what is no cut row: the block's header row at a page foot, the next page opening with a
    # level-1 label centred down its merged cell and one-line cells; nothing is joined to the header
    "chromium_header_at_foot_merged_label_below": [],
    # (seed 25) Word cut a 年度总体目标 cell between two of its numbered goals (目标4 | 目标5), with the page
    # number below the table: no word is cut and no line is full, but 目标5 goes on the list above
    "word_goal_list_cut_between_items": ["第2页: 跨页断开的行已接回第1页"],
}


@pytest.mark.parametrize("name", _BREAKS)
def test_page_breaks_of_an_unseen_bed_are_mended(name: str) -> None:
    """Faults of the seed-15, 17 and 19 beds, which no code was tuned on before their first scores, and the
    pages a first try at mending them read wrong (the re-score of every bed found them): every field of the
    forms on these pages right, and the mends noted on the form (none where nothing needed mending)."""
    pdf = ROOT / "tests" / "fixtures" / "pdf_pages" / f"{name}.pdf"
    forms = _records(pdf, "auto")
    report = compare(forms, read(pdf.with_suffix(".jsonl")), ignore_source=True)
    assert not report.differences and not report.missing and not report.extra, report.differences[:5]
    assert [mend for form in forms for mend in form.source.mends] == _BREAKS[name]


#: libraries a run of native PDFs written as JSON lines never needs: Parquet (pyarrow, and pandas
#: through it), the other PDF engines, OCR, the Office readers, the warehouse, numpy (the native
#: reader is plain Python), rich where no progress bar is shown (stderr not a terminal)
_NOT_FOR_PDFS = ("pyarrow", "pandas", "pdfplumber", "camelot", "cv2", "onnxruntime", "rapidocr", "openpyxl", "docx",
                 "duckdb", "distributed", "numpy", "rich")


def test_a_json_lines_run_of_pdfs_imports_no_library_it_does_not_use(tmp_path):
    """Start-up is a large share of a run of a few PDFs (a fifth of a second for pyarrow alone): the command
    imports what the inputs and outputs need, and nothing else."""
    code = ("import sys\nfrom jixiao.cli import app\ntry:\n    app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print(' '.join(sorted(m for m in {_NOT_FOR_PDFS!r} if m in sys.modules)))")
    out = tmp_path / "forms.jsonl"
    done = subprocess.run([sys.executable, "-c", code, "extract", str(PDFS[0]), "-o", str(out)],
                          capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == ""
    assert [f.project_name for f in read(out)] == [f.project_name for f in _expected(PDFS[0])]
