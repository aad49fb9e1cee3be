"""Producer 2: the drawing as an XLSX built with openpyxl, printed to PDF by LibreOffice Calc.

Each page group of the drawing (the blocks between two page breaks) is a
sheet, so every form that starts a page starts a sheet; sheets print fit to
the page width (`fitToWidth=1`, `fitToHeight=0`), so a long form runs over
several pages, cut where Calc cuts it or at a forced row break. Merged
ranges stand for every span; a merged cell a page break cuts is drawn on both
pages, its text split. Numbers are stored as numbers (amounts with `0.00` or
`#,##0.00`, percents under a `%` format), as people type them into Excel.
A repeated indicator header is the sheet's print-title row, rotated labels
are Excel's stacked text (`textRotation=255`), page numbers the sheet footer.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from bench.layouts import office
from bench.layouts.draw import FONTS, Block, Cell, Grid, PageBreak, Para, title_font
from bench.layouts.plan import Plan

_PLAIN = re.compile(r"^(0|[1-9]\d{0,8})(\.\d{0,5}[1-9])?$")
_PERCENT = re.compile(r"^(0|[1-9]\d{0,2})(\.\d?[1-9])?%$")
_MONEY = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)\.\d\d$")
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FOOTERS = {"of_total": "第 &P 页，共 &N 页", "dash": "- &P -"}
#: sheet width in character units of the default font, before fitting to the page
WIDTH = {"portrait": 96, "landscape": 140}


def excel_value(text: str) -> tuple[object, str]:
    """A cell's value and number format as an Excel user types it: 50, 43.56, 95% (0.95), 4,100,000.00."""
    if _PLAIN.match(text):
        return (float(text) if "." in text else int(text)), "General"
    if _MONEY.match(text):
        return float(text.replace(",", "")), "#,##0.00" if "," in text else "0.00"
    if _PERCENT.match(text):
        digits = len(text[:-1].partition(".")[2])
        return float(text[:-1]) / 100, "0%" if not digits else "0." + "0" * digits + "%"
    return text, "General"


def _pages(blocks: list[Block]) -> list[list[Para | Grid]]:
    groups: list[list[Para | Grid]] = [[]]
    for block in blocks:
        if isinstance(block, PageBreak):
            groups.append([])
        else:
            groups[-1].append(block)
    return [g for g in groups if g]


