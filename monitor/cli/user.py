"""``netra user``: manage the web app's users."""

from __future__ import annotations

import sys

import typer
from rich.table import Table
from sqlalchemy import select

from monitor.access.users import UserError, create_user, list_users, set_disabled, set_password
from monitor.cli.common import console, fail, require_current_schema
from monitor.db.schema import ROLES, Agency
from monitor.db.session import session_scope
from monitor.db.types import utcnow

app = typer.Typer(help="Manage web app users (admin, supervisor, reviewer, agency_auditor).", no_args_is_help=True)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail("no password on standard input")
        return password
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@app.command()
def add(
    username: str = typer.Argument(..., help="Sign-in name."),
    role: str = typer.Option(..., "--role", help=f"One of: {', '.join(ROLES)}."),
    agency: str | None = typer.Option(None, "--agency", help="Home agency code (required for agency_auditor)."),
    scope: list[str] = typer.Option([], "--scope", help="Agency code a supervisor/reviewer may see (repeatable)."),
    full_name: str | None = typer.Option(None, "--name", help="Full name shown in the app."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
) -> None:
    """Create a user."""
    require_current_schema()
    password = _read_password(password_stdin)
    try:
        with session_scope() as session:
            user = create_user(session, username, password, role, agency_code=agency, scope_codes=scope,
                               full_name=full_name)
            console.print(f"created user [bold]{user.username}[/] ({user.role})")
    except UserError as exc:
        fail(str(exc))


@app.command()
def passwd(
    username: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
) -> None:
    """Set a user's password (also unlocks the account and ends their sessions)."""
    require_current_schema()
    password = _read_password(password_stdin)
    try:
        with session_scope() as session:
            set_password(session, username, password)
    except UserError as exc:
        fail(str(exc))
    console.print(f"password of [bold]{username}[/] changed")


@app.command()
def disable(
    username: str = typer.Argument(...),
    enable: bool = typer.Option(False, "--enable", help="Re-enable instead."),
) -> None:
    """Disable a user (their sessions end at once); --enable reverses it."""
    require_current_schema()
    try:
        with session_scope() as session:
            set_disabled(session, username, not enable)
    except UserError as exc:
        fail(str(exc))
    console.print(f"user [bold]{username}[/] {'enabled' if enable else 'disabled'}")


@app.command("list")
def list_() -> None:
    """List users with their role and agency scope."""
    require_current_schema()
    with session_scope() as session:
        codes = {a.id: a.code for a in session.scalars(select(Agency))}
        table = Table("username", "name", "role", "agency", "scope", "state")
        for user in list_users(session):
            locked = user.locked_until is not None and user.locked_until > utcnow()
            state = "disabled" if user.disabled else ("locked" if locked else "active")
            table.add_row(user.username, user.full_name or "", user.role, codes.get(user.agency_id or 0, ""),
                          ", ".join(sorted(codes[s.agency_id] for s in user.scope)), state)
    console.print(table)
