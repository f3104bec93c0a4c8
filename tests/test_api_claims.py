"""The API shows who holds an item as the pages do: a claim that ran out (NETRA_CLAIM_MINUTES) holds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from monitor.db.schema import ReviewItem
from monitor.db.session import session_factory
from monitor.db.types import utcnow
from monitor.review.queue import take_next
from tests.api_support import ApiEnv, api_env
from tests.seed import user


@pytest.fixture
def env(sqlite_db: str) -> Iterator[ApiEnv]:
    with api_env(sqlite_db) as e:
        yield e


def _listed(env: ApiEnv, item_id: int) -> tuple[dict, dict]:
    with env.client("reviewer2") as client:
        page = client.get("/items", params={"status": "all", "limit": 200}).json()
        case = client.get(f"/items/{item_id}").json()
    return next(i for i in page["items"] if i["id"] == item_id), case["item"]


def test_a_lapsed_claim_is_not_shown_as_held(env: ApiEnv) -> None:
    with session_factory(env.web.url)() as s:
        item = take_next(s, user(s, "reviewer"))
        assert item is not None and item.claimed_until is not None
        item_id, until = item.id, item.claimed_until
        s.commit()
    reviewer = env.web.data.users["reviewer"]

    for shown in _listed(env, item_id):  # live: the list and the case file name the holder and the claim's end
        assert shown["assignee_id"] == reviewer and shown["assignee"] == "Reviewer"
        assert shown["claimed_until"] is not None and shown["claimed_until"][:19] == until.isoformat()[:19]

    with session_factory(env.web.url)() as s:  # the claim runs out; the row still remembers who held it
        s.get(ReviewItem, item_id).claimed_until = utcnow() - timedelta(seconds=1)  # type: ignore[union-attr]
        s.commit()
    for shown in _listed(env, item_id):
        assert shown["assignee_id"] is None and shown["assignee"] is None and shown["claimed_until"] is None
    with env.client("reviewer2") as client:  # and the "unassigned" filter agrees with what is shown
        open_items = client.get("/items", params={"assignee": "none"}).json()["items"]
        assert item_id in [i["id"] for i in open_items]

    with session_factory(env.web.url)() as s:  # a supervisor's assignment has no end: shown as held
        row = s.get(ReviewItem, item_id)
        assert row is not None
        row.assignee_id, row.claimed_until = env.web.data.users["reviewer2"], None
        s.commit()
    for shown in _listed(env, item_id):
        assert shown["assignee_id"] == env.web.data.users["reviewer2"] and shown["assignee"] == "Reviewer2"
        assert shown["claimed_until"] is None
