"""The audit log, for admins: read-only, newest first."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from monitor.access.audit_log import audit_page
from monitor.db.schema import User
from monitor.web.auth import db_session, require
from monitor.web.rendering import render

router = APIRouter()


@router.get("/audit")
def audit_view(
    request: Request,
    page: int = Query(1, ge=1, le=1_000_000),
    action: str = Query("", max_length=64),
    user: User = Depends(require("view_audit")),
    db: Session = Depends(db_session),
) -> Response:
    return render(request, "audit.html", {"log": audit_page(db, page=page, action=action or None),
                                          "action": action})
