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

A page with no table after an indicator block (pdfplumber's list for it is
empty) is where a row the break cut went whole: Chromium's, with no rule at
the foot nor at the top, is found on neither page; the form says so. A row
the page break cut leaves the rest of a wrapped name alone on the next
page, label and value cells empty (or beside the rest of its label): it
is put back on the row above when that row has its value
(`_Labels.is_tail`). A 二级指标 cell the page break cuts through loses
its text in pdfplumber (`_Labels`): when the rows either side of the
break cannot be told to be the last label's, the form says so
(`RawForm.unaligned`, the check `rows_not_aligned`) rather than file them
under it in silence.
"""
from __future__ import annotations

import json
import re
from itertools import pairwise
from typing import Any

from jixiao.extract.clean import join_wrapped, tidy
from jixiao.extract.cut_labels import goes_on, list_goes_on
from jixiao.extract.forms import split_forms
from jixiao.schemas.markers import LEVEL1, SUBJECT_LABELS, TITLE, compact, is_block_header
from jixiao.schemas.raw import RawForm, Row

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
    elif isinstance(node, list) and not node:
        out.append([])  # a page with no table (pdfplumber): kept, a row may have been lost there
    elif isinstance(node, list):
        for item in node:
            _walk(item, out)
    elif isinstance(node, dict):
        for item in node.values():
            _walk(item, out)


def _aligned(tables: list[list[list[Any]]]) -> tuple[list[Row], dict[int, str]]:
    """Every table's rows (numbered 1, 2, … as `line`), a continued table's widened to its block
    header's columns, the first row of a table that cannot continue the block marked `new_table`;
    and, by line, why a continued table's labels cannot be trusted (`_Labels.lost`)."""
    out: list[Row] = []
    unsure: dict[int, str] = {}
    header: list[Any] | None = None
    labels = _Labels([])
    gap: int | None = None  # the block's last line, when a page with no table came after it
    for table in tables:
        if not table:
            gap = len(out) if header is not None and out else gap
            continue
        if gap is not None:
            unsure[gap] = "指标表后面的一页没有读出表格:被分页切开的行可能整行丢了"
            gap = None
        own = next((row for row in table if is_block_header(_cell(v) for v in row)), None)
        continued = header is not None and (own is None or own is table[0])
        if own is not None and not continued:
            labels = _Labels([_cell(v) for v in own])
        elif own is not None:  # the header repeated on the next page, maybe with fewer columns
            labels.place([_cell(v) for v in own])
        header = own or header
        width = max(len(row) for row in table)
        covered = [k for k, v in enumerate(header or []) if v is None]
        other = False
        if own is None and header is not None:
            named = _heads_a_table(table[0])
            if covered and width == len(header) - len(covered) and not (named and _cell(table[0][0])):
                table = [_widened(row, covered) for row in table]
            elif named and (width != len(header) or _cell(table[0][0])):
                other, header, continued = True, None, False
            elif width < len(header):
                shift = _shift(header, table[0], width)
                table = [[None] * shift + row + [None] * (len(header) - width - shift) for row in table]
        rows = [[_cell(v) for v in row] for row in table]
        if out and rows and _list_tail(out[-1].cells, rows[0]):
            out[-1].cells = _joined(out[-1].cells, rows.pop(0))
        body = [k for k, cells in enumerate(rows) if not is_block_header(cells)]
        if continued and body and out and labels.is_tail(out[-1].cells, rows[body[0]]) and not _opens_a_form(rows):
            out[-1].cells = _joined(out[-1].cells, rows.pop(body[0]))
            body = [k for k, cells in enumerate(rows) if not is_block_header(cells)]
        if continued and body and out and _carry_cut_labels(out, rows[body[0]], labels.name):
            if not any(rows[body[0]]):
                rows.pop(body[0])  # the whole row was the labels' rest: the row above was cut
            elif labels.is_tail(out[-1].cells, rows[body[0]]):
                out[-1].cells = _joined(out[-1].cells, rows.pop(body[0]))  # its name's rest too
            body = []  # a label cut by the break runs on over it: the rows below are that label's
        if continued and body and (reason := labels.lost([rows[k] for k in body])):
            unsure[len(out) + body[0] + 1] = reason
        if header is not None:
            labels.add([rows[k] for k in body])
        for k, cells in enumerate(rows):
            while cells and not cells[-1]:
                cells.pop()
            out.append(Row(cells=cells, line=len(out) + 1, new_table=other and k == 0))
    return out, unsure


