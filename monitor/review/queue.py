"""The review queue: putting flagged activities in it, ordering, filtering, paging and assigning.

The classification pipeline calls :func:`enqueue`; the web app and exports call
:func:`queue_page`, :func:`filtered_item_ids`, :func:`take_next` and :func:`assign`.
Paging is keyset paging on (priority, id), which the ``ix_review_item_*queue``
indexes serve in order, so a deep page costs as much as the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, exists, func, or_, select, tuple_, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, joinedload

from monitor.access.scoping import can, claim_holder, held_by, scope_filter, unheld, visible_agency_ids
from monitor.config import Settings, get_settings
from monitor.db.deadlines import ReviewDeadlines
from monitor.db.schema import (
    ACTIVITY_KINDS,
    PLATFORMS,
    REVIEW_STATUSES,
    Account,
    Activity,
    Classification,
    Decision,
    ElectionProfile,
    Employee,
    ReviewItem,
    User,
)
from monitor.db.search import MAX_QUERY_CHARS, search_terms, text_match
from monitor.db.types import utcnow
from monitor.i18n import _
from monitor.review.candidates import candidate_condition

# How much an act weighs by kind: an own post or photo shows intent more than a like. A follow is lasting
# and deliberate (it stays until undone), but says less than words: between a like and a comment.
KIND_SEVERITY: dict[str, float] = {"post": 1.0, "photo": 1.0, "share": 0.8, "comment": 0.7, "follow": 0.6,
                                   "like": 0.5}
MAX_PER_PAGE = 200
# A candidate is chosen by the ticket's names (monitor.review.candidates), longer than an id.
MAX_CANDIDATE_CHARS = 200
DEFAULT_PER_PAGE = 50
# The queue's orders: by priority (the default), or oldest first (time in the queue, for deadlines).
SORTS = ("priority", "oldest")
# Statuses still waiting for a final decision: these can run past the review deadline.
OPEN_STATUSES = ("pending", "clarification", "escalated")


class QueueError(ValueError):
    """A queue request is invalid: ``field`` is the parameter's code (the API's ``field``), ``message`` says why
    in Bahasa Indonesia (the catalogue's). ``str()`` reads ``field: message``; ``QueueError("field: message")``
    is the same error written in one string."""

    def __init__(self, field: str, message: str | None = None) -> None:
        if message is None:
            field, _sep, message = field.partition(": ")
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ProfileDates(Protocol):
    """What priority and register need from an election profile (the ORM row or the loaded YAML)."""

    determination_date: date | None
    campaign_start: date | None
    campaign_end: date | None


def act_day(activity: Activity) -> date:
    """The act's date in the configured time zone (WIB by default): the date the rules look at."""
    moment = activity.occurred_at or activity.captured_at or datetime.now(UTC)
    return moment.astimezone(ZoneInfo(get_settings().timezone)).date()


def in_campaign(profile: ProfileDates | None, day: date) -> bool:
    if profile is None or profile.campaign_start is None or profile.campaign_end is None:
        return False
    return profile.campaign_start <= day <= profile.campaign_end


def compute_priority(score: float, kind: str, hate: bool, campaign: bool, prior_items: int) -> float:
    """Higher first. The score dominates; act kind, hate speech, campaign period and repeat offending add to it."""
    priority = 60.0 * max(0.0, min(1.0, score))
    priority += 15.0 * KIND_SEVERITY.get(kind, 0.5)
    priority += 10.0 if hate else 0.0
    priority += 10.0 if campaign else 0.0
    priority += 5.0 * min(prior_items, 3)
    return round(priority, 4)


def _employee_prior_items(session: Session, employee_id: int, activity_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(ReviewItem)
        .join(Activity, Activity.id == ReviewItem.activity_id)
        .join(Account, Account.id == Activity.account_id)
        .where(Account.employee_id == employee_id, ReviewItem.activity_id != activity_id)
    ) or 0


def enqueue(
    session: Session, activity: Activity, classification: Classification, profile: ProfileDates | None = None
) -> ReviewItem | None:
    """Put a flagged activity in the queue; idempotent (one item per activity).

    Returns ``None`` when the classification is not flagged. A pending item that
    gets a newer classification follows it; an item already reviewed is left alone.
    """
    if not classification.flagged:
        return None
    if profile is None:
        profile = session.get(ElectionProfile, classification.profile_id)
    employee = activity.account.employee
    priority = compute_priority(
        classification.score,
        activity.kind,
        # A hoax weighs like hate speech: the same pledge clause (ikrar-3), and it spreads as it waits.
        classification.hate or classification.hoax,
        in_campaign(profile, act_day(activity)),
        _employee_prior_items(session, employee.id, activity.id),
    )
    existing = session.scalar(select(ReviewItem).where(ReviewItem.activity_id == activity.id))
    if existing is not None:
        if existing.status == "pending" and existing.classification_id != classification.id:
            existing.classification_id = classification.id
            existing.priority = priority
            session.flush()
        return existing
    item = ReviewItem(activity_id=activity.id, classification_id=classification.id,
                      agency_id=employee.agency_id, priority=priority, status="pending")
    try:
        with session.begin_nested():
            session.add(item)
    except IntegrityError:
        # Another worker queued the same activity between our check and insert.
        return session.scalar(select(ReviewItem).where(ReviewItem.activity_id == activity.id))
    return item


@dataclass(frozen=True)
class QueueFilters:
    status: str | None = "pending"  # None: every status
    agency_id: int | None = None
    platform: str | None = None
    kind: str | None = None
    candidate: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    assignee: int | str | None = None  # a user id, or "none" for unassigned
    sort: str = "priority"
    q: str | None = None  # search: the ASN's name, NIP or handle, or the act's text (monitor.db.search)

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> QueueFilters:
        """Parse query-string filters; an empty value means "any". Raises QueueError naming the field."""

        def value(name: str) -> str | None:
            raw = (params.get(name) or "").strip()
            return raw or None

        status = value("status") or "pending"
        if status == "all":
            status = None
        elif status not in REVIEW_STATUSES:
            raise QueueError("status", _("“{value}” is not one of the choices", value=status))
        platform = value("platform")
        if platform is not None and platform not in PLATFORMS:
            raise QueueError("platform", _("“{value}” is not a known platform", value=platform))
        kind = value("kind")
        if kind is not None and kind not in ACTIVITY_KINDS:
            raise QueueError("kind", _("“{value}” is not one of the choices", value=kind))
        candidate = value("candidate")
        if candidate is not None and len(candidate) > MAX_CANDIDATE_CHARS:
            raise QueueError("candidate", _("too long"))
        assignee_raw = value("assignee")
        assignee: int | str | None = None
        if assignee_raw == "none":
            assignee = "none"
        elif assignee_raw is not None:
            assignee = _int(assignee_raw, "assignee")
        agency_raw = value("agency")
        sort = value("sort") or "priority"
        if sort not in SORTS:
            raise QueueError("sort", _("“{value}” is not one of the choices", value=sort))
        return cls(
            sort=sort,
            status=status,
            agency_id=_int(agency_raw, "agency") if agency_raw else None,
            platform=platform,
            kind=kind,
            candidate=candidate,
            date_from=_date(value("date_from"), "date_from"),
            date_to=_date(value("date_to"), "date_to"),
            assignee=assignee,
            # Whatever was typed is kept (cut, never refused): search_terms makes it safe to query.
            q=(value("q") or "")[:MAX_QUERY_CHARS].strip() or None,
        )

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (for links and export URLs)."""
        out = {
            "status": self.status or "all",
            "agency": self.agency_id,
            "platform": self.platform,
            "kind": self.kind,
            "candidate": self.candidate,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "assignee": self.assignee,
            "sort": self.sort if self.sort != "priority" else None,
            "q": self.q,
        }
        return {k: str(v) for k, v in out.items() if v is not None}

    def for_decisions(self) -> QueueFilters:
        """The filters of a decisions export.

        A pending item has no decision yet (any verdict moves it on), so the default tab's ``pending``
        would always export nothing: there it stands for every status.
        """
        return replace(self, status=None) if self.status == "pending" else self

    def with_page_size(self, per_page: int) -> dict[str, str]:
        params = self.as_params()
        return params | ({"n": str(per_page)} if per_page != DEFAULT_PER_PAGE else {})


def _int(raw: str, name: str) -> int:
    try:
        number = int(raw)
    except ValueError:
        raise QueueError(name, _("“{value}” is not a number", value=raw)) from None
    if not 0 < number < 2**63:
        raise QueueError(name, _("“{value}” is out of range", value=raw))
    return number


def page_size(raw: str | None, name: str = "n") -> int:
    """The page size a link asks for (``n``), or the default; QueueError if it is not a number in range."""
    if not raw:
        return DEFAULT_PER_PAGE
    if not raw.isdigit():
        raise QueueError(name, _("“{value}” is not a number", value=raw[:20]))
    number = int(raw[:9])
    if not 1 <= number <= MAX_PER_PAGE or len(raw) > 9:
        raise QueueError(name, _("must be 1 to {max}", max=MAX_PER_PAGE))
    return number


def _date(raw: str | None, name: str) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise QueueError(name, _("“{value}” is not a date (YYYY-MM-DD)", value=raw)) from None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(get_settings().timezone))


@dataclass(frozen=True)
class _Viewer:
    """Who looks at the queue, as the conditions need it: their agencies, and what they may search by."""

    agency_ids: frozenset[int] | None
    identity: bool  # may see (and so search by) the ASN's name, NIP and handle
    dialect: str

    @classmethod
    def of(cls, session: Session, user: User) -> _Viewer:
        agency_ids = visible_agency_ids(session, user) if can(user, "view") else frozenset()
        return cls(agency_ids, can(user, "view_identity"), session.get_bind().dialect.name)


def _search(terms: tuple[str, ...], viewer: _Viewer) -> list[Any]:
    """One condition per term: the item's act is one of a set of acts: those whose text has a word starting
    with the term (the full-text index) and, for those who may see identities, those of the accounts whose
    ASN's name, NIP or handle contains it.

    A set of act ids, not an OR over the joined rows: the few thousand accounts are matched once, and the
    page and its counts test one indexed id per item instead of joining every item to its act, account and
    employee (at 100,000 items that join made a search take about a second).
    """
    conds = []
    for term in terms:
        acts: Any = text_match(term, viewer.dialect)
        if viewer.identity:
            like = f"%{term}%"  # a term is letters and digits only: no LIKE wildcard gets in
            accounts = (select(Account.id).join(Employee, Employee.id == Account.employee_id)
                        .where(or_(Employee.name.ilike(like), Employee.nip.like(like), Account.handle.ilike(like))))
            acts = union_all(acts, select(Activity.id).where(Activity.account_id.in_(accounts)))
        conds.append(ReviewItem.activity_id.in_(acts))
    return conds


def _conditions(
    session: Session, viewer: _Viewer, filters: QueueFilters, with_status: bool
) -> tuple[list[Any], set[str]]:
    """WHERE conditions, and the tables they need joined to review_item: activity, account, classification."""
    conds: list[Any] = [scope_filter(viewer.agency_ids)]
    joins: set[str] = set()
    if with_status and filters.status is not None:
        conds.append(ReviewItem.status == filters.status)
    if filters.agency_id is not None:
        conds.append(ReviewItem.agency_id == filters.agency_id)
    # "Assigned to" means held now: a claim that ran out is open again.
    if filters.assignee == "none":
        conds.append(unheld(utcnow()))
    elif filters.assignee is not None:
        conds.append(held_by(filters.assignee, utcnow()))
    if filters.kind is not None:
        conds.append(Activity.kind == filters.kind)
        joins.add("activity")
    if filters.platform is not None:
        conds.append(Account.platform == filters.platform)
        joins |= {"activity", "account"}
    if filters.date_from is not None:
        conds.append(Activity.occurred_at >= _local_midnight(filters.date_from))
        joins.add("activity")
    if filters.date_to is not None:
        conds.append(Activity.occurred_at < _local_midnight(filters.date_to + timedelta(days=1)))
        joins.add("activity")
    if filters.candidate is not None:
        conds.append(candidate_condition(session, filters.candidate))
        joins.add("classification")
    terms = search_terms(filters.q)
    if terms:
        conds += _search(terms, viewer)
    return conds, joins


def _apply(query: Select[Any], conds: list[Any], joins: set[str]) -> Select[Any]:
    # Each item has one act, one account and one classification (foreign keys, never null): these joins
    # never repeat nor drop an item, and only those a condition needs are made (each is a look-up per row).
    if "activity" in joins:
        query = query.join(Activity, Activity.id == ReviewItem.activity_id)
    if "account" in joins:
        query = query.join(Account, Account.id == Activity.account_id)
    if "classification" in joins:
        query = query.join(Classification, Classification.id == ReviewItem.classification_id)
    return query.where(and_(*conds))


def filtered_query(session: Session, user: User, filters: QueueFilters) -> Select[Any]:
    """``SELECT review_item.id, priority`` for everything ``user`` may see that matches ``filters``, unordered."""
    conds, joins = _conditions(session, _Viewer.of(session, user), filters, with_status=True)
    return _apply(select(ReviewItem.id, ReviewItem.priority), conds, joins)


def status_counts(session: Session, user: User, filters: QueueFilters) -> dict[str, int]:
    """Items per status under every filter but the status one (the tabs above the queue)."""
    conds, joins = _conditions(session, _Viewer.of(session, user), filters, with_status=False)
    query = _apply(select(ReviewItem.status, func.count()), conds, joins).group_by(ReviewItem.status)
    counts = dict.fromkeys(REVIEW_STATUSES, 0)
    counts.update({status: n for status, n in session.execute(query)})
    return counts


@dataclass(frozen=True)
class AgencyCounts:
    """One agency's line of the queue page's summary: items per status, and open ones past its deadline."""

    agency_id: int
    counts: dict[str, int]
    overdue: int


def is_overdue(item: ReviewItem, deadlines: ReviewDeadlines, now: datetime) -> bool:
    """Still open and queued longer than its agency's deadline (as the reports count)."""
    return item.status in OPEN_STATUSES and deadlines.is_past(item.agency_id, item.created_at, now)


def agency_counts(session: Session, user: User, filters: QueueFilters, deadlines: ReviewDeadlines,
                  now: datetime | None = None) -> list[AgencyCounts]:
    """Items per agency and status, with the overdue ones (each agency's own deadline), under every filter but
    status and agency.

    One grouped query over the agency index; agencies without items under the filters are left out.
    """
    conds, joins = _conditions(session, _Viewer.of(session, user), replace(filters, agency_id=None),
                               with_status=False)
    past = deadlines.past_sql(ReviewItem.agency_id, ReviewItem.created_at, now or utcnow())
    late = case((and_(ReviewItem.status.in_(OPEN_STATUSES), past), 1), else_=0)
    query = _apply(select(ReviewItem.agency_id, ReviewItem.status, func.count(), func.sum(late)), conds, joins)
    by_agency: dict[int, AgencyCounts] = {}
    for agency_id, status, n, overdue in session.execute(query.group_by(ReviewItem.agency_id, ReviewItem.status)):
        row = by_agency.setdefault(agency_id, AgencyCounts(agency_id, dict.fromkeys(REVIEW_STATUSES, 0), 0))
        row.counts[status] = n
        by_agency[agency_id] = replace(row, overdue=row.overdue + int(overdue or 0))
    return list(by_agency.values())


@dataclass(frozen=True)
class Cursor:
    """A position in the queue order: priority descending then id descending, or (with ``created``, the
    oldest-first order) time queued ascending then id ascending."""

    priority: float
    item_id: int
    created: datetime | None = None

    def encode(self) -> str:
        if self.created is not None:
            return f"{self.created.astimezone(UTC).isoformat()}_{self.item_id}"
        return f"{self.priority!r}_{self.item_id}"

    @classmethod
    def decode(cls, raw: str, name: str = "after") -> Cursor:
        try:
            key, item_id = raw.rsplit("_", 1)
            if "T" in key:  # an ISO time: a position in the oldest-first order (a float never holds a T)
                created = datetime.fromisoformat(key)
                if created.tzinfo is None:
                    raise ValueError(key)
                cursor = cls(0.0, int(item_id), created)
            else:
                cursor = cls(float(key), int(item_id))
        except ValueError:
            raise QueueError(name, _("“{value}” is not a queue position", value=raw)) from None
        if cursor.priority != cursor.priority or abs(cursor.priority) == float("inf"):
            raise QueueError(name, _("“{value}” is not a queue position", value=raw))
        if not 0 < cursor.item_id < 2**63:
            raise QueueError(name, _("“{value}” is not a queue position", value=raw))
        return cursor

    @classmethod
    def of(cls, item: ReviewItem, sort: str) -> Cursor:
        return cls(item.priority, item.id, item.created_at if sort == "oldest" else None)


@dataclass(frozen=True)
class QueuePage:
    items: list[ReviewItem]
    counts: dict[str, int]
    filters: QueueFilters
    next_cursor: Cursor | None
    prev_cursor: Cursor | None
    per_page: int
    total: int = field(default=0)


def queue_page(
    session: Session,
    user: User,
    filters: QueueFilters,
    after: Cursor | None = None,
    before: Cursor | None = None,
    per_page: int = DEFAULT_PER_PAGE,
) -> QueuePage:
    """One page of the queue, highest priority first, with the counts per status."""
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueueError("per_page", _("must be 1 to {max}", max=MAX_PER_PAGE))
    oldest = filters.sort == "oldest"
    for cursor, name in ((after, "after"), (before, "before")):
        if cursor is not None and (cursor.created is not None) != oldest:
            raise QueueError(name, _("not a position in this order"))
    base = filtered_query(session, user, filters)
    # Keyset on (priority, id) descending, or (created_at, id) ascending; both served by their indexes.
    key = tuple_(ReviewItem.created_at, ReviewItem.id) if oldest else tuple_(ReviewItem.priority, ReviewItem.id)
    forward = (ReviewItem.created_at.asc(), ReviewItem.id.asc()) if oldest else \
        (ReviewItem.priority.desc(), ReviewItem.id.desc())
    backward = (ReviewItem.created_at.desc(), ReviewItem.id.desc()) if oldest else \
        (ReviewItem.priority.asc(), ReviewItem.id.asc())

    def position(cursor: Cursor) -> Any:
        return tuple_(cursor.created, cursor.item_id) if oldest else tuple_(cursor.priority, cursor.item_id)

    def ahead(cursor: Cursor) -> Any:  # rows that come before the cursor in the page order
        return key < position(cursor) if oldest else key > position(cursor)

    def behind(cursor: Cursor) -> Any:
        return key > position(cursor) if oldest else key < position(cursor)

    if before is not None:
        rows = session.execute(base.where(ahead(before)).order_by(*backward).limit(per_page + 1)).all()
        has_prev = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        has_next = True
    else:
        query = base
        if after is not None:
            query = query.where(behind(after))
        rows = session.execute(query.order_by(*forward).limit(per_page + 1)).all()
        has_next = len(rows) > per_page
        rows = rows[:per_page]
        has_prev = after is not None
    ids = [row.id for row in rows]
    loaded = {
        item.id: item
        for item in session.scalars(
            select(ReviewItem)
            .where(ReviewItem.id.in_(ids))
            .options(
                joinedload(ReviewItem.activity).joinedload(Activity.account).joinedload(Account.employee)
                .joinedload(Employee.agency),
                joinedload(ReviewItem.classification),
            )
        ).unique()
    } if ids else {}
    items = [loaded[i] for i in ids]
    counts = status_counts(session, user, filters)
    total = counts[filters.status] if filters.status is not None else sum(counts.values())
    return QueuePage(
        items=items,
        counts=counts,
        filters=filters,
        next_cursor=Cursor.of(items[-1], filters.sort) if items and has_next else None,
        prev_cursor=Cursor.of(items[0], filters.sort) if items and has_prev else None,
        per_page=per_page,
        total=total,
    )


def filtered_item_ids(session: Session, user: User, filters: QueueFilters, limit: int | None = None) -> list[int]:
    """Every matching item id in queue order (exports); never an item outside the user's scope."""
    order = (ReviewItem.created_at.asc(), ReviewItem.id.asc()) if filters.sort == "oldest" else \
        (ReviewItem.priority.desc(), ReviewItem.id.desc())
    query = filtered_query(session, user, filters).order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    return [row.id for row in session.execute(query)]


def take_next(session: Session, user: User, settings: Settings | None = None) -> ReviewItem | None:
    """Give ``user`` the next item to review: their own pending items first, then the best open one in scope.

    Taking an item claims it for ``settings.claim_minutes``; after that it is open again (to anyone, its
    holder included), so an item left by someone who went away does not stay out of reach.
    """
    if not can(user, "take_next"):
        raise QueueError("role", _("this role does not review items"))
    now = utcnow()
    until = now + timedelta(minutes=(settings or get_settings()).claim_minutes)
    agency_ids = visible_agency_ids(session, user)
    base = select(ReviewItem).where(scope_filter(agency_ids), ReviewItem.status == "pending")
    order = (ReviewItem.priority.desc(), ReviewItem.id.desc())
    # SKIP LOCKED (PostgreSQL) lets two reviewers take different items at once; SQLite serialises writers anyway.
    # An own claim that ran out is still "mine" while nobody else has taken it.
    mine = session.scalar(
        base.where(ReviewItem.assignee_id == user.id).order_by(*order).limit(1).with_for_update(skip_locked=True)
    )
    if mine is not None:
        if mine.claimed_until is not None:
            mine.claimed_until = until  # taking it again renews the claim; an assignment stays open-ended
            session.flush()
        return mine
    # Four eyes: a verdict of the user's own that awaits a second reviewer is not theirs to confirm.
    later = aliased(Decision)
    own_awaiting = exists().where(
        Decision.review_item_id == ReviewItem.id, Decision.four_eyes == "awaiting", Decision.reviewer_id == user.id,
        ~exists().where(later.supersedes_id == Decision.id))
    item = session.scalar(
        base.where(unheld(now), ~own_awaiting).order_by(*order).limit(1)
        .with_for_update(skip_locked=True)
    )
    if item is not None:
        item.assignee_id = user.id
        item.claimed_until = until
        session.flush()
    return item


def release(session: Session, user: User, item: ReviewItem) -> None:
    """Give back an item ``user`` holds (a claim or an assignment) to the pool; QueueError if they do not hold it."""
    if claim_holder(item) != user.id:
        raise QueueError("item", _("you do not hold this item"))
    item.assignee_id = None
    item.claimed_until = None
    session.flush()


def assignable_users(session: Session, agency_id: int | None = None) -> list[User]:
    """Reviewers and supervisors who could take work (in ``agency_id``'s scope when given)."""
    users = list(session.scalars(
        select(User).where(User.role.in_(("reviewer", "supervisor")), User.disabled.is_(False)).order_by(User.username)
    ))
    if agency_id is None:
        return users
    return [u for u in users if agency_id in (visible_agency_ids(session, u) or frozenset())]


def assign(session: Session, actor: User, item_ids: list[int], assignee: User | None) -> list[ReviewItem]:
    """Assign (or with ``assignee=None`` release) items. All or nothing; raises QueueError naming what is wrong."""
    if not can(actor, "assign"):
        raise QueueError("role", _("this role cannot assign work"))
    if not item_ids:
        raise QueueError("items", _("choose at least one item"))
    if assignee is not None and (assignee.disabled or not can(assignee, "decide")):
        raise QueueError("assignee", _("{user} cannot review items", user=assignee.username))
    actor_scope = visible_agency_ids(session, actor)
    items = list(session.scalars(
        select(ReviewItem).where(ReviewItem.id.in_(set(item_ids)), scope_filter(actor_scope))
    ))
    missing = sorted(set(item_ids) - {i.id for i in items})
    if missing:
        # Items outside the actor's scope read as missing: their existence is not revealed.
        raise QueueError("items", _("not found: {items}", items=", ".join(f"#{i}" for i in missing[:10])))
    if assignee is not None:
        assignee_scope = visible_agency_ids(session, assignee)
        outside = [i.id for i in items if assignee_scope is not None and i.agency_id not in assignee_scope]
        if outside:
            raise QueueError("assignee", _("{user} may not see items {items}", user=assignee.username,
                                           items=", ".join(f"#{i}" for i in outside[:10])))
    for item in items:
        item.assignee_id = assignee.id if assignee is not None else None
        item.claimed_until = None  # a supervisor's assignment holds until changed; it is not a claim
    session.flush()
    return items


def with_status(filters: QueueFilters, status: str | None) -> QueueFilters:
    return replace(filters, status=status)
