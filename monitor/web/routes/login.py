"""Sign-in and sign-out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from monitor.access import audit_log, login_limits
from monitor.access.users import LoginRefused, authenticate
from monitor.config import Settings
from monitor.i18n import _
from monitor.web.auth import NotSignedIn, client_ip, current_user, db_session, sign_in, sign_out
from monitor.web.csrf import verify_csrf
from monitor.web.rendering import render, safe_next

router = APIRouter()


@router.get("/login")
def login_form(request: Request, next: str = "/queue", db: Session = Depends(db_session)) -> Response:
    if request.session.get("uid"):
        try:
            current_user(request, db)
            return RedirectResponse(safe_next(next), status_code=303)
        except NotSignedIn:  # an invalid session simply shows the form
            pass
    return render(request, "login.html", {"next": safe_next(next)})


@router.post("/login", dependencies=[Depends(verify_csrf)])
def login(
    request: Request,
    username: str = Form("", max_length=128),
    password: str = Form("", max_length=1024),
    next: str = Form("/queue", max_length=2048),
    db: Session = Depends(db_session),
) -> Response:
    settings: Settings = request.app.state.settings
    ip = client_ip(request)
    if login_limits.is_locked(db, login_limits.IP, ip):
        audit_log.record(db, "login_throttled", username=username, ip=ip)
        db.commit()
        return render(request, "login.html", {"next": safe_next(next), "error": _(
            "Too many failed attempts from this address. Try again later."), "username": username}, status_code=429)
    try:
        user = authenticate(db, username.strip(), password, settings.login_max_failures, settings.login_lockout_s)
    except LoginRefused as refused:
        # Per-IP limit is looser than per-account: an office behind one NAT address shares it.
        login_limits.record_failure(db, login_limits.IP, ip, settings.login_max_failures * 4,
                                    settings.login_lockout_s)
        audit_log.record(db, "login_failed", user=refused.user, username=username, ip=ip,
                     detail={"reason": refused.reason})
        db.commit()
        return render(request, "login.html", {"next": safe_next(next), "error": _(
            "Wrong username or password, or the account is locked for a while."), "username": username},
                      status_code=401)
    audit_log.record(db, "login", user=user, ip=ip)
    sign_in(request, db, user)
    db.commit()
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(request: Request, db: Session = Depends(db_session)) -> Response:
    if request.session.get("uid") is not None:
        try:
            user = current_user(request, db)
            audit_log.record(db, "logout", user=user, ip=client_ip(request))
        except NotSignedIn:  # an expired session is signed out all the same
            pass
    sign_out(request, db)
    db.commit()
    return RedirectResponse("/login", status_code=303)