_SEQ = re.compile(r"(?:指标\s*(\d+)|(\d+)\s*[.、．])")
_LOST = "分页处的二级指标单元格没有被转换器读出(它的文字丢了),分页两侧的指标可能记在上一个二级指标下"


class _Labels:
    """The 二级指标 column of an indicator block, followed across its tables (pages).

    A label cell a page break cuts through has no rule at the page's foot in
    most producers, so pdfplumber finds no cell there and drops its text: the
    rows above the break read as merged into the label before them, the next
    page's first row has no label. Writer closes the cell at the foot, and then
    the label carried on is right. From the rows alone the two differ only by
    the names' numbers (指标1: …): the rows since the last label counting on
    without going back (1, 2, 3 | 4, 5; a number said twice, 4, 4, is a slip)
    are one label's; a count starting over (1, 2 | 1, or 1, 1 | 2), or no
    numbers to tell by, leaves the label unknown. A label that opens the next
    page says little of the rows above the break: Chromium's cell of a label
    above it may have no rule at the foot either (1, 2, 3, 4 | 1, 2 before
    the break, the second label's text dropped), and Calc prints a merged
    label in the middle of its range, which may be below the break; only
    numbers going on say the rows above are the last label's.
    """

    def __init__(self, header: list[str]) -> None:
        self.place(header)
        self.seen = False  # a label was read in the block
        self.since: list[str] = []  # the names of the rows since the last label

    def place(self, header: list[str]) -> None:
        """Find the label, name and value columns by the header's words."""
        columns = [compact(c) for c in header]
        self.label = columns.index("二级指标") if "二级指标" in columns else None
        self.name = next((k for k, c in enumerate(columns) if c in ("三级指标", "指标内容", "指标名称")), None)
        self.value = next((k for k, c in enumerate(columns) if c.startswith("指标值")), None)

    def is_tail(self, above: list[str], cells: list[str]) -> bool:
        """`cells`, a continued table's first row, are the rest of the row the page break cut (the
        end of a wrapped name): a name and no label before it, no value after it, under a row that
        has its value. Under a row with none, a name alone is a row of its own with no value either
        (indicators left without values, 2019年…资金 | 2020年…资金), not the rest of a name."""
        if self.name is None or self.value is None:
            return False
        # right of the name, in the row's own columns: a header repeated on the new page may have fewer
        valued = any(above[self.name + 1:])
        return valued and bool(self._name(cells)) and not any(cells[:self.name]) and not any(cells[self.value:])

    def _label(self, cells: list[str]) -> str:
        return cells[self.label] if self.label is not None and self.label < len(cells) else ""

    def _name(self, cells: list[str]) -> str:
        return cells[self.name] if self.name is not None and self.name < len(cells) else ""

    def add(self, rows: list[list[str]]) -> None:
        for cells in rows:
            if self._label(cells):
                self.seen, self.since = True, []
            self.since.append(self._name(cells))

    def lost(self, rows: list[list[str]]) -> str | None:
        """Why the label of the rows either side of a page break is unknown (`rows`: the next page's)."""
        if self.label is None or not self.since or len(self.since) == 1 and self.seen:
            return None  # no label column, or a label read at the page's foot: a cell closed there
        top = bool(self._label(rows[0]))  # a label opens the next page: only the rows above may have lost one
        names = self.since + ([] if top else [self._name(cells) for cells in _until_label(rows, self._label)])
        numbers = [int(m.group(1) or m.group(2)) for n in names if (m := _SEQ.match(compact(n)))]
        numbered = len(numbers) == len(names)
        if top:  # a count going back above the break (4 | 1, with no label between) says a label was lost;
            # with no numbers, rows under no label of their own above it may be the next label's, its
            # text drawn below the break only (Calc centres a merged label in its range)
            back = any(b < a for a, b in pairwise(numbers)) if numbered else len(self.since) > 1
            return _LOST if back else None
        if self.seen and numbered and numbers == sorted(numbers) and 1 not in numbers[1:]:
            return None
        return _LOST


