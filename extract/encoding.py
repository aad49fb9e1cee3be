"""Decode text files by their content: BOMs first, then strict UTF-8, then detection.

Archives mix UTF-8, UTF-8 with BOM, GB18030/GBK and UTF-16 exports; the file
extension says nothing about which, so the bytes decide.
"""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from jixiao.schemas.errors import UnreadableFile

_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
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


#: How a strict decoder reports a multi-byte character that the data ends inside.
_CUT_REASONS = ("unexpected end of data", "truncated data")


def _decode_cut(data: bytes, codec: str) -> str:
    """Decode strictly, forgiving only an incomplete character at the very end.

    A file cut short (an interrupted download or copy) usually ends inside a
    multi-byte character; everything before the cut is still the document,
    and without this it would fall through to GB18030 or detection and be
    lost as mojibake or "encoding could not be determined".
    """
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if exc.reason in _CUT_REASONS and exc.end == len(data) and len(data) - exc.start < 4:
            return data[: exc.start].decode(codec)
        raise


#: Good non-ASCII characters needed per bad byte to read damaged bytes as UTF-8 all the same.
_UTF8_GOOD_PER_BAD = 100


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few corrupt bytes (a stray byte from a bad copy), bad bytes as U+FFFD.

    GB18030 text read as UTF-8 breaks at nearly every character, so a handful
    of errors among thousands of good multi-byte characters means UTF-8;
    without this one bad byte lost the whole file to "encoding could not be
    determined".
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    good = len(text) - len(text.encode("ascii", errors="ignore")) - text.count("\ufffd")
    return text if good >= _UTF8_GOOD_PER_BAD * bad else None


def decode(data: bytes, name: str) -> str:
    """Return the text of `data`; raise UnreadableFile naming `name` when it is not text."""
    try:
        for bom, codec in _BOMS:
            if data.startswith(bom):
                # utf-8-sig counts error positions after its BOM, so the BOM is cut off here instead.
                body = data[len(bom):] if codec == "utf-8" else data
                return _decode_cut(body, codec)
        utf16 = _looks_utf16(data)
        if utf16:
            return _decode_cut(data, utf16)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{name}: not valid text ({exc.reason} at byte {exc.start})") from exc
    if b"\x00" in data:
        raise UnreadableFile(f"{name}: binary content, not a text document")
    try:
        return _decode_cut(data, "utf-8")
    except UnicodeDecodeError:
        pass
    damaged = _mostly_utf8(data)
    if damaged is not None:
        return damaged
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFile(f"{name}: text encoding could not be determined")
    return str(best)
