"""The demo's platforms: ``monitor/demo/data/activity.yaml`` served in the real Bluesky, Mastodon, X API v2
and YouTube Data API v3 wire formats, and its fact-checker's site as an RSS feed of ClaimReview articles.

The demo crawls this with the real spiders through the replay server. Responses
are computed per request (any page size, cursors, lookups), from one small
description of who posted, replied, reposted, boosted and liked what. Ids,
DIDs and CIDs are derived deterministically, so every demo run sees the same
platform.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from models.photos import GESTURE_DATA
from monitor.demo import DEMO_DATA
from spiders.factcheck.replay import Article, FactCheckSite
from spiders.platforms.x.replay import XApi, XTweet
from spiders.platforms.youtube.replay import Video, YouTubeApi
from spiders.replay import JSON_TYPE, ReplayServer, Reply

DEMO_FILE = DEMO_DATA / "activity.yaml"
# The demo's X app token and YouTube key: the replay server accepts these (the demo sets them in its environment).
DEMO_X_TOKEN = "demo-x-bearer-token"
DEMO_YOUTUBE_KEY = "demo-youtube-api-key"
PHOTOS = GESTURE_DATA
HASHTAG = re.compile(r"#(\w+)")


def _b32(data: bytes, n: int) -> str:
    return base64.b32encode(data).decode().lower().rstrip("=")[:n]


def _did(handle: str) -> str:
    return "did:plc:" + _b32(hashlib.sha256(handle.encode()).digest(), 24)


def _cid(seed: str) -> str:
    return "bafyrei" + _b32(hashlib.sha256(seed.encode()).digest(), 52)


def _tid(when: datetime, seed: str) -> str:
    # atproto TIDs are base32-sortable microsecond timestamps; a stable suffix keeps them unique.
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    micros = int(when.timestamp() * 1_000_000)
    out = ""
    for _ in range(11):
        out = alphabet[micros & 31] + out
        micros >>= 5
    return out + _b32(hashlib.sha256(seed.encode()).digest(), 2)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _time(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _json(obj: Any, status: int = 200) -> Reply:
    return Reply(status=status, body=json.dumps(obj, ensure_ascii=False).encode(), headers={"Content-Type": JSON_TYPE})


def _image_reply(name: str) -> Reply:
    path = PHOTOS / name
    mime = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
    return Reply(body=path.read_bytes(), headers={"Content-Type": mime})


def _base(server: ReplayServer | None) -> str:
    return server.base_url if server is not None else ""


def _facets(text: str) -> list[dict[str, Any]]:
    """Hashtag facets with UTF-8 byte offsets, as Bluesky clients write them."""
    out = []
    for match in HASHTAG.finditer(text):
        start = len(text[: match.start()].encode())
        end = start + len(match.group(0).encode())
        out.append({"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}],
                    "index": {"byteStart": start, "byteEnd": end}})
    return out


@dataclass
class BskyPost:
    handle: str
    key: str
    at: datetime
    text: str = ""
    image_alt: str | None = None
    image: str | None = None
    reply_to: str | None = None
    repost: str | None = None
    uri: str = ""
    cid: str = ""


@dataclass
class DemoBluesky:
    """Bluesky AppView endpoints over the demo's accounts."""

    names: dict[str, str] = field(default_factory=dict)
    bios: dict[str, str] = field(default_factory=dict)
    posts: dict[str, BskyPost] = field(default_factory=dict)  # "<handle>#<key>" -> post
    likes: dict[str, list[tuple[str, datetime]]] = field(default_factory=dict)  # post ref -> likers
    follows: dict[str, list[str]] = field(default_factory=dict)  # handle -> followed handles
    server: ReplayServer | None = None

    @classmethod
    def from_spec(cls, spec: dict[str, Any], shift: timedelta = timedelta(0)) -> DemoBluesky:
        demo = cls()
        for account in spec.get("bluesky") or []:
            handle = account["handle"]
            demo.names[handle] = account.get("name", handle)
            demo.bios[handle] = account.get("bio", "")
            demo.follows[handle] = list(account.get("follows") or [])
            for p in account.get("posts") or []:
                post = BskyPost(handle=handle, key=p["key"], at=_time(p["at"]) + shift, text=p.get("text", ""),
                                image_alt=p.get("image_alt"), image=p.get("image"), reply_to=p.get("reply_to"),
                                repost=p.get("repost"))
                ref = f"{handle}#{post.key}"
                collection = 'app.bsky.feed.repost' if post.repost else 'app.bsky.feed.post'
                post.uri = f"at://{_did(handle)}/{collection}/" + _tid(post.at, ref)
                post.cid = _cid(ref)
                demo.posts[ref] = post
        for like in spec.get("likes") or []:
            when = _time(like["at"]) + shift
            demo.likes.setdefault(like["post"], []).extend((h, when) for h in like["by"])
        return demo

    # ------------------------------------------------------------------ views

    def profile(self, handle: str, detailed: bool = False) -> dict[str, Any]:
        view: dict[str, Any] = {"did": _did(handle), "handle": handle, "displayName": self.names.get(handle, handle),
                                "avatar": f"https://cdn.bsky.app/img/avatar/plain/{_did(handle)}/{_cid(handle)}@jpeg",
                                "labels": [], "createdAt": "2023-05-01T00:00:00.000Z"}
        if detailed:
            own = [p for p in self.posts.values() if p.handle == handle]
            view.update({"description": self.bios.get(handle, ""), "followersCount": 120, "followsCount": 80,
                         "postsCount": len(own),
                         "indexedAt": "2029-01-01T00:00:00.000Z"})
        return view

    def post_view(self, post: BskyPost) -> dict[str, Any]:
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": _iso(post.at), "langs": ["id"],
                                  "text": post.text}
        facets = _facets(post.text)
        if facets:
            record["facets"] = facets
        view: dict[str, Any] = {"uri": post.uri, "cid": post.cid, "author": self.profile(post.handle),
                                "record": record, "indexedAt": _iso(post.at), "labels": [],
                                "likeCount": len(self.likes.get(f"{post.handle}#{post.key}", [])),
                                "replyCount": len(self.replies_to(post)), "repostCount": len(self.reposts_of(post)),
                                "quoteCount": 0}
        if post.image_alt is not None or post.image is not None:
            blob = _cid(post.uri + "img")
            record["embed"] = {"$type": "app.bsky.embed.images", "images": [
                {"alt": post.image_alt or "", "image": {"$type": "blob", "ref": {"$link": blob},
                                                  "mimeType": "image/jpeg", "size": 183000}}]}
            # The CDN of the demo platform is the replay server itself (image_path).
            view["embed"] = {"$type": "app.bsky.embed.images#view", "images": [
                {"thumb": f"{_base(self.server)}{self.image_path(post, 'feed_thumbnail')}",
                 "fullsize": f"{_base(self.server)}{self.image_path(post, 'feed_fullsize')}",
                 "alt": post.image_alt or ""}]}
        if post.reply_to:
            parent = self.posts[post.reply_to]
            record["reply"] = {"parent": {"uri": parent.uri, "cid": parent.cid},
                               "root": {"uri": parent.uri, "cid": parent.cid}}
        return view

    def image_path(self, post: BskyPost, preset: str) -> str:
        return f"/img/{preset}/plain/{_did(post.handle)}/{_cid(post.uri + 'img')}@jpeg"

    def replies_to(self, post: BskyPost) -> list[BskyPost]:
        ref = f"{post.handle}#{post.key}"
        return [p for p in self.posts.values() if p.reply_to == ref]

    def reposts_of(self, post: BskyPost) -> list[BskyPost]:
        ref = f"{post.handle}#{post.key}"
        return [p for p in self.posts.values() if p.repost == ref]

    def feed_item(self, post: BskyPost) -> dict[str, Any]:
        if post.repost:
            original = self.posts[post.repost]
            return {"post": self.post_view(original),
                    "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": self.profile(post.handle),
                               "uri": post.uri, "cid": post.cid, "indexedAt": _iso(post.at)}}
        item: dict[str, Any] = {"post": self.post_view(post)}
        if post.reply_to:
            parent = {"$type": "app.bsky.feed.defs#postView", **self.post_view(self.posts[post.reply_to])}
            item["reply"] = {"root": parent, "parent": parent}
        return item

    def _by_uri(self, uri: str) -> BskyPost | None:
        return next((p for p in self.posts.values() if p.uri == uri), None)

    def _actor(self, query: dict[str, list[str]], key: str = "actor") -> str | None:
        actor = (query.get(key) or [""])[0]
        return next((h for h in self.names if actor in (h, _did(h))), None)

    # -------------------------------------------------------------- endpoints

    def resolve_handle(self, _path: str, query: dict[str, list[str]]) -> Reply:
        handle = self._actor(query, "handle")
        if handle is None:
            return _json({"error": "InvalidRequest", "message": "Unable to resolve handle"}, 400)
        return _json({"did": _did(handle)})

    def get_profile(self, _path: str, query: dict[str, list[str]]) -> Reply:
        handle = self._actor(query)
        if handle is None:
            return _json({"error": "InvalidRequest", "message": "Profile not found"}, 400)
        return _json(self.profile(handle, detailed=True))

    def get_author_feed(self, _path: str, query: dict[str, list[str]]) -> Reply:
        handle = self._actor(query)
        if handle is None:
            return _json({"error": "InvalidRequest", "message": "Profile not found"}, 400)
        own = sorted((p for p in self.posts.values() if p.handle == handle), key=lambda p: p.at, reverse=True)
        limit = int((query.get("limit") or ["50"])[0])
        start = int((query.get("cursor") or ["0"])[0])
        page = own[start : start + limit]
        body: dict[str, Any] = {"feed": [self.feed_item(p) for p in page]}
        if start + limit < len(own):
            body["cursor"] = str(start + limit)
        return _json(body)

    def get_likes(self, _path: str, query: dict[str, list[str]]) -> Reply:
        post = self._by_uri((query.get("uri") or [""])[0])
        if post is None:
            return _json({"error": "NotFound", "message": "Post not found"}, 400)
        likers = self.likes.get(f"{post.handle}#{post.key}", [])
        return _json({"uri": post.uri, "likes": [
            {"actor": {**self.profile(h), "indexedAt": _iso(when)}, "createdAt": _iso(when), "indexedAt": _iso(when)}
            for h, when in likers]})

    def get_reposted_by(self, _path: str, query: dict[str, list[str]]) -> Reply:
        post = self._by_uri((query.get("uri") or [""])[0])
        if post is None:
            return _json({"error": "NotFound", "message": "Post not found"}, 400)
        return _json({"uri": post.uri, "repostedBy": [self.profile(p.handle) for p in self.reposts_of(post)]})

    def get_post_thread(self, _path: str, query: dict[str, list[str]]) -> Reply:
        post = self._by_uri((query.get("uri") or [""])[0])
        if post is None:
            return _json({"error": "NotFound", "message": f"Post not found: {(query.get('uri') or [''])[0]}"}, 400)

        def node(p: BskyPost) -> dict[str, Any]:
            return {"$type": "app.bsky.feed.defs#threadViewPost", "post": self.post_view(p),
                    "replies": [node(r) for r in self.replies_to(p)]}

        return _json({"thread": node(post)})

    def get_posts(self, _path: str, query: dict[str, list[str]]) -> Reply:
        found = [self._by_uri(u) for u in query.get("uris") or []]
        return _json({"posts": [self.post_view(p) for p in found if p is not None]})

    def get_follows(self, _path: str, query: dict[str, list[str]]) -> Reply:
        handle = self._actor(query)
        if handle is None:
            return _json({"error": "InvalidRequest", "message": "Profile not found"}, 400)
        followed = [h for h in self.follows.get(handle, []) if h in self.names]
        return _json({"subject": self.profile(handle),
                      "follows": [{**self.profile(h), "description": self.bios.get(h, "")} for h in followed]})

    def install(self, server: ReplayServer) -> None:
        for nsid, handler in (
            ("com.atproto.identity.resolveHandle", self.resolve_handle),
            ("app.bsky.actor.getProfile", self.get_profile),
            ("app.bsky.feed.getAuthorFeed", self.get_author_feed),
            ("app.bsky.feed.getLikes", self.get_likes),
            ("app.bsky.feed.getRepostedBy", self.get_reposted_by),
            ("app.bsky.feed.getPostThread", self.get_post_thread),
            ("app.bsky.feed.getPosts", self.get_posts),
            ("app.bsky.graph.getFollows", self.get_follows),
        ):
            server.add_handler(f"/xrpc/{nsid}", handler)
        self.server = server
        for post in self.posts.values():
            if post.image:
                for preset in ("feed_thumbnail", "feed_fullsize"):
                    server.add_handler(self.image_path(post, preset),
                                       lambda _p, _q, name=post.image: _image_reply(name))


