"""The audit log, for admins: read-only, newest first, filterable, exportable as CSV (in Indonesian, for people)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.access.audit_log import AuditFilters, audit_entries, audit_page
from monitor.db.schema import User
from monitor.i18n import label
from monitor.web.audit_view import action_label, detail_pairs, detail_text, object_label
from monitor.web.auth import client_ip, db_session, require
from monitor.web.rendering import filter_refused, render
from reports.cells import neutralise

router = APIRouter()
# The actions the filter offers (the log may hold others; any is accepted by URL).
ACTIONS = ("login", "login_failed", "login_throttled", "logout", "view_item", "take_next", "release_claim", "assign",
           "decide", "bulk_decide", "comment", "export", "audit_export", "report_download",
           "report_download_refused", "report_generate",
           "dossier_generate", "dossier_refused", "dossier_download", "dossier_download_refused", "self_audit_upload",
           "self_audit_upload_refused", "self_audit_report", "self_audit_submit", "view_reviewer_stats")
# An export is one response built in memory: past this many rows the admin narrows the filters.
EXPORT_MAX_ROWS = 100_000
EXPORT_COLUMNS = ("at_utc", "username", "action", "object", "ip", "detail")


def _filters(request: Request) -> AuditFilters:
    try:
        return AuditFilters.from_params(request.query_params)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=filter_refused(exc)) from None


@router.get("/audit")
def audit_view(
    request: Request,
    page: int = Query(1, ge=1, le=1_000_000),
    user: User = Depends(require("view_audit")),
    db: Session = Depends(db_session),
) -> Response:
    filters = _filters(request)
    return render(request, "audit.html", {
        "log": audit_page(db, page=page, filters=filters), "filters": filters, "params": filters.as_params(),
        "actions": ACTIONS, "usernames": list(db.scalars(select(User.username).order_by(User.username))),
        "export_max": EXPORT_MAX_ROWS, "action_label": action_label, "object_label": object_label,
        "detail_pairs": detail_pairs,
    })


@router.get("/audit.csv")
def audit_export(
    request: Request, user: User = Depends(require("view_audit")), db: Session = Depends(db_session)
) -> Response:
    filters = _filters(request)
    buf = io.StringIO()
    # For people (a spreadsheet in an Indonesian locale): ";" between cells, headers and values in Indonesian.
    writer = csv.writer(buf, delimiter=";")
    writer.writerow([label("export_column", c) for c in EXPORT_COLUMNS])
    rows = 0
    for entry in audit_entries(db, filters, EXPORT_MAX_ROWS):
        # Usernames tried at sign-in and captured details are anyone's text: never let a spreadsheet run them.
        writer.writerow([neutralise(v) for v in (entry.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                                                 entry.username or "", action_label(entry.action),
                                                 object_label(entry), entry.ip or "", detail_text(entry.detail))])
        rows += 1
    # Exporting the log is itself logged, after the rows are read (so the file does not hold its own entry).
    audit_log.record(db, "audit_export", user=user, object_type="audit_log", ip=client_ip(request),
                     detail={"format": "csv", "rows": rows, "filters": filters.as_params(),
                             "truncated": rows >= EXPORT_MAX_ROWS})
    db.commit()
    name = f"netra-audit-{datetime.now().strftime('%Y%m%d-%H%M')}.csv"
    # A BOM so spreadsheet programs read the UTF-8 correctly, as the other exports do.
    return Response(("\ufeff" + buf.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
