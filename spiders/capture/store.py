"""Storing a capture: the post, the declared account's act, and three pieces of evidence with their hashes.

A capture keeps, for one post:

- the metadata record (JSON: where and when it was loaded, the page's structured data, yt-dlp's
  fields, the post as read) as the post's own evidence, ``<platform>:post:<id>``;
- the rendered HTML, ``<platform>:capture-html:<id>``;
- the screenshot (PNG), ``<platform>:capture-screenshot:<id>``.

All three are written in the same transaction as the post and the act, through the ingestion
store's rules: a capture whose post reads as before (same text, time, tags, links — the post's
content fingerprint) adds nothing at all, even though its screenshot's pixels or the page's
counters differ; a post that changed adds the next version of each. Evidence is never updated
or deleted. A post that is gone is marked deleted; what was captured before stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from monitor.db.schema import Account, Activity, Evidence, Post
from spiders.capture.post import CapturedPost
from spiders.items import ActivityItem, PostItem
from spiders.store import IngestStore, sha256_hex

SOURCE = "capture"


def subject_keys(platform: str, external_id: str) -> dict[str, str]:
    return {"record": f"{platform}:post:{external_id}", "html": f"{platform}:capture-html:{external_id}",
            "screenshot": f"{platform}:capture-screenshot:{external_id}"}


@dataclass(frozen=True)
class StoredCapture:
    created: bool  # anything new was written: an act, a post, a version
    changed: bool  # the post's content is new or differs from the last capture (new evidence versions)
    activity_id: int
    post_id: int
    record_evidence_id: int | None
    evidence_sha256: str | None  # the metadata record's newest version
    html_evidence_id: int | None
    screenshot_evidence_id: int | None


@dataclass(frozen=True)
class Removed:
    post_id: int
    activity_id: int | None
    newly_marked: bool
    first_captured_at: str | None  # ISO time of the earliest evidence kept


def match_account(session: Session, platform: str, handles: list[str]) -> Account | None:
    """The declared account on ``platform`` among ``handles`` (best first), by handle or platform id."""
    if not handles:
        return None
    lowered = [h.lower() for h in handles]
    rows = list(session.scalars(select(Account).where(
        Account.platform == platform,
        or_(func.lower(Account.handle).in_(lowered), Account.external_id.in_(handles)))))
    for wanted in handles:
        for row in rows:
            if row.handle.lower() == wanted.lower() or row.external_id == wanted:
                return row
    return None


class CaptureStore(IngestStore):
    """The ingestion store with the capture's own writes (one transaction per capture)."""

    def store_capture(self, *, account_id: int, post: CapturedPost, record: bytes, html: bytes, screenshot: bytes,
                      source_url: str, crawl_run_id: int | None = None) -> StoredCapture:
        return self._retrying(lambda s: self._store(s, account_id, post, record, html, screenshot, source_url,
                                                     crawl_run_id))

    def _store(self, s: Session, account_id: int, post: CapturedPost, record: bytes, html: bytes, screenshot: bytes,
               source_url: str, crawl_run_id: int | None) -> StoredCapture:
        source = f"{SOURCE}:{post.site or 'page'}"
        keys = subject_keys(post.platform, post.external_id)
        extras = {"capture": True, "site": post.site, "title": post.title, "author_name": post.author_name,
                  "hashtags": post.hashtags, "mentions": post.mentions, "links": post.links,
                  "media": [{"type": "image", "url": u} for u in post.images]
                  + [{"type": "video", "url": u} for u in post.videos],
                  "counts": post.counts}
        item_post = PostItem(platform=post.platform, external_id=post.external_id, url=post.url,
                             author_handle=post.author_handle, text=post.text,
                             extras={k: v for k, v in extras.items() if v not in (None, [], {})}, lang=post.lang,
                             posted_at=post.posted_at, posted_at_raw=post.posted_at_raw, raw=record,
                             source_url=source_url, media_type="application/json", source=source)
        before = s.scalar(select(Post).where(Post.platform == post.platform, Post.external_id == post.external_id))
        changed = before is None or before.content_sha256 != item_post.content_fingerprint()
        # The act keeps the kind it was first captured as: a photo post whose picture failed to load once is
        # still the same act, not a second one.
        kind = s.scalar(select(Activity.kind).where(
            Activity.account_id == account_id, Activity.external_id == post.external_id,
            Activity.kind.in_(("post", "photo")))) or post.kind
        act = self._insert_activity(s, ActivityItem(
            platform=post.platform, kind=kind, external_id=post.external_id, account_id=account_id, post=item_post,
            text=post.text, url=post.url, occurred_at=post.posted_at, occurred_at_raw=post.posted_at_raw,
            source=source), crawl_run_id)
        row = s.scalar(select(Post).where(Post.platform == post.platform, Post.external_id == post.external_id))
        assert row is not None
        created = act.created or changed
        html_id = shot_id = None
        if changed or not self._has_evidence(s, keys["html"]):
            html_ev = self.capture_evidence(keys["html"], html, source_url, source=source,
                                            media_type="text/html; charset=utf-8", post_id=row.id,
                                            crawl_run_id=crawl_run_id, session=s)
            shot_ev = self.capture_evidence(keys["screenshot"], screenshot, source_url, source=source,
                                            media_type="image/png", post_id=row.id, crawl_run_id=crawl_run_id,
                                            session=s)
            html_id, shot_id = html_ev.id, shot_ev.id
            created = created or html_ev.created or shot_ev.created
        newest = s.execute(select(Evidence.id, Evidence.sha256).where(Evidence.subject_key == keys["record"])
                           .order_by(Evidence.version.desc()).limit(1)).first()
        return StoredCapture(created=created, changed=changed, activity_id=act.id, post_id=row.id,
                             record_evidence_id=newest[0] if newest else None,
                             evidence_sha256=newest[1] if newest else None, html_evidence_id=html_id,
                             screenshot_evidence_id=shot_id)

    def earlier_post(self, *, platform: str | None, external_id: str | None, urls: list[str]) -> int | None:
        """The post an earlier capture of one of these URLs (or of this post key) stored, if any."""
        with self.sessions() as s:
            if platform and external_id:
                found = s.scalar(select(Post.id).where(Post.platform == platform, Post.external_id == external_id))
                if found is not None:
                    return found
            wanted = [u for u in dict.fromkeys(urls) if u]
            if not wanted:
                return None
            found = s.scalar(select(Evidence.post_id).where(
                Evidence.source_url.in_(wanted), Evidence.post_id.is_not(None),
                Evidence.source.like(f"{SOURCE}:%")).order_by(Evidence.id.desc()).limit(1))
            if found is not None:
                return found
            return s.scalar(select(Post.id).where(Post.url.in_(wanted)).order_by(Post.id.desc()).limit(1))

    def mark_removed(self, post_id: int) -> Removed:
        """Mark a post gone (its evidence stays); ``newly_marked`` is false when it was marked before."""

        def work(s: Session) -> Removed:
            row = s.get(Post, post_id)
            if row is None:
                raise LookupError(f"post {post_id} does not exist")
            newly = self._mark_deleted(s, row.platform, row.external_id)
            activity = s.scalar(select(Activity.id).where(Activity.post_id == post_id).order_by(Activity.id).limit(1))
            first = s.scalar(select(func.min(Evidence.captured_at)).where(Evidence.post_id == post_id))
            return Removed(post_id, activity, newly, first.isoformat() if first else None)

        return self._retrying(work)

    @staticmethod
    def digest(data: bytes) -> str:
        return sha256_hex(data)
