"""Crawl throughput: the real Bluesky and X spiders storing to SQLite and PostgreSQL, against bare Scrapy.

A replay server holds ``--accounts`` declared accounts × ``--posts`` posts each,
pages generated in memory, one post in five a repost of a candidate's post, with
hashtags and image alt texts like real ones: Bluesky author-feed pages (facets,
image embeds) and X API v2 timeline pages (``data`` / ``includes`` / ``meta``,
photos with alt text, the reposted post in ``includes.tweets``). For each
platform (``--platform``), ``--repeat`` rounds of four runs (six with ``--writer-thread``), each run in a fresh
process (Twisted's reactor starts once per process):

- ``bare Scrapy``: a minimal spider that requests the same pages and turns each
  feed entry into a dict — the floor any Scrapy crawler pays (the baseline);
- ``parse only``: Netra's spider, middlewares and settings, no item pipeline;
- ``SQLite``: the ingest pipeline storing into a fresh migrated SQLite file;
- ``PostgreSQL``: the same into a fresh database on ``--pg`` (skipped if unreachable);
- with ``--writer-thread``, both again with the batches written by a thread of the crawl's process
  instead of the writer process (``NETRA_WRITER_PROCESS=false``), for comparison.

Only the ingest pipeline runs (not the media pipeline: the generated image
URLs lead nowhere). Printed per platform: pages/s, stored activities/s, and each run's speed
as a ratio of bare Scrapy's in the same round, the median over the rounds (1.00 = as fast as bare Scrapy; the
target for storing is ≥ 0.5); then
the CPU seconds of the crawling process and of its ingest writer process, and bare Scrapy's CPU seconds
as a ratio of them (steadier than wall time on a shared machine; the database server's own CPU is not
counted).

    .venv/bin/python bench/crawl.py [--accounts 1000] [--posts 50] [--platform bluesky|x|both] [--pg URL]
                                    [--concurrency 16] [--writer-thread]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
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
    # Whom each account follows: nobody watched (the follows reading costs one request per account).
    server.add_handler("/xrpc/app.bsky.graph.getFollows",
                       lambda _p, q: Reply(200, json.dumps({"subject": {"did": q["actor"][0]}, "follows": []}).encode(),
                                           {"Content-Type": JSON_TYPE}))
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


# ------------------------------------------------------------------------ X

X_CANDIDATE = "999000000"
X_EPOCH_MS = 1288834974657


def x_user_id(i: int) -> str:
    return str(1_000_000 + i)


def x_handle(i: int) -> str:
    return f"asn{i:05d}"


def x_id(n: int) -> str:
    """A time-ordered X id for post ``n``, in November 2024 (X ids encode their creation time)."""
    millis = 1730419200000 + n * 1000
    return str(((millis - X_EPOCH_MS) << 22) | (n % 4096))


def x_tweet(author: str, n: int) -> dict[str, Any]:
    text = f"Pelayanan KTP-el hari ke-{n} lancar 🙏 #PelayananPublik #Sukamaju{n % 7}"
    return {"id": x_id(n), "text": text, "author_id": author, "conversation_id": x_id(n),
            "created_at": f"2024-11-{1 + n % 28:02d}T01:{n % 60:02d}:10.000Z", "edit_history_tweet_ids": [x_id(n)],
            "lang": "in", "attachments": {"media_keys": [f"3_{n}"]},
            "entities": {"hashtags": [{"start": 38, "end": 54, "tag": "PelayananPublik"},
                                      {"start": 55, "end": 65, "tag": f"Sukamaju{n % 7}"}]}}


def x_timeline_page(account: int, posts: int) -> bytes:
    """One X API v2 user-timeline page: every fifth post a repost of the candidate's, in ``includes.tweets``."""
    author = x_user_id(account)
    data, reposted, media = [], [], []
    for k in range(posts):
        n = account * posts + k
        if k % 5 == 4:
            original = {**x_tweet(X_CANDIDATE, n), "id": x_id(n + 50_000_000)}
            data.append({"id": x_id(n), "text": f"RT @calon: {original['text']}"[:140], "author_id": author,
                         "created_at": original["created_at"], "edit_history_tweet_ids": [x_id(n)],
                         "referenced_tweets": [{"type": "retweeted", "id": original["id"]}]})
            reposted.append(original)
        else:
            data.append(x_tweet(author, n))
            media.append({"media_key": f"3_{n}", "type": "photo", "url": "https://pbs.example/f.jpg",
                          "alt_text": f"Petugas melayani warga nomor {n}"})
    ids = [t["id"] for t in data]
    body = {"data": data, "includes": {"tweets": reposted, "media": media, "users": [
        {"id": author, "username": x_handle(account), "name": "ASN"},
        {"id": X_CANDIDATE, "username": "calon", "name": "Calon"}]},
        "meta": {"result_count": len(data), "newest_id": max(ids, key=int), "oldest_id": min(ids, key=int)}}
    return json.dumps(body, ensure_ascii=False).encode()


