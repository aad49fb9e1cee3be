"""All 50 sample forms against their hand-verified expectations, every field."""
from __future__ import annotations

import pytest

from conftest import EXPECTED, SAMPLE_FILES
from jixiao.diff import compare


def test_every_sample_has_an_expectation():
    """A missing expectation must fail, not silently pass."""
    assert len(SAMPLE_FILES) == 5
    for path in SAMPLE_FILES:
        assert (EXPECTED / f"{path.stem}.jsonl").is_file(), path.name


def test_fifty_forms(sample_forms, expected_forms):
    assert sum(len(v) for v in sample_forms.values()) == 50
    assert sum(len(v) for v in expected_forms.values()) == 50


@pytest.mark.parametrize("stem", [p.stem for p in SAMPLE_FILES])
def test_every_field_matches(stem, sample_forms, expected_forms):
    report = compare(sample_forms[stem], expected_forms[stem])
    assert not report.missing and not report.extra
    assert report.differences == [], "\n".join(
        f"{d.form} {d.field}: got {d.actual!r}, expected {d.expected!r}" for d in report.differences[:30]
    )
    assert report.compared > 500
