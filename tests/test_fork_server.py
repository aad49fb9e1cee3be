"""The workers' fork server is started from a look at the command's arguments, before its imports."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT
from jixiao.fork_server import asked_by


@pytest.mark.parametrize(("argv", "expected"), [
    (["extract", "in", "-o", "out/", "--workers", "2"], True),  # a folder: Parquet tables
    (["extract", "in", "-o", "f.jsonl", "--workers=3"], False),
    (["extract", "in", "--out", "f.jsonl", "--out=t.parquet", "--workers", "2"], True),
    (["extract", "in", "-o", "out/", "--format", "csv", "--workers", "2"], False),  # a folder of CSV files
    (["extract", "in", "-o", "f.jsonl", "--workers", "1"], None),
    (["extract", "in", "-o", "f.jsonl"], None),  # one worker: the command works in its own process
    (["extract", "in", "-o", "f.jsonl", "--workers", "2", "--scheduler", "tcp://h:8786"], None),  # a cluster's
    (["extract", "in", "-o", "f.jsonl", "--workers", "two"], None),  # the command says what is wrong
    (["validate", "out/", "--workers", "2"], None),
    ([], None),
])
def test_asked_by(argv, expected):
    assert asked_by(argv) is expected


def test_the_launcher_imports_nothing_heavy():
    """The fork server starts before the command's imports only while `jixiao.__main__` stays light."""
    heavy = ["pydantic", "typer", "rich", "pyarrow", "pandas", "jixiao.batch", "jixiao.cli"]
    code = f"import sys, jixiao.__main__\nprint(sorted(set({heavy}) & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_run_of_one_worker_imports_no_process_pool(tmp_path):
    """One worker works in the command's own process: no fork server, so neither multiprocessing nor
    the process pool is imported (a twentieth of a CPU second of each start), nor pydantic's plugin scan."""
    code = (
        "import sys\n"
        f"sys.argv = ['jixiao', 'extract', 'samples/000_b8c562a2c440e30e.txt', '-o', {str(tmp_path / 'f.jsonl')!r}]\n"
        "import jixiao.__main__\n"
        "try:\n"
        "    jixiao.__main__.main()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "import os\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('multiprocessing', 'concurrent')),"
        " os.environ['PYDANTIC_DISABLE_PLUGINS'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[] __all__"
