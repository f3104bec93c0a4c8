"""Classify what was collected and queue the flags: stored activities → classifier → review queue.

:func:`classify_activities` is the one classify step everyone uses (the scheduler's job, the
demo, the workers, the self-audit): the text classifier, then the photo gestures of acts with
images, stored as a ``Classification`` each, flagged ones queued. Self-audit activities are
never queued here — they stay private to their agency unless it submits them — and
:func:`classify_pending` leaves them to the self-audit that owns them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, joinedload

from monitor.db.schema import Account, Activity, Classification

if TYPE_CHECKING:
    from models.infer import Classifier, ClassifyInput
    from models.profile import ElectionProfile

log = logging.getLogger(__name__)


@dataclass
class ClassifySummary:
    classified: int = 0
    flagged: int = 0
    queued: int = 0
    batches: int = 0


def activity_input(activity: Activity) -> ClassifyInput:
    """The classify-input record of interfaces.md for one stored activity."""
    from models.infer import ClassifyInput

    context = activity.context_text
    if context is None and activity.target_post is not None:
        context = activity.target_post.text
    return ClassifyInput(
        id=str(activity.id),
        kind=activity.kind,
        text=activity.text or "",
        context=context,
        platform=activity.account.platform if activity.account else None,
    )


def unclassified_activities(model_version: str, profile_id: str, *, include_self_audit: bool = False):  # noqa: ANN201
    """SELECT of activities with no classification by this model and profile, oldest first."""
    done = exists().where(
        and_(
            Classification.activity_id == Activity.id,
            Classification.model_version == model_version,
            Classification.profile_id == profile_id,
        )
    )
    stmt = select(Activity).where(~done).order_by(Activity.id)
    if not include_self_audit:
        stmt = stmt.where(Activity.self_audit.is_(False))
    return stmt


def claim_batch(session: Session, model_version: str, profile_id: str, size: int) -> list[Activity]:
    """Take up to ``size`` unclassified activities for this transaction.

    On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED``: parallel
    workers never take the same activity, and a killed worker's transaction
    ends, releasing its rows for the next claim. SQLite has one writer anyway.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    while True:
        ids_stmt = (
            unclassified_activities(model_version, profile_id)
            .with_only_columns(Activity.id)
            .limit(size)
        )
        if postgres:
            ids_stmt = ids_stmt.with_for_update(skip_locked=True, of=Activity)
        ids = list(session.scalars(ids_stmt))
        if not ids:
            return []
        # The lock is taken on rows chosen under the statement's snapshot: a row another worker classified and
        # released after that snapshot was taken is locked here too (its activity row never changed, so
        # PostgreSQL does not re-check the NOT EXISTS). This second statement has a fresh snapshot and sees that
        # worker's classifications; holding the locks, no classification can commit after it.
        stmt = (
            unclassified_activities(model_version, profile_id)
            .where(Activity.id.in_(ids))
            .options(joinedload(Activity.account).joinedload(Account.employee), joinedload(Activity.target_post))
        )
        batch = list(session.scalars(stmt).unique())
        if batch or not postgres:
            return batch
        # Every row was taken meanwhile: look again rather than report an empty queue.


def with_photos(session: Session, batch: list[Activity], results: list, profile: ElectionProfile,
                threshold: float) -> list:
    """Re-score acts whose posts have stored images with their hand gestures (issue: photo poses)."""
    from monitor.classify.photos import fuse_photo_results

    return fuse_photo_results(session, batch, results, profile, threshold=threshold)


def store_results(session: Session, activities: list[Activity], results: list, classifier: Classifier,
                  profile: ElectionProfile, enqueue: bool = True) -> tuple[int, int]:
    """Write one Classification per result and queue the flagged supervisory ones. Returns (flagged, queued)."""
    from monitor.review.queue import enqueue as enqueue_item

    flagged = queued = 0
    # What the hoax matching saw (monitor.hoax.service.attach_stored): acts are matched again when newer claims exist.
    matched_at = getattr(getattr(classifier, "hoax_state", None), "latest", None) \
        if getattr(classifier, "hoax", None) is not None else None
    rows = [
        Classification(
            activity_id=activity.id,
            model_version=classifier.model_version,
            profile_id=profile.id,
            score=float(result.score),
            flagged=bool(result.flagged),
            stance=result.stance,
            hate=bool(result.hate),
            candidate=result.candidate,
            party=result.party,
            cues=list(result.cues),
            # Issue 19: stand-in classifiers (tests) know nothing of hoaxes.
            hoax=bool(getattr(result, "hoax", False)),
            hoax_claims=list(getattr(result, "hoax_claims", None) or []) or None,
            hoax_matched_at=matched_at,
        )
        for activity, result in zip(activities, results, strict=True)
    ]
    session.add_all(rows)
    session.flush()  # one multi-row INSERT for the batch, not a round trip per result
    for activity, row in zip(activities, rows, strict=True):
        if row.flagged:
            flagged += 1
            if enqueue and not activity.self_audit and enqueue_item(session, activity, row, profile) is not None:
                queued += 1
    return flagged, queued


def classify_activities(session: Session, activities: list[Activity], classifier: Classifier,
                        profile: ElectionProfile) -> tuple[int, int]:
    """Classify these stored acts (text, then photos), store the results and queue the flags: (flagged, queued).

    The acts are matched against the stored hoax claims too (``monitor.hoax``), as the claims stand now.
    """
    from monitor.hoax.service import attach_stored

    attach_stored(session, classifier)
    results = classifier.classify([activity_input(a) for a in activities], profile)
    results = with_photos(session, activities, results, profile, classifier.threshold)
    return store_results(session, activities, results, classifier, profile)


def classify_pending(
    session_factory: Callable[[], Session],
    classifier: Classifier,
    profile: ElectionProfile,
    *,
    batch_size: int = 64,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ClassifySummary:
    """Classify every activity not yet classified under (model, profile), committing per batch.

    A crash loses at most the batch in flight; re-running picks up where it stopped
    because done activities have a classification row.
    """
    summary = ClassifySummary()
    while limit is None or summary.classified < limit:
        size = batch_size if limit is None else min(batch_size, limit - summary.classified)
        with session_factory() as session:
            batch = claim_batch(session, classifier.model_version, profile.id, size)
            if not batch:
                break
            flagged, queued = classify_activities(session, batch, classifier, profile)
            session.commit()
        summary.classified += len(batch)
        summary.flagged += flagged
        summary.queued += queued
        summary.batches += 1
        if progress:
            progress(len(batch))
    log.info("classified %d activities, %d flagged, %d queued", summary.classified, summary.flagged, summary.queued)
    return summary
