"""Batch runs on a generated archive: kill and resume, increments, workers, a Dask cluster."""
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
from jixiao import batch
from jixiao.pipeline import walk
from jixiao.writers import read

sys.path.insert(0, str(ROOT))
from bench.archive import BROKEN_EVERY, make_archive  # noqa: E402

JIXIAO = [sys.executable, "-m", "jixiao.cli"]


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
        assert left == right
    assert [f.form_id for f in read(a)] == [f.form_id for f in read(b)]


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
    out = tmp_path / "out"
    cmd = [*JIXIAO, "extract", str(archive), "-o", str(out / "forms.jsonl"), "-o", str(out), "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    state = batch.state_folder(str(out / "forms.jsonl"), folder=False) / "parts"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(state.glob("*.meta.json"))) < 60:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list(state.glob("*.meta.json")))
    assert 0 < finished < 400, "the kill must land mid-run"
    assert not (out / "forms.jsonl").exists()
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 1
    assert f"({finished} unchanged" in again.stderr or "unchanged" in again.stderr
    _same_output(out, reference)


def test_rerun_skips_redoes_changed_and_force(archive, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    files = []
    for i, path in enumerate(walk([archive])[:30]):
        files.append(copy / f"{i:03d}{path.suffix}")
        files[-1].write_bytes(path.read_bytes())
    state = tmp_path / "state"
    first = batch.run(files, state)
    assert first.skipped == 0
    second = batch.run(files, state)
    assert second.skipped == 30 and second.entries == first.entries
    changed = files[3]
    changed.write_bytes(changed.read_bytes() + b"\n")
    third = batch.run(files, state)
    assert third.skipped == 29
    assert batch.run(files, state, force=True).skipped == 0
    # A part made by other code (another jixiao version) is redone too.
    meta = next(state.glob("*.meta.json"))
    entry = json.loads(meta.read_text(encoding="utf-8"))
    meta.write_text(json.dumps({**entry, "pipeline": "older-code"}), encoding="utf-8")
    assert batch.run(files, state).skipped == 29


def test_workers_do_not_change_the_output(archive, reference, tmp_path):
    out = tmp_path / "two"
    subprocess.run([*JIXIAO, "extract", str(archive), "-o", str(out / "forms.jsonl"), "-o", str(out), "--workers", "2"],
                   capture_output=True, timeout=600)
    _same_output(out, reference)


def test_time_limit_stops_one_file(tmp_path):
    big = tmp_path / "slow.txt"
    big.write_text((ROOT / "samples" / "002_97939f2dd7b43a77.txt").read_text(encoding="utf-8") * 400, encoding="utf-8")
    entry = batch.run_one(big.as_posix(), str(tmp_path / "state"), batch.Limits(timeout=0.05))
    assert entry["status"] == "failed" and "time limit" in entry["error"] and "slow.txt" in entry["error"]


@pytest.mark.timeout(300)
def test_dask_cluster_equals_local_run(archive, reference, tmp_path):
    from distributed import LocalCluster

    files = walk([archive])[:60]
    local = batch.run(files, tmp_path / "local")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = batch.run(files, tmp_path / "cluster", scheduler=cluster.scheduler_address)
    strip = [{k: v for k, v in e.items() if k not in ("seconds", "peak_rss_mb")} for e in local.entries]
    assert [{k: v for k, v in e.items() if k not in ("seconds", "peak_rss_mb")} for e in remote.entries] == strip
    a = list(batch.lines_of(local.entries, tmp_path / "local"))
    b = list(batch.lines_of(remote.entries, tmp_path / "cluster"))
    assert a == b and len(a) > 500
