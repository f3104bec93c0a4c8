"""Things every command module shares: the console and error exits."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

console = Console()
err_console = Console(stderr=True)


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
