"""Server-side records of signed-in browser sessions, so a session can end before its cookie does.

The cookie (signed by the app) carries a random session id; only its SHA-256 is stored. A request
counts as signed in only while that row exists, belongs to the cookie's user, is younger than the
session lifetime and has not been ended (sign-out, password change, user disabled).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from monitor.db.schema import User, WebSession
from monitor.db.types import utcnow

END_REASONS = ("logout", "password", "disabled")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(session: Session, user: User, max_age_s: int, now: datetime | None = None) -> str:
    """A new session row for ``user``; returns the id to put in the cookie (never stored as such)."""
    now = now or utcnow()
    # Rows past their lifetime can never be used again; dropping the user's old ones keeps the table small.
    session.execute(delete(WebSession).where(WebSession.user_id == user.id,
                                             WebSession.created_at < now - timedelta(seconds=max_age_s)))
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_sha256=_digest(token), user_id=user.id, created_at=now))
    session.flush()
    return token


def active_session(session: Session, token: str, max_age_s: int, now: datetime | None = None) -> WebSession | None:
    """The live session named by ``token``, or None when unknown, ended or expired."""
    now = now or utcnow()
    row = session.scalar(select(WebSession).where(WebSession.token_sha256 == _digest(token)))
    if row is None or row.ended_at is not None or now - row.created_at > timedelta(seconds=max_age_s):
        return None
    return row


def end_session(session: Session, token: str, reason: str = "logout", now: datetime | None = None) -> None:
    session.execute(update(WebSession).where(WebSession.token_sha256 == _digest(token), WebSession.ended_at.is_(None))
                    .values(ended_at=now or utcnow(), end_reason=reason))


def end_user_sessions(session: Session, user_id: int, reason: str, now: datetime | None = None) -> int:
    """End every live session of a user (password changed, user disabled); returns how many."""
    result = session.execute(update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
                             .values(ended_at=now or utcnow(), end_reason=reason))
    return result.rowcount or 0  # type: ignore[attr-defined]
