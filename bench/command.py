"""Speed as users see it: the `jixiao extract` command timed from process start to exit.

Each run is `jixiao extract ARCHIVE -o OUT/forms.jsonl -o OUT/ --workers N`
(JSON lines and Parquet written, the manifest too) on a generated archive.
Peak memory is measured two ways:
- per process, exactly: the command's own peak from `wait4` (the kernel's
  high-water mark) and each worker's from the manifest (`peak_rss_mb`, the
  worker's high-water mark when it finished a file);
- all processes together, sampled every 50 ms (a shorter peak can be missed).
CPU seconds (the command's from `wait4`, its workers' as last sampled) are
printed too: on a loaded machine they say more than the wall clock.

The machine is shared: every figure is the median of `repeat` runs, and
the load average is printed with it.

    python bench/command.py ARCHIVE [--workers 1 2] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from jixiao.batch import read_manifest


@dataclass
class Run:
    seconds: float
    files: int
    forms: int
    process_mb: float  # the largest single process's peak RSS
    tree_mb: float  # the largest sampled sum over the command and its workers
    main_cpu: float  # CPU seconds (user + system) of the command's own process and its fork server
    workers_cpu: float  # ... of its worker processes

    @property
    def forms_per_second(self) -> float:
        return self.forms / self.seconds

    @property
    def cpu(self) -> float:
        return self.main_cpu + self.workers_cpu


def _wait_sampling(proc: subprocess.Popen) -> tuple[float, float, float, float]:
    """Wait for `proc`: its own peak RSS from the kernel and the largest sampled RSS sum of its tree (MB),
    the CPU seconds of its serial part (its own from the kernel, the fork server's as last sampled)
    and of its workers (as last sampled)."""
    root = psutil.Process(proc.pid)
    tree, cpu, serial = 0.0, {}, set()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            own = usage.ru_utime + usage.ru_stime + sum(cpu[p] for p in serial)
            return usage.ru_maxrss / 1024, tree, own, sum(cpu[p] for p in cpu if p not in serial)
        try:
            processes = [root, *root.children(recursive=True)]
            tree = max(tree, sum(p.memory_info().rss for p in processes) / 2**20)
            serial.update(p.pid for p in root.children())  # the fork server imports jixiao before any worker starts
            for p in processes[1:]:
                times = p.cpu_times()
                cpu[p.pid] = times.user + times.system
        except psutil.Error:
            pass  # a process ended between listing and reading it
        time.sleep(0.05)


def run_once(folder: Path, workers: int, out: Path) -> Run:
    """One cold run of the command into a fresh `out` (no parts from an earlier run)."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "jixiao", "extract", str(folder),
               "-o", str(out / "forms.jsonl"), "-o", str(out), "--workers", str(workers)]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    main_mb, tree_mb, main_cpu, workers_cpu = _wait_sampling(proc)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):  # 1: the generated archives hold broken files on purpose
        raise RuntimeError(f"{' '.join(command)} exited {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
    proc.stderr.close()
    entries = read_manifest(out) or []
    worker_mb = max(e["peak_rss_mb"] for e in entries)
    return Run(seconds, len(entries), sum(e["forms"] for e in entries), max(main_mb, worker_mb), max(tree_mb, main_mb),
               main_cpu, workers_cpu)


def measure(folder: Path, workers: int, repeat: int) -> Run:
    """The median run of `repeat` (by time; memory is the largest seen)."""
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-", dir=folder.parent) as scratch:
        runs = [run_once(folder, workers, Path(scratch) / "out") for _ in range(repeat)]
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    return Run(statistics.median(r.seconds for r in runs), middle.files, middle.forms,
               max(r.process_mb for r in runs), max(r.tree_mb for r in runs), middle.main_cpu, middle.workers_cpu)


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def report(archives: dict[int, Path], workers: tuple[int, ...], repeat: int) -> dict[tuple[int, int], Run]:
    """Print one line per archive and worker count, then the ratios the issue asks for; return the runs."""
    runs: dict[tuple[int, int], Run] = {}
    for n, folder in archives.items():
        for w in workers:
            before = load()
            run = runs[n, w] = measure(folder, w, repeat)
            print(f"command: {n:,} documents ({run.forms:,} forms), {w} worker(s): "
                  f"{run.forms_per_second:,.0f} forms/s, "
                  f"{run.files / run.seconds:,.0f} files/s, {run.seconds:.2f} s start to exit (median of {repeat}), "
                  f"{run.cpu:.2f} CPU s ({run.forms / run.cpu:,.0f} forms per CPU second); "
                  f"peak RSS {run.process_mb:.0f} MB per process, {run.tree_mb:.0f} MB all processes "
                  f"[{before}, then {load()}]", flush=True)
        if 1 in workers:
            for w in workers[1:]:
                ratio = runs[n, w].forms_per_second / runs[n, 1].forms_per_second
                # On a machine with w idle cores the command's own CPU is serial and the workers' divides
                # among them: a projection from CPU seconds, for when the wall clock measures the neighbours.
                projected = runs[n, 1].cpu / (runs[n, w].main_cpu + runs[n, w].workers_cpu / w)
                print(f"command: {n:,} documents, {w} workers / 1 worker: {ratio:.2f}x forms/s measured; "
                      f"{projected:.2f}x projected from CPU seconds on {w} idle cores "
                      f"(command {runs[n, w].main_cpu:.1f} s, workers {runs[n, w].workers_cpu:.1f} s)")
    sizes = sorted(archives)
    for w in workers:
        if len(sizes) > 1:
            small, large = runs[sizes[0], w], runs[sizes[-1], w]
            print(f"command: {w} worker(s), peak RSS per process {sizes[-1]:,} / {sizes[0]:,} documents: "
                  f"{large.process_mb / small.process_mb:.2f}x ({small.process_mb:.0f} -> {large.process_mb:.0f} MB)")
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archives", nargs="+", type=Path)
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    archives = {sum(1 for p in a.rglob("*") if p.is_file()): a for a in args.archives}
    report(archives, tuple(args.workers), args.repeat)


if __name__ == "__main__":
    main()
