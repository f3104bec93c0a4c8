"""Who is signed in and what they may do.

The session cookie (Starlette's SessionMiddleware: itsdangerous-signed,
HttpOnly, SameSite) holds only the user id, a random session id and the CSRF
token. Every request re-reads the user and the session's row
(``monitor.access.web_sessions``), so signing out, disabling a user or changing
their password ends the session at once, even for a copy of the cookie.
Failed sign-ins are limited in the database (``monitor.access.login_limits``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from monitor.access.scoping import can
from monitor.access.web_sessions import active_session, end_session, open_session
from monitor.config import Settings
from monitor.db.schema import User
from monitor.i18n import _


@dataclass(frozen=True)
class Viewer:
    """What pages show about the signed-in user; outlives the request's database session (error pages)."""

    id: int
    username: str
    full_name: str | None
    role: str
    disabled: bool


class NotSignedIn(Exception):
    """No valid session: the app answers with a redirect to the sign-in page."""


def load_secret_key(settings: Settings) -> str:
    """The configured secret, or one generated once into $NETRA_HOME/secret_key (mode 0600)."""
    if settings.secret_key:
        return settings.secret_key
    path: Path = settings.ensure_home() / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def db_session(request: Request):  # type: ignore[no-untyped-def]
    """One database session per request; routes commit what they change."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def current_user(request: Request, db: Session = Depends(db_session)) -> User:
    uid = request.session.get("uid")
    sid = request.session.get("sid")
    if not isinstance(uid, int) or not isinstance(sid, str):
        raise NotSignedIn()
    settings: Settings = request.app.state.settings
    row = active_session(db, sid, settings.session_max_age_s)
    user = db.get(User, uid) if row is not None and row.user_id == uid else None
    if user is None or user.disabled:
        request.session.clear()
        raise NotSignedIn()
    request.state.user = Viewer(user.id, user.username, user.full_name, user.role, user.disabled)
    request.state.web_session_id = row.id if row is not None else None
    return user


def require(permission: str) -> Callable[..., User]:
    """Dependency: the signed-in user, or 403 if their role lacks ``permission``."""

    def dependency(user: User = Depends(current_user)) -> User:
        if not can(user, permission):
            raise HTTPException(status_code=403, detail=_("You are not authorised to open this page."))
        return user

    return dependency


def sign_in(request: Request, db: Session, user: User) -> None:
    """Open a server-side session for ``user`` and put its id in the cookie; the caller commits."""
    settings: Settings = request.app.state.settings
    sid = open_session(db, user, settings.session_max_age_s)
    # A fresh cookie on sign-in (no fixation): only the new identity survives, the CSRF token is made anew.
    request.session.clear()
    request.session["uid"] = user.id
    request.session["sid"] = sid


def sign_out(request: Request, db: Session) -> None:
    """End this browser's session on the server, so a copy of the cookie stops working too; the caller commits."""
    sid = request.session.get("sid")
    if isinstance(sid, str):
        end_session(db, sid, "logout")
    request.session.clear()
