"""The items before and after one item in the queue's order: the item page's "previous" and "next" (j and k).

The order is the queue page's default one (pending items in the user's scope, highest priority first, then
the newest id), the order "take next" hands items out in. An item that is no longer pending keeps its place
by its (priority, id), so after deciding it the next one is still the one that followed it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import tuple_
from sqlalchemy.orm import Session

from monitor.db.schema import ReviewItem, User
from monitor.review.queue import QueueFilters, filtered_query


@dataclass(frozen=True)
class Neighbours:
    previous_id: int | None
    next_id: int | None


def neighbours(session: Session, user: User, item: ReviewItem) -> Neighbours:
    """The pending items just before and just after ``item`` in queue order, within ``user``'s scope."""
    base = filtered_query(session, user, QueueFilters())
    key = tuple_(ReviewItem.priority, ReviewItem.id)
    here = tuple_(item.priority, item.id)
    before = session.execute(base.where(key > here).order_by(ReviewItem.priority.asc(), ReviewItem.id.asc())
                             .limit(1)).first()
    after = session.execute(base.where(key < here).order_by(ReviewItem.priority.desc(), ReviewItem.id.desc())
                            .limit(1)).first()
    return Neighbours(before.id if before else None, after.id if after else None)
