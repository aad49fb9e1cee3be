"""Spreadsheet outputs for the people who read these forms in Excel: one workbook, or CSV files.

The same tables and columns as the Parquet output (`arrow_tables.SCHEMAS`), with
Chinese column headers instead of the field names: the readers are finance
staff and auditors. A last sheet, `fields`, maps every header back to its
field, so a script can still find its way. In the workbook the header row is
frozen and filtered, columns are sized to what they hold, amounts are
numbers with thousands separators, and every text cell is text (a value
printed as `=100%` is never a formula). CSV files are UTF-8 with a BOM, which
Excel needs to read Chinese; there a text beginning with = + - @ gets a
leading apostrophe, the usual guard against formula injection (the JSON and
Parquet outputs keep every text as printed).

Records stream through: memory holds the first rows of each table (to size
its columns), never the archive. A table longer than a sheet continues on
the next (`indicators (2)`).
"""
from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from jixiao.arrow_tables import SCHEMAS
from jixiao.writers import TABLES, atomic_write, rows

#: Chinese header of every column, per table; a column added later without one shows its field name.
HEADERS: dict[str, dict[str, str]] = {
    "forms": {
        "form_id": "表ID", "schema_version": "格式版本",
        "source_path": "来源文件", "source_relpath": "来源文件(相对路径)", "source_sha256": "来源SHA256",
        "source_format": "来源格式", "source_extractor": "读取方式", "source_form_index": "文件内第几张(从0起)",
        "source_line_start": "起始行", "source_line_end": "结束行",
        "source_page_start": "起始页", "source_page_end": "结束页",
        "title": "标题", "attachment": "附件", "fiscal_year": "年度", "project_name": "项目名称",
        "department_name": "主管部门", "department_code": "主管部门代码", "department_raw": "主管部门(原文)",
        "implementing_unit_name": "实施单位", "implementing_unit_code": "实施单位代码",
        "implementing_unit_raw": "实施单位(原文)",
        "attribute_raw": "项目属性(原文)", "attribute_code": "项目属性代码", "attribute_kind": "项目属性类型",
        "period_raw": "项目期(原文)", "period_start": "项目期起(年-月)", "period_end": "项目期止(年-月)",
        "period_long_term": "长期项目", "period_years": "项目期(年)",
        "funds_total_yuan": "年度资金总额(元)", "funds_fiscal_yuan": "其中财政拨款(元)",
        "funds_other_yuan": "其他资金(元)",
        "funds_unit_declared": "资金单位(表上标注)", "funds_unit_applied": "资金单位(实际换算)",
        "funds_total_raw": "年度资金总额(原文)", "funds_fiscal_raw": "财政拨款(原文)",
        "funds_other_raw": "其他资金(原文)",
        "kind": "表类型(project项目/department部门整体)", "source_mends": "跨页修补",
        "budget_staff": "财政供养人员数", "budget_units": "下属单位数", "budget_basic_yuan": "基本支出(元)",
        "budget_project_yuan": "项目支出(元)", "budget_development_yuan": "事业发展性支出(元)",
        "budget_fiscal_yuan": "收入来源:财政拨款(元)", "budget_other_yuan": "收入来源:其他资金(元)",
        "budget_unit_declared": "预算金额单位(表上标注)", "empty_categories": "已列未填的指标类别",
        "funds_lifetime_yuan": "项目资金总额(全周期,元)", "funds_current_fiscal_yuan": "其中当年财政拨款(元)",
        "funds_carryover_yuan": "上年结转资金(元)", "funds_lifetime_raw": "项目资金总额(原文)",
        "funds_current_fiscal_raw": "当年财政拨款(原文)", "funds_carryover_raw": "上年结转资金(原文)",
        "category": "项目类别", "lifetime_goals": "项目总目标",
        "n_goals": "目标条数", "n_indicators": "指标条数", "n_checks": "检查条数", "n_tasks": "重点任务条数",
    },
    "indicators": {
        "form_id": "表ID", "position": "表内第几条(从0起)", "level1": "一级指标", "level2": "二级指标",
        "requirement_required": "必填", "requirement_hard": "硬性", "requirement_quantified": "须量化",
        "requirement_raw": "填报要求(原文)", "seq": "指标编号", "name": "三级指标", "value_raw": "指标值(原文)",
        "value_kind": "指标值类型", "value_op": "比较符", "value_number": "数值",
        "value_low": "下限", "value_high": "上限",
        "value_unit": "单位", "value_per": "每", "value_yuan": "金额(元)", "value_low_yuan": "下限金额(元)",
        "value_high_yuan": "上限金额(元)", "value_start": "起(年-月)", "value_end": "止(年-月)",
        "value_computed": "算式左边结果", "value_text": "文字", "value_items": "多项数值(JSON)",
        "line": "行号", "page": "页码", "bbox": "页面位置(点)", "confidence": "识别置信度",
    },
    "goals": {"form_id": "表ID", "position": "第几条(从0起)", "text": "年度总体目标"},
    "tasks": {
        "form_id": "表ID", "position": "第几条(从0起)", "name": "年度重点工作任务", "content": "主要实施内容",
        "yuan": "拟投入的资金(元)", "amount_raw": "拟投入的资金(原文)", "goal": "期望达到的目标",
    },
    "checks": {
        "form_id": "表ID", "position": "第几条(从0起)", "code": "检查代码", "severity": "严重程度", "message": "说明",
        "indicator": "所指指标(从0起)",
    },
}

