"""The generator: plans drawn from a seed, each rendered by its producer, with its expected records.

Writes into OUT:
- `renderings/NNNN_<producer>[_scan].pdf|png|jpg`: what jixiao reads (nothing else is in there);
- `expected/NNNN_….jsonl`: the records each rendering must give back (`expect.py`);
- `sources/`: the HTML, XLSX or DOCX each PDF was printed from, to look at when a score is low;
- `manifest.jsonl`: per rendering its file, producer, features, forms (`stem#index`), pages and build seconds.

Rendering N depends only on (seed, N), so a larger count adds renderings and
leaves the first ones as they were (the pixels and text are the same; PDF
timestamps are not). Existing renderings are kept unless `--force`; their
expected records are always written again.
"""
from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pypdfium2 as pdfium

from bench.layouts import chromium
from bench.layouts.draw import Block, draw_document
from bench.layouts.expect import expected_record
from bench.layouts.filler import distractors
from bench.layouts.plan import PRODUCERS, Plan, Producer, draw_plan, load_samples

Render = Callable[[list[Block], Plan, Path, Path], None]
SOURCE_SUFFIX = {"chromium": ".html", "calc": ".xlsx", "writer": ".docx"}


def _renderer(producer: str) -> Render:
    """The producer's render function; the office producers are imported only when used."""
    if producer == "chromium":
        return chromium.render
    if producer == "calc":
        from bench.layouts import calc

        return calc.render
    from bench.layouts import writer

    return writer.render


def build_one(out: Path, seed: int, number: int, producers: tuple[Producer, ...], force: bool = False) -> dict:
    """Render plan `number` of `seed` into `out`; return its manifest entry."""
    samples = load_samples()
    plan = draw_plan(seed, number, samples, producers)
    entry_path = out / "expected" / f"{plan.stem}.jsonl"
    started = time.perf_counter()
    year = plan.forms[0].record["fiscal_year"] or 2024
    before, after = distractors(random.Random(f"{plan.seed}:filler"), plan.distractor, year, len(plan.forms))
    blocks, drawings = draw_document(plan, before, after)
    target = out / "renderings" / f"{plan.stem}.pdf"
    existing = [p for p in target.parent.glob(f"{plan.stem}.*")]
    if force or not existing:
        for stale in existing:
            stale.unlink()
        source = out / "sources" / f"{plan.stem}{SOURCE_SUFFIX[plan.producer]}"
        with tempfile.TemporaryDirectory(prefix="layouts-") as work:
            pdf = Path(work, f"{plan.stem}.pdf")
            _renderer(plan.producer)(blocks, plan, source, pdf)
            if plan.scan:
                from bench.layouts.scan import scan_pdf

                target = scan_pdf(pdf, plan.scan, target, plan.seed)
            else:
                shutil.move(pdf, target)
    else:
        target = existing[0]
    # always written: a pure function of the plan and samples/expected, so a kept rendering's records stay current
    records = [expected_record(d, plan) for d in drawings]
    entry_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    pages = len(pdfium.PdfDocument(target)) if target.suffix == ".pdf" else 1
    entry = plan.to_json()
    entry.update(file=f"renderings/{target.name}", stem=plan.stem, pages=pages,
                 seconds=round(time.perf_counter() - started, 2))
    return entry


def build(out: Path, numbers: Iterable[int], seed: int, jobs: int = 2, producers: tuple[Producer, ...] = PRODUCERS,
          force: bool = False) -> list[dict]:
    """Renderings `numbers` of `seed` in `jobs` processes; writes (or extends) the manifest."""
    for sub in ("renderings", "expected", "sources"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if jobs <= 1:
        entries = [build_one(out, seed, n, producers, force) for n in numbers]
    else:
        with ProcessPoolExecutor(jobs) as pool:
            entries = list(pool.map(build_one, *zip(*[(out, seed, n, producers, force) for n in numbers], strict=True)))
    manifest = out / "manifest.jsonl"
    kept = {}
    if manifest.exists():
        kept = {e["stem"]: e for e in map(json.loads, manifest.read_text(encoding="utf-8").splitlines())}
    kept.update({e["stem"]: e for e in entries})
    manifest.write_text("".join(json.dumps(kept[k], ensure_ascii=False) + "\n" for k in sorted(kept)), encoding="utf-8")
    seconds = time.perf_counter() - started
    print(f"built {len(entries)} renderings in {seconds:.0f} s ({seconds / max(1, len(entries)):.1f} s each, "
          f"{jobs} job(s)) into {out}")
    return entries
