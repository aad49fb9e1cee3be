"""Converted text of the layout bed's PDFs: what other converters make of layouts jixiao was not tuned on.

Archives hold text that other tools made from PDFs. For each native PDF
rendering of a built folder (`python -m bench.layouts build`), this writes
- `layout`: `pdftotext -layout` (cells placed by spaces, wrapped cells interleaved),
- `cells`: plain `pdftotext` (reading order: mostly one cell per line),
- `json`: pdfplumber's `extract_tables`, every page's tables as JSON rows,
then runs `jixiao extract` on them and scores each file against the
rendering's hand-verified records (`score.score_rendering`), per converter
and producer.

Text that cannot be lined up into rows must say so (the check
`rows_not_aligned`), never give wrong fields in silence: beside accuracy,
the table gives the share of forms carrying that check and the fields
wrong in forms that do not carry it ("silent"). A converter that keeps no
title (pdfplumber's tables hold none) loses that field on every form:
the title, year and attachment mark a form's file does not hold at all are
counted apart ("uncarried"), not among the silent ones, since no reader
could give them back; so are the parts of a dated value (6月: 2026-06) when
the year is not held, and the rows pdfplumber dropped at a page break (an
indicator whose name the file does not hold).

    python -m bench.layouts converted FOLDER [--count N]
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pdfplumber

from bench.layouts.score import score_rendering
from jixiao.batch import read_manifest
from jixiao.diff import compare, match_forms
from jixiao.schemas.form import CheckCode, Form, ValueKind
from jixiao.schemas.markers import compact
from jixiao.writers import read

CONVERTERS = ("layout", "cells", "json")


def _tables_json(pdf: Path) -> str:
    with pdfplumber.open(pdf) as document:
        return json.dumps([page.extract_tables() for page in document.pages], ensure_ascii=False)


def convert(pdf: Path, out: Path) -> list[Path]:
    """The three converted texts of one PDF, in `out`, named `<stem>.<converter>.txt` (JSON: `.json`)."""
    made = []
    for converter in CONVERTERS:
        target = out / (f"{pdf.stem}.json" if converter == "json" else f"{pdf.stem}.{converter}.txt")
        if not target.exists():
            if converter == "json":
                target.write_text(_tables_json(pdf), encoding="utf-8")
            else:
                flags = ["-layout"] if converter == "layout" else []
                subprocess.run(["pdftotext", *flags, "-enc", "UTF-8", str(pdf), str(target)], check=True)
        made.append(target)
    return made


def _text(path: Path) -> str:
    """The converted file's text with no whitespace (a title wrapped or letter-spaced is whole again);
    JSON's cells as they read, their escaped line breaks taken out."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        raw = json.dumps(json.loads(raw), ensure_ascii=False).replace("\\n", "")
    return "".join(raw.split())


@dataclass
class Tally:
    files: int = 0
    right: int = 0
    total: int = 0
    forms: int = 0
    flagged: int = 0
    silent: int = 0  # wrong fields in forms that carry no rows_not_aligned check
    uncarried: int = 0  # of the unflagged forms' wrong fields, the ones whose text the file does not hold
    missing: int = 0  # expected forms with no form found for them (more expected than found)

    def line(self, name: str) -> str:
        return (f"{name:<22} {self.files:>6} {self.total:>8} {self.right / max(self.total, 1):>9.2%} "
                f"{self.flagged / max(self.forms, 1):>8.0%} {self.silent:>7} {self.uncarried:>10} {self.missing:>8}")


def _uncarried(expected: Form, text: str) -> set[str]:
    """The fields of `expected` whose text the converted file (`text`, compacted) does not hold:
    pdfplumber's tables keep no title, year line or attachment mark, and drop a row a page break
    cut open (Chromium draws no rule at the cut): an indicator of whose name the file holds neither
    the start nor the end is lost with all its fields (`indicators[N]`). Start and end, not the
    whole name: a name the break cut in two is held, in halves a reader should join."""
    fields = {f"indicators[{n}]" for n, indicator in enumerate(expected.indicators)
              if not any(part in text for part in _ends(compact(indicator.name)))}
    title = compact(expected.title or "")
    year = expected.fiscal_year
    if title and title not in text:
        fields.add("title")
    if year is not None and f"{year}年度" not in text and not (title in text and str(year) in title):
        fields.add("fiscal_year")
    if expected.attachment and compact(expected.attachment) not in text:
        fields.add("attachment")
    return fields


