"""The YouTube Data API's daily quota: what this deployment spent today, counted from its crawl runs.

Google counts units per Google Cloud project and day, and resets at midnight Pacific time
(https://developers.google.com/youtube/v3/getting-started#quota): a list call costs 1 unit, a
search 100. Each YouTube crawl run keeps the units it spent in its stats (``netra/quota_units``)
and whether Google answered ``quotaExceeded`` (``netra/quota_exceeded``); the planner sums today's
runs so one budget (``NETRA_YOUTUBE_DAILY_QUOTA``) holds across runs. No Scrapy here: the runner
imports this while planning.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.schema import CrawlRun

PACIFIC = ZoneInfo("America/Los_Angeles")
UNITS = "netra/quota_units"
EXCEEDED = "netra/quota_exceeded"


def quota_day_start(now: datetime | None = None) -> datetime:
    """The start (UTC) of the current quota day: the last midnight in Pacific time."""
    now = (now or datetime.now(UTC)).astimezone(PACIFIC)
    return datetime.combine(now.date(), time(0), PACIFIC).astimezone(UTC)


def next_reset(now: datetime | None = None) -> datetime:
    return quota_day_start(now) + timedelta(days=1)


def units_spent_today(session: Session, now: datetime | None = None) -> tuple[int, bool]:
    """Units the YouTube crawls spent since the quota day began, and whether Google refused one of them."""
    start = quota_day_start(now)
    spent, exceeded = 0, False
    for stats in session.scalars(select(CrawlRun.stats).where(CrawlRun.platform == "youtube",
                                                              CrawlRun.started_at >= start)):
        if isinstance(stats, dict):
            spent += int(stats.get(UNITS) or 0)
            exceeded = exceeded or bool(stats.get(EXCEEDED))
    return spent, exceeded


def plan_options(session: Session) -> dict[str, Any]:
    """What the YouTube spider is told when planned (``Platform.plan_options``)."""
    spent, exceeded = units_spent_today(session)
    return {"quota_spent": spent, "quota_exceeded": exceeded, "quota_resets_at": next_reset().isoformat()}
