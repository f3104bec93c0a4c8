"""Reviewer statistics for supervisors and admins: a page and its CSV, scoped to their agencies and audited."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.access.scoping import scope_filter, visible_agency_ids
from monitor.db.schema import Agency, User
from monitor.exports.reviewer_stats import not_computable, to_csv
from monitor.i18n import _
from monitor.review.stats import Kappa, ReviewerLine, Window
from monitor.review.stats_data import PERMISSION, StatsResult, reviewer_figures
from monitor.web.auth import client_ip, db_session, require
from monitor.web.rendering import filter_refused, render

router = APIRouter()
PATH = "/statistik-peninjau"


def duration(seconds: float | None) -> str:
    """A median time as the page shows it, to the minute: "2 hari 3 jam", "5 jam 12 menit", "< 1 menit"."""
    if seconds is None:
        return "—"
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("under a minute")
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("{days} days {hours} hours", days=days, hours=hours) if hours else _("{days} days", days=days)
    if hours:
        return (_("{hours} hours {minutes} minutes", hours=hours, minutes=minutes) if minutes
                else _("{hours} hours", hours=hours))
    return _("{minutes} minutes", minutes=minutes)


def decimal(value: float, places: int) -> str:
    """A number with the Indonesian decimal comma."""
    return f"{value:.{places}f}".replace(".", ",")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{decimal(value * 100, 1)}%"


def kappa_text(kappa: Kappa) -> str:
    return not_computable() if kappa.value is None else decimal(kappa.value, 2)


def _agency(value: str | None) -> int | None:
    raw = (value or "").strip()[:40]
    if not raw:
        return None
    if not raw.isdigit():
        raise ValueError("agency: " + _("“{value}” is not a number", value=raw))
    if not 0 < int(raw) < 2**63:
        raise ValueError("agency: " + _("“{value}” is out of range", value=raw))
    return int(raw)


def _params(request: Request, db: Session, user: User) -> tuple[Window, int | None, list[Agency]]:
    params = request.query_params
    tz = ZoneInfo(request.app.state.settings.timezone)
    try:
        window = Window.parse(params.get("date_from"), params.get("date_to"), datetime.now(tz).date(), tz)
        agency_id = _agency(params.get("agency"))
    except ValueError as exc:  # "field: why", in the catalogue's words
        raise HTTPException(status_code=400, detail=filter_refused(exc)) from None
    agencies = list(db.scalars(select(Agency).where(scope_filter(visible_agency_ids(db, user), Agency.id))
                               .order_by(Agency.name)))
    return window, agency_id, agencies


def _ordered(result: StatsResult) -> list[ReviewerLine]:
    def name(line: ReviewerLine) -> str:
        found = result.users.get(line.reviewer_id or 0)
        return (found.full_name or found.username).casefold() if found else ""

    return sorted(result.stats.lines, key=lambda line: (name(line), line.reviewer_id or 0))


def _filters(window: Window, agency_id: int | None) -> dict[str, str]:
    out = {"date_from": window.date_from.isoformat(), "date_to": window.date_to.isoformat()}
    return out | ({"agency": str(agency_id)} if agency_id is not None else {})


@router.get(PATH)
def stats_view(request: Request, user: User = Depends(require(PERMISSION)),
               db: Session = Depends(db_session)) -> Response:
    window, agency_id, agencies = _params(request, db, user)
    result = reviewer_figures(db, user, window, agency_id)
    lines = _ordered(result)
    filters = _filters(window, agency_id)
    audit_log.record(db, "view_reviewer_stats", user=user, object_type="reviewer_stats", ip=client_ip(request),
                     detail={"filters": filters, "reviewers": [result.users[line.reviewer_id].username
                                                              for line in lines if line.reviewer_id in result.users]})
    db.commit()
    return render(request, "reviewer_stats.html", {
        "stats": result.stats, "lines": lines, "users": result.users, "agencies": agencies,
        "agency_id": agency_id, "params": filters, "duration": duration, "percent": percent,
        "kappa_text": kappa_text, "decimal": decimal,
    })


@router.get(f"{PATH}.csv")
def stats_export(request: Request, user: User = Depends(require(PERMISSION)),
                 db: Session = Depends(db_session)) -> Response:
    window, agency_id, _agencies = _params(request, db, user)
    result = reviewer_figures(db, user, window, agency_id)
    lines = _ordered(result)
    body = to_csv(result.stats, lines, result.users, request.app.state.settings.report_csv_separator)
    audit_log.record(db, "export", user=user, object_type="reviewer_stats", ip=client_ip(request),
                     detail={"format": "csv", "rows": len(lines) + 1, "filters": _filters(window, agency_id)})
    db.commit()
    name = f"netra-statistik-peninjau-{window.date_from:%Y%m%d}-{window.date_to:%Y%m%d}.csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
