"""The ``netra`` command line: a thin layer over Netra's library functions.

Each command group lives in its own module and registers itself on ``app``
below; commands print in English (their users are the operators).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import typer

from monitor.config import reset_settings_cache

app = typer.Typer(
    name="netra",
    help="Netra: monitoring the political neutrality of Indonesian civil servants (ASN) on social media.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


@app.callback()
def _global_options(
    database_url: str | None = typer.Option(
        None, "--database-url", help="SQLAlchemy URL (default: $NETRA_DATABASE_URL or SQLite in $NETRA_HOME)."
    ),
    home: Path | None = typer.Option(None, "--home", help="Data directory (default: $NETRA_HOME or ~/.netra)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug messages."),
) -> None:
    # Options are passed on as the environment so every library function sees one settings object.
    if database_url:
        os.environ["NETRA_DATABASE_URL"] = database_url
    if home:
        os.environ["NETRA_HOME"] = str(home.expanduser())
    reset_settings_cache()
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _register() -> None:
    # Imported here so each module can import ``app`` helpers without cycles.
    from monitor.cli import db, profile, registry

    app.add_typer(db.app, name="db")
    app.add_typer(registry.app, name="registry")
    app.add_typer(profile.app, name="profile")


_register()


def main() -> None:
    app()
