"""The `jixiao` command line: extract, schema, diff, sample-diff, validate, review, load.

Exit status: 0 when all is well, 1 when something was found wrong (an input
failed, outputs differ, checks found errors), 2 for a usage error. Every
error a user can cause is one line on stderr, never a traceback.

rich (a twentieth of a CPU second to import) is imported by the commands
that print its tables, and by `extract` only for a progress bar on a
terminal: a run writing to a file or a pipe starts without it.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from jixiao import __version__, batch, writers
from jixiao import diff as differ
from jixiao.extract import ReadLimits
from jixiao.pipeline import walk
from jixiao.schemas.errors import JixiaoError
from jixiao.schemas.form import Form, Severity

if TYPE_CHECKING:
    from rich.console import Console


class PdfEngine(str, Enum):
    auto = "auto"
    pdfplumber = "pdfplumber"
    camelot = "camelot"


class BadArgument(JixiaoError):
    """An argument the command cannot use: a usage error (exit 2)."""


class FolderFormat(str, Enum):
    parquet = "parquet"
    csv = "csv"


class _Commands(TyperGroup):
    """The command group, reporting every error a user can cause on one line.

    Usage errors of the parser (a bad option value, a missing argument) and
    a `JixiaoError` a command lets through (a path that is no jixiao output,
    an output name of no known kind, a scheduler out of reach) exit 2.
    Anything else is a bug: still one line (exit 1), so that no traceback
    reaches a user.
    """

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False,
                                windows_expand_args=windows_expand_args, **extra)
        except Exception as exc:  # noqa: BLE001 - the last guard before a user would see a traceback
            code = _report(exc)
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _report(exc: Exception) -> int:
    """Say what went wrong on one line of stderr; return the exit status.

    The parser's errors are told apart by their shape, not their class:
    typer ships its own copy of click's exception classes.
    """
    if type(exc).__name__ == "NoArgsIsHelpError":
        return 2  # the help is already printed
    if isinstance(exc, JixiaoError):
        return _fail(str(exc), 2)
    if isinstance(exc, typer.Abort):
        return _fail("aborted", 1)
    exit_code = getattr(exc, "exit_code", None)
    if hasattr(exc, "format_message") and isinstance(exit_code, int):
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        return _fail(exc.format_message() + hint, exit_code)
    return _fail(f"unexpected {type(exc).__name__}: {exc} (a bug in jixiao: please report it)", 1)


def _fail(message: str, code: int) -> int:
    typer.echo("error: " + " ".join(message.split()), err=True)
    return code


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"jixiao {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="print the version and exit")] = False,
) -> None:
    """Budget performance target tables (项目支出预算绩效目标表) to validated records.

    Exit status: 0 when all is well, 1 when something was found wrong (an
    input failed, outputs differ, checks found errors), 2 for a usage error.
    """


def _read(path: Path) -> list[Form]:
    if not path.exists():
        raise BadArgument(f"{path}: no such file or folder")
    return writers.read(path)


def _run_inputs(out: Path) -> tuple[int | None, list[dict]]:
    """How many inputs the run that wrote `out` had (None without a manifest) and its failed entries."""
    entries = batch.read_manifest(out)
    if entries is None:
        return None, []
    return len(entries), [e for e in entries if e["status"] != "ok"]


def _say_failures(console: Console, out: Path, inputs: int | None, failed: list[dict]) -> None:
    from rich.markup import escape

    if inputs is None:
        console.print(f"{escape(str(out))} has no manifest: how many inputs failed is unknown", soft_wrap=True)
        return
    console.print(f"{inputs} inputs, {len(failed)} failed")
    for entry in failed:
        console.print(f"[red]failed[/red] {escape(entry['error'] or entry['path'])}", soft_wrap=True)


def _cannot_write(path: Path | str, exc: OSError) -> BadArgument:
    """An output that cannot be written is a bad argument: say which file or folder refused."""
    reason = exc.strerror or str(exc)
    if exc.filename is not None and str(exc.filename) != str(path):
        reason += f": {exc.filename}"
    return BadArgument(f"{path}: cannot write ({reason})")


def _write_json(path: Path, data: dict) -> None:
    try:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as exc:
        raise _cannot_write(path, exc) from exc


def _output_argument(metavar: str, what: str) -> Any:
    """A positional argument naming a jixiao output, with help saying which kinds are read."""
    return typer.Argument(
        metavar=metavar, show_default=False,
        help=f"{what}: FILE.jsonl, FILE.json, a Parquet FOLDER/ or a folder of JSON lines",
    )


_Output = Annotated[Path, _output_argument("OUT", "a run's output")]
_Actual = Annotated[Path, _output_argument("ACTUAL", "the output to check")]
_Expected = Annotated[Path, _output_argument("EXPECTED", "the output it should equal")]


@app.command()
def extract(
    inputs: Annotated[
        list[Path],
        typer.Argument(metavar="INPUT", help="files or folders to read (folders are walked)", show_default=False),
    ],
    out: Annotated[list[str], typer.Option(
        "-o", "--out", metavar="OUT", show_default=False,
        help="where to write, repeatable: FILE.jsonl, FILE.json, - (JSON lines on stdout), FILE.xlsx (a sheet per "
             "table), FILE.csv (the indicators table), or FOLDER/ (Parquet tables, or CSV files with --format csv)",
    )],
    folder_format: Annotated[FolderFormat, typer.Option(
        "--format", help="what a FOLDER/ output holds: parquet (one dataset per table) or csv (one file per table)",
    )] = FolderFormat.parquet,
    workers: Annotated[
        int, typer.Option(min=1, metavar="N", help="number of processes working in parallel, 1 or more")
    ] = 1,
    force: Annotated[bool, typer.Option("--force", help="redo every file, even those done in an earlier run")] = False,
    timeout: Annotated[
        float, typer.Option(min=0, metavar="SECONDS", help="seconds allowed per file, 0 for no limit")
    ] = 300.0,
    max_memory_mb: Annotated[
        int,
        typer.Option(min=0, metavar="MB", help="MB of memory per worker process, 0 for no limit (needs --workers 2+)"),
    ] = 4096,
    scheduler: Annotated[str | None, typer.Option(
        metavar="ADDRESS", show_default=False,
        help="run on a dask.distributed cluster: its scheduler's address, tcp://HOST:PORT (see the README)",
    )] = None,
    connect_timeout: Annotated[float, typer.Option(
        min=0.1, metavar="SECONDS", help="seconds to wait for the --scheduler to answer",
    )] = 10.0,
    engine: Annotated[
        PdfEngine, typer.Option(help="PDF table finder: auto (pdfplumber, then camelot), pdfplumber or camelot")
    ] = PdfEngine.auto,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="stop at the first file that fails")] = False,
    max_bytes: Annotated[
        int, typer.Option(min=1, metavar="BYTES", help="bytes per file, 1 or more; larger files fail unread")
    ] = ReadLimits.max_bytes,
    max_pages: Annotated[
        int, typer.Option(min=1, metavar="PAGES", help="pages per PDF or multi-page image, 1 or more")
    ] = ReadLimits.max_pages,
    max_pixels: Annotated[
        int,
        typer.Option(min=1, metavar="PIXELS", help="pixels per scanned page (read from the image header), 1 or more"),
    ] = ReadLimits.max_pixels,
) -> None:
    """Extract every form from INPUTS and write them to OUT."""
    batch.tune_gc()
    missing = [p for p in inputs if not p.exists()]
    if missing:
        raise BadArgument(", ".join(f"{p}: no such file or folder" for p in missing))
    # Absolute before anything is sent anywhere: a cluster's workers run in other folders,
    # and records must find their sources again from wherever they are read.
    inputs = [Path(os.path.abspath(p)) for p in inputs]
    folders = [writers.is_folder(target, writers.output_kind(target, folder_format.value)) for target in out]
    if folder_format is not FolderFormat.parquet and not any(folders):
        raise BadArgument(f"--format {folder_format.value} is for FOLDER/ outputs, and no -o names a folder")
    files = [path.as_posix() for path in walk(inputs)]  # text: a Path object per input costs 400 bytes
    # Each output gets the run's manifest in its own state folder; the parts live in the first one.
    states = [batch.state_folder(target, folder) for target, folder in zip(out, folders, strict=True) if target != "-"]
    scratch = None if states else tempfile.TemporaryDirectory(prefix="jixiao-")
    parts = Path(scratch.name) if scratch is not None else states[0] / "parts"
    limits = batch.Limits(
        timeout=timeout or None, memory_mb=max_memory_mb or None, engine=engine.value,
        read=ReadLimits(max_bytes=max_bytes, max_pages=max_pages, max_pixels=max_pixels), roots=tuple(inputs),
    )
    with _progress(len(files)) as advance:
        try:
            assembly = batch.Assembly(parts, out, [state / batch.MANIFEST for state in states], folder_format.value)
            try:
                outcome = batch.run(
                    files, parts, assembly.add, workers=workers, force=force, limits=limits, scheduler=scheduler,
                    progress=advance, fail_fast=fail_fast, connect_timeout=connect_timeout, tables=assembly.tables,
                )
            except BaseException:
                assembly.abort()
                raise
            assembly.finish()
        except OSError as exc:
            raise _cannot_write(exc.filename or parts, exc) from exc
        finally:
            if scratch is not None:
                scratch.cleanup()
    typer.echo(f"{len(files)} files ({outcome.skipped} unchanged since the last run), {outcome.forms} forms, "
               f"{len(outcome.failed)} failed", err=True)
    for entry in outcome.failed:
        typer.echo(f"{typer.style('failed', fg='red')} {entry['error']}", err=True)
    raise typer.Exit(1 if outcome.failed else 0)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[dict], None]]:
    """What `extract` calls as each input is done (its manifest entry): a progress bar on stderr when it
    is a terminal, else nothing."""
    if not sys.stderr.isatty():
        yield lambda entry: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.1f} files/s"), TextColumn("{task.fields[forms]} forms"),
        TextColumn("{task.fields[failed]} failed"), TimeRemainingColumn(),
    )
    started = time.perf_counter()
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task("extracting", total=total, forms=0, failed=0, rate=0.0)
        tally = {"forms": 0, "failed": 0, "done": 0}

        def advance(entry: dict) -> None:
            tally["done"] += 1
            tally["forms"] += entry["forms"]
            tally["failed"] += entry["status"] != "ok"
            rate = tally["done"] / max(time.perf_counter() - started, 1e-9)
            bar.update(task, advance=1, forms=tally["forms"], failed=tally["failed"], rate=rate)

        yield advance


@app.command()
def schema() -> None:
    """Print the JSON Schema of a form record."""
    sys.stdout.write(json.dumps(Form.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


def _diff(
    actual: Path, expected: Path, sample_n: int | None, seed: int, json_out: Path | None, ignore_source: bool
) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    got, want = _read(actual), _read(expected)
    if sample_n is not None:
        want = differ.sample(want, sample_n, seed)
        keys = {(Path(f.source.path).stem, f.source.form_index) for f in want}
        names = {f.project_name for f in want}
        got = [f for f in got if (Path(f.source.path).stem, f.source.form_index) in keys or f.project_name in names]
    report = differ.compare(got, want, ignore_source=ignore_source)
    table = Table(title=f"{len(report.differences)} differing fields of {report.compared}")
    for column in ("form", "field", "actual", "expected"):
        table.add_column(column, overflow="fold")
    for d in report.differences[:200]:
        table.add_row(*(escape(v) for v in (d.form, d.field, repr(d.actual), repr(d.expected))))
    console = Console()
    if report.differences:
        console.print(table)
    for name in report.missing:
        console.print(f"[red]missing[/red] {escape(name)}", soft_wrap=True)
    for name in report.extra:
        console.print(f"[yellow]extra[/yellow] {escape(name)}", soft_wrap=True)
    per_file = Table(title="field accuracy per file")
    per_file.add_column("file")
    per_file.add_column("right/total", justify="right")
    per_file.add_column("accuracy", justify="right")
    for name, (right, total) in sorted(report.per_file.items()):
        per_file.add_row(escape(name), f"{right}/{total}", f"{right / total:.2%}")
    console.print(per_file)
    worst = sorted(((r / t, k) for k, (r, t) in report.per_field.items() if r < t))[:15]
    for acc, key in worst:
        console.print(f"  {escape(key)}: {acc:.2%}")
    console.print(f"field accuracy {report.accuracy:.4%}; {len(report.missing)} missing, "
                  f"{len(report.extra)} extra forms"
                  + (" (each of their fields counted wrong)" if report.missing or report.extra else ""), soft_wrap=True)
    if json_out:
        _write_json(json_out, report.to_json())
    raise typer.Exit(0 if report.ok else 1)


@app.command("diff")
def diff_command(
    actual: _Actual, expected: _Expected,
    sample_n: Annotated[
        int | None,
        typer.Option(
            "--sample", min=1, metavar="N", help="compare a random sample of N expected forms, N 1 or more",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option(metavar="SEED", help="seed of the sample, an integer")] = 0,
    json_out: Annotated[
        Path | None, typer.Option("--json", metavar="FILE", help="FILE.json to write the report to", show_default=False)
    ] = None,
    ignore_source: Annotated[
        bool,
        typer.Option(
            "--ignore-source",
            help="skip form_id, source, indicator positions and OCR confidence (other renderings of a form)",
        ),
    ] = False,
) -> None:
    """Compare two outputs field by field (exit 1 when they differ)."""
    _diff(actual, expected, sample_n, seed, json_out, ignore_source)


@app.command("sample-diff")
def sample_diff_command(
    actual: _Actual, expected: _Expected,
    sample_n: Annotated[
        int, typer.Option("--sample", min=1, metavar="N", help="how many expected forms to draw, 1 or more")
    ] = 10,
    seed: Annotated[int, typer.Option(metavar="SEED", help="seed of the sample, an integer")] = 0,
    json_out: Annotated[
        Path | None, typer.Option("--json", metavar="FILE", help="FILE.json to write the report to", show_default=False)
    ] = None,
    ignore_source: Annotated[
        bool, typer.Option("--ignore-source", help="skip form_id, source, indicator positions and OCR confidence")
    ] = False,
) -> None:
    """`diff` on a reproducible random sample of the expected forms."""
    _diff(actual, expected, sample_n, seed, json_out, ignore_source)


@app.command()
def validate(
    out: _Output,
    json_out: Annotated[
        Path | None,
        typer.Option("--json", metavar="FILE", help="FILE.json to write the summary to", show_default=False),
    ] = None,
) -> None:
    """Summarise a run: its checks per code and its failed inputs."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    forms = _read(out)
    codes = Counter((c.code.value, c.severity.value) for f in forms for c in f.checks)
    with_errors = [differ.label(f) for f in forms if any(c.severity is Severity.error for c in f.checks)]
    parsed: dict[str, list[int]] = {}
    for f in forms:
        for ind in f.indicators:
            stats = parsed.setdefault(ind.level2 or "?", [0, 0])
            stats[0] += ind.value.kind.value not in ("text", "empty")
            stats[1] += 1
    console = Console()
    inputs, failed = _run_inputs(out)
    table = Table(title=f"checks in {len(forms)} forms")
    for column in ("code", "severity", "count"):
        table.add_column(column)
    for (code, severity), count in sorted(codes.items()):
        table.add_row(code, severity, str(count))
    console.print(table)
    share = Table(title="indicators with a parsed (non-text) value")
    for column in ("level2", "parsed", "share"):
        share.add_column(column)
    for level2, (n, total) in sorted(parsed.items()):
        share.add_row(escape(level2), f"{n}/{total}", f"{n / total:.0%}")
    console.print(share)
    for name in with_errors:
        console.print(f"[red]error[/red] {escape(name)}", soft_wrap=True)
    _say_failures(console, out, inputs, failed)
    if json_out:
        summary = {
            "forms": len(forms),
            "inputs": inputs,
            "failed_inputs": [{"path": e["path"], "error": e["error"]} for e in failed],
            "checks": [{"code": c, "severity": s, "count": n} for (c, s), n in sorted(codes.items())],
            "forms_with_errors": with_errors,
            "parsed_share": {k: {"parsed": n, "total": t} for k, (n, t) in sorted(parsed.items())},
        }
        _write_json(json_out, summary)
    raise typer.Exit(1 if with_errors or failed else 0)