def _snowflake(when: datetime, seed: str) -> str:
    # Mastodon ids: milliseconds in the high bits, a sequence in the low 16 (ids are strings on the wire).
    return str((int(when.timestamp() * 1000) << 16) | (int(hashlib.sha256(seed.encode()).hexdigest()[:4], 16)))


@dataclass
class MastoStatus:
    acct: str
    key: str
    at: datetime
    html: str = ""
    image_alt: str | None = None
    image: str | None = None
    boost: str | None = None
    id: str = ""


@dataclass
class DemoMastodon:
    """Mastodon's public REST API over the demo's accounts, all answered by one host."""

    host: str = "mastodon.example"
    names: dict[str, str] = field(default_factory=dict)  # full acct user@host -> display name
    notes: dict[str, str] = field(default_factory=dict)  # full acct -> profile note (HTML)
    following: dict[str, list[str]] = field(default_factory=dict)  # full acct -> followed full accts
    statuses: dict[str, MastoStatus] = field(default_factory=dict)  # "<acct>#<key>" -> status
    favourites: dict[str, list[tuple[str, datetime]]] = field(default_factory=dict)
    server: ReplayServer | None = None

    def full(self, acct: str) -> str:
        acct = acct.lstrip("@").lower()
        return acct if "@" in acct else f"{acct}@{self.host}"

    @classmethod
    def from_spec(cls, spec: dict[str, Any], shift: timedelta = timedelta(0)) -> DemoMastodon:
        section = spec.get("mastodon") or {}
        demo = cls(host=section.get("host", "mastodon.example"))
        for account in section.get("accounts") or []:
            acct = demo.full(account["acct"])
            demo.names[acct] = account.get("name", acct)
            demo.notes[acct] = account.get("bio", "")
            demo.following[acct] = [demo.full(a) for a in account.get("follows") or []]
            for st in account.get("statuses") or []:
                ref = f"{account['acct']}#{st['key']}"
                status = MastoStatus(acct=acct, key=st["key"], at=_time(st["at"]) + shift, html=st.get("html", ""),
                                     image_alt=st.get("image_alt"), image=st.get("image"), boost=st.get("boost"))
                status.id = _snowflake(status.at, ref)
                demo.statuses[ref] = status
        for fav in section.get("favourites") or []:
            when = _time(fav["at"]) + shift
            demo.favourites.setdefault(fav["status"], []).extend((demo.full(a), when) for a in fav["by"])
        return demo

    def _ref(self, status: MastoStatus) -> str:
        local = status.acct.removesuffix(f"@{self.host}")
        return f"{local}#{status.key}"

    def account_id(self, acct: str) -> str:
        return str(int(hashlib.sha256(acct.encode()).hexdigest()[:15], 16))

    def account(self, acct: str) -> dict[str, Any]:
        user, host = acct.split("@", 1)
        local = host == self.host
        base = f"https://{host}"
        return {"id": self.account_id(acct), "username": user, "acct": user if local else acct,
                "display_name": self.names.get(acct, user), "url": f"{base}/@{user}", "uri": f"{base}/users/{user}",
                "note": self.notes.get(acct, ""), "created_at": "2023-01-01T00:00:00.000Z",
                "last_status_at": "2029-11-03",
                "followers_count": 50, "following_count": 40, "statuses_count": 10, "bot": False, "group": False,
                "locked": False, "fields": [], "avatar": f"{base}/avatars/{user}.png"}

    def status(self, status: MastoStatus) -> dict[str, Any]:
        user, host = status.acct.split("@", 1)
        base = f"https://{host}"
        body: dict[str, Any] = {
            "id": status.id, "created_at": _iso(status.at), "in_reply_to_id": None,
            "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "", "visibility": "public",
            "language": "id", "uri": f"{base}/users/{user}/statuses/{status.id}",
            "url": f"{base}/@{user}/{status.id}", "replies_count": 0, "reblogs_count": 0,
            "favourites_count": len(self.favourites.get(self._ref(status), [])), "edited_at": None,
            "content": status.html, "reblog": None, "account": self.account(status.acct), "media_attachments": [],
            "mentions": [], "tags": [{"name": t.lower(), "url": f"{base}/tags/{t.lower()}"}
                                     for t in HASHTAG.findall(re.sub(r"<[^>]+>", "", status.html))],
            "emojis": [], "card": None, "poll": None,
        }
        if status.image_alt is not None or status.image is not None:
            body["media_attachments"] = [{"id": status.id + "1", "type": "image",
                                          "url": f"{_base(self.server)}/system/media/{status.id}.jpg",
                                          "preview_url": None,
                                          "remote_url": None, "meta": {}, "description": status.image_alt,
                                          "blurhash": None}]
        if status.boost:
            original = self.statuses[status.boost]
            body.update({"content": "", "reblog": self.status(original), "tags": [],
                         "uri": f"{base}/users/{user}/statuses/{status.id}/activity"})
        return body

    def _by_id(self, status_id: str) -> MastoStatus | None:
        return next((s for s in self.statuses.values() if s.id == status_id), None)

    def lookup(self, _path: str, query: dict[str, list[str]]) -> Reply:
        asked = (query.get("acct") or [""])[0].lstrip("@").lower()
        acct = self.full(asked)
        if acct not in self.names and "@" not in asked:
            # One replay server stands in for every home server, and a spider asks each home
            # server by bare username: answer for the one account of that name on any host.
            same = [a for a in self.names if a.split("@")[0] == asked]
            acct = same[0] if len(same) == 1 else acct
        if acct not in self.names:
            return _json({"error": "Record not found"}, 404)
        return _json(self.account(acct))

    def account_statuses(self, path: str, query: dict[str, list[str]]) -> Reply:
        account_id = path.split("/")[4]
        acct = next((a for a in self.names if self.account_id(a) == account_id), None)
        if acct is None:
            return _json({"error": "Record not found"}, 404)
        own = sorted((s for s in self.statuses.values() if s.acct == acct), key=lambda s: int(s.id), reverse=True)
        limit = min(int((query.get("limit") or ["20"])[0]), 40)
        if query.get("max_id"):
            own = [s for s in own if int(s.id) < int(query["max_id"][0])]
        newer = query.get("min_id") or query.get("since_id")
        if newer:
            own = [s for s in own if int(s.id) > int(newer[0])]
            if query.get("min_id"):
                own = own[-limit:]  # min_id pages forward: the ones just after it
        page = own[:limit]
        headers = {"Content-Type": JSON_TYPE}
        links = []
        base = self.server.base_url if self.server is not None else ""
        url = f"{base}/api/v1/accounts/{account_id}/statuses?limit={limit}"
        if len(page) == limit:
            links.append(f'<{url}&max_id={page[-1].id}>; rel="next"')
        if page:
            links.append(f'<{url}&min_id={page[0].id}>; rel="prev"')
        if links:
            headers["Link"] = ", ".join(links)
        return Reply(body=json.dumps([self.status(s) for s in page], ensure_ascii=False).encode(), headers=headers)

    def account_following(self, path: str, _query: dict[str, list[str]]) -> Reply:
        account_id = path.split("/")[4]
        acct = next((a for a in self.names if self.account_id(a) == account_id), None)
        if acct is None:
            return _json({"error": "Record not found"}, 404)
        return _json([self.account(a) for a in self.following.get(acct, []) if a in self.names])

    def status_sub(self, path: str, _query: dict[str, list[str]]) -> Reply:
        parts = path.split("/")  # /api/v1/statuses/<id>[/<what>]
        status = self._by_id(parts[4])
        if status is None:
            return _json({"error": "Record not found"}, 404)
        what = parts[5] if len(parts) > 5 else ""
        ref = self._ref(status)
        if what == "favourited_by":
            return _json([self.account(a) for a, _ in self.favourites.get(ref, [])])
        if what == "reblogged_by":
            return _json([self.account(s.acct) for s in self.statuses.values() if s.boost == ref])
        if what == "context":
            return _json({"ancestors": [], "descendants": []})
        return _json(self.status(status))

    def install(self, server: ReplayServer) -> None:
        self.server = server  # Link headers name the server's own URL
        server.add_handler("/api/v1/accounts/lookup", self.lookup)
        for acct in self.names:
            server.add_handler(f"/api/v1/accounts/{self.account_id(acct)}/statuses", self.account_statuses)
            server.add_handler(f"/api/v1/accounts/{self.account_id(acct)}/following", self.account_following)
        for status in self.statuses.values():
            for what in ("", "/favourited_by", "/reblogged_by", "/context"):
                server.add_handler(f"/api/v1/statuses/{status.id}{what}", self.status_sub)
            if status.image:
                server.add_handler(f"/system/media/{status.id}.jpg",
                                   lambda _p, _q, name=status.image: _image_reply(name))


