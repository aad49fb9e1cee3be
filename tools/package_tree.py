"""Lay the package out as Python imports it, for the tools that read files, not imports.

pyproject's `package-dir` maps folders to packages (`extract/` is
`jixiao.extract`); setuptools' editable install serves that mapping through an
import hook, which mypy and import-linter cannot follow: they look for
`jixiao/extract/`. This builds that tree from symbolic links, in a folder of
its own (under `.venv/`, so nothing in the repository moves), from the mapping
itself, so a package added to pyproject is checked without touching this file.
A report naming `.venv/tree/jixiao/extract/pdf.py` is about `extract/pdf.py`.

    python tools/package_tree.py TREE [ROOT]     # ROOT: the folder of pyproject.toml, this repository by default
"""
from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def package_dirs(pyproject: Path) -> dict[str, Path]:
    """Each package's folder, from `[tool.setuptools] package-dir` (a package missing there is its own path)."""
    setuptools = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["setuptools"]
    mapping = setuptools.get("package-dir", {})
    root = pyproject.parent
    return {name: root / mapping.get(name, name.replace(".", "/")) for name in setuptools["packages"]}


def build(tree: Path, packages: dict[str, Path]) -> None:
    """Replace `tree` with one folder per package, each holding links to its folder's modules.

    Links are per file, not per folder, so a package nested in another's
    folder (`jixiao.extract` inside `jixiao`) gets a real folder to sit in and
    every tool walks the tree without following folder links.
    """
    if tree.exists():
        shutil.rmtree(tree)
    for name, source in packages.items():
        target = tree.joinpath(*name.split("."))
        target.mkdir(parents=True, exist_ok=True)
        for module in sorted(source.glob("*.py")):
            (target / module.name).symlink_to(module.resolve())


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(argv[1]) if len(argv) == 2 else ROOT
    build(Path(argv[0]), package_dirs(root / "pyproject.toml"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
