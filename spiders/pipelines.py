"""The Scrapy item pipeline: every item goes into the ingestion store in small transactions.

The transactions run in a writer process beside the crawl (spiders/store_process.py) or, with
``NETRA_WRITER_PROCESS`` off or an in-memory database, on a writer thread of this process.

Items are committed together in small batches (``NETRA_COMMIT_EVERY`` items
or ``NETRA_COMMIT_WAIT`` seconds, whichever comes first; items that queue while
the previous batch is written go together into the next), in the order the
spider yielded them; an item is passed on (acknowledged) only after its
batch committed, so a crash loses nothing acknowledged, and an account's
resume point never commits before the items it vouches for. The store's keys
make a re-crawl of the same pages write nothing twice. The pipeline also owns the crawl run: it
counts items, records the errors that spiders and middlewares signal, and
closes the run with Scrapy's stats when the spider finishes.

It keeps the run honest: at the start it stores again the acts an earlier run
could not store (the retry table) and beats a heartbeat while it works, so a
run whose process dies is found and closed; every act that cannot be stored is
an error naming its account and URL, waits in the retry table and holds that
account's resume point back; quarantined records and accounts left half read
are counted, so such a run ends ``partial``, never ``succeeded``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from spiders.base import crawl_error
from spiders.items import ActivityItem, ItemBatch, QuarantineItem
from spiders.store import IngestStore, PositionHeld
from spiders.store_process import StoreProcess, usable

log = logging.getLogger(__name__)

# The crawl run's counters are updated at most once a second (and at the end): progress for people watching,
# not a transaction per 50 items, which queued some 20 updates behind every batch on the writer (bench/crawl.py).
COUNT_FLUSH_EVERY_S = 1.0
HEARTBEAT_S = 30.0  # well inside spiders.store.STALE_AFTER
# Up to this many times NETRA_COMMIT_EVERY items in one transaction when they queued behind a busy writer:
# bounds a batch's memory and the cost of its one-by-one retry should it fail.
GROUP_COMMIT_FACTOR = 20
# Batches a writer process holds at once: the one it stores and the next, waiting in its pipe.
MAX_IN_FLIGHT_PROCESS = 2
KEPT_STATS = (
    "downloader/request_count", "downloader/response_count", "item_scraped_count", "item_dropped_count",
    "retry/count", "retry/max_reached", "netra/errors", "netra/retry_wait_seconds", "elapsed_time_seconds",
    "finish_reason", "netra/ratelimit_wait_seconds",
    # YouTube: the quota units this run spent and whether Google refused more (spiders.platforms.youtube.quota).
    "netra/quota_units", "netra/quota_exceeded",
    # Responses whose items went through Scrapy as one (spiders.batching); absent where items went one by one.
    "netra/item_batches",
)


class IngestPipeline:
    takes_batches = True  # spiders.batching: a response's items may come as one ItemBatch

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.database_url = crawler.settings.get("NETRA_DATABASE_URL")
        self.store = IngestStore(self.database_url)
        # Batches and counts are written by a process of their own (spiders.store_process) unless turned off
        # or impossible (an in-memory database, a daemonic worker): then by the writer thread, in this process.
        self.writer_process = crawler.settings.getbool("NETRA_WRITER_PROCESS", True) and usable(self.database_url)
        # Started now, not when the spider opens: its interpreter and imports (half a second) overlap the
        # engine's own start instead of holding the first batch back.
        self._store_process = StoreProcess(self.database_url) if self.writer_process else None
        self.max_in_flight = MAX_IN_FLIGHT_PROCESS if self._store_process is not None else 1
        self.run_id: int | None = None
        # Items wait at most COMMIT_WAIT seconds or until COMMIT_EVERY are queued, then commit together.
        self.commit_every = crawler.settings.getint("NETRA_COMMIT_EVERY", 50)
        self.commit_wait = crawler.settings.getfloat("NETRA_COMMIT_WAIT", 0.2)
        # Items waiting for a commit, as queued together (one item, or a response's batch), each with its answer.
        self._pending: list[tuple[list[Any], asyncio.Future[list[bool | None | Exception]]]] = []
        self._pending_items = 0
        self._timer: asyncio.TimerHandle | None = None
        # Group commit: the most items one transaction takes when many waited for a busy writer.
        self.batch_limit = self.commit_every * GROUP_COMMIT_FACTOR
        self._in_flight = 0  # batches handed to the writer and not answered yet
        self._commit_asked = False  # a commit came due while it was
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="netra-ingest")
        # Batches and counter updates on the writer thread, until each is done (close_spider waits for them).
        self._writing: set[asyncio.Future[Any]] = set()
        self.seen = self.stored = self.quarantined = self.store_failures = 0
        self._unflushed = 0
        self._counts_flushed_at = time.monotonic()
        self._heartbeat: asyncio.TimerHandle | None = None
        crawler.signals.connect(self.on_crawl_error, signal=crawl_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IngestPipeline:
        return cls(crawler)

    @property
    def spider(self) -> Spider:
        assert self.crawler.spider is not None
        return self.crawler.spider

    def open_spider(self) -> None:
        spider = self.spider
        platform = getattr(spider, "platform", None) or None
        self.run_id = getattr(spider, "crawl_run_id", None)
        if self.run_id is None:
            self.run_id = self.store.start_run(spider.name, platform)
            spider.crawl_run_id = self.run_id  # type: ignore[attr-defined]
        else:
            self.store.heartbeat(self.run_id)  # the run is now this process's
        self._beat_later()
        if platform:
            retried, waiting = self.store.retry_pending(platform, crawl_run_id=self.run_id)
            if retried or waiting:
                log.info("retry table: %d acts stored now, %d still waiting", retried, waiting)
            if waiting:
                self.on_crawl_error(account=None, url=None,
                                    error=f"{waiting} act(s) of earlier runs still cannot be stored (retry table)")

    def _beat_later(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not under the asyncio reactor: the counters' updates still beat
            return
        self._heartbeat = loop.call_later(HEARTBEAT_S, self._beat)

    def _beat(self) -> None:
        if self.run_id is not None:
            try:
                self.store.heartbeat(self.run_id)
            except Exception:  # noqa: BLE001 — a missed beat is retried in 30 s; it must not stop the crawl
                log.warning("heartbeat of crawl run %s failed", self.run_id, exc_info=True)
        self._beat_later()

    async def process_item(self, item: Any) -> Any:
        """Queue the item (or a response's batch of them) for the next commit; pass it on once that succeeded.

        Of a batch (spiders.batching), the acts that could not be stored are taken out and counted as dropped
        items, as one item alone would be dropped.
        """
        if isinstance(item, ItemBatch):
            results = await self._queued(item.items)
            kept = [one for one, result in zip(item.items, results, strict=True) if self._accounted(one, result)]
            if len(kept) < len(item.items) and self.crawler.stats is not None:
                self.crawler.stats.inc_value("item_dropped_count", len(item.items) - len(kept), start=0)
            item.items = kept
            return item
        result = (await self._queued([item]))[0]
        if not self._accounted(item, result):
            raise DropItem(str(result))
        return item

    async def _queued(self, items: list[Any]) -> list[bool | None | Exception]:
        """The store's answer for each of ``items`` once the commit that took them is done."""
        done: asyncio.Future[list[bool | None | Exception]] = asyncio.get_running_loop().create_future()
        self._pending.append((items, done))
        self._pending_items += len(items)
        if self._pending_items >= self.commit_every:
            self._commit()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.commit_wait, self._commit)
        return await done

    def _accounted(self, item: Any, result: bool | None | Exception) -> bool:
        """Count the store's answer for one item on the run; whether the item goes on (False: it is dropped)."""
        if isinstance(result, PositionHeld):
            self.on_crawl_error(account=getattr(item, "handle", None), url=None, error=str(result))
            self._mark_incomplete(getattr(item, "handle", None))
            return False
        if isinstance(result, Exception):
            self.store_failures += 1
            self._unflushed += 1
            self.on_crawl_error(account=self._account_of(item), url=self._url_of(item),
                                error=f"could not store {type(item).__name__} (kept for retry): "
                                      f"{type(result).__name__}: {result}")
            return False
        if isinstance(item, QuarantineItem):
            self.quarantined += 1
            self._unflushed += 1
            return True
        if result is not None:
            self.seen += 1
            self.stored += int(result)
            self._unflushed += 1
            if time.monotonic() - self._counts_flushed_at >= COUNT_FLUSH_EVERY_S:
                self._flush_counts()
        return True

    def _commit(self) -> None:
        """Hand the queued items to the writer as one transaction, or ask for it once the writer is free.

        One writer keeps batches in order and lets Scrapy go on downloading
        and parsing while the database works. A writer thread takes one batch
        at a time; a writer process two (one stored, the next already in its
        pipe, so it never idles while the crawl pickles and sends). Items
        that arrive while the writer is full wait and go together into the
        next batch (group commit), so when the database is the bound each
        transaction carries more items instead of a queue of small ones. A
        response's items are never split between transactions.
        """
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._in_flight >= self.max_in_flight:
            self._commit_asked = True
            return
        taken = 0
        count = 0
        while taken < len(self._pending) and (taken == 0 or count + len(self._pending[taken][0]) <= self.batch_limit):
            count += len(self._pending[taken][0])
            taken += 1
        batch, self._pending = self._pending[:taken], self._pending[taken:]
        self._pending_items -= count
        self._commit_asked = bool(self._pending)  # what did not fit is due as well: it goes next
        if not batch:
            return
        writing = asyncio.ensure_future(self._write([one for items, _ in batch for one in items]))
        self._writing.add(writing)
        self._in_flight += 1

        def resolve(done_writing: asyncio.Future[list[bool | None | Exception]]) -> None:
            self._writing.discard(done_writing)
            self._in_flight -= 1
            results = done_writing.result()
            start = 0
            for items, done in batch:
                if not done.done():
                    done.set_result(results[start:start + len(items)])
                start += len(items)
            # Items left waiting because their commit came due while the writer was full (or more than one
            # batch's worth) go now; the others keep the timer process_item set for them.
            if self._commit_asked or self._pending_items >= self.commit_every:
                self._commit()

        writing.add_done_callback(resolve)
        if self._commit_asked and self._in_flight < self.max_in_flight:
            self._commit()  # more than a batch waited and the writer can take another now

    async def _write(self, items: list[Any]) -> list[bool | None | Exception]:
        """The batch's results, one per item, in order: stored by the writer process or the writer thread."""
        loop = asyncio.get_running_loop()
        if self._store_process is None:
            return await loop.run_in_executor(self._writer, self._store_batch, items)
        try:
            # Pickled and sent on the writer thread (a batch is megabytes; the pipe takes 64 KiB at a time),
            # in the order the batches were made; answered by the writer process's reader thread.
            answer = await loop.run_in_executor(
                self._writer, functools.partial(self._store_process.submit, "store_batch", items,
                                                crawl_run_id=self.run_id))
            return await asyncio.wrap_future(answer)
        except Exception as exc:  # the writer or the database failed: every item of the batch is reported
            log.exception("commit of %d items failed", len(items))
            return [exc] * len(items)

    def _store_batch(self, items: list[Any]) -> list[bool | None | Exception]:
        try:
            return self.store.store_batch(items, crawl_run_id=self.run_id)
        except Exception as exc:  # the database itself failed: every item of the batch is reported
            log.exception("commit of %d items failed", len(items))
            return [exc] * len(items)

    @staticmethod
    def _account_of(item: Any) -> str | None:
        if isinstance(item, ActivityItem):
            return item.account_handle or item.account_external_id or (
                f"account {item.account_id}" if item.account_id is not None else None)
        return getattr(item, "handle", None) or getattr(item, "author_handle", None)

    @staticmethod
    def _url_of(item: Any) -> str | None:
        own = getattr(item, "post", None)
        return (getattr(item, "source_url", None) or getattr(own, "source_url", None)
                or getattr(item, "url", None))

    def _mark_incomplete(self, handle: str | None) -> None:
        if handle:
            self.spider.incomplete_handles.add(handle)  # type: ignore[attr-defined]

    def _flush_counts(self, *, here: bool = False) -> None:
        """Add the counts gathered since the last flush to the crawl run.

        On the writer thread, after the batches already queued: done here, the update blocked the reactor
        for a transaction every 50 items and, on SQLite, waited for the write lock the writer held.
        ``here``: in this thread, once the writer has stopped (close_spider).
        """
        counts = {"seen": self.seen, "stored": self.stored, "quarantined": self.quarantined,
                  "store_failures": self.store_failures}
        self.seen = self.stored = self.quarantined = self.store_failures = self._unflushed = 0
        self._counts_flushed_at = time.monotonic()
        if self.run_id is None or not any(counts.values()):
            return
        if here:
            self.store.add_counts(self.run_id, **counts)
            return
        writing = asyncio.get_running_loop().run_in_executor(self._writer, self._add_counts, self.run_id, counts)
        self._writing.add(writing)
        writing.add_done_callback(self._writing.discard)

    def _add_counts(self, run_id: int, counts: dict[str, int]) -> None:
        if self._store_process is not None:
            # After the batches sent before it, without waiting for its answer (the writer thread goes on
            # sending batches); the writer ends only once it is done (close_spider).
            added = self._store_process.submit("add_counts", run_id, **counts)
            added.add_done_callback(lambda done: done.exception() is not None and log.error(
                "could not add counts %s to crawl run %s: %s", counts, run_id, done.exception()))
            return
        try:
            self.store.add_counts(run_id, **counts)
        except Exception:  # noqa: BLE001 — the database failed: say so; the run's counts are then short
            log.exception("could not add counts %s to crawl run %s", counts, run_id)

    def on_crawl_error(self, account: str | None, url: str | None, error: str) -> None:
        if self.run_id is None:
            log.error("error before the crawl run opened: %s (%s, %s)", error, account, url)
            return
        self.store.record_error(self.run_id, account=account, url=url, error=error)

    async def close_spider(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        self._commit()
        while self._writing:  # a batch's items, once resolved, may queue a counter update of their own
            await asyncio.gather(*list(self._writing))
        self._writer.shutdown(wait=True)
        if self._store_process is not None:
            self._store_process.close()
        self._flush_counts(here=True)
        if self.run_id is None:
            return
        incomplete = len(getattr(self.spider, "incomplete_handles", ()))
        if incomplete:
            self.store.add_counts(self.run_id, incomplete_accounts=incomplete)
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        kept = {k: (v if isinstance(v, int | float | str) else str(v)) for k, v in stats.items() if k in KEPT_STATS}
        kept.update({k: v for k, v in stats.items() if k.startswith("downloader/response_status_count/")})
        self.store.finish_run(self.run_id, stats=kept)