def demo_x(spec: dict[str, Any], shift: timedelta = timedelta(0)) -> XApi:
    """The demo's X accounts as an X API v2 model (spiders/platforms/x/replay.py)."""
    api = XApi(bearer=DEMO_X_TOKEN)
    for account in spec.get("x") or []:
        api.add_user(account["username"], name=account.get("name", ""), description=account.get("bio", ""))
    posted: dict[str, XTweet] = {}
    pending = [(a["username"], p) for a in spec.get("x") or [] for p in a.get("posts") or []]
    # A post may answer, quote or repost one written further down the file: place those first.
    while pending:
        waiting = []
        for username, post in pending:
            refs = {k: post.get(k) for k in ("reply_to", "quote", "retweet") if post.get(k)}
            if any(ref not in posted for ref in refs.values()):
                waiting.append((username, post))
                continue
            media = [{"type": "photo", "url": "{base}" + f"/demo-media/{post['image']}",
                      "alt_text": post.get("image_alt", "")}] if post.get("image") else []
            tweet = api.post(username, post.get("text", ""), _time(post["at"]) + shift, media=media,
                             reply_to=posted[refs["reply_to"]].id if "reply_to" in refs else None,
                             quote_of=posted[refs["quote"]].id if "quote" in refs else None,
                             retweet_of=posted[refs["retweet"]].id if "retweet" in refs else None)
            posted[f"{username}#{post['key']}"] = tweet
        if len(waiting) == len(pending):
            raise ValueError(f"activity.yaml x: unknown post referenced by {waiting[0][0]}#{waiting[0][1]['key']}")
        pending = waiting
    for account in spec.get("x") or []:
        for followed in account.get("follows") or []:
            api.follow(account["username"], followed)
    return api


