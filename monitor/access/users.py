"""Web-app users: creation, passwords (argon2), disabling, and signing in with lockout."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.access import login_limits
from monitor.access.web_sessions import end_user_sessions
from monitor.db.schema import ROLES, Agency, User, UserAgencyScope
from monitor.db.types import utcnow

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
# Verified against when the username is unknown, so that a miss costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("netra-dummy-password")


class UserError(ValueError):
    """A user could not be created or changed; the message says which field is wrong."""


class LoginRefused(Exception):
    """Sign-in failed. ``reason`` is for the audit log; users see one message for every reason."""

    def __init__(self, reason: str, user: User | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password: must be at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def _agency_by_code(session: Session, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise UserError(f"agency: no agency with code {code!r}")
    return agency


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    agency_code: str | None = None,
    scope_codes: Iterable[str] = (),
    full_name: str | None = None,
) -> User:
    username = username.strip()
    if not username or len(username) > 128:
        raise UserError("username: must be 1 to 128 characters")
    if role not in ROLES:
        raise UserError(f"role: {role!r} is not one of {', '.join(ROLES)}")
    if get_user(session, username) is not None:
        raise UserError(f"username: {username!r} already exists")
    agency = _agency_by_code(session, agency_code) if agency_code else None
    scope = [_agency_by_code(session, code) for code in scope_codes]
    if role == "agency_auditor" and agency is None:
        raise UserError("agency: an agency_auditor needs --agency (the agency they audit)")
    if role == "agency_auditor" and scope:
        raise UserError("scope: an agency_auditor sees only their own agency; --scope is not allowed")
    if role in ("supervisor", "reviewer") and agency is None and not scope:
        raise UserError(f"scope: a {role} needs --agency or at least one --scope agency")
    user = User(username=username, full_name=full_name, password_hash=hash_password(password), role=role,
                agency_id=agency.id if agency else None)
    user.scope = [UserAgencyScope(agency_id=a.id) for a in {a.id: a for a in scope}.values()]
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> User:
    user = get_user(session, username)
    if user is None:
        raise UserError(f"username: no user {username!r}")
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    # A new password is how an administrator unlocks an account and throws out whoever held the old one.
    login_limits.clear(session, login_limits.ACCOUNT, user.username)
    end_user_sessions(session, user.id, "password")
    session.flush()
    return user


def set_disabled(session: Session, username: str, disabled: bool = True) -> User:
    user = get_user(session, username)
    if user is None:
        raise UserError(f"username: no user {username!r}")
    user.disabled = disabled
    if disabled:
        end_user_sessions(session, user.id, "disabled")
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(
    session: Session,
    username: str,
    password: str,
    max_failures: int,
    lockout_s: int,
    now: datetime | None = None,
) -> User:
    """Return the user if the password is right and the name is not locked; count failures otherwise.

    Failures are counted per username whether or not it exists (``login_limits``), and every answer
    costs one argon2 verification, so neither the time taken nor the lockout tells which names exist.
    """
    now = now or utcnow()
    user = get_user(session, username)
    locked = login_limits.is_locked(session, login_limits.ACCOUNT, username, now)
    right = _verify(user.password_hash if user is not None else _DUMMY_HASH, password)
    if locked:
        raise LoginRefused("locked", user)
    if user is None or not right:
        login_limits.record_failure(session, login_limits.ACCOUNT, username, max_failures, lockout_s, now)
        raise LoginRefused("unknown_user" if user is None else "bad_password", user)
    if user.disabled:
        raise LoginRefused("disabled", user)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    login_limits.clear(session, login_limits.ACCOUNT, username)
    session.flush()
    return user
