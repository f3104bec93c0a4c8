"""The ``netra`` command line: a thin layer over Netra's library functions.

Each command group lives in its own module and registers itself on ``app``
below; commands print in English (their users are the operators).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import typer

from monitor.cli.common import state
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
    debug: bool = typer.Option(False, "--debug", help="On an error, print its traceback too (for bug reports)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars on standard error."),
) -> None:
    state.debug, state.quiet = debug, quiet
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
    from monitor.cli import (
        audit,
        classify,
        crawl,
        data,
        db,
        demo,
        export,
        gestures,
        hoax,
        importers,
        jobs,
        profile,
        registry,
        report,
        runs,
        serve,
        user,
        web,
    )

    # Set up: schema, registry, the election watched.
    app.add_typer(db.app, name="db")
    app.add_typer(registry.app, name="registry")
    app.add_typer(profile.app, name="profile")
    # Collect: crawls, self-audit imports, exports of what was collected.
    app.add_typer(crawl.app, name="crawl")
    app.add_typer(importers.app, name="import")
    app.add_typer(export.app, name="export")
    app.add_typer(runs.app, name="runs")
    from monitor.cli import capture

    app.command("capture")(capture.capture)
    from monitor.cli import crawler, workers

    crawl.app.command("enqueue")(crawler.enqueue)
    app.command("crawler")(crawler.crawler)
    app.command("classifier-worker")(workers.classifier_worker)
    # Classify: the text model, photo gestures, data for retraining.
    app.command("classify")(classify.classify)
    app.command("train")(classify.train)
    app.command("evaluate")(classify.evaluate)
    app.add_typer(classify.model_app, name="model")
    app.command("evaluate-gestures")(gestures.evaluate_gestures)
    app.add_typer(gestures.app, name="gestures")
    app.add_typer(data.app, name="data")
    # Hoax claims: fact-checkers' verdicts, matched against acts at classification (issue 19).
    app.add_typer(hoax.app, name="hoax")
    crawl.app.command("factcheck")(hoax.crawl_factcheck)
    # Review and run: web app, users, scheduler.
    app.command("web")(web.web)
    app.add_typer(user.app, name="user")
    app.command("serve")(serve.serve)
    app.add_typer(jobs.app, name="jobs")
    # Report.
    app.add_typer(report.app, name="report")
    app.command("audit")(audit.audit)
    app.command("demo")(demo.demo)


_register()


def main() -> None:
    """The ``netra`` script and ``python -m monitor``: errors end as one line, not a traceback."""
    from monitor.cli.errors import run

    sys.exit(run(app))
