"""Queue and decision services on SQLite and PostgreSQL (the ``db_url`` fixture)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from monitor.access.scoping import visible_agency_ids, visible_item
from monitor.db.guards import AppendOnlyViolation
from monitor.db.schema import Activity, Classification, Decision, ReviewItem
from monitor.review.decisions import DecisionError, DecisionForbidden, DecisionInput, decide, default_register, history
from monitor.review.queue import (
    Cursor,
    QueueError,
    QueueFilters,
    assign,
    compute_priority,
    enqueue,
    filtered_item_ids,
    queue_page,
    take_next,
)
from tests.seed import item, seed, user


@pytest.fixture
def seeded(session: Session):
    data = seed(session)
    session.commit()
    return data


def test_priority_orders_by_score_kind_hate_campaign_and_repeats() -> None:
    base = compute_priority(0.8, "like", False, False, 0)
    assert compute_priority(0.9, "like", False, False, 0) > base
    assert compute_priority(0.8, "post", False, False, 0) > base
    assert compute_priority(0.8, "like", True, False, 0) > base
    assert compute_priority(0.8, "like", False, True, 0) > base
    assert compute_priority(0.8, "like", False, False, 2) > compute_priority(0.8, "like", False, False, 1) > base
    assert compute_priority(0.8, "like", False, False, 9) == compute_priority(0.8, "like", False, False, 3)


def test_enqueue_is_idempotent_and_only_for_flagged(session: Session, seeded) -> None:
    activity = session.get(Activity, session.get(ReviewItem, seeded.items["budi_post"]).activity_id)
    cls = session.scalar(select(Classification).where(Classification.activity_id == activity.id))
    again = enqueue(session, activity, cls)
    assert again is not None and again.id == seeded.items["budi_post"]
    assert session.scalar(select(text("count(*)")).select_from(ReviewItem)) == len(seeded.items)
    unflagged = session.get(Activity, seeded.unflagged_activity_id)
    assert unflagged is not None
    assert session.scalar(select(ReviewItem).where(ReviewItem.activity_id == unflagged.id)) is None
    # agency comes from activity -> account -> employee
    assert item(session, seeded.items["joko_photo"]).agency_id == seeded.agencies["KAB-B"]


def test_scope_per_role(session: Session, seeded) -> None:
    a, b = seeded.agencies["KAB-A"], seeded.agencies["KAB-B"]
    assert visible_agency_ids(session, user(session, "admin")) is None
    assert visible_agency_ids(session, user(session, "supervisor")) == {a}
    assert visible_agency_ids(session, user(session, "auditor_b")) == {b}
    assert visible_item(session, user(session, "auditor_a"), seeded.items["joko_photo"]) is None
    assert visible_item(session, user(session, "auditor_b"), seeded.items["joko_photo"]) is not None
    assert visible_item(session, user(session, "admin"), 987654) is None


def test_queue_page_orders_filters_counts_and_pages(session: Session, seeded) -> None:
    admin = user(session, "admin")
    page = queue_page(session, admin, QueueFilters(), per_page=2)
    assert page.total == len(seeded.items)
    prios = [i.priority for i in page.items]
    assert prios == sorted(prios, reverse=True)
    seen = [i.id for i in page.items]
    cursor = page.next_cursor
    while cursor is not None:
        nxt = queue_page(session, admin, QueueFilters(), after=Cursor.decode(cursor.encode()), per_page=2)
        seen += [i.id for i in nxt.items]
        cursor = nxt.next_cursor
    assert seen == filtered_item_ids(session, admin, QueueFilters())
    assert len(set(seen)) == len(seeded.items)
    back = queue_page(session, admin, QueueFilters(), before=Cursor(nxt.items[0].priority, nxt.items[0].id),
                      per_page=2)
    assert [i.id for i in back.items] == seen[-len(nxt.items) - 2:-len(nxt.items)]

    reviewer = user(session, "reviewer")
    mine = queue_page(session, reviewer, QueueFilters())
    assert seeded.items["joko_photo"] not in {i.id for i in mine.items}
    likes = queue_page(session, admin, QueueFilters(kind="like"))
    assert [i.id for i in likes.items] == [seeded.items["budi_like"]]
    k2 = queue_page(session, admin, QueueFilters(candidate="k2", platform="mastodon"))
    assert {i.id for i in k2.items} == {seeded.items["sari_comment"], seeded.items["sari_hostile"]}
    dated = queue_page(session, admin, QueueFilters.from_params({"date_from": "2029-10-04", "date_to": "2029-10-04"}))
    assert [i.id for i in dated.items] == [seeded.items["budi_deleted"]]
    with pytest.raises(QueueError, match="status"):
        QueueFilters.from_params({"status": "bogus"})
    with pytest.raises(QueueError, match="date_from"):
        QueueFilters.from_params({"date_from": "kemarin"})


def test_take_next_and_assign(session: Session, seeded) -> None:
    reviewer = user(session, "reviewer")
    first = take_next(session, reviewer)
    assert first is not None and first.assignee_id == reviewer.id and first.agency_id == seeded.agencies["KAB-A"]
    assert take_next(session, reviewer).id == first.id  # own work first
    other = take_next(session, user(session, "reviewer2"))
    assert other is not None and other.id != first.id
    with pytest.raises(QueueError):
        take_next(session, user(session, "auditor_a"))

    supervisor = user(session, "supervisor")
    ids = [seeded.items["budi_like"], seeded.items["sari_comment"]]
    assign(session, supervisor, ids, reviewer)
    assert {item(session, i).assignee_id for i in ids} == {reviewer.id}
    with pytest.raises(QueueError, match="tidak ditemukan") as missing:
        assign(session, supervisor, [seeded.items["joko_photo"]], reviewer)  # outside supervisor's scope
    assert missing.value.field == "items"  # the code stays the field (the API's), the reason is for people
    with pytest.raises(QueueError, match="tidak boleh melihat"):
        assign(session, user(session, "admin"), [seeded.items["joko_photo"]], reviewer)
    with pytest.raises(QueueError, match="role"):
        assign(session, reviewer, ids, reviewer)


def test_decisions_append_only_with_history(session: Session, seeded) -> None:
    reviewer = user(session, "reviewer")
    it = item(session, seeded.items["budi_post"])
    assert default_register(session, it) == "discipline"
    assert default_register(session, item(session, seeded.items["sari_comment"])) == "ethics"
    with pytest.raises(DecisionError) as err:
        decide(session, it, reviewer, DecisionInput(verdict="pelanggaran", note="jelas"))
    assert err.value.field == "violation_code"
    first = decide(session, it, reviewer, DecisionInput(verdict="perlu_klarifikasi", note="akun diklaim diretas"))
    assert it.status == "clarification"
    with pytest.raises(DecisionError, match="expected_latest_id"):
        decide(session, it, reviewer, DecisionInput(verdict="eskalasi", note="x"))
    second = decide(session, it, reviewer, DecisionInput(
        verdict="pelanggaran", note="ajakan mencoblos", violation_code="social_campaign", candidate="k1",
        expected_latest_id=first.id))
    assert second.supersedes_id == first.id
    assert second.clause == "ikrar-2,ikrar-3" and second.register == "discipline"
    assert it.status == "decided"
    with pytest.raises(DecisionError, match="candidate"):
        decide(session, it, reviewer, DecisionInput(verdict="pelanggaran", note="n", violation_code="hoax",
                                                     candidate="k9", expected_latest_id=second.id))
    with pytest.raises(DecisionError, match="reason"):
        decide(session, it, reviewer, DecisionInput(verdict="bukan_pelanggaran", note="n",
                                                    expected_latest_id=second.id))
    third = decide(session, it, reviewer, DecisionInput(verdict="bukan_pelanggaran", note="salah orang",
                                                        reason="wrong_person", expected_latest_id=second.id))
    assert [d.id for d in history(session, it)] == [first.id, second.id, third.id]
    session.commit()

    second.note = "diubah"
    with pytest.raises(AppendOnlyViolation):
        session.flush()
    session.rollback()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text("UPDATE decision SET note = 'x' WHERE id = :i"), {"i": first.id})
    session.rollback()
    assert session.get(Decision, first.id).note == "akun diklaim diretas"

    # Auditors never decide; reviewers not on someone else's assigned item.
    other = item(session, seeded.items["budi_like"])
    with pytest.raises(DecisionForbidden):
        decide(session, other, user(session, "auditor_a"), DecisionInput(verdict="eskalasi", note="x"))
    other.assignee_id = user(session, "reviewer2").id
    with pytest.raises(DecisionForbidden):
        decide(session, other, reviewer, DecisionInput(verdict="eskalasi", note="x"))
