"""Distributed crawl: two real Scrapy workers on one Redis queue, one SIGKILLed mid-run.

Real Redis (``NETRA_TEST_REDIS``, a unique key prefix per test), real
PostgreSQL, real HTTP (the replay server with computed Bluesky responses, a
little slow so the kill lands while the victim holds requests).
"""

from __future__ import annotations

import json
import multiprocessing
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from sqlalchemy import func, insert, select

from monitor.db.migrate import upgrade
from monitor.db.schema import Account, Activity, Agency, Employee, Post
from monitor.db.session import session_scope
from spiders.distributed import (
    SWEEP,
    CrawlKeys,
    ReliableFifoQueue,
    ReliableScheduler,
    WorkerLifecycle,
    enqueue_plan,
    run_worker,
    worker_settings,
)
from spiders.ratelimit import SharedRateLimiter
from spiders.replay import JSON_TYPE, ReplayServer, Reply
from spiders.runner import plan_crawl
from tests.conftest import redis_test_url
from tests.crawl_helpers import FAST

pytestmark = [pytest.mark.redis, pytest.mark.pg]

ACCOUNTS, PAGES, PER_PAGE = 24, 3, 4


def did(i: int) -> str:
    return f"did:plc:dist{i:020d}"


def handle(i: int) -> str:
    return f"asn{i:03d}.bsky.social"


def feed_page(account: int, page: int) -> dict[str, Any]:
    feed = []
    for k in range(PER_PAGE):
        n = page * PER_PAGE + k
        uri = f"at://{did(account)}/app.bsky.feed.post/3l{n:08d}"
        feed.append({"post": {
            "uri": uri, "cid": f"bafy{account}x{n}",
            "author": {"did": did(account), "handle": handle(account)},
            "record": {"$type": "app.bsky.feed.post", "text": f"Pelayanan hari ke-{n}",
                       "createdAt": f"2024-11-{28 - page:02d}T10:{59 - k:02d}:00.000Z", "langs": ["id"]},
            "indexedAt": f"2024-11-{28 - page:02d}T10:{59 - k:02d}:00.500Z",
        }})
    data: dict[str, Any] = {"feed": feed}
    if page + 1 < PAGES:
        data["cursor"] = f"c{page + 1}"
    return data


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    srv = ReplayServer()

    def profile(_path: str, query: dict[str, list[str]]) -> Reply:
        time.sleep(0.02)
        actor = query["actor"][0]
        return Reply(200, json.dumps({"did": actor, "handle": actor}).encode(), {"Content-Type": JSON_TYPE})

    def author_feed(_path: str, query: dict[str, list[str]]) -> Reply:
        time.sleep(0.05)
        account = int(query["actor"][0].removeprefix("did:plc:dist"))
        page = int(query.get("cursor", ["c0"])[0][1:])
        return Reply(200, json.dumps(feed_page(account, page)).encode(), {"Content-Type": JSON_TYPE})

    def follows(_path: str, query: dict[str, list[str]]) -> Reply:
        return Reply(200, json.dumps({"subject": {"did": query["actor"][0]}, "follows": []}).encode(),
                     {"Content-Type": JSON_TYPE})

    srv.add_handler("/xrpc/app.bsky.actor.getProfile", profile)
    srv.add_handler("/xrpc/app.bsky.feed.getAuthorFeed", author_feed)
    srv.add_handler("/xrpc/app.bsky.graph.getFollows", follows)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def redis_prefix() -> Iterator[tuple[redis.Redis, str]]:
    url = redis_test_url()
    if url is None:
        pytest.skip("NETRA_TEST_REDIS=off")
    client = redis.Redis.from_url(url)
    prefix = f"netra-test:{uuid.uuid4().hex[:10]}"
    yield client, prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


def seed(url: str) -> None:
    upgrade(url)
    with session_scope(url) as s:
        agency = Agency(code="DIST", name="Dinas Uji")
        s.add(agency)
        s.flush()
        s.execute(insert(Employee), [{"nip": f"1980010{1 + i % 9}200501{1 + i % 2}{i:03d}", "name": f"ASN {i}",
                                      "agency_id": agency.id, "status": "PNS"} for i in range(ACCOUNTS)])
        ids = sorted(s.scalars(select(Employee.id)))
        s.execute(insert(Account), [{"employee_id": ids[i], "platform": "bluesky", "handle": handle(i),
                                     "external_id": did(i), "state": "active"} for i in range(ACCOUNTS)])


