"""What an output name asks for, told from the name alone.

Apart from `writers` (which imports pydantic and the record models) so that
the command's launcher (`jixiao.__main__`) can read its outputs' kinds
before anything heavy is imported: a run with a Parquet output has its
workers' fork server import pyarrow too.
"""
from __future__ import annotations

import os
from pathlib import Path

#: the suffixes that name a file output, each its kind without the dot
FILE_SUFFIXES = (".jsonl", ".json", ".xlsx", ".csv", ".parquet")


def kind_of(out: str, folder_format: str = "parquet") -> str | None:
    """jsonl, json, xlsx, csv or parquet, from the name of OUT; None for a name of no kind jixiao writes.

    A folder is a name ending in `/`, an existing folder, or a name with no
    suffix; it holds Parquet tables, or CSV files when `folder_format` is csv.
    """
    if out == "-":
        return "jsonl"
    suffix = Path(out).suffix.lower()
    if suffix in FILE_SUFFIXES:
        return suffix[1:]
    if out.endswith(("/", os.sep)) or not suffix or Path(out).is_dir():
        return folder_format
    return None
