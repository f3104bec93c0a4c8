"""A YouTube Data API v3 server in the real wire format, computed from a small model: for tests and the demo.

It answers what the YouTube spider asks (https://developers.google.com/youtube/v3/docs):
``channels.list`` (``id`` or ``forHandle``), ``playlistItems.list`` of a channel's uploads playlist
(newest first), ``subscriptions.list`` (``subscriptionForbidden`` for a channel that keeps them
private), ``commentThreads.list`` (with at most ``THREAD_REPLIES`` replies in each thread, as YouTube
does), ``comments.list`` by ``parentId`` and ``videos.list``. Every response has ``kind``, ``etag``,
``pageInfo`` and, when more follow, ``nextPageToken``; errors are ``{"error": {"code", "message",
"errors": [{"reason"}]}}``. A request without the right ``X-Goog-Api-Key`` is refused (400
``keyInvalid``); ``quota`` makes the server answer ``quotaExceeded`` once that many units were asked.

Faults on demand: :meth:`YouTubeApi.fail` queues answers for the next requests to a resource
(:meth:`YouTubeApi.heal` ends them); ``loop_tokens`` makes every page of one resource name the same
next token; ``page_override`` serves that many items per page.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from spiders.replay import JSON_TYPE, ReplayServer, Reply

THREAD_REPLIES = 5  # commentThreads carry at most this many replies; comments.list has them all
YTIMG = "ytimg"  # upload(): a thumbnail on i.ytimg.com, as every real video has


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(seed: str, prefix: str, n: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    digest = hashlib.sha256(seed.encode()).digest()
    return prefix + "".join(alphabet[b % 64] for b in digest)[:n]


@dataclass
class Channel:
    id: str
    handle: str  # "@name"
    title: str
    description: str = ""
    subscriptions_private: bool = False

    @property
    def uploads(self) -> str:
        return "UU" + self.id[2:]


@dataclass
class Video:
    id: str
    channel_id: str
    title: str
    description: str
    at: datetime
    thumbnail: str | None = None


@dataclass
class Comment:
    id: str
    video_id: str
    author_id: str
    text: str
    at: datetime
    parent_id: str | None = None
    updated: datetime | None = None


@dataclass
class Subscription:
    channel_id: str  # who subscribes
    to: str  # the channel subscribed to
    at: datetime


class YouTubeApi:
    """The model and its handlers. ``install(server)`` or use it as a context manager (own server)."""

    def __init__(self, key: str = "test-api-key") -> None:
        self.key = key
        self.channels: dict[str, Channel] = {}
        self.videos: dict[str, Video] = {}
        self.comments: dict[str, Comment] = {}
        self.subscriptions: list[Subscription] = []
        self.comments_disabled: set[str] = set()
        self.loop_tokens: str | None = None  # the resource whose pages all name one same next token
        self.page_override: int | None = None
        self.quota: int | None = None  # units Google allows before answering quotaExceeded
        self.units = 0
        self._faults: list[tuple[Callable[[str], bool], list[Reply | None]]] = []
        self._lock = threading.Lock()
        self.server: ReplayServer | None = None

    # ------------------------------------------------------------- model

    def add_channel(self, handle: str, title: str, description: str = "") -> Channel:
        channel = Channel(id=_id(handle, "UC", 22), handle="@" + handle.lstrip("@").lower(), title=title,
                          description=description)
        self.channels[channel.id] = channel
        return channel

    def channel(self, handle: str) -> Channel:
        wanted = "@" + handle.lstrip("@").lower()
        return next(c for c in self.channels.values() if c.handle == wanted)

    def upload(self, handle: str, title: str, description: str, at: datetime, *,
               thumbnail: str | None = YTIMG) -> Video:
        """A new video; its thumbnail on YouTube's image host unless given (``None``: none at all)."""
        channel = self.channel(handle)
        video_id = _id(f"{channel.id}{title}{at}", "", 11)
        video = Video(id=video_id, channel_id=channel.id, title=title, description=description, at=at,
                      thumbnail=f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg" if thumbnail == YTIMG else thumbnail)
        self.videos[video.id] = video
        return video

    def comment(self, handle: str, video: Video, text: str, at: datetime, *,
                reply_to: Comment | None = None) -> Comment:
        author = self.channel(handle)
        comment = Comment(id=_id(f"{author.id}{video.id}{text}{at}", "Ugz", 23), video_id=video.id,
                          author_id=author.id, text=text, at=at, parent_id=reply_to.id if reply_to else None)
        if reply_to is not None:
            comment.id = f"{reply_to.id}.{_id(comment.id, '', 22)}"
        self.comments[comment.id] = comment
        return comment

    def subscribe(self, handle: str, to: str, at: datetime) -> None:
        self.subscriptions.append(Subscription(self.channel(handle).id, self.channel(to).id, at))

    def unsubscribe(self, handle: str, to: str) -> None:
        who, whom = self.channel(handle).id, self.channel(to).id
        self.subscriptions = [s for s in self.subscriptions if not (s.channel_id == who and s.to == whom)]

    def fail(self, resource: str, replies: list[Reply], *, after: int = 0) -> None:
        """The next ``len(replies)`` requests for ``resource`` (``playlistItems``, …) get these answers, in turn,
        after ``after`` of them were answered normally."""
        self._faults.append((lambda path: path.endswith("/" + resource), [None] * after + list(replies)))

    def heal(self) -> None:
        """No more faults: queued ones are dropped, tokens stop looping, pages have their asked size."""
        self._faults.clear()
        self.loop_tokens = None
        self.page_override = None

    # ------------------------------------------------------------- views

    @staticmethod
    def json(body: Any, status: int = 200) -> Reply:
        return Reply(status, json.dumps(body, ensure_ascii=False).encode(), {"Content-Type": JSON_TYPE})

    @staticmethod
    def error(code: int, reason: str, message: str, domain: str = "youtube.api") -> Reply:
        status = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}.get(code, "UNKNOWN")
        return YouTubeApi.json({"error": {"code": code, "message": message, "errors": [
            {"message": message, "domain": domain, "reason": reason}], "status": status}}, code)

    def listing(self, kind: str, items: list[dict[str, Any]], query: dict[str, list[str]],
                default: int = 5, resource: str = "") -> dict[str, Any]:
        size = self.page_override or int((query.get("maxResults") or [str(default)])[0])
        token = (query.get("pageToken") or [None])[0]
        digits = token.removeprefix("CA").split("Q")[0] if token and token.startswith("CA") else ""
        offset = int(digits) if digits.isdigit() else 0
        shown = items[offset:offset + size]
        body: dict[str, Any] = {"kind": f"youtube#{kind}ListResponse",
                                "etag": _id(json.dumps(shown, sort_keys=True), "", 27)}
        looping = self.loop_tokens is not None and self.loop_tokens == resource
        if offset + size < len(items) or (looping and shown):
            body["nextPageToken"] = "CAUQAA" if looping else f"CA{offset + size}QAA"
        body["pageInfo"] = {"totalResults": len(items), "resultsPerPage": size}
        body["items"] = shown
        return body

    @staticmethod
    def thumbnails(url: str | None) -> dict[str, Any]:
        return {"high": {"url": url, "width": 480, "height": 360}} if url else {}

    def channel_view(self, channel: Channel) -> dict[str, Any]:
        return {"kind": "youtube#channel", "etag": _id(channel.id, "", 27), "id": channel.id,
                "snippet": {"title": channel.title, "description": channel.description, "customUrl": channel.handle,
                            "publishedAt": "2019-03-01T02:00:00Z", "thumbnails": {}, "country": "ID"},
                "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": channel.uploads}}}

    def playlist_item(self, video: Video) -> dict[str, Any]:
        channel = self.channels[video.channel_id]
        return {"kind": "youtube#playlistItem", "etag": _id(video.id, "", 27), "id": _id(video.id, "UU", 40),
                "snippet": {"publishedAt": iso(video.at), "channelId": channel.id, "title": video.title,
                            "description": video.description,
                            "thumbnails": self.thumbnails((video.thumbnail or "").replace(
                                "{base}", self.server.base_url if self.server is not None else "") or None),
                            "channelTitle": channel.title, "playlistId": channel.uploads, "position": 0,
                            "resourceId": {"kind": "youtube#video", "videoId": video.id},
                            "videoOwnerChannelTitle": channel.title, "videoOwnerChannelId": channel.id},
                "contentDetails": {"videoId": video.id, "videoPublishedAt": iso(video.at)}}

    def comment_view(self, comment: Comment) -> dict[str, Any]:
        author = self.channels[comment.author_id]
        snippet: dict[str, Any] = {
            "channelId": self.videos[comment.video_id].channel_id, "videoId": comment.video_id,
            "textDisplay": comment.text, "textOriginal": comment.text, "authorDisplayName": author.handle,
            "authorProfileImageUrl": "https://yt3.ggpht.com/a.jpg",
            "authorChannelUrl": f"http://www.youtube.com/{author.handle}",
            "authorChannelId": {"value": author.id}, "canRate": True, "viewerRating": "none", "likeCount": 0,
            "publishedAt": iso(comment.at), "updatedAt": iso(comment.updated or comment.at)}
        if comment.parent_id:
            snippet["parentId"] = comment.parent_id
        return {"kind": "youtube#comment", "etag": _id(comment.id, "", 27), "id": comment.id, "snippet": snippet}

    def thread_view(self, top: Comment) -> dict[str, Any]:
        replies = sorted((c for c in self.comments.values() if c.parent_id == top.id), key=lambda c: c.at)
        thread: dict[str, Any] = {
            "kind": "youtube#commentThread", "etag": _id(top.id + "t", "", 27), "id": top.id,
            "snippet": {"channelId": self.videos[top.video_id].channel_id, "videoId": top.video_id,
                        "topLevelComment": self.comment_view(top), "canReply": True,
                        "totalReplyCount": len(replies), "isPublic": True}}
        if replies:
            thread["replies"] = {"comments": [self.comment_view(c) for c in replies[:THREAD_REPLIES]]}
        return thread

    # ----------------------------------------------------------- answers

    def handle(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        resource = path.rstrip("/").rsplit("/", 1)[-1]
        with self._lock:
            for index, (matches, replies) in enumerate(self._faults):
                if matches(path) and replies:
                    reply = replies.pop(0)
                    if not replies:
                        self._faults.pop(index)
                    if reply is not None:
                        return reply
                    break
            if headers.get("x-goog-api-key") != self.key:
                return self.error(400, "keyInvalid", "API key not valid. Please pass a valid API key.", "global")
            self.units += 1
            if self.quota is not None and self.units > self.quota:
                return self.error(403, "quotaExceeded", 'The request cannot be completed because you have exceeded '
                                  'your <a href="/youtube/v3/getting-started#quota">quota</a>.', "youtube.quota")
        return self.route(resource, query)

    def route(self, resource: str, query: dict[str, list[str]]) -> Reply:
        def one(name: str) -> str:
            return (query.get(name) or [""])[0]

        if resource == "channels":
            wanted = one("forHandle").lower()
            ids = one("id").split(",")
            found = [c for c in self.channels.values() if c.handle == wanted or c.id in ids]
            body = self.listing("channel", [self.channel_view(c) for c in found], query)
            if not found:
                body.pop("items")  # YouTube leaves "items" out when nothing matched
            return self.json(body)
        if resource == "playlistItems":
            channel = next((c for c in self.channels.values() if c.uploads == one("playlistId")), None)
            if channel is None:
                return self.error(404, "playlistNotFound", "The playlist identified with the request's "
                                  "<code>playlistId</code> parameter cannot be found.")
            videos = sorted((v for v in self.videos.values() if v.channel_id == channel.id), key=lambda v: v.at,
                            reverse=True)
            return self.json(self.listing("playlistItem", [self.playlist_item(v) for v in videos], query,
                                          resource=resource))
        if resource == "subscriptions":
            channel = self.channels.get(one("channelId"))
            if channel is None:
                return self.error(404, "subscriberNotFound", "The subscriber identified with the request cannot be "
                                  "found.")
            if channel.subscriptions_private:
                return self.error(403, "subscriptionForbidden", "The requester is not allowed to access the "
                                  "requested subscriptions.")
            subs = sorted((s for s in self.subscriptions if s.channel_id == channel.id), key=lambda s: s.at,
                          reverse=True)
            items = [{"kind": "youtube#subscription", "etag": _id(s.to + s.channel_id, "", 27),
                      "id": _id(s.channel_id + s.to, "", 43),
                      "snippet": {"publishedAt": iso(s.at), "title": self.channels[s.to].title,
                                  "description": self.channels[s.to].description,
                                  "resourceId": {"kind": "youtube#channel", "channelId": s.to},
                                  "channelId": channel.id, "thumbnails": {}}} for s in subs]
            return self.json(self.listing("subscription", items, query, resource=resource))
        if resource == "commentThreads":
            video_id = one("videoId")
            if video_id not in self.videos:
                return self.error(404, "videoNotFound", "The video identified by the <code>videoId</code> "
                                  "parameter could not be found.")
            if video_id in self.comments_disabled:
                return self.error(403, "commentsDisabled", "The video identified by the <code>videoId</code> "
                                  "parameter has disabled comments.")
            tops = sorted((c for c in self.comments.values() if c.video_id == video_id and not c.parent_id),
                          key=lambda c: c.at, reverse=True)
            return self.json(self.listing("commentThread", [self.thread_view(c) for c in tops], query, 20,
                                          resource=resource))
        if resource == "comments":
            replies = sorted((c for c in self.comments.values() if c.parent_id == one("parentId")),
                             key=lambda c: c.at)
            return self.json(self.listing("comment", [self.comment_view(c) for c in replies], query, 20))
        if resource == "videos":
            ids = one("id").split(",")
            found = [{"kind": "youtube#video", "etag": _id(i, "", 27), "id": i} for i in ids if i in self.videos]
            return self.json(self.listing("video", found, {"maxResults": ["50"]}))
        return self.error(404, "notFound", f"no resource {resource}")

    # ---------------------------------------------------------- serving

    def install(self, server: ReplayServer) -> None:
        self.server = server
        server.add_handler("/youtube/v3", self.handle, prefix=True, headers=True)

    def __enter__(self) -> YouTubeApi:
        self.server = ReplayServer()
        self.install(self.server)
        self.server.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.server is not None:
            self.server.stop()

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return self.server.base_url
