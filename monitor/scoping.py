"""Who may see and do what: one place for agency scope and role permissions.

Every route and export asks these functions; nothing decides access on its own
(UU PDP: least privilege, agency scoping checked on the server).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from monitor.db.schema import ReviewItem, User, UserAgencyScope

# What each role may do. Viewing an item (and the ASN identity on it) is further limited by agency scope.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"view", "view_identity", "decide", "assign", "take_next", "export", "view_audit",
                        "manage_users"}),
    "supervisor": frozenset({"view", "view_identity", "decide", "assign", "take_next", "export"}),
    "reviewer": frozenset({"view", "view_identity", "decide", "take_next", "export"}),
    "agency_auditor": frozenset({"view", "view_identity", "export"}),
}


def can(user: User, permission: str) -> bool:
    return not user.disabled and permission in PERMISSIONS.get(user.role, frozenset())


def visible_agency_ids(session: Session, user: User) -> frozenset[int] | None:
    """The agencies whose items ``user`` may see; ``None`` means all (admins).

    Auditors see their home agency only; supervisors and reviewers the agencies
    in their scope (plus their home agency, if they have one). A disabled user sees nothing.
    """
    if user.disabled or user.role not in PERMISSIONS:
        return frozenset()
    if user.role == "admin":
        return None
    if user.role == "agency_auditor":
        return frozenset({user.agency_id}) if user.agency_id is not None else frozenset()
    ids = set(session.scalars(select(UserAgencyScope.agency_id).where(UserAgencyScope.user_id == user.id)))
    if user.agency_id is not None:
        ids.add(user.agency_id)
    return frozenset(ids)


def scope_filter(agency_ids: frozenset[int] | None, column: ColumnElement[int] | None = None) -> ColumnElement[bool]:
    """A WHERE clause limiting ``column`` (default ReviewItem.agency_id) to ``agency_ids``."""
    column = ReviewItem.agency_id if column is None else column
    if agency_ids is None:
        return true()
    if not agency_ids:
        return false()
    return column.in_(sorted(agency_ids))


def may_see_agency(session: Session, user: User, agency_id: int) -> bool:
    ids = visible_agency_ids(session, user)
    return ids is None or agency_id in ids


def visible_item(session: Session, user: User, item_id: int) -> ReviewItem | None:
    """The review item if it exists and ``user`` may see it, else ``None`` (the caller answers 404 either way)."""
    if not can(user, "view") or not 0 < item_id < 2**63:
        return None
    item = session.get(ReviewItem, item_id)
    if item is None or not may_see_agency(session, user, item.agency_id):
        return None
    return item


def may_decide(session: Session, user: User, item: ReviewItem) -> bool:
    """Reviewers decide items assigned to them or still open to anyone; supervisors and admins any in scope."""
    if not can(user, "decide") or not may_see_agency(session, user, item.agency_id):
        return False
    if user.role == "reviewer":
        return item.assignee_id in (None, user.id)
    return True
