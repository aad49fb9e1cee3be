"""The review page as a reviewer gets it: self-contained, complete, drawn by a real browser, reproducible.

A page that loads nothing from the network can be mailed and archived; the
browser tests prove it renders (not just that a string was written), so a
missing browser fails the run instead of skipping it.
"""
from __future__ import annotations

import base64
import hashlib
import html
import re
import shutil
import subprocess
from contextlib import chdir
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from conftest import ROOT
from jixiao.cli import app
from jixiao.diff import sample
from jixiao.extract.grid import DPI as OCR_DPI
from jixiao.pipeline import process_file
from jixiao.review import write_review
from jixiao.review_fields import summarize
from jixiao.review_source import MARGIN, SCALE
from jixiao.schemas.form import Check, CheckCode, Form, Severity, Source, SourceFormat, Value, ValueKind
from jixiao.writers import write

SAMPLE_N, SEED = 5, 0
SYSTEM_HINT = "run `make system` (installs Debian's chromium and fonts-noto-cjk)"


@pytest.fixture(scope="module")
def forms(sample_forms: dict[str, list[Form]]) -> list[Form]:
    """All sample forms in file order, as `jixiao extract samples` gives them."""
    return [f for stem in sorted(sample_forms) for f in sample_forms[stem]]


@pytest.fixture(scope="module")
def review(forms: list[Form], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One page of SAMPLE_N forms, written from the root so `samples/...` source paths resolve."""
    path = tmp_path_factory.mktemp("review") / "review.html"
    with chdir(ROOT):
        assert write_review(forms, path, SAMPLE_N, SEED) == (SAMPLE_N, {})
    return path


def _write(forms: list[Form], path: Path, n: int = SAMPLE_N, seed: int = SEED) -> str:
    with chdir(ROOT):
        write_review(forms, path, n, seed)
    return path.read_text(encoding="utf-8")


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium with no network side-traffic; fails (never skips) when it or the CJK fonts are missing."""
    binary = shutil.which("chromium")
    if binary is None:
        pytest.fail(f"chromium is not installed: {SYSTEM_HINT}")
    fc_list = shutil.which("fc-list")
    fonts = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False).stdout if fc_list else ""
    if "Noto Sans CJK" not in fonts:
        pytest.fail(f"the Noto CJK fonts are not installed, the page would render as boxes: {SYSTEM_HINT}")
    command = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def _external_references(page: str) -> list[str]:
    """Every src/href/url() that would make the browser fetch something (fragments and data: URIs do not)."""
    refs = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", page, flags=re.IGNORECASE)
    refs += re.findall(r"url\(\s*['\"]?([^'\")]*)", page, flags=re.IGNORECASE)
    return [r for r in refs if not r.startswith(("#", "data:"))]


def _images(page: str) -> list[np.ndarray]:
    """The page's embedded PNGs, decoded."""
    encoded = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    return [cv2.imdecode(np.frombuffer(base64.b64decode(e), np.uint8), cv2.IMREAD_COLOR) for e in encoded]


def test_page_is_self_contained_and_shows_every_sampled_form(review: Path, forms: list[Form]) -> None:
    page = review.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page
    assert _external_references(page) == []
    for form in sample(forms, SAMPLE_N, SEED):
        assert html.escape(form.project_name or "") in page
        for ind in form.indicators:
            assert html.escape(ind.name) in page and html.escape(ind.value_raw) in page
        for check in form.checks:
            assert html.escape(check.message) in page
    assert page.count('<section class="form"') == SAMPLE_N


def test_text_source_lines_are_shown_numbered_and_linked(review: Path, forms: list[Form]) -> None:
    page = review.read_text(encoding="utf-8")
    for n, form in enumerate(sample(forms, SAMPLE_N, SEED), start=1):
        assert f'id="f{n}-L{form.source.line_start}"' in page and f'id="f{n}-L{form.source.line_end}"' in page
        for i, ind in enumerate(form.indicators):
            assert f'<a href="#f{n}-L{ind.line}">行 {ind.line}</a>' in page
            assert f'id="f{n}-i{i}"' in page
    assert 'class="tab"' in page


