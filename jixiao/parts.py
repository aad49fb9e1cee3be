"""Parts: what a worker made of a run of input files, one file written at once.

A part holds, for each of its input files, the manifest entry and the
records both as JSON lines and as rows of the four tables, so assembling
the outputs copies text and slices Arrow tables instead of parsing and
printing again. The tables are made only for a run with a Parquet output
(Arrow's first array imports pandas: half a CPU second of the process, the
reading of some twenty PDF pages; pyarrow itself is not imported either);
should a later run with one take such a part, its tables are made then from
its JSON lines. Layout, in
one file written under a temporary name and renamed (a part either exists
whole or not at all):

    JSON lines | Arrow IPC stream per table (forms, indicators, goals, checks), or none
    | meta (JSON) | meta length (8 bytes, little-endian) | MAGIC

The meta says where each file's lines and rows are. Part names sort in the
order they were made (`part_name`), so when two parts hold the same input (it
was redone), the later one is its result.
"""
from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.schemas.form import Form
from jixiao.writers import TABLES, atomic_write, form_json

if TYPE_CHECKING:
    import pyarrow as pa

    from jixiao.arrow_tables import TableRows

SUFFIX = ".part"
MAGIC = b"JIXIAO-PART-1\n"
_LENGTH = struct.Struct("<Q")


def part_name(generation: int, chunk: int, piece: int) -> str:
    """A part's file name: made by run `generation` (ns clock, increasing), chunk and piece in it."""
    return f"{generation:020d}-{chunk:06d}-{piece:03d}{SUFFIX}"


def generation_of(part: str) -> int:
    """The run that made part `part` (see `part_name`)."""
    return int(part[:20])


class Builder:
    """A part being made: each file's JSON lines and (with `tables`) table rows are kept as added, not its forms."""

    def __init__(self, tables: bool = True) -> None:
        self.text = bytearray()
        self.rows: TableRows | None = None
        if tables:
            from jixiao.arrow_tables import TableRows

            self.rows = TableRows()
        self.files: list[dict] = []

    def add(self, entry: dict, forms: list[Form]) -> None:
        """One input file's manifest entry and forms."""
        start = len(self.text)
        for form in forms:
            self.text += form_json(form) + b"\n"
        meta: dict = {"entry": entry, "text": [start, len(self.text) - start]}
        if self.rows is not None:
            before = self.rows.counts()
            for form in forms:
                self.rows.add(form)
            after = self.rows.counts()
            meta["rows"] = {t: [before[t], after[t] - before[t]] for t in TABLES}
        self.files.append(meta)

    def write(self, path: Path) -> list[dict]:
        """Write the part at `path` at once; returns each file's meta (its entry, where its lines and rows are)."""
        streams: list[pa.Buffer] = []
        if self.rows is not None:
            from jixiao.arrow_tables import ipc_stream

            streams = [ipc_stream(table) for table in self.rows.tables(partitioned=True).values()]
        offset, where = len(self.text), {}
        for table_name, buffer in zip(TABLES, streams, strict=False):
            where[table_name] = [offset, buffer.size]
            offset += buffer.size
        meta = json.dumps({"tables": where, "files": self.files}, ensure_ascii=False).encode("utf-8")

        def emit(tmp: Path) -> None:
            with tmp.open("wb") as fh:
                fh.write(self.text)
                for buffer in streams:
                    fh.write(buffer)
                fh.write(meta + _LENGTH.pack(len(meta)) + MAGIC)

        atomic_write(path, emit)
        return self.files


def read_meta(path: Path) -> dict:
    """A part's meta (where its files' lines and rows are), read from its end only."""
    with path.open("rb") as fh:
        fh.seek(-(_LENGTH.size + len(MAGIC)), 2)
        tail = fh.read()
        if tail[_LENGTH.size:] != MAGIC:
            raise ValueError(f"{path}: not a jixiao part")
        (length,) = _LENGTH.unpack(tail[:_LENGTH.size])
        fh.seek(-(_LENGTH.size + len(MAGIC) + length), 2)
        return json.loads(fh.read(length))


def index(state: Path) -> dict[str, tuple[str, dict]]:
    """Every input path with a result in `state`: its latest part's name and its meta there."""
    latest: dict[str, tuple[str, dict]] = {}
    for path in sorted(state.glob(f"*{SUFFIX}")):
        try:
            meta = read_meta(path)
        except (OSError, ValueError):
            continue  # not a part this version wrote: its inputs are redone
        for file_meta in meta["files"]:
            latest[file_meta["entry"]["path"]] = (path.name, file_meta)
    return latest


@dataclass
class _Slice:
    """One input file's records in a part: a `writers.Piece`."""

    part: _Part
    meta: dict

    def text(self) -> bytes:
        return self.part.read(*self.meta["text"])

    def tables(self) -> dict[str, pa.Table]:
        if "rows" not in self.meta:  # a part made without tables
            from jixiao.arrow_tables import tables

            return tables((Form.model_validate_json(line) for line in self.text().splitlines()), partitioned=True)
        return {t: self.part.table(t).slice(*self.meta["rows"][t]) for t in TABLES}


class _Part:
    """A part being assembled: each table read once, on first use, and shared by its files' slices.

    Read, not memory-mapped: mapped pages would count in the process's
    resident memory for as long as any slice of the part is pending.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = read_meta(path)["tables"]
        self._tables: dict[str, pa.Table] = {}

    def read(self, start: int, length: int) -> bytes:
        with self.path.open("rb") as fh:
            fh.seek(start)
            return fh.read(length)

    def table(self, table_name: str) -> pa.Table:
        if table_name not in self._tables:
            from jixiao.arrow_tables import read_ipc_stream

            self._tables[table_name] = read_ipc_stream(self.read(*self.where[table_name]))
        return self._tables[table_name]


class Reader:
    """Pieces for the outputs, one (part name, file meta) at a time; the part last read is kept,
    as consecutive inputs mostly share one."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self._current: tuple[str, _Part] | None = None

    def piece(self, part_name: str, meta: dict) -> _Slice:
        if self._current is None or self._current[0] != part_name:
            self._current = (part_name, _Part(self.state / part_name))
        return _Slice(self._current[1], meta)


def pieces(located: list[tuple[str, dict]], state: Path) -> Iterator[_Slice]:
    """The records of each (part name, file meta), in that order, as pieces for the outputs."""
    reader = Reader(state)
    for part_name, meta in located:
        yield reader.piece(part_name, meta)
