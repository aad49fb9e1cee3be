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

Records become JSON text and Arrow tables once, where they are made (in a
batch, by the worker); assembling the outputs then copies text and slices
tables instead of parsing and printing again.
"""
from __future__ import annotations

import functools
import glob
import importlib.metadata
import json
import os
import re
import secrets
import sys
from collections.abc import Callable, Iterable
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyarrow as pa
from pydantic import BaseModel, ValidationError

from jixiao.schemas.errors import JixiaoError
from jixiao.schemas.form import Form

if TYPE_CHECKING:
    from jixiao.dataset import ParquetOutput

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
    ("funds_lifetime_yuan", _F), ("funds_current_fiscal_yuan", _F), ("funds_carryover_yuan", _F),
    ("funds_lifetime_raw", _S), ("funds_current_fiscal_raw", _S), ("funds_carryover_raw", _S),
    ("category", _S), ("lifetime_goals", pa.list_(_S)),
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


#: (pandas_type, numpy_type) in pandas metadata by column type: the nullable dtypes pandas is to read
#: them as (`Int64`, `boolean`), every other type an object column (of an empty frame: `empty`)
_PANDAS_TYPES = {pa.int64(): ("int64", "Int64"), pa.bool_(): ("bool", "boolean"), pa.float64(): ("float64", "float64")}
_PANDAS_OBJECT = ("empty", "object")


@functools.cache
def parquet_schema(name: str) -> pa.Schema:
    """Table `name`'s schema as stored in Parquet: with pandas metadata, so that pandas reads
    a nullable integer column as `Int64` (not float64) and a nullable flag as `boolean` (not object).

    The metadata is what pyarrow writes for an empty pandas frame of those dtypes (a test
    compares), spelled out here: importing pandas to make it cost a run about 0.4 CPU seconds,
    all of it in the process that assembles the outputs while the workers wait on it.
    """
    schema = SCHEMAS[name]
    columns = [
        {"name": f.name, "field_name": f.name, "pandas_type": kinds[0], "numpy_type": kinds[1], "metadata": None}
        for f in schema for kinds in (_PANDAS_TYPES.get(f.type, _PANDAS_OBJECT),)
    ]
    pandas = {
        "index_columns": [], "column_indexes": [], "columns": columns, "attributes": {},
        "creator": {"library": "pyarrow", "version": pa.__version__},
        "pandas_version": importlib.metadata.version("pandas"),
    }
    return schema.with_metadata({b"pandas": json.dumps(pandas).encode("utf-8")})


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


#: Nested objects whose fields are flattened into columns named `<object>_<field>`
#: (`funds_total_yuan`); `read_parquet` nests them back by the same names.
FORM_OBJECTS = ("source", "department", "implementing_unit", "attribute", "period", "funds", "budget")
INDICATOR_OBJECTS = ("requirement", "value")
#: An indicator's own field whose name starts like its value's columns.
NOT_NESTED = ("value_raw",)
#: The column tables are partitioned by. The other tables' rows carry their form's
#: year in a column of that name while they are being written, not in the files.
PARTITION = "fiscal_year"
#: The tables of a form's lists, one row per item: each the nested objects of its items.
#: A list of text (goals) gives the column `text`.
CHILD_TABLES = {"indicators": INDICATOR_OBJECTS, "goals": (), "checks": (), "tasks": ()}
#: Columns a table's rows get from their form or position, not from the record's fields.
_OWN = {
    "forms": tuple(f"n_{name}" for name in CHILD_TABLES),
    **{name: ("form_id", "position", PARTITION) for name in CHILD_TABLES},
}
def _column_place(name: str, objects: tuple[str, ...]) -> tuple[str | None, str]:
    """(object, field) a flattened column is read from: `funds_total_yuan` is `funds.total_yuan`."""
    if name not in NOT_NESTED:
        for prefix in objects:
            if name.startswith(prefix + "_"):
                return prefix, name[len(prefix) + 1:]
    return None, name


def _getter(fields: list[str]) -> Callable[[dict], tuple]:
    """An itemgetter that always returns a tuple (itemgetter of one key returns the bare value)."""
    if len(fields) == 1:
        key = fields[0]
        return lambda record: (record[key],)
    return itemgetter(*fields)


class _Columns:
    """One table's rows, collected as tuples and turned into Arrow columns at the end.

    Which field feeds which column is derived from the table's schema, so a
    column added there is filled without a second list to keep in step. A
    row is read with one C-level itemgetter per nested object: an order of
    magnitude cheaper than flattening dicts and `Table.from_pylist`.
    """

    def __init__(self, name: str, objects: tuple[str, ...] = ()) -> None:
        self.schema = SCHEMAS[name]
        own = _OWN[name]
        groups: dict[str | None, list[str]] = {}
        for column in self.schema.names:
            if column not in own:
                place, key = _column_place(column, objects)
                groups.setdefault(place, []).append(key)
        self.order = list(own)
        self.getters = []
        for place, keys in groups.items():
            self.order += [f"{place}_{k}" if place else k for k in keys]
            self.getters.append((place, _getter(keys), (None,) * len(keys)))
        self.rows: list[tuple] = []

    def add(self, fields: dict, own: tuple = ()) -> None:
        """One row from a model's fields (its `__dict__`): nested models are read the same way."""
        row = own
        for place, get, nulls in self.getters:
            if place is None:
                row += get(fields)
            else:
                value = fields[place]
                row += nulls if value is None else get(value.__dict__)  # a missing object: its columns null
        self.rows.append(row)

    def table(self, partitioned: bool) -> pa.Table:
        """The rows as an Arrow table of the schema; `partitioned`: with their PARTITION column too."""
        columns: dict = dict.fromkeys(self.order, ())
        if self.rows:
            columns = dict(zip(self.order, zip(*self.rows, strict=True), strict=True))
        if "value_items" in columns:  # several quantities in one cell: a list, kept as JSON text
            columns["value_items"] = [
                json.dumps([v.model_dump(mode="json") for v in items], ensure_ascii=False) if items else None
                for items in columns["value_items"]
            ]
        schema = self.schema
        if partitioned and PARTITION not in schema.names:
            schema = schema.append(pa.field(PARTITION, pa.int64()))
        return pa.Table.from_arrays([pa.array(columns[f.name], type=f.type) for f in schema], schema=schema)


