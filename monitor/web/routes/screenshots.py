"""A captured page's screenshot, as kept in evidence: ``/bukti/<evidence id>/tangkapan-layar.png``.

Served only to a signed-in user who may see a review item whose act (its own post or the post
acted on) the screenshot belongs to; anyone else gets 404, so the route does not reveal which
captures exist. The bytes are checked against the evidence's SHA-256 before they are sent.
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.access.scoping import scope_filter, visible_agency_ids
from monitor.db.schema import Activity, Evidence, ReviewItem, User
from monitor.i18n import _
from monitor.web.auth import client_ip, db_session, require

router = APIRouter()


def visible_screenshot(db: Session, user: User, evidence_id: int) -> Evidence | None:
    if not 0 < evidence_id < 2**63:
        return None
    evidence = db.get(Evidence, evidence_id)
    if evidence is None or evidence.media_type != "image/png" or evidence.post_id is None:
        return None
    item = db.scalar(
        select(ReviewItem.id).join(Activity, Activity.id == ReviewItem.activity_id)
        .where(or_(Activity.post_id == evidence.post_id, Activity.target_post_id == evidence.post_id),
               scope_filter(visible_agency_ids(db, user)))
        .limit(1))
    return evidence if item is not None else None


@router.get("/bukti/{evidence_id:int}/tangkapan-layar.png")
def screenshot(request: Request, evidence_id: int, user: User = Depends(require("view")),
               db: Session = Depends(db_session)) -> Response:
    evidence = visible_screenshot(db, user, evidence_id)
    if evidence is None:
        raise HTTPException(status_code=404)
    if hashlib.sha256(evidence.raw).hexdigest() != evidence.sha256:
        raise HTTPException(status_code=409, detail=_("The evidence does not match its SHA-256 fingerprint."))
    audit_log.record(db, "view_screenshot", user=user, object_type="evidence", object_id=evidence_id,
                     ip=client_ip(request))
    db.commit()
    return Response(evidence.raw, media_type="image/png",
                    headers={"Content-Disposition": f'inline; filename="tangkapan-layar-{evidence_id}.png"'})