def _worker(worker_id: str, redis_url: str, prefix: str, db_url: str) -> None:
    # The test stops the survivor itself (SIGTERM) once the crawl is drained; the idle exit is only a
    # backstop so a failed test leaves no worker behind, and longer than the test's own deadlines (60 s to
    # start and kill, 120 s to drain): at 90 s a survivor on a loaded machine left mid-test (suite in workers).
    run_worker("bluesky", redis_url=redis_url, database_url=db_url, prefix=prefix, worker_id=worker_id,
               idle_exit=240.0, scrapy_settings={**FAST, "NETRA_PAGE_SIZE": PER_PAGE, "CONCURRENT_REQUESTS": 4,
                                               "CONCURRENT_REQUESTS_PER_DOMAIN": 4, "NETRA_WORKER_LEASE": 2.0,
                                               "NETRA_COMMIT_WAIT": 0.05})


def stored_activities(db_url: str) -> tuple[int, set[str]]:
    with session_scope(db_url) as s:
        return (s.scalar(select(func.count()).select_from(Activity)) or 0,
                set(s.scalars(select(Activity.external_id))))


def drained(client: redis.Redis, keys: CrawlKeys) -> bool:
    return client.llen(keys.requests) == 0 and not any(client.scan_iter(match=keys.inflight("*")))


