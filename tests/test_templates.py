"""The other templates (Shanghai 申报表/填报表, the 2021 national template, Hubei 申报表) in every input kind.

tests/fixtures/templates/ holds each template's form written by
make_templates.py as XLSX, its LibreOffice PDF, DOCX, one cell per line,
JSON rows and pdftotext -layout text; expected/ holds the records written by
hand from the cells the script prints. Every input kind must give back every
field; only where a record came from (source, lines) may differ.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES
from jixiao.diff import compare
from jixiao.extract import extract_file
from jixiao.pipeline import process_file
from jixiao.schemas.form import Form

TEMPLATES = ROOT / "tests" / "fixtures" / "templates"
STEMS = ("shanghai-2023-shenbao", "shanghai-2026-tianbao", "national-2021", "hubei-2021-shenbao")
#: input kind (file ending) -> the reader that must serve it
KINDS = {
    "xlsx": {"xlsx"}, "pdf": {"pdfplumber", "camelot"}, "docx": {"docx"},
    "cells.txt": {"cells"}, "json": {"json"}, "layout.txt": {"layout"},
}
CASES = [(stem, kind) for stem in STEMS for kind in KINDS]


def expected_record(stem: str, like: Form) -> Form:
    """The hand-written record, with `like`'s source (where a record came from is not compared)."""
    data = json.loads((TEMPLATES / "expected" / f"{stem}.json").read_text(encoding="utf-8"))
    return Form.model_validate({**data, "form_id": like.form_id, "source": like.source.model_dump()})


@pytest.mark.parametrize("stem,kind", CASES, ids=[f"{s}.{k}" for s, k in CASES])
def test_every_field_in_every_input_kind(stem: str, kind: str) -> None:
    result = process_file(TEMPLATES / f"{stem}.{kind}")
    assert result.status == "ok", result.error
    (form,) = result.forms
    assert form.source.extractor in KINDS[kind]
    expected = expected_record(stem, form)
    if (stem, kind) == ("national-2021", "json"):
        # Table rows hold the table only: this template prints its attachment, title and year above it.
        expected = expected.model_copy(update={"title": "", "attachment": None, "fiscal_year": None})
    report = compare([form], [expected], ignore_source=True)
    assert report.differences == [], "\n".join(
        f"{d.field}: got {d.actual!r}, expected {d.expected!r}" for d in report.differences
    )
    assert report.compared > 150


def test_the_workbooks_store_what_the_templates_type() -> None:
    """Hubei's percents are stored as 1 and 0.95 under a 0% format, a Shanghai date as a date, =100.00(%) as text."""
    import openpyxl

    hubei = openpyxl.load_workbook(TEMPLATES / "hubei-2021-shenbao.xlsx").active
    stored = {(c.value, c.number_format) for row in hubei.iter_rows() for c in row if c.number_format == "0%"}
    assert stored == {(1, "0%"), (0.95, "0%"), (0.9, "0%")}
    shanghai = openpyxl.load_workbook(TEMPLATES / "shanghai-2023-shenbao.xlsx").active
    values = [c.value for row in shanghai.iter_rows() for c in row if c.value is not None]
    assert any(hasattr(v, "year") for v in values) and "=100.00（%）" in values


# ---- the real spreadsheets and their LibreOffice PDFs --------------------------------------

REALWORLD = SAMPLES / "realworld"
#: fields a printout cannot carry as the sheet stores them: amounts with more decimals than
#: their cell's format shows (10891.615675 printed 10,891.62, 6730 printed 6730.00)
PRINTED_ROUNDING = {
    "wuhan-donghu-hrss-2020-project-application": {"funds.fiscal_raw"},
    "zhanjiang-hrss-2023-dept-overall": set(),
    "zhanjiang-hrss-2024-dept-overall": {
        "funds.fiscal_raw", "funds.fiscal_yuan", "budget.fiscal_yuan", "budget.basic_yuan", "budget.project_yuan",
    },
}


def _printed_differences(stem: str) -> list[str]:
    sheet = process_file(REALWORLD / f"{stem}.xlsx")
    printed = process_file(TEMPLATES / "realworld" / f"{stem}.pdf")
    assert sheet.status == printed.status == "ok", printed.error
    for form in printed.forms:
        form.source.path = sheet.forms[0].source.path  # pair the two renderings of one form
    report = compare(printed.forms, sheet.forms, ignore_source=True)
    assert not report.missing and not report.extra
    return [d.field for d in report.differences if d.field not in PRINTED_ROUNDING[stem]]


