"""Run an archive: parallel, incremental, resumable, on one machine or a Dask cluster.

Each input file's result is written as a *part* in the state folder: its
records (JSON lines) and then its meta (status, sha256, error, timings),
each through a temporary name and a rename. A part whose meta exists is
finished. The final outputs and the manifest are then assembled from the
parts in input order. So:

- a rerun skips inputs whose part matches their current sha256 and redoes
  changed ones (`force` redoes all);
- a kill at any moment loses at most the files in flight, and the same
  command afterwards gives exactly the output of an uninterrupted run;
- workers hand back a few numbers, not records: memory stays flat.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import resource
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from jixiao.extract import Engine, ReadLimits
from jixiao.pipeline import process_file, relative_path
from jixiao.schemas.errors import JixiaoError
from jixiao.writers import atomic_write, json_line, output_kind, write_lines, write_tables

MANIFEST = "manifest.jsonl"


def state_folder(output: str, folder: bool) -> Path:
    """Where a run keeps its parts and manifest: one folder named for its output.

    Inside a folder output (`out/.jixiao/`), beside a file output
    (`out/forms.jsonl.jixiao/`): two outputs in one folder never share a
    manifest, and moving a folder output moves its state with it.
    """
    path = Path(output)
    return path / ".jixiao" if folder else path.with_name(path.name + ".jixiao")


def read_manifest(output: Path) -> list[dict] | None:
    """The manifest of the run that wrote `output` (a file or folder), None when it has none."""
    path = state_folder(str(output), output.is_dir()) / MANIFEST
    if not path.is_file():
        return None
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Limits:
    """Per-file bounds so one pathological input cannot stall or sink the archive."""

    timeout: float | None = 300.0  # seconds of processing per file
    memory_mb: int | None = 4096  # address space per worker process
    engine: Engine = "auto"  # PDF table finder
    read: ReadLimits = field(default_factory=ReadLimits)  # bytes, pages and pixels per file
    roots: tuple[Path, ...] = ()  # the input arguments, absolute: each record's source.relpath is taken from them


@functools.cache
def pipeline_digest() -> str:
    """A digest of the code that made a part: a part made by other code is redone.

    Hashes every module of the four packages, so an upgrade or a local fix
    invalidates earlier results without anyone remembering to pass --force.
    """
    import jixiao
    import jixiao.extract
    import jixiao.normalize
    import jixiao.schemas

    digest = hashlib.sha256()
    for package in (jixiao, jixiao.extract, jixiao.normalize, jixiao.schemas):
        folder = Path(package.__path__[0])
        for module in sorted(folder.glob("*.py")):
            digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Entry:
    """One manifest line: what happened to one input."""

    path: str
    relpath: str | None
    sha256: str
    pipeline: str
    status: str
    forms: int
    error: str | None
    seconds: float
    peak_rss_mb: float


class FileTimeout(BaseException):
    """Raised inside a worker when a file runs past its time limit.

    A BaseException so that the per-file error handling, which turns every
    Exception into a failed result, cannot swallow the limit.
    """


def part_key(path: str) -> str:
    """The part's name: stable for the same input path."""
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:24]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _on_alarm(signum: int, frame: object) -> None:
    raise FileTimeout()


def _apply_memory_limit(memory_mb: int | None) -> None:
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_one(path: str, state: str, limits: Limits) -> dict:
    """Process one file into its part; return its manifest entry. Runs in a worker."""
    source = Path(path)
    part = Path(state) / part_key(path)
    started = time.perf_counter()
    sha = ""
    timeout = limits.timeout or 0.0
    use_alarm = bool(timeout) and hasattr(signal, "SIGALRM") and _main_thread()
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        sha = _sha256(source)
        result = process_file(source, limits.engine, limits.read, _relpath(source, limits))
        status, error, forms = result.status, result.error, result.forms
    except FileTimeout:
        status, error, forms = "failed", f"{path}: stopped after the time limit of {timeout:g} s", []
    except OSError as exc:
        status, error, forms = "failed", f"{path}: cannot be read ({exc.strerror or exc})", []
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    lines = "".join(json_line(f) + "\n" for f in forms)
    atomic_write(part.with_suffix(".jsonl"), lambda tmp: tmp.write_text(lines, encoding="utf-8"))
    entry = Entry(
        path=path, relpath=_relpath(source, limits), sha256=sha, pipeline=pipeline_digest(), status=status,
        forms=len(forms), error=error,
        seconds=round(time.perf_counter() - started, 4),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )
    meta = json.dumps(asdict(entry), ensure_ascii=False)
    atomic_write(part.with_suffix(".meta.json"), lambda tmp: tmp.write_text(meta, encoding="utf-8"))
    return asdict(entry)


def _relpath(path: Path, limits: Limits) -> str | None:
    return relative_path(path, limits.roots) if limits.roots else None


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _worker_init(memory_mb: int | None) -> None:
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    _apply_memory_limit(memory_mb)


