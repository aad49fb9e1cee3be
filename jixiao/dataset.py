"""Parquet datasets written from pieces (`writers.Piece`) in output order: one per table, partitioned by year."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jixiao.arrow_tables import PARTITION, SCHEMAS, parquet_schema
from jixiao.writers import TABLES, Piece


def _empty(name: str) -> pa.Table:
    """Table `name` with no rows, made from no batches: `Schema.empty_table` imports pandas (0.4 CPU seconds)."""
    return pa.Table.from_batches([], schema=parquet_schema(name))


def _partition(year: int | None) -> str:
    return f"year={year if year is not None else 'unknown'}"


#: Forms held back before they are written as one row group per table and year.
#: pyarrow's ParquetWriter keeps about 1 KB of metadata per column per row group
#: until it closes, so many small row groups make memory grow with the archive;
#: 4,096 forms are about 15 MB of Arrow data. Row groups end at the first piece
#: (in a batch, input file) that brings the count to the limit, so they do not
#: depend on how the work was split among workers or runs.
ROW_GROUP_FORMS = 4096


#: the name a dataset being built starts with, inside its output folder
_STAGING = ".parquet-"


class ParquetOutput:
    """A Parquet dataset per table, partitioned by fiscal year (hive style).

    `folder/forms/year=2024/part-0.parquet` and likewise for indicators,
    goals and checks. `year` is the partition key, not a field: the fiscal
    year, or `unknown` when the form has none; readers that honour hive
    partitions add it as a column (pandas: categorical; DuckDB with
    `hive_partitioning=true`: text when any partition is `unknown`), and
    `fiscal_year` is the field to use. The whole dataset is built in a
    temporary folder and swapped in at `close`; one a killed run left there
    is removed first (a run writes while its workers read, so a kill often
    leaves one, and a reader globbing the folder would find its files).
    """

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        for stale in folder.glob(f"{_STAGING}*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=folder))
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}
        self.pending: list[dict[str, pa.Table]] = []
        self.pending_forms = 0

    def add(self, piece: Piece) -> None:
        self.pending.append(piece.tables())
        self.pending_forms += self.pending[-1]["forms"].num_rows
        if self.pending_forms >= ROW_GROUP_FORMS:
            self._flush()

    def _flush(self) -> None:
        """Write the pending rows as one row group per table and year, a table at a time (less memory at once).

        The year of each row is a column (PARTITION), so splitting needs Arrow operations only.
        """
        pending, self.pending, self.pending_forms = self.pending, [], 0
        for name in TABLES:
            table = pa.concat_tables([t.pop(name) for t in pending]).combine_chunks()
            years = table[PARTITION]
            for year in pc.unique(years):
                part = table.filter(pc.equal(years, year) if year.is_valid else pc.is_null(years))
                self._writer(name, _partition(year.as_py())).write_table(part.select(SCHEMAS[name].names))

    def _writer(self, name: str, part: str) -> pq.ParquetWriter:
        if (name, part) not in self.writers:
            target = self.staging / name / part / "part-0.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            self.writers[name, part] = pq.ParquetWriter(target, parquet_schema(name))
        return self.writers[name, part]

    def close(self) -> None:
        try:
            if self.pending:
                self._flush()
            for writer in self.writers.values():
                writer.close()
            for name in TABLES:
                (self.staging / name).mkdir(exist_ok=True)
                if not any((self.staging / name).iterdir()):
                    # A table no form filled (tasks of an archive without department forms) is still
                    # a table: an empty file carries its columns to pandas and DuckDB.
                    pq.write_table(_empty(name), self.staging / name / "part-0.parquet")
                _swap(self.staging / name, self.folder / name)
        finally:
            self.abort()

    def abort(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()
        shutil.rmtree(self.staging, ignore_errors=True)


def _swap(new: Path, target: Path) -> None:
    """Replace folder `target` by `new`; a kill leaves either the old or the new one."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
