"""The fact-check spider (issue 19) through the real Scrapy engine, real HTTP and the claims store.

Two fact-checkers are served by the local replay server the way they publish: a WordPress site
(RSS 2.0, Yoast-style JSON-LD) and a Blogger site (Atom, links in Blogger's order). Their articles
carry one ClaimReview, a ClaimReview inside ``@graph``, one inside a top-level list, two
ClaimReviews, none at all, broken JSON-LD, or answer 404. The crawl is started the way ``netra crawl
factcheck`` and the scheduler's daily job start it (``spiders.factcheck.runner``: a spawned Scrapy
process, ``--base-url`` to the replay server), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select
from typer.testing import CliRunner

from models.hoax.wording import vector_version
from monitor.cli import app
from monitor.config import reset_settings_cache
from monitor.db.schema import ClaimReview, CrawlRun
from monitor.db.session import session_scope
from monitor.ops import scheduler as sched
from monitor.ops.jobs import resolve
from spiders.factcheck.runner import crawl_factcheck
from spiders.replay import ReplayServer
from tests.hoax_support import FakeEncoder

WIB = ZoneInfo("Asia/Jakarta")
FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_TIMEOUT": 5, "NETRA_RETRY_BASE_DELAY": 0.01,
        "NETRA_RETRY_MAX_DELAY": 0.3}

WP = "https://cekfakta.example"  # a WordPress fact-check site: RSS 2.0
WP_FEED = f"{WP}/feed/"
BLOG = "https://periksa.example"  # a Blogger fact-check site: Atom
BLOG_FEED = f"{BLOG}/feeds/posts/default"

ONE = f"{WP}/2029/10/salah-kpu-undur-pemungutan-suara/"
GRAPH = f"{WP}/2029/10/hoaks-tinta-pemilu-mengandung-babi/"
LISTED = f"{WP}/2029/10/menyesatkan-video-surat-suara-tercoblos/"
NO_REVIEW = f"{WP}/2029/10/penjelasan-tahapan-pilkada/"
GONE = f"{WP}/2029/10/artikel-yang-dihapus/"
TWO = f"{BLOG}/2029/10/dua-klaim-debat-calon.html"
BROKEN = f"{BLOG}/2029/10/klaim-ijazah-palsu.html"

WP_ORG = {"@type": "Organization", "name": "Cek Fakta Contoh", "url": WP}
BLOG_ORG = {"@type": "Organization", "name": "Periksa Dulu", "url": BLOG}


def rating(label: str, value: int) -> dict[str, Any]:
    return {"@type": "Rating", "alternateName": label, "ratingValue": value, "bestRating": 5, "worstRating": 1}


def review(claim: str, label: str, value: int, published: str, author: dict[str, Any], url: str | None,
           claimant: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "ClaimReview", "claimReviewed": claim, "datePublished": published, "author": author,
        "reviewRating": rating(label, value),
        "itemReviewed": {"@type": "Claim", "datePublished": published[:10],
                         "appearance": [{"@type": "CreativeWork", "url": "https://facebook.example/posts/1"}]},
    }
    if url:
        node["url"] = url
    if claimant:
        node["itemReviewed"]["author"] = {"@type": "Person", "name": claimant}
    return node


def article_page(title: str, *scripts: str) -> str:
    """An article page as WordPress and Blogger themes write it: JSON-LD scripts in the head, the text in the body."""
    blocks = "".join(f'<script type="application/ld+json" class="yoast-schema-graph">{s}</script>' for s in scripts)
    return (f'<!DOCTYPE html>\n<html lang="id-ID"><head><meta charset="UTF-8"><title>{title}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">{blocks}</head>'
            f'<body class="post-template-default single"><article><h1 class="entry-title">{title}</h1>'
            f"<p>Penjelasan lengkap ada di artikel ini.</p></article></body></html>")


def ld(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def one_review_page(label: str = "Salah", value: int = 1) -> str:
    node = {"@context": "https://schema.org",
            **review("KPU mengundurkan pemungutan suara ke hari Kamis karena banjir", label, value,
                     "2029-10-28T08:30:00+07:00", WP_ORG, ONE)}
    return article_page("[SALAH] KPU Mengundurkan Pemungutan Suara", ld(node))


PAGES: dict[str, str] = {
    GRAPH: article_page("[HOAKS] Tinta Pemilu Mengandung Babi", ld({"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": GRAPH, "url": GRAPH, "name": "[HOAKS] Tinta Pemilu Mengandung Babi"},
        {"@type": "Organization", "@id": f"{WP}/#organization", **WP_ORG},
        # No url of its own: the article it was found in is its debunk.
        review("Tinta pemilu 2029 mengandung lemak babi sehingga haram", "Hoaks", 1, "2029-10-27", WP_ORG, None),
        {"@type": "BreadcrumbList", "itemListElement": [{"@type": "ListItem", "position": 1, "item": WP}]},
    ]})),
    LISTED: article_page("[MENYESATKAN] Video Surat Suara Tercoblos", ld([
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Video Surat Suara Tercoblos",
         "datePublished": "2029-10-26T14:00:00+07:00"},
        {"@context": "https://schema.org", **review("Video surat suara sudah tercoblos untuk calon nomor 2 di TPS "
                                                    "Sukamaju", "Menyesatkan", 2, "2029-10-26T14:00:00+07:00",
                                                    WP_ORG, LISTED)},
    ])),
    NO_REVIEW: article_page("Mengenal Tahapan Pilkada 2029", ld({"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "headline": "Mengenal Tahapan Pilkada 2029", "url": NO_REVIEW}]})),
    TWO: article_page("Cek Fakta Debat Calon Bupati", ld({"@context": "https://schema.org", **review(
        "Calon nomor 1 menyebut angka kemiskinan Sukamaju naik 40 persen", "Salah", 1, "2029-10-25", BLOG_ORG, TWO,
        claimant="Calon nomor 1")}), ld({"@context": "https://schema.org", **review(
            "Calon nomor 2 menyebut 12 puskesmas baru dibangun sejak 2027", "Benar", 5, "2029-10-25", BLOG_ORG, TWO,
            claimant="Calon nomor 2")})),
    # A hand-edited ClaimReview with a trailing comma, after the theme's valid NewsArticle markup.
    BROKEN: article_page("Klaim Ijazah Palsu Calon", ld({"@context": "https://schema.org", "@type": "NewsArticle",
                                                         "headline": "Klaim Ijazah Palsu Calon"}),
                         '{\n  "@context": "https://schema.org",\n  "@type": "ClaimReview",\n'
                         '  "claimReviewed": "Ijazah calon nomor 3 palsu",\n}'),
}

WP_ITEMS = [  # newest first, as WordPress lists them
    (ONE, "[SALAH] KPU Mengundurkan Pemungutan Suara", "Tue, 28 Oct 2029 01:30:00 +0000", 1201),
    (GRAPH, "[HOAKS] Tinta Pemilu Mengandung Babi", "Sat, 27 Oct 2029 03:00:00 +0000", 1198),
    (LISTED, "[MENYESATKAN] Video Surat Suara Tercoblos", "Fri, 26 Oct 2029 07:00:00 +0000", 1190),
    (NO_REVIEW, "Mengenal Tahapan Pilkada 2029", "Thu, 25 Oct 2029 02:00:00 +0000", 1185),
    (GONE, "Artikel yang Dihapus", "Wed, 24 Oct 2029 02:00:00 +0000", 1180),
]


def wordpress_rss() -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><comments>{link}#respond</comments>"
        f"<dc:creator><![CDATA[Tim Cek Fakta]]></dc:creator><pubDate>{when}</pubDate>"
        f"<category><![CDATA[Cek Fakta]]></category><guid isPermaLink=\"false\">{WP}/?p={post_id}</guid>"
        f"<description><![CDATA[<p>{title}</p>]]></description>"
        f"<content:encoded><![CDATA[<p>{title}</p>]]></content:encoded></item>"
        for link, title, when, post_id in WP_ITEMS)
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
            'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">'
            f'<channel><title>Cek Fakta Contoh</title><atom:link href="{WP_FEED}" rel="self" '
            f'type="application/rss+xml" /><link>{WP}</link><description>Periksa sebelum berbagi</description>'
            "<lastBuildDate>Tue, 28 Oct 2029 01:31:02 +0000</lastBuildDate><language>id</language>"
            f"<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>1</sy:updateFrequency>{items}"
            "</channel></rss>")


def blogger_atom() -> str:
    def entry(link: str, title: str, post_id: int, when: str) -> str:
        return (f"<entry><id>tag:blogger.com,1999:blog-7001.post-{post_id}</id><published>{when}</published>"
                f"<updated>{when}</updated><category scheme='http://www.blogger.com/atom/ns#' term='Cek Fakta'/>"
                f"<title type='text'>{title}</title><content type='html'>&lt;p&gt;{title}&lt;/p&gt;</content>"
                # Blogger lists the comment and edit links before the page itself.
                f"<link rel='replies' type='application/atom+xml' href='{BLOG}/feeds/{post_id}/comments/default' "
                f"title='Post Comments'/><link rel='replies' type='text/html' href='{link}#comment-form'/>"
                f"<link rel='edit' type='application/atom+xml' href='https://www.blogger.example/feeds/7001/posts/"
                f"default/{post_id}'/><link rel='self' type='application/atom+xml' href='https://www.blogger.example/"
                f"feeds/7001/posts/default/{post_id}'/><link rel='alternate' type='text/html' href='{link}' "
                f"title='{title}'/><author><name>Periksa Dulu</name></author></entry>")

    return ("<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
            "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' xmlns:thr='http://purl.org/syndication/thread/1.0'>"
            "<id>tag:blogger.com,1999:blog-7001</id><updated>2029-10-25T20:00:00.000+07:00</updated>"
            "<title type='text'>Periksa Dulu</title>"
            f"<link rel='http://schemas.google.com/g/2005#feed' type='application/atom+xml' href='{BLOG_FEED}'/>"
            f"<link rel='self' type='application/atom+xml' href='{BLOG_FEED}'/>"
            f"<link rel='alternate' type='text/html' href='{BLOG}/'/><author><name>Periksa Dulu</name></author>"
            "<openSearch:totalResults>2</openSearch:totalResults>"
            + entry(TWO, "Cek Fakta Debat Calon Bupati", 501, "2029-10-25T20:00:00.000+07:00")
            + entry(BROKEN, "Klaim Ijazah Palsu Calon", 499, "2029-10-24T09:00:00.000+07:00")
            + "</feed>")


def path(url: str) -> str:
    return urlsplit(url).path


def serve_page(server: ReplayServer, url: str, body: str, status: int = 200) -> None:
    server.add(path(url), {"status": status, "body": body, "headers": {"Content-Type": "text/html; charset=UTF-8"}})


@pytest.fixture
def site() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        server.add("/robots.txt", {"body": "User-agent: *\nDisallow: /wp-admin/\n"})
        server.add(path(WP_FEED), {"body": wordpress_rss(),
                                   "headers": {"Content-Type": "application/rss+xml; charset=UTF-8"}})
        server.add(path(BLOG_FEED), {"body": blogger_atom(),
                                     "headers": {"Content-Type": "application/atom+xml; charset=UTF-8"}})
        serve_page(server, ONE, one_review_page())
        for url, body in PAGES.items():
            serve_page(server, url, body)
        serve_page(server, GONE, "<html><body><h1>404 Halaman tidak ditemukan</h1></body></html>", status=404)
        yield server


def crawl(server: ReplayServer, db_url: str, **kwargs: Any) -> CrawlRun:
    run_id = crawl_factcheck([WP_FEED, BLOG_FEED], base_url=server.base_url, database_url=db_url,
                             scrapy_settings=FAST, **kwargs)
    with session_scope(db_url) as s:
        return s.get(CrawlRun, run_id)


class Row(NamedTuple):
    id: int
    key: str
    claim: str
    rating: str
    verdict: str
    url: str
    reviewed_on: date | None
    publisher: str | None
    source: str
    created_at: datetime
    updated_at: datetime

    @property
    def published(self) -> tuple[Any, ...]:
        """What the fact-checker published: claim, rating, verdict, debunk URL, date, publisher."""
        return (self.claim, self.rating, self.verdict, self.url, self.reviewed_on, self.publisher)


def claims(db_url: str) -> list[Row]:
    """Every stored claim with what identifies and dates its row, in id order."""
    with session_scope(db_url) as s:
        return [Row(*(getattr(r, f) for f in Row._fields))
                for r in s.scalars(select(ClaimReview).order_by(ClaimReview.id))]


def by_claim(rows: list[Row]) -> dict[tuple[str, str], Row]:
    return {(r.url, r.claim): r for r in rows}


def fetches(server: ReplayServer, url: str) -> int:
    return len(server.hits_for(path(url)))


EXPECTED = {  # (claim, rating, verdict, debunk URL, date, publisher)
    ("KPU mengundurkan pemungutan suara ke hari Kamis karena banjir", "Salah", "false", ONE, date(2029, 10, 28),
     "Cek Fakta Contoh"),
    ("Tinta pemilu 2029 mengandung lemak babi sehingga haram", "Hoaks", "false", GRAPH, date(2029, 10, 27),
     "Cek Fakta Contoh"),
    ("Video surat suara sudah tercoblos untuk calon nomor 2 di TPS Sukamaju", "Menyesatkan", "misleading", LISTED,
     date(2029, 10, 26), "Cek Fakta Contoh"),
    ("Calon nomor 1 menyebut angka kemiskinan Sukamaju naik 40 persen", "Salah", "false", TWO, date(2029, 10, 25),
     "Periksa Dulu"),
    ("Calon nomor 2 menyebut 12 puskesmas baru dibangun sejak 2027", "Benar", "true", TWO, date(2029, 10, 25),
     "Periksa Dulu"),
}


def test_rss_and_atom_feeds_are_read_into_claims_and_recrawls_change_nothing(site: ReplayServer, db_url: str) -> None:
    first = crawl(site, db_url)
    # Two articles could not be read: the run says so, and names each with its feed and its own URL.
    assert (first.status, first.items_seen, first.items_stored, first.errors) == ("partial", 5, 5, 2)
    errors = {e["url"]: (e["account"], e["error"]) for e in first.error_log}
    assert set(errors) == {BROKEN, GONE}
    assert errors[BROKEN][0] == BLOG_FEED
    assert errors[BROKEN][1].startswith("JSON-LD script 2: invalid JSON (Expecting property name enclosed in "
                                        "double quotes at line 5)")
    assert errors[GONE][0] == WP_FEED and errors[GONE][1].startswith("HTTP 404")
    assert first.stats["netra/factcheck_articles_listed"] == 7
    assert first.stats["netra/factcheck_articles_without_claimreview"] == 1  # the explainer: skipped, no error
    assert site.hits_for("/robots.txt"), "robots.txt is read before the pages"

    stored = claims(db_url)
    assert {row.published for row in stored} == EXPECTED
    assert {row.source for row in stored} == {"crawl:factcheck"}
    assert len(stored) == 5 and len({row.key for row in stored}) == 5
    with session_scope(db_url) as s:
        raw = s.scalar(select(ClaimReview.raw).where(ClaimReview.url == TWO, ClaimReview.verdict == "true"))
        assert raw["itemReviewed"]["author"]["name"] == "Calon nomor 2"  # the ClaimReview is kept as published

    # The daily crawl: the articles whose claims are stored are not fetched again; nothing changes.
    second = crawl(site, db_url)
    assert (second.status, second.items_seen, second.items_stored, second.errors) == ("partial", 0, 0, 2)
    # Both feeds were read: the two articles that failed again make the run partial, not failed.
    assert (second.stats["netra/factcheck_feeds_read"], second.stats["netra/factcheck_articles_known"]) == (2, 4)
    assert claims(db_url) == stored
    assert [fetches(site, u) for u in (ONE, GRAPH, LISTED, TWO)] == [1, 1, 1, 1]
    # The articles that gave no claim are tried again (the broken one may be repaired by then).
    assert [fetches(site, u) for u in (NO_REVIEW, BROKEN, GONE)] == [2, 2, 2]

    # Every article read again: the same claims, no row added or touched, not even a timestamp.
    third = crawl(site, db_url, refetch=True)
    assert (third.status, third.items_seen, third.items_stored, third.errors) == ("partial", 5, 0, 2)
    assert claims(db_url) == stored


def test_a_revised_rating_updates_the_claim_in_place(site: ReplayServer, db_url: str) -> None:
    crawl(site, db_url)
    before = by_claim(claims(db_url))
    revised = (ONE, "KPU mengundurkan pemungutan suara ke hari Kamis karena banjir")

    serve_page(site, ONE, one_review_page("Menyesatkan", 2))
    # The daily crawl does not fetch an article whose claims are stored: the revision is not seen.
    crawl(site, db_url)
    assert fetches(site, ONE) == 1
    assert by_claim(claims(db_url)) == before

    # `netra crawl factcheck --refetch` reads it: the claim keeps its row, its rating and verdict change.
    result = CliRunner().invoke(app, ["crawl", "factcheck", "--base-url", site.base_url, "--feed", WP_FEED,
                                      "--feed", BLOG_FEED, "--refetch"])
    assert result.exit_code == 1, result.output  # the 404 and the broken page: the run is partial
    output = " ".join(result.output.split())  # the console wraps long lines
    assert "partial; 5 claims read, 0 new, 2 error(s)" in output
    assert f"{BLOG_FEED} {BROKEN}: JSON-LD script 2: invalid JSON" in output
    assert f"{WP_FEED} {GONE}: HTTP 404" in output
    assert fetches(site, ONE) == 2
    after = by_claim(claims(db_url))
    assert after.keys() == before.keys()  # no second version of the claim
    old, new = before.pop(revised), after.pop(revised)
    assert (new.id, new.key, new.created_at) == (old.id, old.key, old.created_at)
    assert (new.rating, new.verdict, new.reviewed_on) == ("Menyesatkan", "misleading", date(2029, 10, 28))
    assert new.updated_at > old.updated_at
    assert after == before  # the other claims are untouched


def test_crawled_and_csv_imported_claims_share_one_identity(site: ReplayServer, db_url: str, tmp_path: Path) -> None:
    crawl(site, db_url)
    stored = claims(db_url)
    table = tmp_path / "klaim-tim.csv"
    table.write_text("klaim;rating;url;tanggal;sumber\n"
                     f"KPU mengundurkan pemungutan suara ke hari Kamis karena banjir;Salah;{ONE};28/10/2029;"
                     "Cek Fakta Contoh\n"
                     "Bantuan sosial dihentikan bagi pemilih calon nomor 1;Hoaks;https://cekfakta.example/2029/10/"
                     "bansos/;20/10/2029;Cek Fakta Contoh\n"
                     f"Klaim tanpa rating;;{GRAPH};;\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["hoax", "import", str(table)])
    assert f"{table}:4: no rating" in result.output
    assert "1 new, 0 updated, 1 unchanged" in result.output
    again = CliRunner().invoke(app, ["hoax", "import", str(table)])
    assert "0 new, 0 updated, 2 unchanged" in again.output
    after = claims(db_url)
    assert after[:5] == stored and len(after) == 6
    assert (*after[5].published, after[5].source) == (
        "Bantuan sosial dihentikan bagi pemilih calon nomor 1", "Hoaks", "false",
        "https://cekfakta.example/2029/10/bansos/", date(2029, 10, 20), "Cek Fakta Contoh", "import:klaim-tim.csv")


# ------------------------------------------------------------------ the daily schedule


def test_the_scheduler_reads_the_fact_check_feeds_daily_before_the_workday(sqlite_db: str) -> None:
    spec = next(s for s in sched.fixed_job_specs(WIB) if s.id == "factcheck")
    assert (spec.func, spec.args) == ("monitor.ops.jobs:crawl_factcheck", ())
    assert isinstance(spec.trigger, CronTrigger)
    fires = [spec.trigger.get_next_fire_time(None, datetime(2029, 10, 27, 12, 0, tzinfo=WIB))]
    for _ in range(3):
        fires.append(spec.trigger.get_next_fire_time(fires[-1], fires[-1] + timedelta(seconds=1)))
    assert fires == [datetime(2029, 10, d, 5, 15, tzinfo=WIB) for d in (28, 29, 30, 31)]

    scheduler = sched.build_scheduler(sqlite_db)
    sched.start(scheduler, paused=True)
    try:
        assert sched.ensure_fixed_jobs(scheduler)["factcheck"] == "added"
        job = scheduler.get_job("factcheck")
        assert job.func_ref == "monitor.ops.jobs:crawl_factcheck" and job.args == ()
        assert (job.next_run_time.hour, job.next_run_time.minute, job.next_run_time.utcoffset()) == (
            5, 15, timedelta(hours=7))
        assert sched.ensure_fixed_jobs(scheduler)["factcheck"] == "unchanged"
    finally:
        sched.shutdown(scheduler, wait=False)


def test_a_weekly_job_reads_stored_articles_again_for_revised_verdicts(sqlite_db: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # The daily job never fetches a stored article, so a revised verdict needs a reading with --refetch.
    import spiders.factcheck.runner as runner

    spec = next(s for s in sched.fixed_job_specs(WIB) if s.id == "factcheck_recheck")
    assert (spec.func, spec.args) == ("monitor.ops.jobs:crawl_factcheck", (True,))
    first = spec.trigger.get_next_fire_time(None, datetime(2029, 10, 27, 12, 0, tzinfo=WIB))  # a Saturday
    assert first == datetime(2029, 10, 28, 4, 45, tzinfo=WIB)
    assert spec.trigger.get_next_fire_time(first, first + timedelta(seconds=1)) == first + timedelta(days=7)

    asked: list[tuple[list[str], bool]] = []

    def fake_crawl(feeds: list[str], *, refetch: bool = False, **_: object) -> int:
        asked.append((feeds, refetch))
        return 1

    monkeypatch.setattr(runner, "crawl_factcheck", fake_crawl)
    monkeypatch.setenv("NETRA_FACTCHECK_FEEDS", "https://cekfakta.example/feed/")
    reset_settings_cache()
    job = resolve(spec.func)
    assert job(*spec.args) == {"run": 1, "encoded": 0}
    assert job() == {"run": 1, "encoded": 0}  # the daily job, for comparison
    assert asked == [(["https://cekfakta.example/feed/"], True), (["https://cekfakta.example/feed/"], False)]


def test_the_daily_job_crawls_the_configured_feeds_and_encodes_their_claims(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.hoax import service

    job = resolve(next(s for s in sched.fixed_job_specs(WIB) if s.id == "factcheck").func)
    assert job() == {"run": None, "encoded": 0}  # no feed configured: claims come from `netra hoax import` only
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(CrawlRun)) == 0

    encoder = FakeEncoder()
    monkeypatch.setattr(service, "shared_encoder", lambda: encoder)
    with ReplayServer() as server:
        # The configured feeds are read where they are (no --base-url): articles of this server.
        server.add("/feed/", {"body": wordpress_rss().replace(WP, "{base}"),
                              "headers": {"Content-Type": "application/rss+xml"}})
        server.add("/feeds/posts/default", {"body": blogger_atom().replace(BLOG, "{base}"),
                                            "headers": {"Content-Type": "application/atom+xml"}})
        for url, body in [(ONE, one_review_page()), *PAGES.items()]:
            server.add(path(url), {"body": body.replace(WP, "{base}").replace(BLOG, "{base}"),
                                   "headers": {"Content-Type": "text/html; charset=UTF-8"}})
        base = server.base_url
        feeds = [f"{base}/feed/", f"{base}/feeds/posts/default"]
        monkeypatch.setenv("NETRA_FACTCHECK_FEEDS", ",".join(feeds))
        reset_settings_cache()
        result = job()
        assert {path(f) for f in feeds} | {path(ONE), path(TWO)} <= {h.path for h in server.hits}
        # The next day: the new crawl finds nothing new, and no claim is encoded again.
        next_day = job()
    assert result["encoded"] == 5 and next_day["encoded"] == 0
    with session_scope(db_url) as s:
        run = s.get(CrawlRun, result["run"])
        assert (run.spider, run.items_seen, run.items_stored, run.errors) == ("FactCheckSpider", 5, 5, 2)
        assert run.target == f"2 feeds: {feeds[0]}, {feeds[1]}"
        assert s.get(CrawlRun, next_day["run"]).items_stored == 0
        rows = s.scalars(select(ClaimReview)).all()
        assert sorted(r.url for r in rows) == sorted(
            u.replace(WP, base).replace(BLOG, base) for u in (ONE, GRAPH, LISTED, TWO, TWO))
        assert {r.embedding_model for r in rows} == {vector_version(encoder.version)}
    assert sum(encoder.calls) == 5


def test_feeds_that_cannot_be_read_fail_the_run_and_are_named_by_their_own_url(db_url: str) -> None:
    with ReplayServer() as server:
        server.add(path(WP_FEED), {"status": 404, "body": "<html><body>Tidak ditemukan</body></html>",
                                   "headers": {"Content-Type": "text/html"}})
        server.add(path(BLOG_FEED), {"body": "<html><body>Maintenance</body></html>",
                                     "headers": {"Content-Type": "text/html"}})
        run = crawl(server, db_url)
    assert (run.status, run.items_seen, run.errors) == ("failed", 0, 2)  # nothing was read
    errors = {e["account"]: (e["url"], e["error"]) for e in run.error_log}
    assert errors[WP_FEED][0] == WP_FEED and errors[WP_FEED][1].startswith("HTTP 404")
    assert errors[BLOG_FEED] == (BLOG_FEED, "not an RSS or Atom document (root <html>)")
    assert claims(db_url) == []
