"""`make bench`: speed and memory of jixiao, and of the peers it names, in one run.

Prints one line per measurement:
- text: forms per second through extract + normalize in one process (one core);
- batch: files/s and forms/s of `jixiao extract` on generated archives of
  1,000 and 10,000 documents at 1 and 2 workers, with the peak RSS of the
  largest process (it must stay flat as the archive grows).
- pdf: pages/s of jixiao end to end against pdfplumber and camelot alone (`bench/pdf.py`);
- scan: seconds per page and field accuracy against img2table (`bench/scan.py`);
- layouts: field accuracy per producer and per layout feature over 300 renderings
  of the sample forms (`bench/layouts`; built once into bench/.data/layouts, kept).
"""
from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pdf, scan  # noqa: E402
from bench.archive import make_archive  # noqa: E402
from bench.layouts.build import build as build_layouts  # noqa: E402
from bench.layouts.score import score as score_layouts  # noqa: E402
from jixiao.batch import read_manifest  # noqa: E402
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


def _peak_rss(proc: subprocess.Popen) -> tuple[float, float]:
    """Poll a process tree until it ends: (largest single process, whole tree) peak RSS in MB."""
    import psutil

    root = psutil.Process(proc.pid)
    single = tree = 0.0
    while proc.poll() is None:
        try:
            sizes = [p.memory_info().rss for p in [root, *root.children(recursive=True)]]
        except psutil.Error:
            continue
        single, tree = max(single, max(sizes) / 2**20), max(tree, sum(sizes) / 2**20)
        time.sleep(0.05)
    return single, tree


def batch(folder: Path, workers: int) -> tuple[float, int, int, float, float]:
    """Run the CLI on `folder`; return (seconds, files, forms, peak process RSS, peak tree RSS)."""
    out = DATA / f"out-{folder.name}-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jixiao.cli", "extract", str(folder), "-o", str(out), "--workers", str(workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    single, tree = _peak_rss(proc)
    seconds = time.perf_counter() - started
    entries = read_manifest(out) or []
    return seconds, len(entries), sum(e["forms"] for e in entries), single, tree


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    archives = {}
    for n in (1000, 10000):
        folder = DATA / f"archive{n}"
        if not folder.exists():
            make_archive(folder, n, seed=1)
        archives[n] = folder
    files = [p for p in sorted(archives[1000].rglob("*.txt"))]
    rate, forms = text_forms_per_second(files)
    print(f"text: {forms} forms from {len(files)} generated documents, {rate:,.0f} forms/s on one core, "
          f"median of 3 passes (target 2,000: {rate / 2000:.2f}x)")
    rate, forms = text_forms_per_second(SAMPLES * 20)
    print(f"text: the 5 samples x20, {forms} forms, {rate:,.0f} forms/s on one core")
    for n, folder in archives.items():
        for workers in (1, 2):
            seconds, nfiles, nforms, single, tree = batch(folder, workers)
            print(f"batch: {n} documents, {workers} worker(s): {nfiles / seconds:,.0f} files/s, "
                  f"{nforms / seconds:,.0f} forms/s, {seconds:.1f} s wall, peak RSS {single:.0f} MB "
                  f"per process, {tree:.0f} MB all processes")
    pdf.main()
    scan.main()
    build_layouts(DATA / "layouts", range(LAYOUT_RENDERINGS), seed=1)
    score_layouts(DATA / "layouts")


if __name__ == "__main__":
    main()
