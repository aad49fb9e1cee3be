"""Write form records as JSON lines, a JSON array, or Parquet tables; read them back.

Every file is written under a temporary name and renamed into place, so a
killed run never leaves a half-written output behind. Parquet tables have
an explicit pyarrow schema (`arrow_tables`): column types do not depend on
what one batch happened to contain.

Records become JSON text and Arrow tables once, where they are made (in a
batch, by the worker); assembling the outputs then copies text and slices
tables instead of parsing and printing again.
"""
from __future__ import annotations

import glob
import json
import os
import re
import secrets
import sys
from collections.abc import Callable, Iterable
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import ValidationError

from jixiao.output_names import kind_of
from jixiao.schemas.errors import JixiaoError
from jixiao.schemas.form import Form

if TYPE_CHECKING:
    import pyarrow as pa

    from jixiao.dataset import ParquetOutput

TABLES = ("forms", "indicators", "goals", "checks", "tasks")

#: the department budget's fields, flattened into the forms table as budget_<field> (null on project forms)
BUDGET_FIELDS = ("staff", "units", "basic_yuan", "project_yuan", "development_yuan", "fiscal_yuan", "other_yuan",
                 "unit_declared")


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
        from jixiao.arrow_tables import tables

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
    """jsonl, json, xlsx, csv or parquet, from the name of OUT (`output_names.kind_of`).

    Any other name raises `UnknownOutput` naming the kinds jixiao knows.
    """
    kind = kind_of(out, folder_format)
    if kind is None:
        raise UnknownOutput(f"{out}: not an output jixiao writes; it writes {KNOWN_OUTPUTS}")
    return kind


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
            return _read_parquet(path)
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
    except (OSError, ValueError) as exc:  # unreadable, not UTF-8, not JSON
        raise NotAnOutput(f"{path}: not a jixiao output ({type(exc).__name__}: {exc})") from exc


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def _read_parquet(path: Path) -> list[Form]:
    """Records from a Parquet output; anything Arrow cannot read raises `NotAnOutput` naming the path."""
    import pyarrow as pa

    from jixiao.arrow_tables import read_parquet

    try:
        return read_parquet(path)
    except pa.ArrowException as exc:
        raise NotAnOutput(f"{path}: not a jixiao output ({type(exc).__name__}: {exc})") from exc
