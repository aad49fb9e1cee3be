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
from jixiao.normalize.header import attribute, coded, funds, pairs, period
from jixiao.normalize.indicators import read_block
from jixiao.normalize.vocab import match_header
from jixiao.schemas.form import Form, FormKind, Source
from jixiao.schemas.markers import INDICATOR_HEADERS, compact
from jixiao.schemas.raw import RawCell, RawDocument, RawForm


def form_id(sha256: str, index: int) -> str:
    """Stable key: the same file and position always give the same id."""
    return hashlib.sha256(f"{sha256}:{index}".encode()).hexdigest()[:16]


def _block_start(rows: list[list[RawCell]]) -> int:
    for i, row in enumerate(rows):
        if sum(compact(c.text) in INDICATOR_HEADERS for c in row) >= 2:
            return i
    return len(rows)


def _goal_text(header_rows: list[list[RawCell]], found: dict[str, str]) -> str:
    """The goal cell; when the label row has none, the lone cell of the next row."""
    if found.get("goals"):
        return found["goals"]
    for i, row in enumerate(header_rows):
        if any(match_header(c.text) == "goals" for c in row if c.text) and i + 1 < len(header_rows):
            nxt = [c.text for c in header_rows[i + 1] if c.text]
            if len(nxt) == 1 and match_header(nxt[0]) is None:
                return nxt[0]
    return ""


def normalize_form(doc: RawDocument, raw: RawForm, index: int) -> Form:
    """Build and check one form record."""
    start = _block_start(raw.rows)
    header_rows, block_rows = raw.rows[:start], raw.rows[start + 1:]
    texts = [[c.text for c in row] for row in header_rows]
    found = pairs(texts)
    department = is_department(raw.title, {compact(cell) for row in texts for cell in row})
    money = funds(found.get("funds_label"), found.get("total"), found.get("fiscal"), found.get("other"))
    goals = split_goals(_goal_text(header_rows, found))
    columns = column_roles(raw.rows[start]) if start < len(raw.rows) else Columns()
    block = read_block(block_rows, columns, raw.fiscal_year)
    indicators, checks = block.indicators, chk.column_checks(columns.unknown)
    checks += chk.funds_checks(money)
    if not chk.is_placeholder(indicators):
        indicators, inferred = chk.infer_cost_units(indicators, money)
        checks += inferred
    checks += chk.indicator_checks(indicators, raw.fiscal_year)
    checks += chk.cost_total_check(indicators, money)
    checks += chk.category_checks(block.labels, indicators)
    checks += chk.placeholder_check(indicators)
    checks += chk.goal_checks(goals, money)
    return Form(
        form_id=form_id(doc.sha256, index),
        source=Source(
            path=doc.path, sha256=doc.sha256, format=doc.format, extractor=doc.extractor, form_index=index,
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
        period=period(found.get("period")),
        funds=money,
        goals=goals,
        indicators=indicators,
        checks=checks,
        budget=read_budget(texts) if department else None,
        tasks=read_tasks(texts) if department else [],
        empty_categories=[use.level2 for use in block.labels if not use.indicators] if department else [],
    )


def normalize_document(doc: RawDocument) -> list[Form]:
    """Every form of one document, in order."""
    return [normalize_form(doc, raw, i) for i, raw in enumerate(doc.forms)]


__all__ = ["normalize_document", "normalize_form", "form_id"]
