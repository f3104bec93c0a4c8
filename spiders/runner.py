"""Starting crawls from code: the CLI, the scheduler and the demo all call :func:`crawl`.

Planning (which accounts, which declared accounts to match, where each left
off) happens here against the database; the spiders receive plain arguments
and never query it. The crawl run rows are created before Scrapy starts, so a
crash still leaves a run to look at (it is marked failed).

Twisted's reactor cannot be restarted within one process, so :func:`crawl`
runs Scrapy in a fresh subprocess each time (``multiprocessing``, spawn): a
long-lived caller such as the scheduler can crawl again and again.
:func:`crawl_in_this_process` runs in the current process — once per process.
"""

from __future__ import annotations

import logging
import multiprocessing
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from monitor.config import get_settings
from monitor.db.schema import Account, Activity, ElectionProfile, Post, WatchedAccount
from monitor.db.session import session_scope
from spiders.base import Target
from spiders.platforms import PLATFORMS, crawl_for, crawls, requirement_missing, spider_class
from spiders.platforms.base import load_ref
from spiders.store import IngestStore

log = logging.getLogger(__name__)

# crawl kind -> (spider "module:Class", platforms of the accounts it reads), from the platform table
SPIDERS: dict[str, tuple[str, tuple[str, ...]]] = crawls()
RECHECK_LIMIT = 100  # recent own posts re-fetched per account to notice deletions


class CrawlError(RuntimeError):
    """A crawl could not be planned or its process failed."""


@dataclass
class CrawlPlan:
    """What one spider run will do; plain data so it crosses the process boundary."""

    kind: str
    targets: list[dict[str, Any]] = field(default_factory=list)
    declared: dict[str, int] = field(default_factory=dict)
    # Lower-cased handle / platform id of every watched (candidate, campaign) account -> its id: the
    # follows of declared accounts are matched against it, whichever accounts this run crawls.
    watched: dict[str, int] = field(default_factory=dict)
    base_url: str | None = None
    run_id: int | None = None
    # What a platform's spider needs to know besides accounts (YouTube: quota units spent today).
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        handles = [t["handle"] for t in self.targets]
        shown = ", ".join(handles[:10]) + (f" … (+{len(handles) - 10})" if len(handles) > 10 else "")
        return f"{len(handles)} accounts: {shown}"


def plan_crawl(kind: str, *, handles: list[str] | None = None, account_ids: list[int] | None = None,
               watched: bool = True, base_url: str | None = None, database_url: str | None = None) -> CrawlPlan:
    """Choose the accounts to crawl and collect everything the spider needs to match acts."""
    if kind not in SPIDERS:
        raise CrawlError(f"unknown crawl {kind!r}: choose one of {', '.join(SPIDERS)}")
    require_settings(kind)
    # A platform listed under two crawls (YouTube: its API, or its feed while no key is set) is read by one.
    platforms = tuple(p for p in SPIDERS[kind][1] if crawl_for(p) == kind)
    wanted = {h.lower() for h in handles or []}
    plan = CrawlPlan(kind=kind, base_url=base_url)
    with session_scope(database_url) as s:
        for entry in {PLATFORMS[p] for p in platforms if PLATFORMS[p].crawl == kind and PLATFORMS[p].plan_options}:
            plan.options.update(load_ref(entry.plan_options)(s))
        for w in s.scalars(
            select(WatchedAccount).join(ElectionProfile, ElectionProfile.id == WatchedAccount.profile_id)
            .where(WatchedAccount.platform.in_(platforms), ElectionProfile.active.is_(True))
        ):
            for key in (w.handle, w.external_id):
                if key:
                    plan.watched.setdefault(key.lower(), w.id)
        accounts = list(s.scalars(select(Account).where(Account.platform.in_(platforms)).order_by(Account.id)))
        for acc in accounts:
            plan.declared[acc.handle.lower()] = acc.id
            if acc.external_id:
                plan.declared[acc.external_id.lower()] = acc.id
        chosen = [a for a in accounts if (not wanted or a.handle.lower() in wanted)
                  and (account_ids is None or a.id in account_ids)]
        for acc in chosen:
            recheck = list(s.scalars(
                select(Post.external_id).join(Activity, Activity.post_id == Post.id)
                .where(Activity.account_id == acc.id, Activity.kind.in_(("post", "comment")), Post.deleted_at.is_(None))
                .order_by(Post.posted_at.desc()).limit(RECHECK_LIMIT)
            ))
            plan.targets.append(asdict(Target(handle=acc.handle, role="declared", account_id=acc.id,
                                              external_id=acc.external_id, crawl_state=dict(acc.crawl_state or {}),
                                              recheck_ids=recheck)))
        if watched:
            rows = s.scalars(
                select(WatchedAccount).join(ElectionProfile, ElectionProfile.id == WatchedAccount.profile_id)
                .where(WatchedAccount.platform.in_(platforms), ElectionProfile.active.is_(True))
                .order_by(WatchedAccount.id)
            )
            seen_watched: set[str] = set()
            for w in rows:
                if (wanted and w.handle.lower() not in wanted) or w.handle.lower() in seen_watched:
                    continue
                seen_watched.add(w.handle.lower())  # the same candidate account in two profiles: crawl once
                plan.targets.append(asdict(Target(handle=w.handle, role="watched", watched_account_id=w.id,
                                                  external_id=w.external_id, crawl_state=dict(w.crawl_state or {}))))
    missing = wanted - {t["handle"].lower() for t in plan.targets}
    if missing:
        raise CrawlError(
            f"not a declared or watched {'/'.join(platforms)} account: {', '.join(sorted(missing))} "
            "(add it to the registry or an election profile first)"
        )
    return plan


