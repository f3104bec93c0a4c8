"""An X API v2 server in the real wire format, computed from a small model: for tests, the demo, the benchmark.

It answers the endpoints the X spider uses (https://docs.x.com/x-api): user lookup by username, by id
and of many ids at once, user timelines (``since_id``, ``until_id``, ``pagination_token``, ``exclude``), post lookup,
``following``, ``retweeted_by``, ``quote_tweets``, ``liking_users`` and ``liked_tweets`` (only with
that user's own token, as X answers since mid-2024) and recent search on ``conversation_id``. Pages
are ``data`` / ``includes`` / ``meta`` (``result_count``, ``newest_id``, ``oldest_id``,
``next_token``); a missing, suspended or protected account is an ``errors`` entry of a 200 answer;
a wrong token is a 401 problem. Every answer has ``x-rate-limit-*`` headers.

Faults on demand: :meth:`XApi.fail` queues answers (an HTML page, a 429, a truncated body …) for
the next requests to a path (:meth:`XApi.heal` ends them); ``loop_tokens`` makes every page of the
paths it names give the same next token;
``page_override`` serves that many posts per page whatever was asked; ``window`` limits requests
per rate-limit window, answering 429 when it is spent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from spiders.replay import JSON_TYPE, ReplayServer, Reply

TWITTER_EPOCH_MS = 1288834974657


def snowflake(when: datetime, sequence: int = 0) -> str:
    """An X id for ``when`` (ids are time-ordered: milliseconds since the X epoch, shifted by 22 bits)."""
    return str(((int(when.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22) | (sequence & 0x3FFFFF))


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class XUser:
    id: str
    username: str
    name: str = ""
    description: str = ""
    protected: bool = False
    suspended: bool = False

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name or self.username, "username": self.username,
                "description": self.description, "protected": self.protected, "verified": False,
                "created_at": "2019-03-01T02:00:00.000Z"}


@dataclass
class XTweet:
    id: str
    author_id: str
    text: str
    at: datetime
    reply_to: str | None = None
    quote_of: str | None = None
    retweet_of: str | None = None
    media: list[dict[str, Any]] = field(default_factory=list)  # {"type", "url" ({base}: the server), "alt_text"}
    lang: str | None = "in"
    edits: list[str] = field(default_factory=list)  # earlier ids of an edited post, oldest first
    sparse: bool = False  # only id, text and author: every optional field missing


class XApi:
    """The model and its handlers. ``install(server)`` or use it as a context manager (own server)."""

    def __init__(self, bearer: str = "test-app-token") -> None:
        self.bearer = bearer
        self.users: dict[str, XUser] = {}
        self.tweets: dict[str, XTweet] = {}
        self.following: dict[str, list[str]] = {}  # user id -> followed ids, newest follow first
        self.likes: dict[str, list[str]] = {}  # user id -> liked post ids, newest like first
        self.user_tokens: dict[str, str] = {}  # user id -> its own user-context token
        self.loop_tokens: str | None = None  # pages whose path contains this all name one same next token
        self.page_override: int | None = None
        self.window: tuple[int, float] | None = None  # (requests, seconds) per window, per endpoint
        self._windows: dict[str, tuple[float, int]] = {}
        self._faults: list[tuple[Callable[[str], bool], list[Reply | None]]] = []
        self._answering = threading.local()  # the path this server thread answers (for loop_tokens)
        self._tokens: dict[str, int] = {}
        self._lock = threading.Lock()
        self._sequence = 0
        self.server: ReplayServer | None = None

    # ------------------------------------------------------------- model

    def add_user(self, username: str, *, name: str = "", description: str = "", user_id: str | None = None,
                 protected: bool = False) -> XUser:
        user = XUser(id=user_id or str(1_000_000 + len(self.users) * 7919), username=username, name=name,
                     description=description, protected=protected)
        self.users[user.id] = user
        return user

    def user(self, username: str) -> XUser:
        return next(u for u in self.users.values() if u.username.lower() == username.lower().lstrip("@"))

    def post(self, username: str, text: str, at: datetime, **kwargs: Any) -> XTweet:
        self._sequence += 1
        tweet = XTweet(id=snowflake(at, self._sequence), author_id=self.user(username).id, text=text, at=at, **kwargs)
        self.tweets[tweet.id] = tweet
        return tweet

    def follow(self, username: str, followed: str) -> None:
        """``username`` follows ``followed`` now (the newest follow comes first, as X lists them)."""
        ids = self.following.setdefault(self.user(username).id, [])
        target = self.user(followed).id
        if target not in ids:
            ids.insert(0, target)

    def unfollow(self, username: str, followed: str) -> None:
        self.following.get(self.user(username).id, []).remove(self.user(followed).id)

    def like(self, username: str, tweet: XTweet) -> None:
        self.likes.setdefault(self.user(username).id, []).insert(0, tweet.id)

    def fail(self, path_part: str, replies: list[Reply], *, after: int = 0, exact: bool = False) -> None:
        """The next ``len(replies)`` requests whose path contains ``path_part`` get these answers, in turn.

        ``after``: that many such requests are answered normally first (a fault in the middle of a crawl).
        ``exact``: only requests whose path is ``path_part`` itself (``/2/users``, the multi-user lookup).
        """
        self._faults.append((lambda path: path == path_part if exact else path_part in path,
                             [None] * after + list(replies)))

    def heal(self) -> None:
        """No more faults: queued ones are dropped, tokens stop looping, pages have their asked size."""
        self._faults.clear()
        self.loop_tokens = None
        self.page_override = None

    # ------------------------------------------------------------- views

    def tweet_view(self, tweet: XTweet) -> dict[str, Any]:
        if tweet.sparse:
            return {"id": tweet.id, "text": tweet.text, "edit_history_tweet_ids": [tweet.id]}
        view: dict[str, Any] = {
            "id": tweet.id, "text": tweet.text, "author_id": tweet.author_id, "created_at": iso(tweet.at),
            "conversation_id": self.conversation(tweet), "edit_history_tweet_ids": [*tweet.edits, tweet.id],
            "possibly_sensitive": False,
        }
        if tweet.lang:
            view["lang"] = tweet.lang
        refs = [{"type": kind, "id": ref} for kind, ref in (("retweeted", tweet.retweet_of), ("quoted", tweet.quote_of),
                                                             ("replied_to", tweet.reply_to)) if ref]
        if refs:
            view["referenced_tweets"] = refs
        if tweet.reply_to and tweet.reply_to in self.tweets:
            view["in_reply_to_user_id"] = self.tweets[tweet.reply_to].author_id
        if tweet.retweet_of and tweet.retweet_of in self.tweets:
            original = self.tweets[tweet.retweet_of]
            view["text"] = f"RT @{self.users[original.author_id].username}: {original.text}"[:140]
        tags = [w[1:] for w in tweet.text.split() if w.startswith("#") and len(w) > 1]
        if tags:
            view["entities"] = {"hashtags": [{"start": tweet.text.find("#" + t), "end": tweet.text.find("#" + t)
                                              + len(t) + 1, "tag": t} for t in tags]}
        if tweet.media:
            view["attachments"] = {"media_keys": [self.media_key(tweet, i) for i in range(len(tweet.media))]}
        return view

    @staticmethod
    def media_key(tweet: XTweet, index: int) -> str:
        return f"3_{tweet.id}{index}"

    def conversation(self, tweet: XTweet) -> str:
        while tweet.reply_to and tweet.reply_to in self.tweets:
            tweet = self.tweets[tweet.reply_to]
        return tweet.id

    def page(self, tweets: list[XTweet], *, offset: int, limit: int, base: dict[str, Any] | None = None
             ) -> dict[str, Any]:
        """A posts page with its ``includes`` and ``meta``."""
        size = self.page_override or limit
        shown = tweets[offset:offset + size]
        body: dict[str, Any] = dict(base or {})
        if shown:
            body["data"] = [self.tweet_view(t) for t in shown]
            body["includes"] = self.includes(shown)
        meta: dict[str, Any] = {"result_count": len(shown)}
        if shown:
            meta["newest_id"] = max((t.id for t in shown), key=int)
            meta["oldest_id"] = min((t.id for t in shown), key=int)
        if offset + size < len(tweets) or (self.looping() and shown):
            meta["next_token"] = self.token(offset + size)
        body["meta"] = meta
        return body

    def includes(self, shown: list[XTweet]) -> dict[str, Any]:
        users: dict[str, dict[str, Any]] = {}
        referenced: dict[str, dict[str, Any]] = {}
        media: list[dict[str, Any]] = []
        for tweet in shown:
            if tweet.author_id in self.users:
                users[tweet.author_id] = self.users[tweet.author_id].view()
            for ref in (tweet.retweet_of, tweet.quote_of, tweet.reply_to):
                if ref and ref in self.tweets:
                    other = self.tweets[ref]
                    referenced[ref] = self.tweet_view(other)
                    if other.author_id in self.users:
                        users[other.author_id] = self.users[other.author_id].view()
                    media += self.media_views(other)
            media += self.media_views(tweet)
        out: dict[str, Any] = {}
        if users:
            out["users"] = list(users.values())
        if referenced:
            out["tweets"] = list(referenced.values())
        if media:
            out["media"] = media
        return out

    def media_views(self, tweet: XTweet) -> list[dict[str, Any]]:
        base = self.server.base_url if self.server is not None else ""
        return [{"media_key": self.media_key(tweet, i), "type": m.get("type", "photo"),
                 "url": str(m.get("url") or "").replace("{base}", base) or None,
                 **({"alt_text": m["alt_text"]} if m.get("alt_text") else {})} for i, m in enumerate(tweet.media)]

    def looping(self) -> bool:
        return self.loop_tokens is not None and self.loop_tokens in getattr(self._answering, "path", "")

    def token(self, offset: int) -> str:
        if self.looping():
            return "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"
        token = f"{offset:04x}" + "7140dibdnow9c7btw3w29grvxf"
        self._tokens[token] = offset
        return token

    def offset(self, query: dict[str, list[str]], name: str = "pagination_token") -> int:
        token = (query.get(name) or [None])[0]
        return self._tokens.get(token, 0) if token else 0

    # ----------------------------------------------------------- answers

    @staticmethod
    def json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        return Reply(status, json.dumps(body, ensure_ascii=False).encode(),
                     {"Content-Type": JSON_TYPE, **(headers or {})})

    def user_errors(self, user: XUser | None, value: str, parameter: str) -> dict[str, Any] | None:
        """The ``errors`` of a lookup X cannot answer: not found, suspended (as X words them)."""
        if user is None:
            return {"errors": [{"value": value, "detail": f"Could not find user with {parameter}: [{value}].",
                                "title": "Not Found Error", "resource_type": "user", "parameter": parameter,
                                "resource_id": value, "type": "https://api.twitter.com/2/problems/resource-not-found"}]}
        if user.suspended:
            return {"errors": [{"value": value, "detail": f"User has been suspended: [{value}].", "title": "Forbidden",
                                "resource_type": "user", "parameter": parameter, "resource_id": value,
                                "type": "https://api.twitter.com/2/problems/resource-not-found"}]}
        return None

    @staticmethod
    def not_authorized(user_id: str) -> dict[str, Any]:
        return {"errors": [{"value": user_id, "detail": f"Sorry, you are not authorized to see the user with id: "
                            f"[{user_id}].", "title": "Authorization Error", "resource_type": "user",
                            "parameter": "id", "resource_id": user_id, "section": "data",
                            "type": "https://api.twitter.com/2/problems/not-authorized-for-resource"}]}

    def handle(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        self._answering.path = path
        with self._lock:
            for index, (matches, replies) in enumerate(self._faults):
                if matches(path) and replies:
                    reply = replies.pop(0)
                    if not replies:
                        self._faults.pop(index)
                    if reply is not None:
                        return reply
                    break
            limited = self.spend_window(path)
        if limited is not None:
            return limited
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if token != self.bearer and token not in self.user_tokens.values():
            return self.json({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"},
                             401)
        reply = self.route(path, query, token)
        reply.headers.update(self.window_headers(path))
        return reply

    def window_key(self, path: str) -> str:
        return "/".join(":id" if part.isdigit() else part for part in path.split("/"))

    def spend_window(self, path: str) -> Reply | None:
        if self.window is None:
            return None
        limit, seconds = self.window
        key = self.window_key(path)
        reset, used = self._windows.get(key, (time.time() + seconds, 0))
        if time.time() >= reset:
            reset, used = time.time() + seconds, 0
        if used >= limit:
            return self.json({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
                              "status": 429}, 429, {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": "0",
                                                    "x-rate-limit-reset": str(int(reset) + 1)})
        self._windows[key] = (reset, used + 1)
        return None

    def window_headers(self, path: str) -> dict[str, str]:
        if self.window is None:
            return {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "899",
                    "x-rate-limit-reset": str(int(time.time()) + 900)}
        limit, _ = self.window
        reset, used = self._windows.get(self.window_key(path), (time.time(), 0))
        return {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": str(max(0, limit - used)),
                "x-rate-limit-reset": str(int(reset) + 1)}

    def route(self, path: str, query: dict[str, list[str]], token: str) -> Reply:
        parts = path.strip("/").split("/")  # ["2", "users", ...]
        limit = int((query.get("max_results") or ["10"])[0])
        if parts[1:3] == ["users", "by"] and len(parts) == 5:
            name = parts[4]
            user = next((u for u in self.users.values() if u.username.lower() == name.lower()), None)
            problem = self.user_errors(user, name, "username")
            return self.json(problem or {"data": user.view()})  # type: ignore[union-attr]
        if parts[1:] == ["users"]:  # the multi-user lookup: found users in data, the others in errors
            found: list[dict[str, Any]] = []
            errors: list[dict[str, Any]] = []
            for user_id in (query.get("ids") or [""])[0].split(","):
                user = self.users.get(user_id)
                problem = self.user_errors(user, user_id, "ids")
                if problem:
                    errors.extend(problem["errors"])
                elif user is not None:
                    found.append(user.view())
            return self.json({**({"data": found} if found else {}), **({"errors": errors} if errors else {})})
        if parts[1] == "users" and len(parts) >= 3:
            user = self.users.get(parts[2])
            problem = self.user_errors(user, parts[2], "id")
            if problem:
                return self.json(problem)
            assert user is not None
            what = parts[3] if len(parts) > 3 else ""
            if what == "":
                return self.json({"data": user.view()})
            if user.protected:
                return self.json(self.not_authorized(user.id))
            if what == "tweets":
                return self.json(self.timeline(user, query, limit))
            if what == "following":
                followed = [self.users[i] for i in self.following.get(user.id, []) if i in self.users]
                return self.json(self.users_page(followed, self.offset(query), limit))
            if what == "liked_tweets":
                if token != self.user_tokens.get(user.id):
                    return self.unsupported_authentication()
                liked = [self.tweets[i] for i in self.likes.get(user.id, []) if i in self.tweets]
                return self.json(self.page(liked, offset=self.offset(query), limit=limit))
        if parts[1] == "tweets":
            if parts[2:4] == ["search", "recent"]:
                return self.json(self.search(query, limit))
            if len(parts) == 2:
                return self.json(self.lookup((query.get("ids") or [""])[0].split(",")))
            tweet = self.tweets.get(parts[2])
            if tweet is None:
                return self.json({"errors": [{"value": parts[2], "detail": f"Could not find tweet with id: "
                                              f"[{parts[2]}].", "title": "Not Found Error", "resource_type": "tweet",
                                              "parameter": "id", "resource_id": parts[2],
                                              "type": "https://api.twitter.com/2/problems/resource-not-found"}]})
            what = parts[3] if len(parts) > 3 else ""
            if what == "retweeted_by":
                users = [self.users[t.author_id] for t in self.newest_first() if t.retweet_of == tweet.id]
                return self.json(self.users_page(users, self.offset(query), limit))
            if what == "quote_tweets":
                quotes = [t for t in self.newest_first() if t.quote_of == tweet.id]
                return self.json(self.page(quotes, offset=self.offset(query), limit=limit))
            if what == "liking_users":
                if token != self.user_tokens.get(tweet.author_id):
                    return self.unsupported_authentication()
                likers = [self.users[u] for u, liked in self.likes.items() if tweet.id in liked]
                return self.json(self.users_page(likers, self.offset(query), limit))
        return self.json({"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}, 404)

    def unsupported_authentication(self) -> Reply:
        return self.json({"title": "Unsupported Authentication", "status": 403,
                          "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint. "
                          "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
                          "type": "https://api.twitter.com/2/problems/unsupported-authentication"}, 403)

    def newest_first(self) -> list[XTweet]:
        return sorted(self.tweets.values(), key=lambda t: int(t.id), reverse=True)

    def timeline(self, user: XUser, query: dict[str, list[str]], limit: int) -> dict[str, Any]:
        since = (query.get("since_id") or [None])[0]
        until = (query.get("until_id") or [None])[0]
        exclude = (query.get("exclude") or [""])[0].split(",")
        own = [t for t in self.newest_first() if t.author_id == user.id
               and (not since or int(t.id) > int(since)) and (not until or int(t.id) < int(until))
               and not ("retweets" in exclude and t.retweet_of) and not ("replies" in exclude and t.reply_to)]
        return self.page(own, offset=self.offset(query), limit=limit)

    def users_page(self, users: list[XUser], offset: int, limit: int) -> dict[str, Any]:
        size = self.page_override or limit
        shown = users[offset:offset + size]
        body: dict[str, Any] = {"meta": {"result_count": len(shown)}}
        if shown:
            body["data"] = [u.view() for u in shown]
        if offset + size < len(users) or (self.looping() and shown):
            body["meta"]["next_token"] = self.token(offset + size)
        return body

    def lookup(self, ids: list[str]) -> dict[str, Any]:
        found = [self.tweets[i] for i in ids if i in self.tweets]
        body = self.page(found, offset=0, limit=len(ids) or 1)
        body.pop("meta", None)
        missing = [i for i in ids if i and i not in self.tweets]
        if missing:
            body["errors"] = [{"value": i, "detail": f"Could not find tweet with ids: [{i}].",
                               "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
                               "resource_id": i, "type": "https://api.twitter.com/2/problems/resource-not-found"}
                              for i in missing]
        return body

    def search(self, query: dict[str, list[str]], limit: int) -> dict[str, Any]:
        text = (query.get("query") or [""])[0]
        conversation = text.removeprefix("conversation_id:") if text.startswith("conversation_id:") else None
        found = [t for t in self.newest_first() if conversation and t.reply_to
                 and self.conversation(t) == conversation]
        return self.page(found, offset=self.offset(query, "next_token"), limit=limit)

    # ---------------------------------------------------------- serving

    def install(self, server: ReplayServer) -> None:
        self.server = server
        server.add_handler("/2", self.handle, prefix=True, headers=True)

    def __enter__(self) -> XApi:
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
