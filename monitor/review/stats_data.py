"""What the reviewer statistics read from the database, under the viewer's agency scope.

Scope is by the item's agency (``monitor.access.scoping``): a supervisor sees the work done on their agencies'
items and nothing else — a reviewer who works for two agencies shows, to each agency's supervisor, only the
decisions on that agency's items. The figures themselves are computed in ``monitor.review.stats``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.access.scoping import can, scope_filter, visible_agency_ids
from monitor.db.schema import AuditLog, Decision, ReviewItem, User
from monitor.review.stats import ClaimEvent, DecisionFact, ItemFacts, ReviewerStats, Window, reviewer_stats

PERMISSION = "view_reviewer_stats"
_CHUNK = 500
# Audit-log actions that start and end a reviewer's claim on an item (monitor.web.routes.queue and .item).
CLAIM_ACTIONS = {"take_next": "take", "release_claim": "release"}


@dataclass(frozen=True)
class StatsResult:
    stats: ReviewerStats
    users: dict[int, User]  # everyone who appears in the figures


def agency_ids_for(session: Session, viewer: User, agency_id: int | None) -> frozenset[int] | None:
    """The agencies whose items count: the viewer's scope, narrowed to ``agency_id`` when given (an agency outside
    the scope leaves nothing)."""
    if not can(viewer, PERMISSION):
        return frozenset()
    visible = visible_agency_ids(session, viewer)
    if agency_id is None:
        return visible
    return frozenset({agency_id}) if visible is None or agency_id in visible else frozenset()


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def load_items(session: Session, agency_ids: frozenset[int] | None, window: Window) -> list[ItemFacts]:
    """Every item in scope with a decision in the window, with its whole history (earlier and later decisions too:
    a pair may have begun before the window, a verdict may be reversed after it)."""
    touched = sorted(set(session.scalars(
        select(Decision.review_item_id).join(ReviewItem, ReviewItem.id == Decision.review_item_id)
        .where(scope_filter(agency_ids), Decision.decided_at >= window.start, Decision.decided_at < window.end)
    )))
    items: list[ItemFacts] = []
    for chunk in _chunks(touched):
        queued = {i: at for i, at in session.execute(
            select(ReviewItem.id, ReviewItem.created_at).where(ReviewItem.id.in_(chunk)))}
        history: dict[int, list[DecisionFact]] = {i: [] for i in chunk}
        for d in session.scalars(select(Decision).where(Decision.review_item_id.in_(chunk)).order_by(Decision.id)):
            history[d.review_item_id].append(DecisionFact(d.id, d.reviewer_id, d.verdict, d.violation_code,
                                                          d.four_eyes, d.decided_at))
        items += [ItemFacts(i, queued[i], tuple(history[i])) for i in chunk]
    return items


def load_claims(session: Session, items: list[ItemFacts], window: Window) -> list[ClaimEvent]:
    """The takes and releases of those items (audit log), from the earliest queueing among them to the window's
    end — a claim cannot begin before its item was queued, and ``at`` is the log's index."""
    if not items:
        return []
    since = min(i.queued_at for i in items)
    events: list[ClaimEvent] = []
    for chunk in _chunks([i.item_id for i in items]):
        rows = session.execute(
            select(AuditLog.user_id, AuditLog.object_id, AuditLog.at, AuditLog.action)
            .where(AuditLog.at >= since, AuditLog.at < window.end, AuditLog.action.in_(sorted(CLAIM_ACTIONS)),
                   AuditLog.object_type == "review_item", AuditLog.user_id.is_not(None),
                   AuditLog.object_id.in_([str(i) for i in chunk]))
        )
        events += [ClaimEvent(user_id, int(object_id), at, CLAIM_ACTIONS[action])
                   for user_id, object_id, at, action in rows]
    return events


def reviewer_figures(session: Session, viewer: User, window: Window, agency_id: int | None = None) -> StatsResult:
    """The statistics ``viewer`` may see: items of their agencies (or of ``agency_id`` among them) only."""
    items = load_items(session, agency_ids_for(session, viewer, agency_id), window)
    claims = load_claims(session, items, window)
    ids = {d.reviewer_id for i in items for d in i.decisions}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(sorted(ids))))} if ids else {}
    stats = reviewer_stats(items, claims, {uid: u.role for uid, u in users.items()}, window)
    return StatsResult(stats=stats, users=users)
