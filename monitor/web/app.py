"""The review web app: ``create_app(settings)`` builds it; ``netra web`` serves it with uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from monitor.capture.jobs import TipRunner
from monitor.config import Settings, get_settings
from monitor.db.session import session_factory
from monitor.i18n import _
from monitor.selfaudit.jobs import JobRunner
from monitor.web import api
from monitor.web.auth import NotSignedIn, load_secret_key
from monitor.web.rendering import OWN_DETAIL, error_message, invalid_request, render
from monitor.web.routes import (
    audit,
    dossiers,
    exports,
    health,
    item,
    item_bulk,
    item_comments,
    login,
    media,
    queue,
    reports,
    reviewer_stats,
    screenshots,
    self_audit,
    tips,
)

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 256 * 1024
# Multipart framing and the small fields around an uploaded file.
UPLOAD_OVERHEAD_BYTES = 64 * 1024
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # Item URLs must not leak to the original platforms when a reviewer follows a link.
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Adds the headers above and refuses oversized request bodies (413) before anything parses them.

    ``large_bodies`` raises the limit for single POST routes (uploads), which enforce their own
    limit again while streaming, since a body need not announce its length.
    """

    def __init__(self, app: ASGIApp, large_bodies: dict[str, int] | None = None) -> None:
        self.app = app
        self.large_bodies = large_bodies or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        limit = self.large_bodies.get(scope["path"], MAX_BODY_BYTES) if scope["method"] == "POST" else MAX_BODY_BYTES
        if length is not None and (not length.isdigit() or int(length) > limit):
            await Response(_("Request too large."), status_code=413)(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:  # type: ignore[type-arg]
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                if scope["path"].startswith("/static/"):
                    extra = [(k, v) for k, v in extra if k != b"cache-control"]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # Stopping: the running import job ends at its next beat (its run closed as failed), waiting ones are closed.
    app.state.import_jobs.shutdown()
    app.state.capture_jobs.shutdown()


def create_app(settings: Settings | None = None, *, secure_cookies: bool | None = None) -> FastAPI:
    """The app on ``settings`` (default: the global settings).

    ``secure_cookies``: send the session over HTTPS only; when not given, ``settings.web_cookie_secure``.
    """
    settings = settings or get_settings()
    if secure_cookies is None:
        secure_cookies = settings.web_cookie_secure
    app = FastAPI(title="Netra", docs_url=None, redoc_url=None, openapi_url=None, lifespan=_lifespan)
    app.state.settings = settings
    app.state.session_factory = session_factory(settings.resolved_database_url)
    # Self-audit uploads are imported, classified and reported here, one at a time, off the request.
    app.state.import_jobs = JobRunner(app)
    # Tips (links handed in on /tautan) are captured here, one batch at a time, off the request.
    app.state.capture_jobs = TipRunner(app)
    # Loaded by monitor.web.classifier on the first self-audit upload (tests alone preset a stand-in).
    app.state.classifier = None

    app.add_middleware(
        SessionMiddleware,
        secret_key=load_secret_key(settings),
        session_cookie="netra_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=secure_cookies,
    )
    app.add_middleware(SecurityHeaders, large_bodies={
        self_audit.PATH: settings.self_audit_upload_max_bytes + UPLOAD_OVERHEAD_BYTES,
        api.REGISTRY_UPLOAD_PATH: api.REGISTRY_UPLOAD_MAX_BYTES + UPLOAD_OVERHEAD_BYTES})
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for module in (login, queue, item, audit, exports, reports, self_audit, media, health):
        app.include_router(module.router)
    for module in (tips, screenshots, dossiers, reviewer_stats):
        app.include_router(module.router)
    for module in (item_comments, item_bulk):
        app.include_router(module.router)
    # The JSON API has its own error handlers and OpenAPI document (the HTML app publishes none).
    app.mount(api.PREFIX, api.create_api(settings, app.state.session_factory))

    @app.exception_handler(NotSignedIn)
    async def _to_login(request: Request, _exc: NotSignedIn) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/queue"
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # Starlette's own details are English reason phrases ("Not Found"): only the app's own are shown.
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code in OWN_DETAIL else None
        response = render(request, "error.html",
                          {"status": exc.status_code, "message": detail or error_message(exc.status_code)},
                          status_code=exc.status_code)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        return render(request, "error.html", {"status": 400, "message": invalid_request(exc.errors())},
                      status_code=400)

    return app
