"""Score renderings: run `jixiao extract` on them, compare with their expected records field by field.

Field accuracy is jixiao's own diff (`jixiao.diff.compare`, sources ignored,
forms paired by project name since the files differ), with one addition: a
form the reader missed counts every one of its fields wrong, and a form it
invented (from a distractor page, a footer, half a table) counts every one
of its fields wrong too; `Report.accuracy` alone counts neither, so a file
where nothing was found would score 100%. A file that fails counts all its
expected fields wrong.

Prints accuracy per producer (`calc/scan` is a scan of a Calc-made PDF), per
layout feature (`name=value`, every rendering that has it; PDFs and scans
apart), then the worst renderings with their first differences; writes `score.json` beside the
manifest with every rendering's figures.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from jixiao.batch import read_manifest
from jixiao.diff import compare, label
from jixiao.schemas.form import Form
from jixiao.writers import read

#: at or above this a rendering counts as read right (the issue's bar for a producer or feature)
BAR = 0.995


@dataclass
class Score:
    """One rendering against its expected records."""

    right: int = 0
    total: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


def fields_of(form: Form) -> int:
    """How many fields the diff compares for one form (its comparison with itself)."""
    return compare([form], [form], ignore_source=True).compared


def score_rendering(actual: list[Form], expected: list[Form], error: str | None = None) -> Score:
    """Field accuracy of one rendering's forms; missing and invented forms count all their fields wrong."""
    report = compare(actual, expected, ignore_source=True)
    right = sum(r for r, _ in report.per_field.values())
    total = sum(t for _, t in report.per_field.values())
    by_label = {label(f): f for f in expected}
    invented = {label(f): f for f in actual}
    total += sum(fields_of(by_label[name]) for name in report.missing)
    total += sum(fields_of(invented[name]) for name in report.extra)
    # what was read wrong first, the checks that follow from it last
    ordered = sorted(report.differences, key=lambda d: d.field.startswith("checks"))
    shown = [f"{d.form}: {d.field}: got {d.actual!r}, expected {d.expected!r}" for d in ordered]
    return Score(right, total, report.missing, report.extra, shown, error)


def run_jixiao(folder: Path, workers: int) -> tuple[dict[str, list[Form]], dict[str, str], float]:
    """`jixiao extract` on `folder/renderings` into `folder/actual/`: forms and errors by file name, seconds."""
    actual = folder / "actual"
    actual.mkdir(exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "extract", str(folder / "renderings"), "-o", str(actual / "forms.jsonl"),
         "--workers", str(workers)],
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    forms: dict[str, list[Form]] = defaultdict(list)
    for form in read(actual / "forms.jsonl"):
        forms[PurePosixPath(form.source.path).name].append(form)
    errors = {}
    for entry in read_manifest(actual / "forms.jsonl") or []:
        if entry["status"] != "ok":
            errors[PurePosixPath(entry["path"]).name] = entry["error"] or entry["status"]
    return forms, errors, seconds


def _table(title: str, groups: dict[str, list[Score]]) -> list[str]:
    lines = [f"{title:<34} {'renderings':>10} {'fields':>8} {'accuracy':>9} {'>=99.5%':>8}"]
    for name in sorted(groups):
        scores = groups[name]
        right, total = sum(s.right for s in scores), sum(s.total for s in scores)
        good = sum(s.accuracy >= BAR for s in scores)
        share = right / max(total, 1)
        lines.append(f"{name:<34} {len(scores):>10} {total:>8} {share:>9.2%} {good / len(scores):>8.0%}")
    return lines


def report(entries: list[dict], scores: dict[str, Score], worst: int, read: str = "PDFs") -> str:
    """The printed tables: per producer, per feature of the PDFs, per feature of the scans, the worst renderings.

    Scans get their own feature table: the issue's bars differ (99.5% for
    every feature of the PDFs, 97% for scans), and OCR misreads would
    otherwise hide in the PDFs' figures. `read` names what the non-scan
    renderings are (the sources' scorer reads HTML, XLSX and DOCX).
    """
    by_kind: dict[str, list[Score]] = defaultdict(list)
    by_feature: dict[str, list[Score]] = defaultdict(list)
    by_scan_feature: dict[str, list[Score]] = defaultdict(list)
    for entry in entries:
        score = scores[entry["stem"]]
        by_kind[entry["kind"]].append(score)
        by_kind["all"].append(score)
        by_kind[f"all {read}" if not entry["kind"].endswith("/scan") else "all scans"].append(score)
        for feature in entry["features"]:
            (by_scan_feature if entry["kind"].endswith("/scan") else by_feature)[feature].append(score)
    lines = _table("producer", by_kind) + [""] + _table(f"feature ({read})", by_feature) + [""]
    if by_scan_feature:
        lines += _table("feature (scans)", by_scan_feature) + [""]
    lines += [f"worst {worst} renderings:"]
    ranked = sorted(entries, key=lambda e: (scores[e["stem"]].accuracy, e["stem"]))[:worst]
    for entry in ranked:
        score = scores[entry["stem"]]
        forms = ", ".join(entry["forms"])
        lines.append(f"  {entry['file']} {score.accuracy:.2%} ({score.right}/{score.total}) forms {forms}")
        notes = [f"failed: {score.error}"] if score.error else []
        notes += [f"missing form {m}" for m in score.missing[:2]]
        notes += [f"invented form {m}" for m in score.extra[:2]] + score.differences[:3]
        lines += [f"      {note[:160]}" for note in notes]
    return "\n".join(lines)


def score(folder: Path, workers: int = 2, worst: int = 10) -> dict[str, Score]:
    """Run jixiao on a built folder, print the tables, write `score.json`; return each rendering's score."""
    entries = [json.loads(line) for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    forms, errors, seconds = run_jixiao(folder, workers)
    scores = {}
    for entry in entries:
        name = PurePosixPath(entry["file"]).name
        expected = read(folder / "expected" / f"{entry['stem']}.jsonl")
        scores[entry["stem"]] = score_rendering(forms.get(name, []), expected, errors.get(name))
    print(report(entries, scores, worst))
    pages = sum(e["pages"] for e in entries)
    print(f"jixiao extract: {len(entries)} renderings, {pages} pages in {seconds:.0f} s ({workers} worker(s))")
    summary = {e["stem"]: {"file": e["file"], "kind": e["kind"], "accuracy": round(scores[e["stem"]].accuracy, 6),
                           "right": scores[e["stem"]].right, "total": scores[e["stem"]].total} for e in entries}
    (folder / "score.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return scores
