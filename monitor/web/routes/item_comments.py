"""Comments on a review item (``POST /items/<id>/komentar``): append-only, audited, CSRF-checked, PRG."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.access.scoping import visible_item
from monitor.db.schema import User
from monitor.i18n import _
from monitor.review.comments import CommentError, add_comment
from monitor.web.auth import client_ip, db_session, require
from monitor.web.carry import carry
from monitor.web.csrf import verify_csrf
from monitor.web.rendering import flash

router = APIRouter()


@router.post("/items/{item_id:int}/komentar", dependencies=[Depends(verify_csrf)])
def comment_on_item(
    request: Request,
    item_id: int,
    body: str = Form(""),
    user: User = Depends(require("decide")),
    db: Session = Depends(db_session),
) -> Response:
    item = visible_item(db, user, item_id)
    if item is None:  # another agency's item answers exactly like a missing one
        raise HTTPException(status_code=404)
    page = f"/items/{item_id}"
    try:
        comment = add_comment(db, item, user, body)
    except CommentError as exc:
        db.rollback()
        # Post/redirect/get: what was typed comes back once with the reason; a refresh posts nothing.
        carry(request, db, page, {"kind": "comment", "form": {"body": body}, "field": "body", "message": exc.message})
        db.commit()
        return RedirectResponse(f"{page}#komentar", status_code=303)
    except PermissionError:
        raise HTTPException(status_code=403) from None
    # The text stays in item_comment; the audit log says who wrote what where, not the words again.
    audit_log.record(db, "comment", user=user, object_type="review_item", object_id=item_id, ip=client_ip(request),
                     detail={"comment_id": comment.id, "length": len(comment.body)})
    db.commit()
    flash(request, _("Comment on item #{item} saved.", item=item_id))
    return RedirectResponse(f"{page}#komentar-{comment.id}", status_code=303)