def require_settings(kind: str) -> None:
    """Refuse, in one line naming the variable, a crawl whose API token or key is not configured."""
    for name in SPIDERS[kind][1]:
        missing = requirement_missing(name) if PLATFORMS[name].crawl == kind else None
        if missing:
            fallback = PLATFORMS[name].fallback_crawl
            also = f"; until it is, `netra crawl {fallback}` reads {PLATFORMS[name].label}" if fallback else ""
            raise CrawlError(f"{missing} is not set: the {PLATFORMS[name].label} API needs it{also}")


def open_run(plan: CrawlPlan, store: IngestStore) -> int:
    """Create the crawl run row of ``plan`` before its spider starts (so a crash still leaves a run to look at)."""
    plan.run_id = store.start_run(SPIDERS[plan.kind][0].rpartition(":")[2], plan.kind, plan.summary)
    return plan.run_id


def _spider_class(kind: str) -> type:
    return spider_class(kind)


def crawl_in_this_process(plans: list[CrawlPlan], *, database_url: str | None = None,
                          scrapy_settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run the plans' spiders together in this process (starts Twisted's reactor: once per process).

    Returns Scrapy's stats per plan kind. Without ``NETRA_DATABASE_URL`` in the
    settings the pipeline stores to the configured database; pass
    ``ITEM_PIPELINES={}`` to parse without storing (the benchmark's baseline).
    """
    from scrapy.crawler import CrawlerProcess

    from spiders.settings import crawl_settings

    settings = crawl_settings(NETRA_DATABASE_URL=database_url or get_settings().resolved_database_url)
    settings.update(scrapy_settings or {})
    process = CrawlerProcess(settings)
    crawlers = []
    for plan in plans:
        spider_cls = _spider_class(plan.kind)
        crawler = process.create_crawler(spider_cls)
        crawlers.append((plan.kind, crawler))
        process.crawl(crawler, targets=plan.targets, declared=plan.declared, watched=plan.watched,
                      base_url=plan.base_url, crawl_run_id=plan.run_id, options=plan.options)
    process.start()
    return {kind: dict(crawler.stats.get_stats()) if crawler.stats else {} for kind, crawler in crawlers}


def _child(plans: list[dict[str, Any]], database_url: str, scrapy_settings: dict[str, Any] | None) -> None:
    crawl_in_this_process([CrawlPlan(**p) for p in plans], database_url=database_url, scrapy_settings=scrapy_settings)


def crawl(platform: str, handles: list[str] | None = None, account_ids: list[int] | None = None, watched: bool = True,
          base_url: str | None = None, database_url: str | None = None,
          scrapy_settings: dict[str, Any] | None = None) -> list[int]:
    """Crawl one platform (``bluesky``, ``mastodon``, ``feed``, ``x``, ``youtube``) or ``all``; returns the run ids.

    Each spider run gets a crawl run row. A process that dies leaves its runs
    marked failed with the exit code in the error log.
    """
    database_url = database_url or get_settings().resolved_database_url
    kinds = list(SPIDERS) if platform == "all" else [platform]
    plans = []
    for kind in kinds:
        if platform == "all":
            try:
                require_settings(kind)
            except CrawlError as exc:
                log.warning("crawl all: %s (skipped)", exc)
                continue
        plan = plan_crawl(kind, handles=handles, account_ids=account_ids, watched=watched, base_url=base_url,
                          database_url=database_url)
        if plan.targets or platform != "all":
            plans.append(plan)
    store = IngestStore(database_url)
    # Runs an earlier, killed crawl left "running" would otherwise stay so for ever.
    store.close_stale_runs()
    for plan in plans:
        open_run(plan, store)
    if not plans:
        return []
    ctx = multiprocessing.get_context("spawn")
    child = ctx.Process(target=_child, args=([asdict(p) for p in plans], database_url, scrapy_settings),
                        name="netra-crawl")
    child.start()
    child.join()
    for plan in plans:
        assert plan.run_id is not None
        if store.run(plan.run_id).status == "running":
            store.record_error(plan.run_id, account=None, url=None,
                               error=f"crawl process ended with exit code {child.exitcode} before finishing")
            store.finish_run(plan.run_id, failed=True)
    return [p.run_id for p in plans if p.run_id is not None]
