"""Decisions on review items: the append-only history, recording a decision, and the codes it may cite.

Recording goes through :func:`monitor.review.decisions.decide`, the item page's own rules: who may
decide, valid verdicts, codes, clauses, register and the stale-page check.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from monitor.access.scoping import visible_item
from monitor.db.vocabulary import (
    CLAUSES,
    NOT_BREACH_REASONS,
    REGISTER_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    VIOLATION_TYPES,
    default_clauses,
)
from monitor.i18n import _
from monitor.review.decisions import DecisionError, DecisionForbidden, DecisionInput, decide, history
from monitor.web.api.auth import Caller, api_caller, require
from monitor.web.api.errors import ApiError, responses
from monitor.web.api.items import NOT_FOUND, display_names
from monitor.web.api.schemas import DecisionIn, DecisionOut, ViolationOut, VocabularyOut
from monitor.web.auth import db_session

router = APIRouter(tags=["decisions"])


@router.get("/items/{item_id}/decisions", response_model=list[DecisionOut],
            responses=responses(401, 403, 404, 422), summary="Every decision on an item, oldest first")
def list_decisions(item_id: int, caller: Caller = Depends(require("view")),
                   db: Session = Depends(db_session)) -> list[DecisionOut]:
    item = visible_item(db, caller.user, item_id)
    if item is None:
        raise ApiError(404, NOT_FOUND)
    decisions = history(db, item)
    names = display_names(db, {d.reviewer_id for d in decisions})
    caller.audit(db, "view_decisions", object_type="review_item", object_id=item_id)
    db.commit()
    return [DecisionOut.of(d, names) for d in decisions]


@router.post("/items/{item_id}/decisions", response_model=DecisionOut, status_code=201,
             responses=responses(401, 403, 404, 409, 422), summary="Record a decision on an item")
def create_decision(request: Request, item_id: int, body: DecisionIn, caller: Caller = Depends(require("decide")),
                    db: Session = Depends(db_session)) -> DecisionOut:
    item = visible_item(db, caller.user, item_id)
    if item is None:
        raise ApiError(404, NOT_FOUND)
    data = DecisionInput(
        verdict=body.verdict,
        note=body.note,
        violation_code=body.violation_code or None,
        # An empty list means "no clauses" and is refused by decide(); leaving the field out takes the default.
        clauses=tuple(body.clauses) if body.clauses is not None else None,
        register=body.register_ or None,
        candidate=body.candidate,
        party=body.party,
        reason=body.reason or None,
        expected_latest_id=body.expected_latest_id,
    )
    try:
        decision = decide(db, item, caller.user, data, settings=request.app.state.settings)
    except DecisionForbidden:
        raise ApiError(403, _("This item is assigned to another reviewer.")) from None
    except DecisionError as exc:
        db.rollback()
        status = 409 if exc.field == "expected_latest_id" else 422
        # The API names the field by its code (the client's parameter), in the message as in ``field``.
        raise ApiError(status, _("Decision refused — {field}: {problem}", field=exc.field, problem=exc.message),
                       field=exc.field) from None
    caller.audit(db, "decide", object_type="review_item", object_id=item_id,
                 detail={"decision_id": decision.id, "verdict": decision.verdict,
                         "violation_code": decision.violation_code, "supersedes_id": decision.supersedes_id,
                         "four_eyes": decision.four_eyes})
    db.commit()
    return DecisionOut.of(decision, display_names(db, {decision.reviewer_id}))


@router.get("/vocabulary", response_model=VocabularyOut, responses=responses(401),
            summary="Verdicts, violation codes, clauses, registers and reasons a decision may cite")
def vocabulary(_caller: Caller = Depends(api_caller)) -> VocabularyOut:
    return VocabularyOut(
        verdicts=VERDICT_LABELS,
        violations=[ViolationOut(code=v.code, label=v.label, act_kinds=list(v.act_kinds),
                                 default_clauses=list(default_clauses(v.code))) for v in VIOLATION_TYPES],
        clauses=CLAUSES,
        registers=REGISTER_LABELS,
        not_breach_reasons=NOT_BREACH_REASONS,
        statuses=STATUS_LABELS,
    )
