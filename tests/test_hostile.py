"""Hostile and broken inputs: a named error or records for that file, never a crash or a hang.

The corpus comes from `fixtures/make_bad_files.py`. Every file must end as
either a `JixiaoError` whose message names the file and the reason, or as
records whose source is that file; anything else raised is a bug, and
pytest-timeout turns a hang into a failure. The readers for PDFs and images
are still being written, so for those only "a named error" is asserted, not
which one.
"""
from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from fixtures.make_bad_files import FILES, SAMPLE, SAMPLE_FORMS, BadFile, big_text, make_corpus
from jixiao.cli import app
from jixiao.extract import extract_file
from jixiao.extract.clean import CACHED_CELL_CHARS, _tidy_cached, tidy
from jixiao.extract.encoding import decode
from jixiao.normalize import normalize_document
from jixiao.pipeline import process_file
from jixiao.schemas.errors import JixiaoError
from jixiao.schemas.form import Form

SAMPLE_NAME = "000_b8c562a2c440e30e.txt"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BadFile]:
    """Built once per module: the 1,000-page PDF and the PNG bomb take a moment to write."""
    return make_corpus(tmp_path_factory.mktemp("hostile"))


def read(path: Path) -> list[Form] | JixiaoError:
    """The forms of `path`, or the named error it gives; any other exception fails the test."""
    try:
        return normalize_document(extract_file(path))
    except JixiaoError as exc:
        return exc


def content(form: Form) -> dict:
    """A record without what depends on the file's bytes and name (id, source)."""
    return form.model_dump(mode="json", exclude={"form_id", "source"})


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(FILES))
def test_each_bad_file_gives_a_named_error_or_its_records(corpus: dict[str, BadFile], name: str) -> None:
    bad = corpus[name]
    outcome = read(bad.path)
    if bad.expect == "fail":
        assert isinstance(outcome, JixiaoError), f"{name} ({bad.why}) gave {len(outcome)} forms"
    elif bad.expect == "ok":
        assert not isinstance(outcome, JixiaoError), f"{name} ({bad.why}): {outcome}"
        assert len(outcome) == bad.forms
    if isinstance(outcome, JixiaoError):
        message = str(outcome)
        assert name in message and len(message) > len(str(bad.path)) + 5, message
    else:
        assert {f.source.path for f in outcome} == {bad.path.as_posix()}

    result = process_file(bad.path)
    assert result.path == bad.path.as_posix()
    if isinstance(outcome, JixiaoError):
        assert result.status == "failed" and name in result.error and not result.forms
    else:
        assert result.status == "ok" and len(result.forms) == len(outcome)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "name", ["gbk.txt", "utf16_bom.txt", "utf16le_no_bom.txt", "utf8_cut_mid_char.txt", "utf16_odd_length.txt"]
)
def test_other_encodings_give_the_same_records_as_utf8(corpus: dict[str, BadFile], name: str) -> None:
    want = [content(f) for f in read(SAMPLE)]
    got = read(corpus[name].path)
    assert [content(f) for f in got] == want


def test_utf8_cut_inside_its_last_character_is_still_utf8() -> None:
    """Regression: a UTF-8 file cut mid-character failed as "encoding could not be determined"."""
    text = "项目名称\t党委事务经费\n"
    data = text.encode("utf-8") + "指".encode()[:2]
    assert decode(data, "cut.txt") == text
    assert decode(b"\xef\xbb\xbf" + data, "cut.txt") == text


def test_utf16_cut_inside_its_last_code_unit_is_still_utf16() -> None:
    """Regression: an odd-length UTF-16 file was an UnreadableFile ("truncated data")."""
    text = "项目名称\t党委事务经费\n"
    assert decode(text.encode("utf-16") + b"\x41", "cut.txt") == text
    assert decode(text.encode("utf-16-le") + "指".encode("utf-16-le")[:1], "cut.txt") == text


def test_utf8_with_one_stray_byte_is_still_utf8(corpus: dict[str, BadFile]) -> None:
    """Regression: one invalid byte inside a UTF-8 file lost it all ("encoding could not be determined")."""
    text = decode(corpus["utf8_stray_byte.txt"].path.read_bytes(), "stray.txt")
    assert text.count("\ufffd") == 1
    assert text.replace("\ufffd", "") == SAMPLE.read_text(encoding="utf-8")


