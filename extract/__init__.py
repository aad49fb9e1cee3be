"""Extract stage: files in, `RawDocument`s (rows of raw cells per form) out.

The kind of file is decided by its bytes, not its name; each kind has one
module, imported when a file of that kind is first met: the OCR and PDF
stacks (onnxruntime, OpenCV, pdfplumber, camelot) cost about 80 MB and most
of a second in every worker process, which an archive of converted text
never needs. Nothing here knows how the normalizer reads the rows.
"""
from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from jixiao.extract.limits import ReadLimits
from jixiao.extract.sniff import sniff
from jixiao.schemas.errors import NoTargetTable, TooLarge, UnsupportedFormat
from jixiao.schemas.form import SourceFormat
from jixiao.schemas.raw import RawDocument, Row

#: the PDF table finder: pdfplumber's algorithm, camelot lattice, or the first then the second
Engine = Literal["pdfplumber", "camelot", "auto"]

#: one reader per kind: (path, bytes, sha256) -> the document's forms, as "module:function"
Reader = Callable[[Path, bytes, str], RawDocument]
_READERS: dict[SourceFormat, str] = {
    SourceFormat.text: "jixiao.extract.text:extract_text",
    SourceFormat.docx: "jixiao.extract.office:extract_docx",
    SourceFormat.xlsx: "jixiao.extract.office:extract_xlsx",
    SourceFormat.xls: "jixiao.extract.office:extract_xls",
    SourceFormat.html: "jixiao.extract.html:extract_html",
}


def _load(name: str) -> Reader:
    module, function = name.split(":")
    return getattr(importlib.import_module(module), function)


def _read_pdf(path: Path, data: bytes, sha256: str, engine: Engine, limits: ReadLimits) -> RawDocument:
    """A PDF with a text layer goes to the table finder; one without (a scan) to OCR."""
    from jixiao.extract.pdf import extract_pdf

    document = extract_pdf(path, data, sha256, engine, limits)
    return document if document is not None else _read_scan(path, data, sha256, SourceFormat.pdf, limits)


def _read_scan(path: Path, data: bytes, sha256: str, kind: SourceFormat, limits: ReadLimits) -> RawDocument:
    from jixiao.extract.scan import extract_scan

    return extract_scan(path, data, sha256, kind, limits)


def extract_file(path: Path, engine: Engine = "auto", limits: ReadLimits = ReadLimits()) -> RawDocument:
    """Read one input file (a PDF without a text layer and an image go through OCR);
    raise a `JixiaoError` naming the file when it cannot be.

    `engine` picks the PDF table finder (pdfplumber, camelot, or auto: the
    first, then the second where the first finds no usable table); `limits`
    bounds the bytes, pages and pixels one file may hold.
    """
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise TooLarge(f"{path}: {size:,} bytes, over the limit of {limits.max_bytes:,} (--max-bytes)")
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    if kind is SourceFormat.pdf:
        doc = _read_pdf(path, data, sha256, engine, limits)
    elif kind is SourceFormat.scan:
        doc = _read_scan(path, data, sha256, SourceFormat.scan, limits)
    else:
        reader = _READERS.get(kind) if kind else None
        if reader is None:
            raise UnsupportedFormat(f"{path}: {kind.value if kind else 'unknown'} files are not read yet")
        doc = _load(reader)(path, data, sha256)
    if not doc.forms:
        raise NoTargetTable(
            f"{path}: no target table found (no table holds 项目名称 or 部门名称 and an indicator block)"
        )
    return doc


def document_rows(path: Path) -> list[Row]:
    """Every row of a Word, Excel or HTML document as its reader sees it, before the split into forms.

    What a reviewer compares a record with when the source has no page image
    or text lines of its own; row numbers and sheets are the ones the records carry.
    """
    data = path.read_bytes()
    kind = sniff(data)
    if kind is SourceFormat.html:
        from jixiao.extract.html import html_rows

        return html_rows(data, str(path))
    if kind in (SourceFormat.docx, SourceFormat.xlsx, SourceFormat.xls):
        from jixiao.extract.office import document_rows as office_rows

        return office_rows(path, data, kind)
    raise UnsupportedFormat(f"{path}: {kind.value if kind else 'unknown'} files have no rows to show")


__all__ = ["Engine", "ReadLimits", "document_rows", "extract_file"]
