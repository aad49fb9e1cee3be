"""The command line as a user meets it: output files, exit codes, help, schema."""
from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SAMPLES
from jixiao.cli import app
from jixiao.schemas.form import Form

runner = CliRunner()
SCHEMA_FILE = ROOT / "schemas" / "form.schema.json"


@pytest.fixture
def in_root():
    cwd = os.getcwd()
    os.chdir(ROOT)
    yield
    os.chdir(cwd)


def test_extract_samples_gives_fifty_forms(tmp_path, in_root):
    result = runner.invoke(app, ["extract", "samples", "-o", str(tmp_path / "f.jsonl"), "-o", str(tmp_path / "pq")])
    assert result.exit_code == 0, result.output
    assert len((tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()) == 50
    assert list((tmp_path / "pq" / "indicators").glob("year=*/part-0.parquet"))
    diff = runner.invoke(app, ["diff", str(tmp_path / "f.jsonl"), "samples/expected"])
    assert diff.exit_code == 0, diff.output
    assert "field accuracy 100.0000%" in diff.output


def test_bad_file_fails_alone(tmp_path, in_root):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02 not a form")
    out = tmp_path / "f.jsonl"
    result = runner.invoke(app, ["extract", str(SAMPLES / "000_b8c562a2c440e30e.txt"), str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert "broken.txt" in result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4


def test_usage_errors_exit_2(tmp_path):
    assert runner.invoke(app, ["extract", str(tmp_path / "absent"), "-o", "-"]).exit_code == 2
    assert runner.invoke(app, ["extract"]).exit_code == 2


def test_stdout_output(in_root):
    result = runner.invoke(app, ["extract", "samples/001_5de54c583fead5ac.txt", "-o", "-"])
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 5 and json.loads(lines[0])["fiscal_year"] == 2023


def test_diff_finds_a_difference_and_samples(tmp_path, in_root):
    out = tmp_path / "f.jsonl"
    runner.invoke(app, ["extract", "samples", "-o", str(out)])
    lines = out.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[7])
    record["indicators"][0]["value"]["number"] = 12345
    lines[7] = json.dumps(record, ensure_ascii=False)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = tmp_path / "r.json"
    result = runner.invoke(app, ["diff", str(out), "samples/expected", "--json", str(report)])
    assert result.exit_code == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [d["field"] for d in data["differences"]] == ["indicators[0].value.number"]
    sampled = runner.invoke(app, ["sample-diff", str(out), "samples/expected", "--sample", "5", "--seed", "3"])
    again = runner.invoke(app, ["sample-diff", str(out), "samples/expected", "--sample", "5", "--seed", "3"])
    assert sampled.output == again.output and sampled.exit_code in (0, 1)


def test_validate_and_load(tmp_path, in_root):
    out = tmp_path / "f.jsonl"
    runner.invoke(app, ["extract", "samples", "-o", str(out)])
    result = runner.invoke(app, ["validate", str(out), "--json", str(tmp_path / "v.json")])
    summary = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))
    assert summary["forms"] == 50
    assert result.exit_code == (1 if summary["forms_with_errors"] else 0)
    loaded = runner.invoke(app, ["load", str(out), "--db", str(tmp_path / "w.duckdb")])
    assert loaded.exit_code == 0 and "forms: 50" in loaded.output


def test_schema_matches_checked_in_copy():
    """Regenerate with `jixiao schema > schemas/form.schema.json` and review the change."""
    result = runner.invoke(app, ["schema"])
    assert json.loads(result.stdout) == Form.model_json_schema()
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == Form.model_json_schema()


def test_diff_counts_the_fields_of_missing_and_extra_forms_as_wrong(tmp_path):
    expected = SAMPLES / "expected" / "000_b8c562a2c440e30e.jsonl"
    lines = expected.read_text(encoding="utf-8").splitlines()
    dropped = tmp_path / "dropped.jsonl"
    dropped.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    alone = tmp_path / "alone.jsonl"
    alone.write_text(lines[-1] + "\n", encoding="utf-8")
    whole, last = tmp_path / "whole.json", tmp_path / "last.json"
    assert runner.invoke(app, ["diff", str(expected), str(expected), "--json", str(whole)]).exit_code == 0
    assert runner.invoke(app, ["diff", str(alone), str(alone), "--json", str(last)]).exit_code == 0
    total = json.loads(whole.read_text(encoding="utf-8"))["fields_compared"]
    lost = json.loads(last.read_text(encoding="utf-8"))["fields_compared"]
    report = tmp_path / "r.json"
    result = runner.invoke(app, ["diff", str(dropped), str(expected), "--json", str(report)])
    assert result.exit_code == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["per_file"] == {"000_b8c562a2c440e30e.txt": {"right": total - lost, "total": total}}
    assert data["fields_compared"] == total and data["field_accuracy"] == round((total - lost) / total, 6)
    assert f"{total - lost}/{total}" in result.stdout
    assert "1 missing, 0 extra forms (each of their fields counted wrong)" in result.stdout
    # The other way round the form is extra, and counts the same.
    backwards = runner.invoke(app, ["diff", str(expected), str(dropped), "--json", str(report)])
    assert backwards.exit_code == 1
    assert json.loads(report.read_text(encoding="utf-8"))["per_file"]["000_b8c562a2c440e30e.txt"] == {
        "right": total - lost, "total": total}