def start_x_server(accounts: int, posts: int) -> ReplayServer:
    server = ReplayServer()

    def api(path: str, query: dict[str, list[str]]) -> Reply:
        parts = path.strip("/").split("/")  # 2, users[, <id>[, tweets | following]]
        if len(parts) == 2:  # the multi-user lookup, ?ids=1,2,…
            users = [{"id": i, "username": x_handle(int(i) - 1_000_000), "name": "ASN"}
                     for i in query["ids"][0].split(",")]
            return Reply(200, json.dumps({"data": users}).encode(), {"Content-Type": JSON_TYPE})
        account = int(parts[2]) - 1_000_000
        what = parts[3] if len(parts) > 3 else ""
        if what == "tweets":
            body = x_timeline_page(account, posts)
        elif what == "following":
            body = b'{"meta": {"result_count": 0}}'
        else:
            body = json.dumps({"data": {"id": parts[2], "username": x_handle(account), "name": "ASN"}}).encode()
        return Reply(200, body, {"Content-Type": JSON_TYPE})

    server.add_handler("/2/users", api, prefix=True)
    server.start()
    return server


def seed_x(url: str, accounts: int) -> None:
    """The Bluesky bench's registry (ids 1..N), and an X account for each of its employees (ids N+1..2N)."""
    seed(url, accounts)
    with session_scope(url) as s:
        ids = dict(s.execute(select(Employee.nip, Employee.id)).all())
        s.execute(insert(Account), [{"employee_id": ids[nip(i)], "platform": "x", "handle": x_handle(i),
                                     "external_id": x_user_id(i), "state": "active"} for i in range(accounts)])


def x_plan(accounts: int, base_url: str) -> CrawlPlan:
    targets = [{"handle": x_handle(i), "role": "declared", "account_id": accounts + i + 1,
                "external_id": x_user_id(i), "crawl_state": {}, "recheck_ids": []} for i in range(accounts)]
    declared = {x_user_id(i): accounts + i + 1 for i in range(accounts)}
    return CrawlPlan(kind="x", targets=targets, declared=declared, base_url=base_url)


