"""Write form records as JSON lines, a JSON array, or Parquet tables; read them back.

Every file is written under a temporary name and renamed into place, so a
killed run never leaves a half-written output behind. Parquet tables have
an explicit pyarrow schema: column types do not depend on what one batch
happened to contain.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from jixiao.schemas.form import Form

TABLES = ("forms", "indicators", "goals", "checks")

_S, _I, _F, _B = pa.string(), pa.int64(), pa.float64(), pa.bool_()

FORMS_SCHEMA = pa.schema([
    ("form_id", _S), ("schema_version", _S),
    ("source_path", _S), ("source_sha256", _S), ("source_format", _S), ("source_extractor", _S),
    ("source_form_index", _I), ("source_line_start", _I), ("source_line_end", _I),
    ("source_page_start", _I), ("source_page_end", _I),
    ("title", _S), ("attachment", _S), ("fiscal_year", _I), ("project_name", _S),
    ("department_name", _S), ("department_code", _S), ("department_raw", _S),
    ("implementing_unit_name", _S), ("implementing_unit_code", _S), ("implementing_unit_raw", _S),
    ("attribute_raw", _S), ("attribute_code", _S), ("attribute_kind", _S),
    ("period_raw", _S), ("period_start", _S), ("period_end", _S), ("period_long_term", _B), ("period_years", _F),
    ("funds_total_yuan", _I), ("funds_fiscal_yuan", _I), ("funds_other_yuan", _I),
    ("funds_unit_declared", _S), ("funds_unit_applied", _S),
    ("funds_total_raw", _S), ("funds_fiscal_raw", _S), ("funds_other_raw", _S),
    ("n_goals", _I), ("n_indicators", _I), ("n_checks", _I),
])

INDICATORS_SCHEMA = pa.schema([
    ("form_id", _S), ("position", _I), ("level1", _S), ("level2", _S),
    ("requirement_required", _B), ("requirement_hard", _B), ("requirement_quantified", _B), ("requirement_raw", _S),
    ("seq", _I), ("name", _S), ("value_raw", _S),
    ("value_kind", _S), ("value_op", _S), ("value_number", _F), ("value_low", _F), ("value_high", _F),
    ("value_unit", _S), ("value_per", _S), ("value_yuan", _F), ("value_low_yuan", _F), ("value_high_yuan", _F),
    ("value_start", _S), ("value_end", _S), ("value_computed", _F), ("value_text", _S), ("value_items", _S),
    ("line", _I), ("page", _I), ("bbox", pa.list_(_F)),
])

GOALS_SCHEMA = pa.schema([("form_id", _S), ("position", _I), ("text", _S)])

CHECKS_SCHEMA = pa.schema([
    ("form_id", _S), ("position", _I), ("code", _S), ("severity", _S), ("message", _S), ("indicator", _I),
])

SCHEMAS = {"forms": FORMS_SCHEMA, "indicators": INDICATORS_SCHEMA, "goals": GOALS_SCHEMA, "checks": CHECKS_SCHEMA}


def _flatten(prefix: str, obj: dict, out: dict) -> None:
    for key, value in obj.items():
        name = f"{prefix}_{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = value


def rows(forms: Iterable[Form]) -> dict[str, list[dict]]:
    """The four tables' rows, nested objects flattened with `_`."""
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    for form in forms:
        data = form.model_dump(mode="json")
        flat: dict = {}
        _flatten("", {k: v for k, v in data.items() if k not in ("goals", "indicators", "checks")}, flat)
        flat.update(n_goals=len(form.goals), n_indicators=len(form.indicators), n_checks=len(form.checks))
        tables["forms"].append(flat)
        for i, goal in enumerate(form.goals):
            tables["goals"].append({"form_id": form.form_id, "position": i, "text": goal})
        for i, ind in enumerate(data["indicators"]):
            value = ind.pop("value")
            items = value.pop("items")
            row = {"form_id": form.form_id, "position": i}
            _flatten("", ind, row)
            _flatten("value", value, row)
            row["value_items"] = json.dumps(items, ensure_ascii=False) if items else None
            tables["indicators"].append(row)
        for i, check in enumerate(data["checks"]):
            tables["checks"].append({"form_id": form.form_id, "position": i, **check})
    return tables


