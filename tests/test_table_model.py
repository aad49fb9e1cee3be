"""The grounded table model: spans kept wherever the source knows them.

One small form is built three times by the libraries that make real files
(openpyxl for Excel, python-docx for Word) and as an HTML page, with the
same merges: the project name over three columns, 产出指标 and 数量指标 each
down two rows. The spans below are the merges written here, not what the
reader printed; the indicators must come out the same from all three.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import docx
import openpyxl
import pytest

from jixiao.extract import document_rows, extract_file
from jixiao.normalize import normalize_document

TITLE = "2026年度项目支出绩效目标表"
GRID = [
    ["项目名称", "职业技能培训", "", ""],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "培训人数", "≥100人"],
    ["", "", "培训天数", "5天"],
    ["满意度指标", "服务对象满意度指标", "学员满意度", "≥95%"],
]
#: (row, column) in the form -> (rowspan, colspan), as merged below
SPANS = {(0, 1): (1, 3), (2, 0): (2, 1), (2, 1): (2, 1)}
INDICATORS = [
    ("产出指标", "数量指标", "培训人数", "≥100人"),
    ("产出指标", "数量指标", "培训天数", "5天"),
    ("满意度指标", "服务对象满意度指标", "学员满意度", "≥95%"),
]


def _xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.merge_cells("A1:D1")
    for row in GRID:
        sheet.append([cell or None for cell in row])
    sheet.merge_cells("B2:D2")
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("B4:B5")
    book.save(path)


def _docx(path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=len(GRID), cols=4)
    for r, row in enumerate(GRID):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    table.cell(0, 1).merge(table.cell(0, 3))
    table.cell(2, 0).merge(table.cell(3, 0))
    table.cell(2, 1).merge(table.cell(3, 1))
    document.save(path)


def _html(path: Path) -> None:
    path.write_text(
        '<html><head><meta charset="utf-8"><style>@page { size: A4 } td { border: 1px solid black; padding: 4px }'
        " table { border-collapse: collapse }</style></head>"
        f"<body><p>{TITLE}</p><table>"
        "<tr><td>项目名称</td><td colspan=3>职业技能培训</td></tr>"
        "<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>"
        "<tr><td rowspan=2>产出指标</td><td rowspan=2>数量指标</td><td>培训人数</td><td>≥100人</td></tr>"
        "<tr><td>培训天数</td><td>5天</td></tr>"
        "<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>学员满意度</td><td>≥95%</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )


def _trimmed(row: list[str]) -> list[str]:
    """A row as every reader gives it: trailing empty cells dropped, inner ones kept in place."""
    while row and not row[-1]:
        row = row[:-1]
    return row


def _pdf(path: Path) -> None:
    """The HTML page printed by headless Chromium: the spans come from the ruled grid."""
    page = path.with_suffix(".html")
    _html(page)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "make test installs chromium"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}",
             "--no-pdf-header-footer", f"--print-to-pdf={path}", page.resolve().as_uri()],
            check=True, capture_output=True, timeout=180,
        )


MAKERS = {"f.xlsx": _xlsx, "f.docx": _docx, "f.html": _html, "f.pdf": _pdf}


@pytest.mark.parametrize("name", MAKERS)
def test_spans_reach_the_form_cells(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    MAKERS[name](path)
    doc = extract_file(path)
    assert len(doc.forms) == 1
    spans = {
        (cell.row, cell.col): (cell.rowspan, cell.colspan)
        for row in doc.forms[0].rows for cell in row if (cell.rowspan, cell.colspan) != (1, 1)
    }
    assert spans == SPANS
    # a PDF grid keeps the holes a merge leaves at a row's end; the other readers trim them
    assert [_trimmed([cell.text for cell in row]) for row in doc.forms[0].rows] == [_trimmed(row) for row in GRID]
    (form,) = normalize_document(doc)
    assert form.project_name == "职业技能培训"
    assert [(i.level1, i.level2, i.name, i.value_raw) for i in form.indicators] == INDICATORS


def test_pdf_boxes_say_their_frame(tmp_path: Path) -> None:
    """Boxes are PDF points of an A4 page (Chromium's default paper), inside the page."""
    path = tmp_path / "f.pdf"
    _pdf(path)
    doc = extract_file(path)
    assert {page: (f.unit, round(f.width), round(f.height)) for page, f in doc.frames.items()} == {1: ("pt", 595, 842)}
    for cell in (c for row in doc.forms[0].rows for c in row if c.bbox is not None):
        x0, top, x1, bottom = cell.bbox
        assert 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842


@pytest.mark.parametrize("name", [name for name in MAKERS if name != "f.pdf"])
def test_document_rows_carry_the_spans_before_forms_are_found(tmp_path: Path, name: str) -> None:
    """The title row's merge is kept too, where the source merged it (the Excel sheet)."""
    path = tmp_path / name
    MAKERS[name](path)
    rows = document_rows(path)
    title = next(row for row in rows if row.cells and row.cells[0] == TITLE)
    assert title.spans == ({0: (1, 4)} if name == "f.xlsx" else {})
    name_row = next(row for row in rows if row.cells and row.cells[0] == "项目名称")
    assert name_row.spans == {1: (1, 3)}


SCANS = Path(__file__).resolve().parent / "fixtures" / "scans"
SAMPLES_EXPECTED = Path(__file__).resolve().parent.parent / "samples" / "expected"


def test_scan_boxes_say_how_the_page_was_turned_and_straightened() -> None:
    """The scan fixtures' README: 001 was fed sideways (turned 90° clockwise), 003's pages were turned
    +2° and -2°, both scanned at 200 dpi; boxes are points of the page as read, upright."""
    sideways = extract_file(SCANS / "001_two_forms_rot90.jpg")
    (frame,) = sideways.frames.values()
    assert (frame.unit, frame.turns, frame.scale) == ("scan-pt", 3, pytest.approx(72 / 200))
    assert frame.width < frame.height  # a portrait page once upright
    skewed = extract_file(SCANS / "003_form0_skewed.pdf")
    first, second = skewed.frames[1].skew, skewed.frames[2].skew
    assert abs(abs(first) - 2) < 0.5 and abs(abs(second) - 2) < 0.5 and first * second < 0
    for form in (*sideways.forms, *skewed.forms):
        for cell in (c for row in form.rows for c in row if c.bbox is not None):
            page = (sideways if form in sideways.forms else skewed).frames[cell.page or 1]
            x0, top, x1, bottom = cell.bbox
            assert 0 <= x0 < x1 <= page.width + 1 and 0 <= top < bottom <= page.height + 1


def test_scan_cells_carry_the_spans_of_the_ruled_grid() -> None:
    """000_form0 (the scan fixtures' README: form #0 of 000, scanned at 200 dpi): each level-2 label
    standing whole on page 1 is merged over as many rows as the hand-verified record files under it,
    and 项目资金 over its three amounts (总额, 其中财政拨款, 其他资金)."""
    record = json.loads((SAMPLES_EXPECTED / "000_b8c562a2c440e30e.jsonl").read_text(encoding="utf-8").splitlines()[0])
    counts = Counter(indicator["level2"] for indicator in record["indicators"])
    form = extract_file(SCANS / "000_form0_200dpi_bw.tif").forms[0]
    merged = {cell.text.split("(")[0]: cell.rowspan for row in form.rows for cell in row if cell.rowspan > 1}
    for label in ("质量指标", "时效指标", "成本指标", "社会效益指标", "可持续影响指标"):
        assert merged[label] == counts[label], label
    assert merged["项目资金"] == 3
