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

# NFKC folds the Kangxi Radicals block but not the CJK Radicals Supplement, which
# Type 3 PDF fonts and converters (pdfminer, pdftotext) give for whole characters:
# 全⺠ for 全民, ⻬心 for 齐心. Each supplement radical that stands for a whole
# character goes to it (Unicode's EquivalentUnifiedIdeograph data); the radicals
# that are only parts of characters (⺡ for 氵) are left alone. The Chinese dash
# (GB 2312's A1AA) comes as U+2015 from fonts and converters that follow the older
# code page mapping, and as U+2014 from the rest: 0101―一年期项目 is 0101—一年期项目.
# pdfium gives a hyphen that ends a line as U+0002, its mark for a hyphen it takes for a word's
# break: Writer's 2024年1月- | 12月 came out 2024年1月\x0212月. In a cell it is the hyphen printed.
_RADICALS = str.maketrans(dict(zip(
    "⺁⺄⺊⺒⺓⺝⺟⺠⺩⺬⺶⻁⻄⻅⻆⻉⻋⻑⻓⻔⻗⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳\u2015\x02",
    "厂乙卜巳幺月母民王示羊虎西见角贝车長长门雨青韦页风飞食马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟\u2014-",
    strict=True,
)))

_LATEX = [
    (r"\geq", "≥"), (r"\geqslant", "≥"), (r"\ge", "≥"),
    (r"\leq", "≤"), (r"\leqslant", "≤"), (r"\le", "≤"),
    (r"\times", "×"), (r"\%", "%"), (r"\sim", "~"), (r"\cdot", "·"),
]
_LATEX_MATH = re.compile(r"\$([^$]*)\$")
# A tag starts with its name, / or !: "投诉率<5%,满意度>90%" and "<<预算法>>" are text, not markup.
_TAG = re.compile(r"<\s*[A-Za-z/!][^<>]{0,200}>")
#: How deep tags may nest ("<a<b>>": removing <b> leaves "<a >", a tag again).
_TAG_DEPTH = 8
_HEADING = re.compile(r"^(?:\s*#{1,6}\s+)+")
_SPACE = re.compile(r"\s+")


# Converters put spaces wherever a font, a run or a line changed: beside CJK
# text, digits and signs alike ("2026 年", "1 个", "≥ 80%"), and PDFs of the
# same form put them elsewhere. Only a space between two Latin letters or
# digits ("Word 2016", "10 20") carries meaning, so every other one goes.
_NOISE_SPACE = re.compile(r" (?![A-Za-z0-9])|(?<![A-Za-z0-9]) ")


def _latex(match: re.Match[str]) -> str:
    body = match.group(1)
    for macro, char in sorted(_LATEX, key=lambda p: -len(p[0])):
        body = body.replace(macro, char)
    return body.replace("{", "").replace("}", "").replace(" ", "")


def strip_markup(text: str) -> str:
    """Remove HTML tags, a leading markdown heading mark and LaTeX math delimiters."""
    text = _LATEX_MATH.sub(_latex, text)
    for _ in range(_TAG_DEPTH):
        text, removed = _TAG.subn(" ", text)
        if not removed:
            break
    return _HEADING.sub("", text)


def fold(text: str) -> str:
    """Full-width to half-width (NFKC), radical code points to their characters, one Chinese dash,
    pdfium's line-end hyphen mark to the hyphen."""
    return unicodedata.normalize("NFKC", text.translate(_RADICALS))


def join_cjk(text: str) -> str:
    """Collapse whitespace; keep a space only between two Latin letters or digits."""
    text = _SPACE.sub(" ", text).strip()
    return _NOISE_SPACE.sub("", text) if " " in text else text


#: Longest cell kept in the cache: labels and common values are far shorter.
CACHED_CELL_CHARS = 64


def _tidy(text: str) -> str:
    # Folding first: full-width ＜p＞, ＄…＄ and ＃ become markup only by folding, and
    # stripping them after it means cleaning the result again finds nothing more to do.
    text = fold(text)
    if "<" in text or "$" in text or "#" in text:
        text = strip_markup(text)
    text = join_cjk(text)
    if not unicodedata.is_normalized("NFKC", text):
        # A dropped space can join a combining mark to its letter (NFKC makes "A´" "A", space,
        # U+0301): compose once more, or cleaning the result again would change it.
        text = join_cjk(unicodedata.normalize("NFKC", text))
    return text


_tidy_cached = lru_cache(maxsize=1 << 14)(_tidy)


def tidy(text: str) -> str:
    """The one cleaning every cell gets: width folded, markup off, wrap spaces dropped.

    Short cells are cached: labels and common values repeat across every form
    of an archive. Long ones are not: the cache lives for the whole batch, and
    a file of long unique cells (a 50 MB line, random text) would otherwise
    keep them and their cleaned copies in memory after the file is done.
    """
    if not text:
        return text
    if len(text) > CACHED_CELL_CHARS:
        return _tidy(text)
    return _tidy_cached(text)


_ASCII_WORD = re.compile(r"[A-Za-z]")


def join_wrapped(text: str) -> str:
    """Join the lines of a wrapped cell: no space inside CJK or numbers, one between Latin words."""
    parts = [p.strip() for p in text.replace("\r", "\n").split("\n") if p.strip()]
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        glue = " " if _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(part[0]) else ""
        out += glue + part
    return out
