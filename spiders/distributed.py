"""The Redis seam of the distributed crawl: the unchanged spiders run in any number of worker processes.

scrapy-redis supplies the shared request queue (``scrapy_redis.scheduler.Scheduler``)
and the shared seen-set (``RFPDupeFilter``). Its queues pop destructively, so a
worker killed mid-crawl would lose the requests it had taken; this module adds
the one thing missing, a reliable queue:

- ``ReliableFifoQueue.pop`` moves a request atomically (``LMOVE``) from the
  shared queue to the worker's own in-flight list and tags it with a token;
- the token is acknowledged (removed from the in-flight list) only once the
  request is fully handled: its callback's output consumed *and* every item it
  yielded through the ingest pipeline, i.e. committed (``InflightAckMiddleware``);
  or it ended in a final download error (``InflightAckDownloaderMiddleware``);
  or it was re-queued as a retry/redirect (``push`` of a tagged request);
- a request is marked seen in the transaction that queues it (``ReliableScheduler``), so a worker killed
  in between cannot leave it seen but never queued;
- each worker refreshes a heartbeat; any worker returns the in-flight lists of
  workers whose heartbeat is older than the lease (``requeue_orphans``), and a
  worker that stops cleanly returns its own.

So a request is lost only if Redis loses it; a request may be handled twice
(a worker killed after storing but before acknowledging), which stores
nothing twice because the ingest store is keyed on the platforms' ids.

Work enters as the spiders' own start requests (``enqueue_plan``): the planner
in ``spiders.runner`` picks the accounts, the spider builds the first request
of each, and they are pushed into the shared queue. Keys, per platform, under
a prefix (default ``netra:crawl``): ``<prefix>:<kind>:requests``,
``…:requests:inflight:<worker>``, ``…:dupefilter``, ``…:workers`` (heartbeats),
``…:declared`` and ``…:watched`` (the account maps the spiders match on), ``…:config``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy_redis import picklecompat
from scrapy_redis.queue import FifoQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "netra:crawl"
TOKEN = "netra_inflight"  # request.meta key of a popped request's acknowledgement token
SWEEP = "netra_sweep"  # request.meta key on queued requests: the enqueue (sweep) they belong to
LEASE_SECONDS = 15.0  # a worker silent this long is dead: its in-flight requests go back to the queue
HEARTBEAT_SECONDS = 2.0
# Per-host budgets shared by all workers ([requests, seconds]; "*" = each host not named), from
# platform-formats.md: Bluesky ~3000 / 5 min per IP, Mastodon 300 / 5 min per IP unauthenticated.
DEFAULT_RATE_LIMITS: dict[str, dict[str, list[float]]] = {
    "bluesky": {"*": [3000, 300]},
    "mastodon": {"*": [300, 300]},
    "feed": {"*": [60, 60]},
    # X limits each endpoint per 15-minute window and says so in x-rate-limit-* headers, which every
    # worker honours (spiders.middlewares.RateLimitWindowMiddleware); this only spreads the workers out.
    "x": {"*": [450, 900]},
    # YouTube's limit is the daily quota in units (spiders.platforms.youtube.quota), not requests per host.
    "youtube": {"*": [600, 60]},
}


@dataclass(frozen=True)
class CrawlKeys:
    prefix: str
    kind: str

    @property
    def base(self) -> str:
        return f"{self.prefix}:{self.kind}"

    @property
    def requests(self) -> str:
        return f"{self.base}:requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.base}:dupefilter"

    @property
    def workers(self) -> str:
        return f"{self.base}:workers"

    @property
    def declared(self) -> str:
        return f"{self.base}:declared"

    @property
    def watched(self) -> str:
        return f"{self.base}:watched"

    @property
    def config(self) -> str:
        return f"{self.base}:config"

    def inflight(self, worker: str) -> str:
        return f"{self.requests}:inflight:{worker}"


def new_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def requeue_orphans(client: redis.Redis, keys: CrawlKeys, *, lease: float = LEASE_SECONDS,
                    only: str | None = None) -> int:
    """Return the in-flight requests of dead workers (or of ``only``) to the shared queue; how many moved."""
    cutoff = time.time() - lease
    moved = 0
    for raw in client.scan_iter(match=keys.inflight("*"), count=100):
        key = raw.decode() if isinstance(raw, bytes) else raw
        worker = key.rsplit(":inflight:", 1)[1]
        if only is not None:
            if worker != only:
                continue
        else:
            beat = client.zscore(keys.workers, worker)
            if beat is not None and beat >= cutoff:
                continue
        while client.lmove(key, keys.requests, "RIGHT", "RIGHT") is not None:  # back to the front: served next
            moved += 1
        client.zrem(keys.workers, worker)
    if moved:
        log.warning("returned %d in-flight requests of stopped workers to %s", moved, keys.requests)
    return moved


class ReliableFifoQueue(FifoQueue):
    """scrapy-redis's FIFO queue with a per-worker in-flight list (pop = LMOVE, then acknowledge)."""

    def __init__(self, server: redis.Redis, spider: Spider, key: str, serializer: Any = None):
        super().__init__(server, spider, key, serializer)
        self.worker = spider.settings.get("NETRA_WORKER_ID") or new_worker_id()
        self.inflight_key = f"{self.key}:inflight:{self.worker}"
        self._inflight: dict[str, bytes] = {}
        self.sweep: str | None = None
        spider.netra_queue = self  # type: ignore[attr-defined]  # the acknowledging middlewares find it here

    def push(self, request: Request, seen: tuple[str, str] | None = None) -> None:
        """Queue ``request``; ``seen`` = (seen-set key, fingerprint) is marked in the same transaction."""
        token = request.meta.pop(TOKEN, None)  # a retry or redirect of a request this worker holds
        if self.sweep and SWEEP not in request.meta:
            # Follow-ups carry their sweep too: the worker that pops one may never have seen a
            # start request of it (another worker took them all) and must still adopt its server
            # and declared accounts, or it builds the next pages against the default host.
            request.meta[SWEEP] = self.sweep
        pipe = self.server.pipeline(transaction=True)
        pipe.lpush(self.key, self._encode_request(request))
        if seen is not None:
            pipe.sadd(*seen)
        data = self._inflight.pop(token, None) if token else None
        if data is not None:
            pipe.lrem(self.inflight_key, 1, data)
        pipe.execute()

    def pop(self, timeout: int = 0) -> Request | None:
        data = self.server.lmove(self.key, self.inflight_key, "RIGHT", "LEFT")
        if data is None:
            return None
        request = self._decode_request(data)
        self._adopt_sweep(request.meta.pop(SWEEP, None))
        token = uuid.uuid4().hex
        self._inflight[token] = data
        request.meta[TOKEN] = token
        return request

    def _adopt_sweep(self, sweep: str | None) -> None:
        """A request of a sweep this worker has not seen: take its declared accounts and server.

        A worker may start before the enqueue it serves; the follow-up requests
        its spider builds must match and address what that enqueue planned.
        """
        if not sweep or sweep == self.sweep:
            return
        base = self.key.removesuffix(":requests")
        declared = self.server.hgetall(f"{base}:declared")
        self.spider.declared.update({k.decode().lower(): int(v) for k, v in declared.items()})
        # Spiders match follows on the watched accounts and read their options (NetraSpider has both).
        watched = self.server.hgetall(f"{base}:watched")
        if isinstance(getattr(self.spider, "watched", None), dict):
            self.spider.watched.update({k.decode().lower(): int(v) for k, v in watched.items()})
        base_url = (self.server.hget(f"{base}:config", "base_url") or b"").decode()
        if base_url:
            self.spider.base_url = base_url.rstrip("/")
        options = self.server.hget(f"{base}:config", "options")
        if options and isinstance(getattr(self.spider, "options", None), dict):
            self.spider.options.update(json.loads(options))
        self.sweep = sweep

    def ack(self, token: str | None) -> None:
        data = self._inflight.pop(token, None) if token else None
        if data is not None:
            self.server.lrem(self.inflight_key, 1, data)

    def holding(self) -> int:
        return len(self._inflight)


