"""The queue page: scoping per role, filters, counts, keyset pages, take-next and bulk assignment."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from monitor.db.schema import AuditLog, ReviewItem
from monitor.db.session import session_factory
from tests.web_support import WebEnv, make_env, post


@pytest.fixture
def web(sqlite_db: str) -> WebEnv:
    return make_env(sqlite_db)

ITEM_LINK = re.compile(r'href="/items/(\d+)"')


def _ids(html: str) -> list[int]:
    seen: list[int] = []
    for match in ITEM_LINK.findall(html):
        if int(match) not in seen:
            seen.append(int(match))
    return seen


def _item(env: WebEnv, item_id: int) -> ReviewItem:
    with session_factory(env.url)() as s:
        found = s.get(ReviewItem, item_id)
        assert found is not None
        return found


def test_queue_shows_each_role_only_its_scope(web: WebEnv) -> None:
    items = web.data.items
    kab_a = {v for k, v in items.items() if not k.startswith("joko")}
    expected = {
        "admin": set(items.values()),
        "supervisor": kab_a,
        "reviewer": kab_a,
        "auditor_a": kab_a,
        "auditor_b": {items["joko_photo"]},
        "reviewer_b": {items["joko_photo"]},
    }
    for username, wanted in expected.items():
        page = web.client(username).get("/queue")
        assert page.status_code == 200, username
        assert set(_ids(page.text)) == wanted, username
        if items["joko_photo"] not in wanted:
            assert "Joko" not in page.text and "198712302019021003" not in page.text
            assert "Tirtamulya" not in page.text  # not even the other agency's name in the filter
        assert f'<span class="count">{len(wanted)}</span>' in page.text  # pending count


def test_queue_is_ordered_and_pages_by_keyset(web: WebEnv) -> None:
    client = web.client("admin")
    full = _ids(client.get("/queue").text)
    with session_factory(web.url)() as s:
        prios = {i.id: i.priority for i in s.scalars(select(ReviewItem))}
    assert [prios[i] for i in full] == sorted(prios.values(), reverse=True)
    walked: list[int] = []
    url = "/queue?n=2"
    while url:
        html = client.get(url).text
        walked += _ids(html)
        nxt = re.search(r'rel="next" href="([^"]+)"', html)
        url = nxt.group(1).replace("&amp;", "&") if nxt else ""
    assert walked == full
    prev = re.search(r'rel="prev" href="([^"]+)"', html)
    assert prev is not None
    assert _ids(client.get(prev.group(1).replace("&amp;", "&")).text) == full[-4:-2]


def test_filters_and_bad_filters(web: WebEnv) -> None:
    client = web.client("admin")
    items = web.data.items
    assert _ids(client.get("/queue?kind=like").text) == [items["budi_like"]]
    assert set(_ids(client.get("/queue?platform=mastodon&candidate=k2").text)) == {
        items["sari_comment"], items["sari_hostile"]}
    assert _ids(client.get("/queue?date_from=2029-10-06&date_to=2029-10-06").text) == [items["joko_photo"]]
    assert _ids(client.get(f"/queue?agency={web.data.agencies['KAB-B']}").text) == [items["joko_photo"]]
    assert _ids(client.get("/queue?status=decided").text) == []
    for bad in ["status=hapus", "kind=tweet", "date_from=besok", "agency=abc", "after=xyz", "n=100000",
                "assignee=-3"]:
        response = client.get(f"/queue?{bad}")
        assert response.status_code == 400, bad
        assert "Filter tidak sah" in response.text
    # An auditor asking for another agency by filter gets nothing of it.
    auditor = web.client("auditor_a")
    assert _ids(auditor.get(f"/queue?agency={web.data.agencies['KAB-B']}").text) == []


def test_take_next_gives_the_best_open_item_in_scope(web: WebEnv) -> None:
    reviewer = web.client("reviewer")
    response = post(reviewer, "/queue/take", {})
    assert response.status_code == 303
    taken = int(response.headers["location"].rsplit("/", 1)[1])
    top = _ids(web.client("admin").get(f"/queue?agency={web.data.agencies['KAB-A']}").text)[0]
    assert taken == top
    assert _item(web, taken).assignee_id == web.data.users["reviewer"]
    # The second reviewer gets a different item.
    other = post(web.client("reviewer2"), "/queue/take", {})
    assert int(other.headers["location"].rsplit("/", 1)[1]) != taken
    assert post(web.client("auditor_a"), "/queue/take", {}).status_code == 403
    assert web.client("reviewer").get("/queue/take").status_code == 405


def test_bulk_assign_by_supervisor_only_within_scope(web: WebEnv) -> None:
    items = web.data.items
    supervisor = web.client("supervisor")
    page = supervisor.get("/queue").text
    assert 'id="assign-form"' in page
    chosen = [items["budi_like"], items["sari_comment"]]
    response = post(supervisor, "/queue/assign",
                    [("item_id", i) for i in chosen] + [("assignee", web.data.users["reviewer2"]),
                                                         ("return_to", "/queue?status=pending")])
    assert response.status_code == 303 and response.headers["location"] == "/queue?status=pending"
    assert {_item(web, i).assignee_id for i in chosen} == {web.data.users["reviewer2"]}
    assert "2 item ditugaskan" in supervisor.get("/queue").text
    with session_factory(web.url)() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "assign")).one()
        assert entry.detail == {"items": sorted(chosen), "assignee": "reviewer2"}

    # Outside the supervisor's scope: refused, nothing changes, nothing revealed.
    response = post(supervisor, "/queue/assign", [("item_id", items["joko_photo"]),
                                                   ("assignee", web.data.users["reviewer"])])
    assert response.status_code == 303
    assert _item(web, items["joko_photo"]).assignee_id is None
    assert "Penugasan gagal" in supervisor.get("/queue").text
    # An admin cannot give an item to someone who may not see it.
    admin = web.client("admin")
    post(admin, "/queue/assign", [("item_id", items["joko_photo"]), ("assignee", web.data.users["reviewer"])])
    assert _item(web, items["joko_photo"]).assignee_id is None
    # Release.
    post(supervisor, "/queue/assign", [("item_id", items["budi_like"]), ("assignee", "")])
    assert _item(web, items["budi_like"]).assignee_id is None

    for username in ("reviewer", "auditor_a"):
        client = web.client(username)
        assert 'id="assign-form"' not in client.get("/queue").text
        assert post(client, "/queue/assign", [("item_id", items["budi_post"]),
                                              ("assignee", web.data.users[username])]).status_code == 403
    assert _item(web, items["budi_post"]).assignee_id is None