def _atomic(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _json_line(form: Form) -> str:
    return json.dumps(form.model_dump(mode="json"), ensure_ascii=False, sort_keys=False)


def write_jsonl(forms: list[Form], path: Path) -> None:
    _atomic(path, lambda tmp: tmp.write_text("".join(_json_line(f) + "\n" for f in forms), encoding="utf-8"))


def write_json(forms: list[Form], path: Path) -> None:
    text = json.dumps([f.model_dump(mode="json") for f in forms], ensure_ascii=False, indent=1)
    _atomic(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def write_parquet(forms: list[Form], folder: Path) -> None:
    """forms.parquet, indicators.parquet, goals.parquet and checks.parquet in `folder`."""
    for name, table_rows in rows(forms).items():
        table = pa.Table.from_pylist(table_rows, schema=SCHEMAS[name])
        _atomic(folder / f"{name}.parquet", lambda tmp, t=table: pq.write_table(t, tmp))


def write(forms: list[Form], out: str) -> str:
    """Write to `out`, whose name picks the format (CONTRACT.md); returns the format used."""
    if out == "-":
        sys.stdout.write("".join(_json_line(f) + "\n" for f in forms))
        return "jsonl"
    path = Path(out)
    if path.suffix == ".jsonl":
        write_jsonl(forms, path)
        return "jsonl"
    if path.suffix == ".json":
        write_json(forms, path)
        return "json"
    write_parquet(forms, path)
    return "parquet"


def read(path: Path) -> list[Form]:
    """Read records back: JSON lines, a JSON array, a Parquet folder, or a folder of JSON files."""
    if path.is_dir() and not (path / "forms.parquet").exists():
        return [f for child in sorted(path.iterdir()) if child.suffix in (".jsonl", ".json") for f in read(child)]
    if path.is_dir() or path.suffix == ".parquet":
        return read_parquet(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json" or text.lstrip().startswith("["):
        return [Form.model_validate(x) for x in json.loads(text)]
    return [Form.model_validate_json(line) for line in text.splitlines() if line.strip()]


def _nest(flat: dict, prefixes: tuple[str, ...], keep: tuple[str, ...] = ()) -> dict:
    out: dict = {}
    for key, value in flat.items():
        for prefix in prefixes:
            if key in keep:
                continue
            if key.startswith(prefix + "_"):
                out.setdefault(prefix, {})[key[len(prefix) + 1:]] = value
                break
        else:
            out[key] = value
    return out


def read_parquet(folder: Path) -> list[Form]:
    """Rebuild records from the Parquet tables, so every output can be diffed."""
    tables = {name: pq.read_table(folder / f"{name}.parquet").to_pylist() for name in TABLES}
    by_form: dict[str, dict[str, list]] = {}
    for name in ("indicators", "goals", "checks"):
        for row in tables[name]:
            by_form.setdefault(row["form_id"], {}).setdefault(name, []).append(row)
    forms = []
    for flat in tables["forms"]:
        for key in ("n_goals", "n_indicators", "n_checks"):
            flat.pop(key)
        record = _nest(flat, ("source", "department", "implementing_unit", "attribute", "period", "funds"))
        parts = by_form.get(flat["form_id"], {})
        record["goals"] = [g["text"] for g in sorted(parts.get("goals", []), key=lambda g: g["position"])]
        record["checks"] = [
            {k: v for k, v in c.items() if k not in ("form_id", "position")}
            for c in sorted(parts.get("checks", []), key=lambda c: c["position"])
        ]
        indicators = []
        for ind in sorted(parts.get("indicators", []), key=lambda i: i["position"]):
            ind = {k: v for k, v in ind.items() if k not in ("form_id", "position")}
            items = ind.pop("value_items")
            nested = _nest(ind, ("requirement", "value"), keep=("value_raw",))
            nested["value"]["items"] = json.loads(items) if items else None
            indicators.append(nested)
        record["indicators"] = indicators
        forms.append(Form.model_validate(record))
    return forms
