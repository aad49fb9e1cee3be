"""Shared paths and fixtures; paths are built from this file, never from the cwd."""
from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.pipeline import process_file
from jixiao.schemas.form import CheckCode, Form
from jixiao.writers import read

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
EXPECTED = SAMPLES / "expected"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))


@pytest.fixture(scope="session")
def sample_forms(tmp_path_factory) -> dict[str, list[Form]]:
    """Every sample's forms, extracted with source paths as `samples/<file>` like the CLI run from the root."""
    out = {}
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for path in SAMPLE_FILES:
            result = process_file(Path("samples") / path.name)
            assert result.status == "ok", result.error
            out[path.stem] = result.forms
    finally:
        os.chdir(cwd)
    return out


@pytest.fixture(scope="session")
def expected_forms() -> dict[str, list[Form]]:
    return {path.stem: read(EXPECTED / f"{path.stem}.jsonl") for path in SAMPLE_FILES}


def form(forms: dict[str, list[Form]], prefix: str, index: int) -> Form:
    """The form at `index` of the sample whose name starts with `prefix` (e.g. "004")."""
    (stem,) = [s for s in forms if s.startswith(prefix)]
    return forms[stem][index]


def converted_form(tmp_path: Path, text: str, name: str, extractor: str) -> Form:
    """The one form of a converted text written as `name`, read by the reader `extractor` names."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (found,) = process_file(path).forms
    assert found.source.extractor == extractor
    return found


def unaligned(found: Form) -> bool:
    """The form says its rows could not be lined up."""
    return any(c.code == CheckCode.rows_not_aligned for c in found.checks)
