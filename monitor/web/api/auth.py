"""Who calls the service API: a bearer token (``netra user token``) stands for its user, role and agency scope.

The API takes tokens only, never the browser's session cookie: a cookie rides along on cross-site
requests, a bearer header does not, so the API needs no CSRF token. Tokens carry 256 random bits,
which is why there is no throttle here as there is for passwords: guessing one is hopeless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.access.scoping import can
from monitor.access.tokens import TokenRefused, authenticate_token
from monitor.db.schema import ApiToken, User
from monitor.web.api.errors import BEARER, ApiError
from monitor.web.auth import client_ip, db_session

bearer = HTTPBearer(auto_error=False, scheme_name="token", bearerFormat="netra_<selector>_<secret>",
                    description="An API token from `netra user token USERNAME`; it acts with that user's role "
                                "and agency scope.")
REFUSED = "Token API tidak sah, sudah dicabut, atau penggunanya dinonaktifkan."


@dataclass(frozen=True)
class Caller:
    user: User
    token: ApiToken
    ip: str

    def audit(self, db: Session, action: str, object_type: str | None = None, object_id: str | int | None = None,
              detail: dict[str, Any] | None = None) -> None:
        """Record an audit entry as the pages do, marked as made through the API with which token."""
        audit_log.record(db, action, user=self.user, object_type=object_type, object_id=object_id, ip=self.ip,
                         detail={"via": "api", "token_id": self.token.id, **(detail or {})})


def api_caller(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
               db: Session = Depends(db_session)) -> Caller:
    """The caller behind the bearer token, or 401."""
    if credentials is None:
        raise ApiError(401, headers=BEARER)
    ip = client_ip(request)
    try:
        user, token = authenticate_token(db, credentials.credentials)
    except TokenRefused as refused:
        if refused.token is not None:
            # A real token's selector with a wrong secret, a revoked token, a disabled user: worth a trace.
            audit_log.record(db, "api_token_refused", user=refused.token.user, object_type="api_token",
                             object_id=refused.token.id, ip=ip, detail={"reason": refused.reason})
            db.commit()
        raise ApiError(401, REFUSED, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
    db.commit()  # last_used_at
    return Caller(user, token, ip)


def require(permission: str) -> Callable[..., Caller]:
    """Dependency: the caller, or 403 when their role lacks ``permission`` (the pages' rule)."""

    def dependency(caller: Caller = Depends(api_caller)) -> Caller:
        if not can(caller.user, permission):
            raise ApiError(403)
        return caller

    return dependency
