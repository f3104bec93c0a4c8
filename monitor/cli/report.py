"""``netra report``: render weekly reports."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import typer

from monitor.cli.common import console, fail, require_current_schema

app = typer.Typer(help="Render reports (HTML, PDF, CSV, XLSX).", no_args_is_help=True)


@app.command()
def weekly(
    agency: list[str] = typer.Option([], "--agency", help="Agency code (repeat for several)."),
    all_agencies: bool = typer.Option(False, "--all", help="Every agency's report and the combined one."),
    week: str | None = typer.Option(None, "--week", help="ISO week, e.g. 2026-W47 (default: last week)."),
) -> None:
    """Render the weekly report of one or more agencies, or of all of them and combined."""
    from sqlalchemy import select

    from monitor.config import get_settings
    from monitor.db.schema import Agency
    from monitor.db.session import session_scope
    from reports.period import IsoWeek, previous_week
    from reports.weekly import build_weekly_report

    require_current_schema()
    if bool(agency) == all_agencies:
        fail("give --agency CODE (one or more) or --all")
    try:
        period = IsoWeek.parse(week) if week else previous_week(datetime.now(ZoneInfo(get_settings().timezone)))
    except ValueError as exc:
        fail(str(exc))
    with session_scope() as session:
        known = {code: aid for code, aid in session.execute(select(Agency.code, Agency.id))}
    unknown = [code for code in agency if code not in known]
    if unknown:
        fail(f"unknown agency code(s): {', '.join(unknown)}")
    targets: list[int | None] = [known[c] for c in agency] if agency else [*sorted(known.values()), None]
    for agency_id in targets:
        with session_scope() as session:
            reports = build_weekly_report(session, period, agency_id, created_by="cli")
            for r in reports:
                console.print(f"{r.format:5} {r.path}  sha256 {r.sha256}")
    console.print(f"weekly report {period.label}: {len(targets)} report(s)")
