"""What every Netra spider shares: its targets, JSON decoding that never throws, error reporting.

Spiders only parse and yield items. Whatever goes wrong — a request that
failed after its retries, a body that is not JSON, a record missing its id —
is sent as the ``crawl_error`` signal with the account and URL; the ingest
pipeline counts it on the crawl run. Nothing here stops the other accounts.

A record the parser cannot read (a field of an unexpected shape, a value of
the wrong type) is *quarantined*: kept raw with its account, URL and error
(:meth:`NetraSpider.each_record`), and the next record is read. An exception
that still escapes a callback is recorded against its account by
:class:`CallbackErrors` and stops only that account's reading, so the run can
never end ``succeeded`` with a page it did not read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from spiders.items import (
    ActivityItem,
    CrawlCheckpointItem,
    FollowChangeItem,
    QuarantineItem,
    loads,
    profile_context,
    profile_post,
    raw_json,
)

# Signal: (account: str | None, url: str | None, error: str); see spiders.pipelines.IngestPipeline.
crawl_error = object()


@dataclass
class Target:
    """One account to crawl: a declared ASN account or a watched candidate account."""

    handle: str
    role: str = "declared"  # declared | watched
    account_id: int | None = None
    watched_account_id: int | None = None
    external_id: str | None = None
    crawl_state: dict[str, Any] = field(default_factory=dict)
    # Ids of this account's recent posts, re-fetched to notice deletions.
    recheck_ids: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def ids(self) -> dict[str, int | None]:
        return {"account_id": self.account_id, "watched_account_id": self.watched_account_id}


class NetraSpider(scrapy.Spider):
    """Base of the platform spiders. Arguments come from :mod:`spiders.runner`."""

    platform = ""

    def __init__(
        self,
        targets: list[dict[str, Any] | Target] | None = None,
        declared: dict[str, int] | None = None,
        base_url: str | None = None,
        crawl_run_id: int | None = None,
        watched: dict[str, int] | None = None,
        options: dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.targets = [t if isinstance(t, Target) else Target.from_dict(t) for t in targets or []]
        # Lower-cased handle / platform id of every declared account -> its registry id.
        self.declared = {str(k).lower(): v for k, v in (declared or {}).items()}
        # The same for every watched (candidate, campaign) account: what a follow must name to be kept.
        self.watched = {str(k).lower(): v for k, v in (watched or {}).items()}
        self.options = dict(options or {})
        self.base_url = base_url.rstrip("/") if base_url else None
        self.crawl_run_id = crawl_run_id
        # Accounts with a failed page this run: their resume point stays where it was.
        self.failed_handles: set[str] = set()
        # Accounts not read to the end this run (a fault, a page cap): the run cannot be ``succeeded``.
        self.incomplete_handles: set[str] = set()
        # The start requests go into a queue shared by worker processes (spiders.distributed): the answers to one
        # account's requests may then reach different processes, so no request may wait on another's answer in
        # this spider's memory.
        self.shared_queue = False

    @property
    def source(self) -> str:
        return f"crawl:{self.platform}"

    def declared_id(self, *keys: str | None) -> int | None:
        for key in keys:
            if key and key.lower() in self.declared:
                return self.declared[key.lower()]
        return None

    def watched_id(self, *keys: str | None) -> int | None:
        for key in keys:
            if key and key.lower() in self.watched:
                return self.watched[key.lower()]
        return None

    def auth_headers(self, request: scrapy.Request) -> dict[str, str]:
        """Credentials to send with ``request``, added at download time (:class:`spiders.middlewares.ApiAuth`)
        so that tokens and keys never sit in a shared queue, a URL or the evidence's source URL."""
        return {}

    # ------------------------------------------------------------- follows
    # A declared account's following list is read to its end; each account in it that is watched
    # (a candidate's, campaign's or party's) is a ``follow`` act. Only a list read to the end can say
    # that a follow is gone: then each watched account followed at the last complete reading
    # (``crawl_state.follows``) and missing now is an unfollow, recorded, never deleting the follow.

    def follow_activity(self, target: Target, *, followed_id: str, handle: str | None, name: str | None,
                        bio: str | None, url: str | None, record: Any, source_url: str,
                        occurred_at: datetime | None = None, occurred_at_raw: str | None = None) -> ActivityItem:
        raw = raw_json(record)
        profile = profile_post(self.platform, followed_id, handle=handle, name=name, bio=bio, url=url, raw=raw,
                               source_url=source_url, source=self.source)
        return ActivityItem(
            platform=self.platform, kind="follow", external_id=followed_id, account_id=target.account_id,
            account_external_id=target.external_id, target=profile, text="",
            context=profile_context(name, handle, bio), url=url, occurred_at=occurred_at,
            occurred_at_raw=occurred_at_raw, raw=raw, source_url=source_url, source=self.source,
        )

    def end_follow_reading(self, target: Target, seen: dict[str, str], url: str, *,
                           complete: bool) -> Iterator[Any]:
        """Follow changes (only after a complete reading) and the new ``crawl_state.follows``: id -> handle.

        A watched account followed at the last complete reading and missing now is an unfollow; one
        missing then and present now may be followed again after an unfollow (the store knows).
        """
        earlier = target.crawl_state.get("follows")
        previous = {str(k): str(v) for k, v in earlier.items()} if isinstance(earlier, dict) else {}
        checkpoint = CrawlCheckpointItem(platform=self.platform, handle=target.handle, **target.ids)
        if not complete:
            if set(seen) - set(previous):
                checkpoint.crawl_state["follows"] = {**previous, **seen}
                yield checkpoint
            return
        now = self.capture_time()
        changes = [(i, h, False) for i, h in sorted(previous.items()) if i not in seen]
        changes += [(i, h, True) for i, h in sorted(seen.items()) if i not in previous]
        for followed_id, handle, following in changes:
            # An account no longer watched (the profile changed) is not an unfollow: it left the list of interest.
            if not following and self.watched_id(followed_id, handle) is None:
                continue
            record = {"following" if following else "no_longer_following": {"id": followed_id, "handle": handle},
                      "following_list": url, "observed_at": now.isoformat()}
            yield FollowChangeItem(platform=self.platform, external_id=followed_id, following=following,
                                   account_id=target.account_id, account_external_id=target.external_id,
                                   observed_at=now, raw=raw_json(record), source_url=url, source=self.source)
        if seen != previous:  # nothing followed, nothing changed: the account's state stays as it was
            checkpoint.crawl_state["follows"] = dict(sorted(seen.items())) or None
            yield checkpoint

    def report_error(self, account: str | None, url: str | None, error: str) -> None:
        self.logger.warning("%s (account %s, %s)", error, account, url)
        self.crawler.stats.inc_value("netra/errors")
        self.crawler.signals.send_catch_log(signal=crawl_error, account=account, url=url, error=error)

    def load_json(self, response: Response, account: str | None) -> Any | None:
        """The decoded body, or None after reporting why it could not be decoded."""
        try:
            return loads(response.body)
        except (ValueError, UnicodeDecodeError) as exc:
            self.report_error(account, response.url, f"malformed JSON (HTTP {response.status}): {exc}")
            target = response.meta.get("target")
            self.on_target_failed(target)
            return None

    @staticmethod
    def capture_time() -> datetime:
        """Now, the ceiling of every resume point: a position may never pass the moment it was read."""
        return datetime.now(UTC)

    def each_record(self, target: Target | None, url: str, records: Iterable[Any],
                    read: Callable[[Any], Iterable[Any]], raw_of: Callable[[Any], bytes] | None = None,
                    ) -> Iterator[Any]:
        """``read(record)``'s items for each record; a record that cannot be read is quarantined instead.

        A record's items are collected before any is passed on, so a record that fails halfway
        leaves no half of itself behind; the records after it are read as usual.
        """
        for index, record in enumerate(records):
            try:
                produced = list(read(record))
            except Exception as exc:  # noqa: BLE001 — any parser fault of one record is that record's
                kept = raw_of(record) if raw_of else record
                yield self.quarantine(target.handle if target else None, f"{url}#{index}", kept, exc)
                continue
            yield from produced

    def quarantine(self, account: str | None, where: str, record: Any, exc: BaseException) -> QuarantineItem:
        error = f"unreadable record: {type(exc).__name__}: {exc}"
        self.report_error(account, where, error)
        self.crawler.stats.inc_value("netra/quarantined")
        try:
            raw = record if isinstance(record, bytes) else raw_json(record)
        except (TypeError, ValueError):
            raw = repr(record).encode("utf-8", "backslashreplace")
        return QuarantineItem(platform=self.platform, account=account, url=where, error=error[:2000], raw=raw)

    def reported_url(self, request: scrapy.Request) -> str:
        """The URL an error of ``request`` is recorded under: the one fetched, unless a spider knows a truer one."""
        return request.url

    def on_callback_error(self, response: Response, exc: BaseException) -> None:
        """An exception escaped a callback: that account's reading stopped here and must not count as done."""
        url = self.reported_url(response.request) if response.request is not None else response.url
        for target in self.targets_of(response.meta):
            self.report_error(target.handle if target else None, url,
                              f"page could not be read: {type(exc).__name__}: {exc}")
            self.on_target_failed(target)

    def request(self, url: str, callback: Any, target: Target | None, *, errors_ok: tuple[int, ...] = (),
                **meta: Any) -> scrapy.Request:
        """A JSON API request that reports its failures against ``target``."""
        meta = {"target": target, "expect_json": True, **meta}
        if errors_ok:
            meta["handle_httpstatus_list"] = list(errors_ok)
        return scrapy.Request(url, callback=callback, errback=self.on_request_error, meta=meta)

    def on_request_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):
            response = failure.value.response
            message = f"HTTP {response.status} after retries" if response.status in (429, 500, 502, 503, 504) else (
                f"HTTP {response.status}")
            body = response.body[:200].decode("utf-8", "replace")
            error = f"{message}: {body}"
        else:
            detail = failure.getErrorMessage() or "the connection ended before the whole body arrived"
            error = f"{type(failure.value).__name__}: {detail}"
        for target in self.targets_of(request.meta):
            self.report_error(target.handle if target else None, self.reported_url(request), error)
            self.on_target_failed(target)

    @staticmethod
    def targets_of(meta: dict[str, Any]) -> list[Target | None]:
        """The accounts a request reads: ``targets`` for one that reads several at once (X's multi-user
        lookup), else its one ``target`` (None for a request of no account)."""
        return list(meta.get("targets") or [meta.get("target")])

    def on_target_failed(self, target: Target | None) -> None:
        """Hook: a request of ``target`` failed, so its checkpoint must not advance."""
        if target is not None:
            self.failed_handles.add(target.handle)
            self.incomplete_handles.add(target.handle)


class CallbackErrors:
    """Spider middleware: an exception from a spider callback becomes an error of the run, never silence.

    Scrapy would only log it; the run would end ``succeeded`` and the account's later pages would
    never be asked for, every crawl again.
    """

    def process_spider_exception(self, response: Response, exception: Exception, spider: scrapy.Spider) -> list[Any]:
        if isinstance(exception, HttpError) or not isinstance(spider, NetraSpider):
            return None  # type: ignore[return-value]  # HTTP errors go to the request's errback
        spider.on_callback_error(response, exception)
        return []
