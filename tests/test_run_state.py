"""A run's state beside its output: its own folder, the umask's modes, and the manifest read by validate and load."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from conftest import SAMPLES
from jixiao import batch
from jixiao.cli import app

runner = CliRunner()
FIRST, SECOND = SAMPLES / "000_b8c562a2c440e30e.txt", SAMPLES / "001_5de54c583fead5ac.txt"


def _with_a_bad_file(tmp_path: Path) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_bytes(FIRST.read_bytes())
    (inputs / "b.txt").write_bytes(b"\x00\x01 no form here")
    return inputs


def test_two_outputs_in_one_folder_keep_their_own_manifests(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["extract", str(FIRST), "-o", str(out / "a.jsonl")]).exit_code == 0
    assert runner.invoke(app, ["extract", str(SECOND), "-o", str(out / "b.jsonl")]).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.jsonl", "a.jsonl.jixiao", "b.jsonl", "b.jsonl.jixiao"]
    assert [Path(e["path"]).name for e in batch.read_manifest(out / "a.jsonl")] == [FIRST.name]
    assert [Path(e["path"]).name for e in batch.read_manifest(out / "b.jsonl")] == [SECOND.name]
    # A folder output keeps its state inside it, so moving the folder moves its manifest.
    assert runner.invoke(app, ["extract", str(FIRST), "-o", str(out / "pq")]).exit_code == 0
    assert (out / "pq" / ".jixiao" / "manifest.jsonl").is_file()
    assert len(batch.read_manifest(out / "pq")) == 1


def test_created_files_follow_the_umask(tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "jixiao.cli", "extract", str(FIRST), "-o", str(out / "f.jsonl"),
               "-o", str(out / "f.json"), "-o", str(out / "f.xlsx"), "-o", str(out / "i.csv"), "-o", str(out / "pq"),
               "-o", str(out / "csv") + "/", "--format", "csv"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, preexec_fn=lambda: os.umask(0o027))
    assert done.returncode == 0, done.stderr
    created = list(out.rglob("*"))
    files = [p for p in created if p.is_file()]
    assert len(files) > 15
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {"0o640"}
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in created if p.is_dir()} == {"0o750"}


def test_validate_counts_and_lists_the_failed_inputs(tmp_path):
    inputs = _with_a_bad_file(tmp_path)
    out = tmp_path / "out" / "f.jsonl"
    assert runner.invoke(app, ["extract", str(inputs), "-o", str(out)]).exit_code == 1
    result = runner.invoke(app, ["validate", str(out), "--json", str(tmp_path / "v.json")])
    assert result.exit_code == 1
    bad = (inputs / "b.txt").absolute()
    assert f"2 inputs, 1 failed\nfailed {bad}: " in result.stdout
    summary = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))
    assert summary["inputs"] == 2 and [f["path"] for f in summary["failed_inputs"]] == [str(bad)]


def test_validate_without_a_manifest_says_so(tmp_path):
    result = runner.invoke(app, ["validate", str(SAMPLES / "expected" / "001_5de54c583fead5ac.jsonl")])
    assert result.exit_code == 0, result.output
    assert "has no manifest: how many inputs failed is unknown" in result.stdout


def test_load_lists_the_failed_inputs_and_exits_1(tmp_path):
    inputs = _with_a_bad_file(tmp_path)
    out = tmp_path / "out"
    assert runner.invoke(app, ["extract", str(inputs), "-o", str(out)]).exit_code == 1
    result = runner.invoke(app, ["load", str(out), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1
    assert result.stdout.startswith("forms: 4, indicators: ")
    assert "2 inputs, 1 failed\nfailed " in result.stdout and "b.txt: " in result.stdout


def test_load_refuses_a_folder_that_is_no_jixiao_output(tmp_path):
    sheets = tmp_path / "sheets"
    assert runner.invoke(app, ["extract", str(FIRST), "-o", str(sheets / "f.xlsx")]).exit_code == 0
    result = runner.invoke(app, ["load", str(sheets), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {sheets}: not a jixiao output (no forms/ Parquet table, no .jsonl or .json file; "
        "spreadsheets and CSV files are not read back)\n"
    )
    assert not (tmp_path / "w.duckdb").exists()


def test_sources_are_absolute_with_a_path_relative_to_the_input_argument(tmp_path, monkeypatch):
    archive = tmp_path / "archive"
    (archive / "sub").mkdir(parents=True)
    (archive / "sub" / "x.txt").write_bytes(FIRST.read_bytes())
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "f.jsonl"
    assert runner.invoke(app, ["extract", "archive", "-o", str(out)]).exit_code == 0
    sources = [json.loads(line)["source"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert {(s["path"], s["relpath"]) for s in sources} == {(str(archive / "sub" / "x.txt"), "sub/x.txt")}
    # Named by another argument, the same file's records say so: its part is redone, not reused.
    result = runner.invoke(app, ["extract", "archive/sub/x.txt", "-o", str(out)])
    assert result.exit_code == 0 and "(0 unchanged since the last run)" in result.stderr
    sources = [json.loads(line)["source"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert {(s["path"], s["relpath"]) for s in sources} == {(str(archive / "sub" / "x.txt"), "x.txt")}
    again = runner.invoke(app, ["extract", "archive/sub/x.txt", "-o", str(out)])
    assert "(1 unchanged since the last run)" in again.stderr


def test_each_manifest_line_goes_out_with_its_input_and_nothing_is_kept(tmp_path):
    """The command writes an input's manifest line when it writes the input, and `run` returns counts only:
    nothing per input is held until the end (the memory of a run must not grow with the archive)."""
    inputs = _with_a_bad_file(tmp_path)
    files = [inputs / "a.txt", inputs / "b.txt", SECOND]
    manifest = tmp_path / "state" / batch.MANIFEST
    assembly = batch.Assembly(tmp_path / "parts", [str(tmp_path / "forms.jsonl")], [manifest])
    written: list[list[str]] = []

    def ready(located: tuple[str, dict]) -> None:
        assembly.add(located)
        tmp, fh = assembly.manifest_files[0]
        fh.flush()
        written.append([Path(json.loads(line)["path"]).name for line in tmp.read_text(encoding="utf-8").splitlines()])

    outcome = batch.run(files, tmp_path / "parts", ready)
    assert not manifest.exists()  # put in place only when the outputs are
    assembly.finish()
    assert written == [["a.txt"], ["a.txt", "b.txt"], ["a.txt", "b.txt", SECOND.name]]
    assert [Path(e["path"]).name for e in map(json.loads, manifest.read_text(encoding="utf-8").splitlines())] == [
        "a.txt", "b.txt", SECOND.name]
    # 000 prints four forms (four 项目名称 rows), 001 five; b.txt holds none
    assert (outcome.files, outcome.forms, [Path(e["path"]).name for e in outcome.failed]) == (3, 4 + 5, ["b.txt"])
    assert sorted(vars(outcome)) == ["failed", "files", "forms", "skipped"]