def test_a_real_sheet_and_its_pdf_give_one_record() -> None:
    assert _printed_differences("zhanjiang-hrss-2024-dept-overall") == []


def test_a_real_sheet_and_its_pdf_give_one_record_when_its_text_spills_over_its_rows() -> None:
    """Wuhan's rows are too short for their text, and LibreOffice prints it anyway, over the rows around:
    the department's two lines over the project name and the 负责人 row, 1000人、3000人 over three rows,
    the last line of the 测算依据 note drawn over the goal in the row below (see extract/pdf_spill)."""
    assert _printed_differences("wuhan-donghu-hrss-2020-project-application") == []


def test_what_a_printout_leaves_out_is_not_read_into_it() -> None:
    """Zhanjiang 2023's 总体绩效目标 cell holds six goals in a row one line high. LibreOffice prints only
    the fourth (the middle line), cut at the cell's right rule: the PDF's text layer holds no other goal.
    Every other field must still come out as the sheet has it, and the one goal as printed."""
    assert set(_printed_differences("zhanjiang-hrss-2023-dept-overall")) == {f"goals[{i}]" for i in range(1, 6)} | {
        "goals#count", "goals[0]"}
    (printed,) = process_file(TEMPLATES / "realworld" / "zhanjiang-hrss-2023-dept-overall.pdf").forms
    (sheet,) = process_file(REALWORLD / "zhanjiang-hrss-2023-dept-overall.xlsx").forms
    assert len(printed.goals) == 1 and printed.goals[0].endswith("三是推动县(市、区)人社")
    assert sheet.goals[3].startswith(printed.goals[0])


def test_hubei_funding_source_is_the_fiscal_part() -> None:
    """Checked against the sheet: C12 1.一般公共预算财政拨款收入, F12 6730; A8 项目总预算 C8 6730 (whole life)."""
    (form,) = process_file(REALWORLD / "wuhan-donghu-hrss-2020-project-application.xlsx").forms
    assert (form.funds.fiscal_raw, form.funds.fiscal_yuan) == ("6730", 67_300_000)
    assert (form.funds.lifetime_raw, form.funds.lifetime_yuan) == ("6730", 67_300_000)
    assert not form.checks


# ---- converted text: how each kind is told and what is said when it cannot be read ---------

def _only(tmp_path: Path, name: str, text: str) -> Form:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (form,) = process_file(path).forms
    return form


STREAM = """项目支出绩效目标表
（2024年度）
项目名称
测试项
目
项目资金(万
元)
年度资金总额
10
年度总体目标
完成培训
绩效指标
一级指标
二级指标
三级指标
指标值
产出指标
数量指标
培训人数超过规定的
最低人数
≥100人
效益指标
社会效益指标
就业率
≥95%
满意度指标
服务对象满意度
指标
满意度
≥90%
"""


