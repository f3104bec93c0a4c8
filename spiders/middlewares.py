"""Politeness and fault handling for every Netra spider, as Scrapy downloader middlewares.

- :class:`BackoffRetryMiddleware` is Scrapy's RetryMiddleware with a wait
  before each retry: the server's own hint when it gives one (``Retry-After``;
  Bluesky's ``RateLimit-Reset`` in epoch seconds; Mastodon's
  ``X-RateLimit-Reset`` as an ISO timestamp — platform-formats.md §1.1, §2.5),
  otherwise exponential backoff with full jitter. Waits are capped by
  ``NETRA_RETRY_MAX_DELAY`` so one server cannot stall a crawl for an hour.
- :class:`RateLimitWindowMiddleware` keeps the API's own budget: when X says a
  window is spent (``x-rate-limit-remaining: 0``), the next request to that
  endpoint waits for ``x-rate-limit-reset`` (epoch seconds) instead of earning a
  429 (https://docs.x.com/x-api/fundamentals/rate-limits), at most
  ``NETRA_RATE_LIMIT_MAX_WAIT``.
- :class:`ApiAuthMiddleware` adds the spider's credentials (a bearer token, an API
  key header) just before download, so they never sit in a queue or a stored URL.
- :class:`ExpectJsonMiddleware` refuses a response that is not JSON where the
  request said JSON is expected (load balancers answer with HTML error pages,
  §1.9), so the spider's errback logs it instead of a parser choking on it.

Both report nothing themselves: a request that finally fails reaches the
spider's errback, which records the error on the crawl run with the account
and URL (see :mod:`spiders.base`).
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from datetime import datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message

log = logging.getLogger(__name__)


class UnexpectedContentType(IgnoreRequest):
    """A JSON API answered with something else (an HTML error page, a captive portal)."""


def server_delay_hint(response: Response, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, from whichever rate-limit header it sent."""
    now = time.time() if now is None else now
    retry_after = _header(response, b"Retry-After")
    if retry_after:
        if retry_after.strip().isdigit():
            return float(retry_after.strip())
        try:
            return max(0.0, parsedate_to_datetime(retry_after).timestamp() - now)
        except (TypeError, ValueError):
            pass
    reset = _header(response, b"x-rate-limit-reset")  # X API v2: epoch seconds when the window reopens
    if reset and reset.strip().isdigit():
        return max(0.0, float(reset) - now)
    reset = _header(response, b"RateLimit-Reset")  # Bluesky / reference XRPC server: epoch seconds
    if reset and reset.strip().replace(".", "", 1).isdigit():
        return max(0.0, float(reset) - now)
    reset = _header(response, b"X-RateLimit-Reset")  # Mastodon: ISO 8601
    if reset:
        try:
            when = datetime.fromisoformat(reset.strip().replace("Z", "+00:00"))
            return max(0.0, when.timestamp() - now)
        except ValueError:
            pass
    return None


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry 429/5xx and network errors, waiting between attempts."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.base_delay = settings.getfloat("NETRA_RETRY_BASE_DELAY", 1.0)
        self.max_delay = settings.getfloat("NETRA_RETRY_MAX_DELAY", 300.0)

    def backoff(self, attempt: int, hint: float | None) -> float:
        """The wait before retry number ``attempt`` (1-based)."""
        if hint is not None:
            # A small jitter keeps many workers from returning at the same instant.
            return min(self.max_delay, hint + random.uniform(0, self.base_delay))
        return min(self.max_delay, random.uniform(0, self.base_delay * 2 ** (attempt - 1)))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        delay = self.backoff(retry.meta.get("retry_times", 1), server_delay_hint(response))
        self.crawler.stats.inc_value("netra/retry_wait_seconds", round(delay, 3))
        log.info("HTTP %s from %s: retrying in %.2fs", response.status, request.url, delay)
        await asyncio.sleep(delay)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        delay = self.backoff(retry.meta.get("retry_times", 1), None)
        log.info("%s on %s: retrying in %.2fs", type(exception).__name__, request.url, delay)
        await asyncio.sleep(delay)
        return retry


def window_key(request: Request) -> str:
    """The rate-limit window a request counts against: X limits per endpoint, so ids become ``:id``."""
    parts = urlparse_cached(request)
    return parts.netloc + re.sub(r"/\d+(?=/|$)", "/:id", parts.path)


class RateLimitWindowMiddleware:
    """Wait for a spent rate-limit window to reopen before sending to it again (X's own headers)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("NETRA_RATE_LIMIT_MAX_WAIT", 900.0)
        self.reopens: dict[str, float] = {}  # window -> epoch seconds

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RateLimitWindowMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        reopens = self.reopens.get(window_key(request))
        if reopens is None:
            return
        wait = min(self.max_wait, reopens - time.time())
        if wait > 0:
            self.crawler.stats.inc_value("netra/ratelimit_wait_seconds", round(wait, 3))
            log.info("rate-limit window of %s spent: waiting %.1fs", window_key(request), wait)
            await asyncio.sleep(wait)

    def process_response(self, request: Request, response: Response) -> Response:
        remaining = _header(response, b"x-rate-limit-remaining")
        reset = _header(response, b"x-rate-limit-reset")
        key = window_key(request)
        if remaining is not None and remaining.strip() == "0" and reset and reset.strip().isdigit():
            self.reopens[key] = float(reset)
        elif remaining is not None:
            self.reopens.pop(key, None)
        return response


class ApiAuthMiddleware:
    """Add the spider's credentials (``NetraSpider.auth_headers``) to each request as it is sent."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ApiAuthMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        headers = getattr(self.crawler.spider, "auth_headers", None)
        if headers is None or request.meta.get("netra_media"):
            return  # images come from CDNs: no API credentials go there
        for name, value in headers(request).items():
            request.headers[name] = value


class ExpectJsonMiddleware:
    """Turn a non-JSON answer to a JSON request (``meta["expect_json"]``) into a clear error."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExpectJsonMiddleware:
        return cls()

    def process_response(self, request: Request, response: Response) -> Response:
        if not request.meta.get("expect_json"):
            return response
        ctype = (_header(response, b"Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/json" or ctype.endswith("+json"):
            return response
        snippet = response.body[:80].decode("utf-8", "replace").replace("\n", " ")
        raise UnexpectedContentType(
            f"expected JSON, got {ctype or 'no content type'} (HTTP {response.status}): {snippet!r}"
        )
