"""The watch of public profile pages: new posts of declared accounts become acts (a scheduler job).

For each declared account on a watched platform (``capture_watch_platforms``, TikTok by default:
it has no public API, and its profile pages are public), the profile page is listed
(``spiders.capture.watch``) and every post not captured from it before is captured as a tip of
the watch, in the account's name. Each account's ``capture_watch`` row keeps the posts seen and
how the last look went.

A login wall or consent page stops the watch of that platform for this run — the platform has
begun to refuse; more requests would not be public reading any more — and is recorded on the
account's row and on the crawl run. Posts that failed are tried again at the next look.
What the watch stores is classified by the scheduler's classify job, like any crawled act.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.capture.tips import TipInput, capture_tips, create_tips, new_batch
from monitor.config import Settings, get_settings
from monitor.db.schema import Account, CaptureWatch
from monitor.db.session import session_factory
from monitor.db.types import utcnow
from spiders.capture.recognise import profile_url
from spiders.capture.run import Capturer, CaptureRequest
from spiders.capture.watch import list_profile
from spiders.platforms import PLATFORMS

log = logging.getLogger(__name__)

SEEN_KEPT = 500  # post keys remembered per profile


@dataclass
class WatchSummary:
    accounts: int = 0
    looked: int = 0
    new_posts: int = 0
    captured: int = 0
    failed: int = 0
    skipped: int = 0  # accounts not looked at: their platform walled an earlier profile in this run
    walls: list[str] = field(default_factory=list)
    run_id: int | None = None


def profile_address(settings: Settings, platform: str, handle: str) -> str:
    """Where the watch reads a profile: ``capture_watch_profile_urls`` ({handle}: without "@"), else the platform's."""
    template = settings.capture_watch_profile_urls.get(platform)
    if template:
        return template.replace("{handle}", handle.lstrip("@"))
    return profile_url(platform, handle)


def _row(s: Session, account_id: int, url: str) -> CaptureWatch:
    row = s.scalar(select(CaptureWatch).where(CaptureWatch.account_id == account_id))
    if row is None:
        row = CaptureWatch(account_id=account_id, profile_url=url, state="ok", seen=[])
        s.add(row)
    row.profile_url = url
    return row


def watch_profiles(settings: Settings | None = None, *, sessions: sessionmaker[Session] | None = None,
                   account_ids: list[int] | None = None) -> WatchSummary:
    """Look at the watched profiles once; capture their new posts. Returns what was done."""
    settings = settings or get_settings()
    sessions = sessions or session_factory(settings.resolved_database_url)
    summary = WatchSummary()
    platforms = [p for p in settings.capture_watch_platforms if p in PLATFORMS]
    for unknown in sorted(set(settings.capture_watch_platforms) - set(platforms)):
        log.warning("capture watch: unknown platform %r in NETRA_CAPTURE_WATCH_PLATFORMS ignored", unknown)
    if not platforms:
        return summary
    with sessions() as s:
        query = select(Account).where(Account.platform.in_(platforms)).order_by(Account.platform, Account.id)
        if account_ids is not None:
            query = query.where(Account.id.in_(account_ids))
        accounts = [(a.id, a.platform, a.handle) for a in s.scalars(query)]
    summary.accounts = len(accounts)
    if not accounts:
        return summary
    batch = new_batch()
    walled: dict[str, str] = {}
    with Capturer(settings, sessions=sessions, label="watch of public profiles") as capturer:
        summary.run_id = capturer.run_id
        for account_id, platform, handle in accounts:
            if platform in walled:
                summary.skipped += 1
                continue
            url = profile_address(settings, platform, handle)
            listing = list_profile(capturer, platform, url, max_posts=settings.capture_watch_max_posts)
            summary.looked += 1
            problem = listing.wall or listing.error
            if problem:
                state = "login_wall" if listing.wall else "failed"
                if listing.wall:
                    walled[platform] = listing.wall
                    summary.walls.append(f"{platform}:{handle}: {listing.wall}")
                assert capturer.run_id is not None
                capturer.store.record_error(capturer.run_id, account=handle, url=url,
                                            error=f"profile not read: {problem}")
                with sessions.begin() as s:
                    row = _row(s, account_id, url)
                    row.state, row.message, row.last_run_at = state, problem[:2000], utcnow()
                continue
            with sessions() as s:
                seen = set(_row(s, account_id, url).seen or [])
            new = [(key, link) for key, link in listing.posts if key not in seen]
            summary.new_posts += len(new)
            done: list[str] = []
            if new:
                with sessions.begin() as s:
                    _batch, tip_ids = create_tips(s, [TipInput(url=link) for _key, link in new], source="watch",
                                                  username="watch", batch=batch)
                requests = {tip_id: CaptureRequest(url=link, account_id=account_id)
                            for tip_id, (_key, link) in zip(tip_ids, new, strict=True)}
                keys = {tip_id: key for tip_id, (key, _link) in zip(tip_ids, new, strict=True)}
                results = capture_tips(sessions, tip_ids, requests=requests, capturer=capturer)
                for tip_id, result in zip(tip_ids, results, strict=False):
                    if result.status == "failed":
                        summary.failed += 1
                        if result.code in ("login_wall", "consent"):
                            walled[platform] = result.error or result.code
                            summary.walls.append(f"{platform}:{handle}: {result.error}")
                            break
                    else:
                        summary.captured += result.status == "captured"
                        done.append(keys[tip_id])
            with sessions.begin() as s:
                row = _row(s, account_id, url)
                row.seen = (done + [k for k in (row.seen or []) if k not in done])[:SEEN_KEPT]
                row.last_run_at = utcnow()
                if done:
                    row.last_new_at = row.last_run_at
                wall = walled.get(platform)
                row.state, row.message = ("login_wall", wall[:2000]) if wall else ("ok", None)
    log.info("capture watch: %d profiles looked at, %d new posts, %d captured, %d failed, walls: %s",
             summary.looked, summary.new_posts, summary.captured, summary.failed, summary.walls or "none")
    return summary