def _bare_child(platform: str, base_url: str, accounts: int, posts: int, out: Any) -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class BareFeedSpider(scrapy.Spider):
        name = "bare"

        async def start(self) -> Any:
            for i in range(accounts):
                if platform == "x":
                    yield scrapy.Request(f"{base_url}/2/users/{x_user_id(i)}/tweets?max_results={posts}")
                else:
                    yield scrapy.Request(f"{base_url}/xrpc/app.bsky.feed.getAuthorFeed?actor={did(i)}"
                                         f"&limit={posts}&filter=posts_with_replies")

        def parse(self, response: Any) -> Any:
            page = json.loads(response.body)
            if platform == "x":
                for tweet in page["data"]:
                    yield {"id": tweet["id"], "text": tweet["text"], "author": tweet["author_id"],
                           "created_at": tweet["created_at"], "repost": "referenced_tweets" in tweet}
                return
            for entry in page["feed"]:
                post = entry["post"]
                yield {"uri": post["uri"], "text": post["record"]["text"], "author": post["author"]["did"],
                       "created_at": post["record"]["createdAt"], "repost": "reason" in entry}

    settings = {k: v for k, v in SETTINGS.items() if not k.startswith("NETRA_")}
    settings.update({"ITEM_PIPELINES": {}, "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": False,
                     "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareFeedSpider)
    started, cpu = time.perf_counter(), time.process_time()
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    out.put((time.perf_counter() - started, stats.get("downloader/response_count", 0),
             stats.get("item_scraped_count", 0), time.process_time() - cpu))


def timed_bare(platform: str, base_url: str, accounts: int, posts: int) -> tuple[float, int, int, float]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_bare_child, args=(platform, base_url, accounts, posts, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def _child(plan_data: dict[str, Any], url: str | None, settings: dict[str, Any], out: Any) -> None:
    import spiders.settings  # noqa: F401
    from spiders.runner import spider_class

    the_plan = CrawlPlan(**plan_data)
    # Imported before the clock starts, as the bare run imports Scrapy before its clock: both time the crawl.
    spider_class(the_plan.kind)
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    stats = crawl_in_this_process([the_plan], database_url=url, scrapy_settings=settings)[the_plan.kind]
    # The ingest writer is a process of its own (spiders/store_process.py): its CPU counts with the crawl's.
    out.put((time.perf_counter() - started, stats.get("downloader/response_count", 0),
             stats.get("item_scraped_count", 0), time.process_time() - cpu + _children_cpu() - children))


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended (the ingest writer, once the crawl closed it)."""
    times = os.times()
    return times.children_user + times.children_system


def timed_crawl(the_plan: CrawlPlan, url: str | None, store: bool,
                writer_process: bool = True) -> tuple[float, int, int, float]:
    settings = dict(SETTINGS)
    if not store:
        settings["ITEM_PIPELINES"] = {}
    settings["NETRA_WRITER_PROCESS"] = writer_process
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
    parser.add_argument("--platform", choices=("bluesky", "x", "both"), default="both")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL server URL ('off' to skip)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="rounds, each running every kind once; ratios are taken within a round, their median "
                             "printed")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="requests in flight, for every run (CONCURRENT_REQUESTS and _PER_DOMAIN): the server is "
                             "one host, so Netra's three requests an account (profile, feed, follows) wait on it at 16")
    parser.add_argument("--writer-thread", action="store_true",
                        help="also store with the writer thread instead of the writer process (NETRA_WRITER_PROCESS)")
    args = parser.parse_args()

    compile_project()
    SETTINGS["NETRA_PAGE_SIZE"] = max(args.posts, 1)
    SETTINGS["CONCURRENT_REQUESTS"] = SETTINGS["CONCURRENT_REQUESTS_PER_DOMAIN"] = args.concurrency
    # The X spider refuses to start without an app token; the generated server does not check it.
    os.environ.setdefault("NETRA_X_BEARER_TOKEN", "bench-token")
    for platform in (("bluesky", "x") if args.platform == "both" else (args.platform,)):
        if platform == "x":
            server = start_x_server(args.accounts, args.posts)
            the_plan = x_plan(args.accounts, server.base_url)
            label = "X API v2"

            def seed_db(url: str) -> None:
                seed_x(url, args.accounts)
        else:
            server = start_server(args.accounts, args.posts)
            the_plan = plan(args.accounts, server.base_url)
            label = "Bluesky"

            def seed_db(url: str) -> None:
                seed(url, args.accounts)
        print(f"\n{label}, replay server {server.base_url}: {args.accounts} accounts × {args.posts} posts "
              f"({args.accounts * args.posts} acts)")
        rows = measure(platform, server.base_url, the_plan, seed_db, args)
        server.stop()
        pages = args.accounts  # one page of --posts items per account (NETRA_PAGE_SIZE is --posts)
        base_cpu = rows[0][4]
        # CPU seconds are the crawling process's and its ingest writer's (PostgreSQL's server and the replay
        # server are not in them); on a shared machine their ratio moves less with the load than wall time does.
        print(f"{'run':<16}{'seconds':>9}{'pages/s':>10}{'items':>8}{'stored acts':>13}{'acts/s':>9}{'× bare':>8}"
              f"{'cpu s':>8}{'cpu × bare':>12}")
        for name, elapsed, items, stored, cpu, ratio in rows:
            print(f"{name:<16}{elapsed:>9.2f}{pages / elapsed:>10.1f}{items:>8}{stored:>13}"
                  f"{(stored / elapsed if stored else items / elapsed):>9.0f}{ratio:>8.2f}"
                  f"{cpu:>8.2f}{base_cpu / cpu:>12.2f}")
        print(f"(seconds and cpu: the best of {args.repeat} rounds; × bare: the median over the rounds of bare "
              f"Scrapy's time / the run's time in the same round)")


def compile_project() -> None:
    """Netra's modules as bytecode, as an installed wheel has them (pip compiles on install).

    Bare Scrapy's modules come compiled from site-packages; from a source checkout with
    PYTHONDONTWRITEBYTECODE set, every crawl and writer process would instead compile Netra's modules from
    source inside its timed run (0.15-0.2 s of CPU each).
    """
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("monitor", "spiders", "models", "reports"):
        compileall.compile_dir(root / package, quiet=1)


def measure(platform: str, base_url: str, the_plan: CrawlPlan, seed_db: Any,
            args: argparse.Namespace) -> list[tuple[str, float, int, int, float, float]]:
    """Bare Scrapy, parse only, SQLite and PostgreSQL runs of one platform, in ``--repeat`` rounds.

    Each round runs every kind once, one after the other, and each run's ratio to bare Scrapy is taken within its
    round: this machine's speed drifts by a fifth within minutes (bare Scrapy alone took 6.8 to 8.4 s for the same
    pages in one session), and runs of one kind done back to back would put the drift between the run and its
    baseline. Each row: (run, seconds, items, stored acts, CPU seconds of the crawling process and its writer,
    median over the rounds of bare Scrapy's time in the round / the run's time in the round); seconds and CPU are
    the best round's.
    """
    kinds: list[tuple[str, Any]] = [("bare Scrapy", None), ("parse only", None)]

    @contextmanager
    def sqlite_url() -> Iterator[str]:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"

    kinds.append(("SQLite", (sqlite_url, True)))
    if args.writer_thread:
        kinds.append(("SQLite, thread", (sqlite_url, False)))
    if args.pg.lower() != "off":
        try:
            with scratch_database(args.pg, "netra_bench"):
                pass
            kinds.append(("PostgreSQL", (lambda: scratch_database(args.pg, "netra_bench"), True)))
            if args.writer_thread:
                kinds.append(("PG, thread", (lambda: scratch_database(args.pg, "netra_bench"), False)))
        except OperationalError as exc:  # no server: report and go on with the SQLite figures
            print(f"PostgreSQL skipped: {exc}")

    def one(label: str, storing: Any) -> tuple[float, int, int, float]:
        if label == "bare Scrapy":
            elapsed, _responses, items, cpu = timed_bare(platform, base_url, args.accounts, args.posts)
            return elapsed, items, 0, cpu
        if storing is None:
            elapsed, _responses, items, cpu = timed_crawl(the_plan, None, store=False)
            return elapsed, items, 0, cpu
        make_url, writer_process = storing
        with make_url() as url:
            seed_db(url)
            elapsed, _responses, items, cpu = timed_crawl(the_plan, url, store=True, writer_process=writer_process)
            with session_scope(url) as s:
                stored = s.scalar(select(func.count()).select_from(Activity)) or 0
        return elapsed, items, stored, cpu

    rounds: list[dict[str, tuple[float, int, int, float]]] = []
    for _ in range(args.repeat):
        rounds.append({label: one(label, storing) for label, storing in kinds})
    rows = []
    for label, _storing in kinds:
        elapsed, items, stored, cpu = min(r[label] for r in rounds)
        ratio = statistics.median(r["bare Scrapy"][0] / r[label][0] for r in rounds)
        rows.append((label, elapsed, items, stored, cpu, ratio))
    return rows


if __name__ == "__main__":
    main()
