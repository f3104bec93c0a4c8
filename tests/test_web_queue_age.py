"""Age and deadlines on the queue (issue 17): age column, oldest-first order with keyset pages, the overdue
badge after ``review_due_days``, and counts per agency and status, on both backends and through the page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from monitor.db.schema import ReviewItem
from monitor.db.session import session_factory
from monitor.db.types import utcnow
from monitor.review.queue import Cursor, QueueError, QueueFilters, agency_counts, filtered_item_ids, queue_page
from tests.seed import seed, user
from tests.web_support import WebEnv, make_env

# Queued this many days ago, against the id order (the newest id is the oldest item) so sorting by id would fail.
AGES = {"budi_post": 2, "budi_like": 9, "sari_comment": 1, "sari_hostile": 20, "budi_deleted": 3, "joko_photo": 30}


def _age_items(session: Session, items: dict[str, int]) -> None:
    now = utcnow()
    for name, days in AGES.items():
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

    rows = {r.agency_id: r for r in agency_counts(session, admin, QueueFilters(), due_days=7)}
    kab_a, kab_b = data.agencies["KAB-A"], data.agencies["KAB-B"]
    assert rows[kab_a].counts["pending"] == 5 and rows[kab_a].overdue == 2  # 9 and 20 days
    assert rows[kab_b].counts["pending"] == 1 and rows[kab_b].overdue == 1
    # A decided item is never overdue; the reviewer's scope leaves KAB-B out.
    session.get(ReviewItem, data.items["sari_hostile"]).status = "decided"  # type: ignore[union-attr]
    session.flush()
    scoped = agency_counts(session, user(session, "reviewer"), QueueFilters(), due_days=7)
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