class ReliableScheduler(Scheduler):
    """scrapy-redis's scheduler, with a request marked seen in the transaction that queues it.

    scrapy-redis marks the fingerprint (``SADD``) and then pushes, two round trips: a worker killed between them
    left a request seen but never queued, and when another worker handled its parent page again the same request
    was filtered as a duplicate — its page, and every act on it, lost without a word. Here the filter only looks,
    and the queue marks while it pushes (``ReliableFifoQueue.push``). Two workers enqueueing the same request at the
    same instant may both queue it: it is fetched twice, which stores nothing twice.
    """

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = None
        if not request.dont_filter:
            fingerprint = self.df.request_fingerprint(request)
            if self.server.sismember(self.df.key, fingerprint):
                self.df.log(request, self.spider)
                return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        if isinstance(self.queue, ReliableFifoQueue):
            self.queue.push(request, seen=(self.df.key, fingerprint) if fingerprint else None)
        else:
            if fingerprint:
                self.server.sadd(self.df.key, fingerprint)
            self.queue.push(request)
        return True


def _queue(crawler: Crawler) -> ReliableFifoQueue | None:
    return getattr(crawler.spider, "netra_queue", None)


class InflightAckMiddleware:
    """Spider middleware (closest to the engine): acknowledge a response once its output is stored."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.items_pending: dict[str, int] = {}
        self.output_open: set[str] = set()
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self.item_done, signal=signal)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InflightAckMiddleware:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Any) -> Any:
        token = self._opened(response)
        try:
            for out in result:
                self._count(token, out)
                yield out
        finally:
            self._closed(token)

    async def process_spider_output_async(self, response: Response, result: Any) -> Any:
        token = self._opened(response)
        try:
            async for out in result:
                self._count(token, out)
                yield out
        finally:
            self._closed(token)

    def _opened(self, response: Response) -> str | None:
        token = response.meta.get(TOKEN)
        if token:
            self.output_open.add(token)
        return token

    def _count(self, token: str | None, out: Any) -> None:
        if token and out is not None and not isinstance(out, Request):
            self.items_pending[token] = self.items_pending.get(token, 0) + 1

    def _closed(self, token: str | None) -> None:
        if token:
            self.output_open.discard(token)
            self._maybe_ack(token)

    def item_done(self, item: Any, response: Response | None = None, **_: Any) -> None:
        token = response.meta.get(TOKEN) if isinstance(response, Response) else None
        if token and token in self.items_pending:
            self.items_pending[token] -= 1
            self._maybe_ack(token)

    def _maybe_ack(self, token: str) -> None:
        if token in self.output_open or self.items_pending.get(token, 0) > 0:
            return
        self.items_pending.pop(token, None)
        queue = _queue(self.crawler)
        if queue is not None:
            queue.ack(token)


class InflightAckDownloaderMiddleware:
    """Downloader middleware below the retry: a request that failed for good is acknowledged."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InflightAckDownloaderMiddleware:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        queue = _queue(self.crawler)
        if queue is not None:
            queue.ack(request.meta.get(TOKEN))


