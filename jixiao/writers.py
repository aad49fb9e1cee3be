"""Write form records as JSON lines, a JSON array, or Parquet tables; read them back.

Every file is written under a temporary name and renamed into place, so a
killed run never leaves a half-written output behind. Parquet tables have
an explicit pyarrow schema: column types do not depend on what one batch
happened to contain. Types are the same in every table and reader:

- integers are int64, and stay integers where they may be missing (pandas
  reads them as `Int64`, flags as `boolean`: the files carry pandas'
  metadata saying so; DuckDB reads BIGINT and BOOLEAN);
- money in yuan (`*_yuan`, funds and indicator values alike) is float64,
  DuckDB DOUBLE: exact to the cent for any amount a form can hold, and an
  indicator's amount may have cents (5242.17 元/人/月);
- dates are `YYYY-MM` text (`period_start`, `value_end`, ...): the forms
  print months, never days, so no DATE column would be honest.
"""
from __future__ import annotations

import functools
import json
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError

from jixiao.schemas.errors import JixiaoError
from jixiao.schemas.form import Form

TABLES = ("forms", "indicators", "goals", "checks", "tasks")

_S, _I, _F, _B = pa.string(), pa.int64(), pa.float64(), pa.bool_()

FORMS_SCHEMA = pa.schema([
    ("form_id", _S), ("schema_version", _S), ("kind", _S),
    ("source_path", _S), ("source_relpath", _S), ("source_sha256", _S), ("source_format", _S), ("source_extractor", _S),
    ("source_form_index", _I), ("source_line_start", _I), ("source_line_end", _I),
    ("source_page_start", _I), ("source_page_end", _I), ("source_mends", pa.list_(_S)),
    ("title", _S), ("attachment", _S), ("fiscal_year", _I), ("project_name", _S),
    ("department_name", _S), ("department_code", _S), ("department_raw", _S),
    ("implementing_unit_name", _S), ("implementing_unit_code", _S), ("implementing_unit_raw", _S),
    ("attribute_raw", _S), ("attribute_code", _S), ("attribute_kind", _S),
    ("period_raw", _S), ("period_start", _S), ("period_end", _S), ("period_long_term", _B), ("period_years", _F),
    ("funds_total_yuan", _F), ("funds_fiscal_yuan", _F), ("funds_other_yuan", _F),
    ("funds_unit_declared", _S), ("funds_unit_applied", _S),
    ("funds_total_raw", _S), ("funds_fiscal_raw", _S), ("funds_other_raw", _S),
    ("budget_staff", _I), ("budget_units", _I), ("budget_basic_yuan", _F), ("budget_project_yuan", _F),
    ("budget_development_yuan", _F), ("budget_fiscal_yuan", _F), ("budget_other_yuan", _F),
    ("budget_unit_declared", _S), ("empty_categories", pa.list_(_S)),
    ("n_goals", _I), ("n_indicators", _I), ("n_checks", _I), ("n_tasks", _I),
])

INDICATORS_SCHEMA = pa.schema([
    ("form_id", _S), ("position", _I), ("level1", _S), ("level2", _S),
    ("requirement_required", _B), ("requirement_hard", _B), ("requirement_quantified", _B), ("requirement_raw", _S),
    ("seq", _I), ("name", _S), ("value_raw", _S),
    ("value_kind", _S), ("value_op", _S), ("value_number", _F), ("value_low", _F), ("value_high", _F),
    ("value_unit", _S), ("value_per", _S), ("value_yuan", _F), ("value_low_yuan", _F), ("value_high_yuan", _F),
    ("value_start", _S), ("value_end", _S), ("value_computed", _F), ("value_text", _S), ("value_items", _S),
    ("line", _I), ("page", _I), ("bbox", pa.list_(_F)), ("confidence", _F),
])

GOALS_SCHEMA = pa.schema([("form_id", _S), ("position", _I), ("text", _S)])

CHECKS_SCHEMA = pa.schema([
    ("form_id", _S), ("position", _I), ("code", _S), ("severity", _S), ("message", _S), ("indicator", _I),
])

#: department-wide forms' 年度重点工作任务, one row per task
TASKS_SCHEMA = pa.schema([
    ("form_id", _S), ("position", _I), ("name", _S), ("content", _S), ("yuan", _F), ("amount_raw", _S), ("goal", _S),
])

