"""Converted text (PDF-to-text output): one table row per line, cells split by tabs.

Empty cells are kept, because their count tells which column a cell stood in
before the converter dropped or kept a merged cell's hole.
"""
from __future__ import annotations

from pathlib import Path

from jixiao.extract.clean import tidy
from jixiao.extract.encoding import decode
from jixiao.extract.forms import Row, split_forms
from jixiao.schemas.form import SourceFormat
from jixiao.schemas.raw import RawDocument


def read_rows(text: str) -> list[Row]:
    """Each line becomes a row of tidied cells, keeping its 1-based line number."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = [tidy(cell) for cell in line.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        rows.append(Row(cells=cells, line=number))
    return rows


def extract_text(path: Path, data: bytes, sha256: str) -> RawDocument:
    """Read a converted-text document into its forms."""
    text = decode(data, str(path))
    forms = split_forms(read_rows(text))
    return RawDocument(path=path.as_posix(), sha256=sha256, format=SourceFormat.text, extractor="text", forms=forms)
