"""Failed sign-ins per username and per client IP, kept in the database so every web worker sees them.

Each key has a leaky bucket: a failure adds one, and the bucket drains by the whole limit over one
lockout period. The limit-th failure in quick succession locks the key for that period; attempts
while locked are refused without being counted, so nobody extends a lock by hammering it, and old
failures are forgotten instead of waiting for one more to lock the account.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from monitor.db.schema import LoginLimit
from monitor.db.types import utcnow

ACCOUNT = "account"
IP = "ip"
KEY_LENGTH = 128


def _key(key: str) -> str:
    return key[:KEY_LENGTH]


def locked_until(session: Session, kind: str, key: str, now: datetime | None = None) -> datetime | None:
    """When the lock on ``key`` ends, or None when it is not locked."""
    now = now or utcnow()
    until = session.scalar(select(LoginLimit.locked_until).where(LoginLimit.kind == kind,
                                                                 LoginLimit.key == _key(key)))
    return until if until is not None and until > now else None


def is_locked(session: Session, kind: str, key: str, now: datetime | None = None) -> bool:
    return locked_until(session, kind, key, now) is not None


def record_failure(session: Session, kind: str, key: str, limit: int, window_s: int,
                   now: datetime | None = None) -> bool:
    """Count one failure of ``key``; True when it now is locked for ``window_s`` seconds."""
    now = now or utcnow()
    key = _key(key)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # Two workers counting the first failure of a key at once must not trip over each other's row.
    session.execute(insert(LoginLimit).values(kind=kind, key=key, failures=0.0, updated_at=now)
                    .on_conflict_do_nothing())
    row = session.scalars(select(LoginLimit).where(LoginLimit.kind == kind, LoginLimit.key == key)
                          .with_for_update().execution_options(populate_existing=True)).one()
    elapsed = max((now - row.updated_at).total_seconds(), 0.0)
    row.failures = max(row.failures - elapsed * limit / window_s, 0.0) + 1
    row.updated_at = now
    # The bucket drains between quick tries too, so the limit-th of them lands a hair below the limit.
    if row.failures > limit - 1:
        row.locked_until = now + timedelta(seconds=window_s)
    session.flush()
    # A row idle for a whole window has drained to nothing: forget it (unknown names would pile up).
    session.execute(delete(LoginLimit).where(
        LoginLimit.updated_at < now - timedelta(seconds=window_s),
        or_(LoginLimit.locked_until.is_(None), LoginLimit.locked_until < now),
    ).execution_options(synchronize_session=False))
    return row.locked_until is not None and row.locked_until > now


def clear(session: Session, kind: str, key: str) -> None:
    """Forget the failures of ``key`` (a right password, or an administrator setting a new one)."""
    session.execute(delete(LoginLimit).where(LoginLimit.kind == kind, LoginLimit.key == _key(key)))
