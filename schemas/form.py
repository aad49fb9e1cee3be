"""The output contract: one `Form` record per budgeted project's table.

These models are the single source of truth for CONTRACT.md; `jixiao schema`
prints their JSON Schema and a test fails when the checked-in copy drifts.
Closed vocabularies are string enums so JSON and Parquet carry stable words.
"""
from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"


class SourceFormat(str, Enum):
    text = "text"
    pdf = "pdf"
    scan = "scan"
    docx = "docx"
    xlsx = "xlsx"
    xls = "xls"
    html = "html"


class FormKind(str, Enum):
    """Which target table a record is: a project's (项目支出绩效目标表) or a whole department's (部门整体支出绩效目标表)."""  # noqa: E501 - the schema's description, one line

    project = "project"
    department = "department"


class AttributeKind(str, Enum):
    new = "new"
    continuing = "continuing"  # also Shanghai's 经常性项目 (recurring every year)
    one_off = "one_off"
    one_year = "one_year"
    other = "other"
    phased = "phased"  # Shanghai's 阶段性项目: runs for a set period (often several years), then ends


class ValueKind(str, Enum):
    number = "number"
    range = "range"
    percent = "percent"
    money = "money"
    rate = "rate"
    date = "date"
    duration = "duration"
    formula = "formula"
    text = "text"
    empty = "empty"


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


class CheckCode(str, Enum):
    """What validation can find; each code's meaning is in normalize/checks.py."""

    funds_sum_mismatch = "funds_sum_mismatch"
    cost_total_mismatch = "cost_total_mismatch"
    formula_mismatch = "formula_mismatch"
    funds_unit_mislabelled = "funds_unit_mislabelled"
    cost_unit_inferred = "cost_unit_inferred"
    required_category_missing = "required_category_missing"
    placeholder_form = "placeholder_form"
    missing_value = "missing_value"
    goal_amount_mismatch = "goal_amount_mismatch"
    quantified_not_numeric = "quantified_not_numeric"
    year_mismatch = "year_mismatch"
    low_ocr_confidence = "low_ocr_confidence"
    unknown_indicator_column = "unknown_indicator_column"
    value_not_quantified = "value_not_quantified"
    rows_not_aligned = "rows_not_aligned"


class _Model(BaseModel):
    # NaN and infinities printed as such by pydantic's JSON (not as null): the writer then sees
    # them, and refuses them as JSON has no spelling for them (`writers.form_json`).
    model_config = ConfigDict(use_enum_values=False, allow_inf_nan=False, ser_json_inf_nan="constants")


class Source(_Model):
    path: str = Field(description="path of the input file, '/' separated; absolute when written by `jixiao extract`")
    relpath: str | None = Field(
        default=None,
        description="the path relative to the input argument that named the file (under a folder argument), "
        "or the file's name (a file argument): finds the source again after an archive moved",
    )
    sha256: str
    format: SourceFormat
    extractor: str = Field(description="which reader served: text, pdfplumber, camelot, ocr, docx, xlsx, html")
    form_index: int = Field(description="0-based position of the form in its file")
    line_start: int | None = None
    line_end: int | None = None
    page_start: int | None = None
    page_end: int | None = None
    mends: list[str] = Field(
        default_factory=list,
        description="each page-break mend made in the form, for a reviewer: rows joined across pages, "
        "repeated header rows skipped, cut labels put back (第2页: …)",
    )


class Coded(_Model):
    """A name with its code split off: 【103】组织部 -> code 103, name 组织部."""

    name: str | None = None
    code: str | None = None
    raw: str | None = None


class Attribute(_Model):
    raw: str | None = None
    code: str | None = None
    kind: AttributeKind | None = None


class Period(_Model):
    raw: str | None = None
    start: str | None = Field(default=None, description="YYYY-MM")
    end: str | None = Field(default=None, description="YYYY-MM")
    long_term: bool = False
    years: float | None = Field(default=None, description="length in years when printed as one (1 年, 1年期)")


class Funds(_Model):
    total_yuan: int | None = None
    fiscal_yuan: int | None = None
    other_yuan: int | None = None
    unit_declared: str | None = Field(default=None, description="元 or 万元, as the label prints it")
    unit_applied: str | None = Field(default=None, description="元 or 万元, what the amounts really are")
    total_raw: str | None = None
    fiscal_raw: str | None = None
    other_raw: str | None = None
    lifetime_yuan: int | None = Field(default=None, description="项目资金总额, 项目总预算: the project's whole life")
    current_fiscal_yuan: int | None = Field(default=None, description="其中:当年财政拨款: the year's new appropriation")
    carryover_yuan: int | None = Field(default=None, description="上年结转资金: carried over from last year")
    lifetime_raw: str | None = None
    current_fiscal_raw: str | None = None
    carryover_raw: str | None = None


