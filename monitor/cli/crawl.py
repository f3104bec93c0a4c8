"""``netra crawl``: run a spider against a platform (or a replay/self-hosted server) now."""

from __future__ import annotations

import typer
from rich.table import Table

from monitor.cli.common import console, fail, require_current_schema

app = typer.Typer(help="Crawl declared and watched accounts now.", no_args_is_help=True)

KIND_HELP = {"bluesky": "Bluesky AppView", "mastodon": "Mastodon instance", "feed": "RSS/Atom and YouTube feeds",
             "x": "X API v2 (NETRA_X_BEARER_TOKEN)", "youtube": "YouTube Data API v3 (NETRA_YOUTUBE_API_KEY)"}


def _crawl(kind: str, base_url: str | None, handles: list[str] | None, account_ids: list[int] | None,
           watched: bool) -> None:
    from spiders.runner import CrawlError, crawl, require_settings
    from spiders.store import IngestStore

    try:
        require_settings(kind)  # a missing token or key is said before anything else is touched
    except CrawlError as exc:
        fail(str(exc))
    require_current_schema()
    try:
        run_ids = crawl(kind, handles=handles or None, account_ids=account_ids or None, watched=watched,
                        base_url=base_url)
    except CrawlError as exc:
        fail(str(exc))
    store = IngestStore()
    table = Table(title=f"crawl {kind}")
    for column in ("run", "status", "accounts", "items seen", "stored new", "errors"):
        table.add_column(column, justify="right" if column not in ("status", "accounts") else "left")
    problems = []
    for run_id in run_ids:
        run = store.run(run_id)
        table.add_row(str(run.id), run.status, run.target or "", str(run.items_seen), str(run.items_stored),
                      str(run.errors))
        problems += run.error_log or []
    console.print(table)
    for entry in problems[:20]:
        console.print(f"[yellow]{entry.get('account') or '-'}[/] {entry.get('url') or ''}: {entry.get('error')}",
                      highlight=False)
    if len(problems) > 20:
        console.print(f"… and {len(problems) - 20} more (see crawl_run.error_log)")
    unfinished = [r for r in run_ids if store.run(r).status != "succeeded"]
    if unfinished:
        # Something was skipped (an error, a quarantined record, an account not read to the end): say so.
        console.print(f"not everything was read: `netra runs show {unfinished[0]}` lists what and why")
        raise typer.Exit(1)


def _command(kind: str) -> None:
    def command(
        base_url: str | None = typer.Option(None, "--base-url", help=f"{KIND_HELP[kind]} to read instead of the "
                                            "configured one (a self-hosted server or a local replay server)."),
        handle: list[str] = typer.Option(None, "--handle", help="Only these accounts (repeatable)."),
        account_id: list[int] = typer.Option(None, "--account-id", help="Only these declared account ids."),
        watched: bool = typer.Option(True, "--watched/--no-watched",
                                     help="Also crawl candidates' watched accounts and match reactions."),
    ) -> None:
        _crawl(kind, base_url, handle, account_id, watched)

    command.__doc__ = f"Crawl {KIND_HELP[kind]} accounts."
    app.command(kind)(command)


for _kind in KIND_HELP:
    _command(_kind)
