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

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
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

#: header labels -> field; variants seen in the wild included on purpose
HEADER_LABELS: dict[str, str] = {
    "项目名称": "project_name",
    "主管部门及代码": "department",
    "主管部门": "department",
    "项目主管部门": "department",
    "部门名称": "department",  # 部门整体 forms: the department is the subject
    "实施单位": "implementing_unit",
    "项目执行单位": "implementing_unit",
    "执行单位": "implementing_unit",
    "项目属性": "attribute",
    "项目期": "period",
    "项目期限": "period",
    "年度资金总额": "total",
    "项目当年预算": "total",  # 申报表: the year's budget (项目总预算 spans every year)
    "其中:财政拨款": "fiscal",
    "财政拨款": "fiscal",
    "其他资金": "other",
    "年度总体目标": "goals",
    "年度总体绩效目标": "goals",
    "年度绩效目标": "goals",
    "总体绩效目标": "goals",
    "项目绩效总目标": "goals",
}

_CODE = re.compile(r"^\s*\d{1,3}\s*[-—.、]\s*")
_NOTE = re.compile(r"\((必填|选填)[^)]*\)?\s*$")
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
    raw = note.strip("() ")
    required = True if "必填" in raw else False if "选填" in raw else None
    return Requirement(required=required, hard="硬性" in raw, quantified="量化" in raw, raw=raw)


def _candidates(stem: str, pool: tuple[str, ...], cutoff: float) -> str | None:
    if stem in pool:
        return stem
    found = process.extractOne(stem, pool, scorer=fuzz.ratio, score_cutoff=cutoff)
    return found[0] if found else None


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
    found = _candidates(stem, level2_pool, 88)
    if found:
        return Label(2, found, requirement_of(note))
    found = _candidates(stem, LEVEL1, 88)
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


def _match_header(text: str) -> str | None:
    stem = re.sub(r"\(.*?\)?$", "", text).rstrip(":").replace(" ", "")
    if not stem or len(stem) > 10:
        return None
    if stem in HEADER_LABELS:
        return HEADER_LABELS[stem]
    if stem.startswith("项目资金"):
        return "funds"
    found = process.extractOne(stem, tuple(HEADER_LABELS), scorer=fuzz.ratio, score_cutoff=85)
    if found:
        return HEADER_LABELS[found[0]]
    if len(stem) >= 3 and "实施单位".startswith(stem):
        return "implementing_unit"
    return None


_match_header_cached = lru_cache(maxsize=4096)(_match_header)
