"""Converted text, told apart by content: tab-separated rows, JSON rows, layout text, or one cell per line.

- tab-separated (the samples' converter): one table row per line, cells
  split by tabs; empty cells are kept, because their count tells which
  column a cell stood in before the converter dropped or kept a merged
  cell's hole;
- JSON rows (pdfplumber, camelot): extract/json_rows.py;
- layout text (pdftotext -layout: cells placed by spaces): extract/layout.py;
- one cell per line (pdftotext, copy-paste): extract/cell_lines.py.
"""
from __future__ import annotations

from pathlib import Path

from jixiao.extract.cell_lines import cell_rows, labels_in_a_column
from jixiao.extract.clean import tidy
from jixiao.extract.encoding import decode
from jixiao.extract.forms import split_forms
from jixiao.extract.json_rows import json_forms
from jixiao.extract.layout import is_layout, layout_forms
from jixiao.schemas.form import SourceFormat
from jixiao.schemas.raw import RawDocument, RawForm, Row

#: share of lines with a tab above which text is tab-separated rows
_TABBED = 0.1
#: lines looked at to tell the kind (a form is far shorter), and the characters they are taken from
_SNIFF_LINES = 2000
_SNIFF_CHARS = 200_000


def read_rows(text: str) -> list[Row]:
    """Each line with text becomes a row of tidied cells, keeping its 1-based line number.

    A line left with no text makes no row: forms are found by what rows hold, and
    `split_forms` passes over a row with none; the Row would cost more than its
    line did (a sixth of a generated archive's lines).
    """
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        # Trailing tabs are empty cells, dropped below anyway: most lines end in some.
        cells = [tidy(cell) if cell else cell for cell in line.rstrip("\t").split("\t")] if line else []
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append(Row(cells, number))
    return rows


def _is_tabbed(lines: list[str]) -> bool:
    filled = [line for line in lines if line.strip()]
    return not filled or sum("\t" in line for line in filled) >= _TABBED * len(filled)


def read_forms(text: str) -> tuple[str, list[RawForm]]:
    """The forms of a converted text and which reader served (text, json, layout or cells)."""
    if (forms := json_forms(text)) is not None:
        return "json", forms
    lines = text[:_SNIFF_CHARS].splitlines()[:_SNIFF_LINES]
    if _is_tabbed(lines):
        return "text", split_forms(read_rows(text))
    if is_layout(lines):
        return "layout", layout_forms(text)
    forms = split_forms(cell_rows(text), stream=True)
    for form in forms:
        form.unaligned = labels_in_a_column(form)
    return "cells", forms


def extract_text(path: Path, data: bytes, sha256: str) -> RawDocument:
    """Read a converted-text document into its forms."""
    extractor, forms = read_forms(decode(data, str(path)))
    return RawDocument(path=path.as_posix(), sha256=sha256, format=SourceFormat.text, extractor=extractor, forms=forms)
