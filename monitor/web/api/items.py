"""Review items: the filtered queue in keyset pages, and one item's case file — scoped like the pages."""

from __future__ import annotations

import base64
import binascii
from datetime import date

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.access.scoping import can, claim_holder
from monitor.db.schema import ACTIVITY_KINDS, PLATFORMS, REVIEW_STATUSES, User
from monitor.db.search import MAX_QUERY_CHARS
from monitor.i18n import _
from monitor.review.case_file import CaseFile, load_case
from monitor.review.queue import (
    DEFAULT_PER_PAGE,
    MAX_CANDIDATE_CHARS,
    MAX_PER_PAGE,
    Cursor,
    QueueError,
    QueueFilters,
    queue_page,
)
from monitor.web.api.auth import Caller, require
from monitor.web.api.errors import ApiError, field_error, responses
from monitor.web.api.schemas import (
    CaseFileOut,
    CommentOut,
    DecisionOut,
    EarlierItemOut,
    EvidenceOut,
    ItemOut,
    ItemPage,
    PhotoOut,
    PostOut,
    ProfileOut,
)
from monitor.web.auth import db_session

router = APIRouter(tags=["items"])
NOT_FOUND = "Item tidak ditemukan."


def encode_cursor(cursor: Cursor) -> str:
    """The queue position as an opaque token (clients must not build or edit one)."""
    return base64.urlsafe_b64encode(cursor.encode().encode("ascii")).decode("ascii").rstrip("=")


def decode_cursor(raw: str) -> Cursor:
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise QueueError("cursor", _("not a cursor returned as `next` by this API")) from None
    return Cursor.decode(text, "cursor")


def display_names(db: Session, ids: set[int]) -> dict[int, str]:
    ids.discard(0)
    if not ids:
        return {}
    return {u.id: u.full_name or u.username for u in db.scalars(select(User).where(User.id.in_(ids)))}


@router.get("/items", response_model=ItemPage, responses=responses(401, 403, 422),
            summary="Review items the caller may see, highest priority first")
def list_items(
    status: str = Query("pending", description="A review status, or `all`.",
                        json_schema_extra={"enum": [*REVIEW_STATUSES, "all"]}),
    agency: int | None = Query(None, description="Agency id (see /me)."),
    platform: str | None = Query(None, json_schema_extra={"enum": list(PLATFORMS)}),
    kind: str | None = Query(None, json_schema_extra={"enum": list(ACTIVITY_KINDS)}),
    candidate: str | None = Query(None, description="The candidate, by name as the election profile gives it (the "
                                  "ticket, one of its names, or an alias; case and dashes do not matter) or by the id "
                                  "the classifier named (`k1`).", max_length=MAX_CANDIDATE_CHARS),
    date_from: date | None = Query(None, description="First day of the act (local time zone)."),
    date_to: date | None = Query(None, description="Last day of the act (local time zone)."),
    assignee: str | None = Query(None, description="A user id, or `none` for unassigned items.",
                                 pattern=r"^(none|[0-9]{1,19})$"),
    q: str | None = Query(None, description="Search: every word must start a word of the act's text (full-text "
                          "index) or, for callers who see identities, occur in the ASN's name, NIP or account "
                          "handle. Only letters and digits count; any other character separates words.",
                          max_length=MAX_QUERY_CHARS),
    cursor: str | None = Query(None, description="The `next` of the previous page.", max_length=200),
    limit: int = Query(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE),
    caller: Caller = Depends(require("view")),
    db: Session = Depends(db_session),
) -> ItemPage:
    raw = {"status": status, "agency": agency, "platform": platform, "kind": kind, "candidate": candidate,
           "date_from": date_from, "date_to": date_to, "assignee": assignee, "q": q}
    try:
        # The page's parser stays the one authority on what a filter means.
        filters = QueueFilters.from_params({k: str(v) for k, v in raw.items() if v is not None})
        after = decode_cursor(cursor) if cursor else None
        page = queue_page(db, caller.user, filters, after=after, per_page=limit)
    except QueueError as exc:
        raise field_error(422, str(exc), "Filter tidak sah — ") from None
    names = display_names(db, {claim_holder(i) or 0 for i in page.items})
    identity = can(caller.user, "view_identity")
    caller.audit(db, "view_queue", object_type="review_item",
                 detail={"filters": filters.as_params(), "items": [i.id for i in page.items]})
    db.commit()
    return ItemPage(items=[ItemOut.of(i, identity, names) for i in page.items],
                    next=encode_cursor(page.next_cursor) if page.next_cursor else None,
                    total=page.total, counts=page.counts, limit=limit)


def case_out(case: CaseFile, identity: bool) -> CaseFileOut:
    names = dict(case.reviewers)
    return CaseFileOut(
        item=ItemOut.of(case.item, identity, names),
        own_text=case.own_text,
        context_text=case.context_text,
        alt_texts=case.alt_texts,
        post=PostOut.of(case.post),
        target_post=PostOut.of(case.target_post),
        evidence=EvidenceOut.of(case.evidence),
        profile=ProfileOut(id=case.profile_row.id, name=case.profile_row.name) if case.profile_row else None,
        decisions=[DecisionOut.of(d, names) for d in case.decisions],
        comments=[CommentOut.of(c, names) for c in case.comments],
        latest_decision_id=case.latest.id if case.latest else None,
        default_register=case.default_register,
        may_decide=case.may_decide,
        earlier=[EarlierItemOut(item_id=e.item.id, status=e.item.status, kind=e.activity.kind,
                                occurred_at=e.activity.occurred_at,
                                latest_verdict=e.latest.verdict if e.latest else None) for e in case.earlier],
        photos=[PhotoOut.of(m) for m in case.photos],
        context_photos=[PhotoOut.of(m) for m in case.context_photos],
    )


@router.get("/items/{item_id}", response_model=CaseFileOut, responses=responses(401, 403, 404, 422),
            summary="One item's case file")
def get_item(item_id: int, caller: Caller = Depends(require("view")),
             db: Session = Depends(db_session)) -> CaseFileOut:
    case = load_case(db, caller.user, item_id)
    if case is None:  # another agency's item answers exactly like a missing one
        raise ApiError(404, NOT_FOUND)
    out = case_out(case, can(caller.user, "view_identity"))
    caller.audit(db, "view_item", object_type="review_item", object_id=item_id)
    db.commit()
    return out