def demo_youtube(spec: dict[str, Any], shift: timedelta = timedelta(0)) -> YouTubeApi:
    """The demo's YouTube channels as a Data API v3 model (spiders/platforms/youtube/replay.py)."""
    api = YouTubeApi(key=DEMO_YOUTUBE_KEY)
    videos: dict[str, Video] = {}
    for channel in spec.get("youtube") or []:
        api.add_channel(channel["handle"], channel.get("title", channel["handle"]), channel.get("description", ""))
    for channel in spec.get("youtube") or []:
        for video in channel.get("videos") or []:
            thumbnail = "{base}" + f"/demo-media/{video['image']}" if video.get("image") else None
            videos[f"{channel['handle']}#{video['key']}"] = api.upload(
                channel["handle"], video["title"], video.get("description", ""), _time(video["at"]) + shift,
                thumbnail=thumbnail)
    for channel in spec.get("youtube") or []:
        for comment in channel.get("comments") or []:
            api.comment(channel["handle"], videos[comment["video"]], comment["text"], _time(comment["at"]) + shift)
        for sub in channel.get("subscriptions") or []:
            api.subscribe(channel["handle"], sub["to"], _time(sub["at"]) + shift)
    return api


def demo_factcheck(spec: dict[str, Any], shift: timedelta = timedelta(0)) -> FactCheckSite | None:
    """The demo's fact-checker (``factcheck:`` in activity.yaml), its articles dated like the demo week."""
    site = spec.get("factcheck")
    if not site:
        return None
    articles = [Article(slug=a["slug"], title=a["title"], claim=a.get("claim") or "", rating=a.get("rating") or "",
                        published=_day(a["published"]) + shift, body=a.get("body", ""),
                        claim_review=a.get("claim_review", True), claimant=a.get("claimant"))
                for a in site.get("articles") or []]
    return FactCheckSite(name=site["name"], url=site["url"], articles=articles)


