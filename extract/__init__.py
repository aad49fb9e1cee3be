"""Extract stage: files in, `RawDocument`s (rows of raw cells per form) out.

The kind of file is decided by its bytes, not its name; each kind has one
module. Nothing here knows how the normalizer reads the rows.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from jixiao.extract.html import extract_html
from jixiao.extract.office import extract_docx, extract_xls, extract_xlsx
from jixiao.extract.limits import ReadLimits
from jixiao.extract.pdf import Engine, extract_pdf, has_text_layer
from jixiao.extract.scan import extract_scan
from jixiao.extract.sniff import sniff
from jixiao.extract.text import extract_text
from jixiao.schemas.errors import NoTargetTable, TooLarge, UnsupportedFormat
from jixiao.schemas.form import SourceFormat
from jixiao.schemas.raw import RawDocument

#: one reader per kind: (path, bytes, sha256) -> the document's forms
Reader = Callable[[Path, bytes, str], RawDocument]
_READERS: dict[SourceFormat, Reader] = {
    SourceFormat.text: extract_text,
    SourceFormat.docx: extract_docx,
    SourceFormat.xlsx: extract_xlsx,
    SourceFormat.xls: extract_xls,
    SourceFormat.html: extract_html,
}


def _read_pdf(path: Path, data: bytes, sha256: str, engine: Engine, limits: ReadLimits) -> RawDocument:
    if not has_text_layer(path, data, limits.max_pages):
        return extract_scan(path, data, sha256, SourceFormat.pdf, limits)
    return extract_pdf(path, data, sha256, engine)


def extract_file(path: Path, engine: Engine = "auto", limits: ReadLimits = ReadLimits()) -> RawDocument:
    """Read one input file (a PDF without a text layer and an image go through OCR); raise a `JixiaoError` naming the file when it cannot be.

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
        doc = extract_scan(path, data, sha256, SourceFormat.scan, limits)
    else:
        reader = _READERS.get(kind) if kind else None
        if reader is None:
            raise UnsupportedFormat(f"{path}: {kind.value if kind else 'unknown'} files are not read yet")
        doc = reader(path, data, sha256)
    if not doc.forms:
        raise NoTargetTable(f"{path}: no target table found (no 绩效目标表 title)")
    return doc


__all__ = ["Engine", "ReadLimits", "extract_file"]