@app.command()
def review(
    out: _Output,
    output: Annotated[
        Path, typer.Option("-o", "--output", metavar="FILE", help="FILE.html to write")
    ] = Path("review.html"),
    sample_n: Annotated[
        int, typer.Option("--sample", min=1, metavar="N", help="how many forms to show, 1 or more")
    ] = 10,
    seed: Annotated[int, typer.Option(metavar="SEED", help="seed of the sample, an integer")] = 0,
    sources: Annotated[Path | None, typer.Option(
        metavar="FOLDER", show_default=False,
        help="the folder an archive moved to: sources are looked up there by their relative path (source.relpath)",
    )] = None,
) -> None:
    """Write an HTML page: sampled forms' sources beside fields."""
    from rich.console import Console
    from rich.markup import escape

    from jixiao.review import write_review

    forms = _read(out)
    if sources is not None and not sources.is_dir():
        raise BadArgument(f"{sources}: no such folder")
    try:
        shown, unreadable = write_review(forms, output, sample_n, seed, sources)
    except OSError as exc:
        raise _cannot_write(output, exc) from exc
    Console().print(f"{shown} forms written to {output}")
    for path, reason in unreadable.items():
        Console(stderr=True).print(f"[red]cannot read the source[/red] {escape(path)}: {escape(reason)}",
                                   soft_wrap=True)
    raise typer.Exit(1 if unreadable else 0)


@app.command()
def load(
    out: _Output,
    db: Annotated[
        Path, typer.Option("--db", metavar="FILE", help="FILE.duckdb to create or update", show_default=False)
    ],
) -> None:
    """Load or update a run in a DuckDB warehouse (an upsert)."""
    from rich.console import Console

    from jixiao import warehouse  # DuckDB only for this command: a tenth of a second at every start

    forms = _read(out)
    inputs, failed = _run_inputs(out)
    counts = warehouse.load(forms, db)
    console = Console()
    console.print(", ".join(f"{name}: {n}" for name, n in counts.items()))
    _say_failures(console, out, inputs, failed)
    raise typer.Exit(1 if failed else 0)


if __name__ == "__main__":
    app()
