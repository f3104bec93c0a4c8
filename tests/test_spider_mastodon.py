"""The Mastodon spider through the real Scrapy engine against the replay server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from monitor.db.schema import Account, Activity, Evidence, Post
from monitor.db.session import session_scope
from spiders.platforms import PLATFORMS
from spiders.platforms.mastodon.spider import html_to_text, parse_link_header
from spiders.replay import ReplayServer
from tests.crawl_helpers import activities, run
from tests.declared import add_declared, add_watched

BAMBANG = "bambang_h@mastodon.example"
CANDIDATE = "sutrisno_w@warga.example"
STATUSES = "/api/v1/accounts/109871234567890123/statuses"
CAND_URI = "https://warga.example/users/sutrisno_w/statuses/113528734401122334"
OWN = "https://mastodon.example/users/bambang_h/statuses/"
PAGE = {"NETRA_PAGE_SIZE": 4}

OWN_ONLY = sorted([
    (BAMBANG, "share", CAND_URI),
    (BAMBANG, "post", OWN + "113541398208099342"),
    (BAMBANG, "comment", OWN + "113526738378425165"),
    (BAMBANG, "post", OWN + "113503544606859411"),
])
WITH_WATCHED = sorted([*OWN_ONLY, (BAMBANG, "like", CAND_URI), (BAMBANG, "comment", OWN + "113541634538431727"),
                       # Bambang follows the watched candidate (and the health office, which is not kept).
                       (BAMBANG, "follow", "https://warga.example/users/sutrisno_w")])

FIXTURES = PLATFORMS["mastodon"].fixtures


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(FIXTURES) as replay:
        yield replay


def _status(status_id: str) -> dict:
    return json.loads((FIXTURES / f"status_{status_id}.json").read_text(encoding="utf-8"))


def test_html_to_text_keeps_links_mentions_and_hashtags() -> None:
    html = ('<p><span class="h-card"><a href="https://m.example/@yohana_s" class="u-url mention">@<span>yohana_s'
            '</span></a></span> cek <a href="https://disdukcapil.example/layanan-sabtu-panjang" rel="nofollow">'
            '<span class="invisible">https://</span><span class="ellipsis">disdukcapil.example/layanan</span>'
            '<span class="invisible">-sabtu-panjang</span></a><br>baris dua <a href="https://m.example/tags/Guru"'
            ' class="mention hashtag" rel="tag">#<span>Guru</span></a></p><p>paragraf</p>')
    text, links = html_to_text(html)
    assert text == ("@yohana_s cek https://disdukcapil.example/layanan-sabtu-panjang\nbaris dua #Guru\n\nparagraf")
    assert links == ["https://disdukcapil.example/layanan-sabtu-panjang"]
    assert parse_link_header('<https://h/a?max_id=1>; rel="next", <https://h/a?min_id=9>; rel="prev"') == {
        "next": "https://h/a?max_id=1", "prev": "https://h/a?min_id=9"}


def test_full_crawl_of_declared_and_watched_accounts(server: ReplayServer, db_url: str) -> None:
    add_declared(db_url, "mastodon", BAMBANG)
    add_watched(db_url, "mastodon", CANDIDATE)
    crawl_run = run("mastodon", server.base_url, db_url, **PAGE)
    assert crawl_run.status == "succeeded", crawl_run.error_log
    assert activities(db_url) == WITH_WATCHED
    asked = [h.query.get("max_id") for h in server.hits_for(STATUSES)]
    # The same page asked again right after itself is a retry (the tests' 1 s download timeout, on a loaded
    # machine), not a second reading.
    assert [m for i, m in enumerate(asked) if i == 0 or m != asked[i - 1]] == [None, ["113503544606859411"]]
    with session_scope(db_url) as s:
        acc = s.scalar(select(Account).where(Account.handle == BAMBANG))
        assert acc.external_id == "https://mastodon.example/users/bambang_h"
        assert acc.crawl_state == {"newest_id": "113542418421895873",
                                   "follows": {"https://warga.example/users/sutrisno_w": "sutrisno_w@warga.example"}}
        share = s.scalar(select(Activity).where(Activity.kind == "share"))
        # The boost's time is the wrapper's; the target is the original, keyed on its global uri.
        assert share.occurred_at == datetime(2024, 11, 25, 7, 30, 12, 345000, UTC)
        assert share.target_post.external_id == CAND_URI and "coblos nomor 2" in share.context_text
        reply = s.scalar(select(Activity).where(Activity.external_id == OWN + "113526738378425165"))
        assert reply.kind == "comment" and reply.target_post.author_handle == "yohana_s@mastodon.example"
        assert reply.text.startswith("@yohana_s Terima kasih Bu")
        cw = s.scalar(select(Activity).where(Activity.external_id == OWN + "113503544606859411"))
        assert cw.text.startswith("politik lokal\n")  # the content warning is the author's text too
        photo = s.scalar(select(Post).where(Post.external_id == OWN + "113541398208099342"))
        assert photo.extras["hashtags"] == ["harigurunasional", "guruhebat"]
        assert photo.extras["alt_texts"][0].startswith("Barisan guru berseragam")
        assert photo.text.endswith("#HariGuruNasional #GuruHebat")
        in_thread = s.scalar(select(Activity).where(Activity.external_id == OWN + "113541634538431727"))
        assert in_thread.target_post.author_handle == "fajar@warga.example"  # answers Fajar, not the root
        like = s.scalar(select(Activity).where(Activity.kind == "like"))
        assert like.occurred_at is None and json.loads(like.evidence.raw)["status"] == CAND_URI


def test_recrawl_uses_min_id_and_stores_nothing_new(server: ReplayServer, db_url: str) -> None:
    add_declared(db_url, "mastodon", BAMBANG)
    add_watched(db_url, "mastodon", CANDIDATE)
    run("mastodon", server.base_url, db_url, **PAGE)
    with session_scope(db_url) as s:
        counts = [s.scalar(select(func.count()).select_from(m)) for m in (Activity, Post, Evidence)]
    second = run("mastodon", server.base_url, db_url, **PAGE)
    assert second.status == "succeeded" and second.items_stored == 0, second.error_log
    assert server.hits_for(STATUSES)[-1].query == {"limit": ["4"], "min_id": ["113542418421895873"]}
    with session_scope(db_url) as s:
        assert [s.scalar(select(func.count()).select_from(m)) for m in (Activity, Post, Evidence)] == counts


def test_edited_and_deleted_statuses(server: ReplayServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "mastodon", BAMBANG)
    run("mastodon", server.base_url, sqlite_db, watched=False, **PAGE)
    edited = _status("113541398208099342")
    edited["content"] = edited["content"].replace("pagi ini", "pagi ini (foto: panitia)")
    edited["edited_at"] = "2024-11-25T04:00:00.000Z"
    server.add("/api/v1/statuses/113541398208099342", {"json": edited})
    server.add("/api/v1/statuses/113503544606859411",
               {"status": 404, "file": "error_404_record_not_found.json"})
    second = run("mastodon", server.base_url, sqlite_db, watched=False, **PAGE)
    assert second.status == "succeeded" and second.items_stored == 2, second.error_log
    with session_scope(sqlite_db) as s:
        subject = f"mastodon:post:{OWN}113541398208099342"
        query = select(Evidence.raw).where(Evidence.subject_key == subject).order_by(Evidence.version)
        versions = s.scalars(query).all()
        assert len(versions) == 2 and b"panitia" in versions[1] and b"panitia" not in versions[0]
        gone = s.scalar(select(Post).where(Post.external_id == OWN + "113503544606859411"))
        assert gone.deleted_at is not None and gone.text
    assert activities(sqlite_db) == OWN_ONLY


def test_missing_and_suspended_accounts(server: ReplayServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "mastodon", BAMBANG)
    gone = add_declared(sqlite_db, "mastodon", "hilang@mastodon.example", nip="199001152015032002")
    frozen = add_declared(sqlite_db, "mastodon", "@dibekukan@mastodon.example", nip="198807202012121003")
    crawl_run = run("mastodon", server.base_url, sqlite_db, watched=False, **PAGE)
    assert crawl_run.status == "partial" and crawl_run.errors == 2
    assert {e["account"] for e in crawl_run.error_log} == {"hilang@mastodon.example", "@dibekukan@mastodon.example"}
    assert all("/api/v1/accounts/lookup" in e["url"] for e in crawl_run.error_log)
    with session_scope(sqlite_db) as s:
        assert (s.get(Account, gone).state, s.get(Account, frozen).state) == ("not_found", "suspended")
    assert activities(sqlite_db) == OWN_ONLY


def test_rate_limit_with_iso_reset_and_html_error(server: ReplayServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "mastodon", BAMBANG)
    limited = {"status": 429, "file": "error_429_too_many_requests.json", "headers": {
        "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2099-11-25T08:05:00.000000Z"}}
    server.add(STATUSES, [limited, {"file": "account_statuses_page1.json"}], query={"limit": "4"})
    server.add("/api/v1/statuses/113526650339433491",
               {"body": "<html>maintenance</html>", "headers": {"Content-Type": "text/html"}})
    crawl_run = run("mastodon", server.base_url, sqlite_db, watched=False, **PAGE)
    assert crawl_run.stats["netra/retry_wait_seconds"] >= 0.3  # the reset hint, capped in tests
    assert crawl_run.status == "partial" and crawl_run.errors == 1
    assert "expected JSON" in crawl_run.error_log[0]["error"]
    # The parent could not be read; the comment was still stored (without its context) — nothing lost.
    assert activities(sqlite_db) == OWN_ONLY
