"""One exception tree for every stage, so callers catch `JixiaoError` alone.

Messages name the file and the reason; the batch turns them into error rows.
"""
from __future__ import annotations


class JixiaoError(Exception):
    """Base of every error jixiao raises on purpose."""


class UnsupportedFormat(JixiaoError):
    """The file's content is not a kind jixiao reads."""


class UnreadableFile(JixiaoError):
    """The file is of a known kind but cannot be decoded or parsed."""


class NoTargetTable(JixiaoError):
    """The file was read but holds no 绩效目标表."""


class TooLarge(JixiaoError):
    """The file is over a bound on bytes, pages or pixels (`ReadLimits`)."""