class TableRows:
    """Rows of the tables, added a form at a time, so the forms themselves need not be kept.

    Read from the models' fields, not from `model_dump`: that dump cost more
    than the rows. Arrow takes an enum member for its text (`str` enums),
    a tuple for a list, an int for a float column, as it took the dump's.
    """

    def __init__(self) -> None:
        self.columns = {"forms": _Columns("forms", FORM_OBJECTS)}
        self.columns.update((name, _Columns(name, objects)) for name, objects in CHILD_TABLES.items())

    def add(self, form: Form) -> None:
        fields = form.__dict__
        form_id, year = fields["form_id"], fields[PARTITION]
        self.columns["forms"].add(fields, tuple(len(fields[name]) for name in CHILD_TABLES))
        for name in CHILD_TABLES:
            columns = self.columns[name]
            for i, item in enumerate(fields[name]):
                columns.add(item.__dict__ if isinstance(item, BaseModel) else {"text": item}, (form_id, i, year))

    def counts(self) -> dict[str, int]:
        return {name: len(self.columns[name].rows) for name in TABLES}

    def tables(self, partitioned: bool = False) -> dict[str, pa.Table]:
        """The tables; `partitioned`: every row with its form's PARTITION column, as `ParquetOutput` takes them."""
        return {name: self.columns[name].table(partitioned) for name in TABLES}


