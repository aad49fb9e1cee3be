"""Run an archive: parallel, incremental, resumable, on one machine or a Dask cluster.

Workers take the input files in chunks and write what they made of them as
*parts* in the state folder (`jixiao.parts`): one file per chunk (or per
PART_SECONDS of work), written under a temporary name and renamed, holding
each file's manifest entry and its records as JSON lines and Arrow rows.
The outputs are assembled from the parts in input order while the run goes
on (`Assembly`: an input is written once it and every input before it are
done, its manifest line with it), and put in place at the end. So:

- a rerun skips inputs whose latest part matches their current sha256 and
  the code that made it, and redoes changed ones (`force` redoes all);
- a kill at any moment loses at most each worker's work since its last
  part, and the same command afterwards gives exactly the output of an
  uninterrupted run: an input found in several parts is taken from the
  latest, never twice;
- workers hand back a few numbers, not records, and the command drops
  them once the input is written: memory stays flat.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
import resource
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

from jixiao import fork_server, parts
from jixiao.extract import Engine, ReadLimits
from jixiao.pipeline import process_file, relative_path
from jixiao.schemas.errors import JixiaoError
from jixiao.schemas.form import Form
from jixiao.writers import open_output, output_kind, temporary, write_spreadsheet

MANIFEST = "manifest.jsonl"
#: Files a worker is given at once at most: one part to write instead of two files per input.
CHUNK_FILES = 64
#: A worker writes a part at least this often, so a kill loses little of slow inputs (PDFs, scans).
PART_SECONDS = 5.0


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


def _run_file(path: str, limits: Limits) -> tuple[dict, list[Form]]:
    """Process one file: its manifest entry and its forms."""
    source = Path(path)
    relpath = _relpath(source, limits)
    started = time.perf_counter()
    sha = ""
    timeout = limits.timeout or 0.0
    use_alarm = bool(timeout) and hasattr(signal, "SIGALRM") and _main_thread()
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        result = process_file(source, limits.engine, limits.read, relpath)
        sha, status, error, forms = result.sha256, result.status, result.error, result.forms
    except FileTimeout:
        status, error, forms = "failed", f"{path}: stopped after the time limit of {timeout:g} s", []
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if not sha:  # a file that gave no document was not hashed on the way: its entry still says which bytes failed
        try:
            sha = _sha256(source)
        except OSError as exc:
            status, error, forms = "failed", f"{path}: cannot be read ({exc.strerror or exc})", []
    entry = Entry(
        path=path, relpath=relpath, sha256=sha, pipeline=pipeline_digest(), status=status,
        forms=len(forms), error=error,
        seconds=round(time.perf_counter() - started, 4),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )
    return asdict(entry), forms


def run_chunk(paths: list[str], state: str, generation: int, chunk: int, limits: Limits,
              tables: bool = True) -> list[tuple[str, dict]]:
    """Process a chunk of files into parts (with their Arrow tables when `tables`: see `parts.Builder`);
    (part name, file meta) per file. Runs in a worker."""
    located: list[tuple[str, dict]] = []
    part, written, piece = parts.Builder(tables), time.perf_counter(), 0
    for number, path in enumerate(paths, 1):
        part.add(*_run_file(path, limits))
        if number == len(paths) or time.perf_counter() - written >= PART_SECONDS:
            name = parts.part_name(generation, chunk, piece)
            located += [(name, meta) for meta in part.write(Path(state) / name)]
            part, written, piece = parts.Builder(tables), time.perf_counter(), piece + 1
    return located


def _relpath(path: Path, limits: Limits) -> str | None:
    return relative_path(path, limits.roots) if limits.roots else None


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


#: Allocations between collections of the youngest generation, and how often the older ones follow.
#: Python's default (700, 10, 10) collects every few rows of a form, each time walking the objects a
#: batch keeps alive (the part being built, the results): about a tenth of a text run's time.
GC_THRESHOLD = (100_000, 50, 100)


def tune_gc() -> None:
    """Collect garbage less often in a process that runs a batch (records hold no reference cycles to
    wait for): the same output and peak memory, 10% less time on converted text."""
    gc.set_threshold(*GC_THRESHOLD)


def _worker_init(memory_mb: int | None) -> None:
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    tune_gc()
    _apply_memory_limit(memory_mb)


def _still_valid(entry: dict, path: Path, limits: Limits) -> bool:
    """Whether a finished file's entry still holds for the file as it is now (and named as now), and this code."""
    if entry.get("pipeline") != pipeline_digest() or entry.get("relpath") != _relpath(path, limits):
        return False
    try:
        return entry["sha256"] == _sha256(path)
    except OSError:
        return False