#: the department budget's fields, flattened into the forms table as budget_<field> (null on project forms)
BUDGET_FIELDS = ("staff", "units", "basic_yuan", "project_yuan", "development_yuan", "fiscal_yuan", "other_yuan",
                 "unit_declared")

SCHEMAS = {"forms": FORMS_SCHEMA, "indicators": INDICATORS_SCHEMA, "goals": GOALS_SCHEMA, "checks": CHECKS_SCHEMA,
           "tasks": TASKS_SCHEMA}


@functools.cache
def parquet_schema(name: str) -> pa.Schema:
    """Table `name`'s schema as stored in Parquet: with pandas metadata, so that pandas reads
    a nullable integer column as `Int64` (not float64) and a nullable flag as `boolean` (not object)."""
    import pandas as pd  # only where Parquet is written, not in every worker

    schema = SCHEMAS[name]
    dtypes = {pa.int64(): "Int64", pa.bool_(): "boolean", pa.float64(): "float64"}
    empty = pd.DataFrame({f.name: pd.Series(dtype=dtypes.get(f.type, object)) for f in schema})
    return schema.with_metadata(pa.Schema.from_pandas(empty, preserve_index=False).metadata)


def _flatten(prefix: str, obj: dict, out: dict) -> None:
    for key, value in obj.items():
        name = f"{prefix}_{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = value


#: record fields that are tables of their own (or columns of their own in forms), not flattened
_OWN_TABLES = ("goals", "indicators", "checks", "tasks", "budget")


def rows(records: Iterable[dict]) -> dict[str, list[dict]]:
    """The tables' rows from records in their JSON form (`Form.model_dump(mode="json")`),
    nested objects flattened with `_`."""
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    for data in records:
        form_id, goals, indicators, checks = data["form_id"], data["goals"], data["indicators"], data["checks"]
        tasks, budget = data.get("tasks", []), data.get("budget") or {}
        flat: dict = {}
        _flatten("", {k: v for k, v in data.items() if k not in _OWN_TABLES}, flat)
        flat.update({f"budget_{name}": budget.get(name) for name in BUDGET_FIELDS})
        flat.update(n_goals=len(goals), n_indicators=len(indicators), n_checks=len(checks), n_tasks=len(tasks))
        tables["forms"].append(flat)
        for i, goal in enumerate(goals):
            tables["goals"].append({"form_id": form_id, "position": i, "text": goal})
        for i, ind in enumerate(indicators):
            ind = dict(ind)
            value = dict(ind.pop("value"))
            items = value.pop("items")
            row = {"form_id": form_id, "position": i}
            _flatten("", ind, row)
            _flatten("value", value, row)
            row["value_items"] = json.dumps(items, ensure_ascii=False) if items else None
            tables["indicators"].append(row)
        for i, check in enumerate(checks):
            tables["checks"].append({"form_id": form_id, "position": i, **check})
        for i, task in enumerate(tasks):
            tables["tasks"].append({"form_id": form_id, "position": i, **task})
    return tables


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, then rename over `path`.

    The temporary file is created with mode 0666 less the umask, as `open`
    would (`mkstemp` would make it 0600 whatever the umask).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def json_line(form: Form) -> str:
    """The one JSON spelling of a record, shared by every JSON output:
    strict JSON, no NaN (the schema refuses it too)."""
    return json.dumps(form.model_dump(mode="json"), ensure_ascii=False, allow_nan=False)


