"""X (Twitter) API v2 with an app-only bearer token: declared accounts' posts, replies, reposts and
quotes and whom they follow; declared accounts' reposts, quotes and replies on watched (candidate)
posts; likes only where a token of the liking or liked account is configured.

Wire format: https://docs.x.com/x-api (responses are ``data`` / ``includes`` / ``meta`` /
``errors``; a missing or unreadable resource is an entry of ``errors`` in a 200 answer, not an
HTTP error — https://docs.x.com/x-api/fundamentals/response-codes-and-errors). Since mid-2024 a
like is shown only to the liker and the post's author: ``liked_tweets`` and ``liking_users``
answer only with that user's own (OAuth 2.0 user-context) token, configured per account in
``NETRA_X_USER_TOKENS``; otherwise likes on X are not visible to Netra (the owner's archive,
imported in a self-audit, still has them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

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

# docs.x.com data dictionary: what each object carries when asked for (fields are off by default).
TWEET_FIELDS = ("attachments,author_id,conversation_id,created_at,edit_history_tweet_ids,entities,"
                "in_reply_to_user_id,lang,note_tweet,possibly_sensitive,referenced_tweets")
USER_FIELDS = "created_at,description,name,protected,username,verified"
MEDIA_FIELDS = "alt_text,media_key,preview_image_url,type,url"
# Referenced posts (the reposted, quoted or answered post) and their authors come in ``includes``.
EXPANSIONS = "attachments.media_keys,author_id,referenced_tweets.id,referenced_tweets.id.author_id"
TWITTER_EPOCH_MS = 1288834974657
LOOKUP_BATCH = 100  # GET /2/tweets?ids= takes at most 100 ids
USERS_BATCH = 100  # GET /2/users?ids= likewise
FOLLOWING_PAGE = 1000  # GET /2/users/:id/following: max_results 1..1000
# X writes Indonesian as "in" (the retired ISO 639 code) and has codes for "no language".
NO_LANGUAGE = {"und", "zxx", "qme", "qam", "qct", "qht", "qst"}


def snowflake_time(tweet_id: str) -> datetime | None:
    """The creation time an X id encodes (https://docs.x.com/fundamentals/x-ids)."""
    try:
        return datetime.fromtimestamp(((int(tweet_id) >> 22) + TWITTER_EPOCH_MS) / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return None


def is_id(value: Any) -> bool:
    return isinstance(value, str) and value.isdigit() and len(value) <= 25


def error_state(error: dict[str, Any]) -> str | None:
    """The account state an X problem names, if it is about the account itself."""
    detail = f"{error.get('title')} {error.get('detail')} {error.get('type')}".lower()
    if "suspended" in detail:
        return "suspended"
    if "not-authorized-for-resource" in detail or "authorization error" in detail:
        return "protected"  # only approved followers see this account's posts
    if "resource-not-found" in detail or "not found error" in detail:
        return "not_found"
    return None


def problem_text(data: Any) -> str:
    """A one-line description of an X problem answer or of the first partial error."""
    if not isinstance(data, dict):
        return "unexpected answer"
    errors = [e for e in data.get("errors") or [] if isinstance(e, dict)]
    first = errors[0] if errors else data
    return " ".join(str(first.get(k)) for k in ("title", "detail") if first.get(k)) or "unexpected answer"


class Includes:
    """A page's ``includes``: referenced posts, users and media by id."""

    def __init__(self, data: dict[str, Any]):
        raw = data.get("includes") if isinstance(data.get("includes"), dict) else {}
        self.tweets = {t["id"]: t for t in raw.get("tweets") or [] if isinstance(t, dict) and is_id(t.get("id"))}
        self.users = {u["id"]: u for u in raw.get("users") or [] if isinstance(u, dict) and is_id(u.get("id"))}
        self.media = {m["media_key"]: m for m in raw.get("media") or []
                      if isinstance(m, dict) and isinstance(m.get("media_key"), str)}
        # A page listing users (retweeted_by, following) has them in ``data``.
        for user in data.get("data") if isinstance(data.get("data"), list) else []:
            if isinstance(user, dict) and is_id(user.get("id")) and "username" in user:
                self.users.setdefault(user["id"], user)

    def username(self, user_id: Any) -> str | None:
        user = self.users.get(user_id) if isinstance(user_id, str) else None
        name = user.get("username") if user else None
        return name if isinstance(name, str) else None


def tweet_url(username: str | None, tweet_id: str) -> str:
    return f"https://x.com/{username}/status/{tweet_id}" if username else f"https://x.com/i/web/status/{tweet_id}"


def tweet_post(tweet: Any, inc: Includes, source_url: str, *, partial: bool = False) -> PostItem:
    """A post from a v2 tweet object; an edited post keeps its first id, each edit is a version."""
    if not isinstance(tweet, dict) or not is_id(tweet.get("id")):
        raise ValueError("post without a numeric id")
    tweet_id = tweet["id"]
    history = [i for i in tweet.get("edit_history_tweet_ids") or [] if is_id(i)]
    first_id = min(history, key=int) if history else tweet_id
    note = tweet.get("note_tweet") if isinstance(tweet.get("note_tweet"), dict) else {}
    # Posts longer than 280 characters come whole in note_tweet; `text` is then cut.
    text = note.get("text") if isinstance(note.get("text"), str) else tweet.get("text")
    text = text if isinstance(text, str) else ""
    entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}

    def listed(key: str, field: str) -> list[str]:
        return [e[field] for e in entities.get(key) or [] if isinstance(e, dict) and isinstance(e.get(field), str)]

    attachments = tweet.get("attachments") if isinstance(tweet.get("attachments"), dict) else {}
    media = [inc.media[k] for k in attachments.get("media_keys") or [] if isinstance(k, str) and k in inc.media]
    author = tweet.get("author_id") if is_id(tweet.get("author_id")) else None
    username = inc.username(author)
    lang = tweet.get("lang") if isinstance(tweet.get("lang"), str) else None
    extras: dict[str, Any] = {
        "hashtags": listed("hashtags", "tag"),
        "mentions": listed("mentions", "username"),
        "links": listed("urls", "expanded_url"),
        "media": [{"type": m.get("type"), "url": m.get("url") or m.get("preview_image_url"),
                   "alt": m.get("alt_text") or ""} for m in media],
        "alt_texts": [m["alt_text"] for m in media if isinstance(m.get("alt_text"), str) and m["alt_text"]],
        "conversation_id": tweet.get("conversation_id"),
        "in_reply_to_user_id": tweet.get("in_reply_to_user_id"),
        "possibly_sensitive": tweet.get("possibly_sensitive") or None,
        "tweet_version_id": tweet_id if tweet_id != first_id else None,
    }
    refs = references(tweet)
    created_raw = tweet.get("created_at") if isinstance(tweet.get("created_at"), str) else None
    # The evidence is the post as received, with the expanded media (alt texts) and author it names.
    record = {**tweet, "includes": {"media": media, "users": [inc.users[author]] if author in inc.users else []}}
    return PostItem(
        platform="x",
        external_id=first_id,
        url=tweet_url(username, first_id),
        author_handle=username.lower() if username else None,
        author_external_id=author,
        text=text,
        extras={k: v for k, v in extras.items() if v not in ([], None, "")},
        lang=None if lang is None or lang in NO_LANGUAGE else ("id" if lang == "in" else lang[:16]),
        parent_external_id=refs.get("replied_to"),
        posted_at=parse_time(created_raw),
        posted_at_raw=created_raw,
        version=tweet_id,
        partial=partial,
        raw=raw_json(record),
        source_url=source_url,
        source="crawl:x",
    )


def references(tweet: dict[str, Any]) -> dict[str, str]:
    """``referenced_tweets`` as type -> id (``retweeted``, ``quoted``, ``replied_to``)."""
    refs = tweet.get("referenced_tweets") if isinstance(tweet.get("referenced_tweets"), list) else []
    return {r["type"]: r["id"] for r in refs if isinstance(r, dict) and isinstance(r.get("type"), str)
            and is_id(r.get("id"))}


def referenced_post(inc: Includes, tweet_id: str, source_url: str) -> PostItem:
    """The referenced post from ``includes``; a bare id when X did not include it (deleted, protected)."""
    found = inc.tweets.get(tweet_id)
    if found is not None:
        return tweet_post(found, inc, source_url, partial=True)
    return PostItem(platform="x", external_id=tweet_id, url=tweet_url(None, tweet_id), partial=True,
                    extras={"not_included": True}, source="crawl:x")


def act_text(post: PostItem | None) -> str:
    if post is None:
        return ""
    return "\n".join([post.text or "", *(post.extras.get("alt_texts") or [])]).strip()


class XSpider(NetraSpider):
    name = "x"
    platform = "x"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.base_url = self.base_url or settings.x_base_url.rstrip("/")
        self.token = settings.x_bearer_token
        self.user_tokens = {k.lower().lstrip("@"): v for k, v in settings.x_user_tokens.items() if v}

    # ------------------------------------------------------------ plumbing

    def api(self, path: str, **params: Any) -> str:
        query = urlencode([(k.replace("__", "."), str(v)) for k, v in params.items() if v is not None])
        return f"{self.base_url}{path}" + (f"?{query}" if query else "")

    def auth_headers(self, request: scrapy.Request) -> dict[str, str]:
        user = request.meta.get("x_user_token_of")
        token = self.user_tokens.get(user) if user else self.token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def x_request(self, url: str, callback: Any, target: Target, **meta: Any) -> scrapy.Request:
        # 400-404 carry X's problem JSON: the callbacks say what it means for the account.
        return self.request(url, callback, target, errors_ok=(400, 401, 403, 404), **meta)

    def page_size(self) -> int:
        return max(5, min(100, self.settings.getint("NETRA_PAGE_SIZE")))  # /2/users/:id/tweets: 5..100

    def answer(self, response: Response) -> tuple[Target, dict[str, Any] | None, list[Any]]:
        """The decoded page, or None with the items that record why not (an account gone, a refusal)."""
        target: Target = response.meta["target"]
        data = self.load_json(response, target.handle)
        if data is None:
            return target, None, []
        if not isinstance(data, dict):
            self.report_error(target.handle, response.url, "X answer is not a JSON object")
            self.on_target_failed(target)
            return target, None, []
        if response.status == 200 and ("data" in data or "meta" in data):
            return target, data, []
        errors = [e for e in data.get("errors") or [] if isinstance(e, dict)] or [data]
        if response.status in (200, 403, 404):
            # A problem names its resource: the account (gone, suspended, protected) or one post (deleted).
            states = [s for s in (error_state(e) for e in errors if e.get("resource_type") in (None, "user")) if s]
            if states:
                return target, None, list(self.account_gone(target, response, states[0], problem_text(data)))
            gone = [e["resource_id"] for e in errors if e.get("resource_type") == "tweet"
                    and error_state(e) == "not_found" and is_id(e.get("resource_id"))]
            if gone:
                return target, None, [TombstoneItem(platform="x", external_id=i, source_url=response.url,
                                                    reason=problem_text(data)) for i in gone]
        self.report_error(target.handle, response.url, f"X refused the request (HTTP {response.status}): "
                          f"{problem_text(data)}")
        self.on_target_failed(target)
        return target, None, []

    def account_gone(self, target: Target, response: Response, state: str, reason: str) -> Iterator[Any]:
        self.report_error(target.handle, response.url, f"account {state}: {reason}")
        self.on_target_failed(target)
        yield AccountStateItem(platform="x", handle=target.handle, state=state, reason=reason[:500],
                               source_url=response.url, **target.ids)

    def next_token(self, response: Response, data: dict[str, Any]) -> tuple[str | None, bool]:
        """``meta.next_token`` and whether it loops back to a page already read (then reported, and no token)."""
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        token = meta.get("next_token") if isinstance(meta.get("next_token"), str) and meta.get("next_token") else None
        seen: frozenset[str] = response.meta.get("seen_tokens", frozenset())
        if token and (token in seen or token == response.meta.get("token")):
            target: Target = response.meta["target"]
            self.report_error(target.handle, response.url, f"pagination token {token!r} repeated: stopped paging")
            self.on_target_failed(target)
            return None, True
        return token, False

    # ------------------------------------------------------------ identity

    async def start(self) -> Any:
        if not self.token:
            self.report_error(None, None, "NETRA_X_BEARER_TOKEN is not set: the X API needs it")
            return
        # Accounts whose id is known are looked up a hundred at a time (GET /2/users?ids=): one request of X's
        # rate-limited budget instead of a hundred. Not for a sweep through the shared queue, whose start
        # requests are one per account (spiders/distributed.py), nor for a lone account.
        known = [t for t in self.targets if is_id(t.external_id)]
        if getattr(self, "shared_queue", False) or len(known) < 2:
            known = []
        batched = {id(t) for t in known}
        for target in self.targets:
            if id(target) not in batched:
                yield self.user_request(target)
        for start in range(0, len(known), USERS_BATCH):
            yield self.users_request(known[start:start + USERS_BATCH])

    def user_request(self, target: Target) -> scrapy.Request:
        # A known id survives a change of username; a handle is resolved to its id first.
        path = (f"/2/users/{target.external_id}" if is_id(target.external_id)
                else f"/2/users/by/username/{target.handle.lstrip('@')}")
        return self.x_request(self.api(path, user__fields=USER_FIELDS), self.parse_user, target)

    def users_request(self, targets: list[Target]) -> scrapy.Request:
        url = self.api("/2/users", ids=",".join(str(t.external_id) for t in targets), user__fields=USER_FIELDS)
        # Failures of the request (after retries) and of its callback are each account's (spiders.base).
        return self.x_request(url, self.parse_users, targets[0], targets=targets)

    def parse_user(self, response: Response) -> Iterator[Any]:
        target, data, gone = self.answer(response)
        yield from gone
        if data is None:
            return
        user = data.get("data") if isinstance(data.get("data"), dict) else None
        if user is None or not is_id(user.get("id")):
            errors = [e for e in data.get("errors") or [] if isinstance(e, dict)]
            state = next((s for s in (error_state(e) for e in errors) if s), "not_found")
            yield from self.account_gone(target, response, state, problem_text(data))
            return
        yield from self.user_found(target, user, response)

    def parse_users(self, response: Response) -> Iterator[Any]:
        """A multi-user lookup: each account's user, or the ``errors`` entry naming it (gone, suspended)."""
        targets: list[Target] = response.meta["targets"]
        data = self.load_json(response, None)
        if not isinstance(data, dict) or response.status != 200:
            why = (f"X refused the user lookup (HTTP {response.status}): {problem_text(data)}"
                   if isinstance(data, dict) else "X answer is not a JSON object" if data is not None else None)
            for target in targets:
                if why:
                    self.report_error(target.handle, response.url, why)
                self.on_target_failed(target)
            return
        users = {u["id"]: u for u in data.get("data") or [] if isinstance(u, dict) and is_id(u.get("id"))}
        problems: dict[str, dict[str, Any]] = {}
        for error in data.get("errors") or []:
            if isinstance(error, dict) and error.get("resource_type") in (None, "user"):
                named = error.get("resource_id") or error.get("value")
                if isinstance(named, str):
                    problems.setdefault(named, error)
        for target in targets:
            user = users.get(str(target.external_id))
            if user is not None:
                yield from self.user_found(target, user, response)
            elif str(target.external_id) in problems:
                problem = problems[str(target.external_id)]
                yield from self.account_gone(target, response, error_state(problem) or "not_found",
                                             problem_text({"errors": [problem]}))
            else:  # neither a user nor an error: X did not say, so the account is not taken for gone
                self.report_error(target.handle, response.url, "X's user lookup did not answer for this account")
                self.on_target_failed(target)

    def user_found(self, target: Target, user: dict[str, Any], response: Response) -> Iterator[Any]:
        target.external_id = user["id"]
        labels = [{k: user.get(k) for k in ("protected", "verified") if k in user}]
        if user.get("protected"):
            yield from self.account_gone(target, response, "protected",
                                         "protected account: only approved followers see its posts")
            return
        yield AccountStateItem(platform="x", handle=target.handle, external_id=user["id"], state="active",
                               labels=labels, source_url=response.url, **target.ids)
        if target.role == "declared":
            known = target.account_id or self.declared.get(target.handle.lower())
            if known is not None:
                self.declared[user["id"]] = known
            yield from self.start_readings(target)
            yield self.following_request(target, token=None, page=1, seen=frozenset(), found={})
            owner = str(user.get("username") or target.handle).lower()
            if owner in self.user_tokens:
                yield self.likes_request(target, owner, token=None, page=1, seen=frozenset())
            for start in range(0, len(target.recheck_ids), LOOKUP_BATCH):
                batch = [i for i in target.recheck_ids[start:start + LOOKUP_BATCH] if is_id(i)]
                if batch:
                    url = self.api("/2/tweets", ids=",".join(batch), tweet__fields=TWEET_FIELDS,
                                   expansions=EXPANSIONS, media__fields=MEDIA_FIELDS, user__fields=USER_FIELDS)
                    yield self.x_request(url, self.parse_recheck, target, ids=batch)
        else:
            self.watched[user["id"]] = target.watched_account_id or 0
            yield self.timeline_request(target, {"id": "top", "since_id": None, "until_id": None, "top": None},
                                        token=None)

    # ------------------------------------------------------------ timeline
    # Newest first. A reading goes from ``until_id`` (none: the newest post) down to ``since_id``, where
    # an earlier reading began (crawl_state.newest_id). A reading the page cap stops leaves a gap: the
    # oldest id it read and the since_id it was going to; ids are time-ordered, so the gap is read
    # later with until_id/since_id, without a pagination token that may expire.

    def start_readings(self, target: Target) -> Iterator[scrapy.Request]:
        state = target.crawl_state
        since = state.get("newest_id") if is_id(state.get("newest_id")) else None
        yield self.timeline_request(target, {"id": "top", "since_id": since, "until_id": None, "top": None},
                                    token=None)
        gaps = state.get("gaps") if isinstance(state.get("gaps"), dict) else {}
        for gap_id, gap in gaps.items():
            if isinstance(gap, dict) and is_id(gap.get("until_id")):
                since_id = gap.get("since_id") if is_id(gap.get("since_id")) else None
                yield self.timeline_request(target, {"id": gap_id, "since_id": since_id,
                                                     "until_id": gap["until_id"], "top": None}, token=None)

    def timeline_request(self, target: Target, reading: dict[str, Any], *, token: str | None, page: int = 1,
                         seen: frozenset[str] = frozenset(), oldest: str | None = None) -> scrapy.Request:
        watched = target.role == "watched"
        url = self.api(f"/2/users/{target.external_id}/tweets", max_results=self.page_size(),
                       since_id=reading["since_id"], until_id=reading["until_id"], pagination_token=token,
                       exclude="retweets" if watched else None, tweet__fields=TWEET_FIELDS,
                       expansions=EXPANSIONS, media__fields=MEDIA_FIELDS, user__fields=USER_FIELDS)
        return self.x_request(url, self.parse_timeline, target, reading=reading, token=token, page=page,
                              seen_tokens=seen, oldest=oldest)

    def parse_timeline(self, response: Response) -> Iterator[Any]:
        target, data, gone = self.answer(response)
        yield from gone
        if data is None:
            return
        reading: dict[str, Any] = response.meta["reading"]
        tweets = data.get("data") if isinstance(data.get("data"), list) else []
        inc = Includes(data)
        since = reading["since_id"]
        ceiling = self.capture_time()
        top, oldest_here = reading["top"], None
        unread = []
        for tweet in tweets:
            tweet_id = tweet.get("id") if isinstance(tweet, dict) else None
            if is_id(tweet_id):
                when = snowflake_time(tweet_id)
                if when is not None and when <= ceiling:  # a position never passes the moment it was read
                    top = tweet_id if top is None or int(tweet_id) > int(top) else top
                oldest_here = tweet_id if oldest_here is None or int(tweet_id) < int(oldest_here) else oldest_here
                if since and int(tweet_id) <= int(since):
                    continue  # read by an earlier reading (a server that ignores since_id)
            unread.append(tweet)
        read = self.own_tweet if target.role == "declared" else self.watched_tweet
        yield from self.each_record(target, response.url, unread, lambda t: read(target, t, inc, response.url))

        previous_oldest = response.meta["oldest"]
        if oldest_here and previous_oldest and int(oldest_here) >= int(previous_oldest):
            self.report_error(target.handle, response.url, "page repeats posts of the previous page under a new "
                              "token: stopped reading this account")
            self.on_target_failed(target)
            return
        token, looped = self.next_token(response, data)
        if looped:
            return
        page = response.meta["page"]
        declared = target.role == "declared"
        cap = self.settings.getint("NETRA_MAX_PAGES" if declared else "NETRA_WATCHED_PAGES")
        more = bool(token) and bool(tweets)
        if more and page < cap:
            yield self.timeline_request(target, {**reading, "top": top}, token=token, page=page + 1,
                                        seen=response.meta["seen_tokens"] | {token},
                                        oldest=oldest_here or previous_oldest)
            return
        if declared:
            yield from self.end_reading(target, reading, top, oldest_here or previous_oldest, response.url,
                                        more=more, cap=cap)

    def end_reading(self, target: Target, reading: dict[str, Any], top: str | None, oldest: str | None, url: str,
                    *, more: bool, cap: int) -> Iterator[Any]:
        checkpoint = CrawlCheckpointItem(platform="x", handle=target.handle, **target.ids)
        if reading["id"] == "top" and top:
            checkpoint.advance["newest_id"] = top
        if not more:
            if reading["id"] != "top":
                checkpoint.gaps_remove.append(reading["id"])
        elif oldest:
            self.report_error(target.handle, url, f"page cap of {cap} pages reached: the next crawl reads on "
                              "from here")
            self.incomplete_handles.add(target.handle)
            gap_id = reading["id"] if reading["id"] != "top" else "g" + hashlib.sha256(
                f"{oldest}|{reading['since_id']}".encode()).hexdigest()[:12]
            checkpoint.gaps_set[gap_id] = {"until_id": oldest, "since_id": reading["since_id"]}
        yield checkpoint

    def own_tweet(self, target: Target, tweet: Any, inc: Includes, url: str) -> Iterator[Any]:
        if not isinstance(tweet, dict):
            raise ValueError("post is not an object")
        refs = references(tweet)
        if "retweeted" in refs:
            original = referenced_post(inc, refs["retweeted"], url)
            created_raw = tweet.get("created_at") if isinstance(tweet.get("created_at"), str) else None
            yield ActivityItem(
                platform="x", kind="share", external_id=original.external_id, account_id=target.account_id,
                account_external_id=target.external_id, target=original, context=act_text(original),
                url=original.url, occurred_at=parse_time(created_raw), occurred_at_raw=created_raw,
                raw=raw_json(tweet), source_url=url, source=self.source,
            )
            return
        post = tweet_post(tweet, inc, url)
        if post.author_external_id and target.external_id and post.author_external_id != target.external_id:
            return  # another account's post: not an act of this one
        yield self.own_activity(target, post, refs, inc, url)

    def own_activity(self, target: Target, post: PostItem, refs: dict[str, str], inc: Includes,
                     url: str, account_id: int | None = None) -> ActivityItem:
        """A post, a photo, a reply (``comment``, the parent as context) or a quote (``share`` with own text)."""
        context_post = None
        if "replied_to" in refs:
            kind, context_post = "comment", referenced_post(inc, refs["replied_to"], url)
        elif "quoted" in refs:
            kind, context_post = "share", referenced_post(inc, refs["quoted"], url)
        else:
            kind = "photo" if any(m.get("type") == "photo" for m in post.extras.get("media") or []) else "post"
        return ActivityItem(
            platform="x", kind=kind, external_id=post.external_id,
            account_id=account_id if account_id is not None else target.account_id,
            account_external_id=None if account_id is not None else target.external_id, post=post,
            target=context_post, text=act_text(post), context=act_text(context_post) or None, url=post.url,
            occurred_at=post.posted_at, occurred_at_raw=post.posted_at_raw, source=self.source,
        )

    def parse_recheck(self, response: Response) -> Iterator[Any]:
        """Own posts re-read: an edit is a new evidence version; a post X no longer finds is tombstoned."""
        target, data, gone = self.answer(response)
        yield from gone
        if data is None:
            return
        inc = Includes(data)
        tweets = data.get("data") if isinstance(data.get("data"), list) else []
        yield from self.each_record(target, response.url, tweets,
                                    lambda t: self.own_tweet(target, t, inc, response.url))
        for error in data.get("errors") or []:
            if isinstance(error, dict) and error_state(error) == "not_found" and error.get("resource_type") == "tweet" \
                    and error.get("resource_id") in response.meta["ids"]:
                yield TombstoneItem(platform="x", external_id=error["resource_id"], source_url=response.url,
                                    reason=problem_text({"errors": [error]}))

    # --------------------------------------------------------------- likes

    def likes_request(self, target: Target, owner: str, *, token: str | None, page: int,
                      seen: frozenset[str]) -> scrapy.Request:
        url = self.api(f"/2/users/{target.external_id}/liked_tweets", max_results=100, pagination_token=token,
                       tweet__fields=TWEET_FIELDS, expansions="attachments.media_keys,author_id",
                       media__fields=MEDIA_FIELDS, user__fields=USER_FIELDS)
        return self.x_request(url, self.parse_liked, target, x_user_token_of=owner, token=token, page=page,
                              seen_tokens=seen, owner=owner)

    def parse_liked(self, response: Response) -> Iterator[Any]:
        """The declared account's likes, read with its own token, newest like first, down to the last reading's."""
        target, data, gone = self.answer(response)
        yield from gone
        if data is None:
            return
        inc = Includes(data)
        known = target.crawl_state.get("likes_top")
        liked = data.get("data") if isinstance(data.get("data"), list) else []
        reached = False
        unread = []
        for tweet in liked:
            if isinstance(tweet, dict) and known and tweet.get("id") == known:
                reached = True
                break
            unread.append(tweet)

        def read(tweet: Any) -> Iterator[Any]:
            post = tweet_post(tweet, inc, response.url, partial=True)
            # X gives no time for a like; only that it is there.
            yield ActivityItem(platform="x", kind="like", external_id=post.external_id, account_id=target.account_id,
                               account_external_id=target.external_id, target=post, context=act_text(post),
                               url=post.url, raw=raw_json({"liked_tweet": tweet}), source_url=response.url,
                               source=self.source)

        yield from self.each_record(target, response.url, unread, read)
        first = response.meta.get("first_like") or next(
            (t["id"] for t in liked if isinstance(t, dict) and is_id(t.get("id"))), None)
        token, looped = (None, False) if reached else self.next_token(response, data)
        if looped:
            return
        page = response.meta["page"]
        cap = self.settings.getint("NETRA_MAX_PAGES")
        if token and liked and page < cap:
            request = self.likes_request(target, response.meta["owner"], token=token, page=page + 1,
                                         seen=response.meta["seen_tokens"] | {token})
            request.meta["first_like"] = first
            yield request
            return
        if token and liked:
            self.report_error(target.handle, response.url, f"likes: page cap of {cap} pages reached")
            self.incomplete_handles.add(target.handle)
            return
        if first and target.handle not in self.failed_handles:
            yield CrawlCheckpointItem(platform="x", handle=target.handle, crawl_state={"likes_top": first},
                                      **target.ids)

    # ------------------------------------------------------------- follows

    def following_request(self, target: Target, *, token: str | None, page: int, seen: frozenset[str],
                          found: dict[str, str]) -> scrapy.Request:
        url = self.api(f"/2/users/{target.external_id}/following", max_results=FOLLOWING_PAGE,
                       pagination_token=token, user__fields=USER_FIELDS)
        return self.x_request(url, self.parse_following, target, token=token, page=page, seen_tokens=seen,
                              found=found, first_url=url if token is None else None)

    def parse_following(self, response: Response) -> Iterator[Any]:
        target, data, gone = self.answer(response)
        yield from gone
        if data is None:
            return
        found: dict[str, str] = dict(response.meta["found"])
        first_url = response.meta.get("first_url") or response.url
        users = data.get("data") if isinstance(data.get("data"), list) else []

        def read(user: Any) -> Iterator[Any]:
            if not isinstance(user, dict) or not is_id(user.get("id")):
                raise ValueError("followed account without a numeric id")
            username = user.get("username") if isinstance(user.get("username"), str) else None
            if self.watched_id(user["id"], username) is None:
                return
            found[user["id"]] = (username or user["id"]).lower()
            yield self.follow_activity(
                target, followed_id=user["id"], handle=username.lower() if username else None,
                name=user.get("name") if isinstance(user.get("name"), str) else None,
                bio=user.get("description") if isinstance(user.get("description"), str) else None,
                url=f"https://x.com/{username}" if username else None, record=user, source_url=response.url)

        yield from self.each_record(target, response.url, users, read)
        token, looped = self.next_token(response, data)
        if looped:
            return
        page, cap = response.meta["page"], self.settings.getint("NETRA_FOLLOW_PAGES")
        if token and users and page < cap:
            request = self.following_request(target, token=token, page=page + 1,
                                             seen=response.meta["seen_tokens"] | {token}, found=found)
            request.meta["first_url"] = first_url
            yield request
            return
        complete = not (token and users)
        if not complete:
            self.report_error(target.handle, response.url, f"following list: page cap of {cap} pages reached; "
                              "unfollows are not judged on a list not read to the end")
            self.incomplete_handles.add(target.handle)
        yield from self.end_follow_reading(target, found, first_url, complete=complete)

    # ---------------------------------------------------- watched candidates

    def watched_tweet(self, target: Target, tweet: Any, inc: Includes, url: str) -> Iterator[Any]:
        post = tweet_post(tweet, inc, url)
        if references(tweet).get("retweeted") or (post.author_external_id and
                                                  post.author_external_id != target.external_id):
            return
        yield post
        tweet_id = tweet["id"]
        for path, callback, fields in (
            (f"/2/tweets/{tweet_id}/retweeted_by", self.parse_retweeted_by, {"user__fields": USER_FIELDS}),
            (f"/2/tweets/{tweet_id}/quote_tweets", self.parse_quotes,
             {"tweet__fields": TWEET_FIELDS, "expansions": EXPANSIONS, "media__fields": MEDIA_FIELDS,
              "user__fields": USER_FIELDS}),
        ):
            yield self.interaction_request(path, callback, target, post, fields, token=None, page=1,
                                           seen=frozenset())
        # Replies: a recent search on the conversation (the last 7 days; docs.x.com search/recent).
        yield self.interaction_request(
            "/2/tweets/search/recent", self.parse_replies, target, post,
            {"query": f"conversation_id:{tweet.get('conversation_id') or tweet_id}", "tweet__fields": TWEET_FIELDS,
             "expansions": EXPANSIONS, "media__fields": MEDIA_FIELDS, "user__fields": USER_FIELDS},
            token=None, page=1, seen=frozenset(), token_param="next_token")
        owner = (inc.username(target.external_id) or target.handle).lower().lstrip("@")
        if owner in self.user_tokens:
            yield self.interaction_request(f"/2/tweets/{tweet_id}/liking_users", self.parse_liking_users, target,
                                           post, {"user__fields": USER_FIELDS}, token=None, page=1,
                                           seen=frozenset(), user=owner)

    def interaction_request(self, path: str, callback: Any, target: Target, post: PostItem, fields: dict[str, Any],
                            *, token: str | None, page: int, seen: frozenset[str],
                            token_param: str = "pagination_token", user: str | None = None) -> scrapy.Request:
        url = self.api(path, max_results=100, **fields, **{token_param: token})
        meta: dict[str, Any] = {"post": post, "path": path, "fields": fields, "token": token, "page": page,
                                "seen_tokens": seen, "token_param": token_param}
        if user:
            meta["x_user_token_of"] = user
        return self.x_request(url, callback, target, **meta)

    def next_interaction_page(self, response: Response, data: dict[str, Any], callback: Any) -> Iterator[Any]:
        token, _looped = self.next_token(response, data)
        if token and response.meta["page"] < self.settings.getint("NETRA_MAX_PAGES"):
            meta = response.meta
            yield self.interaction_request(meta["path"], callback, meta["target"], meta["post"], meta["fields"],
                                           token=token, page=meta["page"] + 1, seen=meta["seen_tokens"] | {token},
                                           token_param=meta["token_param"], user=meta.get("x_user_token_of"))

    def declared_users(self, response: Response, callback: Any) -> Iterator[Any]:
        """(user, declared id) for each declared account in a users page; then the next page's request."""
        _target, data, gone = self.answer(response)
        yield from gone
        if data is None:
            return
        for user in data.get("data") if isinstance(data.get("data"), list) else []:
            if isinstance(user, dict):
                declared = self.declared_id(user.get("id"), user.get("username"))
                if declared is not None:
                    yield user, declared
        yield from self.next_interaction_page(response, data, callback)

    def parse_retweeted_by(self, response: Response) -> Iterator[Any]:
        post: PostItem = response.meta["post"]
        for found in self.declared_users(response, self.parse_retweeted_by):
            if not isinstance(found, tuple):
                yield found
                continue
            user, declared = found
            # retweeted_by gives no repost time; the declared account's own timeline fills it in.
            yield ActivityItem(platform="x", kind="share", external_id=post.external_id, account_id=declared,
                               target=post, context=act_text(post), url=post.url,
                               raw=raw_json({"id": post.external_id, "retweeted_by": user}),
                               source_url=response.url, source=self.source)

    def parse_liking_users(self, response: Response) -> Iterator[Any]:
        post: PostItem = response.meta["post"]
        for found in self.declared_users(response, self.parse_liking_users):
            if not isinstance(found, tuple):
                yield found
                continue
            user, declared = found
            yield ActivityItem(platform="x", kind="like", external_id=post.external_id, account_id=declared,
                               target=post, context=act_text(post), url=post.url,
                               raw=raw_json({"id": post.external_id, "liking_user": user}),
                               source_url=response.url, source=self.source)

    def declared_tweets(self, response: Response, callback: Any,
                        act: Any) -> Iterator[Any]:
        """``act(tweet, inc, declared id)`` for each post of a declared account in a posts page; then the next page."""
        target, data, gone = self.answer(response)
        yield from gone
        if data is None:
            return
        inc = Includes(data)

        def read(tweet: Any) -> Iterator[Any]:
            if not isinstance(tweet, dict):
                raise ValueError("post is not an object")
            author = tweet.get("author_id")
            declared = self.declared_id(author if isinstance(author, str) else None, inc.username(author))
            if declared is not None:
                yield act(tweet, inc, declared)

        tweets = data.get("data") if isinstance(data.get("data"), list) else []
        yield from self.each_record(target, response.url, tweets, read)
        yield from self.next_interaction_page(response, data, callback)

    def parse_quotes(self, response: Response) -> Iterator[Any]:
        watched: PostItem = response.meta["post"]

        def act(tweet: dict[str, Any], inc: Includes, declared: int) -> ActivityItem:
            post = tweet_post(tweet, inc, response.url)
            item = self.own_activity(response.meta["target"], post, {"quoted": watched.external_id}, inc,
                                     response.url, account_id=declared)
            item.target = watched
            item.context = act_text(watched)
            return item

        yield from self.declared_tweets(response, self.parse_quotes, act)

    def parse_replies(self, response: Response) -> Iterator[Any]:
        watched: PostItem = response.meta["post"]

        def act(tweet: dict[str, Any], inc: Includes, declared: int) -> ActivityItem:
            post = tweet_post(tweet, inc, response.url)
            refs = references(tweet)
            if "replied_to" not in refs:
                refs["replied_to"] = watched.external_id
            item = self.own_activity(response.meta["target"], post, refs, inc, response.url, account_id=declared)
            if item.target is not None and item.target.external_id == watched.external_id:
                item.target, item.context = watched, act_text(watched) or None
            return item

        yield from self.declared_tweets(response, self.parse_replies, act)
