"""Producer 1: the drawing as HTML, printed to PDF by headless Chromium.

Chromium embeds CJK fonts as Type 3 and synthesises bold for a font that has
no bold face (WenQuanYi Zen Hei): the text layer then draws each glyph twice,
as many published PDFs do. Page numbers come from CSS page margin boxes, a
repeated indicator header from a `<thead>` (the indicator block is then its
own table, drawn flush under the header block), forced breaks from
`break-before: page` on a row, rotated labels from `writing-mode`.
"""
from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.layouts.draw import FONTS, Block, Cell, Grid, PageBreak, Para, title_font, vertical_font
from bench.layouts.plan import Plan

FOOTERS = {"of_total": '"第 " counter(page) " 页，共 " counter(pages) " 页"', "dash": '"- " counter(page) " -"'}


def _style(plan: Plan) -> str:
    small = plan.arrangement == "several_per_page"
    font, bold = title_font(plan)
    vertical = f";font-family:'{vertical_font(plan)}'" if vertical_font(plan) else ""
    footer = ""
    if plan.page_numbers != "none":
        footer = (f"@bottom-center{{content:{FOOTERS[plan.page_numbers]};font-size:9pt;"
                  f"font-family:'{FONTS[plan.font]}'}}")
    return "".join((
        f"@page{{size:A4 {plan.orientation};margin:16mm 14mm;{footer}}}",
        f"body{{font-family:'{FONTS[plan.font]}',sans-serif;font-size:{8 if small else 10}pt;margin:0}}",
        "table{border-collapse:collapse;table-layout:fixed;width:100%}",
        "td{border:1px solid #000;padding:3px 4px;vertical-align:middle;overflow-wrap:anywhere}",
        "td.label{text-align:center}td.rot{writing-mode:vertical-rl;text-align:center" + vertical + "}",
        f".title{{font-family:'{font}';font-weight:{'bold' if bold else 'normal'};"
        f"font-size:{12 if small else 16}pt;text-align:center;margin:4px 0}}",
        ".year,.heading{text-align:center;margin:2px 0 6px}.heading{font-weight:bold;font-size:13pt}",
        ".unit{text-align:right;margin:2px 0}.prose{text-indent:2em;line-height:1.6}",
        "table{margin-bottom:16px}table.top{margin-bottom:0}table.block{margin-top:-1px}",
    ))


def _cell(cell: Cell) -> str:
    classes = {"label": "label", "value": "", "title": "title", "year": "year"}[cell.role]
    if cell.rotated:
        classes += " rot"
    spans = f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
    spans += f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
    text = "<br>".join(html.escape(line) for line in cell.text.split("\n"))
    return f'<td class="{classes.strip()}"{spans}>{text}</td>'


def _rows(grid: Grid, rows: range) -> list[str]:
    out = []
    for r in rows:
        style = ' style="break-before:page"' if r in grid.breaks else ""
        cells = sorted((c for c in grid.cells if c.row == r), key=lambda c: c.col)
        out.append(f"<tr{style}>" + "".join(_cell(c) for c in cells) + "</tr>")
    return out


def _table(grid: Grid) -> list[str]:
    total = sum(grid.widths)
    cols = "<colgroup>" + "".join(f'<col style="width:{100 * w / total:.2f}%">' for w in grid.widths) + "</colgroup>"
    if not (grid.repeat and grid.head is not None):
        return ["<table>", cols, "<tbody>", *_rows(grid, range(grid.rows)), "</tbody></table>"]
    head = grid.head
    return ['<table class="top">', cols, "<tbody>", *_rows(grid, range(head)), "</tbody></table>",
            '<table class="block">', cols, "<thead>", *_rows(grid, range(head, head + 1)), "</thead>",
            "<tbody>", *_rows(grid, range(head + 1, grid.rows)), "</tbody></table>"]


def page_html(blocks: list[Block], plan: Plan) -> str:
    """The whole document as one HTML page."""
    body: list[str] = []
    pending_break = False
    for block in blocks:
        if isinstance(block, PageBreak):
            pending_break = True
            continue
        if isinstance(block, Para):
            style = ' style="break-before:page"' if pending_break else ""
            body.append(f'<p class="{block.role}"{style}>{html.escape(block.text)}</p>')
        else:
            if pending_break:
                body.append('<div style="break-before:page"></div>')
            body += _table(block)
        pending_break = False
    return "\n".join(["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
                      f"<style>{_style(plan)}</style></head><body>", *body, "</body></html>", ""])


def render(blocks: list[Block], plan: Plan, source: Path, target: Path) -> None:
    """Write the HTML to `source` and print it to the PDF `target`."""
    source.write_text(page_html(blocks, plan), encoding="utf-8")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is needed to build layouts: make system-layouts")
    with tempfile.TemporaryDirectory(prefix="layouts-chromium-") as profile:
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={target}",
             source.resolve().as_uri()],
            check=True, capture_output=True, timeout=180,
        )
