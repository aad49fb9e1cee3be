"""The layout bed's sources read as they are: the HTML, XLSX and DOCX each producer printed.

Archives hold the office files as well as their printouts. Every rendering
of a built folder keeps the file its producer was given (`sources/`):
Chromium's HTML, the XLSX that Calc printed, the DOCX that Writer printed,
each drawn under the rendering's random layout (merged and rotated labels,
split value columns, forms several to a sheet, distractor tables). This runs
`jixiao extract` on those files and scores each against the rendering's
hand-verified records, per format and per layout feature: the HTML, XLSX and
DOCX readers on layouts none of them was tuned on.

What a sheet stores is not what it prints: an amount typed `400,000.00` is
the number 400000 under the format `#,##0.00`, and jixiao reads a stored
number in full rather than as its format rounds it (see
`extract/office.number_text`: a format may hide digits, 10891.615675 shown
as 10,891.62). So where the XLSX holds such an amount, the raw text is
expected as the number written plainly (`400000`, `82800.92`); every parsed
field is expected as printed.

    python -m bench.layouts sources FOLDER
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path, PurePosixPath

from bench.layouts.calc import excel_value
from bench.layouts.score import Score, report, score_rendering
from jixiao.batch import read_manifest
from jixiao.schemas.form import Form
from jixiao.writers import read


def stored_text(text: str | None) -> str | None:
    """`text` as the XLSX stores it, written plainly: an amount the bed's sheet keeps as a number
    (`calc.excel_value`) loses its thousands separators and trailing zeros."""
    if text is None:
        return None
    value, number_format = excel_value(text)
    if isinstance(value, str) or "%" in number_format:
        return text
    return format(Decimal(text.replace(",", "")).normalize(), "f")


def as_stored(form: Form) -> Form:
    """The expected record of a form read from its XLSX: raw amounts and values as the sheet stores them."""
    form = form.model_copy(deep=True)
    for name in ("total_raw", "fiscal_raw", "other_raw"):
        setattr(form.funds, name, stored_text(getattr(form.funds, name)))
    for indicator in form.indicators:
        indicator.value_raw = stored_text(indicator.value_raw) or ""
    return form


def run(folder: Path) -> dict[str, Score]:
    """Extract every source of `folder`, print the tables (per format, per feature), write `score-sources.json`."""
    entries = [json.loads(line) for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    sources = {path.stem: path for path in (folder / "sources").iterdir()}
    out = folder / "actual-sources"
    out.mkdir(exist_ok=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "jixiao.cli", "extract", str(folder / "sources"), "-o",
                    str(out / "forms.jsonl"), "--workers", "1"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    forms: dict[str, list[Form]] = defaultdict(list)
    for form in read(out / "forms.jsonl"):
        forms[PurePosixPath(form.source.path).name].append(form)
    errors = {PurePosixPath(e["path"]).name: e["error"] or e["status"]
              for e in read_manifest(out / "forms.jsonl") or [] if e["status"] != "ok"}
    scores, shown = {}, []
    for entry in entries:
        source = sources[entry["stem"]]
        expected = read(folder / "expected" / f"{entry['stem']}.jsonl")
        if source.suffix == ".xlsx":
            expected = [as_stored(form) for form in expected]
        scores[entry["stem"]] = score_rendering(forms.get(source.name, []), expected, errors.get(source.name))
        # grouped by what was read: the source's format, and the scan plan's features left out
        shown.append({**entry, "file": f"sources/{source.name}", "kind": source.suffix.lstrip("."),
                      "features": [f for f in entry["features"] if not f.startswith("scan_")]})
    print(report(shown, scores, worst=10, read="sources"))
    print(f"jixiao extract: {len(entries)} sources in {seconds:.0f} s (1 worker)")
    summary = {e["stem"]: {"file": e["file"], "kind": e["kind"], "accuracy": round(scores[e["stem"]].accuracy, 6)}
               for e in shown}
    (folder / "score-sources.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n",
                                               encoding="utf-8")
    return scores
