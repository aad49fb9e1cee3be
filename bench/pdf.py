"""PDF speed and raw-cell accuracy: jixiao end to end against pdfplumber and camelot alone.

Same pages for all three, one process (one core):
- jixiao: extract + normalize, records out (the default `auto` engine);
- pdfplumber: `open` + `extract_tables()` on every page;
- camelot: `read_pdf(flavor="lattice", pages="all")`.
Raw-cell accuracy: the share of the hand-verified indicator names (as
printed, `指标1:…`) and values found verbatim, after the same `tidy`, among
each engine's cells of the document.
"""
from __future__ import annotations

import json
import logging
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from jixiao.extract.clean import tidy
from jixiao.extract.pdf import extract_pdf
from jixiao.normalize import normalize_document
from jixiao.schemas.raw import RawDocument

ROOT = Path(__file__).resolve().parent.parent
PDFS = sorted((ROOT / "tests" / "fixtures" / "native").glob("*.pdf"))
EXPECTED = ROOT / "samples" / "expected"

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _expected_cells(pdf: Path, names: set[str]) -> list[str]:
    cells = []
    for line in (EXPECTED / f"{pdf.name[:20]}.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["project_name"] not in names:
            continue
        for ind in record["indicators"]:
            cells.append(tidy(f"指标{ind['seq']}:{ind['name']}" if ind["seq"] is not None else ind["name"]))
            cells.append(tidy(ind["value_raw"]))
    return [c for c in cells if c]


def _extract(pdf: Path) -> RawDocument:
    doc = extract_pdf(pdf, pdf.read_bytes(), "", "auto")
    if doc is None:
        raise ValueError(f"{pdf}: no text layer (the native fixtures all have one)")
    return doc


def jixiao_cells(pdf: Path) -> tuple[list[str], set[str]]:
    doc = _extract(pdf)
    forms = normalize_document(doc)
    cells = [c.text for form in doc.forms for row in form.rows for c in row]
    return cells, {f.project_name for f in forms}


def plumber_cells(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as document:
        return [tidy(c or "") for page in document.pages for t in page.extract_tables() for row in t for c in row]


def camelot_cells(pdf: Path) -> list[str]:
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = camelot.read_pdf(str(pdf), flavor="lattice", pages="all")
    return [tidy(c) for t in tables for row in t.df.values.tolist() for c in row]


def _timed(run: Callable[[Path], object], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for pdf in PDFS:
            run(pdf)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    if not PDFS:
        print("pdf: no fixtures under tests/fixtures/native")
        return
    pages = sum(len(pdfium.PdfDocument(p)) for p in PDFS)
    for run in (jixiao_cells, plumber_cells, camelot_cells):  # imports and caches out of the timing
        run(PDFS[0])
    seconds = {
        "jixiao end to end": _timed(lambda p: normalize_document(_extract(p))),
        "pdfplumber extract_tables": _timed(plumber_cells),
        "camelot lattice": _timed(camelot_cells, rounds=1),
    }
    for name, s in seconds.items():
        print(f"pdf: {name}: {pages / s:,.1f} pages/s ({1000 * s / pages:.1f} ms a page, {pages} pages, one core)")
    ratio = seconds["camelot lattice"] / seconds["jixiao end to end"]
    met = "met" if ratio >= 20 else "NOT met"
    print(f"pdf: jixiao end to end is {ratio:.1f}x camelot lattice's pages/s (target 20x: {met}), "
          f"{seconds['pdfplumber extract_tables'] / seconds['jixiao end to end']:.1f}x pdfplumber's")
    found = {"jixiao": [0, 0], "pdfplumber": [0, 0], "camelot": [0, 0]}
    for pdf in PDFS:
        ours, names = jixiao_cells(pdf)
        want = _expected_cells(pdf, names)
        for engine, cells in (("jixiao", ours), ("pdfplumber", plumber_cells(pdf)), ("camelot", camelot_cells(pdf))):
            have = set(cells)
            found[engine][0] += sum(c in have for c in want)
            found[engine][1] += len(want)
    for engine, (hit, total) in found.items():
        print(f"pdf: raw cells verbatim, {engine}: {hit}/{total} = {hit / total:.1%}")


if __name__ == "__main__":
    main()
