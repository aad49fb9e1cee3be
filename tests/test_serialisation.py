"""The cheaper record serialisation gives the bytes and tables the first writer gave.

The reference is the first writer: `json.dumps` of `model_dump(mode="json")`
for a JSON line (kept here as the oracle), and rows flattened into dicts
(`writers.rows`, which the spreadsheets still use) then `Table.from_pylist`
for the Parquet tables.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pyarrow as pa
import pytest

from conftest import ROOT
from jixiao.arrow_tables import SCHEMAS, tables
from jixiao.schemas.form import Check, CheckCode, Severity, Value, ValueKind
from jixiao.writers import TABLES, json_line, read, rows, write


def _first_json_line(form) -> str:
    return json.dumps(form.model_dump(mode="json"), ensure_ascii=False, allow_nan=False)


def _first_tables(records: list[dict]) -> dict[str, pa.Table]:
    return {name: pa.Table.from_pylist(table_rows, schema=SCHEMAS[name]) for name, table_rows in rows(records).items()}


def _awkward(form):
    """A sample form made to hold what JSON escapes and what float printing differs on."""
    hard_text = 'quote " backslash \\ tab \t newline \n control \x01 del \x7f , : 、 \u2028 😀'
    odd = Value(kind=ValueKind.number, op=">=", number=1.5e-05, unit="万元", yuan=1e16, text=hard_text,
                items=[Value(kind=ValueKind.money, number=0.1, yuan=123456789012345.6),
                       Value(kind=ValueKind.percent, number=-0.0)])
    first = {"value": odd, "name": hard_text, "bbox": (0.5, 1e-7, 3.0, 4.25)}
    indicators = [form.indicators[0].model_copy(update=first),
                  *form.indicators[1:]]
    funds = form.funds.model_copy(update={"total_yuan": 2**53, "fiscal_yuan": -1})
    checks = [*form.checks, Check(code=CheckCode.missing_value, severity=Severity.info, message=hard_text, indicator=0)]
    return form.model_copy(update={"project_name": hard_text, "indicators": indicators, "funds": funds,
                                   "checks": checks,
                                   "goals": [hard_text, ""]})


def _forms(sample_forms):
    forms = [f for stem in sorted(sample_forms) for f in sample_forms[stem]]
    return [*forms, _awkward(forms[0])]


def test_json_lines_are_the_first_writers_bytes(sample_forms):
    forms = _forms(sample_forms)
    assert len(forms) == 51
    for form in forms:
        assert json_line(form) == _first_json_line(form)


def test_tables_are_the_first_writers_tables(sample_forms):
    forms = _forms(sample_forms)
    records = [f.model_dump(mode="json") for f in forms]
    new, first = tables(forms), _first_tables(records)
    for name in TABLES:
        assert new[name].schema == first[name].schema
        assert new[name].equals(first[name]), name
    assert new["indicators"].num_rows == sum(len(r["indicators"]) for r in records) > 500
    items = new["indicators"]["value_items"].drop_null().to_pylist()
    awkward = _awkward(_forms(sample_forms)[0]).indicators[0].value.items
    assert json.loads(items[-1]) == [v.model_dump(mode="json") for v in awkward]


def test_batch_run_writes_what_write_writes(tmp_path):
    """The command (parts, assembled) and `write` of the same forms give the same bytes, JSON and Parquet."""
    out, direct = tmp_path / "command", tmp_path / "direct"
    subprocess.run([sys.executable, "-m", "jixiao.cli", "extract", "samples", "-o", str(out / "forms.jsonl"),
                    "-o", str(out / "forms.json"), "-o", str(out / "pq")],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    forms = read(out / "forms.jsonl")
    for name in ("forms.jsonl", "forms.json", "pq"):
        write(forms, str(direct / name))
    assert (out / "forms.jsonl").read_bytes() == (direct / "forms.jsonl").read_bytes()
    assert (out / "forms.json").read_bytes() == (direct / "forms.json").read_bytes()
    files = sorted(p.relative_to(direct) for p in (direct / "pq").rglob("*.parquet"))
    assert len(files) == 17  # four tables in four years, and the empty tasks table
    assert files == sorted(p.relative_to(out) for p in (out / "pq").rglob("*.parquet"))
    for name in files:
        assert (out / name).read_bytes() == (direct / name).read_bytes(), name


def test_a_float_json_cannot_spell_is_refused(sample_forms):
    """NaN or an infinity (a model copied with one, unvalidated) fails the line, as the encoder always did."""
    form = _forms(sample_forms)[0]
    for bad in (float("nan"), float("inf"), float("-inf")):
        first = form.indicators[0]
        odd = first.model_copy(update={"value": first.value.model_copy(update={"yuan": bad})})
        with pytest.raises(ValueError, match="Out of range float"):
            json_line(form.model_copy(update={"indicators": [odd, *form.indicators[1:]]}))
