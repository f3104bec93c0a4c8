"""Who may see and do what: one place for agency scope and role permissions.

Every route and export asks these functions; nothing decides access on its own
(UU PDP: least privilege, agency scoping checked on the server).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from monitor.db.schema import Account, Agency, Employee, Report, ReviewItem, User, UserAgencyScope
from monitor.db.types import utcnow

# What each role may do. Viewing an item (and the ASN identity on it) is further limited by agency scope.
# ``build_dossier``: make the case dossier of a confirmed breach (those who decide); whoever sees the item
# may download the dossiers made (monitor.review.dossier.visible_dossier). ``view_reviewer_stats``: the figures of
# reviewers' work on the agencies in scope (monitor.review.stats), for those who supervise it.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"view", "view_identity", "decide", "assign", "take_next", "export", "view_audit",
                        "manage_users", "view_reports", "generate_reports", "self_audit", "import_registry",
                        "submit_tips", "build_dossier", "view_reviewer_stats"}),
    "supervisor": frozenset({"view", "view_identity", "decide", "assign", "take_next", "export", "view_reports",
                             "generate_reports", "submit_tips", "build_dossier", "view_reviewer_stats"}),
    "reviewer": frozenset({"view", "view_identity", "decide", "take_next", "export", "submit_tips", "build_dossier"}),
    "agency_auditor": frozenset({"view", "view_identity", "export", "view_reports", "self_audit"}),
}

# Report kinds each role may download (within its agency scope). Reviewers work item by item and get no
# reports. A self-audit report is the agency's private look at its own staff (domain.md §9): supervisors
# never see it; admins do, as operators who may also run a self-audit for an agency. A ``range`` report is
# the weekly report for a chosen run of days, so whoever sees weekly reports sees it.
REPORT_KINDS: dict[str, frozenset[str]] = {
    "admin": frozenset({"weekly", "range", "self_audit"}),
    "supervisor": frozenset({"weekly", "range"}),
    "agency_auditor": frozenset({"weekly", "range", "self_audit"}),
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


def claim_holder(item: ReviewItem, now: datetime | None = None) -> int | None:
    """Who holds ``item`` now: its assignee, unless the claim they took has run out (then nobody)."""
    if item.assignee_id is None:
        return None
    if item.claimed_until is not None and item.claimed_until <= (now or utcnow()):
        return None
    return item.assignee_id


def held_by(user_id: int, now: datetime) -> ColumnElement[bool]:
    """SQL: ``user_id`` holds the item (assigned, or a claim not yet run out); :func:`claim_holder` in SQL."""
    return (ReviewItem.assignee_id == user_id) & or_(ReviewItem.claimed_until.is_(None),
                                                     ReviewItem.claimed_until > now)


def unheld(now: datetime) -> ColumnElement[bool]:
    """SQL: nobody holds the item (never assigned, released, or the claim has run out)."""
    return or_(ReviewItem.assignee_id.is_(None), ReviewItem.claimed_until <= now)


def may_decide(session: Session, user: User, item: ReviewItem) -> bool:
    """Reviewers decide items they hold or nobody holds; supervisors and admins any in scope."""
    if not can(user, "decide") or not may_see_agency(session, user, item.agency_id):
        return False
    if user.role == "reviewer":
        return claim_holder(item) in (None, user.id)
    return True


def sees_every_agency(session: Session, user: User) -> bool:
    """Admins, and anyone whose scope covers every registered agency (combined reports hold them all)."""
    ids = visible_agency_ids(session, user)
    if ids is None:
        return True
    every = set(session.scalars(select(Agency.id)))
    return bool(every) and every <= ids


def visible_reports(session: Session, user: User) -> list[Report]:
    """The report files ``user`` may list and download, newest period first."""
    from reports.store import list_reports

    if not can(user, "view_reports"):
        return []
    kinds = REPORT_KINDS.get(user.role, frozenset())
    ids = visible_agency_ids(session, user)
    combined = sees_every_agency(session, user)
    rows = [r for kind in sorted(kinds) for r in list_reports(session, ids, kind=kind, include_combined=combined)]
    return sorted(rows, key=lambda r: (-r.period_start.timestamp(), r.kind, r.agency_id or 0, r.format, r.id))


def visible_report(session: Session, user: User, report_id: int) -> Report | None:
    """The report row if it exists and ``user`` may download it, else ``None`` (404 either way)."""
    if not can(user, "view_reports") or not 0 < report_id < 2**63:
        return None
    report = session.get(Report, report_id)
    if report is None or report.kind not in REPORT_KINDS.get(user.role, frozenset()):
        return None
    if report.agency_id is None:
        return report if sees_every_agency(session, user) else None
    return report if may_see_agency(session, user, report.agency_id) else None


def may_generate_report(session: Session, user: User, agency_id: int | None) -> bool:
    """Whether ``user`` may build a weekly/range report for ``agency_id`` (``None``: the combined report).

    Admins and supervisors only (``generate_reports``), for agencies in their scope; the combined
    report holds every agency's figures, so only for those who see every agency.
    """
    if not can(user, "generate_reports"):
        return False
    if agency_id is None:
        return sees_every_agency(session, user)
    return 0 < agency_id < 2**63 and session.get(Agency, agency_id) is not None and may_see_agency(
        session, user, agency_id)


def self_audit_accounts(session: Session, user: User, platforms: frozenset[str] | set[str]) -> list[Account]:
    """Declared accounts on ``platforms`` whose exports ``user`` may hand in for self-audit (own agency only)."""
    if not can(user, "self_audit"):
        return []
    stmt = (select(Account).join(Employee, Employee.id == Account.employee_id)
            .where(Account.platform.in_(sorted(platforms)),
                   scope_filter(visible_agency_ids(session, user), Employee.agency_id))
            .order_by(Employee.name, Account.platform, Account.handle))
    return list(session.scalars(stmt))


def self_audit_account(session: Session, user: User, account_id: int) -> Account | None:
    """The declared account if ``user`` may self-audit it, else ``None``."""
    if not can(user, "self_audit") or not 0 < account_id < 2**63:
        return None
    account = session.get(Account, account_id)
    if account is None or account.employee is None:
        return None
    return account if may_see_agency(session, user, account.employee.agency_id) else None
