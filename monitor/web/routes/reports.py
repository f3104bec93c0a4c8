"""Stored reports (weekly, range, self-audit): the list a user may see with every generation's history,
building a report now (supervisors, admins), and integrity-checked, audited downloads."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.access.scoping import (
    REPORT_KINDS,
    can,
    may_generate_report,
    sees_every_agency,
    visible_agency_ids,
    visible_report,
    visible_reports,
)
from monitor.config import get_settings
from monitor.db.schema import Agency, User
from monitor.exports.report_files import ReportBundle, ReportUnavailable, group_reports, open_verified
from monitor.i18n import _, labels
from monitor.web.auth import client_ip, db_session, require
from monitor.web.csrf import verify_csrf
from monitor.web.downloads import stream_verified, unavailable_status
from monitor.web.rendering import flash, render
from reports.period import WIB, IsoWeek, Period, parse_day, previous_week

router = APIRouter()
UNAVAILABLE = labels("report_unavailable", ("missing", "sha256_mismatch"))
COMBINED = "semua"


def _today() -> date:
    return datetime.now(ZoneInfo(get_settings().timezone)).date()


def rebuild_fields(bundle: ReportBundle) -> dict[str, str] | None:
    """The build form's fields that make ``bundle``'s report again (``None``: not a weekly/range report)."""
    agency = COMBINED if bundle.agency_id is None else str(bundle.agency_id)
    if bundle.kind == "weekly":
        return {"jenis": "mingguan", "minggu": bundle.period_label, "instansi": agency}
    if bundle.kind == "range":
        first = bundle.period_start.astimezone(WIB).date()
        last = (bundle.period_end - timedelta(days=1)).astimezone(WIB).date()  # the end is exclusive
        return {"jenis": "periode", "dari": first.isoformat(), "sampai": last.isoformat(), "instansi": agency}
    return None


@router.get("/laporan")
def report_list(request: Request, user: User = Depends(require("view_reports")),
                db: Session = Depends(db_session)) -> Response:
    labels = {a.id: f"{a.name} ({a.code})" for a in db.scalars(select(Agency))}
    may_build = can(user, "generate_reports")
    combined = sees_every_agency(db, user)
    scope = visible_agency_ids(db, user)
    buildable = [a for a in db.scalars(select(Agency).order_by(Agency.name))
                 if scope is None or a.id in scope] if may_build else []
    today = _today()
    return render(request, "reports.html", {
        "periods": group_reports(visible_reports(db, user), labels),
        "kinds": REPORT_KINDS.get(user.role, frozenset()),
        "combined": combined,
        "may_build": may_build,
        "buildable": buildable,
        "rebuild_fields": rebuild_fields if may_build else None,
        "default_week": previous_week(datetime.now(ZoneInfo(get_settings().timezone))).label,
        "this_week": IsoWeek.containing(today).label,
        "today": today.isoformat(),
    })


def _period_from_form(jenis: str, minggu: str, dari: str, sampai: str) -> Period:
    """The period the build form asks for, or ``ValueError`` with a message for the user."""
    today = _today()
    if jenis == "mingguan":
        try:
            week = IsoWeek.parse(minggu)
        except ValueError:
            raise ValueError(_("not a week (e.g. 2026-W47)")) from None
        if week.monday > today:
            raise ValueError(_("week {week} has not begun", week=week.label))
        return week.period()
    if jenis == "periode":
        try:
            first, last = parse_day(dari), parse_day(sampai)
        except ValueError:
            raise ValueError(_("not a date (fill in the first and the last day)")) from None
        if last < first:
            raise ValueError(_("the last day is before the first day"))
        if first > today:
            raise ValueError(_("the period has not begun"))
        try:
            return Period.days(first, last)
        except ValueError:
            raise ValueError(_("a period is at most one year")) from None
    raise ValueError(_("choose a weekly report or a date range"))


@router.post("/laporan/buat", dependencies=[Depends(verify_csrf)])
def report_build(
    request: Request,
    jenis: str = Form(""),
    minggu: str = Form(""),
    dari: str = Form(""),
    sampai: str = Form(""),
    instansi: str = Form(""),
    user: User = Depends(require("generate_reports")),
    db: Session = Depends(db_session),
) -> Response:
    """Build a weekly or range report now, keep it beside the earlier ones, and go back to the list."""
    from reports.weekly import build_report  # matplotlib and WeasyPrint: loaded when a report is built

    try:
        period = _period_from_form(jenis.strip(), minggu.strip(), dari.strip(), sampai.strip())
    except ValueError as exc:
        flash(request, _("Report not built — {problem}.", problem=str(exc)), "error")
        return RedirectResponse("/laporan", status_code=303)
    choice = instansi.strip()
    if choice == COMBINED:
        agency_id: int | None = None
    elif choice.isdigit():
        agency_id = int(choice)
    else:
        flash(request, _("Report not built — choose an agency."), "error")
        return RedirectResponse("/laporan", status_code=303)
    if not may_generate_report(db, user, agency_id):
        raise HTTPException(status_code=403, detail=_("You are not authorised to build a report for this agency."))
    rows = build_report(db, period, agency_id, created_by=user.username)
    audit_log.record(db, "report_generate", user=user, object_type="report", object_id=rows[0].id,
                     ip=client_ip(request), detail={
                         "kind": period.kind, "period": period.label, "agency_id": agency_id,
                         "files": [{"id": r.id, "format": r.format, "sha256": r.sha256} for r in rows]})
    db.commit()
    who = _("every agency") if agency_id is None else next(
        (a.code for a in db.scalars(select(Agency).where(Agency.id == agency_id))), "")
    flash(request, _("Report {period} ({agency}) built; earlier versions stay in its history.", period=period.label,
                      agency=who))
    return RedirectResponse(f"/laporan#periode-{period.label}", status_code=303)


@router.get("/laporan/{report_id}/unduh")
def report_download(request: Request, report_id: int, user: User = Depends(require("view_reports")),
                    db: Session = Depends(db_session)) -> Response:
    report = visible_report(db, user, report_id)
    if report is None:  # another agency's report answers exactly like a missing one
        raise HTTPException(status_code=404)
    meta = {"kind": report.kind, "agency_id": report.agency_id, "period": report.period_label,
            "format": report.format, "sha256": report.sha256}

    def audit(action: str, detail: dict[str, object]) -> None:
        audit_log.record(db, action, user=user, object_type="report", object_id=report.id,
                         ip=client_ip(request), detail=detail)

    def refused(exc: ReportUnavailable) -> Response:
        status = unavailable_status(exc)
        return render(request, "error.html", {"status": status, "message": UNAVAILABLE[exc.reason]},
                      status_code=status)

    return stream_verified(db, lambda: open_verified(report), action="report_download", meta=meta,
                           sha256=report.sha256, audit=audit, refused=refused)
