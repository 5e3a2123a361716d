"""The CLI's exit codes, in a module of their own so every command module can import them
(``tipguard.cli.main`` imports the command modules, so they cannot import it)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the CLI."""

    OK = 0
    ITEMS_FAILED = 1
    USAGE = 2
    CONFIG = 3
    IO = 4