def serve_demo_media(server: ReplayServer) -> None:
    """Photos named in X posts and YouTube thumbnails come from the replay server, as from a CDN."""
    server.add_handler("/demo-media", lambda path, _q: _image_reply(path.removeprefix("/demo-media/")), prefix=True)


def load_spec(path: Path = DEMO_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def demo_server(path: Path = DEMO_FILE, declared_handles: set[tuple[str, str]] = frozenset(),
                shift: timedelta = timedelta(0)) -> ReplayServer:
    """A replay server (not yet started) answering as the demo's platforms.

    Declared accounts that the demo file gives nothing to say exist all the
    same, with no posts this week, as most civil servants' accounts would.
    ``shift`` moves every time in the file (the demo replays its week as last week).
    """
    spec = load_spec(path)
    server = ReplayServer()
    bluesky = DemoBluesky.from_spec(spec, shift)
    mastodon = DemoMastodon.from_spec(spec, shift)
    x = demo_x(spec, shift)
    youtube = demo_youtube(spec, shift)
    known_x = {u.username.lower() for u in x.users.values()}
    known_channels = {c.handle for c in youtube.channels.values()}
    for platform, handle in sorted(declared_handles):
        if platform == "bluesky":
            bluesky.names.setdefault(handle, handle.split(".")[0])
        elif platform == "mastodon":
            mastodon.names.setdefault(mastodon.full(handle), handle.split("@")[0])
        elif platform == "x" and handle.lower() not in known_x:
            x.add_user(handle, name=handle)
        elif platform == "youtube" and handle.startswith("@") and handle not in known_channels:
            youtube.add_channel(handle, handle.lstrip("@"))
    bluesky.install(server)
    mastodon.install(server)
    x.install(server)
    youtube.install(server)
    factcheck = demo_factcheck(spec, shift)
    if factcheck is not None:
        factcheck.install(server)
    serve_demo_media(server)
    return server