class WorkerLifecycle:
    """Extension: heartbeat, rescue of dead workers' requests, waiting for work, clean hand-back."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.client = redis.Redis.from_url(settings.get("REDIS_URL"))
        self.keys = CrawlKeys(settings.get("NETRA_CRAWL_PREFIX", DEFAULT_PREFIX), settings.get("NETRA_CRAWL_KIND"))
        self.worker = settings.get("NETRA_WORKER_ID")
        self.lease = settings.getfloat("NETRA_WORKER_LEASE", LEASE_SECONDS)
        self.idle_exit = settings.getfloat("NETRA_IDLE_EXIT", 0.0)
        self.idle_since: float | None = None
        self.loop: task.LoopingCall | None = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)
        crawler.signals.connect(self.busy, signal=signals.response_received)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerLifecycle:
        return cls(crawler)

    def beat(self) -> None:
        self.client.zadd(self.keys.workers, {self.worker: time.time()})
        requeue_orphans(self.client, self.keys, lease=self.lease)
        queue = _queue(self.crawler)
        if queue is not None and (len(queue) or queue.holding()):
            self.idle_since = None
            slot = getattr(self.crawler.engine, "_slot", None)
            if slot is not None:
                slot.nextcall.schedule()  # fetch now rather than at the engine's 5 s heartbeat

    def opened(self, spider: Spider) -> None:
        self.beat()
        self.loop = task.LoopingCall(self.beat)
        self.loop.start(HEARTBEAT_SECONDS / 4 if self.idle_exit else HEARTBEAT_SECONDS, now=False)

    def busy(self) -> None:
        # The idle clock measures time since this worker last had work. Without this, a clock started before
        # the sweep's enqueue (the worker waiting for it) survived a crawl whose queue the heartbeat happened
        # never to see non-empty, and the worker left the moment the crawl drained (a flake of the two-worker test).
        self.idle_since = None

    def idle(self, spider: Spider) -> None:
        queue = _queue(self.crawler)
        if queue is not None and (len(queue) or queue.holding()):
            self.idle_since = None
            raise DontCloseSpider
        if self.others_in_flight():
            # Another worker still holds requests: its follow-ups may come, or, if it died, its
            # whole list once the lease runs out. The crawl is not drained, so this is not idle.
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        self.idle_since = self.idle_since or now
        if self.idle_exit and now - self.idle_since >= self.idle_exit:
            return  # let Scrapy close the spider
        raise DontCloseSpider

    def others_in_flight(self) -> bool:
        own = self.keys.inflight(self.worker)
        for raw in self.client.scan_iter(match=self.keys.inflight("*"), count=100):
            if (raw.decode() if isinstance(raw, bytes) else raw) != own:
                return True
        return False

    def closed(self, spider: Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        requeue_orphans(self.client, self.keys, only=self.worker)
        # Also when it held nothing: a stopped worker must not be counted as a live one.
        self.client.zrem(self.keys.workers, self.worker)


def worker_settings(kind: str, *, redis_url: str, worker_id: str, prefix: str = DEFAULT_PREFIX,
                    idle_exit: float = 0.0, rate_limits: dict[str, list[float]] | None = None) -> dict[str, Any]:
    """Scrapy settings that turn a normal Netra crawl into a worker on the shared queue."""
    from spiders.settings import DOWNLOADER_MIDDLEWARES

    keys = CrawlKeys(prefix, kind)
    downloader = dict(DOWNLOADER_MIDDLEWARES)
    downloader["spiders.distributed.InflightAckDownloaderMiddleware"] = 50
    settings: dict[str, Any] = {
        "SCHEDULER": "spiders.distributed.ReliableScheduler",
        "SCHEDULER_QUEUE_CLASS": "spiders.distributed.ReliableFifoQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_PERSIST": True,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "DUPEFILTER_KEY": keys.dupefilter,
        "REDIS_URL": redis_url,
        "NETRA_REDIS_URL": redis_url,
        "NETRA_CRAWL_PREFIX": prefix,
        "NETRA_CRAWL_KIND": kind,
        "NETRA_WORKER_ID": worker_id,
        "NETRA_IDLE_EXIT": idle_exit,
        "SPIDER_MIDDLEWARES": {"spiders.distributed.InflightAckMiddleware": 1},
        "DOWNLOADER_MIDDLEWARES": downloader,
        "EXTENSIONS": {"spiders.distributed.WorkerLifecycle": 100},
    }
    if rate_limits:
        downloader["spiders.ratelimit.SharedRateLimitMiddleware"] = 560  # before the retry's waits
        settings["NETRA_RATE_LIMITS"] = rate_limits
    return settings


def enqueue_plan(client: redis.Redis, plan: Any, *, prefix: str = DEFAULT_PREFIX) -> int:
    """Push the plan's start requests (one per account) into the shared queue; returns how many.

    A new sweep (nothing queued or in flight) also clears the seen-set, so this
    sweep fetches the first pages the last one already saw.
    """
    from spiders.runner import _spider_class
    from spiders.settings import crawl_settings

    keys = CrawlKeys(prefix, plan.kind)
    spider = _spider_class(plan.kind)(targets=plan.targets, declared=plan.declared, watched=plan.watched,
                                      base_url=plan.base_url, options=plan.options)
    spider.settings = Settings(crawl_settings())  # the spiders read page sizes from their settings
    spider.shared_queue = True

    async def start_requests() -> list[Request]:
        return [r async for r in spider.start() if isinstance(r, Request)]

    requests = asyncio.run(start_requests())
    sweep = uuid.uuid4().hex
    for request in requests:
        request.meta[SWEEP] = sweep
    idle = client.llen(keys.requests) == 0 and not any(client.scan_iter(match=keys.inflight("*"), count=100))
    pipe = client.pipeline(transaction=True)
    if idle:
        pipe.delete(keys.dupefilter)
    if plan.declared:
        pipe.hset(keys.declared, mapping={k: str(v) for k, v in plan.declared.items()})
    if plan.watched:
        pipe.hset(keys.watched, mapping={k: str(v) for k, v in plan.watched.items()})
    pipe.hset(keys.config, mapping={"base_url": spider.base_url or "", "options": json.dumps(plan.options)})
    for request in requests:
        pipe.lpush(keys.requests, picklecompat.dumps(request.to_dict(spider=spider)))
    pipe.execute()
    return len(requests)


def run_worker(kind: str, *, redis_url: str, database_url: str, prefix: str = DEFAULT_PREFIX,
               worker_id: str | None = None, idle_exit: float = 0.0,
               rate_limits: dict[str, list[float]] | None = None,
               scrapy_settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Consume the shared queue in this process until stopped (or idle for ``idle_exit`` seconds)."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.exceptions import ScrapyDeprecationWarning

    from spiders.runner import SPIDERS, _spider_class

    # scrapy-redis 0.9.1 predates Scrapy 2.13's API changes; its calls still work (offline-models.md).
    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module="scrapy_redis")
    from spiders.settings import crawl_settings

    if kind not in SPIDERS:
        raise ValueError(f"unknown crawl {kind!r}: choose one of {', '.join(SPIDERS)}")
    client = redis.Redis.from_url(redis_url)
    keys = CrawlKeys(prefix, kind)
    declared = {k.decode(): int(v) for k, v in client.hgetall(keys.declared).items()}
    watched = {k.decode(): int(v) for k, v in client.hgetall(keys.watched).items()}
    base_url = (client.hget(keys.config, "base_url") or b"").decode() or None
    options = json.loads(client.hget(keys.config, "options") or b"{}")
    worker_id = worker_id or new_worker_id()
    settings = crawl_settings(NETRA_DATABASE_URL=database_url)
    settings.update(scrapy_settings or {})
    distributed = worker_settings(kind, redis_url=redis_url, worker_id=worker_id, prefix=prefix,
                                  idle_exit=idle_exit, rate_limits=rate_limits)
    # Per-run overrides of the middleware maps (tests, benchmark) are kept; the seam's entries are added.
    distributed["DOWNLOADER_MIDDLEWARES"] = {**settings["DOWNLOADER_MIDDLEWARES"],
                                             **{k: v for k, v in distributed["DOWNLOADER_MIDDLEWARES"].items()
                                                if k.startswith("spiders.distributed")
                                                or k.startswith("spiders.ratelimit")}}
    distributed["SPIDER_MIDDLEWARES"] = {**settings.get("SPIDER_MIDDLEWARES", {}), **distributed["SPIDER_MIDDLEWARES"]}
    distributed["EXTENSIONS"] = {**settings.get("EXTENSIONS", {}), **distributed["EXTENSIONS"]}
    settings.update(distributed)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(_spider_class(kind))
    process.crawl(crawler, targets=[], declared=declared, watched=watched, base_url=base_url, options=options)
    process.start()
    return dict(crawler.stats.get_stats()) if crawler.stats else {}
