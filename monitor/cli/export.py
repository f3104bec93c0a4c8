"""``netra export activities``: collected acts as JSONL or CSV (docs/interfaces.md)."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import typer

from monitor.cli.common import console, fail, require_current_schema

app = typer.Typer(help="Export collected data.", no_args_is_help=True)


@app.command()
def activities(
    fmt: str = typer.Option(..., "--format", help="jsonl or csv."),
    agency: str | None = typer.Option(None, "--agency", help="Agency id or code."),
    platform: str | None = typer.Option(None, "--platform", help="bluesky, mastodon, x, instagram, ..."),
    since: str | None = typer.Option(None, "--since", help="Only acts on or after this date (YYYY-MM-DD)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write (default: standard output)."),
    as_user: str | None = typer.Option(None, "--as-user", help="Export only what this web-app user may see."),
    raw: bool = typer.Option(False, "--raw", help="CSV for programs: texts exactly as captured, without the "
                             "apostrophe that keeps spreadsheets from running a text as a formula."),
) -> None:
    """One record per activity of a declared account."""
    from monitor.db.session import session_scope
    from monitor.exports.activities import FORMATS, ActivityFilter, ExportRefused, export_activities

    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    since_date: date | None = None
    if since:
        try:
            since_date = datetime.strptime(since, "%Y-%m-%d").date()
        except ValueError:
            fail(f"--since must be a date YYYY-MM-DD, not {since!r}")
    require_current_schema()
    flt = ActivityFilter(agency=agency, platform=platform, since=since_date, as_user=as_user)
    try:
        with session_scope() as session:
            if output is None:
                count = export_activities(session, flt, fmt, sys.stdout, raw=raw)
            else:
                output.parent.mkdir(parents=True, exist_ok=True)
                with output.open("w", encoding="utf-8", newline="") as out:
                    count = export_activities(session, flt, fmt, out, raw=raw)
    except (ExportRefused, LookupError) as exc:
        fail(str(exc))
    if output is not None:
        console.print(f"{count} activities written to {output}")
