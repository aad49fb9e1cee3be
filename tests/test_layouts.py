"""The layout test bed's fixed sample: field accuracy per rendering, held by a ratchet.

tests/fixtures/layouts/ holds three dozen renderings of the hand-verified
forms under varied layouts (three producers and scans; see its README and
bench/layouts), each with the records it must give back. Every rendering is
read by the pipeline and scored as `bench.layouts.score` does (missed and
invented forms count all their fields wrong).

FLOOR is each file's accuracy as measured when the sample was made, rounded
down: the reading may only get better. When a fix lifts a file to BAR or
above, `test_the_files_below_the_bar_are_the_known_ones` fails until its
floor is raised to 1.0 here, so the gain is kept. Run with `pytest -s` to
see each file's figure and first differences.
"""
from __future__ import annotations

import json
import sys

import pytest

from conftest import ROOT
from jixiao.pipeline import process_file
from jixiao.writers import read

sys.path.insert(0, str(ROOT))
from bench.layouts.score import BAR, Score, score_rendering  # noqa: E402 - the bench and the tests score alike

LAYOUTS = ROOT / "tests" / "fixtures" / "layouts"
MANIFEST = json.loads((LAYOUTS / "manifest.json").read_text(encoding="utf-8"))

#: field accuracy each rendering must keep (measured, rounded down); raise to 1.0 as fixes land
FLOOR: dict[str, float] = {
    "0003_chromium.pdf": 1.0,
    "0032_writer.pdf": 1.0,
    "0033_chromium.pdf": 1.0,
    "0036_chromium.pdf": 1.0,
    "0053_writer.pdf": 1.0,
    "0064_calc_scan.pdf": 1.0,
    "0072_chromium.pdf": 1.0,
    "0092_writer.pdf": 1.0,
    "0093_chromium.pdf": 0.997,
    "0096_chromium.pdf": 1.0,
    "0118_calc.pdf": 1.0,
    "0119_writer.pdf": 1.0,
    "0129_chromium.pdf": 1.0,
    "0156_chromium.pdf": 1.0,
    "0170_writer.pdf": 1.0,
    "0176_writer.pdf": 1.0,
    "0181_calc.pdf": 1.0,
    "0203_writer.pdf": 1.0,
    "0233_writer.pdf": 1.0,
    "0235_calc.pdf": 1.0,
    "0253_calc.pdf": 1.0,
    "0286_calc.pdf": 1.0,
    "0325_calc.pdf": 1.0,
    "0353_writer_scan.pdf": 1.0,
    "0448_calc.pdf": 1.0,
    "0542_writer_scan.pdf": 1.0,
    "0639_chromium_scan.pdf": 1.0,
    "0743_writer.pdf": 1.0,
    "0870_chromium_scan.pdf": 1.0,
    "0911_writer_scan.jpg": 1.0,
    "0011_writer_scan.pdf": 0.997,
    "0105_chromium.pdf": 1.0,
    "0130_calc.pdf": 1.0,
    "0148_calc.pdf": 1.0,
    "0186_chromium.pdf": 1.0,
    "0189_chromium.pdf": 1.0,
    "0209_writer.pdf": 1.0,
    "0212_writer.pdf": 1.0,
    "0188_writer.pdf": 1.0,
    "0027_chromium.pdf": 1.0,
    "0043_calc.pdf": 1.0,
    "0139_calc.pdf": 1.0,
    "0014_writer.pdf": 1.0,
    "0126_chromium.pdf": 1.0,
    "0140_writer.pdf": 1.0,
    "0029_writer.pdf": 1.0,
    "0037_calc.pdf": 1.0,
    "0086_writer.pdf": 1.0,
    "0010_calc_scan.pdf": 1.0,
    "0022_calc_scan.pdf": 1.0,
    "0062_writer_scan.pdf": 0.997,
    "0086_writer_scan.jpg": 1.0,
    "0088_calc.pdf": 1.0,
    "0101_writer.pdf": 1.0,
    "0065_writer.pdf": 1.0,
    "0149_writer.pdf": 1.0,
    "0013_calc.pdf": 1.0,
    "0141_chromium.pdf": 1.0,
    "0070_calc.pdf": 1.0,
    "0097_calc.pdf": 1.0,
    "0069_chromium.pdf": 1.0,
    "0023_writer_scan.pdf": 1.0,
    "0083_writer_scan.pdf": 1.0,
    "0103_calc_scan.pdf": 0.996,
    "0005_writer.pdf": 1.0,
    "0045_chromium.pdf": 1.0,
    "0074_writer.pdf": 1.0,
    "0079_calc.pdf": 1.0,
    "0082_calc.pdf": 1.0,
    "0138_chromium.pdf": 1.0,
    "0002_writer.pdf": 1.0,
    "0084_chromium.pdf": 1.0,
    "0035_writer.pdf": 1.0,
}


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    out = {}
    for entry in MANIFEST:
        result = process_file(LAYOUTS / entry["file"])
        expected = read(LAYOUTS / "expected" / f"{entry['stem']}.jsonl")
        out[entry["file"]] = score_rendering(result.forms, expected, result.error)
    return out


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_rendering_keeps_its_accuracy(entry, scores):
    score = scores[entry["file"]]
    notes = ([f"failed: {score.error}"] if score.error else []) + [f"missing {m}" for m in score.missing]
    notes += [f"invented {m}" for m in score.extra] + score.differences[:20]
    print(f"\n{entry['file']} ({entry['kind']}): {score.accuracy:.4f}", *notes, sep="\n  ")
    assert score.accuracy >= FLOOR[entry["file"]], "\n".join(notes)


