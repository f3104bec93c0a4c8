"""The item page's previous/next links (keys k and j): pending items in the user's scope, in queue order."""

from __future__ import annotations

import pytest

from monitor.db.schema import ReviewItem
from monitor.db.session import session_factory
from monitor.review.neighbours import neighbours
from monitor.review.queue import QueueFilters, filtered_item_ids
from tests.seed import user
from tests.web_support import WebEnv, make_env, post


@pytest.fixture
def web(db_url: str) -> WebEnv:
    return make_env(db_url)


def test_previous_and_next_follow_the_queue_order_within_scope(web: WebEnv) -> None:
    with session_factory(web.url)() as s:
        reviewer = user(s, "reviewer")
        order = filtered_item_ids(s, reviewer, QueueFilters())  # pending, highest priority first
        assert len(order) == 5 and web.data.items["joko_photo"] not in order
        steps = [neighbours(s, reviewer, s.get(ReviewItem, i)) for i in order]  # type: ignore[arg-type]
    assert [n.previous_id for n in steps] == [None, *order[:-1]]
    assert [n.next_id for n in steps] == [*order[1:], None]

    client = web.client("reviewer")
    middle = client.get(f"/items/{order[2]}").text
    assert f'href="/items/{order[1]}" rel="prev" id="nav-prev"' in middle
    assert f'href="/items/{order[3]}" rel="next" id="nav-next"' in middle
    assert 'id="nav-prev"' not in client.get(f"/items/{order[0]}").text
    # KAB-B's reviewer steps through KAB-B's item only.
    outsider = web.client("reviewer_b").get(f"/items/{web.data.items['joko_photo']}").text
    assert 'id="nav-prev"' not in outsider and 'id="nav-next"' not in outsider

    # A decided item keeps its place: its neighbours are the pending items around it.
    answer = post(client, f"/items/{order[2]}/decisions",
                  {"verdict": "eskalasi", "note": "perlu supervisor", "expected_latest_id": ""},
                  token_from=f"/items/{order[2]}")
    assert answer.status_code == 303
    decided = client.get(f"/items/{order[2]}").text
    assert f'href="/items/{order[1]}" rel="prev"' in decided and f'href="/items/{order[3]}" rel="next"' in decided
    assert f'href="/items/{order[3]}" rel="prev"' not in client.get(f"/items/{order[1]}").text
    assert f'href="/items/{order[3]}" rel="next"' in client.get(f"/items/{order[1]}").text
