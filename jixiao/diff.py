"""Field-by-field comparison of two sets of form records.

Forms are matched by source file name and position, falling back to the
project name (rapidfuzz) when the sources differ (a PDF against its text
twin); indicators are matched by level 2 and name, then by order. Checks
compare as (code, severity, indicator): messages are prose. Source paths
are never compared: they say where a file was when it was read (absolute,
so they differ from machine to machine), not what its forms say.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from rapidfuzz import fuzz

from jixiao.schemas.form import CheckCode, Form

#: fields that describe where a record came from, not what it says
SOURCE_FIELDS = ("form_id", "source")
#: where the file was when it was read: never compared (forms are matched by file name)
_PATH_FIELDS = ("path", "relpath")
#: per indicator: where it stood and how sure the OCR was (only a scan knows)
_RENDERING_FIELDS = ("line", "page", "bbox", "confidence")


@dataclass
class Difference:
    form: str
    field: str
    actual: Any
    expected: Any


@dataclass
class Report:
    compared: int = 0
    differences: list[Difference] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    per_field: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    per_file: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    @property
    def ok(self) -> bool:
        return not (self.differences or self.missing or self.extra)

    @property
    def accuracy(self) -> float:
        total = sum(t for _, t in self.per_field.values())
        right = sum(r for r, _ in self.per_field.values())
        return right / total if total else 1.0

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "fields_compared": self.compared,
            "field_accuracy": round(self.accuracy, 6),
            "differences": [d.__dict__ for d in self.differences],
            "missing_forms": self.missing,
            "extra_forms": self.extra,
            "per_field": {k: {"right": r, "total": t} for k, (r, t) in sorted(self.per_field.items())},
            "per_file": {k: {"right": r, "total": t} for k, (r, t) in sorted(self.per_file.items())},
        }


def _key(form: Form) -> tuple[str, int]:
    return PurePosixPath(form.source.path).stem, form.source.form_index


def label(form: Form) -> str:
    return f"{PurePosixPath(form.source.path).name}#{form.source.form_index} {form.project_name or ''}".strip()


def _flat(obj: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            _flat(v, f"{prefix}.{k}" if prefix else k, out)
    elif isinstance(obj, list):
        out[f"{prefix}#count"] = len(obj)
        for i, v in enumerate(obj):
            _flat(v, f"{prefix}[{i}]", out)
    else:
        out[prefix] = obj


def _generic(path: str) -> str:
    """indicators[3].value.kind -> indicators[].value.kind, for per-field accuracy."""
    out, depth = [], 0
    for ch in path:
        if ch == "[":
            depth += 1
            out.append("[]")
        elif ch == "]":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _comparable(form: Form, ignore_source: bool) -> dict[str, Any]:
    data = form.model_dump(mode="json")
    for name in _PATH_FIELDS:
        data["source"].pop(name)
    if ignore_source:
        for name in SOURCE_FIELDS:
            data.pop(name, None)
        for ind in data["indicators"]:
            for name in _RENDERING_FIELDS:
                ind.pop(name)
        data["checks"] = [c for c in data["checks"] if c["code"] != CheckCode.low_ocr_confidence.value]
    data["checks"] = sorted(
        ([c["code"], c["severity"], c["indicator"]] for c in data["checks"]),
        key=lambda c: (c[0], c[2] if c[2] is not None else -1),
    )
    return data


def _pair_indicators(actual: list[dict], expected: list[dict]) -> tuple[list[dict], list[dict]]:
    """Reorder `actual` to line up with `expected` by (level2, name); unmatched keep order."""
    remaining = list(range(len(actual)))
    ordered: list[dict | None] = []
    for exp in expected:
        key = (exp["level2"], exp["name"])
        hit = next((i for i in remaining if (actual[i]["level2"], actual[i]["name"]) == key), None)
        if hit is not None:
            remaining.remove(hit)
        ordered.append(actual[hit] if hit is not None else None)
    fill = iter(remaining)
    result = [a if a is not None else (actual[i] if (i := next(fill, None)) is not None else {}) for a in ordered]
    result += [actual[i] for i in fill]
    return result, expected


def match_forms(actual: list[Form], expected: list[Form]) -> tuple[list[tuple[Form, Form]], list[Form], list[Form]]:
    """Pairs by (file stem, position), then by project name similarity."""
    by_key = {_key(f): f for f in actual}
    pairs, missing, used = [], [], set()
    unmatched: list[Form] = []
    for exp in expected:
        act = by_key.get(_key(exp))
        if act is not None and id(act) not in used:
            pairs.append((act, exp))
            used.add(id(act))
        else:
            unmatched.append(exp)
    for exp in unmatched:
        candidates = [f for f in actual if id(f) not in used]
        best = max(candidates, key=lambda f: fuzz.ratio(f.project_name or "", exp.project_name or ""), default=None)
        if best is not None and fuzz.ratio(best.project_name or "", exp.project_name or "") >= 90:
            pairs.append((best, exp))
            used.add(id(best))
        else:
            missing.append(exp)
    extra = [f for f in actual if id(f) not in used]
    return pairs, missing, extra


def compare(actual: list[Form], expected: list[Form], ignore_source: bool = False) -> Report:
    """Compare every field of every matched form; unmatched forms are listed.

    Every field of a missing form (expected, not found) and of an extra one
    (found, not expected) counts as wrong in the per-field, per-file and
    total figures: a file that lost a form is not 100% right.
    """
    report = Report()
    pairs, missing, extra = match_forms(actual, expected)
    report.missing = [label(f) for f in missing]
    report.extra = [label(f) for f in extra]
    for form in (*missing, *extra):
        fields: dict[str, Any] = {}
        _flat(_comparable(form, ignore_source), "", fields)
        file_name = PurePosixPath(form.source.path).name
        for key in fields:
            report.compared += 1
            report.per_field[_generic(key)][1] += 1
            report.per_file[file_name][1] += 1
    for act, exp in pairs:
        a, e = _comparable(act, ignore_source), _comparable(exp, ignore_source)
        a["indicators"], e["indicators"] = _pair_indicators(a["indicators"], e["indicators"])
        fa: dict[str, Any] = {}
        fe: dict[str, Any] = {}
        _flat(a, "", fa)
        _flat(e, "", fe)
        name = label(exp)
        file_name = PurePosixPath(exp.source.path).name
        for key in sorted(set(fa) | set(fe)):
            same = fa.get(key, "<absent>") == fe.get(key, "<absent>")
            report.compared += 1
            stats = report.per_field[_generic(key)]
            stats[0] += same
            stats[1] += 1
            report.per_file[file_name][0] += same
            report.per_file[file_name][1] += 1
            if not same:
                report.differences.append(Difference(name, key, fa.get(key, "<absent>"), fe.get(key, "<absent>")))
    return report


def sample(forms: list[Form], n: int, seed: int) -> list[Form]:
    """A reproducible random sample of forms (same n and seed, same forms)."""
    if n >= len(forms):
        return list(forms)
    chosen = sorted(random.Random(seed).sample(range(len(forms)), n))
    return [forms[i] for i in chosen]
