"""The workers' fork server is started from a look at the command's arguments, before its imports."""
from __future__ import annotations

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
