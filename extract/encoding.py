"""Decode text files by their content: BOMs first, then strict UTF-8, then detection.

Archives mix UTF-8, UTF-8 with BOM, GB18030/GBK and UTF-16 exports; the file
extension says nothing about which, so the bytes decide.
"""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from jixiao.schemas.errors import UnreadableFile

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: CJK-heavy text still has NULs in ASCII positions."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls > even_nuls * 4:
        return "utf-16-le"
    if even_nuls > odd_nuls * 4:
        return "utf-16-be"
    return None


def decode(data: bytes, name: str) -> str:
    """Return the text of `data`; raise UnreadableFile naming `name` when it is not text."""
    try:
        for bom, codec in _BOMS:
            if data.startswith(bom):
                return data.decode(codec)
        utf16 = _looks_utf16(data)
        if utf16:
            return data.decode(utf16)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{name}: not valid text ({exc.reason} at byte {exc.start})") from exc
    if b"\x00" in data:
        raise UnreadableFile(f"{name}: binary content, not a text document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFile(f"{name}: text encoding could not be determined")
    return str(best)
