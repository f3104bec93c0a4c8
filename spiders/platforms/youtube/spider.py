"""YouTube Data API v3 with an API key: declared channels' uploads and public subscriptions; declared
channels' comments on watched (candidate) channels' videos. Quota-aware.

Wire format: https://developers.google.com/youtube/v3/docs (``kind`` / ``items`` / ``nextPageToken``;
errors are ``{"error": {"code", "message", "errors": [{"reason", "domain", "message"}]}}``). The key
goes in the ``X-Goog-Api-Key`` header (https://cloud.google.com/docs/authentication/api-keys-use),
never in a URL that would be stored as an evidence's source. Every call is counted in quota units
against ``NETRA_YOUTUBE_DAILY_QUOTA`` (:mod:`spiders.platforms.youtube.quota`): at the budget, or
when Google answers ``quotaExceeded``, the crawl stops asking, says so on the run, and the next
day's crawl reads on from where this one stopped.

A video's key is its id, as the uploads feed gives it (``spiders/platforms/rss``), so a channel read
first through its feed and later through the API keeps one post per video.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from monitor.config import get_settings
from spiders.base import NetraSpider, Target
from spiders.items import (
    AccountStateItem,
    ActivityItem,
    CrawlCheckpointItem,
    PostItem,
    TombstoneItem,
    parse_time,
    raw_json,
)
from spiders.platforms.youtube.quota import EXCEEDED, UNITS

WATCH = "https://www.youtube.com/watch?v="
HASHTAG_RE = re.compile(r"(?<![\w#])#(\w{2,})", re.UNICODE)
VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
# https://developers.google.com/youtube/v3/determine_quota_cost: list methods 1 unit, search.list 100.
LIST_COST = 1
QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
# Answers that say something about the thing asked for, not about the crawl: no error on the run.
QUIET_REASONS = {"commentsDisabled", "subscriptionForbidden"}
# playlistItems of a video no longer public: no time, a placeholder title.
PLACEHOLDER_TITLES = {"Private video", "Deleted video"}
VIDEOS_BATCH = 50  # videos.list takes at most 50 ids


def reasons(data: Any) -> list[str]:
    error = data.get("error") if isinstance(data, dict) and isinstance(data.get("error"), dict) else {}
    return [e["reason"] for e in error.get("errors") or [] if isinstance(e, dict) and isinstance(e.get("reason"), str)]


def error_message(data: Any) -> str:
    error = data.get("error") if isinstance(data, dict) and isinstance(data.get("error"), dict) else {}
    return str(error.get("message") or "unexpected answer")[:300]


def thumbnail(snippet: dict[str, Any]) -> str | None:
    thumbs = snippet.get("thumbnails") if isinstance(snippet.get("thumbnails"), dict) else {}
    for size in ("maxres", "standard", "high", "medium", "default"):
        found = thumbs.get(size)
        if isinstance(found, dict) and isinstance(found.get("url"), str):
            return found["url"]
    return None


def video_post(item: Any, source_url: str) -> PostItem | None:
    """An uploads-playlist item as a post (title and description; the thumbnail as a photo); None if not public."""
    if not isinstance(item, dict):
        raise ValueError("playlist item is not an object")
    snippet = item.get("snippet") if isinstance(item.get("snippet"), dict) else {}
    details = item.get("contentDetails") if isinstance(item.get("contentDetails"), dict) else {}
    resource = snippet.get("resourceId") if isinstance(snippet.get("resourceId"), dict) else {}
    video_id = details.get("videoId") or resource.get("videoId")
    if not isinstance(video_id, str) or not video_id:
        raise ValueError("playlist item without a video id")
    title = snippet.get("title") if isinstance(snippet.get("title"), str) else ""
    published_raw = details.get("videoPublishedAt") if isinstance(details.get("videoPublishedAt"), str) else None
    if published_raw is None and title in PLACEHOLDER_TITLES:
        return None  # private or deleted: not a public act
    description = snippet.get("description") if isinstance(snippet.get("description"), str) else ""
    text = "\n\n".join(p for p in (title, description) if p)
    url = WATCH + video_id
    image = thumbnail(snippet)
    extras = {
        "title": title,
        "hashtags": list(dict.fromkeys(HASHTAG_RE.findall(text))),
        "links": [url],
        "media": [{"type": "image", "url": image, "alt": ""}] if image else [],
        "channel_title": snippet.get("channelTitle"),
    }
    return PostItem(
        platform="youtube", external_id=video_id, url=url,
        author_handle=snippet.get("channelTitle") if isinstance(snippet.get("channelTitle"), str) else None,
        author_external_id=snippet.get("channelId") if isinstance(snippet.get("channelId"), str) else None,
        text=text, extras={k: v for k, v in extras.items() if v not in ([], None, "")},
        posted_at=parse_time(published_raw or snippet.get("publishedAt")),
        posted_at_raw=published_raw or (snippet.get("publishedAt") if isinstance(snippet.get("publishedAt"), str)
                                        else None),
        raw=raw_json(item), source_url=source_url, source="crawl:youtube",
    )


def comment_post(comment: Any, video_id: str, source_url: str) -> PostItem:
    if not isinstance(comment, dict) or not isinstance(comment.get("id"), str) or not comment["id"]:
        raise ValueError("comment without an id")
    snippet = comment.get("snippet") if isinstance(comment.get("snippet"), dict) else {}
    author = snippet.get("authorChannelId") if isinstance(snippet.get("authorChannelId"), dict) else {}
    text = snippet.get("textOriginal") if isinstance(snippet.get("textOriginal"), str) else snippet.get("textDisplay")
    parent = snippet.get("parentId") if isinstance(snippet.get("parentId"), str) else None
    updated = snippet.get("updatedAt") if isinstance(snippet.get("updatedAt"), str) else None
    published = snippet.get("publishedAt") if isinstance(snippet.get("publishedAt"), str) else None
    return PostItem(
        platform="youtube", external_id=comment["id"], url=f"{WATCH}{video_id}&lc={comment['id']}",
        author_handle=snippet.get("authorDisplayName") if isinstance(snippet.get("authorDisplayName"), str) else None,
        author_external_id=author.get("value") if isinstance(author.get("value"), str) else None,
        text=text if isinstance(text, str) else "", parent_external_id=parent or video_id,
        posted_at=parse_time(published), posted_at_raw=published,
        # An edited comment changes updatedAt: a new evidence version.
        version=updated if updated and updated != published else None,
        extras={"video_id": video_id}, raw=raw_json(comment), source_url=source_url, source="crawl:youtube",
    )


class YouTubeSpider(NetraSpider):
    name = "youtube"
    platform = "youtube"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.base_url = self.base_url or settings.youtube_base_url.rstrip("/")
        self.key = settings.youtube_api_key
        self.budget = settings.youtube_daily_quota
        self.spent = int(self.options.get("quota_spent") or 0)
        self.exhausted = bool(self.options.get("quota_exceeded"))
        self.stopped_reported = False
        # Watched channels still being resolved: subscriptions are matched against their ids once known.
        self.resolving_watched: set[str] = set()
        self.waiting_follows: list[Target] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> YouTubeSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.count_attempt, signal=signals.request_reached_downloader)
        return spider

    # ------------------------------------------------------------ plumbing

    def count_attempt(self, request: Request, spider: scrapy.Spider) -> None:
        """Count a call's units each time it is sent: Google charges a retried call again (a timeout or a dropped
        connection after the call reached it), so counting once per planned call would under-report the day."""
        units = request.meta.get("quota_units")
        if not units:
            return
        self.crawler.stats.inc_value(UNITS, units)
        if request.meta.get("retry_times"):
            self.spent += units  # a retry was never reserved by spend()

    def auth_headers(self, request: scrapy.Request) -> dict[str, str]:
        return {"X-Goog-Api-Key": self.key} if self.key else {}

    def api(self, resource: str, **params: Any) -> str:
        query = urlencode([(k, str(v)) for k, v in params.items() if v is not None])
        return f"{self.base_url}/youtube/v3/{resource}?{query}"

    def spend(self, target: Target | None, units: int = LIST_COST) -> bool:
        """Reserve ``units`` of today's quota; False (and the account left unfinished) when it is spent."""
        if not self.exhausted and self.spent + units <= self.budget:
            self.spent += units  # reserved now; counted in the run's stats when sent (count_attempt)
            return True
        if not self.stopped_reported:
            self.stopped_reported = True
            why = "Google answered quotaExceeded" if self.exhausted else f"the daily budget of {self.budget} units " \
                "(NETRA_YOUTUBE_DAILY_QUOTA) is spent"
            self.report_error(None, None, f"YouTube quota: {why}; the rest is read after the quota resets "
                              f"({self.options.get('quota_resets_at') or 'midnight Pacific time'})")
        self.on_target_failed(target)
        return False

    def yt_request(self, url: str, callback: Any, target: Target, *, units: int = LIST_COST,
                   **meta: Any) -> scrapy.Request | None:
        if not self.spend(target, units):
            return None
        # 400-404 carry Google's error JSON: the callbacks say what it means.
        return self.request(url, callback, target, errors_ok=(400, 401, 403, 404), quota_units=units, **meta)

    def answer(self, response: Response) -> tuple[Target, dict[str, Any] | None]:
        """The decoded page, or None after recording why there is none (quota, a refusal)."""
        target: Target = response.meta["target"]
        data = self.load_json(response, target.handle)
        if data is None:
            return target, None
        if not isinstance(data, dict):
            self.report_error(target.handle, response.url, "YouTube answer is not a JSON object")
            self.on_target_failed(target)
            return target, None
        if response.status == 200 and "error" not in data:
            return target, data
        found = reasons(data)
        if set(found) & QUOTA_REASONS:
            self.exhausted = True
            self.crawler.stats.set_value(EXCEEDED, 1)
            self.report_error(target.handle, response.url, f"YouTube quota exceeded ({', '.join(found)}): the rest "
                              "is read after the quota resets")
            self.stopped_reported = True
            self.on_target_failed(target)
            return target, None
        if set(found) & QUIET_REASONS:
            return target, {"quiet": found}
        self.report_error(target.handle, response.url, f"YouTube refused the request (HTTP {response.status}, "
                          f"{', '.join(found) or 'no reason'}): {error_message(data)}")
        self.on_target_failed(target)
        return target, None

    def next_token(self, response: Response, data: dict[str, Any]) -> tuple[str | None, bool]:
        token = data.get("nextPageToken") if isinstance(data.get("nextPageToken"), str) else None
        seen: frozenset[str] = response.meta.get("seen_tokens", frozenset())
        if token and (token in seen or token == response.meta.get("token")):
            target: Target = response.meta["target"]
            self.report_error(target.handle, response.url, f"page token {token!r} repeated: stopped paging")
            self.on_target_failed(target)
            return None, True
        return token or None, False

    # ------------------------------------------------------------ identity

    async def start(self) -> Any:
        if not self.key:
            self.report_error(None, None, "NETRA_YOUTUBE_API_KEY is not set: the YouTube API needs it")
            return
        # Watched channels first: the declared channels' subscriptions are matched against their ids.
        ordered = sorted(self.targets, key=lambda t: t.role != "watched")
        self.resolving_watched = {t.handle for t in ordered if t.role == "watched"}
        for target in ordered:
            request = self.channel_request(target)
            if request is not None:
                yield request
            elif target.role == "watched":
                self.resolving_watched.discard(target.handle)

    def channel_request(self, target: Target) -> scrapy.Request | None:
        handle = target.handle
        if target.external_id and target.external_id.startswith("UC"):
            which = {"id": target.external_id}
        elif handle.startswith("UC"):
            which = {"id": handle}
        else:
            which = {"forHandle": handle if handle.startswith("@") else "@" + handle}
        request = self.yt_request(self.api("channels", part="snippet,contentDetails", **which), self.parse_channel,
                                  target)
        return request.replace(errback=self.on_channel_error) if request is not None else None

    def on_channel_error(self, failure: Failure) -> Iterator[Any]:
        self.on_request_error(failure)
        yield from self.watched_resolved(failure.request.meta["target"])  # type: ignore[attr-defined]

    def watched_resolved(self, target: Target) -> Iterator[Any]:
        """A watched channel's resolution ended (either way): release the follows waiting on the last one."""
        if target.role != "watched":
            return
        self.resolving_watched.discard(target.handle)
        if not self.resolving_watched:
            waiting, self.waiting_follows = self.waiting_follows, []
            for declared in waiting:
                request = self.subscriptions_request(declared, token=None, page=1, seen=frozenset(), found={})
                if request is not None:
                    yield request

    def parse_channel(self, response: Response) -> Iterator[Any]:
        target, data = self.answer(response)
        try:
            produced = list(self.read_channel(target, response, data))
        except Exception as exc:  # noqa: BLE001 — recorded against the account; the waiting follows still go
            self.on_callback_error(response, exc)
            produced = []
        yield from produced
        yield from self.watched_resolved(target)

    def read_channel(self, target: Target, response: Response, data: dict[str, Any] | None) -> Iterator[Any]:
        if data is None or "quiet" in data:
            return
        items = [i for i in data.get("items") or [] if isinstance(i, dict)]
        channel = items[0] if items else None
        if channel is None or not isinstance(channel.get("id"), str):
            # channels.list answers an unknown handle or id with no items, not an error.
            self.report_error(target.handle, response.url, "account not_found: no such YouTube channel")
            yield AccountStateItem(platform="youtube", handle=target.handle, state="not_found",
                                   reason="channels.list has no item", source_url=response.url, **target.ids)
            return
        channel_id = channel["id"]
        target.external_id = channel_id
        snippet = channel.get("snippet") if isinstance(channel.get("snippet"), dict) else {}
        details = channel.get("contentDetails") if isinstance(channel.get("contentDetails"), dict) else {}
        related = details.get("relatedPlaylists") if isinstance(details.get("relatedPlaylists"), dict) else {}
        yield AccountStateItem(platform="youtube", handle=target.handle, external_id=channel_id, state="active",
                               labels=[{"customUrl": snippet.get("customUrl")}], source_url=response.url,
                               **target.ids)
        uploads = related.get("uploads") if isinstance(related.get("uploads"), str) else None
        if target.role == "declared":
            known = target.account_id or self.declared.get(target.handle.lower())
            if known is not None:
                self.declared[channel_id.lower()] = known
        else:
            self.watched[channel_id.lower()] = target.watched_account_id or 0
        if uploads is None:
            self.report_error(target.handle, response.url, "channel without an uploads playlist")
            self.on_target_failed(target)
        else:
            yield from self.start_readings(target, uploads)
        if target.role == "declared":
            if self.resolving_watched:
                self.waiting_follows.append(target)
            else:
                request = self.subscriptions_request(target, token=None, page=1, seen=frozenset(), found={})
                if request is not None:
                    yield request
            # Own posts are videos; own comments (also re-checked for other platforms) are not asked here.
            ids = [i for i in target.recheck_ids if isinstance(i, str) and VIDEO_ID.fullmatch(i)]
            for start in range(0, len(ids), VIDEOS_BATCH):
                batch = ids[start:start + VIDEOS_BATCH]
                request = self.yt_request(self.api("videos", part="id", id=",".join(batch)), self.parse_recheck,
                                          target, ids=batch)
                if request is not None:
                    yield request

    # ------------------------------------------------------------- uploads
    # The uploads playlist lists a channel's videos newest first. As with Bluesky's feed, a reading
    # goes from a page token (none: the newest) down to ``until``, the newest publish time an earlier
    # reading saw (crawl_state.newest_published_at); a capped reading leaves a gap to read on later.

    def start_readings(self, target: Target, uploads: str) -> Iterator[scrapy.Request]:
        state = target.crawl_state if target.role == "declared" else {}
        until = state.get("newest_published_at") if isinstance(state.get("newest_published_at"), str) else None
        request = self.uploads_request(target, uploads, {"id": "top", "until": until, "top": None}, token=None)
        if request is not None:
            yield request
        gaps = state.get("gaps") if isinstance(state.get("gaps"), dict) else {}
        for gap_id, gap in gaps.items():
            if isinstance(gap, dict) and isinstance(gap.get("token"), str):
                request = self.uploads_request(target, uploads, {"id": gap_id, "until": gap.get("until"), "top": None},
                                               token=gap["token"])
                if request is not None:
                    yield request

    def uploads_request(self, target: Target, uploads: str, reading: dict[str, Any], *, token: str | None,
                        page: int = 1, seen: frozenset[str] = frozenset()) -> scrapy.Request | None:
        size = max(1, min(50, self.settings.getint("NETRA_PAGE_SIZE")))  # playlistItems: maxResults 0..50
        url = self.api("playlistItems", part="snippet,contentDetails", playlistId=uploads, maxResults=size,
                       pageToken=token)
        return self.yt_request(url, self.parse_uploads, target, uploads=uploads, reading=reading, token=token,
                               page=page, seen_tokens=seen)

    def parse_uploads(self, response: Response) -> Iterator[Any]:
        target, data = self.answer(response)
        if data is None:
            return
        reading: dict[str, Any] = response.meta["reading"]
        items = data.get("items") if isinstance(data.get("items"), list) else []
        until = reading["until"]
        ceiling = self.capture_time().isoformat(timespec="seconds")
        top, reached = reading["top"], False
        unread = []
        for item in items:
            when = self.item_time(item)
            if when:
                when = min(when, ceiling)  # a position never passes the moment it was read
                top = max(top or when, when)
            if until and when and when <= until:
                reached = True
                continue
            unread.append(item)
        read = self.declared_video if target.role == "declared" else self.watched_video
        yield from self.each_record(target, response.url, unread, lambda i: read(target, i, response.url))
        token, looped = self.next_token(response, data)
        if looped:
            return
        declared = target.role == "declared"
        cap = self.settings.getint("NETRA_MAX_PAGES" if declared else "NETRA_WATCHED_PAGES")
        more = bool(token) and bool(items) and not reached
        page = response.meta["page"]
        if more and page < cap:
            request = self.uploads_request(target, response.meta["uploads"], {**reading, "top": top}, token=token,
                                           page=page + 1, seen=response.meta["seen_tokens"] | {token})
            if request is not None:
                yield request
            return
        if not declared:
            return
        checkpoint = CrawlCheckpointItem(platform="youtube", handle=target.handle, **target.ids)
        if reading["id"] == "top" and top:
            checkpoint.advance["newest_published_at"] = top
        if not more:
            if reading["id"] != "top":
                checkpoint.gaps_remove.append(reading["id"])
        else:
            self.report_error(target.handle, response.url, f"page cap of {cap} pages reached: the next crawl reads "
                              "on from here")
            self.incomplete_handles.add(target.handle)
            gap_id = reading["id"] if reading["id"] != "top" else "g" + hashlib.sha256(
                f"{token}|{until}".encode()).hexdigest()[:12]
            checkpoint.gaps_set[gap_id] = {"token": token, "until": until}
        yield checkpoint

    @staticmethod
    def item_time(item: Any) -> str | None:
        """When the video was added to the uploads playlist, as UTC ISO text (the playlist's own order)."""
        snippet = item.get("snippet") if isinstance(item, dict) and isinstance(item.get("snippet"), dict) else {}
        when = parse_time(snippet.get("publishedAt"))
        return when.isoformat(timespec="seconds") if when else None

    def declared_video(self, target: Target, item: Any, url: str) -> Iterator[Any]:
        post = video_post(item, url)
        if post is None:
            return
        yield ActivityItem(platform="youtube", kind="post", external_id=post.external_id,
                           account_id=target.account_id, account_external_id=target.external_id, post=post,
                           text=post.text, url=post.url, occurred_at=post.posted_at,
                           occurred_at_raw=post.posted_at_raw, source=self.source)

    def parse_recheck(self, response: Response) -> Iterator[Any]:
        """Own videos asked for again: one videos.list answers without it is gone (deleted or made private)."""
        target, data = self.answer(response)
        if data is None or "quiet" in data:
            return
        present = {i.get("id") for i in data.get("items") or [] if isinstance(i, dict)}
        for video_id in response.meta["ids"]:
            if video_id not in present:
                yield TombstoneItem(platform="youtube", external_id=video_id, source_url=response.url,
                                    reason="no longer returned by videos.list")

    # ------------------------------------------------------- subscriptions

    def subscriptions_request(self, target: Target, *, token: str | None, page: int, seen: frozenset[str],
                              found: dict[str, str]) -> scrapy.Request | None:
        url = self.api("subscriptions", part="snippet", channelId=target.external_id, maxResults=50,
                       pageToken=token)
        return self.yt_request(url, self.parse_subscriptions, target, token=token, page=page, seen_tokens=seen,
                               found=found, first_url=url if token is None else None)

    def parse_subscriptions(self, response: Response) -> Iterator[Any]:
        """A channel's public subscriptions: each one to a watched channel is a follow (with its time)."""
        target, data = self.answer(response)
        if data is None:
            return
        if "quiet" in data:
            # The channel keeps its subscriptions private (subscriptionForbidden): nothing to see, no fault.
            self.crawler.stats.inc_value("netra/subscriptions_private")
            return
        found: dict[str, str] = dict(response.meta["found"])
        first_url = response.meta.get("first_url") or response.url

        def read(item: Any) -> Iterator[Any]:
            if not isinstance(item, dict):
                raise ValueError("subscription is not an object")
            snippet = item.get("snippet") if isinstance(item.get("snippet"), dict) else {}
            resource = snippet.get("resourceId") if isinstance(snippet.get("resourceId"), dict) else {}
            channel_id = resource.get("channelId")
            if not isinstance(channel_id, str) or not channel_id:
                raise ValueError("subscription without a channel id")
            if self.watched_id(channel_id) is None:
                return
            title = snippet.get("title") if isinstance(snippet.get("title"), str) else None
            found[channel_id] = channel_id
            published = snippet.get("publishedAt") if isinstance(snippet.get("publishedAt"), str) else None
            yield self.follow_activity(
                target, followed_id=channel_id, handle=None, name=title,
                bio=snippet.get("description") if isinstance(snippet.get("description"), str) else None,
                url=f"https://www.youtube.com/channel/{channel_id}", record=item, source_url=response.url,
                occurred_at=parse_time(published), occurred_at_raw=published)

        items = data.get("items") if isinstance(data.get("items"), list) else []
        yield from self.each_record(target, response.url, items, read)
        token, looped = self.next_token(response, data)
        if looped:
            return
        page, cap = response.meta["page"], self.settings.getint("NETRA_FOLLOW_PAGES")
        if token and items and page < cap:
            request = self.subscriptions_request(target, token=token, page=page + 1,
                                                 seen=response.meta["seen_tokens"] | {token}, found=found)
            if request is not None:
                request.meta["first_url"] = first_url
                yield request
            return
        complete = not (token and items)
        if not complete:
            self.report_error(target.handle, response.url, f"subscriptions: page cap of {cap} pages reached; "
                              "unfollows are not judged on a list not read to the end")
            self.incomplete_handles.add(target.handle)
        yield from self.end_follow_reading(target, found, first_url, complete=complete)

    # ---------------------------------------------------- watched candidates

    def watched_video(self, target: Target, item: Any, url: str) -> Iterator[Any]:
        post = video_post(item, url)
        if post is None:
            return
        yield post
        request = self.threads_request(target, post, token=None, page=1, seen=frozenset())
        if request is not None:
            yield request

    def threads_request(self, target: Target, video: PostItem, *, token: str | None, page: int,
                        seen: frozenset[str]) -> scrapy.Request | None:
        url = self.api("commentThreads", part="snippet,replies", videoId=video.external_id, maxResults=100,
                       order="time", textFormat="plainText", pageToken=token)
        return self.yt_request(url, self.parse_threads, target, video=video, token=token, page=page,
                               seen_tokens=seen)

    def comment_activity(self, comment: PostItem, declared: int, video: PostItem,
                         parent: PostItem | None) -> ActivityItem:
        # The video is the context; a reply also carries the comment it answers.
        context = "\n\n".join(p for p in (video.text or "", parent.text if parent else "") if p)
        return ActivityItem(platform="youtube", kind="comment", external_id=comment.external_id, account_id=declared,
                            post=comment, target=video, text=comment.text, context=context or None, url=comment.url,
                            occurred_at=comment.posted_at, occurred_at_raw=comment.posted_at_raw, source=self.source)

    def parse_threads(self, response: Response) -> Iterator[Any]:
        target, data = self.answer(response)
        video: PostItem = response.meta["video"]
        if data is None:
            if response.status == 404:
                yield TombstoneItem(platform="youtube", external_id=video.external_id, source_url=response.url,
                                    reason="commentThreads: video not found")
            return
        if "quiet" in data:
            return  # comments are disabled on this video

        def read(thread: Any) -> Iterator[Any]:
            if not isinstance(thread, dict):
                raise ValueError("comment thread is not an object")
            snippet = thread.get("snippet") if isinstance(thread.get("snippet"), dict) else {}
            top = comment_post(snippet.get("topLevelComment"), video.external_id, response.url)
            declared = self.declared_id(top.author_external_id)
            if declared is not None:
                yield self.comment_activity(top, declared, video, None)
            replies = thread.get("replies") if isinstance(thread.get("replies"), dict) else {}
            shown = [c for c in replies.get("comments") or [] if isinstance(c, dict)]
            total = snippet.get("totalReplyCount") if isinstance(snippet.get("totalReplyCount"), int) else 0
            if total > len(shown):
                # A thread carries a few replies only; comments.list has them all.
                request = self.replies_request(target, video, top, token=None, page=1, seen=frozenset())
                if request is not None:
                    yield request
                return
            for reply in shown:
                yield from self.reply_activity(reply, video, top, response.url)

        threads = data.get("items") if isinstance(data.get("items"), list) else []
        yield from self.each_record(target, response.url, threads, read)
        token, looped = self.next_token(response, data)
        if token and not looped and response.meta["page"] < self.settings.getint("NETRA_MAX_PAGES"):
            request = self.threads_request(target, video, token=token, page=response.meta["page"] + 1,
                                           seen=response.meta["seen_tokens"] | {token})
            if request is not None:
                yield request

    def reply_activity(self, reply: Any, video: PostItem, parent: PostItem, url: str) -> Iterator[Any]:
        comment = comment_post(reply, video.external_id, url)
        declared = self.declared_id(comment.author_external_id)
        if declared is not None:
            comment.parent_external_id = parent.external_id
            yield self.comment_activity(comment, declared, video, parent)

    def replies_request(self, target: Target, video: PostItem, parent: PostItem, *, token: str | None, page: int,
                        seen: frozenset[str]) -> scrapy.Request | None:
        url = self.api("comments", part="snippet", parentId=parent.external_id, maxResults=100,
                       textFormat="plainText", pageToken=token)
        return self.yt_request(url, self.parse_replies, target, video=video, parent=parent, token=token, page=page,
                               seen_tokens=seen)

    def parse_replies(self, response: Response) -> Iterator[Any]:
        target, data = self.answer(response)
        if data is None or "quiet" in data:
            return
        video, parent = response.meta["video"], response.meta["parent"]
        replies = data.get("items") if isinstance(data.get("items"), list) else []
        yield from self.each_record(target, response.url, replies,
                                    lambda r: self.reply_activity(r, video, parent, response.url))
        token, looped = self.next_token(response, data)
        if token and not looped and response.meta["page"] < self.settings.getint("NETRA_MAX_PAGES"):
            request = self.replies_request(target, video, parent, token=token, page=response.meta["page"] + 1,
                                           seen=response.meta["seen_tokens"] | {token})
            if request is not None:
                yield request
