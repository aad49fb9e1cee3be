"""What compiling the converted-text path's modules with mypyc would give: the same bytes, less CPU a form.

The text path's time is spread over some sixty small functions (`bench/stages.py`):
no one of them is worth tuning, and the interpreter's cost per call is most of
it. mypyc (mypy's compiler, installed with mypy; it needs a C compiler) turns
type-checked modules into C extensions. This builds, in a scratch folder, the
package laid out as Python imports it (`tools/package_tree.py`) with `MODULES`
compiled, then on ARCHIVE, each run as it is and compiled, taking turns:

- `bench/stages.py` (CPU a form, stage by stage);
- the command (`jixiao extract ARCHIVE -o OUT/forms.jsonl -o OUT/ --workers 1`), its CPU
  seconds, and its outputs compared byte for byte.

Nothing here changes how jixiao is installed or run.

Read its figures with the machine's load beside them: on two shared cores,
the CPU seconds of one and the same run vary by up to 1.6x with what the
neighbours do, and interpreted code suffers more from it than compiled code,
so a busy machine makes the gain look larger than it is. Compare the best of
several turns (--rounds), taken when the machine is quiet.

    python bench/native.py ARCHIVE [--every 4] [--rounds 2]
"""
from __future__ import annotations

import argparse
import filecmp
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from package_tree import build, package_dirs  # noqa: E402

#: the pure-Python modules a converted-text form's work runs through (no pydantic model or pyarrow type is defined in
#: them: mypyc compiles neither)
MODULES = [
    *(f"jixiao/normalize/{name}.py" for name in
      ("indicators", "header", "vocab", "values", "checks", "columns", "goals", "stream", "department")),
    "jixiao/extract/forms.py", "jixiao/extract/text.py", "jixiao/extract/clean.py", "jixiao/schemas/markers.py",
]

_SETUP = """
import sys
from mypyc.build import mypycify
from setuptools import setup
setup(name="jixiao-native", ext_modules=mypycify(["--ignore-missing-imports", *sys.argv[1:]], opt_level="3"),
      script_args=["build_ext", "--inplace", "--quiet"])
"""


def compile_tree(tree: Path) -> None:
    """The package laid out in `tree`, `MODULES` compiled beside their sources (which stay for the rest)."""
    build(tree, package_dirs(ROOT / "pyproject.toml"))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", _SETUP, *MODULES], cwd=tree, check=True, stdout=subprocess.DEVNULL)
    print(f"native: {len(MODULES)} modules compiled in {time.perf_counter() - started:.0f} s")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], tree: Path | None, cwd: Path) -> tuple[str, float]:
    """Run `command` with the package as it is (None) or from `tree`: its output and CPU seconds.

    Run from `cwd`, never the repository's root: `python -m` puts the working folder first on the path.
    """
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    before = _children_cpu()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1: the generated archives hold broken files on purpose
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout, _children_cpu() - before


def same_outputs(a: Path, b: Path) -> list[str]:
    """The output files (not the run state) that differ or are missing between two runs' folders."""
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file() and ".jixiao" not in p.as_posix())
    return [n for n in names if not (b / n).is_file() or not filecmp.cmp(a / n, b / n, shallow=False)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("--every", type=int, default=4, help="stages.py times every Nth document")
    parser.add_argument("--rounds", type=int, default=2, help="turns each variant takes")
    args = parser.parse_args()
    archive = args.archive.resolve()
    with tempfile.TemporaryDirectory(prefix="jixiao-native-") as scratch:
        folder = Path(scratch)
        tree = folder / "tree"
        compile_tree(tree)
        stages = [sys.executable, str(ROOT / "bench" / "stages.py"), str(archive), "--every", str(args.every)]
        cpu: dict[str, list[float]] = {"python": [], "native": []}
        for turn in range(args.rounds):
            for name, where in (("python", None), ("native", tree)):
                text, _ = run(stages, where, folder)
                print(f"{name} {turn + 1}: {text.rstrip()}")
                out = folder / name
                shutil.rmtree(out, ignore_errors=True)  # a cold run each time: a rerun skips what is done
                _, seconds = run([sys.executable, "-m", "jixiao", "extract", str(archive), "-o",
                                  str(out / "forms.jsonl"), "-o", str(out), "--workers", "1"], where, folder)
                cpu[name].append(seconds)
        differing = same_outputs(folder / "python", folder / "native")
        python, native = min(cpu["python"]), min(cpu["native"])
        print(f"native: the command on {archive.name}, 1 worker: {python:.2f} -> {native:.2f} CPU s "
              f"({100 * (1 - native / python):.0f}% less, best of {args.rounds}); outputs "
              + ("byte-identical" if not differing else f"DIFFER: {', '.join(differing)}"))
        if differing:
            sys.exit(1)


if __name__ == "__main__":
    main()
