"""``netra profile``: load and list election profiles."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import select

from models.profile import ProfileError
from monitor.cli.common import console, err_console, fail, require_current_schema
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


@app.command("list")
def list_cmd() -> None:
    """Show the stored profiles and how many watched accounts each has."""
    require_current_schema()
    with session_scope() as session:
        table = Table("ID", "Name", "Level", "Campaign", "Voting day", "Watched", "Active")
        for rec in session.scalars(select(ElectionProfile).order_by(ElectionProfile.loaded_at)):
            watched = len(session.scalars(
                select(WatchedAccount.id).where(WatchedAccount.profile_id == rec.id)).all())
            campaign = f"{rec.campaign_start} – {rec.campaign_end}" if rec.campaign_start else ""
            table.add_row(rec.id, rec.name, rec.level or "", campaign, str(rec.voting_day or ""),
                          str(watched), "yes" if rec.active else "")
    console.print(table)
