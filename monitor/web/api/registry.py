"""Registry upload: a CSV or XLSX of ASN and their declared accounts, imported as ``netra registry import`` does.

Same parser, same ``file:line: reason`` row errors, same all-or-nothing rule (nothing is written when
any row is bad unless ``skip_invalid``). Admins only: the registry decides whose accounts are watched.
The file is streamed to a private directory and deleted after the import.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from monitor.config import Settings
from monitor.registry.importer import RegistryFileError, import_registry
from monitor.web.api.auth import Caller, require
from monitor.web.api.errors import ApiError, responses
from monitor.web.api.schemas import RegistryImportOut
from monitor.web.auth import db_session
from monitor.web.uploads import ReceivedUpload, UploadRefused, human_size, receive_upload

router = APIRouter(tags=["registry"])
PATH = "/registry/imports"
FILE_FIELD = "file"
# 200,000 rows (the importer's limit) of a wide registry fit well under this.
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
# A file of bad rows could yield one error per row; the answer stays readable, the count stays exact.
MAX_ERRORS_SHOWN = 1000
TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")

REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object",
        "required": [FILE_FIELD],
        "properties": {
            FILE_FIELD: {"type": "string", "format": "binary", "description":
                         f"The registry: .csv (UTF-8) or .xlsx, at most {human_size(MAX_UPLOAD_BYTES)}."},
            "skip_invalid": {"type": "boolean", "default": False,
                             "description": "Write the valid rows even when some are bad (CLI --skip-invalid)."},
            "sheet": {"type": "string", "description": "The XLSX sheet to read when the workbook has several."},
        },
    }}},
}


def _flag(fields: dict[str, str], name: str) -> bool:
    value = fields.get(name, "").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ApiError(422, f"Permintaan tidak sah — {name}: harus true atau false", field=name)


def _refuse(caller: Caller, db: Session, shown: str, reason: str, detail: dict[str, Any]) -> None:
    caller.audit(db, "registry_import_refused", object_type="registry", object_id=shown[:128] or None,
                 detail={"reason": reason, **detail})
    db.commit()


def _import(caller: Caller, db: Session, upload: ReceivedUpload) -> RegistryImportOut:
    if upload.path is None or upload.size == 0:
        raise ApiError(422, f"Kirim berkas registri (CSV atau XLSX) pada isian `{FILE_FIELD}`.", field=FILE_FIELD)
    skip_invalid = _flag(upload.fields, "skip_invalid")
    sheet = upload.fields.get("sheet", "").strip() or None
    shown = upload.path.name
    try:
        result = import_registry(db, upload.path, skip_invalid=skip_invalid, sheet=sheet)
    except RegistryFileError as exc:
        db.rollback()
        # Name the file as the client sent it, not where the server keeps it.
        message = str(exc).replace(str(upload.path), shown)
        _refuse(caller, db, shown, "unreadable", {"error": message[:500], "bytes": upload.size})
        raise ApiError(422, f"Berkas registri tidak dapat dibaca — {message}", field=FILE_FIELD) from None
    errors = [str(replace(e, file=shown)) for e in result.errors]
    if errors and not result.written:
        db.rollback()
        _refuse(caller, db, shown, "invalid_rows", {"rows": result.rows, "invalid": len(errors),
                                                    "bytes": upload.size})
        raise ApiError(422, f"{len(errors)} baris tidak sah di {shown}; tidak ada yang ditulis (perbaiki, atau "
                            "kirim skip_invalid=true untuk menulis baris yang sah).",
                       field=FILE_FIELD, errors=errors[:MAX_ERRORS_SHOWN])
    out = RegistryImportOut.of(result, errors[:MAX_ERRORS_SHOWN]).model_copy(update={"file": shown})
    caller.audit(db, "registry_import", object_type="registry", object_id=shown[:128],
                 detail={"bytes": upload.size, **out.model_dump(exclude={"file", "errors"}),
                         "invalid": len(errors)})
    db.commit()
    return out


@router.post(PATH, response_model=RegistryImportOut, responses=responses(400, 401, 403, 413, 422),
             openapi_extra={"requestBody": REQUEST_BODY}, summary="Import a registry file (admins)")
async def upload_registry(request: Request, caller: Caller = Depends(require("import_registry")),
                          db: Session = Depends(db_session)) -> RegistryImportOut:
    settings: Settings = request.app.state.settings
    try:
        upload = await receive_upload(request, settings.home / "uploads", file_field=FILE_FIELD,
                                      max_file_bytes=MAX_UPLOAD_BYTES, before_file=lambda _fields: None)
    except UploadRefused as refused:
        raise ApiError(refused.status, refused.message, field=FILE_FIELD) from None
    try:
        return await run_in_threadpool(_import, caller, db, upload)
    finally:
        upload.discard()
