"""Saved queue filters: a user's named filter sets, private to them (nobody else lists, applies or deletes one).

What is stored is the filters as :meth:`QueueFilters.as_params` writes them (no page position, no page
size), so applying one starts at the top of the queue it describes.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.db.schema import SavedFilter, User
from monitor.db.types import utcnow
from monitor.i18n import _
from monitor.review.queue import QueueFilters

MAX_NAME_CHARS = 64
MAX_PER_USER = 50


class SavedFilterError(ValueError):
    """A filter cannot be saved; the message is for the user (the catalogue's, Bahasa Indonesia)."""


def saved_filters(session: Session, user: User) -> list[SavedFilter]:
    """``user``'s saved filters, by name."""
    return list(session.scalars(
        select(SavedFilter).where(SavedFilter.user_id == user.id).order_by(func.lower(SavedFilter.name),
                                                                           SavedFilter.id)))


def save_filter(session: Session, user: User, name: str, filters: QueueFilters) -> tuple[SavedFilter, bool]:
    """Save ``filters`` under ``name`` for ``user``; a name already used is overwritten. Returns (row, created)."""
    name = " ".join(name.split())
    if not name:
        raise SavedFilterError(_("Name the filter you are saving."))
    if len(name) > MAX_NAME_CHARS:
        raise SavedFilterError(_("A filter name has at most {n} characters.", n=MAX_NAME_CHARS))
    params = filters.as_params()
    row = session.scalar(select(SavedFilter).where(SavedFilter.user_id == user.id, SavedFilter.name == name))
    if row is not None:
        row.params = params
        row.updated_at = utcnow()
        session.flush()
        return row, False
    count = session.scalar(select(func.count()).select_from(SavedFilter).where(SavedFilter.user_id == user.id)) or 0
    if count >= MAX_PER_USER:
        raise SavedFilterError(_("You have already saved {n} filters; delete one before saving another.",
                                 n=MAX_PER_USER))
    row = SavedFilter(user_id=user.id, name=name, params=params)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # The same name saved at the same moment (a double click): that one stands, with these filters.
        return save_filter(session, user, name, filters)
    return row, True


def owned_filter(session: Session, user: User, filter_id: int) -> SavedFilter | None:
    """The saved filter if it is ``user``'s own; ``None`` otherwise (another's reads as missing)."""
    if not 0 < filter_id < 2**31:
        return None
    row = session.get(SavedFilter, filter_id)
    return row if row is not None and row.user_id == user.id else None


def delete_filter(session: Session, user: User, filter_id: int) -> SavedFilter | None:
    """Delete ``user``'s saved filter; ``None`` (nothing deleted) when it is not theirs or does not exist."""
    row = owned_filter(session, user, filter_id)
    if row is not None:
        session.delete(row)
        session.flush()
    return row
