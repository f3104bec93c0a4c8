"""Stored reports (weekly, self-audit): the list a user may see and integrity-checked, audited downloads."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.access.scoping import REPORT_KINDS, sees_every_agency, visible_report, visible_reports
from monitor.db.schema import Agency, User
from monitor.exports.report_files import ReportUnavailable, group_reports, open_verified
from monitor.web.auth import client_ip, db_session, require
from monitor.web.rendering import render

router = APIRouter()
UNAVAILABLE = {
    "missing": "Berkas laporan tidak ditemukan di server. Hubungi admin.",
    "sha256_mismatch": "Berkas laporan tidak cocok dengan sidik SHA-256 yang tercatat — mungkin telah diubah. "
                       "Berkas tidak diberikan; kejadian ini dicatat di log audit. Hubungi admin.",
}


@router.get("/laporan")
def report_list(request: Request, user: User = Depends(require("view_reports")),
                db: Session = Depends(db_session)) -> Response:
    labels = {a.id: f"{a.name} ({a.code})" for a in db.scalars(select(Agency))}
    return render(request, "reports.html", {
        "periods": group_reports(visible_reports(db, user), labels),
        "kinds": REPORT_KINDS.get(user.role, frozenset()),
        "combined": sees_every_agency(db, user),
    })


@router.get("/laporan/{report_id}/unduh")
def report_download(request: Request, report_id: int, user: User = Depends(require("view_reports")),
                    db: Session = Depends(db_session)) -> Response:
    report = visible_report(db, user, report_id)
    if report is None:  # another agency's report answers exactly like a missing one
        raise HTTPException(status_code=404)
    meta = {"kind": report.kind, "agency_id": report.agency_id, "period": report.period_label,
            "format": report.format, "sha256": report.sha256}
    try:
        verified = open_verified(report)
    except ReportUnavailable as exc:
        audit_log.record(db, "report_download_refused", user=user, object_type="report", object_id=report.id,
                     ip=client_ip(request), detail={**meta, "reason": exc.reason, **exc.detail})
        db.commit()
        status = 409 if exc.reason == "sha256_mismatch" else 410
        return render(request, "error.html", {"status": status, "message": UNAVAILABLE[exc.reason]},
                      status_code=status)
    try:
        audit_log.record(db, "report_download", user=user, object_type="report", object_id=report.id,
                     ip=client_ip(request), detail={**meta, "bytes": verified.size})
        db.commit()
    except BaseException:
        verified.handle.close()
        raise
    return StreamingResponse(verified.chunks(), media_type=verified.media_type, headers={
        "content-disposition": verified.content_disposition,
        "content-length": str(verified.size),
        "x-content-sha256": report.sha256,
    })
