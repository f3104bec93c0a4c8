"""Self-audit upload (``/swa-audit``): an agency hands in one platform export and gets its private report."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from monitor.access import audit_log
from monitor.access.scoping import self_audit_account, self_audit_accounts
from monitor.config import Settings
from monitor.db.schema import User
from monitor.exports.report_files import group_reports
from monitor.registry.profiles import active_profile
from monitor.selfaudit.upload import (
    IMPORTER_LABELS,
    PLATFORM_LABELS,
    UploadProblem,
    audit_upload,
    importable_platforms,
)
from monitor.web.auth import client_ip, db_session, require
from monitor.web.classifier import shared_classifier
from monitor.web.csrf import FIELD, HEADER, check_token
from monitor.web.rendering import render
from monitor.web.uploads import ReceivedUpload, UploadRefused, human_size, receive_upload, safe_filename

router = APIRouter()
PATH = "/swa-audit"
FILE_FIELD = "export"


def _form(request: Request, user: User, db: Session, *, values: dict[str, str] | None = None,
          error: str | None = None, status_code: int = 200) -> Response:
    settings: Settings = request.app.state.settings
    accounts = [
        {"id": a.id, "platform": a.platform,
         "label": f"{a.employee.name} — {PLATFORM_LABELS.get(a.platform, a.platform)} {a.handle} "
                  f"({a.employee.agency.code})"}
        for a in self_audit_accounts(db, user, importable_platforms())
    ]
    return render(request, "self_audit.html", {
        "importers": IMPORTER_LABELS, "accounts": accounts, "values": values or {}, "error": error,
        "max_size": human_size(settings.self_audit_upload_max_bytes),
        "has_profile": active_profile(db) is not None,
    }, status_code=status_code)


@router.get(PATH)
def self_audit_form(request: Request, user: User = Depends(require("self_audit")),
                    db: Session = Depends(db_session)) -> Response:
    return _form(request, user, db)


def _refuse(request: Request, user: User, db: Session, values: dict[str, str], reason: str, message: str,
            status_code: int, detail: dict[str, Any]) -> Response:
    account = values.get("account", "")
    audit_log.record(db, "self_audit_upload_refused", user=user, object_type="account",
                 object_id=account if account.isdigit() and len(account) <= 19 else None, ip=client_ip(request),
                 detail={"reason": reason, **detail})
    db.commit()
    return _form(request, user, db, values=values, error=message, status_code=status_code)


def _process(request: Request, user: User, db: Session, upload: ReceivedUpload) -> Response:
    values = {k: upload.fields.get(k, "") for k in ("importer", "account", "submit")}
    shown = safe_filename(upload.filename) if upload.filename else ""
    detail: dict[str, Any] = {"importer": values["importer"][:64], "file": shown, "bytes": upload.size}
    if upload.path is None or upload.size == 0:
        return _refuse(request, user, db, values, "no_file", "Pilih berkas ekspor (ZIP) yang akan diunggah.",
                       400, detail)
    account_id = int(values["account"]) if values["account"].isdigit() else 0
    account = self_audit_account(db, user, account_id)
    if account is None:  # another agency's account answers like a missing one
        return _refuse(request, user, db, values, "unknown_account", "Pilih akun terdaftar dari instansi Anda.",
                       400, detail)
    profile = active_profile(db)
    if profile is None:
        return _refuse(request, user, db, values, "no_profile", "Belum ada profil pemilihan aktif; minta admin "
                       "memuatnya terlebih dahulu.", 409, detail)
    try:
        classifier = shared_classifier(request.app)
    except Exception as exc:  # a missing or broken model: nothing is imported
        return _refuse(request, user, db, values, "classifier_unavailable", "Model klasifikasi tidak dapat dimuat; "
                       "hubungi admin.", 503, {**detail, "error": str(exc)[:500]})
    try:
        outcome = audit_upload(db, request.app.state.session_factory, user, account, values["importer"],
                               upload.path, shown, classifier, profile, submit=values["submit"] == "1",
                               ip=client_ip(request))
    except UploadProblem as problem:
        db.rollback()
        return _refuse(request, user, db, values, problem.reason, problem.message, 400, detail)
    db.commit()
    return render(request, "self_audit_result.html", {
        "outcome": outcome, "d": outcome.audit.data, "stats": outcome.stats, "file": shown,
        "platform_label": PLATFORM_LABELS.get(outcome.account.platform, outcome.account.platform),
        "periods": group_reports(outcome.audit.reports, {outcome.agency.id: f"{outcome.agency.name} "
                                                                            f"({outcome.agency.code})"}),
    })


@router.post(PATH)
async def self_audit_upload(request: Request, user: User = Depends(require("self_audit")),
                            db: Session = Depends(db_session)) -> Response:
    settings: Settings = request.app.state.settings
    header_token = request.headers.get(HEADER)

    def vet(fields: dict[str, str]) -> None:
        # The token must come before the file (forms send fields in order), so a forged request never
        # gets a byte written to disk.
        check_token(request, header_token or fields.get(FIELD))

    try:
        upload = await receive_upload(request, settings.home / "uploads", file_field=FILE_FIELD,
                                      max_file_bytes=settings.self_audit_upload_max_bytes, before_file=vet)
    except UploadRefused as refused:
        return await run_in_threadpool(_refuse, request, user, db, {}, "refused_upload", refused.message,
                                       refused.status, {"status": refused.status})
    try:
        check_token(request, header_token or upload.fields.get(FIELD))
        return await run_in_threadpool(_process, request, user, db, upload)
    finally:
        upload.discard()  # the export's SHA-256 stays on its crawl run; the personal data does not stay here
