"""Tell a file's kind from its first bytes, never from its extension."""
from __future__ import annotations

import zipfile
from io import BytesIO

from jixiao.schemas.form import SourceFormat

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8")
# OLE files name their streams in UTF-16: Excel's is Workbook (Book before 97), Word's WordDocument.
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


def _zip_kind(data: bytes) -> SourceFormat | None:
    try:
        names = zipfile.ZipFile(BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return None
    if any(n.startswith("word/") for n in names):
        return SourceFormat.docx
    if any(n.startswith("xl/") for n in names):
        return SourceFormat.xlsx
    return None


def _ole_kind(data: bytes) -> SourceFormat | None:
    """An Excel 97-2003 workbook; a Word .doc (same container) is not read."""
    if _WORD_STREAM in data:
        return None
    return SourceFormat.xls if any(name in data for name in _EXCEL_STREAMS) else None


def sniff(data: bytes) -> SourceFormat | None:
    """Return the source format, or None for content jixiao does not read."""
    head = data[:1024]
    if head.startswith(b"%PDF"):
        return SourceFormat.pdf
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(_OLE):
        return _ole_kind(data)
    if head.startswith(_IMAGE_MAGIC):
        return SourceFormat.scan
    lowered = head.lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or (
        b"<table" in data[:65536].lower() and b"<tr" in data[:65536].lower()
    ):
        return SourceFormat.html
    return SourceFormat.text
