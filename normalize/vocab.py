"""The label vocabulary of the forms and fuzzy matching against it.

Labels arrive coded (11-数量指标), wrapped (经济效益 指标), truncated (实施单,
31-服务对象满意度) or with notes ((必填 硬性指标)); rapidfuzz matches what is
left after the code and the note are cut off.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from jixiao.schemas.form import Requirement
from jixiao.schemas.markers import HEADER_LABELS, LEVEL1, OTHER_LABELS  # re-exported for the readers of vocab

#: level 1 categories every target table has (成本指标 only on newer forms)
REQUIRED_LEVEL1 = ("产出指标", "效益指标", "满意度指标")

#: canonical level 2 -> its level 1
LEVEL2_PARENT: dict[str, str] = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "经济成本指标": "成本指标",
    "社会成本指标": "成本指标",
    "生态环境成本指标": "成本指标",
}

#: level 2 labels other provinces print, -> the canonical label
LEVEL2_ALIASES: dict[str, str] = {
    "环境效益指标": "生态效益指标",
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "服务对象": "服务对象满意度指标",  # 满意度指标 | 服务对象 | 群众满意度 (湛江)
}

COST_LEVEL2 = frozenset({"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"})

#: value words that name a measure without setting it (及时率, 合规, 满意度): a reviewer wants a figure
PLACEHOLDER_VALUES = frozenset({"合规", "达标", "及时", "合格", "满意"})
#: a value this short ending so names a rate or degree (知晓率, 满意度) with no figure: a placeholder too
PLACEHOLDER_ENDINGS = ("率", "度", "性")
PLACEHOLDER_CHARS = 6

_CODE = re.compile(r"^\s*\d{1,3}\s*[-—.、]\s*")
#: a label's note, and what may follow it: a colon (数量指标（必填）：), or a scanner's speck beside a
#: bracket read as one (时效指标(必填)· read `(必填):`, 成本指标(·必填硬性指标))
_NOTE = re.compile(r"\([\s.·]*(必填|选填)[^)]*\)?[\s:.·]*$")
_LEVEL1_SET = set(LEVEL1)


@dataclass(frozen=True)
class Label:
    """A cell recognised as an indicator label."""

    level: int
    canonical: str
    requirement: Requirement


def requirement_of(note: str | None) -> Requirement:
    """Turn a label note (必填硬性指标, 选填量化…) into flags."""
    if not note:
        return Requirement()
    raw = note.rstrip(" :.·").strip("() ").lstrip(".·")
    required = True if "必填" in raw else False if "选填" in raw else None
    return Requirement(required=required, hard="硬性" in raw, quantified="量化" in raw, raw=raw)


def _candidates(stem: str, pool: tuple[str, ...], cutoff: float) -> str | None:
    if stem in pool:
        return stem
    found = process.extractOne(stem, pool, scorer=fuzz.ratio, score_cutoff=cutoff)
    return found[0] if found else None


#: level-1 labels one misread character still names (OCR of a label written one character a line:
#: 产出看标, 效血指标), 成本指标 aside (bare, the row decides its level): the usual cutoff (88) forgives
#: one character in nine; a category has four or five, so one misread leaves it 75-80 alike, and
#: no other label comes that near
_LEVEL1_READ = tuple(name for name in LEVEL1 if name != "成本指标")

#: level-2 labels of six characters or more, and their printed variants, -> the canonical label: one
#: misread character leaves a six-character label 83 alike (`经齐效益指标`), below the cutoff, and labels
#: this long differ from one another in two characters at least (社会效益指标, 经济效益指标, 社会成本指标)
_LEVEL2_READ = {name: LEVEL2_ALIASES.get(name, name)
                for name in (*LEVEL2_PARENT, *LEVEL2_ALIASES) if len(name) >= 6}


def _one_misread(stem: str) -> str | None:
    """The level-2 label a stem is with one character misread, when only one label is so near.

    Two labels two characters apart are each one character from some
    stems (社济效益指标): such a stem names neither.
    """
    near = {canonical for name, canonical in _LEVEL2_READ.items()
            if len(name) == len(stem) and sum(a != b for a, b in zip(name, stem, strict=True)) == 1}
    return near.pop() if len(near) == 1 else None


def _two_read_as_one(stem: str) -> str | None:
    """The level-1 label of five characters a four-character stem is with two touching characters read
    as one (满爱指标: 意 over 度, written one character a line, read 爱), when one label alone is so near.

    Four-character labels are left out: three characters of one (效指标) are what a page break leaves
    of 绩效指标, a cut label `page_breaks` and `broken_rows` join, not a misread.
    """
    near = {name for name in _LEVEL1_READ if len(name) == len(stem) + 1 >= 5 and any(
        stem == name[:i] + stem[i] + name[i + 2:] for i in range(len(name) - 3))}
    return near.pop() if len(near) == 1 else None


def match_label(text: str) -> Label | None:
    """Classify a cell as a level-1 or level-2 label, or None when it is content.

    Matching is strict on length so that an indicator name that merely
    contains 效益 is not taken for a label. The length test comes before the
    cache so that long cells (every indicator name passes through here) are
    not kept in it for the rest of the batch.
    """
    if not text or len(text) > 24:
        return None
    return _match_label(text)


@lru_cache(maxsize=4096)
def _match_label(text: str) -> Label | None:
    note_match = _NOTE.search(text)
    note = note_match.group(0) if note_match else None
    stem = _CODE.sub("", text[: note_match.start()] if note_match else text).replace(" ", "")
    if stem in LEVEL2_ALIASES:
        return Label(2, LEVEL2_ALIASES[stem], requirement_of(note))
    if not stem or len(stem) > 12:
        return None
    if not stem.endswith("指标") and stem + "指标" in LEVEL2_PARENT:
        stem += "指标"
    level2_pool = tuple(LEVEL2_PARENT)
    if stem in _LEVEL1_SET and stem != "成本指标":
        return Label(1, stem, Requirement())
    if stem == "成本指标" and note is None and not _CODE.match(text):
        # Bare 成本指标: level 1 on newer forms, level 2 on older; the row decides.
        return Label(2, stem, Requirement())
    found = _candidates(stem, level2_pool, 88) or _one_misread(stem)
    if found:
        return Label(2, found, requirement_of(note))
    found = _candidates(stem, LEVEL1, 88) or (_candidates(stem, _LEVEL1_READ, 75) if len(stem) in (4, 5) else None)
    found = found or _two_read_as_one(stem)
    if found:
        return Label(1, found, Requirement())
    # Truncated labels: 31-服务对象满意度 (the code shows it is a label).
    if _CODE.match(text):
        for name in level2_pool:
            if name.startswith(stem) or stem.startswith(name[:-2]):
                return Label(2, name, requirement_of(note))
    return None


#: Longest header cell kept in the cache; labels with their notes are far shorter.
_CACHED_HEADER_CHARS = 64


def match_header(text: str) -> str | None:
    """Return the header field a label cell names, or None.

    Every header cell passes through here, values included; only short ones
    are cached, so that a huge cell is not kept for the rest of the batch.
    """
    if len(text) > _CACHED_HEADER_CHARS:
        return _match_header(text)
    return _match_header_cached(text)


#: a list number before a label: 1.一般公共预算财政拨款收入
_LIST_NUMBER = re.compile(r"^\d{1,2}[.、]")
#: longest stem matched loosely; longer cells are values unless they are a label exactly
_FUZZY_STEM_CHARS = 10
#: how alike a stem must be to a header label: one character misread in six (年度总体自标, seed-29
#: 0039_chromium_scan, whose goals were read as 其他资金's value) leaves 83.3, a label of five or
#: fewer no match; header labels of six or more of different fields differ in two characters or more
#: (计划开始日期, 计划完成日期)
_HEADER_CUTOFF = 83


def _match_header(text: str) -> str | None:
    stem = _LIST_NUMBER.sub("", re.sub(r"\(.*?\)?$", "", text).rstrip(":").replace(" ", ""))
    if stem in HEADER_LABELS:
        return HEADER_LABELS[stem]
    if not stem or len(stem) > _FUZZY_STEM_CHARS:
        return None
    if stem.startswith("项目资金"):
        return "funds"
    found = process.extractOne(stem, tuple(HEADER_LABELS), scorer=fuzz.ratio, score_cutoff=_HEADER_CUTOFF)
    if found:
        return HEADER_LABELS[found[0]]
    if len(stem) >= 3 and "实施单位".startswith(stem):
        return "implementing_unit"
    return None


_match_header_cached = lru_cache(maxsize=4096)(_match_header)
#: every header label's words, recorded or not
EXACT_LABELS = frozenset(HEADER_LABELS) | OTHER_LABELS


#: the starts and ends (2 characters or more) of labels of 4 and more: what a converter leaves of them
_LABEL_PIECES = frozenset(
    piece for label in EXACT_LABELS if len(label) >= 4
    for k in range(2, len(label)) for piece in (label[:k], label[-k:]) if not re.search(r"\d", piece)
)


def is_exact_label(text: str) -> bool:
    """The words of a header label exactly (no loose match): 其中:当年财政拨款, 1.一般公共预算财政拨款收入."""
    return _LIST_NUMBER.sub("", re.sub(r"\(.*?\)?$", "", text).rstrip(":").replace(" ", "")) in EXACT_LABELS


def is_label_piece(text: str) -> bool:
    """A cell holding only the start or the end of a header label (年度资金 of 年度资金总额, 政拨款
    of 其中:财政拨款): no label itself, no figures."""
    stem = text.replace(" ", "").rstrip(":")
    return stem in _LABEL_PIECES and not is_header_label(text)


def is_header_label(text: str) -> bool:
    """Any label of the header block, recorded (match_header) or not (OTHER_LABELS)."""
    return match_header(text) is not None or _LIST_NUMBER.sub("", text.replace(" ", "").rstrip(":")) in OTHER_LABELS
