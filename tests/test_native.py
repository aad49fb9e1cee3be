"""Word, Excel and HTML files: every sample form read back from real documents, and real spreadsheets.

tests/fixtures/native/ holds each sample document drawn as DOCX, XLSX, XLS
and HTML by make_fixtures.py (see its README). A rendering must give back
the hand-verified records field by field; only where a record came from
(source, form_id, lines) may differ. The files are named after their sample,
so `compare` pairs forms by file stem and position, never by a guess.
samples/realworld/ holds four spreadsheets as published by other provinces.
"""
from __future__ import annotations

import zipfile

import pypdfium2
import pytest
from docx import Document

from conftest import ROOT, SAMPLE_FILES, SAMPLES
from jixiao.diff import compare
from jixiao.extract import extract_file
from jixiao.extract.clean import tidy
from jixiao.extract.html import html_rows
from jixiao.extract.office import docx_rows, number_text
from jixiao.extract.sniff import sniff
from jixiao.pipeline import process_file
from jixiao.schemas.errors import NoTargetTable, UnreadableFile, UnsupportedFormat
from jixiao.schemas.form import Form, SourceFormat

NATIVE = ROOT / "tests" / "fixtures" / "native"
REALWORLD = SAMPLES / "realworld"
KINDS = ("docx", "xlsx", "xls", "html")
RENDERINGS = [(path.stem, kind) for path in SAMPLE_FILES for kind in KINDS]
TITLE = "测试项目支出预算绩效目标表"


@pytest.mark.parametrize("stem,kind", RENDERINGS, ids=[f"{s[:3]}.{k}" for s, k in RENDERINGS])
def test_rendering_gives_the_hand_verified_records(stem, kind, expected_forms):
    result = process_file(NATIVE / f"{stem}.{kind}")
    assert result.status == "ok", result.error
    expected = expected_forms[stem]
    assert len(result.forms) == len(expected)
    assert {(f.source.format.value, f.source.extractor) for f in result.forms} == {(kind, kind)}
    report = compare(result.forms, expected, ignore_source=True)
    assert not report.missing and not report.extra
    assert report.differences == [], "\n".join(
        f"{d.form} {d.field}: got {d.actual!r}, expected {d.expected!r}" for d in report.differences[:30]
    )
    assert report.compared > 300


def test_sources_point_back_into_the_file():
    """DOCX rows are numbered over the body; a spreadsheet's form knows its sheet and rows."""
    docx_forms = extract_file(NATIVE / "001_5de54c583fead5ac.docx").forms
    starts = [f.line_start for f in docx_forms]
    assert starts == sorted(starts) and all(f.line_end > f.line_start for f in docx_forms)
    sheets = extract_file(NATIVE / "000_b8c562a2c440e30e.xlsx").forms  # one sheet per form
    assert [(f.page_start, f.page_end, f.line_start) for f in sheets] == [(n, n, 1) for n in range(1, 5)]
    stacked = extract_file(NATIVE / "001_5de54c583fead5ac.xlsx").forms  # all on one sheet
    assert {f.page_start for f in stacked} == {1} and stacked[1].line_start > stacked[0].line_end


# ---- merged cells and text outside tables, on small hand-made files ----------------------

def test_docx_merges_leave_holes(tmp_path):
    doc = Document()
    doc.add_paragraph("附件 1")
    doc.add_paragraph(TITLE)
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "项目名称"
    table.cell(0, 2).text = "甲"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "产出指标"
    for (r, c), text in {(1, 1): "数量指标", (1, 2): "1个", (2, 1): "质量指标", (2, 2): "100%"}.items():
        table.cell(r, c).text = text
    doc.save(tmp_path / "f.docx")
    rows = docx_rows((tmp_path / "f.docx").read_bytes())
    assert [r.cells for r in rows] == [
        [tidy("附件 1")], [TITLE], ["项目名称", "", "甲"], ["产出指标", "数量指标", "1个"], ["", "质量指标", "100%"],
    ]
    assert [r.line for r in rows] == [1, 2, 3, 4, 5]


