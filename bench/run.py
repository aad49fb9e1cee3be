"""`make bench`: speed and memory of jixiao, and of the peers it names, in one run.

Prints one line per measurement:
- command: `jixiao extract ARCHIVE -o OUT/forms.jsonl -o OUT/` timed from
  process start to exit on generated archives of 1,000 and 10,000
  documents at 1 and 2 workers, with peak RSS per process and for all
  processes, and the ratios 2 workers / 1 worker and 10,000 / 1,000
  documents (`bench/command.py`);
- text: forms per second through extract + normalize alone in one process
  (one core), the core the command is built around;
- pdf: pages/s of jixiao end to end against pdfplumber and camelot alone (`bench/pdf.py`);
- scan: seconds per page and field accuracy against img2table (`bench/scan.py`);
- layouts: field accuracy per producer and per layout feature over 300 renderings
  of the sample forms (`bench/layouts`; built once into bench/.data/layouts, kept);
- engines: the command against pdfplumber and camelot on 30 of those PDFs, and
  on 10 of their scans, pages/s with field accuracy beside (`bench/layouts/engines.py`).
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import command, pdf, scan  # noqa: E402
from bench.archive import make_archive  # noqa: E402
from bench.layouts.build import build as build_layouts  # noqa: E402
from bench.layouts.engines import run as time_engines  # noqa: E402
from bench.layouts.score import score as score_layouts  # noqa: E402
from jixiao.pipeline import process_file  # noqa: E402

DATA = ROOT / "bench" / ".data"
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
LAYOUT_RENDERINGS = 300


def text_forms_per_second(files: list[Path], passes: int = 3) -> tuple[float, int]:
    """Forms per second through extract + normalize in this process: the median of `passes` passes.

    The first pass fills the label and value caches as an archive's first
    files do; single passes vary by about 10% on this machine.
    """
    for path in files[:5]:  # imports and first-use compilation out of the timing
        process_file(path)
    rates = []
    for _ in range(passes):
        started = time.perf_counter()
        forms = sum(len(process_file(path).forms) for path in files)
        rates.append(forms / (time.perf_counter() - started))
    return statistics.median(rates), forms


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    archives = {}
    for n in (1000, 10000):
        folder = DATA / f"archive{n}"
        if not folder.exists():
            make_archive(folder, n, seed=1)
        archives[n] = folder
    command.report(archives, (1, 2), int(os.environ.get("BENCH_REPEAT", "3")))
    files = [p for p in sorted(archives[1000].rglob("*.txt"))]
    rate, forms = text_forms_per_second(files)
    print(f"text: {forms} forms from {len(files)} generated documents, {rate:,.0f} forms/s on one core "
          f"through extract + normalize alone, in one process, median of 3 passes ({command.load()})")
    rate, forms = text_forms_per_second(SAMPLES * 20)
    print(f"text: the 5 samples x20, {forms} forms, {rate:,.0f} forms/s on one core")
    pdf.main()
    scan.main()
    build_layouts(DATA / "layouts", range(LAYOUT_RENDERINGS), seed=1)
    score_layouts(DATA / "layouts")
    time_engines(DATA / "layouts")


if __name__ == "__main__":
    main()
