"""Netra's records as SQLAlchemy 2.x typed ORM models.

The flow is one-directional: registry → posts/activities/evidence (spiders and
importers) → classifications (models) → review items and decisions (web app) →
reports. Evidence, decisions, comments and the audit log are append-only: the ORM refuses
to update or delete them (see ``monitor.db.guards``) and the migrations add
database triggers that refuse UPDATE as well.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from monitor.db.nip import validate_nip
from monitor.db.types import UTCDateTime, utcnow

# Stable constraint names, so Alembic migrations are identical on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PLATFORMS = ("bluesky", "mastodon", "rss", "youtube", "x", "instagram", "facebook", "tiktok")
EMPLOYEE_STATUSES = ("PNS", "PPPK", "NON_ASN")
ACTIVITY_KINDS = ("post", "share", "comment", "like", "photo", "follow")
STANCES = ("support", "oppose", "none")
REVIEW_STATUSES = ("pending", "clarification", "escalated", "decided")
VERDICTS = ("pelanggaran", "bukan_pelanggaran", "perlu_klarifikasi", "eskalasi")
# awaiting: a first verdict waiting for a second reviewer; confirmed: the second agreed; disputed: the second
# disagreed (the item goes to a supervisor); resolved: a supervisor's decision on a disputed item.
FOUR_EYES_STAGES = ("awaiting", "confirmed", "disputed", "resolved")
ROLES = ("admin", "supervisor", "reviewer", "agency_auditor")
REGISTERS = ("ethics", "discipline", "election_crime")
ACCOUNT_STATES = ("active", "not_found", "suspended", "deactivated", "protected")
CRAWL_STATUSES = ("running", "succeeded", "partial", "failed")


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Agency(Base):
    """An instansi whose ASN are watched. ``legal_basis``/``purpose`` record UU PDP Pasal 20."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    legal_basis: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    employees: Mapped[list[Employee]] = relationship(back_populates="agency")


