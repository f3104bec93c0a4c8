"""Age and deadlines on the queue (issue 17): age column, oldest-first order with keyset pages, the overdue
badge after the agency's deadline (``review_due_days_agencies``, else ``review_due_days``), and counts per agency
and status, on both backends and through the page."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from monitor.config import Settings
from monitor.db.deadlines import ReviewDeadlines
from monitor.db.schema import ReviewItem
from monitor.db.session import session_factory
from monitor.db.types import utcnow
from monitor.review.queue import (
    Cursor,
    QueueError,
    QueueFilters,
    agency_counts,
    filtered_item_ids,
    is_overdue,
    queue_page,
)
from tests.seed import seed, user
from tests.web_support import WebEnv, make_env

# Queued this many days ago, against the id order (the newest id is the oldest item) so sorting by id would fail.
AGES = {"budi_post": 2, "budi_like": 9, "sari_comment": 1, "sari_hostile": 20, "budi_deleted": 3, "joko_photo": 30}


def _age_items(session: Session, items: dict[str, int], ages: dict[str, float] = AGES) -> None:
    now = utcnow()
    for name, days in ages.items():
        item = session.get(ReviewItem, items[name])
        assert item is not None
        item.created_at = now - timedelta(days=days, minutes=items[name])
    session.commit()


def test_oldest_first_pages_both_ways_and_counts_overdue(session: Session) -> None:
    data = seed(session)
    session.commit()
    _age_items(session, data.items)
    admin = user(session, "admin")
    filters = QueueFilters(sort="oldest")
    expected = [data.items[n] for n in sorted(AGES, key=lambda n: -AGES[n])]
    assert filtered_item_ids(session, admin, filters) == expected

    seen, after, pages = [], None, []
    while True:
        page = queue_page(session, admin, filters, after=after, per_page=2)
        pages.append(page)
        seen += [i.id for i in page.items]
        if page.next_cursor is None:
            break
        after = Cursor.decode(page.next_cursor.encode())  # through its text form, as the links carry it
    assert seen == expected and len(pages) == 3
    back = queue_page(session, admin, filters, before=Cursor.decode(pages[-1].prev_cursor.encode()), per_page=2)
    assert [i.id for i in back.items] == expected[2:4]
    with pytest.raises(QueueError, match="after"):  # a priority position in the age order
        queue_page(session, admin, filters, after=Cursor(50.0, 1))
    with pytest.raises(QueueError, match="sort"):
        QueueFilters.from_params({"sort": "random"})

    rows = {r.agency_id: r for r in agency_counts(session, admin, QueueFilters(), ReviewDeadlines(7))}
    kab_a, kab_b = data.agencies["KAB-A"], data.agencies["KAB-B"]
    assert rows[kab_a].counts["pending"] == 5 and rows[kab_a].overdue == 2  # 9 and 20 days
    assert rows[kab_b].counts["pending"] == 1 and rows[kab_b].overdue == 1
    # A decided item is never overdue; the reviewer's scope leaves KAB-B out.
    session.get(ReviewItem, data.items["sari_hostile"]).status = "decided"  # type: ignore[union-attr]
    session.flush()
    scoped = agency_counts(session, user(session, "reviewer"), QueueFilters(), ReviewDeadlines(7))
    assert [(r.agency_id, r.counts["decided"], r.overdue) for r in scoped] == [(kab_a, 1, 1)]


@pytest.fixture
def web(sqlite_db: str) -> WebEnv:
    env = make_env(sqlite_db)
    with session_factory(env.url)() as s:
        _age_items(s, env.data.items)
    return env


def test_queue_page_shows_age_overdue_badge_and_agency_counts(web: WebEnv) -> None:
    client = web.client("admin", review_due_days=5)
    page = client.get("/queue?sort=oldest&n=2")
    assert page.status_code == 200
    rows = re.findall(r'<td data-label="Umur"[^>]*>([^<]*)(<span class="tag tag-overdue">)?', page.text)
    # The admin sees KAB-A and KAB-B: joko_photo (30 days) then sari_hostile (20 days), both past 5 days.
    assert [(age.strip(), bool(badge)) for age, badge in rows] == [("30 hari", True), ("20 hari", True)]
    assert f'href="/items/{web.data.items["joko_photo"]}"' in page.text
    nxt = re.search(r'rel="next" href="([^"]+)"', page.text)
    assert nxt is not None and "sort=oldest" in nxt.group(1)
    second = client.get(nxt.group(1).replace("&amp;", "&")).text
    assert [a.strip() for a, _ in re.findall(
        r'<td data-label="Umur"[^>]*>([^<]*)(<span class="tag tag-overdue">)?', second)] == ["9 hari", "3 hari"]

    summary = page.text.split('id="agency-counts"', 1)[1].split("</details>", 1)[0]
    kab_a = summary.split(f'data-agency="{web.data.agencies["KAB-A"]}"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'class="num">(\d+)<', kab_a) == ["5", "0", "0", "0"]
    assert '<span class="tag tag-overdue">2</span>' in kab_a  # 9 and 20 days past a 5-day deadline
    assert f'data-agency="{web.data.agencies["KAB-B"]}"' in summary

    # The default order is by priority, and a reviewer's summary holds only its own agency.
    reviewer = web.client("reviewer").get("/queue").text
    assert "Diurutkan menurut prioritas" in reviewer
    assert f'data-agency="{web.data.agencies["KAB-B"]}"' not in reviewer
    assert client.get("/queue?sort=bogus").status_code == 400


# Per agency deadlines: KAB-A's items wait 5 days, KAB-B's 10; the general deadline (3 days) is nobody's.
PER_AGENCY = {"review_due_days": 3, "review_due_days_agencies": {"KAB-A": 5, "KAB-B": 10}}
# budi_like (KAB-A) and joko_photo (KAB-B) have waited the same 6 days; sari_comment (KAB-A) 4 days.
SAME_AGE = {"budi_post": 1, "budi_like": 6, "sari_comment": 4, "sari_hostile": 2, "budi_deleted": 1, "joko_photo": 6}


def test_each_agency_is_counted_overdue_after_its_own_deadline(session: Session,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    data = seed(session)
    session.commit()
    _age_items(session, data.items, SAME_AGE)
    kab_a, kab_b = data.agencies["KAB-A"], data.agencies["KAB-B"]
    settings = Settings(**PER_AGENCY)
    deadlines = ReviewDeadlines.load(session, settings)
    assert deadlines == ReviewDeadlines(3, {kab_a: 5, kab_b: 10})
    assert (deadlines.days(kab_a), deadlines.days(kab_b), deadlines.days(999)) == (5, 10, 3)

    admin = user(session, "admin")
    rows = {r.agency_id: r.overdue for r in agency_counts(session, admin, QueueFilters(), deadlines)}
    assert rows == {kab_a: 1, kab_b: 0}  # budi_like is past 5 days; joko_photo, as old, is within 10
    # The general deadline alone would count sari_comment (4 days) and joko_photo too.
    assert {r.agency_id: r.overdue for r in agency_counts(session, admin, QueueFilters(), ReviewDeadlines(3))} == {
        kab_a: 2, kab_b: 1}
    # An agency given the general deadline's days is counted as the general rule counts it.
    same = ReviewDeadlines(5, {kab_a: 5})
    assert {r.agency_id: r.overdue for r in agency_counts(session, admin, QueueFilters(), same)} == {
        kab_a: 1, kab_b: 1}

    # The Python rule (the badge) agrees with the SQL one (the counts) item by item.
    now = utcnow()
    late = {i.id for i in session.query(ReviewItem) if is_overdue(i, deadlines, now)}
    assert late == {data.items["budi_like"]}

    # A code no agency has is said in the log, not silently taken for the default.
    with caplog.at_level(logging.WARNING, logger="monitor.db.deadlines"):
        odd = ReviewDeadlines.load(session, Settings(review_due_days_agencies={"KAB-A": 5, "KAB-Z": 2}))
    assert odd.own == {kab_a: 5} and "KAB-Z" in caplog.text


def test_the_deadline_note_names_the_common_deadline_and_the_exceptions() -> None:
    rule = ReviewDeadlines(7, {1: 3, 2: 10})
    assert rule.among([1, 2, 3]) == (7, {1: 3, 2: 10})
    assert rule.among([1]) == (3, {})  # one agency: its own deadline is the common one
    assert rule.among([1, 2]) == (None, {1: 3, 2: 10})  # all their own, and they differ
    assert rule.among([3]) == (7, {}) and rule.among([]) == (7, {})
    assert ReviewDeadlines(7, {1: 3, 2: 3}).among([1, 2]) == (3, {})


@pytest.fixture
def web_both(db_url: str) -> WebEnv:
    env = make_env(db_url)
    with session_factory(env.url)() as s:
        _age_items(s, env.data.items, SAME_AGE)
    return env


def _badges(html: str) -> dict[int, bool]:
    """Item id → whether its row carries the overdue badge."""
    rows = re.findall(r'href="/items/(\d+)">[^<]*</a></td>\s*<td data-label="Umur"[^>]*>[^<]*'
                      r'(<span class="tag tag-overdue">)?', html)
    return {int(item): bool(badge) for item, badge in rows}


def _count_row(html: str, agency_id: int) -> tuple[str, str]:
    summary = html.split('id="agency-counts"', 1)[1].split("</details>", 1)[0]
    row = summary.split(f'data-agency="{agency_id}"', 1)[1].split("</tr>", 1)[0]
    due = re.search(r'class="num due-days">([^<]*)<', row)
    late = re.search(r'class="num overdue-count">(?:<span class="tag tag-overdue">)?(\d+)<', row)
    assert due is not None and late is not None, row
    return due.group(1), late.group(1)


def test_queue_page_badges_and_counts_follow_each_agencys_deadline(web_both: WebEnv) -> None:
    items, agencies = web_both.data.items, web_both.data.agencies
    page = web_both.client("admin", **PER_AGENCY).get("/queue?sort=oldest")
    assert page.status_code == 200
    badges = _badges(page.text)
    assert len(badges) == len(SAME_AGE)
    # Same age, six days: KAB-A's item is past its 5 days, KAB-B's within its 10.
    assert badges[items["budi_like"]] is True and badges[items["joko_photo"]] is False
    assert [name for name in SAME_AGE if badges[items[name]]] == ["budi_like"]
    assert _count_row(page.text, agencies["KAB-A"]) == ("5 hari", "1")
    assert _count_row(page.text, agencies["KAB-B"]) == ("10 hari", "0")
    assert ("Tenggat tinjauan sejak masuk antrean: Pemerintah Kabupaten Sukamaju 5 hari, "
            "Pemerintah Kota Tirtamulya 10 hari.") in page.text

    # Only KAB-A with a deadline of its own: KAB-B falls back to the general 3 days, and joko_photo is late.
    only_a = web_both.client("admin", review_due_days=3, review_due_days_agencies={"KAB-A": 5})
    page = only_a.get("/queue?sort=oldest").text
    assert _badges(page)[items["joko_photo"]] is True and _badges(page)[items["sari_comment"]] is False
    assert _count_row(page, agencies["KAB-B"]) == ("3 hari", "1")
    assert "Tenggat tinjauan: 3 hari sejak masuk antrean, kecuali Pemerintah Kabupaten Sukamaju 5 hari." in page

    # A reviewer of KAB-A alone reads KAB-A's deadline, the agency filter keeps the per agency counts.
    reviewer = web_both.client("reviewer", **PER_AGENCY).get("/queue?sort=oldest").text
    assert "Tenggat tinjauan: 5 hari sejak masuk antrean." in reviewer
    assert _count_row(reviewer, agencies["KAB-A"]) == ("5 hari", "1")
    filtered = web_both.client("admin", **PER_AGENCY).get(f"/queue?sort=oldest&agency={agencies['KAB-B']}").text
    assert set(_badges(filtered)) == {items["joko_photo"]} and not any(_badges(filtered).values())
