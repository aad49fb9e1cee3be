"""The pypdfium2 calls the PDF reader makes thousands of times a document, made straight on pdfium.

Same answers as pypdfium2's helpers, at a fraction of the cost:

- `bounded_text` is `PdfTextPage.get_text_bounded`. pdfium walks every
  character of the page for each call, and the helper calls it twice (the
  length, then the text); one call into a buffer large enough gives the
  same text, which halves the reading of a page's text runs (about a
  quarter of a native page's time).
- `text_rects` is `PdfTextPage.get_rect` over `count_rects()`, with no
  wrapper call per rect;
- `path_bounds` is the bounds of `PdfPage.get_objects(filter=(path,))`,
  Form XObjects descended into as deep, without a Python object per page
  object: a form page draws a few hundred paths.
"""
from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

#: UTF-16 units one call can take: longer texts (never a cell's) go through pypdfium2's two calls
_UNITS = 8192
#: The one buffer every call writes into. A fresh one each call (16 KB zeroed) cost as much as
#: pdfium's own search of the page; one is enough, as pdfium may not be called from two threads at
#: once (pypdfium2 forbids it, whatever the document), and the text is copied out before returning.
_BUFFER = (ctypes.c_ushort * _UNITS)()
_BYTES = memoryview(_BUFFER).cast("B")
#: pypdfium2's default depth of Form XObjects descended into
_MAX_DEPTH = 15


def bounded_text(textpage: pdfium.PdfTextPage, left: float, bottom: float, right: float, top: float) -> str:
    """The text pdfium finds in a box (PDF canvas units), exactly as `textpage.get_text_bounded` gives it.

    Given room, pdfium writes the text's UTF-16 units and a closing NUL.
    pypdfium2 asks for as many units as the text has code points, so the
    two agree when no character lies outside the Basic Multilingual Plane
    (decoded, the units are as many characters); a text with one, a text
    too long for the buffer, or an answer of another shape is read by
    pypdfium2 itself.
    """
    got = pdfium_c.FPDFText_GetBoundedText(textpage, left, top, right, bottom, _BUFFER, _UNITS)
    if 0 < got < _UNITS and _BUFFER[got - 1] == 0:
        text = str(_BYTES[:2 * (got - 1)], "utf-16-le", "ignore")
        if len(text) == got - 1:
            return text
    return textpage.get_text_bounded(left, bottom, right, top)


def text_rects(textpage: pdfium.PdfTextPage) -> Iterator[tuple[float, float, float, float]]:
    """(left, bottom, right, top) of each of the page's text rects (pdfium's runs), in pdfium's order."""
    count = pdfium_c.FPDFText_CountRects(textpage, 0, -1)
    if count == -1:
        raise pdfium.PdfiumError("Failed to count rectangles.")
    left, top, right, bottom = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    for i in range(count):
        if not pdfium_c.FPDFText_GetRect(textpage, i, left, top, right, bottom):
            raise pdfium.PdfiumError("Failed to get rectangle.")
        yield left.value, bottom.value, right.value, top.value


def path_bounds(page: pdfium.PdfPage) -> Iterator[tuple[float, float, float, float]]:
    """(left, bottom, right, top) of each path object of the page, in the order `get_objects` yields them."""
    yield from _paths(pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, page.raw, 0)


def _paths(count: Callable[[Any], int], get: Callable[[Any, int], Any], parent: Any,
           level: int) -> Iterator[tuple[float, float, float, float]]:
    n_objects = count(parent)
    if n_objects < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    for i in range(n_objects):
        obj = get(parent, i)
        if not obj:
            raise pdfium.PdfiumError("Failed to get pageobject.")
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                raise pdfium.PdfiumError("Failed to locate pageobject.")
            yield left.value, bottom.value, right.value, top.value
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and level < _MAX_DEPTH - 1:
            yield from _paths(pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, obj, level + 1)
        elif kind == pdfium_c.FPDF_PAGEOBJ_UNKNOWN:
            raise pdfium.PdfiumError("Failed to determine pageobject type.")
