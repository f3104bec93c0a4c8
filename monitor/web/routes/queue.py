"""The queue: search and filters (and saved filters), counts, keyset pages, "take the next item" and bulk
assignment."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.access.scoping import can, claim_holder, scope_filter, visible_agency_ids
from monitor.db.deadlines import ReviewDeadlines
from monitor.db.schema import Agency, User
from monitor.db.types import utcnow
from monitor.i18n import _
from monitor.review.candidates import candidate_choices
from monitor.review.queue import (
    Cursor,
    QueueError,
    QueueFilters,
    agency_counts,
    assign,
    assignable_users,
    is_overdue,
    page_size,
    queue_page,
    take_next,
)
from monitor.review.saved_filters import SavedFilterError, delete_filter, save_filter, saved_filters
from monitor.web.auth import client_ip, db_session, require
from monitor.web.csrf import verify_csrf
from monitor.web.rendering import field_problem, filter_refused, flash, render, safe_next

router = APIRouter()


@router.get("/")
def home() -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue_view(request: Request, user: User = Depends(require("view")), db: Session = Depends(db_session)) -> Response:
    params = request.query_params
    try:
        filters = QueueFilters.from_params(params)
        after = Cursor.decode(params["after"], "after") if params.get("after") else None
        before = Cursor.decode(params["before"], "before") if params.get("before") else None
        per_page = page_size(params.get("n"))
        page = queue_page(db, user, filters, after=after, before=before, per_page=per_page)
    except QueueError as exc:
        raise HTTPException(status_code=400, detail=filter_refused(exc)) from None
    # As the API does: who listed which items, and under which filters (a search may name an ASN).
    audit_log.record(db, "view_queue", user=user, object_type="review_item", ip=client_ip(request),
                     detail={"filters": filters.as_params(), "items": [i.id for i in page.items]})
    db.commit()
    agency_ids = visible_agency_ids(db, user)
    agencies = list(db.scalars(
        select(Agency).where(scope_filter(agency_ids, Agency.id)).order_by(Agency.name)
    ))
    assignees = assignable_users(db) if can(user, "assign") else []
    if agency_ids is not None and assignees:
        # A supervisor picks among people who share at least one of their agencies.
        assignees = [u for u in assignees if (visible_agency_ids(db, u) or frozenset()) & agency_ids]
    now = utcnow()
    # Only a live hold is shown: a claim that ran out leaves the item open to anyone.
    holders = {i.id: h for i in page.items if (h := claim_holder(i, now)) is not None}
    names = {u.id: u.full_name or u.username for u in db.scalars(
        select(User).where(User.id.in_(set(holders.values())))
    )} if holders else {}
    deadlines = ReviewDeadlines.load(db, request.app.state.settings)
    agency_names = {a.id: a.name for a in agencies}
    summary = sorted(agency_counts(db, user, filters, deadlines, now),
                     key=lambda r: agency_names.get(r.agency_id, ""))
    stored_candidates = candidate_choices(db, every_profile=True)
    return render(request, "queue.html", {
        "page": page, "params": filters.with_page_size(per_page), "agencies": agencies, "assignees": assignees,
        "names": names, "holders": holders, "now": now, "deadlines": deadlines,
        "deadline_note": deadline_note(deadlines, agencies),
        "overdue": {i.id for i in page.items if is_overdue(i, deadlines, now)},
        "summary": summary, "agency_names": agency_names,
        "candidates": candidate_choices(db),
        "candidate_names": {(c.profile_id, c.candidate_id): c.name for c in stored_candidates},
        "saved": saved_filters(db, user), "filter_params": filters.as_params(),
        "return_to": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
    })


def deadline_note(deadlines: ReviewDeadlines, agencies: list[Agency]) -> str:
    """The review deadline of the agencies a user sees, in one sentence (above the oldest-first order)."""
    common, exceptions = deadlines.among(a.id for a in agencies)
    own = ", ".join(_("{agency} {days} days", agency=a.name, days=exceptions[a.id])
                    for a in agencies if a.id in exceptions)
    if common is None:
        return _("Review deadline from entering the queue: {agencies}.", agencies=own)
    if own:
        return _("Review deadline: {days} days from entering the queue, except {agencies}.", days=common,
                 agencies=own)
    return _("Review deadline: {days} days from entering the queue.", days=common)


@router.post("/queue/take", dependencies=[Depends(verify_csrf)])
def take(request: Request, user: User = Depends(require("take_next")), db: Session = Depends(db_session)) -> Response:
    item = take_next(db, user, settings=request.app.state.settings)
    if item is None:
        flash(request, _("No item is waiting in your scope."), "info")
        return RedirectResponse("/queue", status_code=303)
    audit_log.record(db, "take_next", user=user, object_type="review_item", object_id=item.id, ip=client_ip(request))
    db.commit()
    return RedirectResponse(f"/items/{item.id}", status_code=303)


@router.post("/queue/assign", dependencies=[Depends(verify_csrf)])
def assign_items(
    request: Request,
    item_id: list[str] = Form([]),
    assignee: str = Form(""),
    return_to: str = Form(""),
    user: User = Depends(require("assign")),
    db: Session = Depends(db_session),
) -> Response:
    back = safe_next(return_to, "/queue")
    try:
        item_ids = [int(v) for v in item_id]
        target = None
        if assignee:
            target = db.get(User, int(assignee))
            if target is None:
                raise QueueError("assignee", _("no such user"))
        items = assign(db, user, item_ids, target)
    except ValueError as exc:  # QueueError included; int() of a tampered id reads as a missing item
        refused = exc if isinstance(exc, QueueError) else QueueError("items", _("invalid value"))
        flash(request, _("Assignment failed — {problem}", problem=field_problem(refused)), "error")
        return RedirectResponse(back, status_code=303)
    audit_log.record(db, "assign", user=user, object_type="review_item",
                     object_id=",".join(str(i.id) for i in items)[:128], ip=client_ip(request),
                     detail={"items": [i.id for i in items], "assignee": target.username if target else None})
    db.commit()
    who = target.full_name or target.username if target else _("nobody (released)")
    flash(request, _("{n} items assigned to {who}.", n=len(items), who=who))
    return RedirectResponse(back, status_code=303)


@router.post("/queue/filters", dependencies=[Depends(verify_csrf)])
def save_queue_filter(
    request: Request,
    name: str = Form(""),
    params: str = Form(""),
    user: User = Depends(require("view")),
    db: Session = Depends(db_session),
) -> Response:
    """Save the filters the page shows (sent as its query string) under a name of the user's choosing."""
    try:
        filters = QueueFilters.from_params(dict(parse_qsl(params[:4000])))
    except QueueError as exc:
        flash(request, _("Filter not saved — invalid filter: {problem}", problem=field_problem(exc)), "error")
        return RedirectResponse("/queue", status_code=303)
    back = "/queue?" + urlencode(filters.as_params())
    try:
        row, created = save_filter(db, user, name, filters)
    except SavedFilterError as exc:
        flash(request, _("Filter not saved — {problem}", problem=str(exc)), "error")
        return RedirectResponse(back, status_code=303)
    db.commit()
    flash(request, _("Filter “{name}” saved.", name=row.name) if created
          else _("Filter “{name}” updated.", name=row.name))
    return RedirectResponse(back, status_code=303)


@router.post("/queue/filters/{filter_id}/delete", dependencies=[Depends(verify_csrf)])
def delete_queue_filter(
    request: Request,
    filter_id: int,
    return_to: str = Form(""),
    user: User = Depends(require("view")),
    db: Session = Depends(db_session),
) -> Response:
    row = delete_filter(db, user, filter_id)
    if row is None:
        # Another user's filter reads as missing: its existence is not revealed.
        raise HTTPException(status_code=404, detail=_("Saved filter not found."))
    db.commit()
    flash(request, _("Filter “{name}” deleted.", name=row.name))
    return RedirectResponse(safe_next(return_to, "/queue"), status_code=303)
