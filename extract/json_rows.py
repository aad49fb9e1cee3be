"""Table rows saved as JSON: what pdfplumber's `extract_tables` and camelot's export give.

pdfplumber gives lists (pages, tables) of rows, each a list of cell strings,
`None` for a cell a merge covers and `\\n` where a cell's text wrapped;
camelot's JSON export gives each table as a list of records keyed by column
number ({"0": "项目名称", "1": "…"}), `""` for merged cells. Any nesting of
lists and objects is walked; whatever is a row is read, in order, so the
normalizer meets the same rows as from any other table.
"""
from __future__ import annotations

import json
from typing import Any

from jixiao.extract.clean import join_wrapped, tidy
from jixiao.schemas.raw import Row

_Cell = (str, int, float, type(None))
#: characters looked at for the opening bracket (whitespace before it, never a whole file)
_HEAD = 4096


def _cell(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return tidy(join_wrapped(str(value)))


def _as_row(node: Any) -> list[Any] | None:
    """The cells of `node` when it is a row: a list of scalars, or an object keyed by column numbers."""
    if isinstance(node, list) and node and all(isinstance(v, _Cell) for v in node):
        return node
    numbered = isinstance(node, dict) and node and all(k.isdigit() for k in node)
    if numbered and all(isinstance(v, _Cell) for v in node.values()):
        return [node[k] for k in sorted(node, key=int)]
    return None


def _walk(node: Any, out: list[list[str]]) -> None:
    row = _as_row(node)
    if row is not None:
        out.append([_cell(v) for v in row])
    elif isinstance(node, list):
        for item in node:
            _walk(item, out)
    elif isinstance(node, dict):
        for item in node.values():
            _walk(item, out)


def json_rows(text: str) -> list[Row] | None:
    """The rows of a JSON document of tables (numbered 1, 2, … as `line`), or None when it is not one."""
    if not text[:_HEAD].lstrip().startswith(("[", "{")):
        return None
    found: list[list[str]] = []
    try:
        _walk(json.loads(text), found)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than any table is
        return None
    if not found:
        return None
    rows = []
    for number, cells in enumerate(found, start=1):
        while cells and not cells[-1]:
            cells.pop()
        rows.append(Row(cells=cells, line=number))
    return rows
