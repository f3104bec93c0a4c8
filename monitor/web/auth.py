"""Who is signed in, what they may do, and throttling of sign-in attempts.

The session cookie (Starlette's SessionMiddleware: itsdangerous-signed,
HttpOnly, SameSite) holds only the user id, the sign-in time and the CSRF token.
Every request re-reads the user, so disabling a user or changing their
password ends their sessions at once.
"""

from __future__ import annotations

import os
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from monitor.access.scoping import can
from monitor.config import Settings
from monitor.db.schema import User


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
    login_at = request.session.get("login_at")
    if not isinstance(uid, int) or not isinstance(login_at, int | float):
        raise NotSignedIn()
    settings: Settings = request.app.state.settings
    if time.time() - login_at > settings.session_max_age_s:
        request.session.clear()
        raise NotSignedIn()
    user = db.get(User, uid)
    if user is None or user.disabled or user.password_changed_at.timestamp() > login_at + 1:
        request.session.clear()
        raise NotSignedIn()
    request.state.user = Viewer(user.id, user.username, user.full_name, user.role, user.disabled)
    return user


def require(permission: str) -> Callable[..., User]:
    """Dependency: the signed-in user, or 403 if their role lacks ``permission``."""

    def dependency(user: User = Depends(current_user)) -> User:
        if not can(user, permission):
            raise HTTPException(status_code=403, detail="Anda tidak berwenang membuka halaman ini.")
        return user

    return dependency


def sign_in(request: Request, user: User) -> None:
    # A fresh session on sign-in (no fixation): only the new CSRF token and identity survive.
    request.session.clear()
    request.session["uid"] = user.id
    request.session["login_at"] = time.time()


class LoginThrottle:
    """Failed sign-ins per client IP in a sliding window (per-account lockout lives in the user row)."""

    def __init__(self, max_failures: int, window_s: int) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = Lock()

    def _recent(self, ip: str, now: float) -> deque[float]:
        q = self._failures.setdefault(ip, deque())
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def blocked(self, ip: str) -> bool:
        with self._lock:
            return len(self._recent(ip, time.monotonic())) >= self.max_failures

    def failed(self, ip: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(ip, now).append(now)

    def succeeded(self, ip: str) -> None:
        with self._lock:
            self._failures.pop(ip, None)
