"""The command against the table engines on the bed's own pages: speed, with field accuracy beside it.

`bench/pdf.py` times the reader on the 49 pages of the native fixtures. This
times what a user runs, on layouts the code was not tuned on: for COUNT
native PDFs of a built folder (equal shares of each producer) and SCANS of
its scans, on one core (the process pins itself to core 0, and its children
inherit it):

- jixiao: `jixiao extract` on a folder of just those files, timed from
  process start to exit, one worker; field accuracy of its records against
  the hand-verified ones (`score.score_rendering`);
- pdfplumber: `extract_tables` on every page of the same PDFs;
- camelot: `read_pdf(flavor="lattice", pages="all")` on the same PDFs.

An engine gives tables, not records; its accuracy is that of the records
jixiao makes from its tables written as JSON rows (the converter bench's
`json`), so all three are scored field by field alike. A fast wrong answer
is not a result: accuracy is printed on every speed line.

    python -m bench.layouts engines FOLDER [--count 30] [--scans 10]
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pdfplumber

from bench.layouts.score import Score, score_rendering
from jixiao.batch import read_manifest
from jixiao.schemas.form import Form
from jixiao.writers import read

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _pick(entries: list[dict], count: int) -> list[dict]:
    """The first `count` entries taking each kind in turn, so every producer has its share."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for entry in entries:
        by_kind[entry["kind"]].append(entry)
    picked: list[dict] = []
    queues = [list(q) for _, q in sorted(by_kind.items())]
    while len(picked) < count and any(queues):
        for queue in queues:
            if queue and len(picked) < count:
                picked.append(queue.pop(0))
    return picked


def _jixiao(folder: Path, out: Path) -> tuple[float, dict[str, list[Form]], dict[str, str]]:
    """`jixiao extract folder` from process start to exit: seconds, forms and errors by file name.

    Run as the `jixiao` command runs (`jixiao.__main__`), not `jixiao.cli`:
    the command's exit passes over the objects its imports made, and without
    that the interpreter's last collection costs a quarter of a CPU second.
    """
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "jixiao", "extract", str(folder), "-o", str(out), "--workers", "1"],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    forms: dict[str, list[Form]] = defaultdict(list)
    for form in read(out):
        forms[PurePosixPath(form.source.path).name].append(form)
    errors = {PurePosixPath(e["path"]).name: e["error"] or e["status"]
              for e in read_manifest(out) or [] if e["status"] != "ok"}
    return seconds, forms, errors


def _plumber_tables(pdf: Path) -> list:
    with pdfplumber.open(pdf) as document:
        return [page.extract_tables() for page in document.pages]


def _camelot_tables(pdf: Path) -> list:
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = camelot.read_pdf(str(pdf), flavor="lattice", pages="all")
    pages: dict[int, list] = defaultdict(list)
    for table in tables:
        pages[int(table.page)].append(table.df.values.tolist())
    return [pages[k] for k in sorted(pages)]


def _engine(pdfs: list[Path], tables_of: Callable[[Path], list], into: Path) -> float:
    """Seconds `tables_of` takes over every PDF; each PDF's tables written to `into` as JSON rows."""
    into.mkdir(parents=True, exist_ok=True)
    seconds = 0.0
    for pdf in pdfs:
        started = time.perf_counter()
        tables = tables_of(pdf)
        seconds += time.perf_counter() - started
        (into / f"{pdf.stem}.json").write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    return seconds


def _accuracy(entries: list[dict], folder: Path, forms: dict[str, list[Form]], errors: dict[str, str],
              name: Callable[[dict], str]) -> float:
    """Field accuracy over `entries`, each read from the file `name(entry)` names."""
    scores: list[Score] = []
    for entry in entries:
        expected = read(folder / "expected" / f"{entry['stem']}.jsonl")
        scores.append(score_rendering(forms.get(name(entry), []), expected, errors.get(name(entry))))
    return sum(s.right for s in scores) / max(sum(s.total for s in scores), 1)


def _staged(entries: list[dict], folder: Path, into: Path) -> Path:
    into.mkdir(parents=True)
    for entry in entries:
        source = folder / entry["file"]
        (into / source.name).symlink_to(source.resolve())
    return into


def run(folder: Path, count: int = 30, scans: int = 10) -> None:
    """Time and score the command and the two engines; print one line each and the ratios."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    entries = [json.loads(line) for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    native = _pick([e for e in entries if not e["kind"].endswith("/scan")], count)
    scanned = _pick([e for e in entries if e["kind"].endswith("/scan")], scans)
    pages = sum(e["pages"] for e in native)
    kinds = ", ".join(f"{sum(e['kind'] == k for e in native)} {k}" for k in sorted({e["kind"] for e in native}))
    print(f"engines: {len(native)} bed PDFs ({kinds}), {pages} pages, one core")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        seconds, forms, errors = _jixiao(_staged(native, folder, work / "pdf"), work / "pdf-out" / "forms.jsonl")
        ours = pages / seconds
        accuracy = _accuracy(native, folder, forms, errors, lambda e: PurePosixPath(e["file"]).name)
        print(f"engines: jixiao extract, start to exit: {ours:.1f} pages/s, {accuracy:.2%} of fields")
        rates = {}
        for label, tables_of in (("pdfplumber extract_tables", _plumber_tables), ("camelot lattice", _camelot_tables)):
            tables = work / label.split()[0]
            rate = pages / _engine([folder / e["file"] for e in native], tables_of, tables)
            _, forms, errors = _jixiao(tables, work / f"{label.split()[0]}-out" / "forms.jsonl")
            accuracy = _accuracy(native, folder, forms, errors, lambda e: f"{PurePosixPath(e['file']).stem}.json")
            rates[label] = rate
            print(f"engines: {label}: {rate:.1f} pages/s, {accuracy:.2%} of fields from its tables as JSON rows")
        print(f"engines: jixiao is {ours / rates['camelot lattice']:.1f}x camelot lattice's pages/s "
              f"(target 20x), {ours / rates['pdfplumber extract_tables']:.1f}x pdfplumber's")
        if scanned:
            scan_pages = sum(e["pages"] for e in scanned)
            seconds, forms, errors = _jixiao(_staged(scanned, folder, work / "scan"), work / "scan-out" / "forms.jsonl")
            accuracy = _accuracy(scanned, folder, forms, errors, lambda e: PurePosixPath(e["file"]).name)
            print(f"engines: jixiao extract on {len(scanned)} bed scans, {scan_pages} pages, start to exit: "
                  f"{seconds / scan_pages:.2f} s a page (target 0.8), {accuracy:.2%} of fields")