def test_two_workers_one_killed_store_every_item_exactly_once(pg_url: str, server: ReplayServer,
                                                              redis_prefix: tuple[redis.Redis, str]) -> None:
    client, prefix = redis_prefix
    redis_url = redis_test_url()
    assert redis_url is not None
    seed(pg_url)
    keys = CrawlKeys(prefix, "bluesky")
    expected = {f"at://{did(a)}/app.bsky.feed.post/3l{n:08d}" for a in range(ACCOUNTS) for n in range(PAGES * PER_PAGE)}
    # Workers start first and wait: what they need (server, declared accounts) comes with the enqueued work.
    ctx = multiprocessing.get_context("spawn")
    victim = ctx.Process(target=_worker, args=("victim", redis_url, prefix, pg_url))
    survivor = ctx.Process(target=_worker, args=("survivor", redis_url, prefix, pg_url))
    victim.start()
    survivor.start()
    try:
        deadline = time.monotonic() + 60
        while client.zcard(keys.workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert victim.is_alive() and survivor.is_alive()
        plan = plan_crawl("bluesky", base_url=server.base_url, database_url=pg_url)
        assert enqueue_plan(client, plan, prefix=prefix) == ACCOUNTS
        # Kill the victim while it holds requests and the crawl is well under way, not finished.
        while time.monotonic() < deadline:
            count, _ = stored_activities(pg_url)
            if count >= 20 and client.llen(keys.inflight("victim")) > 0:
                break
            time.sleep(0.02)
        held = client.llen(keys.inflight("victim"))
        assert survivor.is_alive(), "the survivor stopped before the victim was killed"
        victim.kill()  # SIGKILL: no clean shutdown, its in-flight list stays in Redis
        victim.join()
        assert victim.exitcode == -9
        assert held > 0
        assert stored_activities(pg_url)[0] < len(expected)

        # The survivor takes the victim's requests back after the lease (2 s) and finishes the crawl.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and survivor.is_alive():
            if stored_activities(pg_url)[0] >= len(expected) and drained(client, keys):
                break
            time.sleep(0.1)
        assert survivor.is_alive(), (
            f"the survivor stopped (exit code {survivor.exitcode}) before the crawl was drained: "
            f"{stored_activities(pg_url)[0]} of {len(expected)} acts stored, drained {drained(client, keys)}")
        survivor.terminate()  # SIGTERM, as a service manager stops a worker: Scrapy shuts down cleanly
        survivor.join(timeout=60)
        assert survivor.exitcode == 0
    finally:
        for worker in (victim, survivor):
            if worker.is_alive():
                worker.kill()
                worker.join()

    count, ids = stored_activities(pg_url)
    assert ids == expected
    assert count == len(expected)  # stored exactly once
    with session_scope(pg_url) as s:
        assert s.scalar(select(func.count()).select_from(Post)) == len(expected)
    assert drained(client, keys)  # the victim's requests were taken back and done
    assert client.zcard(keys.workers) == 0  # the dead worker's heartbeat went with its requests; the survivor's on stop


class _SweepSpider(Spider):
    name = "bluesky"

    def __init__(self, worker: str) -> None:
        super().__init__()
        self.settings = Settings({"NETRA_WORKER_ID": worker})
        self.declared: dict[str, int] = {}
        self.base_url: str | None = None


def test_worker_that_saw_no_start_request_adopts_the_sweep_from_follow_ups(
        redis_prefix: tuple[redis.Redis, str]) -> None:
    client, prefix = redis_prefix
    keys = CrawlKeys(prefix, "bluesky")
    # Both workers started before the enqueue: no server, no declared accounts yet.
    first, second = _SweepSpider("first"), _SweepSpider("second")
    first_queue = ReliableFifoQueue(client, first, keys.requests)
    second_queue = ReliableFifoQueue(client, second, keys.requests)
    client.hset(keys.declared, mapping={"asn001.bsky.social": "7"})
    client.hset(keys.config, mapping={"base_url": "http://127.0.0.1:8765"})
    start = Request("http://127.0.0.1:8765/xrpc/app.bsky.actor.getProfile?actor=asn001.bsky.social",
                    meta={SWEEP: "sweep-1"})
    client.lpush(keys.requests, first_queue._encode_request(start))
    # The first worker takes every start request (CI, stop 11: one fast worker took all 24) ...
    assert first_queue.pop() is not None
    assert first.base_url == "http://127.0.0.1:8765" and first.declared == {"asn001.bsky.social": 7}
    first_queue.push(Request("http://127.0.0.1:8765/xrpc/app.bsky.feed.getAuthorFeed?actor=did%3Aplc%3Ax"))
    # ... the second pops only follow-ups, and must still address the sweep's server and match its accounts.
    assert second_queue.pop() is not None
    assert second.base_url == "http://127.0.0.1:8765"
    assert second.declared == {"asn001.bsky.social": 7}


def test_a_worker_dying_while_it_enqueues_leaves_the_request_unseen(
        redis_prefix: tuple[redis.Redis, str], monkeypatch: pytest.MonkeyPatch) -> None:
    # A full run's flake: scrapy-redis marked a fingerprint seen, then pushed; a worker killed in between left the
    # next page seen but never queued, and the survivor, handling the parent page again, filtered it: 12 acts lost.
    client, prefix = redis_prefix
    keys = CrawlKeys(prefix, "bluesky")
    crawler = get_crawler(Spider, worker_settings("bluesky", redis_url=redis_test_url() or "", worker_id="dying",
                                                  prefix=prefix))
    scheduler = ReliableScheduler.from_crawler(crawler)
    spider = _SweepSpider("dying")
    spider.settings = crawler.settings  # the seen-set key comes from the spider's settings, as in a worker
    scheduler.open(spider)
    assert scheduler.df.key == keys.dupefilter
    page = Request("http://127.0.0.1:8765/xrpc/app.bsky.feed.getAuthorFeed?actor=did%3Aplc%3Ax&cursor=2")

    def killed(request: Request) -> bytes:
        raise SystemExit("killed before the queue's transaction was sent")

    monkeypatch.setattr(scheduler.queue, "_encode_request", killed)
    with pytest.raises(SystemExit):
        scheduler.enqueue_request(page)
    assert client.scard(keys.dupefilter) == 0  # nothing marked: the request can still be queued
    monkeypatch.undo()
    # The parent page handled again (by any worker) yields the same request: it is queued, once.
    assert scheduler.enqueue_request(page.copy()) is True
    assert scheduler.enqueue_request(page.copy()) is False
    assert client.llen(keys.requests) == 1 and client.scard(keys.dupefilter) == 1


def test_idle_exit_waits_until_no_worker_holds_requests(redis_prefix: tuple[redis.Redis, str]) -> None:
    client, prefix = redis_prefix
    keys = CrawlKeys(prefix, "bluesky")
    crawler = get_crawler(Spider, {"REDIS_URL": redis_test_url(), "NETRA_CRAWL_PREFIX": prefix,
                                   "NETRA_CRAWL_KIND": "bluesky", "NETRA_WORKER_ID": "quiet",
                                   "NETRA_IDLE_EXIT": 0.05})
    life = WorkerLifecycle(crawler)
    spider = Spider(name="bluesky")
    life.beat()
    assert client.zscore(keys.workers, "quiet") is not None
    # Another worker holds a request (alive, or dead and its lease not yet run out): the crawl is not drained.
    client.rpush(keys.inflight("busy"), b"a request")
    for _ in range(3):
        with pytest.raises(DontCloseSpider):
            life.idle(spider)
        time.sleep(0.1)
    client.delete(keys.inflight("busy"))
    with pytest.raises(DontCloseSpider):
        life.idle(spider)  # the idle clock starts only now
    time.sleep(0.1)
    assert life.idle(spider) is None  # drained for longer than the idle exit: Scrapy may close the spider
    life.closed(spider)
    assert client.zscore(keys.workers, "quiet") is None  # a stopped worker is no longer counted, even holding nothing


def test_idle_clock_restarts_when_the_worker_gets_work(redis_prefix: tuple[redis.Redis, str]) -> None:
    # A full run's flake: a clock started while the worker waited for the sweep outlived the crawl, and the worker
    # left the moment the queue drained. Any response the worker receives restarts the clock.
    _client, prefix = redis_prefix
    crawler = get_crawler(Spider, {"REDIS_URL": redis_test_url(), "NETRA_CRAWL_PREFIX": prefix,
                                   "NETRA_CRAWL_KIND": "bluesky", "NETRA_WORKER_ID": "waiting",
                                   "NETRA_IDLE_EXIT": 0.05})
    life = WorkerLifecycle(crawler)
    spider = Spider(name="bluesky")
    with pytest.raises(DontCloseSpider):
        life.idle(spider)  # waiting for the sweep: the clock starts
    time.sleep(0.1)
    crawler.signals.send_catch_log(signals.response_received, response=None, request=None, spider=spider)
    with pytest.raises(DontCloseSpider):
        life.idle(spider)  # idle again, but only just
    time.sleep(0.1)
    assert life.idle(spider) is None
    life.closed(spider)


def test_rate_limit_is_shared_between_workers(redis_prefix: tuple[redis.Redis, str]) -> None:
    client, prefix = redis_prefix
    # Two limiters = two worker processes' views of one host budget of 20 requests per second.
    limits = {"bsky.example": (20, 1.0)}
    one = SharedRateLimiter(client, limits, prefix=f"{prefix}:rl:")
    two = SharedRateLimiter(client, limits, prefix=f"{prefix}:rl:")
    waits = [limiter.reserve("bsky.example") for _ in range(20) for limiter in (one, two)]
    # 40 requests at 20/s: the last is scheduled ~1.95 s out, whichever worker asked.
    assert max(waits) == pytest.approx(39 / 20, abs=0.1)
    assert sorted(waits) == pytest.approx([i / 20 for i in range(40)], abs=0.1)
    assert one.reserve("other.example") == 0.0  # hosts without a limit are not held back


def _x_worker(worker_id: str, redis_url: str, prefix: str, db_url: str) -> None:
    run_worker("x", redis_url=redis_url, database_url=db_url, prefix=prefix, worker_id=worker_id, idle_exit=90.0,
               scrapy_settings={**FAST, "CONCURRENT_REQUESTS": 4, "NETRA_WORKER_LEASE": 2.0,
                                "NETRA_COMMIT_WAIT": 0.05})


def test_an_x_crawl_over_two_workers_stores_every_act_once_and_queues_no_token(
        pg_url: str, redis_prefix: tuple[redis.Redis, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.config import reset_settings_cache
    from tests.crawl_helpers import activities
    from tests.declared import add_declared, add_watched
    from tests.test_spider_x import CAND, DEWI, TOKEN, WULAN, make_world

    client, prefix = redis_prefix
    redis_url = redis_test_url()
    assert redis_url is not None
    monkeypatch.setenv("NETRA_X_BEARER_TOKEN", TOKEN)  # each worker has the token itself (spawned with it)
    reset_settings_cache()
    upgrade(pg_url)
    add_declared(pg_url, "x", DEWI)
    add_declared(pg_url, "x", WULAN, nip="199001152015032002")
    add_watched(pg_url, "x", CAND)
    world = make_world()
    with world.api:
        plan = plan_crawl("x", base_url=world.api.base_url, database_url=pg_url)
        # What goes into Redis: requests without credentials (they are added at download time).
        assert enqueue_plan(client, plan, prefix=f"{prefix}:dry") == 3
        queued = client.lrange(CrawlKeys(f"{prefix}:dry", "x").requests, 0, -1)
        assert len(queued) == 3 and not any(TOKEN.encode() in raw for raw in queued)

        keys = CrawlKeys(prefix, "x")
        ctx = multiprocessing.get_context("spawn")
        workers = [ctx.Process(target=_x_worker, args=(name, redis_url, prefix, pg_url)) for name in ("one", "two")]
        for worker in workers:
            worker.start()
        try:
            deadline = time.monotonic() + 60
            while client.zcard(keys.workers) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert enqueue_plan(client, plan, prefix=prefix) == 3
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if activities(pg_url) == world.expected() and drained(client, keys):
                    break
                time.sleep(0.1)
        finally:
            for worker in workers:
                worker.terminate()
                worker.join(timeout=60)
                if worker.is_alive():
                    worker.kill()
                    worker.join()
        hits = world.api.server.hits  # type: ignore[union-attr]
    assert activities(pg_url) == world.expected()  # every act (follows included) exactly once
    assert hits and all(h.headers.get("Authorization") == f"Bearer {TOKEN}" for h in hits)
