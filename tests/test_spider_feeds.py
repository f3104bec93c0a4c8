"""The RSS/Atom spider through the real Scrapy engine against the replay server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from monitor.db.schema import Account, Activity, Evidence, Post
from monitor.db.session import session_scope
from spiders.platforms import PLATFORMS
from spiders.replay import ReplayServer
from tests.crawl_helpers import run
from tests.declared import add_declared, add_watched

CHANNEL = "UCXtHcBMExToIxVrKaLOcAzQ"
RSS = "https://mastodon.example/@bambang_h.rss"

FIXTURES = PLATFORMS["rss"].fixtures


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(FIXTURES) as replay:
        yield replay


def test_youtube_and_rss_feeds(server: ReplayServer, db_url: str) -> None:
    yt = add_declared(db_url, "youtube", CHANNEL)
    add_declared(db_url, "rss", RSS, nip="199001152015032002")
    crawl_run = run("feed", server.base_url, db_url)
    assert crawl_run.status == "succeeded", crawl_run.error_log
    with session_scope(db_url) as s:
        videos = s.scalars(select(Post).where(Post.platform == "youtube").order_by(Post.posted_at)).all()
        assert [v.external_id for v in videos] == ["p9-NHnBy1yc", "H-f0ORF8m-E", "vIaPNjh0ejg"]
        first = videos[-1]
        assert first.url == "https://www.youtube.com/watch?v=vIaPNjh0ejg"
        assert first.author_external_id == "UCXtHcBMExToIxVrKaLOcAzQ"  # the entry's channel id, with UC
        assert first.posted_at == datetime(2024, 11, 26, 11, 0, 7, tzinfo=UTC)
        assert first.text.startswith("Praktikum IPA Kelas 8") and "Kurikulum Merdeka" in first.text
        assert {"IPA", "KurikulumMerdeka", "GuruIPA"} <= set(first.extras["hashtags"])
        assert first.extras["views"] == "873"
        ev = s.scalar(select(Evidence).where(Evidence.subject_key == "youtube:post:vIaPNjh0ejg"))
        assert ev.media_type == "application/xml" and b"<yt:videoId>vIaPNjh0ejg</yt:videoId>" in ev.raw
        assert s.scalar(select(func.count()).select_from(Activity).where(Activity.account_id == yt)) == 3
        assert s.get(Account, yt).crawl_state == {"etag": '"yt-v1"', "last_modified": "Wed, 27 Nov 2024 02:14:31 GMT"}

        items = {p.external_id: p for p in s.scalars(select(Post).where(Post.platform == "rss"))}
        assert len(items) == 3
        guid = items["https://mastodon.example/@bambang_h/113541398208099342"]  # by guid
        assert guid.text == "Upacara peringatan Hari Guru Nasional di SMPN 3 Sukamaju pagi ini. #HariGuruNasional"
        assert guid.posted_at == datetime(2024, 11, 25, 3, 10, 45, tzinfo=UTC)
        by_link = items["https://mastodon.example/@bambang_h/113526738378425165"]  # no guid: by link
        assert by_link.text == "Modul ajar Kurikulum Merdeka kelas 8 sudah saya unggah ke grup MGMP.\nSilakan dipakai."
        hashed = [p for k, p in items.items() if not k.startswith("http")]  # neither: hash of title and date
        assert len(hashed) == 1 and len(hashed[0].external_id) == 64


def test_conditional_get_and_idempotent_recrawl(server: ReplayServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "youtube", CHANNEL)
    add_declared(sqlite_db, "rss", RSS, nip="199001152015032002")
    run("feed", server.base_url, sqlite_db)
    second = run("feed", server.base_url, sqlite_db)
    assert second.status == "succeeded" and second.items_stored == 0
    yt_hits = server.hits_for("/feeds/videos.xml")
    assert "If-None-Match" not in yt_hits[0].headers
    assert yt_hits[1].headers["If-None-Match"] == '"yt-v1"'
    assert yt_hits[1].headers["If-Modified-Since"] == "Wed, 27 Nov 2024 02:14:31 GMT"
    assert yt_hits[1].status == 304 and second.stats.get("item_scraped_count", 0) == 3  # the RSS feed only
    with session_scope(sqlite_db) as s:
        assert s.scalar(select(func.count()).select_from(Evidence)) == 6


def test_robots_txt_is_obeyed_and_bad_feeds_are_logged(server: ReplayServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "rss", "https://blog.example/private/feed.rss")
    add_declared(sqlite_db, "rss", "https://blog.example/broken.rss", nip="199001152015032002")
    add_watched(sqlite_db, "youtube", CHANNEL)
    server.add("/broken.rss", {"body": "<html><body>Not a feed</body></html>",
                               "headers": {"Content-Type": "text/html"}})
    crawl_run = run("feed", server.base_url, sqlite_db)
    assert crawl_run.errors == 2 and crawl_run.status == "partial"
    errors = {e["account"]: e["error"] for e in crawl_run.error_log}
    assert "robots.txt" in errors["https://blog.example/private/feed.rss"]
    assert "not an RSS or Atom document" in errors["https://blog.example/broken.rss"]
    assert not server.hits_for("/private/feed.rss")
    with session_scope(sqlite_db) as s:  # the candidate's channel is stored as posts, without activities
        assert s.scalar(select(func.count()).select_from(Post).where(Post.platform == "youtube")) == 3
        assert s.scalar(select(func.count()).select_from(Activity)) == 0
