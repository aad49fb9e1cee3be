"""Spreadsheet outputs through the command line,
read back with openpyxl and pandas and compared with the JSON records."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from jixiao.arrow_tables import SCHEMAS
from jixiao.cli import app
from jixiao.spreadsheet import HEADERS, write_xlsx
from jixiao.writers import TABLES, rows

runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """One extract of the samples to JSON lines, a workbook, an indicators CSV and a CSV folder."""
    out = tmp_path_factory.mktemp("sheets")
    result = runner.invoke(app, [
        "extract", str(SAMPLES), "-o", str(out / "forms.jsonl"), "-o", str(out / "forms.xlsx"),
        "-o", str(out / "indicators.csv"), "-o", str(out / "csv") + "/", "--format", "csv",
    ])
    assert result.exit_code == 0, result.output
    return out


def _expected(run: Path) -> dict[str, list[dict]]:
    records = [json.loads(line) for line in (run / "forms.jsonl").read_text(encoding="utf-8").splitlines()]
    return rows(records)


def _as_cell(value):
    """What a spreadsheet cell should hold for a table value (a cell holds no empty text: it is empty)."""
    if isinstance(value, list):
        return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) or None
    return None if value == "" else value


def test_workbook_has_a_sheet_per_table_with_chinese_headers(run):
    book = openpyxl.load_workbook(run / "forms.xlsx")
    assert book.sheetnames == [*TABLES, "fields"]
    for table in TABLES:
        sheet = book[table]
        names = SCHEMAS[table].names
        assert [c.value for c in sheet[1]] == [HEADERS[table][n] for n in names]
        assert all(re.search(r"[\u4e00-\u9fff]", HEADERS[table][n]) for n in names), table
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(names))}{sheet.max_row}"
        widths = [sheet.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i in range(len(names))]
        assert all(8 <= w <= 62 for w in widths), (table, widths)
    forms = book["forms"]
    names = SCHEMAS["forms"].names
    # The project name column is sized to the names it holds, wider than the fiscal year's.
    width = {n: forms.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i, n in enumerate(names)}
    assert width["project_name"] > width["fiscal_year"]
    mapping = [tuple(c.value for c in r) for r in book["fields"].iter_rows(min_row=2)]
    assert mapping == [(t, HEADERS[t][n], n) for t in TABLES for n in SCHEMAS[t].names]


def test_workbook_cells_equal_the_json_records(run):
    book = openpyxl.load_workbook(run / "forms.xlsx")
    expected = _expected(run)
    for table in TABLES:
        names = SCHEMAS[table].names
        got = [[c.value for c in r] for r in book[table].iter_rows(min_row=2)]
        want = [[_as_cell(row.get(n)) for n in names] for row in expected[table]]
        assert got == want, table
    first = next(book["forms"].iter_rows(min_row=2))
    total = first[SCHEMAS["forms"].names.index("funds_total_yuan")]
    assert total.data_type == "n" and total.value == 500000 and total.number_format == "#,##0.00"


def test_pandas_reads_the_workbook_as_the_records(run):
    frames = pd.read_excel(run / "forms.xlsx", sheet_name=None, dtype=object)
    expected = _expected(run)
    for table in TABLES:
        frame = frames[table].rename(columns={h: n for n, h in HEADERS[table].items()})
        assert list(frame.columns) == SCHEMAS[table].names
        assert len(frame) == len(expected[table])
        for got, want in zip(frame.to_dict("records"), expected[table], strict=True):
            for name, value in want.items():
                cell = got[name]
                if _as_cell(value) is None:
                    assert pd.isna(cell), (table, name)
                elif isinstance(value, float):
                    assert math.isclose(cell, value), (table, name)
                else:
                    assert cell == _as_cell(value), (table, name, cell, value)
    amounts = pd.read_excel(run / "forms.xlsx", sheet_name="forms")["年度资金总额(元)"]
    assert pd.api.types.is_numeric_dtype(amounts)


def test_csv_has_a_bom_and_equals_the_records(run):
    expected = _expected(run)
    for table in TABLES:
        path = run / "csv" / f"{table}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf" + HEADERS[table][SCHEMAS[table].names[0]].encode())
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert list(frame.columns) == [HEADERS[table][n] for n in SCHEMAS[table].names]
        for got, want in zip(frame.itertuples(index=False), expected[table], strict=True):
            for cell, name in zip(got, SCHEMAS[table].names, strict=True):
                assert cell == _csv_text(want[name]), (table, name, cell, want[name])
    assert (run / "indicators.csv").read_bytes() == (run / "csv" / "indicators.csv").read_bytes()
    amounts = pd.read_csv(run / "csv" / "forms.csv", encoding="utf-8-sig")["年度资金总额(元)"]
    assert pd.api.types.is_numeric_dtype(amounts)


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, list):
        return _as_cell(value) or ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return str(value)


def test_text_that_looks_like_a_formula_stays_text(run, tmp_path):
    record = json.loads((run / "forms.jsonl").read_text(encoding="utf-8").splitlines()[0])
    record["indicators"][0]["value_raw"] = "=HYPERLINK(\"http://x\")"
    record["indicators"][1]["name"] = "控制\x01字符"
    write_xlsx([record], tmp_path / "x.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx")["indicators"]
    column = SCHEMAS["indicators"].names.index("value_raw") + 1
    cell = sheet.cell(row=2, column=column)
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"
    assert sheet.cell(row=3, column=SCHEMAS["indicators"].names.index("name") + 1).value == "控制字符"


def test_a_table_longer_than_a_sheet_goes_on_in_the_next(run, tmp_path):
    records = [json.loads(line) for line in (run / "forms.jsonl").read_text(encoding="utf-8").splitlines()]
    write_xlsx(records, tmp_path / "x.xlsx", max_rows=200)
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    parts = [name for name in book.sheetnames if name.startswith("indicators")]
    assert parts[:2] == ["indicators", "indicators (2)"]
    got = [r for name in parts for r in book[name].iter_rows(min_row=2, values_only=True)]
    assert all(book[name].max_row <= 200 for name in parts)
    assert len(got) == len(rows(records)["indicators"])


def test_an_output_name_of_no_known_kind_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["extract", str(SAMPLES / "000_b8c562a2c440e30e.txt"), "-o", str(tmp_path / "f.txt")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path / 'f.txt'}: not an output jixiao writes; it writes FILE.jsonl, FILE.json, - (JSON lines on "
        "stdout), FILE.xlsx, FILE.csv (the indicators table), FILE.parquet or FOLDER/ (Parquet tables, or CSV files "
        "with --format csv)\n"
    )
    assert not list(tmp_path.iterdir()), "nothing is written before the outputs are known"
    result = runner.invoke(app, ["extract", str(SAMPLES / "000_b8c562a2c440e30e.txt"), "-o", str(tmp_path / "f.xlsx"),
                                 "--format", "csv"])
    assert result.exit_code == 2
    assert result.stderr == "error: --format csv is for FOLDER/ outputs, and no -o names a folder\n"
