"""Character-level repairs of the misreads OCR makes in these forms' cells.

Only repairs that cannot change a correct reading into a wrong one: each
pattern is one that a printed form does not contain. Meaning-bearing
look-alikes are left alone: `>` and `~` are printed ops of their own
(`>95%`, `~` for 约), and which label a garbled cell was is the
normalizer's fuzzy match, not a character fix. Input and output are tidied
text (NFKC has already made `＞` `>`, `％` `%`, `：` `:`).
"""
from __future__ import annotations

import re

# `≥` / `≤` read as two characters.
_GE = re.compile(r"(?:>\s*=|≥\s*=|=\s*>)")
_LE = re.compile(r"(?:<\s*=|≤\s*=|=\s*<)")
# `≥` read as the digit 2 before a percentage: `295%` for `≥95%`. Only where
# the whole reading is over 100% and the rest a usual target (60-100%).
_GE_AS_TWO = re.compile(r"^2(\d{2,3}(?:\.\d+)?)%$")
# `万元` with its second character misread (兀, 无, 九, 允 are not units) after a number.
_WAN_YUAN = re.compile(r"(\d)\s*[万方力]\s*[兀无九允]")
# `万元` with its first character misread as 方 or 力 after a number or an opening bracket, or alone in a
# unit column (`10方元`, `项目资金(方元)`, `方元`): neither is a unit, and read as 元 the amounts were ten
# thousand times too small.
_WAN = re.compile(r"(?:(?<=[\d(])|^)\s*[方力](?=\s*元)")
# `元` read as 兀 after an amount, or alone in a unit column: no form prints 兀 there.
_YUAN = re.compile(r"(?<=\d)\s*兀|^兀$")
# A speck after a value's unit read as a dot or comma: `≤2万元.`, `≥95%,`. A value cell is one figure and
# its unit (or a sign, or a range of two figures); no such cell ends in a stop.
_UNIT_SPECK = re.compile(r"^([≥≤<>=~]?\s*\d[\d,.]*(?:\s*[-~至]\s*\d[\d,.]*)?\s*(?:%|[\u4e00-\u9fff]{1,3}))"
                         r"\s*[.。·,，]$")
# A speck after a figure read as a middle dot: `42000·`. No figure ends in one.
_FIGURE_SPECK = re.compile(r"^(\d[\d,.]*)\s*·$")
# A speck after an amount read as a stop: `0.00.`, `263.`, `18.` (seed-27 0008_writer_scan's total, seed-25
# 0079_calc_scan). A cell holding a figure alone holds a value, and no value ends in a stop; a lone digit and
# its stop (`1.`) may be a list's number, left be.
_AMOUNT_SPECK = re.compile(r"^(\d[\d,]*\.\d+|\d[\d,]*\d)\s*[.。,，]$")
# A speck or a rule's stub at a cell's edge read as a ticked box: before an indicator's number
# (`☑指标5:`) or after the last character of a name (`培训学员满意度☑`). A form ticks an option
# with the box before it (☑延续性项目), never these.
_TICK = re.compile(r"^☑\s*(?=指标\s*\d)|(?<=[\u4e00-\u9fff])\s*☑$")
# `一` after a dash read as a second dash: `0101——年期项目` for `0101—一年期项目` (a code, its dash, then
# 一年期: a form prints no two dashes before 年期).
_ONE_AS_DASH = re.compile(r"(?<=\d)[—-]{2}(?=年期)")
# A space the recognizer put inside a percentage: `1 00%`, `9 5%`.
_SPLIT_PERCENT = re.compile(r"(?<![\d.])(\d{1,2}) (\d{1,2}(?:\.\d+)?%)")
# `指标1:` with its digit read as a letter l, I or a bar.
_SEQ_ONE = re.compile(r"(指标)\s*[lI|](?=\s*[:.、]|\s*$)")

# A page number `- 2 -` with one of its dashes read as a dot or lost: `-2.`, `1-` (no value of a
# form is a number with a dash on one side only and a dot or nothing on the other), or with a
# speck read beside its number: `-.1-`, `- 3.-` (nor a number between dashes and specks).
_PAGE_NUMBER = re.compile(r"^(?:[-—–]\s*(\d{1,3})\s*[.。·,，]|[.。·,，]?\s*(\d{1,3})\s*[-—–]"
                          r"|[-—–]\s*[.。·,，]?\s*(\d{1,3})\s*[.。·,，]?\s*[-—–])$")

