"""Retention purge (UU PDP Pasal 16(2), 43-45; domain.md §9).

Raw data never flagged is destroyed after ``settings.retention_unflagged_days``,
counted from its capture: the activity, its classifications, its evidence and the
own-content post nothing else points to. Activities that were ever flagged or
queued are kept (decided cases follow the agency's archive schedule). Evidence is
append-only; this is its one sanctioned deletion, done in a session marked
``info["purge"]`` and recorded in the audit log with counts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.orm import Session

from monitor.access.audit_log import record
from monitor.db.schema import Activity, Classification, Evidence, Post, ReviewItem
from monitor.db.types import utcnow


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    days: int
    activities: int
    classifications: int
    evidence: int
    posts: int

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["cutoff"] = self.cutoff.isoformat()
        return out


def purge_unflagged(session: Session, *, days: int, now: datetime | None = None) -> PurgeResult:
    """Delete never-flagged activities captured before ``now - days`` with their evidence."""
    if days < 1:
        raise ValueError(f"retention_unflagged_days must be at least 1, got {days}")
    cutoff = (now or utcnow()) - timedelta(days=days)
    flagged = exists().where(Classification.activity_id == Activity.id, Classification.flagged.is_(True))
    queued = exists().where(ReviewItem.activity_id == Activity.id)
    rows = session.execute(
        select(Activity.id, Activity.evidence_id, Activity.post_id)
        .where(Activity.captured_at < cutoff, ~flagged, ~queued)
    ).all()
    activity_ids = [r.id for r in rows]
    evidence_ids = {r.evidence_id for r in rows if r.evidence_id is not None}
    post_ids = {r.post_id for r in rows if r.post_id is not None}

    previous = session.info.get("purge")
    session.info["purge"] = True
    try:
        n_class = n_act = n_ev = n_post = 0
        for chunk in _chunks(activity_ids):
            n_class += session.execute(
                delete(Classification).where(Classification.activity_id.in_(chunk))
            ).rowcount or 0
            n_act += session.execute(delete(Activity).where(Activity.id.in_(chunk))).rowcount or 0
        # Only posts and evidence that no remaining activity still points at.
        still_used_posts = set(session.scalars(
            select(Activity.post_id).where(Activity.post_id.in_(post_ids))
        )) | set(session.scalars(select(Activity.target_post_id).where(Activity.target_post_id.in_(post_ids))))
        purge_posts = sorted(post_ids - still_used_posts)
        if purge_posts:
            evidence_ids |= set(session.scalars(select(Evidence.id).where(Evidence.post_id.in_(purge_posts))))
        still_used_evidence = set(session.scalars(
            select(Activity.evidence_id).where(Activity.evidence_id.in_(evidence_ids))
        ))
        for chunk in _chunks(sorted(evidence_ids - still_used_evidence)):
            n_ev += session.execute(delete(Evidence).where(Evidence.id.in_(chunk))).rowcount or 0
        for chunk in _chunks(purge_posts):
            n_post += session.execute(
                delete(Post).where(Post.id.in_(chunk), ~exists().where(
                    or_(Evidence.post_id == Post.id, Activity.post_id == Post.id, Activity.target_post_id == Post.id)
                ))
            ).rowcount or 0
        result = PurgeResult(cutoff=cutoff, days=days, activities=n_act, classifications=n_class,
                             evidence=n_ev, posts=n_post)
        record(session, "retention_purge", username="scheduler", object_type="activity",
               detail=result.as_dict())
    finally:
        if previous is None:
            session.info.pop("purge", None)
        else:
            session.info["purge"] = previous
    return result


def _chunks(ids: list[int] | set[int], size: int = 500) -> list[list[int]]:
    items = sorted(ids)
    return [items[i:i + size] for i in range(0, len(items), size)]
