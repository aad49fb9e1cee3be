"""Cluster mode as a user runs it: a real `dask scheduler` and `dask worker` on loopback, and bad addresses."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SAMPLES
from jixiao.cli import app

DASK = Path(sys.executable).with_name("dask")
JIXIAO = [sys.executable, "-m", "jixiao.cli"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory) -> Iterator[str]:
    """`dask scheduler` and one `dask worker`, each started in a folder of its own, as the README says."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    here = tmp_path_factory.mktemp("scheduler")
    elsewhere = tmp_path_factory.mktemp("worker")
    logs = [(here / "scheduler.log").open("w"), (elsewhere / "worker.log").open("w")]
    port = address.rsplit(":", 1)[1]
    procs = [
        subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
                         cwd=here, stdout=logs[0], stderr=subprocess.STDOUT, start_new_session=True),
        subprocess.Popen([str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                         cwd=elsewhere, stdout=logs[1], stderr=subprocess.STDOUT, start_new_session=True),
    ]
    try:
        from distributed import Client

        with Client(address, timeout=120) as client:
            client.wait_for_workers(1, timeout=120)
            assert client.run(os.getcwd) == {w: str(elsewhere) for w in client.scheduler_info()["workers"]}
        yield address
    finally:
        for proc in procs[::-1]:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        for log in logs:
            log.close()


def _tasks_run(address: str) -> int:
    """How many of jixiao's tasks the scheduler has seen finish."""
    from distributed import Client

    def count(dask_scheduler) -> int:
        log = dask_scheduler.transition_log
        return sum(1 for entry in log if str(entry[0]).startswith("run_chunk") and entry[2] == "memory")

    with Client(address, timeout=30) as client:
        return client.run_on_scheduler(count)


@pytest.mark.timeout(600)
def test_a_real_cluster_gives_the_bytes_of_a_local_run(scheduler, tmp_path):
    """Relative inputs on the command line, a worker in another folder: the output equals a local run's."""
    local, cluster = tmp_path / "local", tmp_path / "cluster"
    for out, extra in ((local, []), (cluster, ["--scheduler", scheduler])):
        command = [*JIXIAO, "extract", "samples", "-o", str(out / "forms.jsonl"), "-o", str(out / "pq"), *extra]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    assert _tasks_run(scheduler) >= 1, "the files went to the cluster's worker"
    assert (cluster / "forms.jsonl").read_bytes() == (local / "forms.jsonl").read_bytes()
    parts = sorted(p.relative_to(local) for p in (local / "pq").rglob("*.parquet"))
    assert parts and parts == sorted(p.relative_to(cluster) for p in (cluster / "pq").rglob("*.parquet"))
    for part in parts:
        assert (cluster / part).read_bytes() == (local / part).read_bytes(), part


def test_an_unreachable_scheduler_is_one_line_and_exit_2_within_the_timeout(tmp_path):
    address = f"tcp://127.0.0.1:{_free_port()}"  # nobody listens there
    started = time.monotonic()
    args = ["extract", str(SAMPLES / "000_b8c562a2c440e30e.txt"), "-o", str(tmp_path / "f.jsonl")]
    result = CliRunner().invoke(app, [*args, "--scheduler", address, "--connect-timeout", "2"])
    assert result.exit_code == 2
    assert result.stderr == f"error: {address}: no dask scheduler answered within 2 s\n"
    assert time.monotonic() - started < 2 + 10  # the timeout, and a generous allowance for imports on a busy machine


@pytest.mark.parametrize(("address", "reason"), [
    ("bogus", "no HOST:PORT"),
    ("tcp://", "no HOST:PORT"),
    ("tcp://host:port", "no HOST:PORT"),
    ("foo://host:8786", "unknown address scheme 'foo'"),
])
def test_a_malformed_scheduler_address_is_one_line_and_exit_2(tmp_path, address, reason):
    args = ["extract", str(SAMPLES / "000_b8c562a2c440e30e.txt"), "-o", str(tmp_path / "f.jsonl")]
    result = CliRunner().invoke(app, [*args, "--scheduler", address])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {address}: not a scheduler address ({reason}")
    assert result.stderr.endswith("; expected tcp://HOST:PORT\n") and result.stderr.count("\n") == 1
    assert not (tmp_path / "f.jsonl").exists()