def _carry_cut_labels(out: list[Row], cells: list[str], name: int | None) -> bool:
    """Put back the label cells of a continued table's first row that are the rest of a label the
    page break cut (成本指标(必填硬性 + 指标), 效 + 益指标): each goes onto the last label above it in its
    column, within the block, and its own cell is left empty. Only columns left of the name's are
    labels; True when one was put back."""
    moved = False
    for k in range(min(name or 0, len(cells))):
        if not cells[k]:
            continue
        above = next((r for r in reversed(out) if k < len(r.cells) and r.cells[k] or is_block_header(r.cells)), None)
        if above is not None and not is_block_header(above.cells) and goes_on(above.cells[k], cells[k]):
            above.cells[k], cells[k], moved = tidy(above.cells[k] + cells[k]), "", True
    return moved


def _list_tail(above: list[str], cells: list[str]) -> bool:
    """`cells`, a table's first row, fill one cell alone, and it opens the next of the numbered goals
    the cell above it ends with (目标4:… | 目标5:…): the rest of a goal cell the page break cut."""
    filled = [k for k, text in enumerate(cells) if text]
    return len(filled) == 1 and filled[0] < len(above) and list_goes_on(above[filled[0]], cells[filled[0]])


def _opens_a_form(rows: list[list[str]]) -> bool:
    """A table that holds a title or a subject row: the next form, its title padded into any column."""
    texts = [compact(c) for cells in rows for c in cells if c]
    return any(t.startswith(SUBJECT_LABELS) or TITLE.search(t) for t in texts)


def _joined(above: list[str], tail: list[str]) -> list[str]:
    """The cells of the row a page break cut, `tail` (its rest on the next page) put back after them."""
    cells = above + [""] * (len(tail) - len(above))
    return [a + t for a, t in zip(cells, tail + [""] * (len(cells) - len(tail)), strict=True)]


def _until_label(rows: list[list[str]], label: Any) -> list[list[str]]:
    """`rows` up to the first that names a label."""
    out = []
    for cells in rows:
        if label(cells):
            break
        out.append(cells)
    return out


def _heads_a_table(row: list[Any]) -> bool:
    """A row of column names (收入 | 支出, 采购项目 | 数量 | 预算金额): no figure, no indicator's words.

    What a continued block's first row never is: an indicator row has a value
    with a figure, or names a category or an indicator (…指标, 指标1:).
    """
    cells = [_cell(v) for v in row if v]
    return len(cells) >= 2 and not any(_FIGURE.search(c) or "指标" in c for c in cells)


def _shift(header: list[Any], first: list[Any], width: int) -> int:
    """Columns a continued table narrower than its block's header lost at its left. Most often the
    empty merged columns (绩效指标, a label running on): it keeps the header's right-hand columns. But a
    table whose first cell is a level-1 label starts at 一级指标, and then it lost columns at its right:
    a 备注 or 权重 column empty on that page, which pdfplumber does not find."""
    columns = [compact(_cell(v)) for v in header]
    label = compact(_cell(first[0])) if first else ""
    if "一级指标" in columns and label.startswith(LEVEL1):
        return min(columns.index("一级指标"), len(header) - width)
    return len(header) - width


def _widened(row: list[Any], covered: list[int]) -> list[Any]:
    """`row` with a merge-covered cell (None) put in at each of the header's `covered` columns."""
    cells = list(row)
    for k in covered:
        cells.insert(k, None)
    return cells


def json_forms(text: str) -> list[RawForm] | None:
    """The forms of a JSON document of tables (its rows numbered 1, 2, … as `line`), or None when it
    is not one; a form whose labels a page break lost says why in `unaligned`."""
    if not text[:_HEAD].lstrip().startswith(("[", "{")):
        return None
    tables: list[list[list[Any]]] = []
    try:
        _walk(json.loads(text), tables)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than any table is
        return None
    rows, unsure = _aligned(tables)
    if not rows:
        return None
    forms = split_forms(rows)
    for form in forms:
        reasons = [why for n, why in unsure.items() if (form.line_start or 0) <= n <= (form.line_end or 0)]
        form.unaligned = reasons[0] if reasons else None
    return forms