def test_html_spans_encoding_and_layout_tables(tmp_path):
    """A GB2312-labelled page whose form sits in a one-cell layout table."""
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>{TITLE}</title></head><body><table><tr><td>"
        f"<p>附件 1</p><h1>{TITLE}</h1><p>（2024年度）</p>"
        '<table border="1"><tr><th colspan="2">项目名称</th><td>甲</td></tr>'
        '<tr><td rowspan="2">产出指标</td><td>数量指标</td><td>1个</td></tr>'
        "<tr><td>质量指标</td><td>≥95<br>%</td></tr></table>"
        "</td></tr></table></body></html>"
    )
    path = tmp_path / "f.htm"
    path.write_bytes(page.encode("gb18030"))
    rows = html_rows(path.read_bytes(), path.name)
    assert [r.cells for r in rows] == [
        [tidy("附件 1")], [TITLE], ["(2024年度)"], ["项目名称", "", "甲"], ["产出指标", "数量指标", "1个"],
        ["", "质量指标", tidy("≥95\n%")],
    ]
    assert extract_file(path).forms[0].fiscal_year == 2024


@pytest.mark.parametrize("number,fmt,text", [
    (0.95, "0%", "95%"), (1, "0%", "100%"), (0.88, "0.00%", "88%"), (82800.92000000001, "General", "82800.92"),
    (6730.0, "0.00", "6730"), (1e20, "General", "100000000000000000000"), (5, '0"%"', "5"),
])
def test_numbers_as_the_cell_means_them(number, fmt, text):
    assert number_text(number, fmt) == text


# ---- what is not a form, or not readable --------------------------------------------------

def test_docx_without_a_target_table(tmp_path):
    doc = Document()
    doc.add_paragraph("会议纪要")
    doc.add_table(rows=1, cols=2).cell(0, 0).text = "项目名称"
    doc.save(tmp_path / "minutes.docx")
    with pytest.raises(NoTargetTable, match="minutes.docx"):
        extract_file(tmp_path / "minutes.docx")


def test_damaged_office_file_is_a_named_error(tmp_path):
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "not xml")
    with pytest.raises(UnreadableFile, match="broken.docx"):
        extract_file(path)


