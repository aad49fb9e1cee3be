"""Indicator labels in scans: read with one character wrong."""
from __future__ import annotations

from itertools import combinations

import pytest

from jixiao.normalize.vocab import LEVEL1, LEVEL2_ALIASES, LEVEL2_PARENT, match_label


@pytest.mark.parametrize(("read", "label"), [
    ("经齐效益指标", "经济效益指标"),  # 济 misread, seed-11 0001_calc_scan
    ("经齐效益指标(必填量化)", "经济效益指标"),
    ("社会效孟指标", "社会效益指标"),
    ("可持续影啊指标", "可持续影响指标"),
    ("生态环境成本指际", "生态环境成本指标"),
    ("环境效益指际", "生态效益指标"),  # a province's variant, misread, is still its canonical label
])
def test_a_long_level2_label_with_one_character_misread_is_still_the_label(read, label):
    found = match_label(read)
    assert found is not None and (found.level, found.canonical) == (2, label)


@pytest.mark.parametrize("read", [
    "社济效益指标",  # one character from 社会效益指标 and from 经济效益指标: neither
    "经济效益指数X",  # longer than any label so near
    "数量指际",  # four characters: 数量指标 and 质量指标 differ in one, so a four-character label gets no such leeway
    "招录公务员人数",
])
def test_a_reading_near_two_labels_or_none_names_no_label(read):
    assert match_label(read) is None


def test_long_level2_labels_differ_in_two_characters_at_least():
    """What lets one misread character name a label: no two labels of six or more are one character apart."""
    names = [name for name in (*LEVEL1, *LEVEL2_PARENT, *LEVEL2_ALIASES) if len(name) >= 6]
    for a, b in combinations(names, 2):
        if len(a) == len(b) and LEVEL2_ALIASES.get(a, a) != LEVEL2_ALIASES.get(b, b):
            assert sum(x != y for x, y in zip(a, b, strict=True)) >= 2, (a, b)
