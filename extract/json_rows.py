"""Table rows saved as JSON: what pdfplumber's `extract_tables` and camelot's export give.

pdfplumber gives lists (pages, tables) of rows, each a list of cell strings,
`None` for a cell a merge covers and `\\n` where a cell's text wrapped;
camelot's JSON export gives each table as a list of records keyed by column
number ({"0": "项目名称", "1": "…"}), `""` for merged cells. Any nesting of
lists and objects is walked; whatever is a row is read, in order, so the
normalizer meets the same rows as from any other table.

A table continued on the next page is a table of its own there, and its
grid may lack a column the first page has: a header cell merged over two
grid columns (三级指标 over the name's two) leaves a `None` in the header
row, and a page that draws no line there has one column fewer. Such a
table's rows get the missing column back where the header has its `None`,
so every row keeps the header's columns; a page still narrower lost its
first columns, the merged labels whose rules the break left out (一级指标
over the rows of both pages), and gets them back empty.

A table after an indicator block that opens with a row of column names is
another table (a budget table printed after the form): of another width,
or of the same width with its first column filled (a continued block's
first column is a merged label, empty, or names a category), the form ends
there, even when its width is the block's less its merged columns
(收入 | 支出 after a five-column block whose header merges two).
"""
from __future__ import annotations

import json
import re
from typing import Any

from jixiao.extract.clean import join_wrapped, tidy
from jixiao.schemas.markers import is_block_header
from jixiao.schemas.raw import Row

_Cell = (str, int, float, type(None))
_FIGURE = re.compile(r"\d")
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


def _walk(node: Any, out: list[list[list[Any]]]) -> None:
    """Collect the tables under `node`: a list of rows is one table, a row standing alone another."""
    row = _as_row(node)
    if row is not None:
        out.append([row])
    elif isinstance(node, list) and node and all(_as_row(item) is not None for item in node):
        out.append([_as_row(item) or [] for item in node])
    elif isinstance(node, list):
        for item in node:
            _walk(item, out)
    elif isinstance(node, dict):
        for item in node.values():
            _walk(item, out)


def _aligned(tables: list[list[list[Any]]]) -> list[Row]:
    """Every table's rows (numbered 1, 2, … as `line`), a continued table's widened to its block
    header's columns, the first row of a table that cannot continue the block marked `new_table`."""
    out: list[Row] = []
    header: list[Any] | None = None
    for table in tables:
        own = next((row for row in table if is_block_header(_cell(v) for v in row)), None)
        header = own or header
        width = max(len(row) for row in table)
        covered = [k for k, v in enumerate(header or []) if v is None]
        other = False
        if own is None and header is not None:
            named = _heads_a_table(table[0])
            if covered and width == len(header) - len(covered) and not (named and _cell(table[0][0])):
                table = [_widened(row, covered) for row in table]
            elif named and (width != len(header) or _cell(table[0][0])):
                other, header = True, None
            elif width < len(header):
                table = [[None] * (len(header) - width) + row for row in table]
        for k, row in enumerate(table):
            cells = [_cell(v) for v in row]
            while cells and not cells[-1]:
                cells.pop()
            out.append(Row(cells=cells, line=len(out) + 1, new_table=other and k == 0))
    return out


def _heads_a_table(row: list[Any]) -> bool:
    """A row of column names (收入 | 支出, 采购项目 | 数量 | 预算金额): no figure, no indicator's words.

    What a continued block's first row never is: an indicator row has a value
    with a figure, or names a category or an indicator (…指标, 指标1:).
    """
    cells = [_cell(v) for v in row if v]
    return len(cells) >= 2 and not any(_FIGURE.search(c) or "指标" in c for c in cells)


def _widened(row: list[Any], covered: list[int]) -> list[Any]:
    """`row` with a merge-covered cell (None) put in at each of the header's `covered` columns."""
    cells = list(row)
    for k in covered:
        cells.insert(k, None)
    return cells


def json_rows(text: str) -> list[Row] | None:
    """The rows of a JSON document of tables (numbered 1, 2, … as `line`), or None when it is not one."""
    if not text[:_HEAD].lstrip().startswith(("[", "{")):
        return None
    tables: list[list[list[Any]]] = []
    try:
        _walk(json.loads(text), tables)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than any table is
        return None
    return _aligned(tables) or None
