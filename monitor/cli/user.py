"""``netra user``: manage the web app's users."""

from __future__ import annotations

import getpass
import sys

import typer
from sqlalchemy import select

from monitor.access import login_limits
from monitor.access.tokens import DEFAULT_NAME, TokenError, issue_token, list_tokens, revoke_token, token_state
from monitor.access.users import UserError, create_user, list_users, set_disabled, set_password
from monitor.cli.common import console, err_console, fail, require_current_schema
from monitor.cli.output import FORMAT_OPTION, Column, Format, show_records
from monitor.db.schema import ROLES, Agency
from monitor.db.session import session_scope

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


USER_COLUMNS = (
    Column("username", ident=True),
    Column("name"),
    Column("role"),
    Column("agency", ident=True),
    Column("scope", ident=True),
    Column("state"),
)


@app.command("list")
def list_(fmt: Format = FORMAT_OPTION) -> None:
    """List users with their role and agency scope."""
    require_current_schema()
    with session_scope() as session:
        codes = {a.id: a.code for a in session.scalars(select(Agency))}
        records = []
        for user in list_users(session):
            locked = login_limits.is_locked(session, login_limits.ACCOUNT, user.username)
            records.append({
                "username": user.username, "name": user.full_name, "role": user.role,
                "agency": codes.get(user.agency_id or 0), "scope": sorted(codes[s.agency_id] for s in user.scope),
                "state": "disabled" if user.disabled else ("locked" if locked else "active"),
            })
    show_records(records, USER_COLUMNS, fmt)


def _created_by() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:128]
    except (KeyError, OSError):  # no passwd entry for the uid (containers)
        return "cli"


TOKEN_COLUMNS = (
    Column("id", ident=True, justify="right"),
    Column("name"),
    Column("created_at", "created"),
    Column("last_used_at", "last used"),
    Column("created_by", "created by"),
    Column("state"),
)


@app.command()
def token(
    username: str = typer.Argument(..., help="The user the token acts as: same role and agency scope."),
    name: str = typer.Option(DEFAULT_NAME, "--name", help="A label saying where the token is used."),
    list_: bool = typer.Option(False, "--list", help="List the user's tokens instead of creating one."),
    revoke: int | None = typer.Option(None, "--revoke", metavar="ID", help="Revoke the user's token with this id."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Create an API token for USERNAME (printed once, on standard output), or --list / --revoke ID their tokens.

    Clients send it as `Authorization: Bearer <token>` to /api/v1 (docs/api.md).

    Only its SHA-256 is stored: a lost token cannot be shown again; revoke it and create another.
    """
    require_current_schema()
    if list_ and revoke is not None:
        fail("choose either --list or --revoke ID")
    try:
        with session_scope() as session:
            if revoke is not None:
                revoked = revoke_token(session, username, revoke)
                err_console.print(f"token {revoked.id} ({revoked.name}) of [bold]{username}[/] revoked",
                                  highlight=False)
                return
            if list_:
                records = [{"id": t.id, "name": t.name, "created_at": t.created_at, "last_used_at": t.last_used_at,
                            "created_by": t.created_by, "state": token_state(t)}
                           for t in list_tokens(session, username)]
            else:
                issued = issue_token(session, username, name, created_by=_created_by())
    except TokenError as exc:
        fail(str(exc))
    if list_:
        show_records(records, TOKEN_COLUMNS, fmt)
        return
    # The bare token on stdout, so scripts can capture it; the explanation on stderr.
    typer.echo(issued.token)
    err_console.print(f"created API token {issued.row.id} ({issued.row.name}) for [bold]{username}[/]; "
                      "it is shown only this once: store it now", highlight=False)