class _Sheet:
    """Writes blocks down one sheet, keeping the height each row needs."""

    def __init__(self, sheet: Worksheet, plan: Plan, group: list[Para | Grid]) -> None:
        self.sheet, self.plan = sheet, plan
        grids = [b for b in group if isinstance(b, Grid)]
        widths = grids[0].widths if grids else [1.0] * 6
        scale = WIDTH[plan.orientation] / sum(widths)
        self.chars = [w * scale for w in widths]
        for col, width in enumerate(self.chars, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = width
        self.size = 8 if plan.arrangement == "several_per_page" else 10
        self.row = 1
        self.lines: dict[int, float] = {}  # row -> points it needs
        self.spread: list[tuple[range, float]] = []  # tall merged cells: rows that share the height they need

    def _need(self, row: int, points: float) -> None:
        self.lines[row] = max(self.lines.get(row, 0.0), points)

    def _text_points(self, text: str, cols: range, size: float) -> float:
        per_line = max(1, int(sum(self.chars[c] for c in cols) / 2.1 * 10 / size))
        lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        return lines * size * 1.45 + 4

    def para(self, para: Para) -> None:
        title, bold = title_font(self.plan)
        size = {"title": 12 if self.size == 8 else 16, "heading": 13}.get(para.role, self.size)
        font = Font(name=title if para.role == "title" else FONTS[self.plan.font], size=size,
                    bold=bold if para.role == "title" else para.role == "heading")
        horizontal = {"attachment": "left", "prose": "left", "unit": "right"}.get(para.role, "center")
        cell = self.sheet.cell(self.row, 1, ("　　" if para.role == "prose" else "") + para.text)
        cell.font, cell.alignment = font, Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
        self.sheet.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=len(self.chars))
        self._need(self.row, self._text_points(para.text, range(len(self.chars)), size))
        self.row += 1

    def grid(self, grid: Grid) -> None:
        top = self.row
        title, bold = title_font(self.plan)
        for c in grid.cells:
            self._cell(c, top, title, bold)
        if grid.repeat and grid.head is not None:
            self.sheet.print_title_rows = f"{top + grid.head}:{top + grid.head}"
        for row in grid.breaks:
            self.sheet.row_breaks.append(Break(id=top + row - 1))
        self.row = top + grid.rows

    def _cell(self, c: Cell, top: int, title: str, bold: bool) -> None:
        value, number_format = excel_value(c.text) if c.role == "value" else (c.text, "General")
        cell = self.sheet.cell(top + c.row, c.col + 1, value)
        cell.number_format = number_format
        heading = c.role in ("title", "year")
        size = (12 if self.size == 8 else 16) if c.role == "title" else self.size
        cell.font = Font(name=title if c.role == "title" else FONTS[self.plan.font], size=size,
                         bold=bold and c.role == "title")
        cell.alignment = Alignment(wrap_text=True, vertical="center", textRotation=255 if c.rotated else 0,
                                   horizontal="left" if c.role == "value" else "center")
        for r in range(c.rowspan):
            for k in range(c.colspan):
                self.sheet.cell(top + c.row + r, c.col + 1 + k).border = _BOX
        if c.rowspan > 1 or c.colspan > 1:
            self.sheet.merge_cells(start_row=top + c.row, start_column=c.col + 1,
                                   end_row=top + c.row + c.rowspan - 1, end_column=c.col + c.colspan)
        text = "\n".join(c.text) if c.rotated else c.text
        points = self._text_points(text, range(c.col, c.col + c.colspan), size) if not heading or c.text else 0
        rows = range(top + c.row, top + c.row + c.rowspan)
        if c.rowspan == 1:
            self._need(rows[0], points)
        else:
            self.spread.append((rows, points))

    def blank(self) -> None:
        self.row += 1

    def finish(self) -> None:
        for row in range(1, self.row):
            self.lines.setdefault(row, self.size * 1.45 + 4)
        for rows, points in self.spread:
            have = sum(self.lines[r] for r in rows)
            if have < points:
                for r in rows:
                    self.lines[r] += (points - have) / len(rows)
        for row, points in self.lines.items():
            self.sheet.row_dimensions[row].height = round(points, 1)


def _setup(sheet: Worksheet, plan: Plan) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = plan.orientation
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.7
    sheet.print_options.horizontalCentered = True
    if plan.page_numbers != "none":
        sheet.oddFooter.center.text = FOOTERS[plan.page_numbers]
        sheet.oddFooter.center.size = 9


def write_xlsx(blocks: list[Block], plan: Plan, target: Path) -> None:
    """One sheet per page group, each set up to print fit to the page width."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for number, group in enumerate(_pages(blocks), start=1):
        sheet = book.create_sheet(f"表{number}")
        _setup(sheet, plan)
        writer = _Sheet(sheet, plan, group)
        for i, block in enumerate(group):
            if isinstance(block, Para):
                if i and block.role == "attachment" or (block.role == "title" and i and isinstance(group[i - 1], Grid)):
                    writer.blank()
                writer.para(block)
            else:
                if i and isinstance(group[i - 1], Grid):
                    writer.blank()
                writer.grid(block)
        writer.finish()
    book.save(target)


def render(blocks: list[Block], plan: Plan, source: Path, target: Path) -> None:
    """Write the XLSX to `source` and print it to the PDF `target`."""
    write_xlsx(blocks, plan, source)
    office.to_pdf(source, target)
