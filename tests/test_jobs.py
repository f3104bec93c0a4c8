"""The scheduler's real job wrappers, where their targets exist: purge, queue, reports, crawl routing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.config import reset_settings_cache
from monitor.db.schema import Activity, AuditLog, Classification, Evidence, Post, Report, ReviewItem
from monitor.ops import jobs
from monitor.ops.retention import purge_unflagged
from reports.period import IsoWeek
from reports.weekly import build_all_weekly
from spiders.platforms import crawl_for
from tests.report_seed import seed_reports, utc


def _unflagged_with_own_post(session: Session, seed) -> int:  # type: ignore[no-untyped-def]
    post = Post(platform="bluesky", external_id="own-u1", author_handle="budi.bsky.social", text="Makan siang")
    session.add(post)
    session.flush()
    ev = Evidence(subject_key="bluesky:post:own-u1", raw=b"{}", sha256=hashlib.sha256(b"{}").hexdigest(),
                  source="crawl:bluesky", post_id=post.id, captured_at=utc(2026, 8, 1))
    session.add(ev)
    session.flush()
    act = Activity(account_id=seed.account["a1"], kind="post", external_id="u1", post_id=post.id, text="Makan siang",
                   evidence_id=ev.id, source="crawl:bluesky", captured_at=utc(2026, 8, 1))
    session.add(act)
    session.flush()
    session.add(Classification(activity_id=act.id, model_version="m", profile_id="pilkada-contoh", score=0.01,
                               flagged=False, stance="none", hate=False, cues=[]))
    session.commit()
    return act.id


def test_purge_removes_only_never_flagged_data_and_logs_counts(session: Session) -> None:
    seed = seed_reports(session)
    u1 = _unflagged_with_own_post(session, seed)
    acts_before = session.scalar(select(func.count(Activity.id)))

    # Cutoff 2026-11-01: U1 (Aug) is old and never flagged; P2 (22 Nov) is too recent;
    # Q0 (31 Oct) and P0 are old but were queued; SA1 is flagged: all kept.
    result = purge_unflagged(session, days=30, now=utc(2026, 12, 1))
    session.commit()
    assert (result.activities, result.classifications, result.evidence, result.posts) == (1, 1, 1, 1)
    assert session.get(Activity, u1) is None
    assert session.scalar(select(func.count(Activity.id))) == acts_before - 1
    assert session.scalar(select(Post).where(Post.external_id == "own-u1")) is None
    assert session.get(Activity, seed.activity["Q0"]) is not None and session.get(Activity, seed.activity["SA1"])
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "retention_purge"))
    assert entry.detail["activities"] == 1 and entry.detail["evidence"] == 1 and entry.detail["days"] == 30
    assert "purge" not in session.info

    # Much later, P2 (never flagged) goes too; every purge is logged, even an empty one.
    later = purge_unflagged(session, days=30, now=utc(2027, 6, 1))
    empty = purge_unflagged(session, days=30, now=utc(2027, 6, 1))
    session.commit()
    assert (later.activities, later.evidence) == (1, 1) and empty.activities == 0
    assert session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "retention_purge")) == 3
    with pytest.raises(ValueError, match="at least 1"):
        purge_unflagged(session, days=0)


def test_purge_job_uses_settings(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_reports(session)
    monkeypatch.setenv("NETRA_RETENTION_UNFLAGGED_DAYS", "3650")
    reset_settings_cache()
    result = jobs.purge_expired()
    assert result["days"] == 3650 and result["activities"] == 0


def test_queue_flags_skips_self_audit(session: Session) -> None:
    seed = seed_reports(session)
    act = Activity(account_id=seed.account["b1"], kind="post", external_id="late", text="Coblos 2",
                   source="crawl:bluesky", captured_at=utc(2026, 11, 21))
    session.add(act)
    session.flush()
    session.add(Classification(activity_id=act.id, model_version="m", profile_id="pilkada-contoh", score=0.8,
                               flagged=True, stance="support", hate=False, cues=[]))
    session.commit()
    assert jobs.queue_flags() == 1  # SA1 is flagged too but self-audit: stays private
    session.expire_all()
    item = session.scalar(select(ReviewItem).where(ReviewItem.activity_id == act.id))
    assert item is not None and item.agency_id == seed.agency["KOTA-B"]
    assert session.scalar(select(ReviewItem).where(ReviewItem.activity_id == seed.activity["SA1"])) is None
    assert jobs.queue_flags() == 0


def test_weekly_reports_for_every_agency_and_combined(sqlite_db: str, netra_home: Path) -> None:
    from monitor.db.session import session_factory

    session = session_factory(sqlite_db)()
    seed_reports(session)
    paths = build_all_weekly(IsoWeek.parse("2026-W47"), created_by="scheduler")
    names = {Path(p).name for p in paths}
    assert {"mingguan-KAB-A-2026-W47.pdf", "mingguan-KOTA-B-2026-W47.pdf", "mingguan-semua-2026-W47.pdf",
            "mingguan-semua-2026-W47.xlsx", "mingguan-semua-2026-W47-csv.zip"} <= names
    assert len(paths) == 3 * 4  # HTML, PDF, XLSX and the CSV archive each
    # One moment for the whole run: the reports agree with each other and share one directory.
    assert len({Path(p).parent for p in paths}) == 1
    assert session.scalar(select(func.count(Report.id))) == 12
    assert set(session.scalars(select(Report.created_by))) == {"scheduler"}
    session.close()


def test_crawl_wrappers_route_by_platform(session: Session) -> None:
    seed = seed_reports(session)
    # Without an X token nothing crawls X (its archive still comes by self-audit); without a YouTube key, the
    # uploads feed reads YouTube.
    assert crawl_for("bluesky") == "bluesky" and crawl_for("x") is None and crawl_for("youtube") == "feed"
    assert crawl_for("instagram") is None
    assert jobs.crawl_account(10_000) == []  # gone from the registry: nothing to do, no error
    from monitor.db.schema import Account, Employee

    emp = session.scalar(select(Employee))
    insta = Account(employee_id=emp.id, platform="instagram", handle="someone")
    session.add(insta)
    session.commit()
    assert jobs.crawl_account(insta.id) == []  # Instagram is import-only
    assert seed.account


def test_classify_without_profile_does_nothing(sqlite_db: str) -> None:
    assert jobs.classify_new() is None
