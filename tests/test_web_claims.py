"""Claims (issue 17): an item taken with "take next" is its reviewer's for ``claim_minutes``, then open again;
its holder can release it; others see who holds it and until when; saving a decision goes on to the next item."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from monitor.access.scoping import may_decide
from monitor.db.schema import AuditLog, ReviewItem
from monitor.db.session import session_factory
from monitor.db.types import utcnow
from monitor.review.queue import QueueFilters, assign, filtered_item_ids, take_next
from tests.seed import user
from tests.web_support import WebEnv, make_env, post


@pytest.fixture
def web(sqlite_db: str) -> WebEnv:
    return make_env(sqlite_db)


def _take(client) -> int:  # type: ignore[no-untyped-def]
    answer = post(client, "/queue/take", {})
    assert answer.status_code == 303 and answer.headers["location"].startswith("/items/"), answer.text[:300]
    return int(answer.headers["location"].rsplit("/", 1)[1])


def _expire(web: WebEnv, item_id: int) -> None:
    with session_factory(web.url)() as s:
        item = s.get(ReviewItem, item_id)
        assert item is not None and item.claimed_until is not None
        item.claimed_until = utcnow() - timedelta(seconds=1)
        s.commit()


def test_claim_lasts_the_configured_minutes_then_opens_for_others(db_url: str) -> None:
    env = make_env(db_url)
    with session_factory(env.url)() as s:
        reviewer, other = user(s, "reviewer"), user(s, "reviewer2")
        settings = env.settings.model_copy(update={"claim_minutes": 45})
        before = utcnow()
        taken = take_next(s, reviewer, settings=settings)
        assert taken is not None and taken.claimed_until is not None
        assert timedelta(minutes=44) < taken.claimed_until - before < timedelta(minutes=46)
        assert not may_decide(s, other, taken)
        assert taken.id not in filtered_item_ids(s, other, QueueFilters(assignee="none"))
        assert taken.id in filtered_item_ids(s, other, QueueFilters(assignee=reviewer.id))

        taken.claimed_until = utcnow() - timedelta(seconds=1)
        s.flush()
        assert may_decide(s, other, taken)
        assert taken.id in filtered_item_ids(s, other, QueueFilters(assignee="none"))
        assert taken.id not in filtered_item_ids(s, other, QueueFilters(assignee=reviewer.id))
        # The best open item is the expired one (it was the best before): the other reviewer gets it.
        again = take_next(s, other, settings=settings)
        assert again is not None and again.id == taken.id and again.assignee_id == other.id
        assert again.claimed_until is not None and again.claimed_until > utcnow()

        # A supervisor's assignment is not a claim: it does not run out.
        assign(s, user(s, "supervisor"), [taken.id], reviewer)
        assert taken.claimed_until is None and not may_decide(s, other, taken)


def test_other_reviewer_sees_holder_and_time_and_cannot_decide(web: WebEnv) -> None:
    holder = web.client("reviewer", claim_minutes=30)
    item_id = _take(holder)
    mine = holder.get(f"/items/{item_id}").text
    assert 'id="claim"' in mine and "Anda memegang item ini sampai" in mine and 'id="release-claim"' in mine

    other = web.client("reviewer2")
    page = other.get(f"/items/{item_id}").text
    with session_factory(web.url)() as s:
        until = s.get(ReviewItem, item_id).claimed_until  # type: ignore[union-attr]
    assert until is not None
    shown = (until + timedelta(hours=7)).strftime("%d-%m-%Y %H:%M")  # WIB
    assert "sedang dipegang oleh" in page and f"{shown} WIB" in page
    assert 'id="decision-form"' not in page and 'id="release-claim"' not in page
    refused = post(other, f"/items/{item_id}/decisions", {"verdict": "eskalasi", "note": "x"},
                   token_from=f"/items/{item_id}")
    assert refused.status_code == 403

    # Once the claim runs out the page says so and the other reviewer may decide.
    _expire(web, item_id)
    page = other.get(f"/items/{item_id}").text
    assert "berakhir pada" in page and 'id="decision-form"' in page


def test_holder_releases_and_others_cannot(web: WebEnv) -> None:
    holder = web.client("reviewer")
    item_id = _take(holder)
    other = web.client("reviewer2")
    refused = post(other, f"/items/{item_id}/lepas", {}, token_from=f"/items/{item_id}")
    assert refused.status_code == 303 and refused.headers["location"] == f"/items/{item_id}"
    # Without the CSRF token nothing happens.
    assert holder.post(f"/items/{item_id}/lepas", data={}).status_code == 403
    with session_factory(web.url)() as s:
        assert s.get(ReviewItem, item_id).assignee_id == web.data.users["reviewer"]  # type: ignore[union-attr]

    done = post(holder, f"/items/{item_id}/lepas", {}, token_from=f"/items/{item_id}")
    assert done.status_code == 303 and done.headers["location"] == "/queue"
    with session_factory(web.url)() as s:
        item = s.get(ReviewItem, item_id)
        assert item is not None and item.assignee_id is None and item.claimed_until is None
        entry = s.scalar(select(AuditLog).where(AuditLog.action == "release_claim"))
        assert entry is not None and entry.object_id == str(item_id) and entry.username == "reviewer"
    # Another agency's reviewer gets the item's 404, not a release.
    outsider = web.client("reviewer_b")
    assert post(outsider, f"/items/{item_id}/lepas", {}).status_code == 404


def test_saving_a_decision_goes_on_to_the_next_item(web: WebEnv) -> None:
    client = web.client("reviewer")
    first = _take(client)
    saved = post(client, f"/items/{first}/decisions",
                 {"verdict": "bukan_pelanggaran", "reason": "official_duty", "note": "bukan kampanye",
                  "expected_latest_id": "", "next_item": "1"}, token_from=f"/items/{first}")
    assert saved.status_code == 303, saved.text[:300]
    following = int(saved.headers["location"].rsplit("/", 1)[1])
    assert following != first
    page = client.get(saved.headers["location"]).text
    assert "tersimpan" in page and "Ini item berikutnya" in page and "Anda memegang item ini" in page
    with session_factory(web.url)() as s:
        assert s.get(ReviewItem, first).status == "decided"  # type: ignore[union-attr]
        taken = s.get(ReviewItem, following)
        assert taken is not None and taken.assignee_id == web.data.users["reviewer"]
        assert s.scalar(select(AuditLog).where(AuditLog.action == "take_next", AuditLog.object_id == str(following)))

    # Without the box ticked the reviewer stays on the item they decided.
    stay = post(client, f"/items/{following}/decisions",
                {"verdict": "eskalasi", "note": "perlu supervisor", "expected_latest_id": ""},
                token_from=f"/items/{following}")
    assert stay.headers["location"] == f"/items/{following}"
