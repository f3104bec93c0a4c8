"""Post/redirect/get for refused forms: what was typed and why it was refused, shown once by the next GET.

A refused form answered with a page would post again on every refresh. Instead the route stores the
values on the session's server-side row (``web_session.carried``: a decision note may be 4,000
characters, more than a cookie holds), redirects (303), and the page takes them back exactly once.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from monitor.db.schema import WebSession


def _row(request: Request, db: Session) -> WebSession | None:
    session_id = getattr(request.state, "web_session_id", None)
    return db.get(WebSession, session_id) if isinstance(session_id, int) else None


def carry(request: Request, db: Session, page: str, data: dict[str, Any]) -> None:
    """Keep ``data`` for the next GET of ``page`` in this session (the caller commits and redirects there)."""
    row = _row(request, db)
    if row is not None:
        row.carried = {"page": page, "data": data}


def take(request: Request, db: Session, page: str) -> dict[str, Any] | None:
    """The data carried to ``page``, once; None when there is none (the caller commits)."""
    row = _row(request, db)
    if row is None or not row.carried:
        return None
    carried = row.carried
    if carried.get("page") != page:
        return None
    row.carried = None
    data = carried.get("data")
    return data if isinstance(data, dict) else None
