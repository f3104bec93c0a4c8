"""One verdict for the identical acts listed on an item page (``POST /items/<id>/putusan-identik``).

The rules are :func:`monitor.review.bulk.bulk_decide`'s; this route parses the form, writes one ``decide``
audit entry per decision recorded plus a ``bulk_decide`` entry for the whole form, and answers with
post/redirect/get: the item page, saying what was recorded, skipped and refused.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from monitor.access import audit_log
from monitor.access.scoping import visible_item
from monitor.db.schema import User
from monitor.db.vocabulary import VERDICT_LABELS
from monitor.i18n import _
from monitor.review.bulk import BulkOutcome, BulkRefused, BulkTarget, bulk_decide
from monitor.review.decisions import DecisionForbidden, DecisionInput
from monitor.web.auth import client_ip, db_session, require
from monitor.web.carry import carry
from monitor.web.csrf import verify_csrf
from monitor.web.rendering import flash

router = APIRouter()
ANCHOR = "tindakan-identik"
# Item ids named in one message; the rest are counted.
NAMED = 10


def parse_targets(values: list[str]) -> list[BulkTarget]:
    """The ticked boxes, each ``<item id>:<latest decision id or empty>``; ValueError on anything else."""
    targets = []
    for value in values:
        item, sep, latest = value.partition(":")
        if not sep or not item.isdigit() or not (latest == "" or latest.isdigit()):
            raise ValueError(value)
        ids = (int(item), int(latest) if latest else None)
        if not 0 < ids[0] < 2**63 or (ids[1] is not None and not 0 < ids[1] < 2**63):
            raise ValueError(value)
        targets.append(BulkTarget(*ids))
    return targets


def _optional(value: str) -> str | None:
    return value if value.strip() else None


def _named(pairs: list[tuple[int, str]]) -> str:
    shown = "; ".join(f"#{i} ({why})" for i, why in pairs[:NAMED])
    return _("{named}; and {n} more", named=shown, n=len(pairs) - NAMED) if len(pairs) > NAMED else shown


def summary(outcome: BulkOutcome) -> str:
    """What happened to every box ticked, in one message (the catalogue's words)."""
    parts = []
    if outcome.decided:
        verdict = VERDICT_LABELS[outcome.decided[0].verdict]
        ids = [d.review_item_id for d in outcome.decided]
        named = ", ".join(f"#{i}" for i in ids[:NAMED])
        if len(ids) > NAMED:
            named = _("{named} and {n} more", named=named, n=len(ids) - NAMED)
        parts.append(_("Verdict “{verdict}” saved for {n} items: {items}.", verdict=verdict, n=len(ids), items=named))
        awaiting = sum(1 for d in outcome.decided if d.four_eyes == "awaiting")
        if awaiting:
            parts.append(_("{n} of them take effect only once a second reviewer confirms them.", n=awaiting))
    if outcome.skipped:
        parts.append(_("Skipped: {items}.", items=_named(outcome.skipped)))
    if outcome.refused:
        parts.append(_("Refused: {items}.", items=_named([(i, exc.message) for i, exc in outcome.refused])))
    return " ".join(parts)


@router.post("/items/{item_id:int}/putusan-identik", dependencies=[Depends(verify_csrf)])
def decide_identical(
    request: Request,
    item_id: int,
    items: list[str] = Form([]),
    verdict: str = Form(""),
    note: str = Form(""),
    violation_code: str = Form(""),
    candidate: str = Form(""),
    party: str = Form(""),
    reason: str = Form(""),
    user: User = Depends(require("decide")),
    db: Session = Depends(db_session),
) -> Response:
    anchor = visible_item(db, user, item_id)
    if anchor is None:
        raise HTTPException(status_code=404)
    page = f"/items/{item_id}"
    form = {"items": items, "verdict": verdict, "note": note, "violation_code": violation_code,
            "candidate": candidate, "party": party, "reason": reason}

    def refuse(field: str, message: str) -> Response:
        db.rollback()
        # Post/redirect/get: the form comes back with what was typed and why; a refresh posts nothing.
        carry(request, db, page, {"kind": "bulk", "form": form, "field": field, "message": message})
        db.commit()
        return RedirectResponse(f"{page}#{ANCHOR}", status_code=303)

    try:
        targets = parse_targets(items)
    except ValueError:
        return refuse("items", _("Invalid form."))
    data = DecisionInput(verdict=verdict, note=note, violation_code=_optional(violation_code),
                         candidate=_optional(candidate), party=_optional(party), reason=_optional(reason))
    try:
        outcome = bulk_decide(db, anchor, user, targets, data, settings=request.app.state.settings)
    except LookupError:
        db.rollback()  # an id outside the user's scope: nothing is recorded, and it answers like a missing item
        raise HTTPException(status_code=404) from None
    except BulkRefused as exc:
        return refuse(exc.field, exc.message)
    except DecisionForbidden:
        raise HTTPException(status_code=403) from None
    if not outcome.decided:
        reasons = {(exc.field, exc.message) for _item, exc in outcome.refused}
        if len(reasons) == 1 and not outcome.skipped:  # the form itself is wrong (no note, no reason…): say it once
            return refuse(*reasons.pop())
        return refuse("items", summary(outcome) or _("No item was decided."))
    ip = client_ip(request)
    for decision in outcome.decided:
        audit_log.record(db, "decide", user=user, object_type="review_item", object_id=decision.review_item_id,
                         ip=ip, detail={"decision_id": decision.id, "verdict": decision.verdict,
                                        "violation_code": decision.violation_code,
                                        "supersedes_id": decision.supersedes_id, "four_eyes": decision.four_eyes,
                                        "bulk_from": item_id})
    audit_log.record(db, "bulk_decide", user=user, object_type="review_item", object_id=item_id, ip=ip,
                     detail={"verdict": verdict, "decided": [d.review_item_id for d in outcome.decided],
                             "skipped": [[i, why] for i, why in outcome.skipped],
                             "refused": [[i, exc.field] for i, exc in outcome.refused]})
    db.commit()
    flash(request, summary(outcome), "ok" if not (outcome.skipped or outcome.refused) else "info")
    return RedirectResponse(f"{page}#{ANCHOR}", status_code=303)
