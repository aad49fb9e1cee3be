"""Normalize stage: a `RawDocument` in, validated `Form` records out.

A form's rows split in two at the indicator block's header row
(一级指标/二级指标/三级指标): above it the label/value header, below it the
indicator block. Both are read by content, so shifted cells and missing
columns do not move a value into the wrong field.
"""
from __future__ import annotations

import hashlib

from jixiao.normalize import checks as chk
from jixiao.normalize.columns import Columns, column_roles
from jixiao.normalize.department import is_department, read_budget, read_tasks
from jixiao.normalize.goals import split_goals
from jixiao.normalize.header import attribute, coded, funds, mended, pairs, period, planned_period
from jixiao.normalize.indicators import read_block
from jixiao.normalize.stream import rebuild, run_together
from jixiao.schemas.form import Form, FormKind, Source
from jixiao.schemas.markers import compact, is_block_header
from jixiao.schemas.raw import RawCell, RawDocument, RawForm


def form_id(sha256: str, index: int) -> str:
    """Stable key: the same file and position always give the same id."""
    return hashlib.sha256(f"{sha256}:{index}".encode()).hexdigest()[:16]


def _block_start(rows: list[list[RawCell]]) -> int:
    for i, row in enumerate(rows):
        if is_block_header([c.text for c in row]):
            return i
    return len(rows)


def normalize_form(doc: RawDocument, raw: RawForm, index: int, relpath: str | None = None) -> Form:
    """Build and check one form record; `relpath` is its `source.relpath`."""
    rows = rebuild(raw.rows) if raw.stream else raw.rows
    start = _block_start(rows)
    header_rows, block_rows = rows[:start], rows[start + 1:]
    texts = [[c.text for c in row] for row in header_rows]
    header = mended(texts)
    found = pairs(header)
    department = is_department(raw.title, {compact(cell) for row in texts for cell in row if "称" in cell})
    money = funds(
        found.get("funds_label"), found.get("total"), found.get("fiscal"), found.get("other"),
        found.get("lifetime"), found.get("current_fiscal"), found.get("carryover"),
    )
    goals = split_goals(found.get("goals", ""))
    columns = column_roles(rows[start]) if start < len(rows) else Columns()
    block = read_block(block_rows, columns, raw.fiscal_year)
    unaligned = raw.unaligned or (run_together(raw.rows) if raw.stream else None)
    if raw.stream and not block.indicators and unaligned is None:
        # One cell per line with no indicator read back: the lines are not in the table's order
        # (plain pdftotext reads some layouts column by column), so no field can be trusted.
        unaligned = "各行文字不是按表格的行序排列,读不出任何指标"
    cells = [cell for row in header for cell in row]
    checks = (chk.alignment_checks(unaligned) or chk.label_piece_checks(cells)
              or chk.glued_label_checks([cell for row in texts for cell in row], doc.extractor)
              or chk.funds_prose_checks(money))
    indicators, checks = block.indicators, checks + chk.column_checks(columns.unknown)
    checks += chk.funds_checks(money)
    checks += chk.fiscal_parts_checks(money)
    if not chk.is_placeholder(indicators):
        indicators, inferred = chk.infer_cost_units(indicators, money)
        checks += inferred
    checks += chk.indicator_checks(indicators, raw.fiscal_year)
    checks += chk.cost_total_check(indicators, money)
    checks += chk.category_checks(block.labels, indicators)
    checks += chk.placeholder_check(indicators)
    checks += chk.placeholder_value_checks(indicators)
    checks += chk.goal_checks(goals, money)
    return Form(
        form_id=form_id(doc.sha256, index),
        source=Source(
            path=doc.path, relpath=relpath, sha256=doc.sha256, format=doc.format, extractor=doc.extractor,
            form_index=index,
            line_start=raw.line_start, line_end=raw.line_end, page_start=raw.page_start, page_end=raw.page_end,
            mends=raw.mends + block.mends,
        ),
        kind=FormKind.department if department else FormKind.project,
        title=raw.title,
        attachment=raw.attachment,
        fiscal_year=raw.fiscal_year,
        project_name=found.get("project_name") or None,
        department=coded(found.get("department")),
        implementing_unit=coded(found.get("implementing_unit")),
        attribute=attribute(found.get("attribute")),
        period=period(found.get("period")) if "period" in found else planned_period(
            found.get("period_start"), found.get("period_end")
        ),
        funds=money,
        goals=goals,
        indicators=indicators,
        checks=checks,
        budget=read_budget(texts) if department else None,
        tasks=read_tasks(texts) if department else [],
        empty_categories=[use.level2 for use in block.labels if not use.indicators] if department else [],
        category=found.get("category") or None,
        lifetime_goals=split_goals(found.get("lifetime_goals", "")),
    )


def normalize_document(doc: RawDocument, relpath: str | None = None) -> list[Form]:
    """Every form of one document, in order; `relpath` is their `source.relpath` (the path
    from the input argument that named the file, which only the caller knows)."""
    return [normalize_form(doc, raw, i, relpath) for i, raw in enumerate(doc.forms)]


__all__ = ["normalize_document", "normalize_form", "form_id"]
