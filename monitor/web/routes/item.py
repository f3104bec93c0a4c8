"""One review item: the case file and the decision form (comments and bulk decisions: item_comments, item_bulk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.access.scoping import can, claim_holder, visible_item
from monitor.db.schema import ReviewItem, User
from monitor.db.types import utcnow
from monitor.db.vocabulary import VERDICT_LABELS
from monitor.i18n import _
from monitor.review.bulk import bulk_rows, identical_items
from monitor.review.case_file import load_case
from monitor.review.decisions import DecisionError, DecisionForbidden, DecisionInput, decide
from monitor.review.dossier import confirmed_breach, item_dossiers
from monitor.review.neighbours import neighbours
from monitor.review.queue import QueueError, release, take_next
from monitor.web.auth import client_ip, db_session, require
from monitor.web.carry import carry, take
from monitor.web.csrf import verify_csrf
from monitor.web.rendering import flash, render

router = APIRouter()


def four_eyes_note(stage: str | None) -> str | None:
    """What the saved message adds about the decision's four-eyes stage (None: nothing)."""
    return {
        "awaiting": _("This verdict takes effect only once a second reviewer confirms it."),
        "confirmed": _("The first reviewer's verdict is confirmed."),
        "disputed": _("It differs from the first reviewer's verdict: the item goes to a supervisor."),
        "resolved": _("The disagreement is settled."),
    }.get(stage or "")


@dataclass(frozen=True)
class RefusedDecision:
    """Why a decision was refused, as the form shows it after the redirect."""

    field: str
    message: str


@dataclass(frozen=True)
class Claim:
    """Who holds the item and until when, as the page shows it (``until`` None: an open-ended assignment)."""

    holder: str
    until: datetime | None
    mine: bool
    expired: bool


def _claim(item: ReviewItem, user: User, names: dict[int, str]) -> Claim | None:
    if item.assignee_id is None:
        return None
    expired = claim_holder(item, utcnow()) is None
    return Claim(holder=names.get(item.assignee_id, "—"), until=item.claimed_until,
                 mine=item.assignee_id == user.id, expired=expired)


def _render_case(request: Request, db: Session, user: User, item_id: int, carried: dict | None = None) -> Response:
    """The item page; ``carried`` is what a refused form left for it (post/redirect/get), shown once."""
    case = load_case(db, user, item_id)
    if case is None:
        raise HTTPException(status_code=404)
    confirmed = confirmed_breach(db, case.item)
    identical = identical_items(db, user, case.item)
    rows = bulk_rows(db, user, case.item, identical.items) if identical.items and can(user, "decide") else []
    return render(request, "item.html", {"case": case, **_refused_forms(carried),
                                         "dossiers": item_dossiers(db, case.item),
                                         "claim": _claim(case.item, user, case.reviewers),
                                         "confirmed_id": confirmed.id if confirmed else None,
                                         "identical": identical, "bulk_rows": rows,
                                         "nav": neighbours(db, user, case.item)})


def _refused_forms(carried: dict | None) -> dict:
    """Which of the page's forms was refused, with what was typed and why; every form empty when none was."""
    forms: dict = {"form": {}, "error": None, "comment_form": {}, "comment_error": None, "bulk_form": {},
                   "bulk_error": None}
    if carried is None:
        return forms
    prefix = {"comment": "comment_", "bulk": "bulk_"}.get(str(carried.get("kind", "")), "")
    typed = carried.get("form")
    forms[f"{prefix}form"] = typed if isinstance(typed, dict) else {}
    forms[f"{prefix}error"] = RefusedDecision(str(carried.get("field", "")), str(carried.get("message", "")))
    return forms


@router.get("/items/{item_id:int}")
def item_view(
    request: Request, item_id: int, user: User = Depends(require("view")), db: Session = Depends(db_session)
) -> Response:
    response = _render_case(request, db, user, item_id, carried=take(request, db, _page(item_id)))
    audit_log.record(db, "view_item", user=user, object_type="review_item", object_id=item_id, ip=client_ip(request))
    db.commit()
    return response


def _page(item_id: int) -> str:
    return f"/items/{item_id}"


def _optional(form: dict, key: str) -> str | None:
    value = form.get(key)
    return value if isinstance(value, str) and value.strip() else None