#: Excel's rows per sheet, header included
MAX_ROWS = 1_048_576
#: Excel's characters per cell; longer texts are cut (the JSON and Parquet outputs hold them whole)
MAX_CELL = 32_767
#: rows of each table looked at to size its columns
WIDTH_SAMPLE = 1000
_YUAN_FORMAT = "#,##0.00"
_BOLD = Font(bold=True)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def header(table: str, column: str) -> str:
    return HEADERS.get(table, {}).get(column, column)


def columns(table: str) -> list[str]:
    return SCHEMAS[table].names


def joined(values: list) -> str:
    """A list as one cell: numbers (a bbox) as short decimals, texts (mends, categories) as they are."""
    return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)


def _cell_value(value: Any) -> Any:
    """A value as a spreadsheet holds it: lists (a bbox, mends) joined, text cleaned of what XML cannot carry."""
    if isinstance(value, list):
        value = joined(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return value if len(value) <= MAX_CELL else value[: MAX_CELL - 1] + "…"
    return value


def _width(value: Any) -> int:
    """Display width in Excel's units: a CJK character takes two."""
    text = value if isinstance(value, str) else f"{value:,.2f}" if isinstance(value, float) else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


class _Sheet:
    """One table in the workbook: buffers its first rows to size the columns, then streams."""

    def __init__(self, book: Workbook, table: str, max_rows: int) -> None:
        self.book, self.table, self.max_rows = book, table, max_rows
        self.names = columns(table)
        self.headers = [header(table, name) for name in self.names]
        self.money = {i for i, name in enumerate(self.names) if name.endswith("_yuan")}
        self.pending: list[list[Any]] | None = []
        self.widths: list[float] = []
        self.sheets: list[tuple[WriteOnlyWorksheet, int]] = []  # each sheet and its rows, header included
        self.count = 0

    def add(self, row: dict) -> None:
        values = [_cell_value(row.get(name)) for name in self.names]
        if self.pending is None:
            self._write(values)
            return
        self.pending.append(values)
        if len(self.pending) >= WIDTH_SAMPLE:
            self._flush()

    def _flush(self) -> None:
        sample = self.pending or []
        self.pending = None
        self.widths = [
            min(max([_width(h) + 4] + [_width(r[i]) for r in sample if r[i] is not None]) + 2, 60)
            for i, h in enumerate(self.headers)
        ]
        self._new_sheet()
        for values in sample:
            self._write(values)

    def _new_sheet(self) -> None:
        title = self.table if not self.sheets else f"{self.table} ({len(self.sheets) + 1})"
        sheet = self.book.create_sheet(title)
        sheet.freeze_panes = "A2"
        for i, width in enumerate(self.widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.append([self._text(sheet, h, bold=True) for h in self.headers])
        self.sheets.append((sheet, 1))

    def _text(self, sheet: WriteOnlyWorksheet, value: str, bold: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text stays text: `=100%` is a printed value, not a formula
        if bold:
            cell.font = _BOLD
        return cell

    def _write(self, values: list[Any]) -> None:
        sheet, used = self.sheets[-1]
        if used >= self.max_rows:
            self._new_sheet()
            sheet, used = self.sheets[-1]
        cells = []
        for i, value in enumerate(values):
            if isinstance(value, str) and value.startswith("="):  # openpyxl would store any other text as text
                cells.append(self._text(sheet, value))
            elif i in self.money and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = _YUAN_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        self.sheets[-1] = (sheet, used + 1)

    def close(self) -> None:
        if self.pending is not None:
            self._flush()
        last = get_column_letter(len(self.names))
        for sheet, used in self.sheets:
            sheet.auto_filter.ref = f"A1:{last}{used}"


def write_xlsx(records: Iterable[dict], path: Path, max_rows: int = MAX_ROWS) -> None:
    """One workbook: a sheet per table (`forms`, `indicators`, `goals`, `checks`), then `fields`."""
    book = Workbook(write_only=True)
    sheets = {table: _Sheet(book, table, max_rows) for table in TABLES}
    for table_rows in _tables(records):
        for table, table_row in table_rows:
            sheets[table].add(table_row)
    for sheet in sheets.values():
        sheet.close()
    fields = book.create_sheet("fields")
    fields.freeze_panes = "A2"
    for letter, width in zip("ABC", (14, 24, 26), strict=True):
        fields.column_dimensions[letter].width = width
    fields.append(["表 (sheet)", "列名 (header)", "字段 (field)"])
    for table in TABLES:
        for name in columns(table):
            fields.append([table, header(table, name), name])
    fields.auto_filter.ref = f"A1:C{1 + sum(len(columns(t)) for t in TABLES)}"
    atomic_write(path, lambda tmp: book.save(tmp))


def _tables(records: Iterable[dict]) -> Iterator[list[tuple[str, dict]]]:
    """Each record's rows, table by table, one record at a time."""
    for record in records:
        yield [(table, table_row) for table, table_rows in rows([record]).items() for table_row in table_rows]


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, list):
        return joined(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(records: Iterable[dict], target: Path) -> None:
    """`*.csv`: the indicators table; a folder: one `<table>.csv` per table. UTF-8 with BOM for Excel.

    Every file is written in a staging folder beside it and renamed into
    place at the end, so a killed run leaves the old files or the new ones.
    """
    single = target.suffix.lower() == ".csv"
    folder = target.parent if single else target
    folder.mkdir(parents=True, exist_ok=True)
    names = {"indicators": target.name} if single else {table: f"{table}.csv" for table in TABLES}
    staging = Path(tempfile.mkdtemp(prefix=".csv-", dir=folder))
    try:
        handles = {table: (staging / name).open("w", encoding="utf-8-sig", newline="") for table, name in names.items()}
        try:
            sinks = {table: csv.writer(handle) for table, handle in handles.items()}
            for table, sink in sinks.items():
                sink.writerow([header(table, name) for name in columns(table)])
            for table_rows in _tables(records):
                for table, table_row in table_rows:
                    if table in sinks:
                        sinks[table].writerow([_csv_value(table_row.get(name)) for name in columns(table)])
        finally:
            for handle in handles.values():
                handle.close()
        for name in names.values():
            os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
