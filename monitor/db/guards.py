"""Append-only rules for evidence, decisions, item comments, case dossiers and the audit log, enforced in the ORM.

The migrations add database triggers for the same rule, so raw SQL cannot
bypass it either. Retention purges are the one sanctioned deletion of
evidence: they run in a session whose ``info["purge"]`` is set and are
themselves recorded in the audit log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from monitor.db.schema import AuditLog, CaseDossier, Decision, Evidence, ItemComment

APPEND_ONLY = (Evidence, Decision, AuditLog, CaseDossier, ItemComment)


class AppendOnlyViolation(RuntimeError):
    """Something tried to change or delete an append-only record."""


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, APPEND_ONLY) and session.is_modified(obj, include_collections=False):
            raise AppendOnlyViolation(f"{type(obj).__name__} {obj.id} is append-only and cannot be changed")
    for obj in session.deleted:
        if isinstance(obj, Evidence) and session.info.get("purge"):
            continue
        if isinstance(obj, APPEND_ONLY):
            raise AppendOnlyViolation(f"{type(obj).__name__} {obj.id} is append-only and cannot be deleted")