def write_lines(lines: Iterable[str], out: str) -> None:
    """JSON records (each a `json_line`) as JSON lines, a JSON array (`*.json`), or to stdout (`-`).

    Takes the lines, not the records: a batch's parts already hold them, so
    assembling its outputs copies text instead of parsing and printing again.
    """
    if out == "-":
        for line in lines:
            sys.stdout.write(line + "\n")
        return
    as_array = output_kind(out) == "json"

    def emit(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as fh:
            if not as_array:
                fh.writelines(line + "\n" for line in lines)
                return
            fh.write("[")
            for i, line in enumerate(lines):
                fh.write(("," if i else "") + "\n" + line)
            fh.write("\n]\n")

    atomic_write(Path(out), emit)


def _partition(year: int | None) -> str:
    return f"year={year if year is not None else 'unknown'}"


#: Arrow bytes held back before row groups are written. pyarrow's ParquetWriter keeps
#: about 1 KB of metadata per column per row group until it closes, so writing each
#: chunk of forms as its own row group made memory grow with the archive (+150 MB
#: at 10,000 documents); a few large row groups keep it flat.
BUFFER_BYTES = 16 * 1024 * 1024


class _Dataset:
    """The open part files of a dataset being written, one per (table, year), with their pending rows."""

    def __init__(self, staging: Path) -> None:
        self.staging = staging
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}
        self.pending: dict[tuple[str, str], list[pa.Table]] = {}
        self.pending_bytes = 0

    def add(self, key: tuple[str, str], table: pa.Table) -> None:
        self.pending.setdefault(key, []).append(table)
        self.pending_bytes += table.nbytes
        if self.pending_bytes > BUFFER_BYTES:
            self.flush()

    def flush(self) -> None:
        """Write every pending table as one row group of its part file."""
        for (name, part), tables in self.pending.items():
            if (name, part) not in self.writers:
                target = self.staging / name / part / "part-0.parquet"
                target.parent.mkdir(parents=True, exist_ok=True)
                self.writers[name, part] = pq.ParquetWriter(target, parquet_schema(name))
            self.writers[name, part].write_table(pa.concat_tables(tables))
        self.pending.clear()
        self.pending_bytes = 0

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


def write_parquet(records: Iterable[dict], folder: Path, chunk: int = 500) -> None:
    """A Parquet dataset per table, partitioned by fiscal year (hive style).

    `records` are forms in their JSON form (as `rows` takes them).
    `folder/forms/year=2024/part-0.parquet` and likewise for indicators,
    goals and checks. `year` is the partition key, not a field: the fiscal
    year, or `unknown` when the form has none; readers that honour hive
    partitions add it as a column (pandas: categorical; DuckDB with
    `hive_partitioning=true`: text when any partition is `unknown`), and
    `fiscal_year` is the field to use. Forms are turned into Arrow tables `chunk` at a time
    and written in row groups of up to BUFFER_BYTES, so memory stays flat
    however large the archive; the whole dataset is built in a temporary
    folder and swapped in at the end.
    """
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".parquet-", dir=folder))
    dataset = _Dataset(staging)
    try:
        batch: list[dict] = []

        def convert() -> None:
            years = {r["form_id"]: _partition(r["fiscal_year"]) for r in batch}
            for name, table_rows in rows(batch).items():
                by_part: dict[str, list[dict]] = {}
                for row in table_rows:
                    by_part.setdefault(years[row["form_id"]], []).append(row)
                for part, part_rows in by_part.items():
                    dataset.add((name, part), pa.Table.from_pylist(part_rows, schema=SCHEMAS[name]))
            batch.clear()

        for record in records:
            batch.append(record)
            if len(batch) >= chunk:
                convert()
        convert()
        dataset.flush()
        dataset.close()
        for name in TABLES:
            (staging / name).mkdir(exist_ok=True)
            if not any((staging / name).iterdir()):
                # A table no form filled (tasks of an archive without department forms) is still
                # a table: an empty file carries its columns to pandas and DuckDB.
                pq.write_table(parquet_schema(name).empty_table(), staging / name / "part-0.parquet")
            _swap(staging / name, folder / name)
    finally:
        dataset.close()
        shutil.rmtree(staging, ignore_errors=True)


