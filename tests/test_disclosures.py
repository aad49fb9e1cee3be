"""Real budget disclosures (部门预算公开): no form from one without target tables,
exactly its forms from one that holds them among other tables.

The two PDFs in samples/realworld/ are published disclosures used unchanged
(see samples/realworld/README.md): 23 and 33 pages of budget tables,
explanations and prose that speak of performance targets, and no target
table. The mixed document is one of them with the pages of a rendered
sample document appended, as a disclosure carries its 附件 at the end: it
must give that document's forms, equal to their hand-verified records, and
nothing from the pages before.
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import EXPECTED, ROOT, SAMPLES
from jixiao.diff import compare
from jixiao.pipeline import process_file
from jixiao.writers import read

REALWORLD = SAMPLES / "realworld"
DISCLOSURES = [
    "negative-shanghai-putuo-justice-2026-dept-budget.pdf", "negative-jiangsu-procuratorate-2019-dept-budget.pdf"
]
FORMS_PDF = ROOT / "tests" / "fixtures" / "native" / "001_5de54c583fead5ac.pdf"


@pytest.mark.parametrize("name", DISCLOSURES)
def test_a_disclosure_without_target_tables_gives_no_record(name: str) -> None:
    result = process_file(REALWORLD / name)
    assert result.status == "failed" and not result.forms
    assert result.error == (
        f"{(REALWORLD / name).as_posix()}: no target table found "
        "(no table holds 项目名称 or 部门名称 and an indicator block)"
    )


def test_a_disclosure_with_target_tables_at_its_end_gives_exactly_those(tmp_path: Path) -> None:
    document = pdfium.PdfDocument(REALWORLD / DISCLOSURES[0])
    budget_pages = len(document)
    forms = pdfium.PdfDocument(FORMS_PDF)
    document.import_pages(forms)
    mixed = tmp_path / "disclosure-with-forms.pdf"
    document.save(mixed)
    result = process_file(mixed)
    assert result.status == "ok", result.error
    assert all(f.source.page_start > budget_pages for f in result.forms)
    report = compare(result.forms, read(EXPECTED / "001_5de54c583fead5ac.jsonl"), ignore_source=True)
    assert report.ok, report.differences[:5] or (report.missing, report.extra)


def test_page_break_mends_are_recorded_on_the_form() -> None:
    """Word breaks rows across pages in one sample PDF and never in another (tests/fixtures/native/README.md):
    each join is said in source.mends. In the other, the merged 成本指标 cell runs over a page break with
    its label printed on the second page only: that label moved up to the row above the break is the one
    mend said. A document with no break mended says none."""
    native = ROOT / "tests" / "fixtures" / "native"
    broken = [m for f in process_file(native / "002_97939f2dd7b43a77.pdf").forms for m in f.source.mends]
    assert broken and all("跨页断开的行已接回" in m for m in broken)
    moved = [m for f in process_file(native / "004_da4cdc7d767984fe.pdf").forms for m in f.source.mends]
    assert moved == ["第10页: 跨页合并单元格的文字“成本指标(必填硬性指标)”已移回上一页"]
    assert not any(f.source.mends for f in process_file(native / "001_5de54c583fead5ac.pdf").forms)
