"""Saved queue filters: save, list, apply, overwrite and delete one's own; never see or delete another's."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from monitor.db.schema import SavedFilter
from monitor.db.session import session_factory
from monitor.review.saved_filters import MAX_PER_USER
from tests.web_support import WebEnv, csrf, make_env, post

SAVED_LINK = re.compile(r'<a href="/queue\?([^"]*)" class="saved-apply">([^<]*)</a>')


@pytest.fixture
def web(db_url: str) -> WebEnv:
    return make_env(db_url)


def _rows(env: WebEnv) -> list[SavedFilter]:
    with session_factory(env.url)() as s:
        return list(s.scalars(select(SavedFilter).order_by(SavedFilter.id)))


def _listed(html: str) -> dict[str, dict[str, str]]:
    return {name: dict(parse_qsl(href.replace("&amp;", "&"))) for href, name in SAVED_LINK.findall(html)}


def test_save_list_apply_overwrite_and_delete(web: WebEnv) -> None:
    reviewer = web.client("reviewer")
    items = web.data.items
    page = reviewer.get("/queue?q=kampa&kind=like&n=2&after=0.5_9").text
    # The form carries the filters of the page, not its position or page size.
    carried = dict(parse_qsl(re.search(r'name="params" value="([^"]*)"', page).group(1).replace("&amp;", "&")))
    assert carried == {"status": "pending", "kind": "like", "q": "kampa"}

    response = post(reviewer, "/queue/filters", {"name": "  Suka   kampanye ", "params": "q=kampa&kind=like&n=2"})
    assert response.status_code == 303  # post/redirect/get, to the queue under the saved filters
    assert dict(parse_qsl(urlsplit(response.headers["location"]).query)) == {
        "status": "pending", "kind": "like", "q": "kampa"}
    landed = reviewer.get(response.headers["location"]).text
    assert "Saringan “Suka kampanye” disimpan." in landed
    listed = _listed(landed)
    assert listed == {"Suka kampanye": {"status": "pending", "kind": "like", "q": "kampa"}}
    # Applying it is following its link: the queue under those filters.
    applied = reviewer.get("/queue", params=listed["Suka kampanye"]).text
    assert set(map(int, re.findall(r'href="/items/(\d+)"', applied))) == {items["budi_like"]}

    # The same name again overwrites; another name adds one.
    post(reviewer, "/queue/filters", {"name": "Suka kampanye", "params": "status=all&platform=mastodon"})
    post(reviewer, "/queue/filters", {"name": "Belum ditugaskan", "params": "assignee=none"})
    rows = _rows(web)
    assert [(r.name, r.params) for r in rows] == [
        ("Suka kampanye", {"status": "all", "platform": "mastodon"}),
        ("Belum ditugaskan", {"status": "pending", "assignee": "none"})]
    assert list(_listed(reviewer.get("/queue").text)) == ["Belum ditugaskan", "Suka kampanye"]

    response = post(reviewer, f"/queue/filters/{rows[0].id}/delete", {"return_to": "/queue?status=all"})
    assert response.status_code == 303 and response.headers["location"] == "/queue?status=all"
    after = reviewer.get("/queue?status=all").text
    assert "Saringan “Suka kampanye” dihapus." in after
    assert list(_listed(after)) == ["Belum ditugaskan"]
    assert [r.name for r in _rows(web)] == ["Belum ditugaskan"]
    # An off-site return address is not followed.
    response = post(reviewer, f"/queue/filters/{rows[1].id}/delete", {"return_to": "https://evil.example/"})
    assert response.headers["location"] == "/queue"


def test_another_users_filters_are_neither_listed_nor_deletable(web: WebEnv) -> None:
    mine = web.client("reviewer")
    post(mine, "/queue/filters", {"name": "Rahasia saya", "params": "q=budi"})
    (row,) = _rows(web)
    other = web.client("reviewer2")
    page = other.get("/queue").text
    assert "Rahasia saya" not in page and _listed(page) == {}
    for attacker in (other, web.client("admin"), web.client("auditor_a")):
        response = post(attacker, f"/queue/filters/{row.id}/delete", {})
        assert response.status_code == 404
    assert post(other, "/queue/filters/99999999999999999999/delete", {}).status_code in (404, 422)
    assert [r.id for r in _rows(web)] == [row.id]
    # Each saves under the same name without touching the other's.
    post(other, "/queue/filters", {"name": "Rahasia saya", "params": "kind=post"})
    assert {(r.user_id, r.params.get("q"), r.params.get("kind")) for r in _rows(web)} == {
        (web.data.users["reviewer"], "budi", None), (web.data.users["reviewer2"], None, "post")}
    assert _listed(mine.get("/queue").text)["Rahasia saya"] == {"status": "pending", "q": "budi"}


def test_saving_refuses_without_token_name_or_valid_filters(web: WebEnv) -> None:
    client = web.client("reviewer")
    assert client.post("/queue/filters", data={"name": "x", "params": ""}).status_code == 403  # no CSRF token
    token = csrf(client, "/queue")
    response = client.post("/queue/filters", data={"name": "x", "params": "", "csrf_token": "salah" + token})
    assert response.status_code == 403
    post(client, "/queue/filters", {"name": "tersimpan"})
    (row,) = _rows(web)
    assert client.post(f"/queue/filters/{row.id}/delete", data={}).status_code == 403
    assert len(_rows(web)) == 1

    response = post(client, "/queue/filters", {"name": "   ", "params": "kind=like"})
    assert response.status_code == 303
    assert "Beri nama saringan" in client.get(response.headers["location"]).text
    response = post(client, "/queue/filters", {"name": "n" * 65, "params": "kind=like"})
    assert "paling banyak 64 karakter" in client.get(response.headers["location"]).text
    response = post(client, "/queue/filters", {"name": "rusak", "params": "kind=tweet"})
    assert response.headers["location"] == "/queue"
    assert "filter tidak sah" in client.get("/queue").text
    # Hostile search text is kept as typed, and shown escaped.
    post(client, "/queue/filters", {"name": "<b>tebal</b>", "params": 'q="><script>alert(1)</script>'})
    page = client.get("/queue").text
    assert "<script>alert(1)</script>" not in page and "<b>tebal</b>" not in page
    assert "&lt;b&gt;tebal&lt;/b&gt;" in page
    assert len(_rows(web)) == 2


def test_saved_filters_are_capped_per_user(web: WebEnv) -> None:
    client = web.client("reviewer")
    with session_factory(web.url)() as s:
        s.add_all([SavedFilter(user_id=web.data.users["reviewer"], name=f"s{n}", params={"status": "pending"})
                   for n in range(MAX_PER_USER)])
        s.commit()
    response = post(client, "/queue/filters", {"name": "satu lagi", "params": "kind=like"})
    assert "hapus satu sebelum menyimpan lagi" in client.get(response.headers["location"]).text
    assert len(_rows(web)) == MAX_PER_USER
    post(client, "/queue/filters", {"name": "s3", "params": "kind=like"})  # overwriting one still works
    assert next(r for r in _rows(web) if r.name == "s3").params == {"status": "pending", "kind": "like"}
