"""CSRF tokens: one random token per session, required on every state-changing request.

Forms carry it as ``csrf_token``; scripts may send it as the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

from monitor.i18n import _

FIELD = "csrf_token"
HEADER = "x-csrf-token"


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def token_matches(request: Request, sent: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and sent and hmac.compare_digest(expected, sent))


def check_token(request: Request, sent: str | None) -> None:
    """403 unless ``sent`` is this session's token (for routes that parse their own body, e.g. uploads)."""
    if not token_matches(request, sent):
        raise HTTPException(status_code=403, detail=_("The form's security token is not valid. Reload the page."))


async def verify_csrf(request: Request) -> None:
    """FastAPI dependency for POST routes: 403 unless the request carries this session's token."""
    sent = request.headers.get(HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    check_token(request, sent)
