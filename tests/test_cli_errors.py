"""Bad arguments and help, as a user meets them: one line on stderr, exit 2, never a traceback."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from conftest import EXPECTED, ROOT, SAMPLES
from jixiao import __version__
from jixiao.cli import app

runner = CliRunner()
COMMANDS = ["extract", "schema", "diff", "sample-diff", "validate", "review", "load"]
TEXT = SAMPLES / "000_b8c562a2c440e30e.txt"


def _bad(tmp_path):
    """(arguments, the one line expected on stderr) for every command; {tmp} is a scratch folder."""
    absent = tmp_path / "absent"
    return [
        (["extract", str(absent), "-o", "-"], rf"error: {re.escape(str(absent))}: no such file or folder"),
        (["extract", str(TEXT)], r"error: Missing option '-o' / '--out'\. \(see 'jixiao extract --help'\)"),
        (["extract", str(TEXT), "-o", "-", "--workers", "0"],
         r"error: Invalid value for '--workers': .*\(see 'jixiao extract --help'\)"),
        (["extract", str(TEXT), "-o", "-", "--engine", "ocr"],
         r"error: Invalid value for '--engine': .*'auto', 'pdfplumber', 'camelot'.*"),
        (["extract", str(TEXT), "-o", "-", "--timeout", "-1"], r"error: Invalid value for '--timeout': .*"),
        (["schema", "extra"], r"error: Got unexpected extra argument.*\(see 'jixiao schema --help'\)"),
        (["diff", str(EXPECTED)], r"error: Missing argument 'EXPECTED'\. \(see 'jixiao diff --help'\)"),
        (["diff", str(absent), str(EXPECTED)], rf"error: {re.escape(str(absent))}: no such file or folder"),
        (["diff", str(EXPECTED), str(EXPECTED), "--json", str(absent / "r.json")],
         rf"error: {re.escape(str(absent / 'r.json'))}: cannot write \(No such file or directory\)"),
        (["sample-diff", str(EXPECTED), str(EXPECTED), "--sample", "-3"], r"error: Invalid value for '--sample': .*"),
        (["sample-diff", str(EXPECTED), str(EXPECTED), "--sample", "0"], r"error: Invalid value for '--sample': .*"),
        (["validate", str(TEXT)],
         rf"error: {re.escape(str(TEXT))}: not a jixiao output \(line 3: Invalid JSON: .*\)"),
        (["validate", str(SAMPLES / "realworld")],
         rf"error: {re.escape(str(SAMPLES / 'realworld'))}: not a jixiao output "
         r"\(no forms/ Parquet table, no \.jsonl or \.json file; spreadsheets and CSV files are not read back\)"),
        (["review", str(EXPECTED), "--sample", "0"], r"error: Invalid value for '--sample': .*"),
        (["review", str(TEXT)], rf"error: {re.escape(str(TEXT))}: not a jixiao output .*"),
        (["review", str(EXPECTED), "-o", str(TEXT / "r.html")],
         rf"error: {re.escape(str(TEXT / 'r.html'))}: cannot write \(File exists: {re.escape(str(TEXT))}\)"),
        (["load", str(EXPECTED)], r"error: Missing option '--db'\. \(see 'jixiao load --help'\)"),
        (["load", str(EXPECTED), "--db", str(tmp_path)],
         rf"error: {re.escape(str(tmp_path))}: cannot open as a DuckDB database \(.*\)"),
        (["nosuch"], r"error: No such command 'nosuch'\. \(see 'jixiao --help'\)"),
    ]


def test_every_command_with_bad_arguments_says_one_line_and_exits_2(tmp_path):
    cases = _bad(tmp_path)
    assert {args[0] for args, _ in cases} >= set(COMMANDS)
    for args, pattern in cases:
        result = runner.invoke(app, args, prog_name="jixiao")
        assert result.exit_code == 2, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert re.fullmatch(pattern + r"\n", result.stderr), (args, result.stderr)
        assert "Traceback" not in result.output


def test_a_real_process_prints_no_traceback_either():
    done = subprocess.run([sys.executable, "-m", "jixiao.cli", "validate", str(TEXT)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"error: {TEXT}: not a jixiao output")


def test_no_arguments_shows_the_help_and_exits_2():
    result = runner.invoke(app, [])
    assert result.exit_code == 2 and "Usage" in result.output


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"jixiao {__version__}\n"


def test_help_lists_every_command_on_one_line_and_cites_no_outside_file():
    result = runner.invoke(app, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    for command in COMMANDS:
        (line,) = [i for i, text in enumerate(lines) if re.match(rf"│ {re.escape(command)} +\S", text)]
        assert not re.match(r"│ +\S", lines[line + 1]) or re.match(r"│ [a-z-]+ ", lines[line + 1]), lines[line + 1]
    for command in ["", *COMMANDS]:
        text = runner.invoke(app, [command, "--help"] if command else ["--help"]).stdout
        assert "CONTRACT" not in text and ".md" not in text, command


def test_every_option_and_argument_has_help_saying_what_it_takes():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        for param in command.params:
            if param.name == "help":
                continue
            assert getattr(param, "help", None), f"{name} {param.name} has no help"


def test_the_module_entry_point_is_the_same_command():
    done = subprocess.run([sys.executable, "-m", "jixiao.cli", "--version"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0 and done.stdout == f"jixiao {__version__}\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output
