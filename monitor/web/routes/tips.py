"""Tips (``/tautan``): supervisors and reviewers hand in links to public posts; Netra captures them as evidence.

The form takes one or many links (one per line), an optional note and the reporter's reference
(a Bawaslu letter, a hotline number), and optionally whose act it is (platform and account).
The request only stores the tips and hands the batch to the web process's capture worker
(``monitor.capture.jobs``); the browser is sent on (post/redirect/get) to the batch's page, which
refreshes itself until every link is captured, unchanged or failed, and then links the review
items the acts became. Refreshing it never captures anything again.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.access.scoping import may_see_agency
from monitor.capture.jobs import runner
from monitor.capture.tips import TipInput, create_tips, split_links, summary, tip_rows
from monitor.config import Settings
from monitor.db.schema import CAPTURE_TIP_STATES, CaptureTip, User
from monitor.i18n import _, labels
from monitor.web.auth import client_ip, db_session, require
from monitor.web.carry import carry, take
from monitor.web.csrf import verify_csrf
from monitor.web.rendering import render
from reports.labels import platform_label
from spiders.platforms import PLATFORMS

router = APIRouter()
PATH = "/tautan"
BATCH_RE = re.compile(r"^[0-9a-f]{16}$")
REFRESH_S = 2
RECENT_BATCHES = 20
STATE_LABELS = labels("tip_state", CAPTURE_TIP_STATES)
# Why a tip failed, in the reviewers' words (the capture's own technical line stays in the database and the CLI).
REASON_LABELS = labels("tip_reason")


def _form(request: Request, user: User, db: Session, *, values: dict[str, str] | None = None,
          error: str | None = None) -> Response:
    settings: Settings = request.app.state.settings
    query = (select(CaptureTip.batch, func.min(CaptureTip.created_at), func.count(CaptureTip.id))
             .where(CaptureTip.source == "web").group_by(CaptureTip.batch)
             .order_by(func.min(CaptureTip.created_at).desc()).limit(RECENT_BATCHES))
    if user.role != "admin":
        query = query.where(CaptureTip.user_id == user.id)
    batches = [{"batch": b, "at": at, "count": n} for b, at, n in db.execute(query).all()]
    platforms = {name: p.label for name, p in PLATFORMS.items()}
    return render(request, "tips.html", {"values": values or {}, "error": error, "batches": batches,
                                         "platforms": platforms, "max_links": settings.tips_max_links})


@router.get(PATH)
def tips_form(request: Request, user: User = Depends(require("submit_tips")),
              db: Session = Depends(db_session)) -> Response:
    refused = take(request, db, PATH)
    values, error = None, None
    if refused is not None:
        raw = refused.get("values")
        values = {k: str(v) for k, v in raw.items()} if isinstance(raw, dict) else None
        error = str(refused.get("error", "")) or None
        db.commit()  # the carried form is shown once
    return _form(request, user, db, values=values, error=error)


def _refuse(request: Request, db: Session, values: dict[str, str], error: str) -> Response:
    """Post/redirect/get: the form comes back once with what was typed and why, and a refresh posts nothing."""
    carry(request, db, PATH, {"values": values, "error": error})
    db.commit()
    return RedirectResponse(f"{PATH}#tips-form", status_code=303)


@router.post(PATH, dependencies=[Depends(verify_csrf)])
def submit_tips(
    request: Request,
    links: str = Form(""),
    note: str = Form(""),
    reporter: str = Form(""),
    platform: str = Form(""),
    account: str = Form(""),
    user: User = Depends(require("submit_tips")),
    db: Session = Depends(db_session),
) -> Response:
    settings: Settings = request.app.state.settings
    values = {"links": links, "note": note, "reporter": reporter, "platform": platform, "account": account}
    urls = split_links(links)
    if not urls:
        return _refuse(request, db, values, _("Paste at least one link."))
    if len(urls) > settings.tips_max_links:
        return _refuse(request, db, values,
                       _("At most {n} links at a time; send the rest separately.", n=settings.tips_max_links))
    if bool(platform.strip()) != bool(account.strip()):
        return _refuse(request, db, values, _("Give both platform and account, or neither."))
    if platform.strip() and platform.strip() not in PLATFORMS:
        return _refuse(request, db, values, _("Choose a platform from the list."))
    inputs = [TipInput(url=u, platform=platform.strip() or None, handle=account.strip()[:255] or None) for u in urls]
    batch, tip_ids = create_tips(db, inputs, source="web", user=user, note=note.strip()[:4000] or None,
                                 reporter=reporter.strip()[:255] or None)
    audit_log.record(db, "tips_submitted", user=user, object_type="capture_batch", object_id=batch,
                     ip=client_ip(request), detail={"links": len(tip_ids), "tips": tip_ids})
    db.commit()
    runner(request.app).submit(batch)
    return RedirectResponse(f"{PATH}/{batch}", status_code=303)


@router.get(PATH + "/{batch}")
def tips_batch(batch: str, request: Request, user: User = Depends(require("submit_tips")),
               db: Session = Depends(db_session)) -> Response:
    runner(request.app).recover()
    rows = tip_rows(db, batch) if BATCH_RE.match(batch) else []
    # Another user's batch answers like a missing one (admins see every batch).
    if not rows or (user.role != "admin" and any(tip.user_id != user.id for tip, _item in rows)):
        raise HTTPException(404)
    shown = []
    for tip, item in rows:
        visible = item is not None and may_see_agency(db, user, item.agency_id)
        shown.append({"tip": tip, "item": item if visible else None, "queued_elsewhere": item is not None
                      and not visible, "state_label": STATE_LABELS.get(tip.state, tip.state),
                      "reason_label": REASON_LABELS.get(tip.reason or "", _("The link could not be captured."))
                      if tip.state == "failed" else "",
                      "platform_label": platform_label(tip.platform) if tip.platform else "",
                      "captured_platform_label": platform_label(tip.captured_platform or "")})
    counts = summary(tip for tip, _item in rows)
    first = rows[0][0]
    return render(request, "tips_batch.html", {"rows": shown, "counts": counts, "batch": batch, "first": first,
                                               "refresh_s": REFRESH_S})
