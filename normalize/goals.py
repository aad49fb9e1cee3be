"""Split 年度总体目标 into one entry per numbered goal."""
from __future__ import annotations

import re

# 目标 1: / 目标1. / 目标: anywhere; 1. / 1、 / (1) only at the start or after punctuation or a space.
_MARKER = re.compile(
    r"目标\s*\d{0,2}\s*[::.、]"
    r"|(?:(?<=^)|(?<=[\s;,。;:!?)]))(?:\d{1,2}\s*[.、](?!\d)|\(\d{1,2}\))"
)
_TRAIL = " ;,、"


def split_goals(text: str) -> list[str]:
    """Return the goals without their markers; unnumbered text is one goal."""
    text = text.strip()
    if not text:
        return []
    marks = list(_MARKER.finditer(text))
    if not marks:
        return [text.strip(_TRAIL)]
    goals = []
    head = text[: marks[0].start()].strip(_TRAIL)
    if head:
        goals.append(head)
    for m, nxt in zip(marks, marks[1:] + [None], strict=True):
        body = text[m.end(): nxt.start() if nxt else len(text)].strip().rstrip(_TRAIL).strip()
        if body:
            goals.append(body)
    return goals
