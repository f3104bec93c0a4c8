"""A Bluesky AppView for crawl-reliability tests: one account's feed, as long as needed, with faults on demand.

It speaks the real wire format of ``getProfile`` and ``getAuthorFeed`` (docs/platform-formats.md §1):
the feed newest first, ``cursor`` the sort time of the last entry served, ``limit`` honoured. Tests
add posts (``add_posts``), put bad records among them (``entries`` is a plain list of feed entries)
and switch faults on:

- ``repeat_pages``: every page answers with the first page under a fresh cursor (a broken server);
- ``refuse_cursors``: a 400 ``InvalidRequest`` "Invalid cursor" for any cursor;
- ``delay``: seconds before each feed answer (to kill a crawl in the middle).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from spiders.replay import JSON_TYPE, ReplayServer, Reply

DID = "did:plc:feedtestaccount0000000000"
HANDLE = "banyak.bsky.social"
START = datetime(2026, 1, 5, tzinfo=UTC)  # in the past: resume points never pass "now"


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def post_entry(n: int, when: datetime, text: str | None = None) -> dict[str, Any]:
    stamp = iso(when)
    return {"post": {
        "uri": f"at://{DID}/app.bsky.feed.post/3lpost{n:08d}", "cid": f"bafyreipost{n:08d}",
        "author": {"did": DID, "handle": HANDLE, "displayName": "ASN Banyak"},
        "record": {"$type": "app.bsky.feed.post", "createdAt": stamp, "langs": ["id"],
                   "text": text if text is not None else f"Laporan kegiatan pelayanan ke-{n}"},
        "replyCount": 0, "repostCount": 0, "likeCount": 0, "indexedAt": stamp, "labels": [],
    }}


class FeedServer:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []  # newest first
        self.posts = 0
        self.repeat_pages = False
        self.refuse_cursors = False
        self.delay = 0.0
        self.server = ReplayServer()
        self.server.add_handler("/xrpc/com.atproto.identity.resolveHandle", self._resolve)
        self.server.add_handler("/xrpc/app.bsky.actor.getProfile", self._profile)
        self.server.add_handler("/xrpc/app.bsky.feed.getAuthorFeed", self._feed)
        self.server.add_handler("/xrpc/app.bsky.feed.getPosts", self._posts)
        self.server.add_handler("/xrpc/app.bsky.graph.getFollows", self._follows)
        self._fresh = 0
        self._inherited: dict[int, str] = {}  # records that carry no time of their own: where they sit

    def insert_record(self, index: int, entry: Any) -> None:
        """Put any record (however malformed) at ``index``, sorted in the feed where it was put."""
        neighbour = self.entries[index] if index < len(self.entries) else None
        self.entries.insert(index, entry)
        if neighbour is not None:
            # Just newer than the entry now after it: the page it lands on is the page it was put on.
            self._inherited[id(entry)] = self.sort_at(neighbour) + "~"

    def __enter__(self) -> FeedServer:
        self.server.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.stop()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def add_posts(self, count: int, *, after: datetime | None = None) -> list[str]:
        """``count`` new posts, one minute apart, newer than everything so far; returns their uris."""
        newest = after or (START + timedelta(minutes=self.posts))
        uris = []
        for i in range(count):
            self.posts += 1
            entry = post_entry(self.posts, newest + timedelta(minutes=i + 1))
            self.entries.insert(0, entry)
            uris.append(entry["post"]["uri"])
        return uris

    def sort_at(self, entry: Any) -> str:
        if id(entry) in self._inherited:
            return self._inherited[id(entry)]
        post = entry.get("post") if isinstance(entry.get("post"), dict) else {}
        record = post.get("record") if isinstance(post.get("record"), dict) else {}
        return str(post.get("indexedAt") or record.get("createdAt") or "")

    def _resolve(self, _path: str, query: dict[str, list[str]]) -> Reply:
        return Reply(200, json.dumps({"did": DID}).encode(), {"Content-Type": JSON_TYPE})

    def _profile(self, _path: str, query: dict[str, list[str]]) -> Reply:
        return Reply(200, json.dumps({"did": DID, "handle": HANDLE, "labels": []}).encode(),
                     {"Content-Type": JSON_TYPE})

    def _follows(self, _path: str, _query: dict[str, list[str]]) -> Reply:
        return Reply(200, json.dumps({"subject": {"did": DID, "handle": HANDLE}, "follows": []}).encode(),
                     {"Content-Type": JSON_TYPE})

    def _posts(self, _path: str, query: dict[str, list[str]]) -> Reply:
        wanted = set(query.get("uris", []))
        views = [e["post"] for e in self.entries if isinstance(e.get("post"), dict) and e["post"].get("uri") in wanted]
        return Reply(200, json.dumps({"posts": views}, ensure_ascii=False).encode(), {"Content-Type": JSON_TYPE})

    def _feed(self, _path: str, query: dict[str, list[str]]) -> Reply:
        cursor = query.get("cursor", [None])[0]
        limit = int(query.get("limit", ["50"])[0])
        if cursor and self.refuse_cursors:
            return Reply(400, json.dumps({"error": "InvalidRequest", "message": "Invalid cursor"}).encode(),
                         {"Content-Type": JSON_TYPE})
        if self.repeat_pages:
            page = self.entries[:limit]
            self._fresh += 1
            next_cursor: str | None = f"{self.sort_at(page[-1])}#{self._fresh}" if page else None
        else:
            older = [e for e in self.entries if not cursor or self.sort_at(e) < cursor]
            page = older[:limit]
            next_cursor = self.sort_at(page[-1]) if len(older) > limit else None
        body: dict[str, Any] = {"feed": page}
        if next_cursor:
            body["cursor"] = next_cursor
        # json.dumps escapes a lone surrogate (\ud83d), as a JSON server must.
        return Reply(200, json.dumps(body).encode(), {"Content-Type": JSON_TYPE}, delay=self.delay)