def test_screenshot_is_not_blank(review: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    _chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1400,3000", review.as_uri())
    assert shot.is_file() and shot.stat().st_size > 50_000
    pixels = cv2.imread(str(shot))
    assert pixels is not None and pixels.shape[:2] == (3000, 1400)
    assert float(pixels.std()) > 20.0
    dark = (pixels.mean(axis=2) < 128).mean()
    assert 0.01 < dark < 0.5, f"share of dark (text) pixels {dark:.3f}"


def test_rendered_dom_holds_the_fields(review: Path, forms: list[Form], tmp_path: Path) -> None:
    dom = _chromium(tmp_path / "profile", "--dump-dom", review.as_uri()).stdout
    for form in sample(forms, SAMPLE_N, SEED):
        assert html.escape(form.project_name or "", quote=False) in dom
        assert html.escape(form.department.name or "", quote=False) in dom
        assert str(form.fiscal_year) in dom
        assert f"{form.funds.total_yuan:,}" in dom
        assert html.escape(form.indicators[0].name, quote=False) in dom


def test_cli_review(forms: list[Form], tmp_path: Path) -> None:
    out, page = tmp_path / "forms.jsonl", tmp_path / "review.html"
    write(forms, str(out))
    with chdir(ROOT):
        result = CliRunner().invoke(app, ["review", str(out), "--sample", "3", "-o", str(page)])
    assert result.exit_code == 0, result.output
    assert "3 forms" in result.output
    assert page.read_text(encoding="utf-8").count('<section class="form"') == 3


def test_review_finds_sources_from_any_folder_and_after_the_archive_moved(tmp_path: Path) -> None:
    archive, out, page = tmp_path / "archive", tmp_path / "forms.jsonl", tmp_path / "review.html"
    archive.mkdir()
    for name in ("000_b8c562a2c440e30e.txt", "001_5de54c583fead5ac.txt"):
        shutil.copy(ROOT / "samples" / name, archive / name)
    runner = CliRunner()
    with chdir(ROOT):
        assert runner.invoke(app, ["extract", str(archive), "-o", str(out)]).exit_code == 0
    review = ["review", str(out), "--sample", "9", "-o", str(page)]
    with chdir(tmp_path.parent):  # elsewhere: the recorded absolute paths still lead to the sources
        result = runner.invoke(app, review)
    assert result.exit_code == 0, result.output
    assert "无法读取原文" not in page.read_text(encoding="utf-8")
    moved = tmp_path / "moved"
    archive.rename(moved)
    with chdir(tmp_path):
        result = runner.invoke(app, review)
    assert result.exit_code == 1
    gone = f"{archive}/000_b8c562a2c440e30e.txt"
    looked = f"looked for {gone} and 000_b8c562a2c440e30e.txt"
    assert f"cannot read the source {gone}: no such file ({looked})\n" in result.stderr
    assert result.stderr.count("cannot read the source") == 2
    assert f"无法读取原文 {gone}" in page.read_text(encoding="utf-8")
    with chdir(tmp_path):  # the archive's new place, by --sources
        result = runner.invoke(app, [*review, "--sources", str(moved)])
    assert result.exit_code == 0, result.output
    assert "无法读取原文" not in page.read_text(encoding="utf-8")
    with chdir(moved):  # or the relative paths from the current folder
        assert runner.invoke(app, review).exit_code == 0


def test_same_seed_same_bytes(forms: list[Form], tmp_path: Path) -> None:
    first = _write(forms, tmp_path / "a.html")
    assert _write(forms, tmp_path / "b.html") == first
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert _write(forms, tmp_path / "c.html", seed=SEED + 1) != first


def test_document_text_cannot_inject_html(forms: list[Form], tmp_path: Path) -> None:
    form = forms[0]
    hostile = "<script>alert(1)</script>"
    bad_ind = form.indicators[0].model_copy(update={"name": '<img src=x onerror="alert(2)">', "value_raw": "&lt;"})
    bad_check = Check(code=CheckCode.missing_value, severity=Severity.warning, message='"><b>bold</b>', indicator=0)
    attacked = form.model_copy(update={
        "project_name": hostile, "goals": ["<iframe>"], "indicators": [bad_ind, *form.indicators[1:]],
        "checks": [bad_check],
    })
    page = _write([attacked], tmp_path / "r.html")
    assert "<script" not in page and "<img src=x" not in page and "<iframe>" not in page and "<b>bold" not in page
    assert html.escape(hostile) in page and "&amp;lt;" in page


def test_unreadable_source_is_said_on_the_page(forms: list[Form], tmp_path: Path) -> None:
    gone = forms[0].model_copy(update={"source": forms[0].source.model_copy(update={"path": "samples/absent.txt"})})
    page = _write([gone], tmp_path / "r.html")
    assert "无法读取原文 samples/absent.txt" in page
    assert html.escape(gone.project_name or "") in page


def test_changed_source_is_flagged(forms: list[Form], tmp_path: Path) -> None:
    form = forms[0]
    copy = tmp_path / "edited.txt"
    copy.write_bytes((ROOT / form.source.path).read_bytes() + "\n补一行\n".encode())
    moved = form.model_copy(update={"source": form.source.model_copy(update={"path": str(copy)})})
    assert "在抽取之后已被改动" in _write([moved], tmp_path / "r.html")
    assert "在抽取之后已被改动" not in _write([form], tmp_path / "same.html")


def _pdf_form(form: Form, pdf: Path, boxes: list[tuple[float, float, float, float] | None]) -> Form:
    """`form` re-pointed at page 1 of `pdf`, its first indicators carrying `boxes`."""
    source = Source(
        path=str(pdf), sha256=hashlib.sha256(pdf.read_bytes()).hexdigest(), format=SourceFormat.pdf,
        extractor="pdfplumber", form_index=0, page_start=1, page_end=1,
    )
    indicators = [
        ind.model_copy(update={"line": None, "page": 1, "bbox": box})
        for ind, box in zip(form.indicators, boxes, strict=False)
    ]
    return form.model_copy(update={"source": source, "indicators": indicators, "checks": []})


@pytest.fixture
def blank_pdf(tmp_path: Path) -> Path:
    """A one-page 600 × 800 pt PDF, so crop sizes can be computed exactly."""
    doc = pdfium.PdfDocument.new()
    doc.new_page(600, 800)
    path = tmp_path / "form.pdf"
    doc.save(path)
    doc.close()
    return path


def test_pdf_page_is_cropped_to_the_indicators(forms: list[Form], blank_pdf: Path, tmp_path: Path) -> None:
    boxes = [(100.0, 200.0, 500.0, 220.0), (100.0, 220.0, 450.0, 260.0)]
    page = _write([_pdf_form(forms[0], blank_pdf, boxes)], tmp_path / "r.html")
    (image,) = _images(page)
    width, height = (500 - 100 + 2 * MARGIN) * SCALE, (260 - 200 + 2 * MARGIN) * SCALE
    assert image.shape[:2] == (round(height), round(width))
    assert 'id="f1-b0"' in page and 'href="#f1-b1"' in page and "第 1 页 · 表格区域" in page


def test_pdf_page_without_boxes_is_shown_whole(forms: list[Form], blank_pdf: Path, tmp_path: Path) -> None:
    page = _write([_pdf_form(forms[0], blank_pdf, [None, None])], tmp_path / "r.html")
    (image,) = _images(page)
    assert image.shape[:2] == (round(800 * SCALE), round(600 * SCALE))


@pytest.mark.parametrize(("value", "text"), [
    (Value(kind=ValueKind.percent, op=">=", number=95.0, unit="%"), "≥ 95 %"),
    (Value(kind=ValueKind.money, op="=", number=22.5, unit="万元", yuan=225000.0), "金额 22.5 万元 = 225,000 元"),
    (Value(kind=ValueKind.date, op="<=", end="2026-12"), "日期 ≤ 2026-12"),
    (Value(kind=ValueKind.date, start="2024-01", end="2024-12"), "日期 2024-01 – 2024-12"),
    (Value(kind=ValueKind.rate, op=">=", number=20.0, unit="次", per="年"), "比率 ≥ 20 次/年"),
    (Value(kind=ValueKind.text, text="有效提升"), "文字"),
    (Value(kind=ValueKind.empty), "空"),
])
def test_value_summaries(value: Value, text: str) -> None:
    assert summarize(value) == text


def test_scanned_page_is_shown_upright_with_boxes_on_the_cells(tmp_path: Path) -> None:
    """A page scanned sideways is shown as OCR read it: turned upright, cropped to each form, boxes on its text."""
    scan = ROOT / "tests" / "fixtures" / "scans" / "001_two_forms_rot90.jpg"
    sideways = cv2.imread(str(scan), cv2.IMREAD_GRAYSCALE)
    assert sideways.shape[1] > sideways.shape[0]  # the file itself lies on its side
    result = process_file(scan)
    assert result.status == "ok" and len(result.forms) == 2, result.error
    px = OCR_DPI / 72
    for number, form in enumerate(result.forms):
        page = _write([form], tmp_path / f"r{number}.html", n=1)
        (image,) = _images(page)
        assert "第 1 页 · 表格区域" in page and 'id="f1-b0"' in page
        boxes = [ind.bbox for ind in form.indicators if ind.bbox]
        x0, y0 = max(min(b[0] for b in boxes) - MARGIN, 0), max(min(b[1] for b in boxes) - MARGIN, 0)
        x1, y1 = max(b[2] for b in boxes) + MARGIN, max(b[3] for b in boxes) + MARGIN
        assert abs(image.shape[0] - (y1 - y0) * px) <= 2 and abs(image.shape[1] - (x1 - x0) * px) <= 2
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        for box in boxes:  # every indicator's box lies on ink (its text), not on blank paper
            top, left = round((box[1] - y0) * px), round((box[0] - x0) * px)
            cell = gray[top:round((box[3] - y0) * px), left:round((box[2] - x0) * px)]
            assert cell.size and cell.min() < 100, box


@pytest.mark.parametrize(
    "name", ["001_5de54c583fead5ac.docx", "000_b8c562a2c440e30e.xlsx", "002_97939f2dd7b43a77.html"]
)
def test_office_and_html_sources_are_shown_as_their_rows(name: str, tmp_path: Path) -> None:
    """Word, Excel and HTML have no page image: the rows the reader saw stand beside the fields, linked both ways."""
    result = process_file(ROOT / "tests" / "fixtures" / "native" / name)
    form = result.forms[1]
    page = _write([form], tmp_path / "r.html", n=1)
    for start_or_end in (form.source.line_start, form.source.line_end):
        assert f'id="f1-L{start_or_end}"' in page
    sheet = f"第 {form.source.page_start} 表 " if form.source.page_start is not None else ""
    for ind in form.indicators:
        assert f'<a href="#f1-L{ind.line}">{sheet}行 {ind.line}</a>' in page
    # The source rows hold the cells as read: the project name stands in a row of its own.
    name = re.escape(html.escape(form.project_name, quote=False))
    assert re.search(rf'<tr id="f1-L\d+">(?:(?!</tr>).)*项目名称(?:(?!</tr>).)*{name}', page)
