"""Fuzz the text path: bytes -> decode -> rows -> forms -> records -> JSON line.

    .venv/bin/pip install atheris            # not a project dependency
    .venv/bin/python bench/fuzz_atheris.py -atheris_runs=20000

Any file of an archive reaches this path, so no byte string may raise
anything but a `JixiaoError`, take longer than a few seconds, or give a
record that does not serialise to standard JSON (no Infinity). Coverage-guided fuzzing (atheris, libFuzzer) starts from
the samples cut into forms and in several encodings, and mutates towards
unexplored branches of jixiao's own modules; libFuzzer stops at the first
uncaught exception and writes the input to the artifact folder it prints.

Without atheris the same target runs over random byte mutations of the same
seeds (`--runs N`, `--seed S`), counting failures instead of stopping, so
the check can be made anywhere.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import random
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

try:
    import atheris
except ImportError:  # the fallback below needs nothing beyond the project
    atheris = None

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
#: The name every fuzzed input is read under; each record must point back to it.
FUZZ_PATH = Path("fuzz.txt")
#: Longest input: a few forms, so that runs stay fast; whole documents are seeds only up to this.
MAX_LEN = 8192
#: Seconds one input may take before libFuzzer reports it: a backtracking regex is a hang too.
TIMEOUT = 10


def _import_target() -> tuple[Callable, Callable, Callable, type]:
    from jixiao.extract.text import extract_text
    from jixiao.normalize import normalize_document
    from jixiao.schemas.errors import JixiaoError
    from jixiao.writers import json_line

    return extract_text, normalize_document, json_line, JixiaoError


if atheris is not None:
    with atheris.instrument_imports(include=["jixiao"]):
        extract_text, normalize_document, json_line, JixiaoError = _import_target()
else:
    extract_text, normalize_document, json_line, JixiaoError = _import_target()


def _refuse(constant: str) -> None:
    raise ValueError(f"record is not standard JSON: it holds {constant}")


def one_input(data: bytes) -> None:
    """The fuzz target: a named error is fine; any other exception or a bad record is a finding."""
    try:
        doc = extract_text(FUZZ_PATH, data, hashlib.sha256(data).hexdigest())
    except JixiaoError:
        return
    for form in normalize_document(doc):
        if form.source.path != FUZZ_PATH.as_posix():
            raise AssertionError(f"record for {form.source.path}, not {FUZZ_PATH}")
        json.loads(json_line(form), parse_constant=_refuse)


def seeds() -> list[bytes]:
    """Every sample form on its own, in UTF-8, GBK and UTF-16: valid inputs to mutate from."""
    out = []
    for path in SAMPLES:
        lines = path.read_text(encoding="utf-8").split("\n")
        starts = [i for i, line in enumerate(lines) if line.rstrip().endswith(("目标表", "申报表"))] or [0]
        for begin, end in zip(starts, starts[1:] + [len(lines)], strict=True):
            text = "\n".join(lines[begin:end])
            for codec in ("utf-8", "gbk", "utf-16"):
                data = text.encode(codec, errors="replace")
                if len(data) <= MAX_LEN:
                    out.append(data)
    return out


def _mutate(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """A few byte-level edits: flips, inserts, deletions, repeats and splices with another seed."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(buf) + 1)
        action = rng.randrange(5)
        if action == 0 and buf:
            buf[min(at, len(buf) - 1)] = rng.randrange(256)
        elif action == 1:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif action == 2:
            del buf[at:at + rng.randint(1, 64)]
        elif action == 3:
            buf[at:at] = buf[at:at + rng.randint(1, 256)] * rng.randint(1, 4)
        else:
            other = rng.choice(pool)
            start = rng.randrange(len(other) + 1)
            buf[at:] = other[start:start + rng.randint(1, 512)]
    return bytes(buf[:MAX_LEN])


def run_without_atheris(runs: int, seed: int) -> int:
    """Random mutations of the seeds through the target; prints the count and returns the failures."""
    rng = random.Random(seed)
    pool = seeds()
    failures = 0
    for number in range(runs):
        data = _mutate(rng.choice(pool), rng, pool)
        try:
            one_input(data)
        except Exception:  # noqa: BLE001 - counting findings is the point
            failures += 1
            if failures <= 3:
                print(f"input {number}: {data[:120]!r}...", file=sys.stderr)
                traceback.print_exc()
    print(f"{runs} inputs, {runs - failures} without an uncaught exception, {failures} uncaught")
    return failures


def main() -> None:
    if atheris is None:
        runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 20000
        seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 0
        print("atheris is not installed: random mutations instead", file=sys.stderr)
        sys.exit(1 if run_without_atheris(runs, seed) else 0)
    corpus = Path(tempfile.mkdtemp(prefix="jixiao-fuzz-"))
    for index, data in enumerate(seeds()):
        (corpus / f"seed-{index:03d}").write_bytes(data)
    args = [arg for arg in sys.argv if arg]
    if not any(arg.startswith("-max_len=") for arg in args):
        args.append(f"-max_len={MAX_LEN}")
    if not any(arg.startswith("-timeout=") for arg in args):
        args.append(f"-timeout={TIMEOUT}")
    if not any(arg.startswith("-artifact_prefix=") for arg in args):
        args.append(f"-artifact_prefix={corpus}/")
    print(f"corpus and findings in {corpus}", file=sys.stderr)
    # libFuzzer's -timeout runs an interval timer; disarmed at exit, or its last SIGALRM can
    # land after "Done" and kill the process with status 142 after a clean run.
    atexit.register(signal.setitimer, signal.ITIMER_REAL, 0)
    atheris.Setup(args + [str(corpus)], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
