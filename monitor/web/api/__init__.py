"""The service API: JSON under ``/api/v1``, described by its own OpenAPI document at ``/api/v1/openapi.json``.

A sub-application mounted on the web app, so it has its own error handlers (JSON, never the HTML
error page) and its own OpenAPI document while the HTML app keeps none. It reuses the pages' service
functions (scoping, queue, case file, decisions, registry importer, report files) and their audit log.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from monitor.config import Settings
from monitor.web.api import decisions, dossiers, errors, items, me, registry, reports

PREFIX = "/api/v1"
VERSION = "1.0.0"
REGISTRY_UPLOAD_PATH = PREFIX + registry.PATH
REGISTRY_UPLOAD_MAX_BYTES = registry.MAX_UPLOAD_BYTES
DESCRIPTION = """\
Review items, decisions, case files, case dossiers, the agency registry and stored reports of Netra, as JSON.

Every call needs `Authorization: Bearer <token>`; an operator creates the token with
`netra user token USERNAME`. The token acts as that user: same role, same agency scope as the web
pages. Items and reports outside the caller's scope answer 404, exactly like missing ones.

Errors are JSON `{"detail": "...", "field": "..."}` with the message in Bahasa Indonesia; `field`
names the parameter or body field at fault. The item list is paged by an opaque cursor: pass the
`next` of one page as `cursor` to get the following one.
"""


def _tidy(schema: dict[str, Any]) -> None:
    """Point every 422 at :class:`ErrorBody`, which the handler really sends, instead of FastAPI's own shape."""
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            answers = operation.get("responses", {})
            if "422" in answers:
                answers["422"] = {"description": errors.MESSAGES[422],
                                  "content": {"application/json": {"schema": ref}}}
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)


def create_api(settings: Settings, factory: sessionmaker[Session]) -> FastAPI:
    api = FastAPI(title="Netra API", version=VERSION, description=DESCRIPTION, openapi_url="/openapi.json",
                  docs_url=None, redoc_url=None)
    api.state.settings = settings
    api.state.session_factory = factory
    errors.install(api)
    for module in (me, items, decisions, dossiers, reports, registry):
        api.include_router(module.router)

    generate = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            _tidy(generate())
        return generate()  # FastAPI's generator answers its cached (now tidied) document

    api.openapi = openapi  # type: ignore[method-assign]
    return api
