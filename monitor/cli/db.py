"""``netra db``: schema migrations."""

from __future__ import annotations

import typer

from monitor.cli.common import console
from monitor.config import get_settings
from monitor.db import migrate

app = typer.Typer(help="Create and migrate the database schema.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("heads", help="Target revision.")) -> None:
    """Create the schema or bring it up to date (safe to run repeatedly)."""
    migrate.upgrade(revision=revision)
    console.print(f"database [bold]{get_settings().resolved_database_url}[/] at revision {migrate.current_revision()}")


@app.command()
def current() -> None:
    """Show the schema revision of the database and the newest one this Netra knows."""
    console.print(f"current: {migrate.current_revision() or 'none'}  head: {migrate.head_revision()}")
