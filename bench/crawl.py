"""Crawl throughput: the real Bluesky spider storing to SQLite and PostgreSQL, against bare Scrapy.

A replay server holds ``--accounts`` declared accounts × ``--posts`` posts each
(author-feed pages generated in memory, one post in five a repost of a
candidate's post, with facets and image alt texts like real ones). Four runs,
each in a fresh process (Twisted's reactor starts once per process), best of
``--repeat``:

- ``bare Scrapy``: a minimal spider that requests the same pages and turns each
  feed entry into a dict — the floor any Scrapy crawler pays (the baseline);
- ``parse only``: Netra's Bluesky spider, middlewares and settings, no item pipeline;
- ``SQLite``: the ingest pipeline storing into a fresh migrated SQLite file;
- ``PostgreSQL``: the same into a fresh database on ``--pg`` (skipped if unreachable).

Only the ingest pipeline runs (not the media pipeline: the generated image
URLs lead nowhere). Printed: pages/s, stored activities/s, and each run's speed as a
ratio of bare Scrapy's (1.00 = as fast as bare Scrapy; the target for storing is ≥ 0.5).

    .venv/bin/python bench/crawl.py [--accounts 1000] [--posts 50] [--pg URL]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from monitor.db.migrate import upgrade  # noqa: E402
from monitor.db.schema import Account, Activity, Agency, Employee  # noqa: E402
from monitor.db.scratch import scratch_database  # noqa: E402
from monitor.db.session import session_scope  # noqa: E402
from spiders.replay import JSON_TYPE, ReplayServer, Reply  # noqa: E402
from spiders.runner import CrawlPlan, crawl_in_this_process  # noqa: E402

CANDIDATE_DID = "did:plc:benchcandidate0000000000"
SETTINGS = {
    # A local server: no politeness waits; concurrency as a production crawl of many hosts would have.
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "ERROR",
    "NETRA_MAX_PAGES": 1000,
    # Ingestion only: the generated image URLs lead nowhere, and image fetching is measured elsewhere.
    "ITEM_PIPELINES": {"spiders.pipelines.IngestPipeline": 300},
}


def did(i: int) -> str:
    return f"did:plc:bench{i:020d}"


def handle(i: int) -> str:
    return f"asn{i:05d}.bsky.social"


def nip(i: int) -> str:
    """Valid, distinct NIPs: birth 1980-01-01 + i days, TMT 2005-01, sequence i."""
    from datetime import date, timedelta

    born = date(1980, 1, 1) + timedelta(days=i % 3000)
    return f"{born:%Y%m%d}200501{1 + i % 2}{i % 1000:03d}"


def post_view(author: int | None, n: int) -> dict[str, Any]:
    author_did = did(author) if author is not None else CANDIDATE_DID
    text = f"Pelayanan KTP-el hari ke-{n} lancar 🙏 #PelayananPublik #Sukamaju{n % 7}"
    tag_start = len(text.encode().split(b"#")[0])
    raw = text.encode()
    second = raw.index(b"#", tag_start + 1)
    return {
        "uri": f"at://{author_did}/app.bsky.feed.post/3lb{n:010d}",
        "cid": f"bafyrei{n:020d}",
        "author": {"did": author_did, "handle": handle(author) if author is not None else "calon.bsky.social",
                   "displayName": "ASN", "labels": [], "createdAt": "2023-11-20T09:14:27.512Z"},
        "record": {"$type": "app.bsky.feed.post", "createdAt": f"2024-11-{1 + n % 28:02d}T01:{n % 60:02d}:10.118Z",
                   "langs": ["id"], "text": text,
                   "facets": [{"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "PelayananPublik"}],
                               "index": {"byteStart": tag_start, "byteEnd": second - 1}},
                              {"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": f"Sukamaju{n % 7}"}],
                               "index": {"byteStart": second, "byteEnd": len(raw)}}]},
        "embed": {"$type": "app.bsky.embed.images#view", "images": [
            {"thumb": "https://cdn.example/t.jpg", "fullsize": "https://cdn.example/f.jpg",
             "alt": f"Petugas melayani warga nomor {n}"}]},
        "replyCount": 0, "repostCount": 1, "likeCount": n % 40, "quoteCount": 0,
        "indexedAt": f"2024-11-{1 + n % 28:02d}T01:{n % 60:02d}:10.549Z", "labels": [],
    }


def feed_page(account: int, posts: int) -> bytes:
    feed = []
    for k in range(posts):
        n = account * posts + k
        if k % 5 == 4:
            feed.append({"post": post_view(None, n), "reason": {
                "$type": "app.bsky.feed.defs#reasonRepost", "by": {"did": did(account), "handle": handle(account)},
                "uri": f"at://{did(account)}/app.bsky.feed.repost/3lr{n:010d}", "cid": f"bafyreirepost{n}",
                "indexedAt": f"2024-11-{1 + n % 28:02d}T02:00:00.000Z"}})
        else:
            feed.append({"post": post_view(account, n)})
    return json.dumps({"feed": feed}, ensure_ascii=False).encode()


def start_server(accounts: int, posts: int) -> ReplayServer:
    server = ReplayServer()

    def profile(_path: str, query: dict[str, list[str]]) -> Reply:
        actor = query["actor"][0]
        return Reply(200, json.dumps({"did": actor, "handle": actor, "labels": []}).encode(),
                     {"Content-Type": JSON_TYPE})

    def author_feed(_path: str, query: dict[str, list[str]]) -> Reply:
        account = int(query["actor"][0].removeprefix("did:plc:bench"))
        return Reply(200, feed_page(account, posts), {"Content-Type": JSON_TYPE})

    server.add_handler("/xrpc/app.bsky.actor.getProfile", profile)
    server.add_handler("/xrpc/app.bsky.feed.getAuthorFeed", author_feed)
    server.start()
    return server


def seed(url: str, accounts: int) -> None:
    upgrade(url)
    with session_scope(url) as s:
        agency = Agency(code="BENCH", name="Dinas Bench")
        s.add(agency)
        s.flush()
        s.execute(insert(Employee), [{"nip": nip(i), "name": f"ASN {i}", "agency_id": agency.id, "status": "PNS"}
                                     for i in range(accounts)])
        ids = dict(s.execute(select(Employee.nip, Employee.id)).all())
        s.execute(insert(Account), [{"employee_id": ids[nip(i)], "platform": "bluesky", "handle": handle(i),
                                     "external_id": did(i), "state": "active"} for i in range(accounts)])


def plan(accounts: int, base_url: str) -> CrawlPlan:
    targets = [{"handle": handle(i), "role": "declared", "account_id": i + 1, "external_id": did(i),
                "crawl_state": {}, "recheck_ids": []} for i in range(accounts)]
    declared = {did(i): i + 1 for i in range(accounts)}
    return CrawlPlan(kind="bluesky", targets=targets, declared=declared, base_url=base_url)


def _bare_child(base_url: str, accounts: int, posts: int, out: Any) -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class BareFeedSpider(scrapy.Spider):
        name = "bare"

        async def start(self) -> Any:
            for i in range(accounts):
                yield scrapy.Request(f"{base_url}/xrpc/app.bsky.feed.getAuthorFeed?actor={did(i)}&limit={posts}"
                                     "&filter=posts_with_replies")

        def parse(self, response: Any) -> Any:
            for entry in json.loads(response.body)["feed"]:
                post = entry["post"]
                yield {"uri": post["uri"], "text": post["record"]["text"], "author": post["author"]["did"],
                       "created_at": post["record"]["createdAt"], "repost": "reason" in entry}

    settings = {k: v for k, v in SETTINGS.items() if not k.startswith("NETRA_")}
    settings.update({"ITEM_PIPELINES": {}, "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": False,
                     "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareFeedSpider)
    started = time.perf_counter()
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    out.put((time.perf_counter() - started, stats.get("downloader/response_count", 0),
             stats.get("item_scraped_count", 0)))


def timed_bare(base_url: str, accounts: int, posts: int) -> tuple[float, int, int]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_bare_child, args=(base_url, accounts, posts, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def _child(plan_data: dict[str, Any], url: str | None, settings: dict[str, Any], out: Any) -> None:
    started = time.perf_counter()
    stats = crawl_in_this_process([CrawlPlan(**plan_data)], database_url=url, scrapy_settings=settings)["bluesky"]
    out.put((time.perf_counter() - started, stats.get("downloader/response_count", 0),
             stats.get("item_scraped_count", 0)))


def timed_crawl(the_plan: CrawlPlan, url: str | None, store: bool) -> tuple[float, int, int]:
    settings = dict(SETTINGS)
    if not store:
        settings["ITEM_PIPELINES"] = {}
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(the_plan.__dict__, url, settings, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL server URL ('off' to skip)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each kind; the best counts")
    args = parser.parse_args()

    server = start_server(args.accounts, args.posts)
    the_plan = plan(args.accounts, server.base_url)
    pages = args.accounts  # one feed page of --posts items per account (NETRA_PAGE_SIZE is 50)
    SETTINGS["NETRA_PAGE_SIZE"] = max(args.posts, 1)
    print(f"replay server {server.base_url}: {args.accounts} accounts × {args.posts} posts "
          f"({args.accounts * args.posts} acts)")

    rows: list[tuple[str, float, int, int]] = []
    best = min(timed_bare(server.base_url, args.accounts, args.posts) for _ in range(args.repeat))
    rows.append(("bare Scrapy", best[0], best[2], 0))
    best = min(timed_crawl(the_plan, None, store=False) for _ in range(args.repeat))
    rows.append(("parse only", best[0], best[2], 0))

    def storing(label: str, make_url: Any) -> None:
        timings = []
        for _ in range(args.repeat):
            with make_url() as url:
                seed(url, args.accounts)
                elapsed, _responses, items = timed_crawl(the_plan, url, store=True)
                with session_scope(url) as s:
                    stored = s.scalar(select(func.count()).select_from(Activity)) or 0
                timings.append((elapsed, items, stored))
        elapsed, items, stored = min(timings)
        rows.append((label, elapsed, items, stored))

    @contextmanager
    def sqlite_url() -> Iterator[str]:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"

    storing("SQLite", sqlite_url)
    if args.pg.lower() != "off":
        try:
            storing("PostgreSQL", lambda: scratch_database(args.pg, "netra_bench"))
        except OperationalError as exc:  # no server: report and go on with the SQLite figures
            print(f"PostgreSQL skipped: {exc}")
    server.stop()

    base = rows[0][1]
    print(f"{'run':<13}{'seconds':>9}{'pages/s':>10}{'items':>8}{'stored acts':>13}{'acts/s':>9}{'× bare':>8}")
    for label, elapsed, items, stored in rows:
        print(f"{label:<13}{elapsed:>9.2f}{pages / elapsed:>10.1f}{items:>8}{stored:>13}"
              f"{(stored / elapsed if stored else items / elapsed):>9.0f}{base / elapsed:>8.2f}")


if __name__ == "__main__":
    main()
