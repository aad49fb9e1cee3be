"""Cell text cleaning shared by every extractor.

Converters leave HTML, markdown and LaTeX in cells, mix full-width and
half-width forms, and break CJK text with spaces where lines wrapped. Every
extractor runs its cell text through `tidy` so the normalizer sees one
spelling whatever the source.
"""
from __future__ import annotations

import re
import unicodedata

# NFKC folds the Kangxi Radicals block but not the CJK Radicals Supplement
# that Type 3 PDF fonts produce; these are the ones met in these forms.
_RADICALS = str.maketrans({"⻔": "门", "⻓": "长", "⻢": "马", "⻅": "见", "⻆": "角", "⻋": "车", "⻚": "页"})

_LATEX = [
    (r"\geq", "≥"), (r"\geqslant", "≥"), (r"\ge", "≥"),
    (r"\leq", "≤"), (r"\leqslant", "≤"), (r"\le", "≤"),
    (r"\times", "×"), (r"\%", "%"), (r"\sim", "~"), (r"\cdot", "·"),
]
_LATEX_MATH = re.compile(r"\$([^$]*)\$")
_TAG = re.compile(r"<[^<>]{0,200}>")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_SPACE = re.compile(r"\s+")


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF or 0x2018 <= o <= 0x201F or o == 0x2026 or 0x20000 <= o <= 0x2FFFF
    )


def _is_glue(ch: str) -> bool:
    """Characters a wrapped line may be cut beside without meaning a space."""
    return _is_cjk(ch) or (ch.isascii() and not ch.isalnum() and not ch.isspace() and ch not in "%")


def _latex(match: re.Match[str]) -> str:
    body = match.group(1)
    for macro, char in sorted(_LATEX, key=lambda p: -len(p[0])):
        body = body.replace(macro, char)
    return body.replace("{", "").replace("}", "").replace(" ", "")


def strip_markup(text: str) -> str:
    """Remove HTML tags, a leading markdown heading mark and LaTeX math delimiters."""
    text = _LATEX_MATH.sub(_latex, text)
    text = _TAG.sub(" ", text)
    return _HEADING.sub("", text)


def fold(text: str) -> str:
    """Full-width to half-width (NFKC) and radical code points to their characters."""
    return unicodedata.normalize("NFKC", text.translate(_RADICALS))


def join_cjk(text: str) -> str:
    """Collapse whitespace; drop it where it only split CJK text or punctuation."""
    text = _SPACE.sub(" ", text).strip()
    if " " not in text:
        return text
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == " ":
            left, right = text[i - 1], text[i + 1]
            if _is_glue(left) and _is_glue(right) and (_is_cjk(left) or _is_cjk(right)):
                continue
        out.append(ch)
    return "".join(out)


def tidy(text: str) -> str:
    """The one cleaning every cell gets: markup off, width folded, wrap spaces dropped."""
    return join_cjk(fold(strip_markup(text)))
