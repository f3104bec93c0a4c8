"""Scrapy settings for every Netra crawl, in one place (platform-formats.md §5 "suggested crawler defaults").

``crawl_settings()`` builds them from Netra's own settings (``monitor.config``)
so operators configure one thing: the ``NETRA_*`` keys below are the Settings
fields of the same environment variable names (docs/configuration.md). Tests
and the benchmark pass overrides (tiny retry delays, short timeouts, no pipeline).
"""

from __future__ import annotations

from typing import Any

from monitor.config import Settings, get_settings

BOT_NAME = "netra"

DOWNLOADER_MIDDLEWARES = {
    # Our retry replaces Scrapy's at the same position; it adds the waits.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
    # Below the retry in the response chain: a 503 HTML page is retried first, then reported.
    "spiders.middlewares.ExpectJsonMiddleware": 540,
    # Before the retry in the response chain: every answer's rate-limit headers are seen, 429s included.
    "spiders.middlewares.RateLimitWindowMiddleware": 565,
    "spiders.middlewares.ApiAuthMiddleware": 580,
}

# Close to the spider, so an exception from a callback is caught before Scrapy merely logs it; next, the
# response's items gathered into one (spiders.batching), so Scrapy's built-in middlewares see one item a page.
SPIDER_MIDDLEWARES = {"spiders.base.CallbackErrors": 950, "spiders.batching.PageBatches": 925}

ITEM_PIPELINES = {"spiders.pipelines.IngestPipeline": 300, "spiders.media_pipeline.MediaPipeline": 400}

# Fewer, cheaper garbage collections while the crawl runs (a third of its CPU time before).
EXTENSIONS = {"spiders.extensions.CrawlGarbageCollection": 0}


def crawl_settings(netra: Settings | None = None, **overrides: Any) -> dict[str, Any]:
    """The Scrapy settings dict for a crawl; ``overrides`` win (Scrapy setting names)."""
    netra = netra or get_settings()
    per_domain = max(1, netra.concurrent_requests_per_domain)
    settings: dict[str, Any] = {
        "BOT_NAME": BOT_NAME,
        "USER_AGENT": netra.user_agent,
        # API endpoints are not web pages; the feed spider turns robots.txt on for itself.
        "ROBOTSTXT_OBEY": False,
        "CONCURRENT_REQUESTS": max(8, per_domain * 4),
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_domain,
        "DOWNLOAD_DELAY": 0.0,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": 1.0,
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(per_domain),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 4,
        "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 522, 524, 408],
        "NETRA_RETRY_BASE_DELAY": netra.retry_base_delay,
        "NETRA_RETRY_MAX_DELAY": netra.retry_max_delay,
        "DOWNLOAD_TIMEOUT": 30,
        "DOWNLOADER_MIDDLEWARES": dict(DOWNLOADER_MIDDLEWARES),
        "SPIDER_MIDDLEWARES": dict(SPIDER_MIDDLEWARES),
        "ITEM_PIPELINES": dict(ITEM_PIPELINES),
        "EXTENSIONS": dict(EXTENSIONS),
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        # Scraped items logged as one line at DEBUG, not at all above it (spiders/logformatter.py).
        "LOG_FORMATTER": "spiders.logformatter.NetraLogFormatter",
        # A development lint that reads and parses a callback's source again for many responses (its cache is
        # keyed weakly on bound methods, which die at once): about 4 % of a crawl's parse time.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        # How far back a first crawl goes, and how many recent posts of a candidate are re-checked each run.
        "NETRA_MAX_PAGES": netra.max_pages,
        "NETRA_PAGE_SIZE": netra.page_size,
        "NETRA_WATCHED_PAGES": netra.watched_pages,
        # Items per commit, and the longest an item waits for one (spiders.pipelines).
        "NETRA_COMMIT_EVERY": netra.commit_every,
        "NETRA_COMMIT_WAIT": netra.commit_wait,
        # Whether those transactions run in a writer process of their own (spiders/store_process.py).
        "NETRA_WRITER_PROCESS": netra.writer_process,
        # Following lists: pages per crawl; and the longest wait for a spent rate-limit window.
        "NETRA_FOLLOW_PAGES": netra.follow_pages,
        "NETRA_RATE_LIMIT_MAX_WAIT": netra.rate_limit_max_wait,
    }
    settings.update(overrides)
    return settings