def test_every_rendering_has_a_floor():
    assert set(FLOOR) == {e["file"] for e in MANIFEST}


def test_the_files_below_the_bar_are_the_known_ones(scores):
    """A file now read right must have its floor raised (and one read wrong again is caught above)."""
    below = {name for name, score in scores.items() if score.accuracy < BAR}
    assert below == {name for name, floor in FLOOR.items() if floor < BAR}


def test_the_sample_covers_every_feature_twice():
    counts: dict[str, int] = {}
    for entry in MANIFEST:
        for feature in entry["features"]:
            counts[feature] = counts.get(feature, 0) + 1
    assert min(counts.values()) >= 2, sorted(counts.items(), key=lambda kv: kv[1])[:5]
    assert {e["kind"].split("/")[0] for e in MANIFEST} == {"chromium", "calc", "writer"}
    assert sum(e["kind"].endswith("/scan") for e in MANIFEST) >= 4


def test_a_last_row_alone_on_a_page_is_read_without_the_slower_engines() -> None:
    """0186 ends each of its four forms with one row on a page of its own, which Chromium draws with no
    border at its top: its rules close no cell. Closed where they start and end, the row is a table to
    the fast grid finder (pdfplumber and camelot are not asked), and the page it came from is mended."""
    from jixiao.extract import extract_file

    assert extract_file(LAYOUTS / "0186_chromium.pdf").extractor == "pdfplumber"


def test_a_label_printed_below_the_break_only_is_moved_up_and_the_move_is_recorded() -> None:
    """0014's merged 时效指标 cell runs over a page break and Word prints the label in the piece on
    the second page: the row above the break is 时效指标's too, and the record says where it moved."""
    result = process_file(LAYOUTS / "0014_writer.pdf")
    form = next(f for f in result.forms if f.project_name == "平罗县档案馆工作经费")
    first = next(i for i in form.indicators if i.name == "保障全县2023年文书档案整理归档")
    assert first.level2 == "时效指标" and first.page == 1
    assert any("时效指标" in mend and "已移回上一页" in mend for mend in form.source.mends), form.source.mends


@pytest.mark.parametrize("printed,stored", [
    ("400,000.00", "400000"), ("6730.00", "6730"), ("82800.92", "82800.92"), ("1,000,000.50", "1000000.5"),
    ("60", "60"), ("95%", "95%"), ("≥95%", "≥95%"), ("2024年1月", "2024年1月"), (None, None),
])
def test_the_sources_scorer_expects_an_xlsx_amount_as_the_sheet_stores_it(printed, stored) -> None:
    """The bed's sheets keep typed amounts as numbers under a format (`calc.excel_value`), and jixiao reads
    a stored number in full: the sources' scorer expects `400,000.00` from an XLSX as `400000`, and
    leaves every text the sheet keeps as text (or as a percent) as printed."""
    from bench.layouts.sources import stored_text

    assert stored_text(printed) == stored
