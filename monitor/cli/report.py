"""``netra report``: render weekly reports and reports for a chosen date range."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import typer

from monitor.cli.common import console, fail, require_current_schema

if TYPE_CHECKING:
    from reports.period import Period

app = typer.Typer(help="Render reports (HTML, PDF, XLSX, CSV).", no_args_is_help=True)

AGENCY_HELP = "Agency code (repeat for several)."
ALL_HELP = "Every agency's report and the combined one."


def _targets(agency: list[str], all_agencies: bool) -> list[int | None]:
    """Agency ids to build for (``None``: the combined report), or a one-line error."""
    from sqlalchemy import select

    from monitor.db.schema import Agency
    from monitor.db.session import session_scope

    if bool(agency) == all_agencies:
        fail("give --agency CODE (one or more) or --all")
    with session_scope() as session:
        known = {code: aid for code, aid in session.execute(select(Agency.code, Agency.id))}
    unknown = [code for code in agency if code not in known]
    if unknown:
        fail(f"unknown agency code(s): {', '.join(unknown)}")
    return [known[c] for c in agency] if agency else [*sorted(known.values()), None]


def _build(period: Period, targets: list[int | None]) -> None:
    from monitor.db.session import session_scope
    from monitor.db.types import utcnow
    from reports.weekly import build_report

    now = utcnow()  # one moment for every report of this run: they agree and share a directory
    for agency_id in targets:
        with session_scope() as session:
            reports = build_report(session, period, agency_id, created_by="cli", now=now)
            for r in reports:
                console.print(f"{r.format:5} {r.path}  sha256 {r.sha256}")


@app.command()
def weekly(
    agency: list[str] = typer.Option([], "--agency", help=AGENCY_HELP),
    all_agencies: bool = typer.Option(False, "--all", help=ALL_HELP),
    week: str | None = typer.Option(None, "--week", help="ISO week, e.g. 2026-W47 (default: last week)."),
) -> None:
    """Render the weekly report of one or more agencies, or of all of them and combined.

    Figures count acts by when they happened (Asia/Jakarta), with review states as of now.
    """
    from monitor.config import get_settings
    from reports.period import IsoWeek, previous_week

    require_current_schema()
    try:
        period = IsoWeek.parse(week) if week else previous_week(datetime.now(ZoneInfo(get_settings().timezone)))
    except ValueError as exc:
        fail(str(exc))
    targets = _targets(agency, all_agencies)
    _build(period.period(), targets)
    console.print(f"weekly report {period.label}: {len(targets)} report(s)")


@app.command(name="range")
def date_range(
    date_from: str = typer.Option(..., "--from", help="First day, YYYY-MM-DD (from 00:00 WIB)."),
    date_to: str = typer.Option(..., "--to", help="Last day, YYYY-MM-DD (to 24:00 WIB)."),
    agency: list[str] = typer.Option([], "--agency", help=AGENCY_HELP),
    all_agencies: bool = typer.Option(False, "--all", help=ALL_HELP),
) -> None:
    """Render the report for a date range (whole days, at most a year), of agencies or of all and combined."""
    from reports.period import Period, parse_day

    require_current_schema()
    try:
        period = Period.days(parse_day(date_from), parse_day(date_to))
    except ValueError as exc:
        fail(str(exc))
    targets = _targets(agency, all_agencies)
    _build(period, targets)
    console.print(f"report {period.label}: {len(targets)} report(s)")