@router.post("/items/{item_id:int}/decisions", dependencies=[Depends(verify_csrf)])
def decide_item(
    request: Request,
    item_id: int,
    verdict: str = Form(""),
    note: str = Form(""),
    violation_code: str = Form(""),
    clauses: list[str] = Form([]),
    register_: str = Form("", alias="register"),  # "register" would shadow a pydantic attribute
    candidate: str = Form(""),
    party: str = Form(""),
    reason: str = Form(""),
    expected_latest_id: str = Form(""),
    next_item: str = Form(""),
    user: User = Depends(require("decide")),
    db: Session = Depends(db_session),
) -> Response:
    item = visible_item(db, user, item_id)
    if item is None:
        raise HTTPException(status_code=404)
    form = {"verdict": verdict, "note": note, "violation_code": violation_code, "register": register_,
            "candidate": candidate, "party": party, "reason": reason, "next_item": next_item}
    try:
        expected = expected_latest_id.strip()
        data = DecisionInput(
            verdict=verdict,
            note=note,
            violation_code=_optional(form, "violation_code"),
            # The form always sends the clause boxes; none ticked falls back to the code's default.
            clauses=tuple(clauses) or None,
            register=_optional(form, "register"),
            candidate=_optional(form, "candidate"),
            party=_optional(form, "party"),
            reason=_optional(form, "reason"),
            expected_latest_id=int(expected) if expected else None,
        )
        decision = decide(db, item, user, data, settings=request.app.state.settings)
    except DecisionForbidden:
        raise HTTPException(status_code=403, detail=_("This item is assigned to another reviewer.")) from None
    except ValueError as exc:  # a DecisionError, or a tampered field (expected_latest_id)
        db.rollback()
        field, message = (exc.field, exc.message) if isinstance(exc, DecisionError) else ("form", _("Invalid form."))
        # Post/redirect/get: the form comes back with what was typed, and a refresh posts nothing again.
        carry(request, db, _page(item_id), {"form": form | {"clauses": clauses}, "field": field, "message": message})
        db.commit()
        return RedirectResponse(f"{_page(item_id)}#decision-form", status_code=303)
    audit_log.record(db, "decide", user=user, object_type="review_item", object_id=item_id, ip=client_ip(request),
                 detail={"decision_id": decision.id, "verdict": decision.verdict,
                         "violation_code": decision.violation_code, "supersedes_id": decision.supersedes_id,
                         "four_eyes": decision.four_eyes})
    db.commit()
    saved = " ".join(filter(None, [
        _("Verdict “{verdict}” for item #{item} saved.", verdict=VERDICT_LABELS[decision.verdict], item=item_id),
        four_eyes_note(decision.four_eyes)]))
    if next_item and can(user, "take_next"):
        # "Save and go on": the reviewer lands on the next item as if they had pressed "take next".
        following = take_next(db, user, settings=request.app.state.settings)
        if following is not None:
            audit_log.record(db, "take_next", user=user, object_type="review_item", object_id=following.id,
                             ip=client_ip(request), detail={"after_decision": decision.id})
            db.commit()
            flash(request, " ".join([saved, _("Here is the next item.")]))
            return RedirectResponse(_page(following.id), status_code=303)
        flash(request, " ".join([saved, _("No other item is waiting in your scope.")]), "info")
        return RedirectResponse("/queue", status_code=303)
    flash(request, saved)
    return RedirectResponse(f"/items/{item_id}", status_code=303)


@router.post("/items/{item_id:int}/lepas", dependencies=[Depends(verify_csrf)])
def release_item(
    request: Request, item_id: int, user: User = Depends(require("view")), db: Session = Depends(db_session)
) -> Response:
    item = visible_item(db, user, item_id)
    if item is None:
        raise HTTPException(status_code=404)
    until = item.claimed_until
    try:
        release(db, user, item)
    except QueueError:
        flash(request, _("You do not hold this item, so there is nothing to release."), "error")
        return RedirectResponse(_page(item_id), status_code=303)
    audit_log.record(db, "release_claim", user=user, object_type="review_item", object_id=item_id,
                     ip=client_ip(request), detail={"claimed_until": until.isoformat() if until else None})
    db.commit()
    flash(request, _("Item #{item} released and back in the queue.", item=item_id))
    return RedirectResponse("/queue", status_code=303)
