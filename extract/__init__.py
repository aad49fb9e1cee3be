"""Extract stage: files in, `RawDocument`s (rows of raw cells per form) out.

The kind of file is decided by its bytes, not its name; each kind has one
module. Nothing here knows how the normalizer reads the rows.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from jixiao.extract.sniff import sniff
from jixiao.extract.text import extract_text
from jixiao.schemas.errors import NoTargetTable, UnsupportedFormat
from jixiao.schemas.form import SourceFormat
from jixiao.schemas.raw import RawDocument


def extract_file(path: Path) -> RawDocument:
    """Read one input file; raise a `JixiaoError` naming the file when it cannot be."""
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    if kind is SourceFormat.text:
        doc = extract_text(path, data, sha256)
    else:
        raise UnsupportedFormat(f"{path}: {kind.value if kind else 'unknown'} files are not read yet")
    if not doc.forms:
        raise NoTargetTable(f"{path}: no target table found (no 绩效目标表 title)")
    return doc


__all__ = ["extract_file"]
