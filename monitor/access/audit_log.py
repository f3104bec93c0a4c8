"""The audit log: who viewed, decided, exported or signed in, when and from where (UU PDP Pasal 31).

Rows are append-only (ORM guard and database triggers); this module only adds and reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.db.schema import AuditLog, User


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
class AuditPage:
    entries: list[AuditLog]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def audit_page(session: Session, page: int = 1, per_page: int = 50, action: str | None = None) -> AuditPage:
    """Newest first. Offset paging is fine here: ``at`` is indexed and admins rarely page deep."""
    page = max(1, page)
    query = select(AuditLog)
    count = select(func.count()).select_from(AuditLog)
    if action:
        query = query.where(AuditLog.action == action)
        count = count.where(AuditLog.action == action)
    entries = list(session.scalars(
        query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ))
    return AuditPage(entries=entries, page=page, per_page=per_page, total=session.scalar(count) or 0)
