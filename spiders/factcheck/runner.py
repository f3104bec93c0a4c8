"""Starting the fact-check crawl from code: ``netra crawl factcheck``, the scheduler's daily job, the demo.

Like :func:`spiders.runner.crawl`: the crawl run row is opened before Scrapy starts, and Scrapy runs
in a fresh spawned process (Twisted's reactor cannot restart), so a long-lived scheduler can crawl
every day. The articles already stored are looked up here and passed to the spider, which never
queries the database.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

from monitor.config import get_settings
from spiders.factcheck.store import ClaimStore
from spiders.store import IngestStore

SPIDER = "FactCheckSpider"


class FactCheckError(RuntimeError):
    """The crawl could not start: no feeds, or a feed that is not an http(s) URL."""


def crawl_in_this_process(feeds: list[str], *, run_id: int | None = None, base_url: str | None = None,
                          known_urls: list[str] | None = None, database_url: str | None = None,
                          scrapy_settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run the spider here (starts Twisted's reactor: once per process); returns Scrapy's stats."""
    from scrapy.crawler import CrawlerProcess

    from spiders.factcheck.spider import FactCheckSpider
    from spiders.settings import crawl_settings

    settings = crawl_settings(NETRA_DATABASE_URL=database_url or get_settings().resolved_database_url)
    settings.update(scrapy_settings or {})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FactCheckSpider)
    process.crawl(crawler, targets=[{"handle": f} for f in feeds], base_url=base_url, crawl_run_id=run_id,
                  options={"known_urls": known_urls or []})
    process.start()
    return dict(crawler.stats.get_stats()) if crawler.stats else {}


def _child(feeds: list[str], run_id: int, base_url: str | None, known: list[str], database_url: str,
           scrapy_settings: dict[str, Any] | None) -> None:
    crawl_in_this_process(feeds, run_id=run_id, base_url=base_url, known_urls=known, database_url=database_url,
                          scrapy_settings=scrapy_settings)


def crawl_factcheck(feeds: list[str], *, base_url: str | None = None, refetch: bool = False,
                    database_url: str | None = None, scrapy_settings: dict[str, Any] | None = None) -> int:
    """Crawl the fact-check feeds in a child process; returns the crawl run id."""
    feeds = [f.strip() for f in feeds if f and f.strip()]
    if not feeds:
        raise FactCheckError("no fact-check feeds to read")
    bad = [f for f in feeds if not f.lower().startswith(("http://", "https://"))]
    if bad:
        raise FactCheckError(f"not an http(s) feed URL: {bad[0]}")
    database_url = database_url or get_settings().resolved_database_url
    runs = IngestStore(database_url)
    runs.close_stale_runs()
    known = [] if refetch else sorted(ClaimStore(database_url).known_urls())
    shown = ", ".join(feeds[:5]) + (f" … (+{len(feeds) - 5})" if len(feeds) > 5 else "")
    run_id = runs.start_run(SPIDER, None, f"{len(feeds)} feeds: {shown}")
    child = multiprocessing.get_context("spawn").Process(
        target=_child, args=(feeds, run_id, base_url, known, database_url, scrapy_settings), name="netra-factcheck")
    child.start()
    child.join()
    if runs.run(run_id).status == "running":
        runs.record_error(run_id, account=None, url=None,
                          error=f"crawl process ended with exit code {child.exitcode} before finishing")
        runs.finish_run(run_id, failed=True)
    return run_id
