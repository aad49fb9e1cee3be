"""Producer 3: the drawing as a DOCX built with python-docx, printed to PDF by LibreOffice Writer.

Spans are Word's own merges (`vMerge` down a column, `gridSpan` across);
rows may break across pages or not (`cantSplit`, the plan's `row_split`), so
one cell's text can start at a page foot and end at the next page's top. A
repeated indicator header is the indicator block as a table of its own whose
first row is a header row (`tblHeader`), drawn under the header block; a
forced break inside the block is the table split there with a page break
between (Writer ignores a page break inside a table), a merged label going
on empty on the new page as Word draws a vertical merge cut by a page.
Rotated labels are vertical text (`textDirection`),
page numbers PAGE and NUMPAGES fields in the footer.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from bench.layouts import office
from bench.layouts.draw import FONTS, Block, Cell, Grid, PageBreak, Para, title_font, vertical_font
from bench.layouts.plan import Plan

#: usable width of the page in cm (A4 less 2 × 1.8 cm margins)
USABLE = {"portrait": 21.0 - 3.6, "landscape": 29.7 - 3.6}
ALIGN = {"attachment": WD_ALIGN_PARAGRAPH.LEFT, "prose": WD_ALIGN_PARAGRAPH.JUSTIFY, "unit": WD_ALIGN_PARAGRAPH.RIGHT}


def _east_asian(run_or_style, font: str) -> None:
    """Set the font for CJK text too (Word keeps it apart from the Latin font)."""
    run_or_style.font.name = font
    run_or_style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _paragraph(doc: DocumentObject, para: Para, plan: Plan, body_pt: float) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = ALIGN.get(para.role, WD_ALIGN_PARAGRAPH.CENTER)
    if para.role == "prose":
        paragraph.paragraph_format.first_line_indent = Pt(body_pt * 2)
    run = paragraph.add_run(para.text)
    if para.role == "title":
        font, bold = title_font(plan)
        _east_asian(run, font)
        run.bold = bold
        run.font.size = Pt(12 if body_pt < 9 else 16)
    elif para.role == "heading":
        run.bold = True
        run.font.size = Pt(13)


def _field(paragraph, code: str) -> None:
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _footer(doc: DocumentObject, style: str) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if style == "of_total":
        paragraph.add_run("第 ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" 页，共 ")
        _field(paragraph, "NUMPAGES")
        paragraph.add_run(" 页")
    else:
        paragraph.add_run("- ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" -")


def _fill(target, cell: Cell, plan: Plan, body_pt: float) -> None:
    lines = cell.text.split("\n")
    target.text = ""
    first = target.paragraphs[0]
    for i, line in enumerate(lines):
        paragraph = first if i == 0 else target.add_paragraph()
        run = paragraph.add_run(line)
        if cell.role == "title":
            font, bold = title_font(plan)
            _east_asian(run, font)
            run.bold = bold
            run.font.size = Pt(12 if body_pt < 9 else 16)
        if cell.role != "value":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if cell.rotated:
        vertical = vertical_font(plan)
        if vertical is not None:
            for run in (r for paragraph in target.paragraphs for r in paragraph.runs):
                _east_asian(run, vertical)
        direction = OxmlElement("w:textDirection")
        direction.set(qn("w:val"), "tbRlV")
        target._tc.get_or_add_tcPr().append(direction)


def _table(doc: DocumentObject, cells: list[Cell], rows: int, widths: list[float], plan: Plan, body_pt: float,
           header: bool) -> None:
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = "Table Grid"
    table.autofit = False
    scale = USABLE[plan.orientation] / sum(widths)
    for col, width in enumerate(widths):
        table.columns[col].width = Cm(width * scale)
        for cell in table.columns[col].cells:
            cell.width = Cm(width * scale)
    for i, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        if not plan.row_split:
            properties.append(OxmlElement("w:cantSplit"))
        if header and i == 0:
            properties.append(OxmlElement("w:tblHeader"))
    for cell in cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        _fill(target, cell, plan, body_pt)


def _slice(grid: Grid, start: int, stop: int) -> list[Cell]:
    """The cells of rows start…stop-1, renumbered from 0.

    A merge cut at `start` goes on empty, as Word draws a vertical merge's
    text only where the merge begins.
    """
    out = []
    for c in grid.cells:
        end = c.row + c.rowspan
        if end <= start or c.row >= stop:
            continue
        top = max(c.row, start)
        text = c.text if c.row >= start else ""
        out.append(Cell(text, top - start, c.col, min(end, stop) - top, c.colspan, c.role, c.rotated))
    return out


def _spacer(doc: DocumentObject) -> None:
    """A 1 pt paragraph: Word and Writer join two tables that touch, this keeps them two."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    mark = paragraph._p.get_or_add_pPr()
    sizes = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    sizes.append(size)
    mark.append(sizes)


def _page_break(doc: DocumentObject) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _grid(doc: DocumentObject, grid: Grid, plan: Plan, body_pt: float) -> None:
    """A grid as one table, or as tables cut at the repeated header and at forced breaks."""
    cuts = sorted({0, grid.rows, *grid.breaks, *([grid.head] if grid.repeat and grid.head is not None else [])})
    for start, stop in zip(cuts, cuts[1:], strict=False):
        if start:
            if start in grid.breaks:
                _page_break(doc)
            else:
                _spacer(doc)
        header = grid.repeat and start == grid.head
        cells = _slice(grid, start, stop)
        if grid.repeat and grid.head is not None and start > grid.head and start in grid.breaks:
            # the header repeats on the new page: Word repeats a header row only on pages the table itself reaches
            cells = [Cell(c.text, 0, c.col, 1, c.colspan, c.role) for c in _slice(grid, grid.head, grid.head + 1)] + [
                Cell(c.text, c.row + 1, c.col, c.rowspan, c.colspan, c.role, c.rotated) for c in cells]
            header, stop = True, stop + 1
        _table(doc, cells, stop - start, grid.widths, plan, body_pt, header)


def write_docx(blocks: list[Block], plan: Plan, target: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    if plan.orientation == "landscape":
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    body_pt = 8 if plan.arrangement == "several_per_page" else 10.5
    normal = doc.styles["Normal"]
    _east_asian(normal, FONTS[plan.font])
    normal.font.size = Pt(body_pt)
    if plan.page_numbers != "none":
        _footer(doc, plan.page_numbers)
    previous: Block | None = None
    for block in blocks:
        if isinstance(block, PageBreak):
            _page_break(doc)
        elif isinstance(block, Para):
            _paragraph(doc, block, plan, body_pt)
        else:
            if isinstance(previous, Grid):
                doc.add_paragraph()
            _grid(doc, block, plan, body_pt)
        previous = block
    doc.save(str(target))


def render(blocks: list[Block], plan: Plan, source: Path, target: Path) -> None:
    """Write the DOCX to `source` and print it to the PDF `target`."""
    write_docx(blocks, plan, source)
    office.to_pdf(source, target)
