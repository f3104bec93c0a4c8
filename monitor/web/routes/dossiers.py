"""Case dossiers on the item page: building one for a confirmed breach, integrity-checked audited downloads.

Scoped like the item (``visible_dossier``): another agency's item or dossier answers 404, like a missing one.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.db.schema import CaseDossier, User
from monitor.exports.report_files import ReportUnavailable, open_verified_path
from monitor.i18n import _, labels
from monitor.review.dossier import FORMATS, DossierRefused, build_dossier, dossier_file, visible_dossier
from monitor.web.auth import client_ip, db_session, require
from monitor.web.csrf import verify_csrf
from monitor.web.downloads import stream_verified, unavailable_status
from monitor.web.rendering import flash, render

router = APIRouter()
UNAVAILABLE = labels("dossier_unavailable", ("missing", "sha256_mismatch"))


def dossier_audit(dossier: CaseDossier) -> dict[str, object]:
    """What the audit log keeps of a dossier: its item, decision and both files' hashes."""
    return {"review_item_id": dossier.review_item_id, "decision_id": dossier.decision_id,
            "agency_id": dossier.agency_id, "pdf_sha256": dossier.pdf_sha256, "zip_sha256": dossier.zip_sha256,
            "evidence_files": dossier.evidence_files}


@router.post("/items/{item_id:int}/berkas-perkara", dependencies=[Depends(verify_csrf)])
def dossier_build(request: Request, item_id: int, user: User = Depends(require("build_dossier")),
                  db: Session = Depends(db_session)) -> Response:
    try:
        dossier = build_dossier(db, user, item_id, settings=request.app.state.settings)
    except LookupError:  # another agency's item answers exactly like a missing one
        raise HTTPException(status_code=404) from None
    except DossierRefused as exc:
        db.rollback()
        audit_log.record(db, "dossier_refused", user=user, object_type="review_item", object_id=item_id,
                         ip=client_ip(request), detail={"reason": str(exc)})
        db.commit()
        flash(request, _("Case dossier not built — {problem}", problem=str(exc)), "error")
        return RedirectResponse(f"/items/{item_id}#berkas-perkara", status_code=303)
    audit_log.record(db, "dossier_generate", user=user, object_type="case_dossier", object_id=dossier.id,
                     ip=client_ip(request), detail=dossier_audit(dossier))
    db.commit()
    flash(request, _("Case dossier #{dossier} built ({n} evidence files).", dossier=dossier.id,
                      n=dossier.evidence_files))
    return RedirectResponse(f"/items/{item_id}#berkas-perkara", status_code=303)


@router.get("/items/{item_id:int}/berkas-perkara/{dossier_id:int}/{fmt}")
def dossier_download(request: Request, item_id: int, dossier_id: int, fmt: str,
                     user: User = Depends(require("view")), db: Session = Depends(db_session)) -> Response:
    dossier = visible_dossier(db, user, item_id, dossier_id) if fmt in FORMATS else None
    if dossier is None:
        raise HTTPException(status_code=404)
    path, sha256 = dossier_file(dossier, fmt)
    meta = {**dossier_audit(dossier), "format": fmt, "sha256": sha256}

    def audit(action: str, detail: dict[str, object]) -> None:
        audit_log.record(db, action, user=user, object_type="case_dossier", object_id=dossier.id,
                         ip=client_ip(request), detail=detail)

    def refused(exc: ReportUnavailable) -> Response:
        status = unavailable_status(exc)
        return render(request, "error.html", {"status": status, "message": UNAVAILABLE[exc.reason]},
                      status_code=status)

    return stream_verified(db, lambda: open_verified_path(path, sha256, fmt), action="dossier_download", meta=meta,
                           sha256=sha256, audit=audit, refused=refused)
