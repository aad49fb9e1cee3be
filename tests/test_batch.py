"""Batch runs on a generated archive: kill and resume, increments, workers, a Dask cluster.

"The same output" means the same bytes: JSON lines and every Parquet file.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from jixiao import batch, parts
from jixiao.pipeline import walk
from jixiao.writers import read

sys.path.insert(0, str(ROOT))
from bench.archive import BROKEN_EVERY, make_archive  # noqa: E402

JIXIAO = [sys.executable, "-m", "jixiao"]  # the command as users run it (`jixiao.__main__`)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    make_archive(folder, 400, seed=7)
    return folder


@pytest.fixture(scope="module")
def reference(archive, tmp_path_factory) -> Path:
    """An uninterrupted run with one worker: what every other run must equal."""
    out = tmp_path_factory.mktemp("reference")
    done = subprocess.run([*JIXIAO, "extract", str(archive), "-o", str(out / "forms.jsonl"), "-o", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr  # the archive holds broken files on purpose
    return out


def _same_output(a: Path, b: Path) -> None:
    assert (a / "forms.jsonl").read_bytes() == (b / "forms.jsonl").read_bytes()
    for table in ("forms", "indicators", "goals", "checks"):
        left = sorted(p.relative_to(a) for p in (a / table).rglob("*.parquet"))
        right = sorted(p.relative_to(b) for p in (b / table).rglob("*.parquet"))
        assert left == right and left
        for name in left:
            assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert [f.form_id for f in read(a)] == [f.form_id for f in read(b)]


def _finished(state: Path) -> int:
    """Inputs with a result in the state folder (any part, superseded or not)."""
    return sum(len(parts.read_meta(p)["files"]) for p in state.glob(f"*{parts.SUFFIX}"))


def _run(files: list[Path], state: Path, **options) -> tuple[batch.Outcome, list[tuple[str, dict]]]:
    """`batch.run`, with what it gave `ready` in a list."""
    located: list[tuple[str, dict]] = []
    return batch.run(files, state, located.append, **options), located


def _assemble(located: list[tuple[str, dict]], state: Path, target: Path) -> None:
    """The JSON lines output of the inputs `located` (part name, file meta), as the command writes it."""
    assembly = batch.Assembly(state, [str(target)], [])
    for one in located:
        assembly.add(one)
    assembly.finish()


def _entries(located: list[tuple[str, dict]]) -> list[dict]:
    return [meta["entry"] for _, meta in located]


def test_bad_files_are_manifest_rows_and_the_rest_comes_out(reference):
    entries = batch.read_manifest(reference)
    assert entries == batch.read_manifest(reference / "forms.jsonl")
    assert len(entries) == 400
    failed = [e for e in entries if e["status"] == "failed"]
    assert len(failed) == 400 // BROKEN_EVERY
    assert all(e["error"] and e["path"] in e["error"] for e in failed)
    forms = (reference / "forms.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(forms) == sum(e["forms"] for e in entries) > 3000
    ids = [json.loads(line)["form_id"] for line in forms]
    assert len(ids) == len(set(ids))


def test_kill_nine_then_resume_equals_uninterrupted(archive, reference, tmp_path):
    """Killed twice while workers write batched parts, then finished: the bytes of an uninterrupted run."""
    out = tmp_path / "out"
    cmd = [*JIXIAO, "extract", str(archive), "-o", str(out / "forms.jsonl"), "-o", str(out), "--workers", "2"]
    state = batch.state_folder(str(out / "forms.jsonl"), folder=False) / "parts"
    finished = []
    for wanted in (1, 3):  # the second kill lands on a resumed run, whose parts supersede none yet
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(list(state.glob(f"*{parts.SUFFIX}"))) < wanted:
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        finished.append(_finished(state))
    assert 0 < finished[0] <= finished[1] < 400, "the kills must land mid-run"
    assert len(parts.index(state)) == finished[1], "no input may be in two parts"
    assert max(len(parts.read_meta(p)["files"]) for p in state.glob(f"*{parts.SUFFIX}")) > 1, "parts are batched"
    assert not (out / "forms.jsonl").exists()
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 1
    assert f"({finished[1]} unchanged since the last run)" in again.stderr
    _same_output(out, reference)
    # outputs are written while workers read: what the kills left half-written is gone, only the state stays
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".jixiao"]


def test_rerun_skips_redoes_changed_and_force(archive, tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    copy.mkdir()
    files = []
    for i, path in enumerate(walk([archive])[:30]):
        files.append(copy / f"{i:03d}{path.suffix}")
        files[-1].write_bytes(path.read_bytes())
    state = tmp_path / "state"

    def lines(located: list[tuple[str, dict]]) -> bytes:
        target = tmp_path / "forms.jsonl"
        _assemble(located, state, target)
        return target.read_bytes()

    first, first_located = _run(files, state)
    assert first.skipped == 0
    second, second_located = _run(files, state)
    assert second.skipped == 30 and _entries(second_located) == _entries(first_located)
    changed = files[3]
    changed.write_bytes(changed.read_bytes() + b"\n")
    third, third_located = _run(files, state)
    assert third.skipped == 29
    expected = lines(third_located)
    forced, forced_located = _run(files, state, force=True)
    assert forced.skipped == 0 and lines(forced_located) == expected
    # Every input is in one live part: the parts the reruns superseded are gone.
    assert _finished(state) == len(parts.index(state)) == 30
    # Parts made by other code (another jixiao version) are redone too.
    monkeypatch.setattr(batch, "pipeline_digest", lambda: "older-code")
    _run(files[:5], state, force=True)
    monkeypatch.undo()
    assert _run(files, state)[0].skipped == 25
    assert lines(_run(files, state)[1]) == expected


def test_workers_do_not_change_the_output(archive, reference, tmp_path):
    out = tmp_path / "two"
    subprocess.run([*JIXIAO, "extract", str(archive), "-o", str(out / "forms.jsonl"), "-o", str(out), "--workers", "2"],
                   capture_output=True, timeout=600)
    _same_output(out, reference)


def test_parts_of_a_run_without_parquet_give_the_same_parquet_later(archive, reference, tmp_path):
    """A JSON lines run makes parts without Arrow tables; a rerun adding a Parquet output takes every input
    from them (nothing redone) and writes the same bytes as a run that wrote both at once."""
    out = tmp_path / "later"
    first = subprocess.run([*JIXIAO, "extract", str(archive), "-o", str(out / "forms.jsonl")],
                           capture_output=True, text=True, timeout=600)
    state = out / "forms.jsonl.jixiao" / "parts"
    assert first.returncode == 1 and all(parts.read_meta(p)["tables"] == {} for p in state.glob(f"*{parts.SUFFIX}"))
    second = subprocess.run([*JIXIAO, "extract", str(archive), "-o", str(out / "forms.jsonl"), "-o", str(out)],
                            capture_output=True, text=True, timeout=600)
    assert second.returncode == 1 and "(400 unchanged since the last run)" in second.stderr
    _same_output(out, reference)


def test_time_limit_stops_one_file(tmp_path):
    big = tmp_path / "slow.txt"
    big.write_text((ROOT / "samples" / "002_97939f2dd7b43a77.txt").read_text(encoding="utf-8") * 400, encoding="utf-8")
    [(_, meta)] = batch.run_chunk([big.as_posix()], str(tmp_path / "state"), 0, 0, batch.Limits(timeout=0.05))
    entry = meta["entry"]
    assert entry["status"] == "failed" and "time limit" in entry["error"] and "slow.txt" in entry["error"]


@pytest.mark.timeout(300)
def test_dask_cluster_equals_local_run(archive, reference, tmp_path):
    from distributed import LocalCluster

    files = walk([archive])[:60]
    _, local = _run(files, tmp_path / "local")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        _, remote = _run(files, tmp_path / "cluster", scheduler=cluster.scheduler_address)
    strip = [{k: v for k, v in e.items() if k not in ("seconds", "peak_rss_mb")} for e in _entries(local)]
    assert [{k: v for k, v in e.items() if k not in ("seconds", "peak_rss_mb")} for e in _entries(remote)] == strip
    _assemble(local, tmp_path / "local", tmp_path / "local.jsonl")
    _assemble(remote, tmp_path / "cluster", tmp_path / "cluster.jsonl")
    text = (tmp_path / "local.jsonl").read_bytes()
    assert text == (tmp_path / "cluster.jsonl").read_bytes() and text.count(b"\n") > 500
