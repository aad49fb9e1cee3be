"""Join the stages for one file and for a list of inputs.

A file's failure is data (`FileResult` with status failed and the reason),
never an exception that stops the batch.
"""
from __future__ import annotations

import fnmatch
import time
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.extract import Engine, ReadLimits, extract_file
from jixiao.normalize import normalize_document
from jixiao.schemas.errors import JixiaoError
from jixiao.schemas.form import Form

IGNORE_FILE = ".jixiaoignore"


@dataclass
class FileResult:
    path: str
    status: str  # "ok" or "failed"
    forms: list[Form] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    sha256: str = ""  # of the bytes the forms were read from; empty when no document was read


def _ignored(folder: Path) -> list[str]:
    """Glob patterns from a folder's .jixiaoignore (one per line, # comments)."""
    path = folder / IGNORE_FILE
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def relative_path(path: Path, roots: tuple[Path, ...]) -> str:
    """`path` relative to the input argument that named it: from a folder argument down, or a file argument's name.

    The most specific argument wins when several hold the file.
    """
    best: Path | None = None
    for root in roots:
        if path == root:
            return path.name
        if path.is_relative_to(root):
            relative = path.relative_to(root)
            if best is None or len(relative.parts) < len(best.parts):
                best = relative
    return (best or Path(path.name)).as_posix()


def walk(inputs: list[Path]) -> list[Path]:
    """Files named directly, plus every file under named folders, in a stable order.

    Hidden files and what a folder's .jixiaoignore names are skipped.
    """
    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            files.extend(_walk_dir(item, item))
        else:
            files.append(item)
    return files


def _walk_dir(root: Path, folder: Path) -> list[Path]:
    patterns = _ignored(folder)
    out: list[Path] = []
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        if child.name.startswith(".") or any(fnmatch.fnmatch(child.name, p) for p in patterns):
            continue
        if child.is_dir():
            out.extend(_walk_dir(root, child))
        elif child.is_file():
            out.append(child)
    return out


def process_file(path: Path, engine: Engine = "auto", limits: ReadLimits = ReadLimits(),
                 relpath: str | None = None) -> FileResult:
    """Extract and normalize one file; every failure becomes a message naming it.

    `relpath` (see `relative_path`) goes into each record's source.
    """
    started = time.perf_counter()
    try:
        doc = extract_file(path, engine, limits)
        forms = normalize_document(doc, relpath)
        return FileResult(path.as_posix(), "ok", forms, seconds=time.perf_counter() - started, sha256=doc.sha256)
    except JixiaoError as exc:
        error = str(exc)
    except MemoryError:
        error = f"{path}: out of memory"
    except Exception as exc:  # noqa: BLE001 - a batch must survive any one file
        error = f"{path}: unexpected {type(exc).__name__}: {exc}"
    return FileResult(path.as_posix(), "failed", error=error, seconds=time.perf_counter() - started)