def test_ole_files_are_told_apart(tmp_path):
    """Excel 97 and Word 97 share one container; only the workbook is read."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert sniff(header + "Workbook".encode("utf-16-le")) is SourceFormat.xls
    path = tmp_path / "old.doc"
    path.write_bytes(header + "WordDocument".encode("utf-16-le"))
    with pytest.raises(UnsupportedFormat, match="old.doc"):
        extract_file(path)


# ---- real spreadsheets --------------------------------------------------------------------

def _only_form(name: str) -> Form:
    result = process_file(REALWORLD / name)
    assert result.status == "ok", result.error
    (form,) = result.forms
    return form


def test_self_evaluation_is_not_a_target_table():
    """A 绩效自评表 has 指标 rows too; no form may be invented from it."""
    path = REALWORLD / "negative-yuzhong-2021-project-self-evaluation.xlsx"
    with pytest.raises(NoTargetTable, match=path.name):
        extract_file(path)


def test_wuhan_project_application():
    """Older 申报表 layout: percents stored as 1 and 0.95 under a % format."""
    form = _only_form("wuhan-donghu-hrss-2020-project-application.xlsx")
    assert (form.title, form.project_name) == ("2020年项目申报表", "专项资金")
    first = form.indicators[0]
    assert (first.level1, first.level2, first.name, first.value_raw) == (
        "产出指标", "数量指标", "城镇新增就业人数", "25000人"
    )
    by_name = {i.name: i for i in form.indicators}
    assert (by_name["培训人员合格率"].level2, by_name["培训人员合格率"].value_raw) == ("质量指标", "100%")
    on_time = by_name["仲裁案件法定期限结案率"]
    assert (on_time.level2, on_time.value_raw) == ("时效指标", "95%")
    assert by_name["失业人员及就业困难人员再就业人数"].value_raw == "1600人、200人"
    assert by_name["提高全民参保覆盖面"].level1 == "效益指标"
    # Its own labels: 项目主管部门, 项目执行单位, 项目当年预算, 项目绩效总目标; the year only in the title.
    bureau = "武汉市人力资源和社会保障局东湖新技术开发区分局"
    assert (form.fiscal_year, form.department.name, form.implementing_unit.name) == (2020, bureau, bureau)
    assert (form.funds.total_raw, form.funds.total_yuan) == ("6730", 67_300_000)
    assert form.goals == ["完成2020年度市、区下达的各项目标任务"]
    # 社会公众或服务对象满意度指标 printed under 效益指标: the label decides the category.
    satisfied = by_name["做好服务工作,让服务对象满意"]
    assert (satisfied.level1, satisfied.level2, satisfied.value_raw) == ("满意度指标", "服务对象满意度指标", "95%")
    assert not form.checks  # 环境效益指标 is a label (生态效益指标), not an indicator without a value


@pytest.mark.parametrize("year,fiscal_raw", [(2023, "82800.92"), (2024, "72807.384975")])
def test_zhanjiang_department_overall(year, fiscal_raw):
    """The 部门整体 variant: its 财政拨款 total is a formula, read from its cached value."""
    form = _only_form(f"zhanjiang-hrss-{year}-dept-overall.xlsx")
    assert form.title == f"{year}年市级部门整体预算绩效目标表"
    assert (form.fiscal_year, form.department.name) == (year, "湛江市人力资源和社会保障局")
    assert form.funds.fiscal_raw == fiscal_raw
    assert len(form.goals) == 6
    first = form.indicators[0]
    assert (first.level1, first.level2, first.name) == ("产出指标", "数量指标", "城乡居民基础养老金标准")
    assert {i.level1 for i in form.indicators} >= {"产出指标", "效益指标"}


def test_zhanjiang_2023_percent_and_satisfaction():
    form = _only_form("zhanjiang-hrss-2023-dept-overall.xlsx")
    by_name = {i.name: i for i in form.indicators}
    assert by_name["资金在规定时间内下达率"].value_raw == "100%"
    assert (by_name["群众满意度"].level1, by_name["群众满意度"].level2) == ("满意度指标", "服务对象满意度指标")


# ---- the PDF fixtures keep the promises of their README -----------------------------------

def _pages(name: str) -> list[tuple[float, float]]:
    return [(page.get_width(), page.get_height()) for page in pypdfium2.PdfDocument(NATIVE / name)]


def test_pdf_fixtures():
    whole = _pages("000_b8c562a2c440e30e.pdf")
    assert len(whole) > 4 and all(w < h for w, h in whole)
    assert all(w > h for w, h in _pages("003_70fe2327b2a4f61d_landscape.pdf"))
    two = pypdfium2.PdfDocument(NATIVE / "001_5de54c583fead5ac_two_on_a_page.pdf")
    text = two[0].get_textpage().get_text_range()
    assert len(two) == 1 and "疫情防控工作经费" in text and "年鉴编纂工作经费" in text



def test_zhanjiang_2024_is_a_department_form_with_its_budget_and_tasks():
    """Checked against the sheet's cells: C3 737, E3 10, C5 10891.615675, C6 61915.7693, E5 =C5+C6,
    E6 0 (万元, from C4/E4); rows 12-14 the tasks (D: 18862, 587.81, 1140 万元); C25 成本指标 and
    C32 生态效益指标 printed with no indicator."""
    form = _only_form("zhanjiang-hrss-2024-dept-overall.xlsx")
    assert form.kind.value == "department" and form.project_name is None
    budget = form.budget
    assert (budget.staff, budget.units, budget.unit_declared) == (737, 10, "万元")
    assert (budget.basic_yuan, budget.project_yuan, budget.development_yuan) == (108_916_157, 619_157_693, None)
    assert (budget.fiscal_yuan, budget.other_yuan) == (728_073_850, 0)  # the formula's value, in yuan
    assert [(t.name, t.amount_raw, t.yuan) for t in form.tasks] == [
        ("城乡居民养老保险政府补贴资金", "18862", 188_620_000),
        ("“三支一扶”高校毕业生社会保险缺口资金及生活补贴", "587.81", 5_878_100),
        ("促进就业专项资金(含创业担保贷款贴息资金)", "1140", 11_400_000),
    ]
    assert form.tasks[0].content.startswith("城乡居民社会养老保险补助由基础养老金补助")
    assert form.tasks[2].goal.startswith("一、完成2024年度市政府工作报告下达就业目标任务")
    assert form.empty_categories == ["成本指标", "生态效益指标"]


def test_a_project_form_stays_a_project_form():
    form = _only_form("wuhan-donghu-hrss-2020-project-application.xlsx")
    assert (form.kind.value, form.budget, form.tasks, form.empty_categories) == ("project", None, [], [])
