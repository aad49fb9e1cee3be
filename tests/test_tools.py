"""The code checks of `make check`: the line cap, the package tree, and the import contract read through it."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=120)


def _lines(path: Path, count: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"x{i} = {i}\n" for i in range(count)), encoding="utf-8")


def test_line_cap_fails_only_on_files_over_600_lines(tmp_path: Path) -> None:
    _lines(tmp_path / "pkg" / "at_cap.py", 600)
    _lines(tmp_path / "tests" / "over.py", 601)
    _lines(tmp_path / ".venv" / "lib" / "vendored.py", 5000)  # not the project's code
    result = _run(sys.executable, TOOLS / "line_cap.py", tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "tests/over.py: 601 lines, over the cap of 600: split it by what it does"
    ]


def test_line_cap_passes_when_every_file_is_within_it(tmp_path: Path) -> None:
    _lines(tmp_path / "a.py", 600)
    result = _run(sys.executable, TOOLS / "line_cap.py", tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_package_tree_lays_folders_out_as_their_packages(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    assert _run(sys.executable, TOOLS / "package_tree.py", tree).returncode == 0
    assert (tree / "jixiao" / "extract" / "pdf.py").resolve() == ROOT / "extract" / "pdf.py"
    assert (tree / "jixiao" / "schemas" / "form.py").resolve() == ROOT / "schemas" / "form.py"
    assert (tree / "jixiao" / "pipeline.py").resolve() == ROOT / "jixiao" / "pipeline.py"
    for folder in ("extract", "normalize", "schemas"):
        linked = {p.name for p in (tree / "jixiao" / folder).iterdir()}
        assert linked == {p.name for p in (ROOT / folder).glob("*.py")}


#: one import each contract forbids, appended to a copy of the package, and the line that names it
VIOLATIONS = {
    "schemas imports a jixiao module": (
        "schemas/raw.py", "from jixiao.writers import read\n", "jixiao.schemas.raw -> jixiao.writers"
    ),
    "extract imports normalize": (
        "extract/text.py", "from jixiao.normalize import vocab\n", "jixiao.extract.text -> jixiao.normalize.vocab"
    ),
    "normalize imports extract inside a function": (
        "normalize/goals.py", "\n\ndef _late() -> None:\n    from jixiao.extract import sniff\n",
        "jixiao.normalize.goals -> jixiao.extract.sniff",
    ),
    "normalize imports the pipeline": (
        "normalize/vocab.py", "import jixiao.pipeline\n", "jixiao.normalize.vocab -> jixiao.pipeline"
    ),
}


def _contract_run(tmp_path: Path, violation: tuple[str, str, str] | None) -> subprocess.CompletedProcess[str]:
    """lint-imports on a copy of the package (with `violation` added) laid out by package_tree."""
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    for folder in ("jixiao", "extract", "normalize", "schemas"):
        (source / folder).mkdir()
        for module in (ROOT / folder).glob("*.py"):
            shutil.copy(module, source / folder)
    if violation is not None:
        path, line, _ = violation
        with (source / path).open("a", encoding="utf-8") as f:
            f.write(line)
    tree = tmp_path / "tree"
    assert _run(sys.executable, TOOLS / "package_tree.py", tree, source).returncode == 0
    return _run(LINT_IMPORTS, "--no-cache", source / "pyproject.toml", cwd=tree)


def test_import_contract_holds_for_the_package(tmp_path: Path) -> None:
    result = _contract_run(tmp_path, None)
    assert result.returncode == 0, result.stdout
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize("name", VIOLATIONS)
def test_import_contract_catches(name: str, tmp_path: Path) -> None:
    result = _contract_run(tmp_path, VIOLATIONS[name])
    assert result.returncode == 1, result.stdout
    assert VIOLATIONS[name][2] in result.stdout
