"""Scaling out on this machine: distributed crawl workers, classifier workers, end-to-end lag.

Everything is real: Redis (``--redis``), PostgreSQL (``--pg``, a fresh database
per run, dropped afterwards), the replay server with generated Bluesky
responses (``bench/crawl.py``), the real spider, pipeline and store, the bundled
classifier. Three measurements, each printed with ratios against one worker in
the same run:

1. crawl: ``--accounts`` × ``--posts`` acts queued once (``enqueue_plan``), consumed by
   1, 2 and 4 ``run_worker`` processes (started and idle before the clock starts;
   the clock stops when every act is stored); plus 2 workers under one shared
   rate limit of ``--limit`` requests/s to show the budget holds across workers;
2. classify: ``--activities`` stored acts classified by 1 and 2
   ``run_classifier_worker`` processes (one torch thread each);
3. lag: one crawler worker and one classifier worker running; a post appears on
   the server and its account is queued at once; the time until its flag is in
   the review queue, ``--lag-posts`` times (the sweep interval adds to this in
   production: a post waits up to one sweep before it is queued).

    .venv/bin/python bench/scale.py [--accounts 200] [--posts 50] [--activities 256] [--lag-posts 5]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import redis  # noqa: E402
from crawl import plan, seed, start_server  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from monitor.db.schema import Account, Activity, ReviewItem  # noqa: E402
from monitor.db.scratch import scratch_database  # noqa: E402
from monitor.db.session import session_scope  # noqa: E402
from spiders.distributed import CrawlKeys, enqueue_plan  # noqa: E402
from spiders.replay import JSON_TYPE, ReplayServer, Reply  # noqa: E402

PROFILE = BENCH.parent / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml"
WORKER_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "ERROR", "NETRA_MAX_PAGES": 1000, "ITEM_PIPELINES": {"spiders.pipelines.IngestPipeline": 300},
    "NETRA_COMMIT_WAIT": 0.05,
}




@contextmanager
def redis_prefix(url: str) -> Iterator[tuple[redis.Redis, str]]:
    client = redis.Redis.from_url(url)
    prefix = f"netra-bench:{uuid.uuid4().hex[:8]}"
    try:
        yield client, prefix
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        for key in client.scan_iter(match="netra:ratelimit:127.0.0.1:*"):
            client.delete(key)


def wait_for(condition: Callable[[], bool], timeout: float, what: str, step: float = 0.05) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{what}: not done after {timeout:.0f} s")
        time.sleep(step)
    return time.perf_counter()


def count(url: str, model: Any) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


# ---------------------------------------------------------------- crawl

def _crawl_worker(kind: str, redis_url: str, db_url: str, prefix: str, worker_id: str,
                  limits: dict[str, list[float]] | None) -> None:
    from spiders.distributed import run_worker

    run_worker(kind, redis_url=redis_url, database_url=db_url, prefix=prefix, worker_id=worker_id,
               rate_limits=limits, scrapy_settings=WORKER_SETTINGS)


def start_crawlers(n: int, redis_url: str, db_url: str, client: redis.Redis, prefix: str,
                   limits: dict[str, list[float]] | None = None) -> list[Any]:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_crawl_worker, args=("bluesky", redis_url, db_url, prefix, f"w{i}", limits))
             for i in range(n)]
    for p in procs:
        p.start()
    keys = CrawlKeys(prefix, "bluesky")
    wait_for(lambda: client.zcard(keys.workers) >= n, 120, "workers up")
    return procs


def stop(procs: list[Any]) -> None:
    for p in procs:
        p.kill()
    for p in procs:
        p.join()


def crawl_run(n: int, args: argparse.Namespace, server: ReplayServer, *, limit: float | None = None) -> dict[str, Any]:
    expected = args.accounts * args.posts
    with scratch_database(args.pg, "netra_scale") as db_url, redis_prefix(args.redis) as (client, prefix):
        seed(db_url, args.accounts)
        limits = {urlsplit(server.base_url).netloc: [limit, 1.0]} if limit else None
        procs = start_crawlers(n, args.redis, db_url, client, prefix, limits)
        try:
            requests_before = len(server.hits)
            started = time.perf_counter()
            enqueue_plan(client, plan(args.accounts, server.base_url), prefix=prefix)
            ended = wait_for(lambda: count(db_url, Activity) >= expected, 900, f"crawl with {n} workers", 0.1)
            requests = len(server.hits) - requests_before
        finally:
            stop(procs)
        stored = count(db_url, Activity)
        sizes = table_sizes(db_url) if n == 1 and not limit else {}
    elapsed = ended - started
    for table, (rows, size) in sizes.items():
        print(f"  {table:<10} {rows:>7} rows  {size / max(rows, 1):>7.0f} bytes/row with indexes and TOAST")
    return {"workers": n, "seconds": elapsed, "acts": stored, "requests": requests, "limit": limit}


def table_sizes(url: str) -> dict[str, tuple[int, int]]:
    """Rows and total bytes (heap, indexes, TOAST) of the tables a crawl fills."""
    out = {}
    with session_scope(url) as s:
        for table in ("post", "activity", "evidence"):
            rows = s.scalar(text(f"SELECT count(*) FROM {table}")) or 0
            size = s.scalar(text(f"SELECT pg_total_relation_size('{table}')")) or 0
            out[table] = (rows, size)
    return out


# ------------------------------------------------------------- classify

def _classify_worker(db_url: str, go: Any, out: Any) -> None:
    from models.infer import load_classifier
    from monitor.classify.worker import run_classifier_worker

    classifier = load_classifier(threads=1)  # settings would otherwise give each worker 2 threads
    out.put("ready")
    go.get()  # the clock starts when every worker has its model loaded
    started = time.perf_counter()
    total = run_classifier_worker(db_url, classifier, batch_size=32, idle_exit=0.5, poll=0.1)
    out.put((total.classified, time.perf_counter() - started))


def seed_activities(url: str, n: int) -> None:
    from monitor.registry.profiles import store_profile

    seed(url, 1)
    texts = [
        "Ayo warga Sukamaju, coblos nomor 1 SUTRADEWI! #SutraDewi2029",
        "Pelayanan posyandu di Kelurahan Mekarsari dibuka Senin pukul 08.00.",
        "Rapat koordinasi persiapan Hari Guru Nasional di aula dinas bersama kepala sekolah se-kecamatan.",
        "Siap menangkan Bang Hendra! Kampanye akbar HERAH sore ini #HendraRahmat2029",
        "Jadwal perekaman KTP-el keliling minggu ini: Senin di balai desa, Rabu di kantor kecamatan.",
    ]
    with session_scope(url) as s:
        store_profile(s, PROFILE)
        account_id = s.scalar(select(Account.id))
        s.execute(insert(Activity), [{"account_id": account_id, "kind": "post", "external_id": f"bench-{i}",
                                      "text": f"{texts[i % len(texts)]} ({i})", "source": "bench"}
                                     for i in range(n)])


def classify_run(n: int, args: argparse.Namespace) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    with scratch_database(args.pg, "netra_scale") as db_url:
        seed_activities(db_url, args.activities)
        go, out = ctx.Queue(), ctx.Queue()
        procs = [ctx.Process(target=_classify_worker, args=(db_url, go, out)) for _ in range(n)]
        for p in procs:
            p.start()
        for _ in procs:
            assert out.get(timeout=300) == "ready"
        started = time.perf_counter()
        for _ in procs:
            go.put("go")
        ended = wait_for(lambda: unclassified(db_url) == 0, 900, "classify", 0.05)
        results = [out.get(timeout=300) for _ in procs]
        for p in procs:
            p.join()
    return {"workers": n, "seconds": ended - started, "acts": sum(r[0] for r in results),
            "per_worker": [r[0] for r in results]}


def unclassified(url: str) -> int:
    from monitor.db.schema import Classification

    with session_scope(url) as s:
        done = s.scalar(select(func.count(func.distinct(Classification.activity_id)))) or 0
        return (s.scalar(select(func.count()).select_from(Activity)) or 0) - done


# ------------------------------------------------------------------ lag

def _lag_classifier(db_url: str) -> None:
    from models.infer import load_classifier
    from monitor.classify.worker import run_classifier_worker

    run_classifier_worker(db_url, load_classifier(threads=1), batch_size=32, poll=0.2)


def lag_run(args: argparse.Namespace) -> list[float]:
    from monitor.registry.profiles import store_profile
    from spiders.runner import plan_crawl

    posts: list[dict[str, Any]] = []
    server = ReplayServer()
    did = "did:plc:lag00000000000000000000"

    def profile(_path: str, query: dict[str, list[str]]) -> Reply:
        return Reply(200, json.dumps({"did": did, "handle": "lag.bsky.social"}).encode(), {"Content-Type": JSON_TYPE})

    def feed(_path: str, query: dict[str, list[str]]) -> Reply:
        return Reply(200, json.dumps({"feed": [{"post": p} for p in reversed(posts)]}).encode(),
                     {"Content-Type": JSON_TYPE})

    server.add_handler("/xrpc/app.bsky.actor.getProfile", profile)
    server.add_handler("/xrpc/app.bsky.feed.getAuthorFeed", feed)
    server.start()
    lags: list[float] = []
    ctx = multiprocessing.get_context("spawn")
    try:
        with scratch_database(args.pg, "netra_scale") as db_url, redis_prefix(args.redis) as (client, prefix):
            seed(db_url, 1)
            with session_scope(db_url) as s:
                store_profile(s, PROFILE)
                account = s.scalars(select(Account)).one()
                account.handle, account.external_id = "lag.bsky.social", did
            classifier = ctx.Process(target=_lag_classifier, args=(db_url,))
            classifier.start()
            crawlers = start_crawlers(1, args.redis, db_url, client, prefix)
            try:
                time.sleep(8)  # the classifier worker loads its model
                for k in range(args.lag_posts):
                    when = f"2026-11-{10 + k:02d}T08:00:00.000Z"
                    posts.append({"uri": f"at://{did}/app.bsky.feed.post/3lag{k:08d}", "cid": f"bafylag{k}",
                                  "author": {"did": did, "handle": "lag.bsky.social"},
                                  "record": {"$type": "app.bsky.feed.post", "createdAt": when, "langs": ["id"],
                                             "text": f"Ayo warga Sukamaju, coblos nomor 1 SUTRADEWI! "
                                                     f"#SutraDewi2029 hari {k}"},
                                  "indexedAt": when})
                    appeared = time.perf_counter()
                    enqueue_plan(client, plan_crawl("bluesky", base_url=server.base_url, database_url=db_url),
                                 prefix=prefix)
                    done = wait_for(lambda k=k: count(db_url, ReviewItem) >= k + 1, 120, "flag queued", 0.02)
                    lags.append(done - appeared)
            finally:
                stop(crawlers)
                classifier.kill()
                classifier.join()
    finally:
        server.stop()
    return lags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--activities", type=int, default=256)
    parser.add_argument("--lag-posts", type=int, default=5)
    parser.add_argument("--limit", type=float, default=20.0, help="shared requests/s for the rate-limit run")
    parser.add_argument("--crawl-workers", default="1,2,4")
    parser.add_argument("--classify-workers", default="1,2")
    parser.add_argument("--only", choices=("crawl", "classify", "lag"), action="append")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()
    only = set(args.only or ("crawl", "classify", "lag"))

    if "crawl" in only:
        server = start_server(args.accounts, args.posts)
        WORKER_SETTINGS["NETRA_PAGE_SIZE"] = args.posts
        print(f"crawl: {args.accounts} accounts × {args.posts} posts = {args.accounts * args.posts} acts, "
              f"{2 * args.accounts} requests, PostgreSQL store")
        rows = [crawl_run(int(n), args, server) for n in args.crawl_workers.split(",")]
        rows.append(crawl_run(2, args, server, limit=args.limit))
        server.stop()
        base = rows[0]["seconds"]
        print(f"{'workers':<22}{'seconds':>9}{'acts':>8}{'acts/s':>9}{'req/s':>8}{'× 1 worker':>12}")
        for r in rows:
            label = f"{r['workers']}" + (f" (shared {r['limit']:.0f} req/s)" if r["limit"] else "")
            print(f"{label:<22}{r['seconds']:>9.2f}{r['acts']:>8}{r['acts'] / r['seconds']:>9.0f}"
                  f"{r['requests'] / r['seconds']:>8.1f}{base / r['seconds']:>12.2f}")

    if "classify" in only:
        print(f"classify: {args.activities} activities, bundled model, 1 torch thread per worker, PostgreSQL")
        rows = [classify_run(int(n), args) for n in args.classify_workers.split(",")]
        base = rows[0]["seconds"]
        print(f"{'workers':<10}{'seconds':>9}{'acts':>7}{'acts/s':>9}{'× 1 worker':>12}  per worker")
        for r in rows:
            print(f"{r['workers']:<10}{r['seconds']:>9.2f}{r['acts']:>7}{r['acts'] / r['seconds']:>9.1f}"
                  f"{base / r['seconds']:>12.2f}  {r['per_worker']}")

    if "lag" in only:
        lags = lag_run(args)
        print(f"lag (post appears → its flag in the review queue; 1 crawler + 1 classifier worker, queued at once): "
              f"median {statistics.median(lags):.2f} s, max {max(lags):.2f} s over {len(lags)} posts "
              f"({', '.join(f'{x:.2f}' for x in lags)})")


if __name__ == "__main__":
    main()
