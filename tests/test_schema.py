"""The schema: migrations agree with the ORM, constraints keep data honest, append-only holds."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from monitor.db.guards import AppendOnlyViolation
from monitor.db.nip import InvalidNIP, validate_nip
from monitor.db.schema import (
    Account,
    Activity,
    Agency,
    Base,
    Classification,
    Decision,
    Employee,
    Evidence,
    Post,
    ReviewItem,
    User,
)
from monitor.db.search import outside_orm
from monitor.db.session import get_engine

NIP = "198503122010011001"


def test_migrated_schema_matches_orm(db_url: str) -> None:
    def ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        # APScheduler creates and owns its job store table (scheduler_job) when a scheduler starts; the
        # full-text search index (FTS5 tables, a GIN expression index) is the migration's, not the ORM's.
        return not (type_ == "table" and name == "scheduler_job") and not outside_orm(name, type_)

    with get_engine(db_url).connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False, "include_object": ours})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"ORM and migrations differ: {diff}"


def test_migrations_downgrade_to_empty_and_back(db_url: str) -> None:
    from monitor.db.migrate import downgrade, is_up_to_date, upgrade

    downgrade(db_url, "base")
    with get_engine(db_url).connect() as conn:
        names = set(conn.dialect.get_table_names(conn))
    assert names <= {"alembic_version"}
    upgrade(db_url)
    assert is_up_to_date(db_url)


@pytest.mark.parametrize(
    ("nip", "reason"),
    [
        ("19850312201001100", "18 digits"),
        ("19850332201001100X", "18 digits"),
        ("198502302010011001", "not a real date"),
        ("198503122010131001", "TMT month"),
        ("198503121995011001", "impossible"),
        ("198503122010013001", "gender"),
    ],
)
def test_invalid_nips_are_refused_with_reason(nip: str, reason: str) -> None:
    with pytest.raises(InvalidNIP, match=reason):
        validate_nip(nip)


def test_nip_accepts_spaced_input() -> None:
    assert validate_nip("19850312 201001 1 001") == NIP


def _employee(session: Session, nip: str = NIP) -> Employee:
    agency = Agency(code="a1", name="Dinas Contoh")
    session.add(agency)
    session.flush()
    emp = Employee(nip=nip, name="Rina", agency_id=agency.id)
    session.add(emp)
    session.flush()
    return emp


def test_employee_refuses_invalid_nip(session: Session) -> None:
    with pytest.raises(InvalidNIP):
        _employee(session, "123")


def test_unique_platform_handle(session: Session) -> None:
    emp = _employee(session)
    session.add(Account(employee_id=emp.id, platform="x", handle="rina"))
    session.flush()
    session.add(Account(employee_id=emp.id, platform="x", handle="rina"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_unique_post_external_id_and_platform_check(session: Session) -> None:
    session.add(Post(platform="bluesky", external_id="at://did:plc:x/app.bsky.feed.post/1"))
    session.flush()
    session.add(Post(platform="mastodon", external_id="at://did:plc:x/app.bsky.feed.post/1"))
    session.flush()  # same id on another platform is a different post
    session.add(Post(platform="bluesky", external_id="at://did:plc:x/app.bsky.feed.post/1"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    session.add(Post(platform="myspace", external_id="1"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_evidence_is_append_only_in_orm_and_database(session: Session) -> None:
    ev = Evidence(subject_key="bluesky:post:1", raw=b"{}", sha256="0" * 64, source="crawl:bluesky")
    session.add(ev)
    session.commit()
    ev.raw = b"{changed}"
    with pytest.raises(AppendOnlyViolation):
        session.flush()
    session.rollback()
    with pytest.raises((IntegrityError, StatementError, Exception), match="append-only"):
        session.execute(text("UPDATE evidence SET raw = :r"), {"r": b"x"})
        session.flush()
    session.rollback()


def _review_item(session: Session) -> tuple[ReviewItem, User]:
    emp = _employee(session)
    acc = Account(employee_id=emp.id, platform="bluesky", handle="rina.bsky.social")
    session.add(acc)
    session.flush()
    act = Activity(account_id=acc.id, kind="like", external_id="like-1", source="test")
    session.add(act)
    session.flush()
    cls = Classification(activity_id=act.id, model_version="m", profile_id="p", score=0.9, flagged=True,
                         stance="support", hate=False, cues=[])
    user = User(username="rev", password_hash="x", role="reviewer")
    session.add_all([cls, user])
    session.flush()
    item = ReviewItem(activity_id=act.id, classification_id=cls.id, agency_id=emp.agency_id)
    session.add(item)
    session.flush()
    return item, user


def test_breach_must_cite_a_violation_code(session: Session) -> None:
    item, user = _review_item(session)
    session.add(Decision(review_item_id=item.id, verdict="pelanggaran", reviewer_id=user.id))
    with pytest.raises(IntegrityError, match="(?i)check|breach_cites_code"):
        session.flush()


def test_decision_is_append_only(session: Session) -> None:
    item, user = _review_item(session)
    first = Decision(review_item_id=item.id, verdict="perlu_klarifikasi", reviewer_id=user.id, note="tanya")
    session.add(first)
    session.commit()
    first.note = "diubah"
    with pytest.raises(AppendOnlyViolation):
        session.flush()
    session.rollback()
    session.delete(first)
    with pytest.raises(AppendOnlyViolation):
        session.flush()
    session.rollback()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text("DELETE FROM decision"))
    session.rollback()
    # A later decision supersedes; history stays.
    second = Decision(review_item_id=item.id, verdict="pelanggaran", violation_code="social_campaign",
                      clause="ikrar-2", reviewer_id=user.id, supersedes_id=first.id)
    session.add(second)
    session.commit()
    assert [d.verdict for d in session.get(ReviewItem, item.id).decisions] == ["perlu_klarifikasi", "pelanggaran"]
