"""Photo evidence with its detected hands boxed: ``/media/<sha256>/boxes.png``.

Served only to a signed-in user who may see at least one review item whose
act (own post or the post acted on) uses the image; anyone else gets 404, so
the route does not reveal which images exist.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.access.scoping import scope_filter, visible_agency_ids
from monitor.db.schema import Activity, Media, MediaLink, ReviewItem, User
from monitor.web.auth import client_ip, db_session, require

router = APIRouter()


def visible_media(db: Session, user: User, sha256: str) -> Media | None:
    """The media row if some review item the user may see uses it, else None."""
    media = db.scalar(select(Media).where(Media.sha256 == sha256))
    if media is None:
        return None
    post_ids = select(MediaLink.post_id).where(MediaLink.media_id == media.id, MediaLink.post_id.is_not(None))
    item = db.scalar(
        select(ReviewItem.id)
        .join(Activity, Activity.id == ReviewItem.activity_id)
        .where(or_(Activity.post_id.in_(post_ids), Activity.target_post_id.in_(post_ids)),
               scope_filter(visible_agency_ids(db, user)))
        .limit(1)
    )
    return media if item is not None else None


@router.get("/media/{sha256}/boxes.png")
def hand_boxes(
    request: Request, sha256: str, user: User = Depends(require("view")), db: Session = Depends(db_session)
) -> Response:
    from models.photos.gestures import GestureImageError
    from models.photos.hand_boxes import draw_hand_boxes
    from spiders.media import SHA256_RE, MediaStore

    if not SHA256_RE.match(sha256):
        raise HTTPException(status_code=404)
    media = visible_media(db, user, sha256)
    if media is None:
        raise HTTPException(status_code=404)
    path = MediaStore(sessions=request.app.state.session_factory, settings=request.app.state.settings).path_for(sha256)
    hands = (media.hands or {}).get("hands") or []
    try:
        png = draw_hand_boxes(path, hands)
    except GestureImageError:
        raise HTTPException(status_code=404) from None
    audit_log.record(db, "view_media", user=user, object_type="media", object_id=sha256, ip=client_ip(request))
    db.commit()
    return Response(png, media_type="image/png")
