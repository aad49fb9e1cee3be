"""Cell text cleaning shared by every extractor.

Converters leave HTML, markdown and LaTeX in cells, mix full-width and
half-width forms, and break CJK text with spaces where lines wrapped. Every
extractor runs its cell text through `tidy` so the normalizer sees one
spelling whatever the source.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


_CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\U00020000-\U0002ffff"
_PUNCT = re.escape("!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~")
# A space goes when it sits between CJK and CJK-or-punctuation, or punctuation and CJK.
_WRAP_SPACE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}{_PUNCT}])|(?<=[{_PUNCT}]) (?=[{_CJK}])")


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
    return _WRAP_SPACE.sub("", text) if " " in text else text


@lru_cache(maxsize=1 << 16)
def tidy(text: str) -> str:
    """The one cleaning every cell gets: markup off, width folded, wrap spaces dropped.

    Cached: labels and common values repeat across every form of an archive.
    """
    if not text:
        return text
    if "<" in text or "$" in text or "#" in text:
        text = strip_markup(text)
    return join_cjk(fold(text))
