"""Downloads of the filtered queue and its decisions (CSV, XLSX), scoped and audited."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.db.schema import User
from monitor.exports.review_queue import (
    DECISION_COLUMNS,
    QUEUE_COLUMNS,
    columns_for,
    decision_rows,
    queue_rows,
    to_csv,
    to_xlsx,
)
from monitor.review.queue import QueueError, QueueFilters
from monitor.web.auth import client_ip, db_session, require
from monitor.web.rendering import filter_refused

router = APIRouter()
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/export/{what}.{fmt}")
def export(
    request: Request, what: str, fmt: str, user: User = Depends(require("export")), db: Session = Depends(db_session)
) -> Response:
    if what not in ("queue", "decisions") or fmt not in MEDIA:
        raise HTTPException(status_code=404)
    try:
        filters = QueueFilters.from_params(request.query_params)
    except QueueError as exc:
        raise HTTPException(status_code=400, detail=filter_refused(exc)) from None
    if what == "queue":
        columns, rows = columns_for(user, QUEUE_COLUMNS), queue_rows(db, user, filters)
    else:
        filters = filters.for_decisions()
        columns, rows = columns_for(user, DECISION_COLUMNS), decision_rows(db, user, filters)
    body, count = to_csv(rows, columns) if fmt == "csv" else to_xlsx(rows, columns, what)
    audit_log.record(db, "export", user=user, object_type=what, ip=client_ip(request),
                 detail={"format": fmt, "rows": count, "filters": filters.as_params()})
    db.commit()
    name = f"netra-{what}-{datetime.now().strftime('%Y%m%d-%H%M')}.{fmt}"
    return Response(body, media_type=MEDIA[fmt], headers={"content-disposition": f'attachment; filename="{name}"'})
