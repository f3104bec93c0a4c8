"""``netra import``: self-audit imports of the data exports account owners download."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from monitor.cli.common import console, err_console, fail, require_current_schema
from monitor.cli.output import progress
from spiders.platforms import InvalidHandle

if TYPE_CHECKING:
    from spiders.importers.base import ImportStats

app = typer.Typer(help="Import a platform data export handed in by the account owner (self-audit).",
                  no_args_is_help=True)


def summary(stats: ImportStats) -> str:
    """One line: what was stored and what was skipped."""
    skipped = []
    if stats.quarantined:
        skipped.append(f"{stats.quarantined} record(s) quarantined")
    if stats.unreadable_files:
        skipped.append(f"{stats.unreadable_files} file(s) not read to the end")
    if stats.store_failures:
        skipped.append(f"{stats.store_failures} act(s) not stored (kept for retry)")
    first = next((p.message for p in stats.problems if p.code != "interrupted"), None)
    text = (f"import {stats.status}: {stats.stored} new, {stats.unchanged} unchanged of {stats.seen} acts read; "
            + (", ".join(skipped) or "nothing skipped"))
    return text + (f" (first: {first})" if first else "")


def _run(name: str, path: Path, account: str, received_by: str | None, ignore_owner: bool) -> None:
    from spiders.importers import IMPORTERS, import_export
    from spiders.importers.base import ExportError
    from spiders.importers.run import ImportInterrupted, stop_on_signals

    require_current_schema()
    importer = IMPORTERS[name]
    started: list[int] = []
    try:
        with stop_on_signals(), progress(f"importing {path.name}", unit="records") as bar:
            run_id, stats = import_export(importer, path, account, received_by=received_by,
                                          ignore_owner=ignore_owner, progress=bar.advance, on_run=started.append)
    except (ExportError, InvalidHandle) as exc:
        fail(str(exc))
    except ImportInterrupted as exc:
        run = f"crawl run {started[0]} closed as failed" if started else "no run was opened"
        fail(f"import {exc.reason}: {run}; acts stored so far stay, importing the export again adds the rest",
             code=exc.exit_code)
    for problem in stats.problems[:20]:
        err_console.print(f"[yellow]{problem.message}[/]", highlight=False, soft_wrap=True)
    if stats.problem_count > 20:
        err_console.print(f"… and {stats.problem_count - 20} more: `netra runs show {run_id}`", highlight=False)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(stats.by_kind.items())) or "nothing new"
    console.print(
        f"crawl run {run_id} ({stats.status}): {stats.seen} acts read from "
        f"{', '.join(stats.files_read) or 'no file'}; stored {stats.stored} ({kinds}), unchanged {stats.unchanged}"
    )
    if stats.truncated_fields:
        console.print(f"{stats.truncated_fields} text field(s) longer than import_max_field_chars were cut "
                      "(marked in the act and its evidence)")
    console.print(f"export SHA-256 {stats.export_sha256}")
    if stats.status != "succeeded":
        fail(summary(stats))


ACCOUNT = typer.Option(..., "--account", "-a", help="The declared account the export belongs to.")
RECEIVED_BY = typer.Option(None, "--received-by", help="Who handed the export in (kept with the import).")
IGNORE_OWNER = typer.Option(False, "--ignore-owner", help="Import even if the export names another username.")
PATH = typer.Argument(..., help="The export ZIP, the folder it was unpacked to, or a single JSON file of it.")


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
    """TikTok user_data JSON (in a ZIP, a folder or on its own): liked videos, comments, own videos."""
    _run("tiktok", path, account, received_by, ignore_owner)


@app.command("facebook")
def facebook(path: Path = PATH, account: str = ACCOUNT, received_by: str | None = RECEIVED_BY,
             ignore_owner: bool = IGNORE_OWNER) -> None:
    """Facebook JSON export: posts, comments, likes and reactions (mojibake repaired)."""
    _run("facebook", path, account, received_by, ignore_owner)