def tables(forms: Iterable[Form], partitioned: bool = False) -> dict[str, pa.Table]:
    """The tables of forms, nested objects flattened with `_` (see `TableRows`)."""
    rows = TableRows()
    for form in forms:
        rows.add(form)
    return rows.tables(partitioned)


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, then rename over `path`."""
    tmp = temporary(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


#: what `temporary` appends to an output's name: 12 hex digits
_TEMPORARY_SUFFIX = re.compile(r"[0-9a-f]{12}")


def temporary(path: Path) -> Path:
    """A new empty file in `path`'s folder, to be renamed over `path` once complete.

    Created with mode 0666 less the umask, as `open` would (`mkstemp` would
    make it 0600 whatever the umask). Those a killed run left for `path` are
    removed first: an output is written by one run at a time, and a run
    writes its outputs while its workers read, so a kill often leaves one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*"):
        if _TEMPORARY_SUFFIX.fullmatch(stale.name[len(path.name) + 2:]):
            stale.unlink(missing_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    return tmp


#: Built once (`json.dumps` builds an encoder per call), without the cycle check a
#: model dump cannot need. Today's spelling, byte for byte (`", "` and `": "`
#: separators, Python's float repr), which pydantic's and orjson's compact JSON are not.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False)


def record_line(record: dict) -> str:
    """The one JSON spelling of a record in its JSON form (`Form.model_dump(mode="json")`),
    shared by every JSON output: strict JSON, no NaN (the schema refuses it too)."""
    return _ENCODER.encode(record)


_SERIALIZER = Form.__pydantic_serializer__


def form_json(form: Form) -> bytes:
    """`record_line` of a form, UTF-8, printed by pydantic where that gives the same bytes.

    Pydantic prints one value a line (indent 0) about four times as fast as
    `model_dump` and the encoder: every line break there is the layout's (a
    string's is escaped), so `,` + break becomes `, ` and the other breaks go,
    leaving `record_line`'s spelling. Its floats are Python's except below
    1e-4 (0.00001 for 1e-05, 1e-7 for 1e-07), and it prints what the encoder
    refuses (NaN, Infinity): a line that may hold one (or a string holding
    `e-`, rarer still) is printed by the encoder instead, which refuses them.
    """
    text = _SERIALIZER.to_json(form, indent=0).replace(b",\n", b", ").replace(b"\n", b"")
    if b"e-" in text or b"0.0000" in text or b"NaN" in text or b"Infinity" in text:
        return record_line(form.model_dump(mode="json")).encode("utf-8")
    return text


def json_line(form: Form) -> str:
    """`record_line` of a form."""
    return form_json(form).decode("utf-8")


class Piece(Protocol):
    """Some records, consecutive in the output, as each kind of output takes them."""

    def text(self) -> bytes:
        """Their JSON lines (`record_line`), each ending in a newline, UTF-8."""

    def tables(self) -> dict[str, pa.Table]:
        """Their rows of the four tables, partitioned (`tables`)."""


class Records:
    """A `Piece` made from forms."""

    def __init__(self, forms: list[Form]) -> None:
        self.forms = forms

    def text(self) -> bytes:
        return b"".join(form_json(form) + b"\n" for form in self.forms)

    def tables(self) -> dict[str, pa.Table]:
        return tables(self.forms, partitioned=True)


class JsonOutput:
    """JSON lines, a JSON array (`*.json`), or stdout (`-`); a file is renamed into place at `close`."""

    def __init__(self, out: str) -> None:
        self.out, self.as_array, self.count = out, output_kind(out) == "json", 0
        self.tmp = None if out == "-" else temporary(Path(out))
        self.fh = None if self.tmp is None else self.tmp.open("wb")
        if self.as_array and self.fh is not None:
            self.fh.write(b"[")

    def add(self, piece: Piece) -> None:
        text = piece.text()
        if self.fh is None:
            sys.stdout.write(text.decode("utf-8"))
        elif not self.as_array:
            self.fh.write(text)
        else:
            for line in text.split(b"\n")[:-1]:
                self.fh.write((b",\n" if self.count else b"\n") + line)
                self.count += 1

    def close(self) -> None:
        if self.fh is not None and self.tmp is not None:
            if self.as_array:
                self.fh.write(b"\n]\n")
            self.fh.close()
            os.replace(self.tmp, self.out)

    def abort(self) -> None:
        if self.fh is not None and self.tmp is not None:
            self.fh.close()
            self.tmp.unlink(missing_ok=True)


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


def write_spreadsheet(records: Iterable[dict], out: str, kind: str) -> None:
    """The tables (`rows`) of records in their JSON form, as a workbook (xlsx) or CSV (csv)."""
    from jixiao import spreadsheet  # openpyxl only for runs that write spreadsheets

    if kind == "xlsx":
        spreadsheet.write_xlsx(records, Path(out))
    else:
        spreadsheet.write_csv(records, Path(out))


def open_output(out: str, kind: str) -> JsonOutput | ParquetOutput:
    """Output `out` of kind jsonl, json or parquet, open for pieces in output order."""
    if kind != "parquet":
        return JsonOutput(out)
    # Only for a Parquet output: pyarrow's Parquet and compute modules cost a run a tenth of a second.
    from jixiao.dataset import ParquetOutput  # it imports this module's schemas

    return ParquetOutput(Path(out))


def write(forms: Iterable[Form], out: str, folder_format: str = "parquet") -> None:
    """Write to `out`, whose name picks the format; one piece per source file, as a batch run has."""
    kind = output_kind(out, folder_format)
    if kind in ("xlsx", "csv"):
        write_spreadsheet((form.model_dump(mode="json") for form in forms), out, kind)
        return
    output = open_output(out, kind)
    try:
        for _, group in groupby(forms, key=lambda form: form.source.path):
            output.add(Records(list(group)))
    except BaseException:
        output.abort()
        raise
    output.close()


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
    import pyarrow.parquet as pq  # only to read Parquet back: a twentieth of a second of every run's start

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
        record = _nest(flat, FORM_OBJECTS)
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
            nested = _nest(ind, INDICATOR_OBJECTS, keep=NOT_NESTED)
            nested["value"]["items"] = json.loads(items) if items else None
            indicators.append(nested)
        record["indicators"] = indicators
        forms.append(Form.model_validate(record))
    return forms
