"""``netra import``: self-audit imports of the data exports account owners download."""

from __future__ import annotations

from pathlib import Path

import typer

from monitor.cli.common import console, err_console, fail, require_current_schema
from monitor.cli.output import progress
from spiders.platforms import InvalidHandle

app = typer.Typer(help="Import a platform data export handed in by the account owner (self-audit).",
                  no_args_is_help=True)


def _run(name: str, path: Path, account: str, received_by: str | None, ignore_owner: bool) -> None:
    from spiders.importers import IMPORTERS, import_export
    from spiders.importers.base import ExportError

    require_current_schema()
    importer = IMPORTERS[name]
    try:
        with progress(f"importing {path.name}", unit="records") as bar:
            run_id, stats = import_export(importer, path, account, received_by=received_by,
                                          ignore_owner=ignore_owner, progress=bar.advance)
    except (ExportError, InvalidHandle) as exc:
        fail(str(exc))
    for error in stats.errors + stats.skipped:
        err_console.print(f"[yellow]{error}[/]", highlight=False)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(stats.by_kind.items())) or "nothing new"
    problems = len(stats.errors) + len(stats.skipped)
    console.print(
        f"crawl run {run_id}: {stats.seen} records read from {', '.join(stats.files_read) or 'no file'}; "
        f"stored {stats.stored} ({kinds}), unchanged {stats.unchanged}, problems {problems}"
    )
    console.print(f"export SHA-256 {stats.export_sha256}")
    if stats.errors and stats.seen == 0:
        raise typer.Exit(1)


ACCOUNT = typer.Option(..., "--account", "-a", help="The declared account the export belongs to.")
RECEIVED_BY = typer.Option(None, "--received-by", help="Who handed the export in (kept with the import).")
IGNORE_OWNER = typer.Option(False, "--ignore-owner", help="Import even if the export names another username.")
PATH = typer.Argument(..., help="The export ZIP, or the folder it was unpacked to.")


@app.command("x-archive")
def x_archive(path: Path = PATH, account: str = ACCOUNT, received_by: str | None = RECEIVED_BY,
              ignore_owner: bool = IGNORE_OWNER) -> None:
    """X (Twitter) archive: tweets.js (posts, replies, retweets) and like.js."""
    _run("x-archive", path, account, received_by, ignore_owner)


@app.command("instagram")
def instagram(path: Path = PATH, account: str = ACCOUNT, received_by: str | None = RECEIVED_BY,
              ignore_owner: bool = IGNORE_OWNER) -> None:
    """Instagram JSON export: posts, comments, liked posts (mojibake repaired)."""
    _run("instagram", path, account, received_by, ignore_owner)


@app.command("tiktok")
def tiktok(path: Path = PATH, account: str = ACCOUNT, received_by: str | None = RECEIVED_BY,
           ignore_owner: bool = IGNORE_OWNER) -> None:
    """TikTok user_data JSON: liked videos, comments, own videos."""
    _run("tiktok", path, account, received_by, ignore_owner)


@app.command("facebook")
def facebook(path: Path = PATH, account: str = ACCOUNT, received_by: str | None = RECEIVED_BY,
             ignore_owner: bool = IGNORE_OWNER) -> None:
    """Facebook JSON export: posts, comments, likes and reactions (mojibake repaired)."""
    _run("facebook", path, account, received_by, ignore_owner)