def _swap(new: Path, target: Path) -> None:
    """Replace folder `target` by `new`; a kill leaves either the old or the new one."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


#: the outputs jixiao writes, as an error message names them
KNOWN_OUTPUTS = (
    "FILE.jsonl, FILE.json, - (JSON lines on stdout), FILE.xlsx, FILE.csv (the indicators table), "
    "FILE.parquet or FOLDER/ (Parquet tables, or CSV files with --format csv)"
)
#: what a folder output holds
FOLDER_FORMATS = ("parquet", "csv")


class UnknownOutput(JixiaoError):
    """An output name whose kind jixiao cannot tell: a usage error, never a guess."""


def output_kind(out: str, folder_format: str = "parquet") -> str:
    """jsonl, json, xlsx, csv or parquet, from the name of OUT.

    A folder is a name ending in `/`, an existing folder, or a name with no
    suffix; it holds Parquet tables, or CSV files when `folder_format` is csv.
    Any other name raises `UnknownOutput` naming the kinds jixiao knows.
    """
    if out == "-":
        return "jsonl"
    suffix = Path(out).suffix.lower()
    if suffix in (".jsonl", ".json", ".xlsx", ".csv", ".parquet"):
        return suffix[1:]
    if out.endswith(("/", os.sep)) or not suffix or Path(out).is_dir():
        return folder_format
    raise UnknownOutput(f"{out}: not an output jixiao writes; it writes {KNOWN_OUTPUTS}")


def is_folder(out: str, kind: str) -> bool:
    """Whether output `out` of `kind` is a folder of tables rather than one file."""
    return kind == "parquet" or (kind == "csv" and Path(out).suffix.lower() != ".csv")


def write_tables(records: Iterable[dict], out: str, kind: str) -> None:
    """The tables (`rows`) of records in their JSON form, as Parquet, a workbook or CSV."""
    if kind == "parquet":
        write_parquet(records, Path(out))
        return
    from jixiao import spreadsheet  # openpyxl only for runs that write spreadsheets

    if kind == "xlsx":
        spreadsheet.write_xlsx(records, Path(out))
    else:
        spreadsheet.write_csv(records, Path(out))


def write(forms: Iterable[Form], out: str, folder_format: str = "parquet") -> None:
    """Write to `out`, whose name picks the format."""
    kind = output_kind(out, folder_format)
    if kind in ("jsonl", "json"):
        write_lines((json_line(form) for form in forms), out)
    else:
        write_tables((form.model_dump(mode="json") for form in forms), out, kind)


class NotAnOutput(JixiaoError):
    """A path given as a jixiao output holds no records jixiao can read back."""


def read(path: Path) -> list[Form]:
    """Read records back: JSON lines, a JSON array, a Parquet folder, or a folder of JSON files.

    Anything else (a source document, a spreadsheet, a broken file) raises
    `NotAnOutput` naming the path and the first thing that was wrong.
    """
    try:
        if path.is_dir() and not (path / "forms").is_dir():
            children = [child for child in sorted(path.iterdir()) if child.suffix in (".jsonl", ".json")]
            if not children:
                raise NotAnOutput(
                    f"{path}: not a jixiao output (no forms/ Parquet table, no .jsonl or .json file; "
                    "spreadsheets and CSV files are not read back)"
                )
            return [f for child in children for f in read(child)]
        if path.is_dir() or path.suffix == ".parquet":
            return read_parquet(path)
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json" or text.lstrip().startswith("["):
            return [Form.model_validate(x) for x in json.loads(text)]
        forms = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    forms.append(Form.model_validate_json(line))
                except ValidationError as exc:
                    raise NotAnOutput(f"{path}: not a jixiao output (line {number}: {_first_error(exc)})") from exc
        return forms
    except ValidationError as exc:
        raise NotAnOutput(f"{path}: not a jixiao output ({_first_error(exc)})") from exc
    except (OSError, ValueError, pa.ArrowException) as exc:  # unreadable, not UTF-8, not JSON, not Parquet
        raise NotAnOutput(f"{path}: not a jixiao output ({type(exc).__name__}: {exc})") from exc


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def _read_table(folder: Path) -> list[dict]:
    """Every row of one table's dataset, partitions in name order (the partition column is not a field)."""
    out: list[dict] = []
    for part in sorted(folder.glob("*/*.parquet")):
        out.extend(pq.read_table(part, schema=None).to_pylist())
    return out


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
    """Rebuild records from the Parquet datasets, so every output can be diffed."""
    tables = {name: _read_table(folder / name) for name in TABLES}
    by_form: dict[str, dict[str, list]] = {}
    for name in ("indicators", "goals", "checks", "tasks"):
        for row in tables[name]:
            by_form.setdefault(row["form_id"], {}).setdefault(name, []).append(row)
    forms = []
    for flat in tables["forms"]:
        for key in ("n_goals", "n_indicators", "n_checks", "n_tasks"):
            flat.pop(key)
        budget = {name: flat.pop(f"budget_{name}") for name in BUDGET_FIELDS}
        record = _nest(flat, ("source", "department", "implementing_unit", "attribute", "period", "funds"))
        parts = by_form.get(flat["form_id"], {})
        record["budget"] = budget if any(v is not None for v in budget.values()) else None
        record["tasks"] = [
            {k: v for k, v in t.items() if k not in ("form_id", "position")}
            for t in sorted(parts.get("tasks", []), key=lambda t: t["position"])
        ]
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
