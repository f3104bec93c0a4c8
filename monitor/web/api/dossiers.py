"""Case dossiers of confirmed breaches: list, build, and integrity-checked audited downloads — scoped like the item.

The same rules as the item page (``monitor.web.routes.dossiers``): :func:`build_dossier` decides what may be
built, :func:`visible_dossier` who may download, :func:`open_verified_path` re-hashes the file it serves.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from monitor.access.scoping import visible_item
from monitor.exports.report_files import MEDIA_TYPES, ReportUnavailable, open_verified_path
from monitor.review.dossier import FORMATS, DossierRefused, build_dossier, dossier_file, item_dossiers, visible_dossier
from monitor.web.api.auth import Caller, require
from monitor.web.api.errors import ApiError, responses
from monitor.web.api.items import NOT_FOUND
from monitor.web.api.schemas import DossierOut
from monitor.web.auth import db_session
from monitor.web.downloads import stream_verified, unavailable_status
from monitor.web.routes.dossiers import UNAVAILABLE, dossier_audit

router = APIRouter(tags=["dossiers"])


@router.get("/items/{item_id}/dossiers", response_model=list[DossierOut], responses=responses(401, 403, 404, 422),
            summary="The case dossiers built for an item, newest first")
def list_dossiers(item_id: int, caller: Caller = Depends(require("view")),
                  db: Session = Depends(db_session)) -> list[DossierOut]:
    item = visible_item(db, caller.user, item_id)
    if item is None:
        raise ApiError(404, NOT_FOUND)
    return [DossierOut.of(d) for d in item_dossiers(db, item)]


@router.post("/items/{item_id}/dossiers", response_model=DossierOut, status_code=201,
             responses=responses(401, 403, 404, 409, 422),
             summary="Build the case dossier (PDF and evidence ZIP) of a confirmed breach")
def create_dossier(request: Request, item_id: int, caller: Caller = Depends(require("build_dossier")),
                   db: Session = Depends(db_session)) -> DossierOut:
    try:
        dossier = build_dossier(db, caller.user, item_id, settings=request.app.state.settings)
    except LookupError:  # another agency's item answers exactly like a missing one
        raise ApiError(404, NOT_FOUND) from None
    except DossierRefused as exc:
        db.rollback()
        caller.audit(db, "dossier_refused", object_type="review_item", object_id=item_id,
                     detail={"reason": str(exc)})
        db.commit()
        raise ApiError(409, str(exc)) from None
    caller.audit(db, "dossier_generate", object_type="case_dossier", object_id=dossier.id,
                 detail=dossier_audit(dossier))
    db.commit()
    return DossierOut.of(dossier)


@router.get("/items/{item_id}/dossiers/{dossier_id}/{fmt}", response_class=Response, responses={
    200: {"description": "The file, exactly the bytes whose SHA-256 was recorded (header X-Content-SHA256).",
          "content": {MEDIA_TYPES[f]: {"schema": {"type": "string", "format": "binary"}} for f in FORMATS}},
    **responses(401, 403, 404, 409, 410, 422)}, summary="Download a case dossier's PDF or evidence ZIP")
def download_dossier(item_id: int, dossier_id: int, fmt: str, caller: Caller = Depends(require("view")),
                     db: Session = Depends(db_session)) -> Response:
    dossier = visible_dossier(db, caller.user, item_id, dossier_id) if fmt in FORMATS else None
    if dossier is None:
        raise ApiError(404, "Berkas perkara tidak ditemukan.")
    path, sha256 = dossier_file(dossier, fmt)
    meta = {**dossier_audit(dossier), "format": fmt, "sha256": sha256}

    def audit(action: str, detail: dict[str, object]) -> None:
        caller.audit(db, action, object_type="case_dossier", object_id=dossier.id, detail=detail)

    def refused(exc: ReportUnavailable) -> Response:
        raise ApiError(unavailable_status(exc), UNAVAILABLE[exc.reason])

    return stream_verified(db, lambda: open_verified_path(path, sha256, fmt), action="dossier_download", meta=meta,
                           sha256=sha256, audit=audit, refused=refused)