# The page's last line, under its tables, read as a page number `- 2 -` with its second dash lost or a speck
# beside it read as a digit: `-2`, `0-2-`, `-2-0`. A cell may hold a value -2; a page's foot holds none.
_FOOT_NUMBER = re.compile(r"^[\d.。·,，]?\s*[-—–]\s*(\d{1,3})\s*(?:[-—–]\s*[\d.。·,，]?)?$")

# An amount's decimal point read as a colon: `600000:00`, `6,000:00` (a time has no more than two digits,
# and no comma, before it).
_AMOUNT_COLON = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d{3,}):(\d{2})$")
# A unit cell's % with a speck after it read as a stop: `%.`.
_PERCENT_SPECK = re.compile(r"^%\s*[.。·,，]$")
# A code's closing bracket lost before its name: `【103001中国共产党…` (a code is printed 【103001】).
_CODE_UNCLOSED = re.compile(r"^(【\d+)(?=[\u4e00-\u9fff][^】]*$)")
# A space the recognizer put inside a code: `【10300 1】` (a code is printed whole).
_CODE_SPACE = re.compile(r"(?<=【)(\d+)\s+(\d+)(?=】)")
# A closing bracket read as 》 after a bracket opened as ( with no 《: `(2020年度》`.
_BRACKET_AS_TITLE = re.compile(r"^(\([^()《》]*)》$")
# A speck read inside a page number printed in a page's foot: `第1页,共3.页`, `第:2页,共3页`.
_PAGE_OF_SPECK = re.compile(r"^(第)\s*[.。·:]?\s*(\d+)\s*[.。·]?\s*(页\s*[,，]?\s*共\s*\d+)\s*[.。·]?\s*(页)$")

# Specks after a sentence's full stop read as dots: `…整体水平。...`. No form ends a sentence so.
_STOP_SPECKS = re.compile(r"(?<=。)\s*[.·,，]+$")


def _joined_percent(match: re.Match[str]) -> str:
    joined = match.group(1) + match.group(2)
    return joined if float(joined[:-1]) <= 100 else match.group(0)


def _ge_for_two(match: re.Match[str]) -> str:
    rest = float(match.group(1))
    return f"≥{match.group(1)}%" if 60 <= rest <= 100 else match.group(0)


def repair(text: str) -> str:
    """The tidied cell text with the known misreads put right."""
    if not text:
        return text
    text = _GE.sub("≥", text)
    text = _LE.sub("≤", text)
    text = _GE_AS_TWO.sub(_ge_for_two, text)
    text = _WAN_YUAN.sub(r"\1万元", text)
    text = _WAN.sub("万", text)
    text = _YUAN.sub("元", text)
    text = _UNIT_SPECK.sub(r"\1", text)
    text = _FIGURE_SPECK.sub(r"\1", text)
    text = _AMOUNT_SPECK.sub(r"\1", text)
    text = _TICK.sub("", text)
    text = _ONE_AS_DASH.sub("—一", text)
    text = _SPLIT_PERCENT.sub(_joined_percent, text)
    text = _AMOUNT_COLON.sub(r"\1.\2", text)
    text = _PERCENT_SPECK.sub("%", text)
    text = _CODE_UNCLOSED.sub(r"\1】", text)
    text = _CODE_SPACE.sub(r"\1\2", text)
    text = _BRACKET_AS_TITLE.sub(r"\1)", text)
    text = _PAGE_OF_SPECK.sub(r"\1\2\3\4", text)
    text = _STOP_SPECKS.sub("", text)
    text = _PAGE_NUMBER.sub(lambda m: f"- {m.group(1) or m.group(2) or m.group(3)} -", text)
    return _SEQ_ONE.sub(r"\g<1>1", text)


def foot(text: str) -> str:
    """A page's last line, under its tables (tidied, `repair`ed), with a page number's misreads put right.

    Read so, a page number was a row of its own after the form's last row:
    an invented indicator (seed-9 0005_writer_scan, 0094_calc_scan).
    """
    match = _FOOT_NUMBER.match(text)
    return f"- {match.group(1)} -" if match else text
