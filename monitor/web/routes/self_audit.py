"""Self-audit upload (``/swa-audit``): an agency hands in one platform export and gets its private report.

The upload request only checks what is cheap — CSRF (before a byte of the file is written), the account
is the user's agency's, the importer fits its platform, the archive holds that platform's files — saves
the file and hands it to the web process's import worker (``monitor.selfaudit.jobs``). The browser is sent
on (post/redirect/get) to the job's page, which refreshes itself until the job is done and then links the
report; refreshing it never uploads or imports again.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from monitor.access import audit_log
from monitor.access.scoping import self_audit_account, self_audit_accounts
from monitor.config import Settings
from monitor.db.schema import IMPORT_JOB_STATES, ImportJob, Report, User
from monitor.exports.report_files import group_reports
from monitor.i18n import _, labels
from monitor.registry.profiles import active_profile
from monitor.selfaudit.jobs import FINISHED, runner
from monitor.selfaudit.upload import (
    IMPORTER_LABELS,
    UploadProblem,
    importable_platforms,
    precheck_upload,
    problem_text,
)
from monitor.web.auth import client_ip, db_session, require
from monitor.web.carry import carry, take
from monitor.web.csrf import FIELD, HEADER, check_token
from monitor.web.rendering import render
from monitor.web.uploads import ReceivedUpload, UploadRefused, human_size, receive_upload, safe_filename
from reports.labels import platform_label
from spiders.store import HOST, process_start

router = APIRouter()
PATH = "/swa-audit"
JOB_PATH = "/swa-audit/pekerjaan"
FILE_FIELD = "export"
STATE_LABELS = labels("import_job_state", IMPORT_JOB_STATES)
REFRESH_S = 2


def _form(request: Request, user: User, db: Session, *, values: dict[str, str] | None = None,
          error: str | None = None) -> Response:
    settings: Settings = request.app.state.settings
    accounts = [
        {"id": a.id, "platform": a.platform,
         "label": f"{a.employee.name} — {platform_label(a.platform)} {a.handle} "
                  f"({a.employee.agency.code})"}
        for a in self_audit_accounts(db, user, importable_platforms())
    ]
    return render(request, "self_audit.html", {
        "importers": IMPORTER_LABELS, "accounts": accounts, "values": values or {}, "error": error,
        "max_size": human_size(settings.self_audit_upload_max_bytes),
        "has_profile": active_profile(db) is not None,
    })


@router.get(PATH)
def self_audit_form(request: Request, user: User = Depends(require("self_audit")),
                    db: Session = Depends(db_session)) -> Response:
    refused = take(request, db, PATH) or {}
    db.commit()
    values = refused.get("values")
    error = refused.get("error")
    return _form(request, user, db, values=values if isinstance(values, dict) else None,
                 error=error if isinstance(error, str) else None)


def _refuse(request: Request, user: User, db: Session, values: dict[str, str], reason: str, message: str,
            status_code: int, detail: dict[str, Any]) -> Response:
    account = values.get("account", "")
    audit_log.record(db, "self_audit_upload_refused", user=user, object_type="account",
                     object_id=account if account.isdigit() and len(account) <= 19 else None, ip=client_ip(request),
                     detail={"reason": reason, "status": status_code, **detail})
    # Post/redirect/get: the form shows why with the choices made, and a refresh uploads nothing again.
    carry(request, db, PATH, {"values": values, "error": message})
    db.commit()
    return RedirectResponse(PATH, status_code=303)


def _process(request: Request, user: User, db: Session, upload: ReceivedUpload) -> Response:
    """Check what is cheap, then hand the saved file to the worker (which then owns it) and redirect."""
    values = {k: upload.fields.get(k, "") for k in ("importer", "account", "submit")}
    shown = safe_filename(upload.filename) if upload.filename else ""
    detail: dict[str, Any] = {"importer": values["importer"][:64], "file": shown, "bytes": upload.size}
    if upload.path is None or upload.size == 0:
        return _refuse(request, user, db, values, "no_file", _("Choose the export file (ZIP) to upload."), 400,
                       detail)
    account_id = int(values["account"]) if values["account"].isdigit() and len(values["account"]) <= 19 else 0
    account = self_audit_account(db, user, account_id)
    if account is None:  # another agency's account answers like a missing one
        return _refuse(request, user, db, values, "unknown_account",
                       _("Choose a registered account of your agency."), 400, detail)
    if active_profile(db) is None:
        return _refuse(request, user, db, values, "no_profile",
                       _("No election profile is active yet; ask an admin to load one first."), 409, detail)
    try:
        precheck_upload(values["importer"], account, upload.path, shown)
    except UploadProblem as problem:
        return _refuse(request, user, db, values, problem.reason, problem.message, 400, detail)
    jobs = runner(request.app)
    if jobs.busy():
        return _refuse(request, user, db, values, "queue_full",
                       _("The import queue is full. Try the upload again in a few minutes."), 503, detail)
    job = ImportJob(state="queued", user_id=user.id, username=user.username, account_id=account.id,
                    agency_id=account.employee.agency_id, importer=values["importer"], file_name=shown,
                    file_bytes=upload.size, submit=values["submit"] == "1", ip=client_ip(request), host=HOST,
                    pid=os.getpid(), process_start=process_start(os.getpid()),
                    upload_dir=str(upload.directory), progress={})
    db.add(job)
    db.commit()
    jobs.submit(job.id, upload.directory, upload.path)
    upload.handed_off = True
    return RedirectResponse(f"{JOB_PATH}/{job.id}", status_code=303)


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
                                       refused.status, {})
    try:
        check_token(request, header_token or upload.fields.get(FIELD))
        return await run_in_threadpool(_process, request, user, db, upload)
    finally:
        if not upload.handed_off:
            upload.discard()  # a refused export's personal data does not stay here


@router.get(JOB_PATH + "/{job_id}")
def self_audit_job(job_id: int, request: Request, user: User = Depends(require("self_audit")),
                   db: Session = Depends(db_session)) -> Response:
    runner(request.app).recover()
    job = db.get(ImportJob, job_id) if 0 < job_id < 2**31 else None
    # Another agency's job answers like a missing one.
    if job is None or self_audit_account(db, user, job.account_id) is None:
        raise HTTPException(404)
    account = job.account
    agency = account.employee.agency
    reports = list(db.scalars(select(Report).where(Report.id.in_(job.report_ids or [])))) if job.report_ids else []
    finished = job.state in FINISHED
    response = render(request, "self_audit_job.html", {
        "job": job, "account": account, "agency": agency, "finished": finished,
        "state_label": STATE_LABELS.get(job.state, job.state), "progress": job.progress or {},
        "problems": [problem_text(p) for p in job.problems or []], "result": job.result or {},
        "platform_label": platform_label(account.platform), "refresh_s": REFRESH_S,
        "periods": group_reports(reports, {agency.id: f"{agency.name} ({agency.code})"}),
    })
    return response
