"""The records as Arrow tables: the Parquet schemas, rows collected form by form, and Parquet read back.

Apart from `jixiao.writers` because pyarrow costs a run a fifth of a CPU
second to import (numpy with it): a run that writes no Parquet (JSON lines
of a folder of PDFs) never imports it. Types are the same in every table
and reader:

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
import importlib.metadata
import json
from collections.abc import Callable, Iterable
from operator import itemgetter
from pathlib import Path

import pyarrow as pa
from pydantic import BaseModel

from jixiao.schemas.form import Form
from jixiao.writers import BUDGET_FIELDS, TABLES

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


def ipc_stream(table: pa.Table) -> pa.Buffer:
    """A table as an Arrow IPC stream, as a part stores it."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def read_ipc_stream(data: bytes) -> pa.Table:
    """A table back from its IPC stream (`ipc_stream`)."""
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


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
