"""One request budget per platform host, shared by every crawler worker through Redis.

AutoThrottle and ``CONCURRENT_REQUESTS_PER_DOMAIN`` limit one process; the
platforms limit an IP (Bluesky ~3000 requests / 5 min, Mastodon 300 / 5 min
unauthenticated). Workers behind one egress IP therefore share one budget: a
GCRA (generic cell rate algorithm) slot reservation in a Lua script, so the
check-and-reserve is atomic across workers and the clock is Redis's own.

Settings: ``NETRA_RATE_LIMITS`` maps a host to ``[requests, seconds]``
(``"*"`` is the default for other hosts; a host missing with no ``"*"`` is not
limited); ``NETRA_RATE_BURST`` requests may go back to back; ``NETRA_REDIS_URL``.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

import redis
from scrapy import Request
from scrapy.crawler import Crawler

# KEYS[1]: the host's key. ARGV: interval ms, burst tolerance ms. Returns the wait in ms before sending.
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(tat + interval - now + tolerance + 1000))
return wait
"""

KEY_PREFIX = "netra:ratelimit:"


class SharedRateLimiter:
    """Reserve send slots per host; usable without Scrapy (the benchmark and tests call it directly)."""

    def __init__(self, client: redis.Redis, limits: dict[str, tuple[int, float]], *, burst: int = 1,
                 prefix: str = KEY_PREFIX):
        for host, (count, seconds) in limits.items():
            if count <= 0 or seconds <= 0:
                raise ValueError(f"NETRA_RATE_LIMITS[{host!r}]: requests and seconds must be positive")
        self.client = client
        self.limits = limits
        self.burst = max(1, burst)
        self.prefix = prefix
        self._reserve = client.register_script(RESERVE)

    def limit_for(self, host: str) -> tuple[int, float] | None:
        return self.limits.get(host) or self.limits.get("*")

    def reserve(self, host: str) -> float:
        """Seconds to wait before sending one request to ``host`` (0 when a slot is free now)."""
        limit = self.limit_for(host)
        if limit is None:
            return 0.0
        count, seconds = limit
        interval_ms = seconds * 1000.0 / count
        waited = self._reserve(keys=[self.prefix + host], args=[interval_ms, interval_ms * (self.burst - 1)])
        return float(waited) / 1000.0


class SharedRateLimitMiddleware:
    """Downloader middleware: every request waits for its host's shared slot before it is sent."""

    def __init__(self, limiter: SharedRateLimiter, crawler: Crawler):
        self.limiter = limiter
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedRateLimitMiddleware:
        settings = crawler.settings
        raw: dict[str, Any] = settings.getdict("NETRA_RATE_LIMITS")
        limits = {host: (int(v[0]), float(v[1])) for host, v in raw.items()}
        client = redis.Redis.from_url(settings.get("NETRA_REDIS_URL"))
        limiter = SharedRateLimiter(client, limits, burst=settings.getint("NETRA_RATE_BURST", 1),
                                    prefix=settings.get("NETRA_RATE_PREFIX", KEY_PREFIX))
        return cls(limiter, crawler)

    async def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).netloc
        wait = await asyncio.to_thread(self.limiter.reserve, host)
        if wait > 0:
            self.crawler.stats.inc_value("netra/ratelimit_wait_seconds", wait)
            await asyncio.sleep(wait)