class Employee(Base):
    """An ASN (PNS or PPPK) or registered non-ASN staff member."""

    __tablename__ = "employee"
    __table_args__ = (CheckConstraint(_in("status", EMPLOYEE_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    unit: Mapped[str | None] = mapped_column(String(255))
    position: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="PNS")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency] = relationship(back_populates="employees")
    accounts: Mapped[list[Account]] = relationship(back_populates="employee")

    @validates("nip")
    def _check_nip(self, _key: str, value: str) -> str:
        return validate_nip(value)


class Account(Base):
    """A handle an employee declared on one platform."""

    __tablename__ = "account"
    __table_args__ = (
        UniqueConstraint("platform", "handle"),
        CheckConstraint(_in("platform", PLATFORMS), name="platform"),
        CheckConstraint(_in("state", ACCOUNT_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(255))
    # The platform's permanent key once resolved: a Bluesky DID, a Mastodon account uri.
    external_id: Mapped[str | None] = mapped_column(String(255), index=True)
    state: Mapped[str] = mapped_column(String(16), default="active")
    labels: Mapped[list[Any] | None] = mapped_column(JSON)
    # Opaque per-platform resume point (newest id seen, cursors); see spiders.
    crawl_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    last_crawled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    employee: Mapped[Employee] = relationship(back_populates="accounts")
    activities: Mapped[list[Activity]] = relationship(back_populates="account")


class ElectionProfile(Base):
    """A loaded election profile (the YAML of interfaces.md), kept verbatim."""

    __tablename__ = "election_profile"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    level: Mapped[str | None] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(255))
    determination_date: Mapped[date | None] = mapped_column(Date)
    campaign_start: Mapped[date | None] = mapped_column(Date)
    campaign_end: Mapped[date | None] = mapped_column(Date)
    voting_day: Mapped[date | None] = mapped_column(Date)
    source_yaml: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class WatchedAccount(Base):
    """A candidate's or campaign team's account, crawled to find acts of declared accounts on it."""

    __tablename__ = "watched_account"
    __table_args__ = (
        UniqueConstraint("profile_id", "platform", "handle"),
        CheckConstraint(_in("platform", PLATFORMS), name="platform"),
        CheckConstraint(_in("state", ACCOUNT_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[str] = mapped_column(ForeignKey("election_profile.id"), index=True)
    candidate_id: Mapped[str | None] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(255))
    external_id: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default="active")
    crawl_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    last_crawled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Post(Base):
    """Any piece of content seen: an own post, a candidate's post that was liked, a comment's parent."""

    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        CheckConstraint(_in("platform", PLATFORMS), name="platform"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    # The platform's own id, always a string (Mastodon/X ids exceed 2**53).
    external_id: Mapped[str] = mapped_column(String(512))
    url: Mapped[str | None] = mapped_column(Text)
    author_handle: Mapped[str | None] = mapped_column(String(255))
    author_external_id: Mapped[str | None] = mapped_column(String(255), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    # Alt text of images, hashtags, mentions, links, media: as structured lists.
    extras: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    lang: Mapped[str | None] = mapped_column(String(16))
    parent_external_id: Mapped[str | None] = mapped_column(String(512))
    posted_at: Mapped[datetime | None]
    posted_at_raw: Mapped[str | None] = mapped_column(String(64))
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A post that disappeared is marked, never deleted (evidence first).
    deleted_at: Mapped[datetime | None]


class Evidence(Base):
    """A raw record exactly as captured. Immutable; a changed record gets a new version."""

    __tablename__ = "evidence"
    __table_args__ = (
        UniqueConstraint("subject_key", "sha256"),
        UniqueConstraint("subject_key", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the record is about: "<platform>:<kind>:<external id>" (a post, a like record, a repost).
    subject_key: Mapped[str] = mapped_column(String(700))  # indexed as the unique keys' first column
    version: Mapped[int] = mapped_column(Integer, default=1)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    source_url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(64))  # "crawl:bluesky", "import:x-archive", ...
    media_type: Mapped[str] = mapped_column(String(64), default="application/json")
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"))


class Activity(Base):
    """One act of a declared account: post, share, comment, like, photo or follow."""

    __tablename__ = "activity"
    __table_args__ = (
        UniqueConstraint("account_id", "kind", "external_id"),
        CheckConstraint(_in("kind", ACTIVITY_KINDS), name="kind"),
        Index("ix_activity_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))  # the unique key's first column
    kind: Mapped[str] = mapped_column(String(16))
    # The act's own key on the platform: the post uri, the like/repost record uri, (account, tweet id)...
    external_id: Mapped[str] = mapped_column(String(700))
    # The account's own content (own post, comment, photo); null for a like.
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    # The post acted on: liked, shared, commented on; for a follow, the followed account's profile.
    target_post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    context_text: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime | None]
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the act was seen undone (an unfollow); the act and its evidence stay, and a later sighting clears it.
    ended_at: Mapped[datetime | None]
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    source: Mapped[str] = mapped_column(String(64))
    # Self-audit imports stay private to the agency unless it submits them (issue: self-audit).
    self_audit: Mapped[bool] = mapped_column(Boolean, default=False)

    account: Mapped[Account] = relationship(back_populates="activities")
    post: Mapped[Post | None] = relationship(foreign_keys=[post_id])
    target_post: Mapped[Post | None] = relationship(foreign_keys=[target_post_id])
    evidence: Mapped[Evidence | None] = relationship()
    classifications: Mapped[list[Classification]] = relationship(back_populates="activity")


class Classification(Base):
    """The classifier's result for one activity under one model and profile."""

    __tablename__ = "classification"
    __table_args__ = (
        UniqueConstraint("activity_id", "model_version", "profile_id"),
        CheckConstraint(_in("stance", STANCES), name="stance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    model_version: Mapped[str] = mapped_column(String(128))
    profile_id: Mapped[str] = mapped_column(String(128))
    score: Mapped[float] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean)
    stance: Mapped[str] = mapped_column(String(16))
    hate: Mapped[bool] = mapped_column(Boolean)
    candidate: Mapped[str | None] = mapped_column(String(64))
    party: Mapped[str | None] = mapped_column(String(128))
    cues: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The act repeats a claim fact-checkers rated false (issue 19). The claims it repeats, as
    # [{"claim", "rating", "url", "similarity"}], are copied: a later change of the claims store leaves the
    # case as it was judged.
    hoax: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    hoax_claims: Mapped[list[Any] | None] = mapped_column(JSON)
    # The newest change of the stored claims when the act was last matched against them (null: no claims then).
    # Hoaxes spread before their debunks appear: monitor.hoax.rematch matches the act again once newer claims exist.
    hoax_matched_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    activity: Mapped[Activity] = relationship(back_populates="classifications")


class User(Base):
    """A person who signs in to the web app."""

    __tablename__ = "user"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    # Home agency (agency_auditor); supervisors/reviewers are scoped by user_agency_scope.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    scope: Mapped[list[UserAgencyScope]] = relationship(cascade="all, delete-orphan")


class UserAgencyScope(Base):
    """The agencies a supervisor or reviewer may see. Admins see all; auditors their own agency."""

    __tablename__ = "user_agency_scope"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)


class WebSession(Base):
    """One signed-in browser session of the review app.

    The signed cookie names its row (by the SHA-256 of a random id, so a database reader cannot mint
    one), and a session counts only while its row is not ended: a copied cookie dies with sign-out,
    a password change or disabling the user, on every worker at once.
    """

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    # logout, password, disabled
    end_reason: Mapped[str | None] = mapped_column(String(32))
    # A refused form (what was typed, why it was refused) waiting for the page the browser is sent to
    # (post/redirect/get); here, not in the cookie, as a 4,000-character note would not fit in one.
    carried: Mapped[dict[str, Any] | None] = mapped_column(JSON)


LOGIN_LIMIT_KINDS = ("account", "ip")


class LoginLimit(Base):
    """Failed sign-ins of one username (known or not) or one client IP, shared by every web worker.

    ``failures`` is a leaky bucket: it drains by the whole limit over one lockout period, so old
    mistakes are forgotten and nobody can keep an account primed to lock with a single try.
    """

    __tablename__ = "login_limit"
    __table_args__ = (CheckConstraint(_in("kind", LOGIN_LIMIT_KINDS), name="kind"),)

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]


class ReviewItem(Base):
    """A flagged activity waiting for (or having had) human review."""

    __tablename__ = "review_item"
    __table_args__ = (
        CheckConstraint(_in("status", REVIEW_STATUSES), name="status"),
        # The queue page: scoped by agency, filtered by status, ordered by priority.
        Index("ix_review_item_queue", "status", "priority", "id"),
        Index("ix_review_item_agency_queue", "agency_id", "status", "priority", "id"),
        Index("ix_review_item_assignee", "assignee_id", "status"),
        # The queue page sorted oldest first (age, deadlines), in the same two shapes.
        Index("ix_review_item_age", "status", "created_at", "id"),
        Index("ix_review_item_agency_age", "agency_id", "status", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), unique=True)
    classification_id: Mapped[int] = mapped_column(ForeignKey("classification.id"))
    # Denormalised from activity → account → employee so scoping is one indexed filter.
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # When the assignee's claim ends (an item taken with "take next"); null while the item is assigned by a
    # supervisor, which lasts until changed. An expired claim leaves ``assignee_id`` as it was: who held it.
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    activity: Mapped[Activity] = relationship()
    classification: Mapped[Classification] = relationship()
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="review_item", order_by="Decision.id"
    )


class Decision(Base):
    """A reviewer's verdict. Append-only: a later decision supersedes, history stays."""

    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint(_in("verdict", VERDICTS), name="verdict"),
        # domain.md §6: a breach must cite a violation code.
        CheckConstraint(
            "verdict <> 'pelanggaran' OR violation_code IS NOT NULL", name="breach_cites_code"
        ),
        CheckConstraint(_in("four_eyes", FOUR_EYES_STAGES), name="four_eyes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_item_id: Mapped[int] = mapped_column(ForeignKey("review_item.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(32))
    violation_code: Mapped[str | None] = mapped_column(String(64))
    clause: Mapped[str | None] = mapped_column(String(16))
    register: Mapped[str | None] = mapped_column(String(32))
    candidate: Mapped[str | None] = mapped_column(String(64))
    party: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    # Indexed for the reviewer statistics and the reports, which read decisions by date range.
    decided_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Four eyes (FOUR_EYES_STAGES, monitor.review.decisions): null where no second look is needed. An
    # ``awaiting`` or ``disputed`` decision does not count yet; ``confirmed`` and ``resolved`` ones do.
    four_eyes: Mapped[str | None] = mapped_column(String(16))

    review_item: Mapped[ReviewItem] = relationship(back_populates="decisions")


class ItemComment(Base):
    """A reviewer's remark on a review item: discussion beside the decisions, never a verdict.

    Append-only like decisions (ORM guard and database triggers): what was said stays as it was said.
    """

    __tablename__ = "item_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_item_id: Mapped[int] = mapped_column(ForeignKey("review_item.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseDossier(Base):
    """The file forwarded on a confirmed breach to the PPK and the civil-service body: a PDF and a ZIP of evidence.

    Built from one decision (``decision_id``, the confirmed ``pelanggaran`` it documents) and kept with the
    SHA-256 of both files, as reports are. ``agency_id`` is the item's, so scoping is one indexed filter.
    Append-only: a later decision gets a new dossier, the earlier one stays as it was handed on.
    """

    __tablename__ = "case_dossier"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_item_id: Mapped[int] = mapped_column(ForeignKey("review_item.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"))
    pdf_path: Mapped[str] = mapped_column(Text)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_bytes: Mapped[int] = mapped_column(BigInteger)
    zip_path: Mapped[str] = mapped_column(Text)
    zip_sha256: Mapped[str] = mapped_column(String(64))
    zip_bytes: Mapped[int] = mapped_column(BigInteger)
    evidence_files: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_by: Mapped[str | None] = mapped_column(String(128))


class SavedFilter(Base):
    """A reviewer's named set of queue filters (the query string of the queue page), private to its owner."""

    __tablename__ = "saved_filter"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    # The filters as QueueFilters.as_params() writes them: parsed again on use, so a filter the parser
    # no longer accepts is refused then instead of being applied half.
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    """Who viewed, decided or exported what, when, from where (UU PDP Pasal 31). Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    username: Mapped[str | None] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(128))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CrawlRun(Base):
    """One run of a spider or importer: what it did and what went wrong."""

    __tablename__ = "crawl_run"
    __table_args__ = (CheckConstraint(_in("status", CRAWL_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str | None] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    items_stored: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    # [{"account": ..., "url": ..., "error": ...}], capped in size by the pipeline.
    error_log: Mapped[list[Any] | None] = mapped_column(JSON)
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Records that could not be read (kept in ``quarantine``) and acts that could not be stored
    # (kept in ``ingest_retry``): a run with either is ``partial``, never ``succeeded``.
    quarantined: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    store_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Accounts whose reading stopped early (page cap, fault): their resume point stayed behind.
    incomplete_accounts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Who runs it, so a run left ``running`` by a dead process is found and closed (monitor: runs).
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    # When that process started ("<boot id>/<clock ticks after boot>", spiders.store.process_start): pids
    # are reused within seconds where pid_max is small, so a live process with the run's pid is the run's own
    # only if it also started at this instant.
    process_start: Mapped[str | None] = mapped_column(String(64))
    heartbeat_at: Mapped[datetime | None]


class QuarantinedRecord(Base):
    """A platform record Netra could not read: kept raw, with where it came from and why, never dropped."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    account: Mapped[str | None] = mapped_column(String(255))  # handle as the run knew it
    url: Mapped[str | None] = mapped_column(Text)  # page or file (and record) it was in
    error: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IngestRetry(Base):
    """An act read but not stored (database refused or unavailable): retried before the account's position moves."""

    __tablename__ = "ingest_retry"

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(255), index=True)  # the crawl target's handle, lower case
    url: Mapped[str | None] = mapped_column(Text)
    item: Mapped[dict[str, Any]] = mapped_column(JSON)  # spiders.items.item_to_json
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    first_failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(Base):
    """A rendered report file, with its hash."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # weekly | self_audit
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    period_label: Mapped[str] = mapped_column(String(32))  # e.g. 2026-W47
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    format: Mapped[str] = mapped_column(String(16))  # html | pdf | csv | xlsx | zip
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(128))


class Media(Base):
    """An image kept from a collected post or an export, stored once by content under the media directory.

    ``hands`` holds what the gesture detector found (gesture, confidence, box per hand) so the
    review page can draw the boxes; null until the photo was analysed.
    """

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    # The declared account whose quota the file counts against; null for media of other accounts' posts.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    hands: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    hands_model: Mapped[str | None] = mapped_column(String(64))


class MediaLink(Base):
    """Where an image was seen: the post (and evidence record) it belongs to and the URL or export member."""

    __tablename__ = "media_link"
    __table_args__ = (UniqueConstraint("media_id", "post_id", "source_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"), index=True)
    source_url: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    media: Mapped[Media] = relationship()


class ApiToken(Base):
    """A bearer token for the service API (``/api/v1``), acting as its user with the user's role and scope.

    Only the SHA-256 of the token is kept; ``selector`` (a non-secret part of the token) finds the row so
    the secret part can be compared in constant time. A revoked token, or one whose user is disabled, is refused.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    selector: Mapped[str] = mapped_column(String(32), unique=True)
    token_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(128))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


IMPORT_JOB_STATES = ("queued", "importing", "classifying", "done", "failed", "refused")


class ImportJob(Base):
    """A self-audit upload handed to the web app's background worker: what it was, how far it got, how it ended.

    The page the uploader is sent to polls this row. ``host``/``pid`` name the web process running it, so a
    job left unfinished by a process that died is closed at the next start; ``upload_dir`` is the private
    directory holding the uploaded export until the job ends (never shown to anyone).
    """

    __tablename__ = "import_job"
    __table_args__ = (CheckConstraint(_in("state", IMPORT_JOB_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    username: Mapped[str | None] = mapped_column(String(128))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    importer: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(255))
    file_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    submit: Mapped[bool] = mapped_column(Boolean, default=False)
    ip: Mapped[str | None] = mapped_column(String(64))
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    process_start: Mapped[str | None] = mapped_column(String(64))  # as CrawlRun.process_start
    upload_dir: Mapped[str | None] = mapped_column(Text)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"))
    run_status: Mapped[str | None] = mapped_column(String(16))
    # Counts so far: acts read/stored/unchanged, records quarantined, files not read to the end, acts not
    # stored, text fields cut, acts classified.
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The first problems as codes ({"code", "file", "position"}): the page words them in Bahasa Indonesia.
    problems: Mapped[list[Any] | None] = mapped_column(JSON)
    # Why a job was refused or failed: a code for the audit log and a message for the uploader.
    reason: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    # The finished audit: its figures and the report files rendered.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    report_ids: Mapped[list[Any] | None] = mapped_column(JSON)

    account: Mapped[Account] = relationship()


# A fact-checker's verdict as Netra reads it (spiders/factcheck/claimreview.py maps the published ratings):
# only ``false`` and ``misleading`` claims are matched against acts; a ``true`` claim is never a hoax.
CLAIM_VERDICTS = ("false", "misleading", "mixed", "true", "unrated")


class ClaimReview(Base):
    """A claim a fact-checker reviewed (schema.org ``ClaimReview``, or a team's CSV row), with its verdict.

    One row per debunk URL and claim text (``key`` hashes both: the pair is too long for a unique index on
    PostgreSQL), so importing the same feed or file again changes nothing. The claim's e5 embedding is kept
    with the encoder version that made it, and made again when that version changes (monitor/hoax).
    """

    __tablename__ = "claim_review"
    __table_args__ = (CheckConstraint(_in("verdict", CLAIM_VERDICTS), name="verdict"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    claim: Mapped[str] = mapped_column(Text)
    rating: Mapped[str] = mapped_column(String(255))
    verdict: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text)
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    publisher: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(64))
    # The record as published (the ClaimReview object or the CSV row): the claim's provenance.
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    embedding_model: Mapped[str | None] = mapped_column(String(128))


CAPTURE_TIP_STATES = ("queued", "capturing", "captured", "unchanged", "failed")
CAPTURE_WATCH_STATES = ("ok", "login_wall", "failed")


class CaptureTip(Base):
    """One link handed in for capture (a pasted tip, a CSV row, a `netra capture` argument, a watched post).

    ``batch`` groups one submission, whose page shows its tips as they are captured; ``state`` is
    where the tip stands, ``error`` the one line saying why it failed. ``activity_id`` names the act
    it became; a retention purge of that act leaves the tip (``SET NULL``).
    """

    __tablename__ = "capture_tip"
    __table_args__ = (CheckConstraint(_in("state", CAPTURE_TIP_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch: Mapped[str] = mapped_column(String(32), index=True)
    source: Mapped[str] = mapped_column(String(16))  # web | cli | csv | watch
    url: Mapped[str] = mapped_column(Text)
    # What the submitter said about whose act it is (the CSV's platform and akun, --account).
    platform: Mapped[str | None] = mapped_column(String(32))
    handle: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    reporter: Mapped[str | None] = mapped_column(String(255))  # the reporter's reference (Bawaslu letter, hotline no.)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    username: Mapped[str | None] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    reason: Mapped[str | None] = mapped_column(String(32))  # refused, timeout, login_wall, removed, no_account…
    error: Mapped[str | None] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    captured_platform: Mapped[str | None] = mapped_column(String(32))
    captured_handle: Mapped[str | None] = mapped_column(String(255))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"), index=True)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The process working on it, so a tip left unfinished by a process that died is closed at the next start.
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    process_start: Mapped[str | None] = mapped_column(String(64))  # as CrawlRun.process_start


class CaptureWatch(Base):
    """The watch of one declared account's public profile page: what was seen there, and how the last look went."""

    __tablename__ = "capture_watch"
    __table_args__ = (CheckConstraint(_in("state", CAPTURE_WATCH_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), unique=True)
    profile_url: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="ok")
    message: Mapped[str | None] = mapped_column(Text)  # why the last look failed (a login wall…)
    # Post keys already captured from this profile (newest first, bounded): the next look captures the rest.
    seen: Mapped[list[Any] | None] = mapped_column(JSON)
    last_run_at: Mapped[datetime | None]
    last_new_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
