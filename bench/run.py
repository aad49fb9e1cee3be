"""`make bench`: speed and memory of jixiao against the peers it names.

Prints one line per measurement. Converted text: forms per second through
extract + normalize (one process, so one core), and peak RSS as the number
of documents grows (it must stay flat: nothing accumulates per file).
"""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from jixiao.pipeline import process_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def text_forms_per_second(rounds: int) -> tuple[float, int]:
    for path in SAMPLES:  # warm caches and imports
        process_file(path)
    forms = 0
    started = time.perf_counter()
    for _ in range(rounds):
        for path in SAMPLES:
            forms += len(process_file(path).forms)
    return forms / (time.perf_counter() - started), forms


def main() -> None:
    rows = []
    for rounds in (20, 200):
        rate, forms = text_forms_per_second(rounds)
        rows.append((rounds * len(SAMPLES), forms, rate, peak_rss_mb()))
    for docs, forms, rate, rss in rows:
        print(f"text: {docs} documents, {forms} forms, {rate:,.0f} forms/s on one core, peak RSS {rss:.0f} MB")
    target = 2000
    print(f"text target {target} forms/s: {'met' if rows[-1][2] >= target else 'NOT met'} ({rows[-1][2] / target:.2f}x)")
    growth = rows[-1][3] - rows[0][3]
    print(f"peak RSS growth from {rows[0][0]} to {rows[-1][0]} documents: {growth:+.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
