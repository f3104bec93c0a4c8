"""The audit log: who viewed, decided, exported or signed in, when and from where (UU PDP Pasal 31).

Rows are append-only (ORM guard and database triggers); this module only adds and reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from monitor.config import get_settings
from monitor.db.schema import AuditLog, User
from monitor.i18n import _


def record(
    session: Session,
    action: str,
    user: User | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
    username: str | None = None,
) -> AuditLog:
    entry = AuditLog(
        action=action,
        user_id=user.id if user is not None else None,
        username=user.username if user is not None else username,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        ip=ip,
        detail=detail,
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditFilters:
    """What the audit page and its export narrow to: a username, an action, a date range (local days)."""

    username: str | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> AuditFilters:
        """Parse query-string filters (empty = any); raises ValueError reading ``field: reason`` (in Indonesian)."""

        def value(name: str, limit: int) -> str | None:
            raw = (params.get(name) or "").strip()
            if len(raw) > limit:
                raise ValueError(name + ": " + _("too long"))
            return raw or None

        def day(name: str) -> date | None:
            raw = value(name, 10)
            try:
                return date.fromisoformat(raw) if raw else None
            except ValueError:
                raise ValueError(name + ": " + _("“{value}” is not a date (YYYY-MM-DD)", value=raw)) from None

        filters = cls(username=value("user", 128), action=value("action", 64), date_from=day("date_from"),
                      date_to=day("date_to"))
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            raise ValueError("date_from: " + _("the first day is after the last day"))
        return filters

    def as_params(self) -> dict[str, str]:
        out = {"user": self.username, "action": self.action,
               "date_from": self.date_from.isoformat() if self.date_from else None,
               "date_to": self.date_to.isoformat() if self.date_to else None}
        return {k: v for k, v in out.items() if v is not None}

    def conditions(self) -> list[ColumnElement[bool]]:
        tz = ZoneInfo(get_settings().timezone)  # the days the admin picks are local days, as the page shows times
        conds: list[ColumnElement[bool]] = []
        if self.username:
            conds.append(AuditLog.username == self.username)
        if self.action:
            conds.append(AuditLog.action == self.action)
        if self.date_from:
            conds.append(AuditLog.at >= datetime.combine(self.date_from, time.min, tzinfo=tz))
        if self.date_to:
            conds.append(AuditLog.at < datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz))
        return conds


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditLog]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def audit_page(session: Session, page: int = 1, per_page: int = 50, action: str | None = None,
               filters: AuditFilters | None = None) -> AuditPage:
    """Newest first. Offset paging is fine here: ``at`` is indexed and admins rarely page deep."""
    page = max(1, page)
    filters = filters or AuditFilters(action=action)
    conds = filters.conditions()
    query = select(AuditLog).where(*conds)
    count = select(func.count()).select_from(AuditLog).where(*conds)
    entries = list(session.scalars(
        query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ))
    return AuditPage(entries=entries, page=page, per_page=per_page, total=session.scalar(count) or 0)


def audit_entries(session: Session, filters: AuditFilters, limit: int) -> Iterator[AuditLog]:
    """Entries under ``filters``, newest first, at most ``limit`` (the export), fetched in batches."""
    query = select(AuditLog).where(*filters.conditions()).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    yield from session.scalars(query.limit(limit).execution_options(yield_per=1000))

