"""JSON errors for the service API: one body shape (:class:`ErrorBody`) for every status, Indonesian messages."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from monitor.web.api.schemas import ErrorBody

log = logging.getLogger(__name__)

MESSAGES: dict[int, str] = {
    400: "Permintaan tidak sah.",
    401: "Token API diperlukan: kirim header Authorization: Bearer <token>.",
    403: "Peran Anda tidak berwenang untuk tindakan ini.",
    404: "Tidak ditemukan.",
    405: "Metode tidak diizinkan.",
    409: "Konflik dengan keadaan data saat ini.",
    410: "Tidak tersedia lagi.",
    413: "Permintaan terlalu besar.",
    422: "Permintaan tidak sah.",
    500: "Galat server; kejadian ini dicatat. Hubungi admin.",
}
BEARER = {"WWW-Authenticate": "Bearer"}


class ApiError(Exception):
    """An error answer: ``status`` and the body's fields; ``headers`` for e.g. WWW-Authenticate."""

    def __init__(self, status: int, detail: str | None = None, *, field: str | None = None,
                 errors: list[str] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or MESSAGES.get(status, ""))
        self.status = status
        self.body = ErrorBody(detail=detail or MESSAGES.get(status, "Galat."), field=field, errors=errors)
        self.headers = headers


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the error statuses a route may answer."""
    return {status: {"model": ErrorBody, "description": MESSAGES.get(status, "Galat.")} for status in statuses}


def field_error(status: int, message: str, prefix: str = "") -> ApiError:
    """An ApiError from a service error reading ``field: reason`` (QueueError, DecisionError...)."""
    field, sep, _ = message.partition(": ")
    return ApiError(status, f"{prefix}{message}", field=field if sep and field.isidentifier() else None)


def _json(status: int, body: ErrorBody, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _json(exc.status, exc.body, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Starlette's own errors (unknown path, wrong method) carry the English reason phrase.
        phrase = HTTPStatus(exc.status_code).phrase
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail not in ("", phrase) else None
        return _json(exc.status_code, ErrorBody(detail=detail or MESSAGES.get(exc.status_code, "Galat.")),
                     dict(exc.headers) if exc.headers else None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        if first.get("type") == "json_invalid":  # its loc is a character offset, not a field
            return _json(422, ErrorBody(detail="Permintaan tidak sah — isi permintaan bukan JSON yang sah.",
                                        field="body"))
        # loc is ("body"|"query"|"path", name, index...): the field is what follows the part.
        loc = [str(part) for part in first.get("loc", ())]
        field = ".".join(loc[1:]) or (loc[0] if loc else None)
        message = first.get("msg", "nilai tidak sah")
        detail = f"Permintaan tidak sah — {field}: {message}" if field else "Permintaan tidak sah."
        return _json(422, ErrorBody(detail=detail, field=field))

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        log.error("service API request failed", exc_info=exc)
        return _json(500, ErrorBody(detail=MESSAGES[500]))