class Requirement(_Model):
    required: bool | None = Field(default=None, description="必填 True, 选填 False, no note None")
    hard: bool = False
    quantified: bool = False
    raw: str | None = None


class Value(_Model):
    """A parsed 指标值. Numbers are in the printed unit; `yuan` converts money.

    Frozen: the parser hands the same instance to every indicator printing
    the same value (≥90%, 有效提升), so none may be changed in place.
    """

    model_config = ConfigDict(use_enum_values=False, allow_inf_nan=False, ser_json_inf_nan="constants", frozen=True)

    kind: ValueKind
    op: str | None = Field(default=None, description=">=, <=, >, <, = or ~ (约)")
    number: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    per: str | None = Field(default=None, description="rate denominator: 人/月 for 1840元/人/月")
    yuan: float | None = None
    low_yuan: float | None = None
    high_yuan: float | None = None
    start: str | None = Field(default=None, description="dates: YYYY-MM")
    end: str | None = Field(default=None, description="dates and deadlines: YYYY-MM")
    computed: float | None = Field(default=None, description="formulas: the left side evaluated")
    text: str | None = Field(default=None, description="text kind: the text; others: words beside the number")
    items: list[Value] | None = Field(default=None, description="several quantities in one cell")


class Indicator(_Model):
    level1: str
    level2: str
    requirement: Requirement
    seq: int | None = None
    name: str
    value_raw: str
    value: Value
    line: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = Field(default=None, description="lowest OCR confidence of the name and value cells")


class Check(_Model):
    code: CheckCode
    severity: Severity
    message: str
    indicator: int | None = Field(default=None, description="0-based index into indicators")


class DepartmentBudget(_Model):
    """The budget overview of a department-wide form (部门整体支出绩效目标表), amounts in yuan."""

    staff: int | None = Field(default=None, description="财政供养人员数")
    units: int | None = Field(default=None, description="下属(二级)单位数")
    basic_yuan: int | None = Field(default=None, description="部门预算支出: 基本支出")
    project_yuan: int | None = Field(default=None, description="部门预算支出: 项目支出")
    development_yuan: int | None = Field(default=None, description="部门预算支出: 事业发展性支出")
    fiscal_yuan: int | None = Field(default=None, description="收入来源: 财政拨款")
    other_yuan: int | None = Field(default=None, description="收入来源: 其他资金")
    unit_declared: str | None = Field(default=None, description="元 or 万元, as the amount column's header prints it")


class Task(_Model):
    """One row of a department-wide form's 年度重点工作任务 table."""

    name: str = Field(description="名称")
    content: str = Field(default="", description="主要实施内容")
    yuan: int | None = Field(default=None, description="拟投入的资金, in yuan")
    amount_raw: str | None = Field(default=None, description="拟投入的资金 as printed")
    goal: str = Field(default="", description="期望达到的目标")


class Form(_Model):
    schema_version: str = SCHEMA_VERSION
    form_id: str = Field(description="sha256 of '<source sha256>:<form_index>', first 16 hex digits")
    source: Source
    kind: FormKind = Field(default=FormKind.project, description="project or department (部门整体) form")
    title: str
    attachment: str | None = None
    fiscal_year: int | None = None
    project_name: str | None = None
    department: Coded
    implementing_unit: Coded
    attribute: Attribute
    period: Period
    funds: Funds
    goals: list[str]
    indicators: list[Indicator]
    checks: list[Check]
    budget: DepartmentBudget | None = Field(default=None, description="department-wide forms: the budget overview")
    tasks: list[Task] = Field(default_factory=list, description="department-wide forms: 年度重点工作任务")
    empty_categories: list[str] = Field(
        default_factory=list,
        description="department-wide forms: level-2 labels printed with no indicator under them (declared but empty)",
    )
    category: str | None = Field(default=None, description="项目类别 where a form prints one (Shanghai: 特定目标类)")
    lifetime_goals: list[str] = Field(
        default_factory=list,
        description="项目总目标: the goals for the whole life of the project, beside the year's (goals)",
    )
