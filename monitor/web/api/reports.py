"""Stored report files (weekly, range, self-audit): the list the caller may see, integrity-checked audited downloads.

The same rules as the reports page (``/laporan``): :func:`visible_reports` / :func:`visible_report`
decide, :func:`open_verified` re-hashes the file from the descriptor it then serves.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.access.scoping import visible_report, visible_reports
from monitor.db.schema import Agency
from monitor.exports.report_files import MEDIA_TYPES, ReportUnavailable, open_verified
from monitor.i18n import label
from monitor.web.api.auth import Caller, require
from monitor.web.api.errors import ApiError, responses
from monitor.web.api.schemas import ReportOut
from monitor.web.auth import db_session
from monitor.web.downloads import stream_verified

router = APIRouter(tags=["reports"])
UNAVAILABLE = {"missing": (410, label("report_unavailable", "missing")),
               "sha256_mismatch": (409, label("report_unavailable", "sha256_mismatch"))}


@router.get("/reports", response_model=list[ReportOut], responses=responses(401, 403, 422),
            summary="Report files the caller may download, newest period first")
def list_reports(
    kind: str | None = Query(None, description="Only this kind of report.",
                             json_schema_extra={"enum": ["weekly", "range", "self_audit"]}),
    period: str | None = Query(None, description="Only this period, e.g. `2029-W40`.", max_length=32),
    caller: Caller = Depends(require("view_reports")),
    db: Session = Depends(db_session),
) -> list[ReportOut]:
    if kind is not None and kind not in ("weekly", "range", "self_audit"):
        raise ApiError(422, f"Filter tidak sah — kind: {kind!r} bukan weekly, range atau self_audit", field="kind")
    rows = [r for r in visible_reports(db, caller.user)
            if (kind is None or r.kind == kind) and (period is None or r.period_label == period)]
    agencies = {a.id: a for a in db.scalars(select(Agency))}
    return [ReportOut.of(r, agencies, Path(r.path).name) for r in rows]


@router.get("/reports/{report_id}/file", response_class=Response, responses={
    200: {"description": "The file, exactly the bytes whose SHA-256 was recorded (header X-Content-SHA256).",
          "content": {media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                      for media in MEDIA_TYPES.values()}},
    **responses(401, 403, 404, 409, 410, 422)}, summary="Download one report file")
def download_report(report_id: int, caller: Caller = Depends(require("view_reports")),
                    db: Session = Depends(db_session)) -> Response:
    report = visible_report(db, caller.user, report_id)
    if report is None:  # another agency's report answers exactly like a missing one
        raise ApiError(404, "Laporan tidak ditemukan.")
    meta = {"kind": report.kind, "agency_id": report.agency_id, "period": report.period_label,
            "format": report.format, "sha256": report.sha256}

    def audit(action: str, detail: dict[str, object]) -> None:
        caller.audit(db, action, object_type="report", object_id=report.id, detail=detail)

    def refused(exc: ReportUnavailable) -> Response:
        status, message = UNAVAILABLE[exc.reason]
        raise ApiError(status, message)

    return stream_verified(db, lambda: open_verified(report), action="report_download", meta=meta,
                           sha256=report.sha256, audit=audit, refused=refused)
