"""The fork server a run's workers start from, started as soon as a run can tell it will need one.

Workers (`batch`, --workers 2 or more) are forked from a fork server that
has imported jixiao (and, for a run that writes Parquet, pyarrow and the
pandas pyarrow imports on the first array it builds from Python values): each
worker starts with them imported instead of importing them itself, and no
worker inherits the command's threads. Started by the batch, the server's
imports came after the command's own (typer, rich, pydantic, pyarrow) and
before any worker could start: about a second of a two-worker run on one
core, the other idle. Started from a look at the command's arguments
before the command imports anything heavy (`jixiao.__main__`), the two
import at once on two cores.

The look is a hint, never the command's reading of its arguments: one it
misreads starts no server (the batch starts it as before) or a server with
a preload the run does not use (only time lost).
"""
from __future__ import annotations

from collections.abc import Sequence

from jixiao.output_names import kind_of

#: what every worker imports; with tables, what building Arrow tables imports
_PRELOAD = ["jixiao.batch"]
_TABLES_PRELOAD = ["jixiao.arrow_tables", "pandas"]


def start(tables: bool) -> None:
    """Start the fork server, importing what a worker of a run with (or without) Arrow tables needs;
    a server already running is kept as it is."""
    import multiprocessing.forkserver  # here: a run of one worker starts none, and does without it

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD + (_TABLES_PRELOAD if tables else []))
    multiprocessing.forkserver.ensure_running()


def start_for(argv: Sequence[str]) -> None:
    """Start the fork server now when `argv` (the command's arguments) asks for one (`asked_by`)."""
    tables = asked_by(argv)
    if tables is not None:
        start(tables)


def asked_by(argv: Sequence[str]) -> bool | None:
    """Whether `argv` asks `extract` for 2 or more local workers: None when not, else whether they
    are to make Arrow tables (an output is a Parquet one)."""
    if not argv or argv[0] != "extract":
        return None
    workers = _values(argv, "--workers")
    if not workers or not workers[-1].isdigit() or int(workers[-1]) < 2 or _values(argv, "--scheduler"):
        return None
    folder_format = (_values(argv, "--format") or ["parquet"])[-1]
    return any(kind_of(out, folder_format) == "parquet" for out in _values(argv, "-o", "--out"))


def _values(argv: Sequence[str], *names: str) -> list[str]:
    """The values given to option `names` (`--name VALUE` or `--name=VALUE`), in order."""
    values = []
    for i, arg in enumerate(argv):
        if arg in names and i + 1 < len(argv):
            values.append(argv[i + 1])
        elif "=" in arg and arg.split("=", 1)[0] in names:
            values.append(arg.split("=", 1)[1])
    return values