def test_a_stream_of_cells_is_rebuilt_into_rows(tmp_path: Path) -> None:
    """Wrapped cells (测试项 | 目, a name over two lines) and labels (项目资金(万 | 元), 服务对象满意度 | 指标)."""
    form = _only(tmp_path, "cells.txt", STREAM)
    assert form.source.extractor == "cells"
    assert (form.project_name, form.fiscal_year, form.funds.total_yuan) == ("测试项目", 2024, 100_000)
    assert form.goals == ["完成培训"]
    assert [(i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("数量指标", "培训人数超过规定的最低人数", "≥100人"),
        ("社会效益指标", "就业率", "≥95%"),
        ("服务对象满意度指标", "满意度", "≥90%"),
    ]
    assert not form.checks


def test_cells_run_together_on_a_line_are_said(tmp_path: Path) -> None:
    """pdftotext -raw joins the cells of one baseline: the rows cannot be told, and the record says so."""
    text = STREAM.replace("项目名称\n测试项\n目\n", "项目名称 测试项目 实施单位 测试单位\n")
    form = _only(tmp_path, "raw.txt", text)
    assert any(c.code.value == "rows_not_aligned" and c.severity.value == "error" for c in form.checks)


LAYOUT = """                 项目支出绩效目标表
                   （2024年度）
   项目名称      测试项目
   年度资金总额   10
        一级指标     二级指标        三级指标              指标值
        产出指标     数量指标        培训人数              ≥100人
        效益指标     社会效益指标    就业率                ≥95%
        满意度指标   服务对象满意度指标   满意度            ≥90%
"""


def test_layout_text_is_lined_up_by_its_header(tmp_path: Path) -> None:
    form = _only(tmp_path, "layout.txt", LAYOUT)
    assert form.source.extractor == "layout"
    assert (form.project_name, form.funds.total_raw) == ("测试项目", "10")
    assert [(i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("数量指标", "培训人数", "≥100人"), ("社会效益指标", "就业率", "≥95%"),
        ("服务对象满意度指标", "满意度", "≥90%"),
    ]


def test_layout_text_that_cannot_be_lined_up_says_so(tmp_path: Path) -> None:
    """A header without a name column: the lines stay as they are and the record carries the reason."""
    text = LAYOUT.replace("三级指标", "备注    ")
    form = _only(tmp_path, "layout.txt", text)
    (check,) = [c for c in form.checks if c.code.value == "rows_not_aligned"]
    assert "三级指标" in check.message


def test_json_rows_of_both_shapes(tmp_path: Path) -> None:
    """pdfplumber's nested lists with None and newlines, camelot's records keyed by column number."""
    rows = [["项目名称", None, "测试\n项目"], ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "培训人数", "≥100人"], [None, "质量指标", "合格率", "100%"]]
    plumber = _only(tmp_path, "plumber.json", json.dumps([[rows]], ensure_ascii=False))
    camelot = _only(tmp_path, "camelot.json", json.dumps(
        [[{str(k): c or "" for k, c in enumerate(row)} for row in rows]], ensure_ascii=False))
    for form in (plumber, camelot):
        assert form.source.extractor == "json" and form.project_name == "测试项目"
        assert [(i.level2, i.value_raw) for i in form.indicators] == [("数量指标", "≥100人"), ("质量指标", "100%")]


def test_json_table_continued_on_a_page_with_a_column_fewer(tmp_path: Path) -> None:
    """pdfplumber on the layout bed's Writer PDFs: the header's 三级指标 is merged over two grid columns
    (None after it), the next page's table has one column fewer; its op, value and unit stay in their columns."""
    first = [["项目名称", "测试项目", None, None, None, None],
             ["二级指标", "三级指标", None, "指标性\n质", "指标值", "计量单\n位"],
             ["数量指标（必填）", "培训人数", None, "≥", "80", "人"]]
    second = [["质量指标（必填）", "指标1：保证内网畅通", "定性", "零故障", ""],
              [None, "指标2：培训合格率", "≥", "95", "%"]]
    form = _only(tmp_path, "pages.json", json.dumps([[first], [second]], ensure_ascii=False))
    assert [(i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("数量指标", "培训人数", "≥80人"), ("质量指标", "保证内网畅通", "零故障"), ("质量指标", "培训合格率", "≥95%"),
    ]


def test_json_table_of_another_kind_after_the_form_ends_it(tmp_path: Path) -> None:
    """A budget table printed after the form (the layout bed's distractors, through pdfplumber) is no
    continuation of its indicator block: other columns, and a first row of column names."""
    form_table = [["项目名称", "测试项目", None, None],
                  ["一级指标", "二级指标", "三级指标", "指标值"],
                  ["产出指标", "数量指标", "培训人数", "≥100人"]]
    continued = [[None, "质量指标", "合格率", "100%"]]
    budget = [["收入", None, "支出"], ["一般公共预算拨款收入", "197.03", "一般公共服务支出"]]
    form = _only(tmp_path, "budget.json", json.dumps([[form_table], [continued, budget]], ensure_ascii=False))
    assert [(i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("数量指标", "培训人数", "≥100人"), ("质量指标", "合格率", "100%"),
    ]


def test_json_table_of_another_kind_and_the_same_width_ends_the_form(tmp_path: Path) -> None:
    """The bed's 收支总表 after a four-column indicator block has four columns too (收入 | 预算数 |
    支出 | 预算数): its first row of names, first column filled, still says it is another table; a
    continued block whose first row has no figure and no 指标 keeps going while its first column is empty."""
    form_table = [["项目名称", "测试项目", None, None],
                  ["一级指标", "二级指标", "三级指标", "指标值"],
                  ["产出指标", "数量指标", "培训人数", "≥100人"]]
    continued = [[None, None, "群众满意", "满意"]]
    budget = [["收入", None, "支出", None], ["项目", "预算数", "项目", "预算数"],
              ["一般公共预算拨款收入", "866.09", "一般公共服务支出", "182.96"]]
    form = _only(tmp_path, "same.json", json.dumps([[form_table], [continued], [budget]], ensure_ascii=False))
    assert [(i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("数量指标", "培训人数", "≥100人"), ("数量指标", "群众满意", "满意"),
    ]


def test_json_table_of_another_kind_as_wide_as_the_block_less_its_merged_column_ends_the_form(
        tmp_path: Path) -> None:
    """Unseen bed (seed 5), Calc through pdfplumber: the header merges 三级指标 over two grid columns, so
    the block is five wide with a None in its header, and the 收支总表 after it is four wide, the width a
    continued page of the block would have. Its first row of names, first column filled, still ends the form."""
    form_table = [["项目名称", "测试项目", None, None, None],
                  ["二级指标", "三级指标", None, "指标值", "计量单位"],
                  ["数量指标", "培训人数", None, "100", "人"]]
    budget = [["收入", None, "支出", None], ["项目", "预算数", "项目", "预算数"],
              ["一般公共预算拨款收入", "57.99", "一般公共服务支出", "861.81"]]
    form = _only(tmp_path, "narrow.json", json.dumps([[form_table], [budget]], ensure_ascii=False))
    assert [(i.level2, i.name, i.value_raw) for i in form.indicators] == [("数量指标", "培训人数", "100人")]


def test_json_table_continued_without_its_first_columns_gets_them_back_empty(tmp_path: Path) -> None:
    """Unseen bed (seed 5), Chromium through pdfplumber: the 一级指标 column merged over both pages has no
    rules on the second, whose table starts at 二级指标, a column fewer, with no None in the header to say
    where: the missing column is the first one, and the value and its unit stay in their columns."""
    first = [["项目名称", "测试项目", None, None, None, None],
             ["一级指标", "二级指标", "三级指标", "指标性\n质", "指标值", "计量单\n位"],
             ["产出指标", "数量指标（必填）", "调解场次", "≥", "20", "场"]]
    second = [["时效指标（必填）", "工作有序开展", "定性", "持续至2024年底", ""],
              [None, "按时调解", "≤", "30", "天"]]
    form = _only(tmp_path, "lead.json", json.dumps([[first], [second]], ensure_ascii=False))
    assert [(i.level1, i.level2, i.name, i.value_raw) for i in form.indicators] == [
        ("产出指标", "数量指标", "调解场次", "≥20场"), ("产出指标", "时效指标", "工作有序开展", "持续至2024年底"),
        ("产出指标", "时效指标", "按时调解", "≤30天"),
    ]


def test_json_that_holds_no_rows_is_text(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(Exception, match="no target table"):
        extract_file(path)


def test_the_new_fields_go_to_parquet_and_back(tmp_path: Path) -> None:
    """Funds over the whole life, the fiscal amount's parts, 项目类别 and 项目总目标 are forms columns."""
    import pyarrow.parquet as pq

    from jixiao.writers import read, write

    forms = process_file(TEMPLATES / "shanghai-2023-shenbao.xlsx").forms
    write(forms, str(tmp_path / "out"))
    table = pq.read_table(next((tmp_path / "out" / "forms").glob("*/*.parquet")))
    row = table.to_pylist()[0]
    assert (row["funds_lifetime_yuan"], row["funds_current_fiscal_yuan"], row["funds_carryover_yuan"]) == (
        7_595_500, 3_600_000, 500_000)
    assert (row["category"], row["attribute_kind"], len(row["lifetime_goals"])) == ("特定目标类", "phased", 3)
    assert compare(read(tmp_path / "out"), forms).differences == []


@pytest.mark.parametrize("name,extractor", [
    ("narrow-labels.layout.txt", "layout"), ("run-together.cells.txt", "cells"),
])
def test_text_that_cannot_be_lined_up_is_said_on_every_form(name: str, extractor: str) -> None:
    """pdftotext's text of a sample printed with its labels wrapped in a narrow column: each of
    its two forms is found, and each says its rows could not be told for sure."""
    result = process_file(TEMPLATES / name)
    assert result.status == "ok" and len(result.forms) == 2
    for form in result.forms:
        assert form.source.extractor == extractor
        assert any(c.code.value == "rows_not_aligned" and c.severity.value == "error" for c in form.checks)