@dataclass
class Outcome:
    """What a run did, in counts: each input's (part name, file meta) went to `ready`, in input order, and is
    not kept (a run of any size holds only the metas of inputs done before one still running)."""

    files: int  # inputs with a result
    forms: int
    failed: list[dict]  # the failed inputs' entries, for the command to name
    skipped: int


def run(
    files: Sequence[Path | str], state: Path, ready: Callable[[tuple[str, dict]], None], *, workers: int = 1,
    force: bool = False, limits: Limits | None = None, scheduler: str | None = None,
    progress: Callable[[dict], None] | None = None, fail_fast: bool = False, connect_timeout: float = 10.0,
    tables: bool = True,
) -> Outcome:
    """Bring every file's part up to date, giving `ready` each file's (part name, file meta) in input
    order, as soon as the file and every one before it are done: outputs are written meanwhile.

    `tables`: the parts are to hold their Arrow tables too, as a Parquet
    output takes them (a run that writes none saves the workers the work).
    With `scheduler`, the work goes to that dask.distributed cluster; its
    address is checked first, and a scheduler that does not answer within
    `connect_timeout` seconds raises `SchedulerUnreachable`.
    """
    limits = limits or Limits()
    if scheduler:
        check_scheduler_address(scheduler)
    state.mkdir(parents=True, exist_ok=True)
    known = parts.index(state)
    # Each earlier part's inputs not redone yet: a part none of whose inputs is left is dropped at the end.
    live = Counter(name for name, _ in known.values())
    made: set[str] = set()
    order = [os.fspath(path) for path in files]  # the paths' text, not the Path objects: memory per input
    # An input named twice (a folder and a file in it) is written twice: its result is kept for its last place.
    twice = {key for key, count in Counter(order).items() if count > 1}
    results: dict[str, tuple[str, dict]] = {}  # done and not yet given to `ready`
    todo: list[str] = []
    for key in order:
        if not force and key in known and _still_valid(known[key][1]["entry"], Path(key), limits):
            results[key] = known[key]
            if progress:
                progress(known[key][1]["entry"])
        else:
            todo.append(key)
    skipped = len(results)
    outcome = Outcome(0, 0, [], skipped)
    released = 0  # files handed to `ready`: a prefix of `order`

    def release(until_gap: bool) -> None:
        nonlocal released
        while released < len(order) and (order[released] in results or not until_gap):
            key = order[released]
            located = results.get(key) if key in twice else results.pop(key, None)
            if located is not None:
                entry = located[1]["entry"]
                outcome.files += 1
                outcome.forms += entry["forms"]
                if entry["status"] != "ok":
                    outcome.failed.append(entry)
                ready(located)
            released += 1

    release(until_gap=True)
    # Later parts win: this run's must sort after every earlier one, whatever the clock did.
    generation = max([time.time_ns(), *(parts.generation_of(name) + 1 for name in live)])
    for name, meta in _execute(todo, state, workers, limits, scheduler, connect_timeout, generation, tables):
        path = meta["entry"]["path"]
        results[path] = (name, meta)
        made.add(name)
        if path in known:
            live[known[path][0]] -= 1
        if progress:
            progress(meta["entry"])
        if fail_fast and meta["entry"]["status"] != "ok":
            break
        release(until_gap=True)
    release(until_gap=False)  # after --fail-fast, files past the gap that were done before it
    _drop_unused_parts(state, made | {name for name, count in live.items() if count > 0})
    return outcome


