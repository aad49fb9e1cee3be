"""The `jixiao` command line (CONTRACT.md): extract, schema, diff, validate, load.

Exit status: 0 when all is well, 1 when something was found wrong (an input
failed, outputs differ, checks found errors), 2 for a usage error.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from jixiao import diff as differ
from jixiao import batch, warehouse, writers
from jixiao.extract import ReadLimits
from jixiao.pipeline import walk
from jixiao.schemas.form import Form, Severity

class PdfEngine(str, Enum):
    auto = "auto"
    pdfplumber = "pdfplumber"
    camelot = "camelot"


app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
err = Console(stderr=True)


def _usage(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    return typer.Exit(2)


def _read(path: Path) -> list[Form]:
    if not path.exists():
        raise _usage(f"{path}: no such file or folder")
    return writers.read(path)


def _state_folder(out: list[str]) -> tuple[Path | None, Path | None]:
    """Where parts and the manifest live: the first folder output, else beside the first file."""
    for target in out:
        if writers.output_kind(target) == "parquet":
            return Path(target) / batch.STATE_DIR, Path(target) / batch.MANIFEST
    for target in out:
        if target != "-":
            return Path(target).parent / batch.STATE_DIR, Path(target).parent / batch.MANIFEST
    return None, None


@app.command()
def extract(
    inputs: Annotated[list[Path], typer.Argument(help="files or folders (folders are walked)")],
    out: Annotated[list[str], typer.Option("-o", "--out", help="*.jsonl, *.json, -, or a folder/*.parquet for Parquet; repeatable")],
    workers: Annotated[int, typer.Option(min=1, help="processes working in parallel")] = 1,
    force: Annotated[bool, typer.Option(help="redo every file, even those done in an earlier run")] = False,
    timeout: Annotated[float, typer.Option(help="seconds allowed per file (0: no limit)")] = 300.0,
    max_memory_mb: Annotated[int, typer.Option(help="memory per worker process in MB (0: no limit; needs --workers 2+)")] = 4096,
    scheduler: Annotated[str | None, typer.Option(help="a dask.distributed scheduler, e.g. tcp://host:8786")] = None,
    engine: Annotated[PdfEngine, typer.Option(help="PDF table finder: auto tries pdfplumber, then camelot")] = PdfEngine.auto,
    fail_fast: Annotated[bool, typer.Option(help="stop at the first file that fails")] = False,
    max_bytes: Annotated[int, typer.Option(min=1, help="bytes per file; larger files fail unread")] = ReadLimits.max_bytes,
    max_pages: Annotated[int, typer.Option(min=1, help="pages per PDF or multi-page image")] = ReadLimits.max_pages,
    max_pixels: Annotated[int, typer.Option(min=1, help="pixels per scanned page, read from the image header")] = ReadLimits.max_pixels,
) -> None:
    """Extract every form from INPUTS and write them to OUT (incremental and resumable)."""
    missing = [p for p in inputs if not p.exists()]
    if missing:
        raise _usage(", ".join(f"{p}: no such file or folder" for p in missing))
    files = walk(inputs)
    state, manifest = _state_folder(out)
    scratch = None
    if state is None:
        scratch = tempfile.TemporaryDirectory(prefix="jixiao-")
        state = Path(scratch.name)
    limits = batch.Limits(
        timeout=timeout or None, memory_mb=max_memory_mb or None, engine=engine.value,
        read=ReadLimits(max_bytes=max_bytes, max_pages=max_pages, max_pixels=max_pixels),
    )
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]:.1f} files/s"),
        TextColumn("{task.fields[forms]} forms"), TextColumn("{task.fields[failed]} failed"), TimeRemainingColumn(),
    )
    started = time.perf_counter()
    with Progress(*columns, console=err, disable=not err.is_terminal) as bar:
        task = bar.add_task("extracting", total=len(files), forms=0, failed=0, rate=0.0)
        tally = {"forms": 0, "failed": 0, "done": 0}

        def advance(entry: dict) -> None:
            tally["done"] += 1
            tally["forms"] += entry["forms"]
            tally["failed"] += entry["status"] != "ok"
            rate = tally["done"] / max(time.perf_counter() - started, 1e-9)
            bar.update(task, advance=1, forms=tally["forms"], failed=tally["failed"], rate=rate)

        outcome = batch.run(
            files, state, workers=workers, force=force, limits=limits, scheduler=scheduler, progress=advance,
            fail_fast=fail_fast,
        )
    batch.assemble(outcome, state, out, manifest)
    if scratch is not None:
        scratch.cleanup()
    err.print(f"{len(files)} files ({outcome.skipped} unchanged since the last run), {outcome.forms} forms, "
              f"{len(outcome.failed)} failed")
    for entry in outcome.failed:
        err.print(f"[red]failed[/red] {escape(entry['error'])}", soft_wrap=True)
    raise typer.Exit(1 if outcome.failed else 0)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a form record."""
    sys.stdout.write(json.dumps(Form.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


def _diff(actual: Path, expected: Path, sample_n: int | None, seed: int, json_out: Path | None, ignore_source: bool) -> None:
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
    console.print(f"field accuracy {report.accuracy:.4%}; {len(report.missing)} missing, {len(report.extra)} extra forms")
    if json_out:
        json_out.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    raise typer.Exit(0 if report.ok else 1)


@app.command("diff")
def diff_command(
    actual: Path, expected: Path,
    sample_n: Annotated[int | None, typer.Option("--sample", help="compare a random sample of N expected forms")] = None,
    seed: Annotated[int, typer.Option(help="seed of the sample")] = 0,
    json_out: Annotated[Path | None, typer.Option("--json", help="write the report as JSON")] = None,
    ignore_source: Annotated[bool, typer.Option(help="skip form_id, source, indicator positions and OCR confidence (other renderings of a form)")] = False,
) -> None:
    """Compare two outputs (JSON lines, JSON or Parquet) field by field."""
    _diff(actual, expected, sample_n, seed, json_out, ignore_source)


@app.command("sample-diff")
def sample_diff_command(
    actual: Path, expected: Path,
    sample_n: Annotated[int, typer.Option("--sample", help="how many expected forms to draw")] = 10,
    seed: Annotated[int, typer.Option(help="seed of the sample")] = 0,
    json_out: Annotated[Path | None, typer.Option("--json", help="write the report as JSON")] = None,
    ignore_source: Annotated[bool, typer.Option(help="skip form_id, source, indicator positions and OCR confidence")] = False,
) -> None:
    """`diff` on a reproducible random sample of the expected forms."""
    _diff(actual, expected, sample_n, seed, json_out, ignore_source)


@app.command()
def validate(
    out: Path,
    json_out: Annotated[Path | None, typer.Option("--json", help="write the summary as JSON")] = None,
) -> None:
    """Summarise the checks of a run: counts per code, forms with errors, parsed share per category."""
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
    if json_out:
        summary = {
            "forms": len(forms),
            "checks": [{"code": c, "severity": s, "count": n} for (c, s), n in sorted(codes.items())],
            "forms_with_errors": with_errors,
            "parsed_share": {k: {"parsed": n, "total": t} for k, (n, t) in sorted(parsed.items())},
        }
        json_out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    raise typer.Exit(1 if with_errors else 0)


@app.command()
def review(
    out: Path,
    output: Annotated[Path, typer.Option("-o", "--output", help="the HTML page to write")] = Path("review.html"),
    sample_n: Annotated[int, typer.Option("--sample", help="how many forms to show")] = 10,
    seed: Annotated[int, typer.Option(help="seed of the sample")] = 0,
) -> None:
    """Write one self-contained HTML page: each sampled form's source beside its fields."""
    from jixiao.review import write_review

    shown = write_review(_read(out), output, sample_n, seed)
    Console().print(f"{shown} forms written to {output}")


@app.command()
def load(
    out: Path,
    db: Annotated[Path, typer.Option("--db", help="DuckDB file, created when absent")],
) -> None:
    """Create or update tables forms, indicators, goals, checks (upsert by form_id)."""
    counts = warehouse.load(_read(out), db)
    Console().print(", ".join(f"{name}: {n}" for name, n in counts.items()))


if __name__ == "__main__":
    app()
