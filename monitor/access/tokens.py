"""Per-user API tokens for the service API: issuing, listing, revoking, and checking a presented token.

A token reads ``netra_<selector>_<secret>``: 16 hex characters that find the row, then 43 URL-safe
characters (256 random bits). Only the SHA-256 of the whole token is stored, so a copy of the database
does not hand out working tokens; the stored and presented hashes are compared in constant time. The
token acts as its user: same role, same agency scope, refused as soon as the user is disabled.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.access.users import get_user
from monitor.db.schema import ApiToken, User
from monitor.db.types import utcnow

PREFIX = "netra_"
TOKEN_RE = re.compile(r"netra_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
MAX_NAME_LENGTH = 64
DEFAULT_NAME = "api"
# Writing last_used_at on every call would turn each read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token could not be issued or revoked; the message names the field that is wrong."""


class TokenRefused(Exception):
    """A presented token does not admit its bearer. ``reason`` is for the audit log; callers see one message."""

    def __init__(self, reason: str, token: ApiToken | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.token = token


@dataclass(frozen=True)
class IssuedToken:
    row: ApiToken
    token: str  # the only time the clear token exists outside its holder's hands


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, username: str, name: str = DEFAULT_NAME,
                created_by: str | None = None) -> IssuedToken:
    """A new token for ``username``; raises :class:`TokenError` for an unknown or disabled user or a bad name."""
    user = get_user(session, username)
    if user is None:
        raise TokenError(f"username: no user {username!r}")
    if user.disabled:
        raise TokenError(f"username: {username!r} is disabled; enable the user first")
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise TokenError(f"name: must be 1 to {MAX_NAME_LENGTH} printable characters")
    selector = secrets.token_hex(8)
    token = f"{PREFIX}{selector}_{secrets.token_urlsafe(32)}"
    row = ApiToken(user_id=user.id, name=name, selector=selector, token_sha256=token_sha256(token),
                   created_by=created_by)
    session.add(row)
    session.flush()
    return IssuedToken(row, token)


def list_tokens(session: Session, username: str) -> list[ApiToken]:
    user = get_user(session, username)
    if user is None:
        raise TokenError(f"username: no user {username!r}")
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_token(session: Session, username: str, token_id: int) -> ApiToken:
    """Revoke one of ``username``'s tokens (idempotent); another user's token id reads as unknown."""
    token = next((t for t in list_tokens(session, username) if t.id == token_id), None)
    if token is None:
        raise TokenError(f"id: {username!r} has no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token


def token_state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "disabled user" if token.user.disabled else "active"


def authenticate_token(session: Session, presented: str, now: datetime | None = None) -> tuple[User, ApiToken]:
    """The user and token a presented bearer token stands for; raises :class:`TokenRefused`."""
    match = TOKEN_RE.fullmatch(presented)
    if match is None:
        raise TokenRefused("malformed")
    token = session.scalar(select(ApiToken).where(ApiToken.selector == match.group(1)))
    if token is None:
        raise TokenRefused("unknown")
    if not hmac.compare_digest(token.token_sha256, token_sha256(presented)):
        raise TokenRefused("mismatch", token)
    if token.revoked_at is not None:
        raise TokenRefused("revoked", token)
    user = token.user
    if user.disabled:
        raise TokenRefused("user_disabled", token)
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.flush()
    return user, token
