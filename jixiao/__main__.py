"""The `jixiao` command (`python -m jixiao` too): the workers' fork server started before the command's imports.

Only the standard library and `fork_server` are imported before the fork
server is started (see there why); the command line itself is `jixiao.cli`.
A worker started by the fork server imports the main module again: this one
is cheap to import.
"""
from __future__ import annotations

import gc
import os
import sys

from jixiao import fork_server


def main() -> None:
    # pydantic looks for plugins among the installed packages' entry points at the first model it
    # builds (a scan of every package's metadata, some 30 ms of each start): the command uses none.
    # Set for the command's own process only, so a program importing jixiao keeps its plugins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    fork_server.start_for(sys.argv[1:])
    from jixiao.cli import app

    try:
        app()
    finally:
        # The interpreter's exit collects garbage over every object the imports made (pydantic's
        # validators, pyarrow, pandas), a third of a CPU second after the outputs are in place; frozen,
        # they are passed over. Nothing runs after this but the exit.
        gc.freeze()


if __name__ == "__main__":
    main()
