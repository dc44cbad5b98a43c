"""A stand-in for one starting process (app, worker, exchange replica): migrates on command.

Reads lines "sakot <url>" or "exchange <url>" from stdin, runs the same entry point the
process runs at start-up, and answers "ok" or "error <type>: <message>" on one line. The test
writes the same line to every child at once, so they all start migrating together.
"""

from __future__ import annotations

import sys

# Import everything the migration needs first, so the children race on the database, not on
# module imports.
import bot.storage.models  # noqa: F401
import exchange.models  # noqa: F401
from bot.storage.migrate import upgrade
from exchange.db import migrate


def main() -> None:
    print("ready", flush=True)
    for line in sys.stdin:
        target, _, url = line.strip().partition(" ")
        try:
            (upgrade if target == "sakot" else migrate)(url)
        except Exception as exc:  # report it to the test, which fails on it
            message = str(exc).replace("\n", " ")[:300]
            print(f"error {type(exc).__name__}: {message}", flush=True)
        else:
            print("ok", flush=True)


if __name__ == "__main__":
    main()
