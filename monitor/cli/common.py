"""Things every command module shares: the console, the global options' state and error exits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

import typer
from rich.console import Console

# soft_wrap: a message is one line however long (the terminal folds it, a pipe or log keeps it whole), so
# paths and ids in it can be copied and grepped; tables still fit the width (monitor/cli/output.py).
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


@dataclass
class CliState:
    """The global options of this run (set by the ``netra`` callback)."""

    debug: bool = False  # print tracebacks of errors, not only their one-line message
    quiet: bool = False  # no progress displays


state = CliState()


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def require_current_schema() -> None:
    """Refuse to run against a database whose schema is missing or outdated."""
    from monitor.config import get_settings
    from monitor.db.migrate import current_revision, head_revision, is_up_to_date

    if not is_up_to_date():
        current = current_revision()
        url = get_settings().resolved_database_url
        fail(f"database {url} is at revision {current or 'none'}, not {head_revision()}: run `netra db upgrade`")