def _drop_unused_parts(state: Path, keep: set[str]) -> None:
    """Delete the parts not in `keep`: a later part holds every input of theirs, and nothing reads them any more."""
    for path in state.glob(f"*{parts.SUFFIX}"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def _chunks(todo: list[str], workers: int) -> list[list[str]]:
    """Chunks of at most CHUNK_FILES, shrinking towards the end so the workers finish together."""
    chunks, start = [], 0
    while start < len(todo):
        size = max(1, min(CHUNK_FILES, (len(todo) - start) // (4 * workers)))
        chunks.append(todo[start:start + size])
        start += size
    return chunks


def _execute(
    todo: list[str], state: Path, workers: int, limits: Limits, scheduler: str | None, connect_timeout: float,
    generation: int, tables: bool,
) -> Iterator[tuple[str, dict]]:
    if not todo:
        return
    chunks = _chunks(todo, workers)
    if scheduler:
        yield from _execute_dask(chunks, state, scheduler, limits, connect_timeout, generation, tables)
    elif workers <= 1:
        # In-process: the time limit holds, the memory limit needs a worker process.
        for number, chunk in enumerate(chunks):
            yield from run_chunk(chunk, str(state), generation, number, limits, tables)
    else:
        # Imported here: a run in the command's own process (one worker) does without them,
        # a twentieth of a CPU second at its start.
        from concurrent.futures import ProcessPoolExecutor, as_completed
        from multiprocessing import get_context

        fork_server.start(tables)  # unless the command started it already
        with ProcessPoolExecutor(
            workers, mp_context=get_context("forkserver"), initializer=_worker_init, initargs=(limits.memory_mb,)
        ) as pool:
            # Submitted in order; a future is let go once its chunk's metas are taken, or every chunk's
            # results would stay in memory until the run ends.
            pending = {
                pool.submit(run_chunk, chunk, str(state), generation, n, limits, tables)
                for n, chunk in enumerate(chunks)
            }
            try:
                for future in as_completed(pending):
                    pending.discard(future)
                    yield from future.result()
            finally:
                for future in pending:
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
    chunks: list[list[str]], state: Path, scheduler: str, limits: Limits, connect_timeout: float, generation: int,
    tables: bool,
) -> Iterator[tuple[str, dict]]:
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
        n = len(chunks)
        # No list of the futures is kept: each is let go (and its result on the cluster) once taken.
        for future in dask_completed(client.map(
            run_chunk, chunks, [str(state.resolve())] * n, [generation] * n, range(n), [limits] * n, [tables] * n,
            pure=False,
        )):
            yield from future.result()


class Assembly:
    """The requested outputs and manifests being written from the parts, one input at a time in input order.

    Given to `run` as its `ready`, JSON and Parquet outputs take each input
    while the workers read the next ones, instead of in a pass after the
    run, and each input's manifest line is written then: nothing of an input
    is kept once it is written. Nothing is in place until `finish`: the
    files are written under temporary names and `abort` removes them.
    """

    def __init__(self, state: Path, outputs: list[str], manifests: list[Path], folder_format: str = "parquet") -> None:
        self.state, self.outputs, self.manifests = state, outputs, manifests
        self.kinds = [output_kind(out, folder_format) for out in outputs]
        #: whether the parts must hold Arrow tables: only a Parquet output takes them
        self.tables = "parquet" in self.kinds
        self.reader = parts.Reader(state)
        self.opened: list = []
        self.manifest_files: list[tuple[Path, BinaryIO]] = []
        #: (part name, where its text is) of each input, for the spreadsheets' pass of their own; only when asked for
        self.spread: list[tuple[str, dict]] | None = [] if {"xlsx", "csv"} & set(self.kinds) else None
        try:
            for out, kind in zip(outputs, self.kinds, strict=True):
                if kind in ("jsonl", "json", "parquet"):
                    self.opened.append(open_output(out, kind))
            for manifest in manifests:
                tmp = temporary(manifest)
                self.manifest_files.append((tmp, tmp.open("wb")))
        except BaseException:
            self.abort()
            raise

    def add(self, located: tuple[str, dict]) -> None:
        """One input's records, from its part, and its manifest line."""
        name, meta = located
        if self.opened:
            piece = self.reader.piece(name, meta)
            for output in self.opened:
                output.add(piece)
        if self.spread is not None:
            self.spread.append((name, {"text": meta["text"]}))
        line = (json.dumps(meta["entry"], ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        for _, fh in self.manifest_files:
            fh.write(line)

    def abort(self) -> None:
        for output in self.opened:
            output.abort()
        for tmp, fh in self.manifest_files:
            fh.close()
            tmp.unlink(missing_ok=True)

    def finish(self) -> None:
        """Put the outputs in place, write the spreadsheets (they take records, in a pass of their own),
        then put the manifests in place."""
        for output in self.opened:
            output.close()
        for out, kind in zip(self.outputs, self.kinds, strict=True):
            if kind in ("xlsx", "csv"):
                pieces = parts.pieces(self.spread or [], self.state)
                records = (json.loads(line) for piece in pieces for line in piece.text().splitlines())
                write_spreadsheet(records, out, kind)
        for (tmp, fh), manifest in zip(self.manifest_files, self.manifests, strict=True):
            fh.close()
            os.replace(tmp, manifest)

