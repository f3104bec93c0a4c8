"""Match recent acts again when newer claims exist: hoaxes spread before the fact-checkers' verdicts appear.

An act is matched against the claims stored when it is classified (``monitor.classify.pipeline``), and its
classification records the newest change of the claims it saw (``hoax_matched_at``). When claims are stored or
revised later, the acts of the last ``days`` days (by when they happened, else when Netra saw them) whose
classification under this model and profile saw older claims, and did not find a hoax, are matched again against
every stored claim, once. A hoax found now flags the classification, cites its claims and queues the act for
review (``monitor.review.queue.enqueue``); partisanship and hate findings stay as they were. Self-audit acts stay
with their agency, as at classification.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload

from monitor.db.schema import Account, Activity, Classification

log = logging.getLogger(__name__)


@dataclass
class RematchSummary:
    read: int = 0  # acts matched again
    found: int = 0  # of them, hoaxes now
    queued: int = 0
    claims_as_of: datetime | None = None  # the claims' newest change they were matched against


def stale_classifications(model_version: str, profile_id: str, claims_as_of: datetime, since: datetime):  # noqa: ANN201
    """SELECT of (classification, activity) of acts since ``since`` not yet matched against claims this new."""
    return (
        select(Classification, Activity)
        .join(Activity, Activity.id == Classification.activity_id)
        .where(
            Classification.model_version == model_version,
            Classification.profile_id == profile_id,
            Classification.hoax.is_(False),
            or_(Classification.hoax_matched_at.is_(None), Classification.hoax_matched_at < claims_as_of),
            Activity.self_audit.is_(False),
            or_(Activity.occurred_at >= since, and_(Activity.occurred_at.is_(None), Activity.captured_at >= since)),
        )
        .order_by(Classification.id)
    )


def rematch_recent(session_factory: Callable[[], Session], classifier: Any, profile: Any, *, days: int,
                   batch_size: int = 64, now: datetime | None = None,
                   progress: Callable[[int], None] | None = None) -> RematchSummary:
    """Match again the acts of the last ``days`` days that saw older claims; commit per batch.

    ``classifier``: the service's classifier (its ``model_version`` selects the classifications; its hoax matcher
    is rebuilt from the stored claims). A crash loses at most the batch in flight: done classifications carry the
    claims' time they were matched against.
    """
    from monitor.classify.pipeline import activity_input
    from monitor.hoax.service import attach_stored
    from monitor.review.queue import enqueue

    summary = RematchSummary()
    if days <= 0:
        return summary
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    while True:
        with session_factory() as session:
            attach_stored(session, classifier)
            matcher = getattr(classifier, "hoax", None)
            state = getattr(classifier, "hoax_state", None)
            if matcher is None or state is None or state.latest is None:
                break  # no claims stored: nothing to match against
            summary.claims_as_of = state.latest
            stmt = stale_classifications(classifier.model_version, profile.id, state.latest, since) \
                .options(joinedload(Activity.account).joinedload(Account.employee),
                         joinedload(Activity.target_post)).limit(batch_size)
            rows = session.execute(stmt).unique().all()
            if not rows:
                break
            found = matcher.match([activity_input(activity) for _, activity in rows])
            for (row, activity), match in zip(rows, found, strict=True):
                row.hoax_matched_at = state.latest
                if not match.hoax:
                    continue
                row.hoax = True
                row.hoax_claims = [m.to_json() for m in match.claims]
                row.flagged = True
                row.score = max(row.score, match.score)
                summary.found += 1
                if enqueue(session, activity, row, profile) is not None:
                    summary.queued += 1
            session.commit()
        summary.read += len(rows)
        if progress:
            progress(len(rows))
    if summary.read:
        log.info("hoax rematch: %d recent acts matched again, %d hoaxes found, %d queued", summary.read,
                 summary.found, summary.queued)
    return summary
