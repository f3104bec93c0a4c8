"""``netra profile``: load and list election profiles."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import func, select

from models.profile import ProfileError
from monitor.cli.common import console, err_console, fail, require_current_schema
from monitor.cli.output import FORMAT_OPTION, Column, Format, show_records
from monitor.db.schema import ElectionProfile, WatchedAccount
from monitor.db.session import session_scope
from monitor.registry.profiles import store_profile

app = typer.Typer(help="Load and list election profiles (the election being watched).", no_args_is_help=True)


@app.command("load")
def load_cmd(
    file: Path = typer.Argument(..., help="Election profile YAML (see docs: interfaces)."),
    no_activate: bool = typer.Option(False, "--no-activate", help="Store it without making it the active one."),
) -> None:
    """Validate FILE, store it and register its candidates' watched accounts."""
    require_current_schema()
    try:
        with session_scope() as session:
            result = store_profile(session, file, activate=not no_activate)
    except ProfileError as exc:
        fail(str(exc))
    for warning in result.profile.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    p = result.profile
    console.print(
        f"{'loaded' if result.created else 'updated'} profile [bold]{p.id}[/] ({p.name}): "
        f"{len(p.candidates)} candidates, {len(p.parties)} parties, "
        f"watched accounts {result.watched_total} (+{result.watched_created})"
    )


def _campaign(record: Mapping[str, Any]) -> str:
    start, end = record["campaign_start"], record["campaign_end"]
    return f"{start} – {end}" if start else ""


PROFILE_COLUMNS = (
    Column("id", "ID", ident=True),
    Column("name", "Name"),
    Column("level", "Level"),
    Column("region", in_table=False),
    Column("campaign_start", "Campaign", text=_campaign),
    Column("campaign_end", in_table=False),
    Column("voting_day", "Voting day"),
    Column("watched_accounts", "Watched", justify="right"),
    Column("active", "Active"),
    Column("loaded_at", in_table=False),
)


@app.command("list")
def list_cmd(fmt: Format = FORMAT_OPTION) -> None:
    """Show the stored profiles and how many watched accounts each has."""
    require_current_schema()
    with session_scope() as session:
        watched = dict(session.execute(
            select(WatchedAccount.profile_id, func.count(WatchedAccount.id)).group_by(WatchedAccount.profile_id)).all())
        records = [
            {"id": rec.id, "name": rec.name, "level": rec.level, "region": rec.region,
             "campaign_start": rec.campaign_start, "campaign_end": rec.campaign_end, "voting_day": rec.voting_day,
             "watched_accounts": watched.get(rec.id, 0), "active": rec.active, "loaded_at": rec.loaded_at}
            for rec in session.scalars(select(ElectionProfile).order_by(ElectionProfile.loaded_at))
        ]
    show_records(records, PROFILE_COLUMNS, fmt)