def test_a_few_bad_bytes_among_few_characters_are_not_taken_for_utf8() -> None:
    """Damaged UTF-8 is only assumed with many good characters per bad byte: GBK stays GBK."""
    gbk = "项目名称\t党委事务经费\n".encode("gbk")
    assert decode(gbk, "gbk.txt") == "项目名称\t党委事务经费\n"


def test_cut_off_table_names_the_missing_level1_categories(corpus: dict[str, BadFile]) -> None:
    """Regression: a table cut half way gave a record whose checks said nothing was missing."""
    (form,) = read(corpus["truncated_table.txt"].path)
    assert form.project_name == "党委事务经费"
    assert {i.level1 for i in form.indicators} == {"产出指标"}
    missing = [c.message for c in form.checks if c.code.value == "required_category_missing"]
    assert any("效益指标" in m for m in missing) and any("满意度指标" in m for m in missing)
    assert not any("产出指标" in m for m in missing)
    # The row the cut went through has lost its value, and says so.
    assert any(c.code.value == "missing_value" for c in form.checks)


def test_long_cells_are_not_kept_in_the_tidy_cache() -> None:
    """Regression: every cell was cached for the whole batch, a 50 MB line with its cleaned copy too."""
    long_cell = "沙坡头区 部门项目" * (CACHED_CELL_CHARS + 1)
    before = _tidy_cached.cache_info().currsize
    assert tidy(long_cell) == long_cell.replace(" ", "")
    assert _tidy_cached.cache_info().currsize == before
    assert tidy("部门 项目") == "部门项目"


@pytest.mark.timeout(180)  # about 25 s on an idle core: the limit catches a hang, not a slow machine
def test_fifty_megabytes_of_text_give_many_forms_or_a_size_error(tmp_path: Path) -> None:
    path = big_text(tmp_path / "big.txt", 50)
    copies = path.stat().st_size // SAMPLE.stat().st_size
    result = process_file(path)
    if result.status == "ok":
        assert len(result.forms) == copies * SAMPLE_FORMS
        assert {f.source.path for f in result.forms} == {path.as_posix()}
        assert len({f.form_id for f in result.forms}) == len(result.forms)
    else:
        assert "big.txt" in result.error and any(w in result.error for w in ("size", "limit", "large", "MB"))


@pytest.fixture
def mixed_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The corpus and one good sample in one folder, named relative to the working directory.

    Relative names keep each failure line short enough for the console not
    to wrap it (see the xfail test below).
    """
    monkeypatch.chdir(tmp_path)
    folder = Path("mixed")
    make_corpus(folder)
    shutil.copy(SAMPLES / SAMPLE_NAME, folder / SAMPLE_NAME)
    return folder


@pytest.mark.timeout(120)
def test_cli_on_a_mixed_folder_writes_the_good_and_names_the_bad(mixed_folder: Path) -> None:
    out = Path("out") / "forms.jsonl"
    result = CliRunner().invoke(app, ["extract", str(mixed_folder), "-o", str(out)])
    assert result.exit_code == 1, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    per_file = Counter(Path(record["source"]["path"]).name for record in records)
    assert per_file[SAMPLE_NAME] == SAMPLE_FORMS
    want = {name: spec.forms for name, spec in FILES.items() if spec.expect == "ok"}
    assert {name: n for name, n in per_file.items() if name != SAMPLE_NAME} == want
    sample_records = [r for r in records if r["source"]["path"].endswith(SAMPLE_NAME)]
    assert [r["project_name"] for r in sample_records] == [f.project_name for f in read(SAMPLE)]
    for name, spec in FILES.items():
        if spec.expect == "fail":
            assert name in result.output, f"{name} is not named in:\n{result.output}"


@pytest.mark.parametrize("relative", ["budget[bold].txt", "odd[/b]", "a" * 60 + "/" + "b" * 60 + ".txt"])
def test_cli_prints_failing_file_names_verbatim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: str) -> None:
    monkeypatch.chdir(tmp_path)
    bad = Path("in") / relative
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"not a form")
    result = CliRunner().invoke(app, ["extract", "in", "-o", "out.jsonl"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1 and bad.as_posix() in result.output