def _done(path: Path, state: Path, force: bool, limits: Limits) -> dict | None:
    """The finished part's entry when it is still valid for the file as it is now (and named as now)."""
    meta = (state / part_key(path.as_posix())).with_suffix(".meta.json")
    if force or not meta.is_file():
        return None
    entry = json.loads(meta.read_text(encoding="utf-8"))
    if entry.get("pipeline") != pipeline_digest() or entry.get("relpath") != _relpath(path, limits):
        return None
    try:
        if entry["sha256"] != _sha256(path):
            return None
    except OSError:
        return None
    return entry


@dataclass
class Outcome:
    entries: list[dict]
    forms: int
    failed: list[dict]
    skipped: int


def run(
    files: list[Path], state: Path, *, workers: int = 1, force: bool = False, limits: Limits | None = None,
    scheduler: str | None = None, progress: Callable[[dict], None] | None = None, fail_fast: bool = False,
    connect_timeout: float = 10.0,
) -> Outcome:
    """Bring every file's part up to date; returns the entries in input order.

    With `scheduler`, the work goes to that dask.distributed cluster; its
    address is checked first, and a scheduler that does not answer within
    `connect_timeout` seconds raises `SchedulerUnreachable`.
    """
    limits = limits or Limits()
    if scheduler:
        check_scheduler_address(scheduler)
    state.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict] = {}
    todo: list[str] = []
    for path in files:
        done = _done(path, state, force, limits)
        if done is not None:
            entries[path.as_posix()] = done
            if progress:
                progress(done)
        else:
            todo.append(path.as_posix())
    skipped = len(entries)
    for entry in _execute(todo, state, workers, limits, scheduler, connect_timeout):
        entries[entry["path"]] = entry
        if progress:
            progress(entry)
        if fail_fast and entry["status"] != "ok":
            break
    ordered = [entries[p.as_posix()] for p in files if p.as_posix() in entries]
    failed = [e for e in ordered if e["status"] != "ok"]
    return Outcome(ordered, sum(e["forms"] for e in ordered), failed, skipped)


def _execute(todo: list[str], state: Path, workers: int, limits: Limits, scheduler: str | None,
             connect_timeout: float) -> Iterator[dict]:
    if not todo:
        return
    if scheduler:
        yield from _execute_dask(todo, state, scheduler, limits, connect_timeout)
    elif workers <= 1:
        # In-process: the time limit holds, the memory limit needs a worker process.
        for path in todo:
            yield run_one(path, str(state), limits)
    else:
        context = get_context("forkserver")
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_worker_init, initargs=(limits.memory_mb,)
        ) as pool:
            futures = [pool.submit(run_one, path, str(state), limits) for path in todo]
            try:
                for future in as_completed(futures):
                    yield future.result()
            finally:
                for future in futures:
                    future.cancel()


class SchedulerUnreachable(JixiaoError):
    """A --scheduler address that is malformed or where no dask scheduler answers."""


def check_scheduler_address(address: str) -> None:
    """A scheduler address must be PROTOCOL://HOST:PORT with a protocol dask knows (tcp://, tls://, ...)."""
    from distributed.comm import parse_address
    from distributed.comm.registry import get_backend

    try:
        protocol, location = parse_address(address)
        get_backend(protocol)
        host, _, port = location.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError("no HOST:PORT")
    except ValueError as exc:
        raise SchedulerUnreachable(f"{address}: not a scheduler address ({exc}); expected tcp://HOST:PORT") from exc


def _execute_dask(
    todo: list[str], state: Path, scheduler: str, limits: Limits, connect_timeout: float
) -> Iterator[dict]:
    """The same parts, written by the cluster's workers to shared storage.

    Paths sent are absolute (the CLI makes inputs absolute): a worker's
    working folder is not the client's.
    """
    from distributed import Client
    from distributed import as_completed as dask_completed

    try:
        client = Client(scheduler, timeout=connect_timeout)
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachable(f"{scheduler}: no dask scheduler answered within {connect_timeout:g} s") from exc
    with client:
        n = len(todo)
        futures = client.map(run_one, todo, [str(state.resolve())] * n, [limits] * n, pure=False)
        for future in dask_completed(futures):
            yield future.result()


def lines_of(entries: list[dict], state: Path) -> Iterator[str]:
    """Every record of the run as its JSON line, read back from the parts in input order."""
    for entry in entries:
        part = (state / part_key(entry["path"])).with_suffix(".jsonl")
        with part.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield line.rstrip("\n")


def assemble(
    outcome: Outcome, state: Path, outputs: list[str], manifests: list[Path], folder_format: str = "parquet"
) -> None:
    """Write every requested output from the parts, and the manifest to each of `manifests`."""
    for out in outputs:
        kind = output_kind(out, folder_format)
        if kind in ("jsonl", "json"):
            write_lines(lines_of(outcome.entries, state), out)
        else:
            write_tables((json.loads(line) for line in lines_of(outcome.entries, state)), out, kind)
    text = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in outcome.entries)
    for manifest in manifests:
        atomic_write(manifest, lambda tmp: tmp.write_text(text, encoding="utf-8"))
