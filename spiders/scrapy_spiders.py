"""The platform spiders as ``scrapy crawl`` finds them (``SPIDER_MODULES`` of :mod:`spiders.scrapy_project`).

Netra's own callers (``netra crawl``, the scheduler, the demo) plan a crawl with
:func:`spiders.runner.plan_crawl` and hand the spider its targets. Started by
Scrapy, a spider gets only ``-a`` strings; each class here is the platform's
spider that then plans for itself — the same planning and the same crawl run
row as ``netra crawl`` — before it starts.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from spiders.platforms import crawls, spider_class
from spiders.runner import CrawlError, open_run, plan_crawl
from spiders.store import IngestStore

NO = ("0", "no", "false", "off")


def _listed(value: Any) -> list[str]:
    """``-a handle=a,b`` (Scrapy keeps only the last of repeated ``-a``, so commas name several)."""
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def plan_arguments(kind: str, crawler: Crawler, arguments: dict[str, Any]) -> dict[str, Any]:
    """The spider arguments of a planned crawl, from ``scrapy crawl``'s ``-a`` options and ``-s`` settings.

    Creates the crawl run row. Raises :class:`UsageError` (Scrapy prints it without a traceback)
    when the accounts cannot be planned, e.g. a handle that is neither declared nor watched.
    """
    rest = dict(arguments)
    handles = _listed(rest.pop("handle", None)) + _listed(rest.pop("handles", None))
    try:
        account_ids = [int(v) for v in _listed(rest.pop("account_id", None))]
    except ValueError:
        raise UsageError(f"-a account_id={arguments.get('account_id')!r}: expected account ids (numbers)") from None
    watched = str(rest.pop("watched", "yes")).strip().lower() not in NO
    base_url = rest.pop("base_url", None) or crawler.settings.get(f"NETRA_{kind.upper()}_BASE_URL") or None
    database_url = crawler.settings.get("NETRA_DATABASE_URL") or None
    try:
        plan = plan_crawl(kind, handles=handles or None, account_ids=account_ids or None, watched=watched,
                          base_url=base_url, database_url=database_url)
    except CrawlError as exc:
        raise UsageError(str(exc)) from None
    open_run(plan, IngestStore(database_url))
    return {**rest, "targets": plan.targets, "declared": plan.declared, "watched": plan.watched,
            "base_url": plan.base_url, "crawl_run_id": plan.run_id, "options": plan.options}


class PlansWhenStartedBare:
    """Mixin: a spider started without targets (by ``scrapy crawl``) plans its crawl from the database."""

    name: str

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Any:
        if "targets" not in kwargs:
            kwargs = plan_arguments(cls.name, crawler, kwargs)
        return super().from_crawler(crawler, *args, **kwargs)  # type: ignore[misc]


def _scrapy_spiders() -> dict[str, type]:
    out: dict[str, type] = {}
    for kind in crawls():
        base = spider_class(kind)
        out[base.__name__] = type(base.__name__, (PlansWhenStartedBare, base),
                                  {"__module__": __name__, "__doc__": base.__doc__})
    return out


# Scrapy's spider loader takes the classes defined in this module, one per crawl of the platform table.
globals().update(_scrapy_spiders())