#: characters of a name's start and end looked for in the converted file
_NAME_END = 6


def _ends(name: str) -> tuple[str, str]:
    return name[:_NAME_END], name[-_NAME_END:]


_VALUE_FIELD = re.compile(r"indicators\[(\d+)\]\.value\.")


def _dated(expected: Form, field: str) -> bool:
    """`field` is part of an indicator's value that is a date in `expected` (6月 is 2026-06 in the
    form of 2026): with the year lost, no reader could give it."""
    m = _VALUE_FIELD.match(field)
    index = int(m.group(1)) if m else len(expected.indicators)  # past the end: an indicator read in excess
    return index < len(expected.indicators) and expected.indicators[index].value.kind is ValueKind.date


def _silent(actual: list[Form], expected: list[Form], text: str) -> tuple[int, int, int, int]:
    """(forms found, forms flagged rows_not_aligned, wrong fields in the unflagged ones whose text the
    file holds, wrong fields in them it does not hold)."""
    pairs, _, _ = match_forms(actual, expected)
    flagged = [a for a in actual if any(c.code == CheckCode.rows_not_aligned for c in a.checks)]
    silent = uncarried = 0
    for a, e in pairs:
        if a in flagged:
            continue
        lost = _uncarried(e, text)
        for difference in compare([a], [e], ignore_source=True).differences:
            if (difference.field in lost or difference.field.split(".")[0] in lost
                    or ("fiscal_year" in lost and _dated(e, difference.field))):
                uncarried += 1
            else:
                silent += 1
    return len(actual), len(flagged), silent, uncarried


def run(folder: Path, count: int | None) -> dict[str, Tally]:
    """Convert, extract and score; print the table and return it by converter and producer."""
    entries = [json.loads(line) for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    native = [e for e in entries if not e["kind"].endswith("/scan")][:count]
    converted = folder / "converted"
    converted.mkdir(exist_ok=True)
    made = {e["stem"]: convert(folder / e["file"], converted) for e in native}
    actual = folder / "converted-actual"
    subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "extract", str(converted), "-o", str(actual / "forms.jsonl")],
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    forms: dict[str, list[Form]] = defaultdict(list)
    for form in read(actual / "forms.jsonl"):
        forms[PurePosixPath(form.source.path).name].append(form)
    errors = {PurePosixPath(e["path"]).name: e["error"] for e in read_manifest(actual / "forms.jsonl") or []
              if e["status"] != "ok"}
    tallies: dict[str, Tally] = defaultdict(Tally)
    for entry in native:
        expected = read(folder / "expected" / f"{entry['stem']}.jsonl")
        for converter, path in zip(CONVERTERS, made[entry["stem"]], strict=True):
            got = forms.get(path.name, [])
            score = score_rendering(got, expected, errors.get(path.name))
            found, flagged, silent, uncarried = _silent(got, expected, _text(path))
            for key in (f"{converter} {entry['kind']}", f"{converter} all"):
                tally = tallies[key]
                tally.files += 1
                tally.right += score.right
                tally.total += score.total
                tally.forms += found
                tally.flagged += flagged
                tally.silent += silent
                tally.uncarried += uncarried
                tally.missing += max(0, len(expected) - found)
    print(f"{'converter producer':<22} {'files':>6} {'fields':>8} {'accuracy':>9} {'flagged':>8} {'silent':>7} "
          f"{'uncarried':>10} {'missing':>8}")
    for key in sorted(tallies):
        print(tallies[key].line(key))
    return tallies
