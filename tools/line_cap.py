"""Fail when a Python file of the project is over 600 lines.

Small modules are a code standard here (pdfplumber's largest is about 800
lines; Docling's size cap exempts twelve giant files, which is what this
avoids): every `.py` file under the project's folders counts, tests and
benches included, with no exemptions. Hidden folders (`.venv`, bench data)
are not the project's code and are skipped.

    python tools/line_cap.py [ROOT]
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

CAP = 600
ROOT = Path(__file__).resolve().parent.parent


def python_files(root: Path) -> list[Path]:
    """Every `.py` file under `root` outside hidden folders, in path order."""
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found += [Path(folder, name) for name in files if name.endswith(".py")]
    return sorted(found)


def over_cap(root: Path, cap: int = CAP) -> list[tuple[Path, int]]:
    """The files over `cap` lines and their line counts (what `wc -l` says, give or take a final newline)."""
    counts = ((path, len(path.read_text(encoding="utf-8").splitlines())) for path in python_files(root))
    return [(path.relative_to(root), lines) for path, lines in counts if lines > cap]


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else ROOT
    too_long = over_cap(root)
    for path, lines in too_long:
        print(f"{path}: {lines} lines, over the cap of {CAP}: split it by what it does")
    return 1 if too_long else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
