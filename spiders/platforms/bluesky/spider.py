"""Bluesky: declared accounts' posts, replies and reposts; declared accounts' likes,
reposts and replies on watched (candidate) posts. Public AppView, no login.

References are to ``docs/platform-formats.md`` §1. The spider only parses and
yields items; storage, retries and politeness live in the pipeline,
middlewares and settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
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

POST_VIEW = "app.bsky.feed.defs#postView"
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
REASON_REPOST = "app.bsky.feed.defs#reasonRepost"
# getProfile's 400 error names -> Account.state (§1.2)
PROFILE_STATES = {"AccountTakedown": "suspended", "AccountDeactivated": "deactivated"}
NOT_FOUND_ERRORS = {"InvalidRequest", "HandleNotFound", "NotFound", "ProfileNotFound"}
GET_POSTS_BATCH = 25  # app.bsky.feed.getPosts accepts at most 25 uris (§1.7)


def web_url(uri: str) -> str | None:
    """``at://<did>/app.bsky.feed.post/<rkey>`` -> ``https://bsky.app/profile/<did>/post/<rkey>`` (§1.10)."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) == 3 and parts[1] == "app.bsky.feed.post":
        return f"https://bsky.app/profile/{parts[0]}/post/{parts[2]}"
    return None


def facet_extras(text: str, facets: list[Any] | None) -> dict[str, list[Any]]:
    """Mentions, links and tags from facets, whose offsets count UTF-8 bytes, end exclusive (§1.4)."""
    encoded = text.encode("utf-8")
    out: dict[str, list[Any]] = {"mentions": [], "links": [], "hashtags": [], "facets": []}
    for facet in facets or []:
        if not isinstance(facet, dict):
            continue
        index = facet.get("index") or {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        span = None
        if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(encoded):
            span = encoded[start:end].decode("utf-8", "replace")
        for feature in facet.get("features") or []:
            kind = str(feature.get("$type", "")).rsplit("#", 1)[-1]
            value = {"mention": feature.get("did"), "link": feature.get("uri"), "tag": feature.get("tag")}.get(kind)
            if value is None:
                out["facets"].append({"type": kind or "unknown", "text": span, "raw": feature})
                continue
            out["facets"].append({"type": kind, "text": span, "value": value})
            {"mention": out["mentions"], "link": out["links"], "tag": out["hashtags"]}[kind].append(value)
    return out


def embed_extras(embed: dict[str, Any] | None) -> dict[str, Any]:
    """Alt texts, media, link cards and the quoted post from an embed's view form; unknown types kept raw."""
    out: dict[str, Any] = {"alt_texts": [], "media": [], "links": [], "embeds_raw": []}
    if not isinstance(embed, dict):
        return out
    kind = str(embed.get("$type", ""))
    if kind.startswith("app.bsky.embed.images"):
        for image in embed.get("images") or []:
            out["media"].append({"type": "image", "url": image.get("fullsize"), "alt": image.get("alt") or ""})
            if image.get("alt"):
                out["alt_texts"].append(image["alt"])
    elif kind.startswith("app.bsky.embed.video"):
        out["media"].append({"type": "video", "url": embed.get("playlist"), "alt": embed.get("alt") or ""})
        if embed.get("alt"):
            out["alt_texts"].append(embed["alt"])
    elif kind.startswith("app.bsky.embed.external"):
        card = embed.get("external") or {}
        out["card"] = {k: card.get(k) for k in ("uri", "title", "description")}
        if card.get("uri"):
            out["links"].append(card["uri"])
    elif kind.startswith("app.bsky.embed.recordWithMedia"):
        media = embed_extras(embed.get("media"))
        quoted = embed_extras(embed.get("record"))
        for key in ("alt_texts", "media", "links", "embeds_raw"):
            out[key] = media[key] + quoted[key]
        for key in ("card", "quote"):
            if key in media or key in quoted:
                out[key] = media.get(key) or quoted.get(key)
    elif kind.startswith("app.bsky.embed.record"):
        record = embed.get("record") or {}
        out["quote"] = {"uri": record.get("uri"), "type": record.get("$type"), "view": record}
    else:
        out["embeds_raw"].append(embed)
    return out


def post_item(view: dict[str, Any], source_url: str, *, partial: bool = False) -> PostItem | None:
    """A PostItem from a postView or from a quote's viewRecord (``value``/``embeds`` for ``record``/``embed``)."""
    uri = view.get("uri")
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    record = view.get("record") if isinstance(view.get("record"), dict) else view.get("value")
    record = record if isinstance(record, dict) else {}
    author = view.get("author") if isinstance(view.get("author"), dict) else {}
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    extras: dict[str, Any] = facet_extras(text, record.get("facets"))
    embed = view.get("embed") if "embed" in view else (view.get("embeds") or [None])[0]
    for key, value in embed_extras(embed).items():
        extras[key] = extras.get(key, []) + value if isinstance(value, list) else value
    extra_tags = [t for t in record.get("tags") or [] if isinstance(t, str)]
    tags: dict[str, str] = {}
    for tag in extras["hashtags"] + extra_tags:  # facet tags ∪ record.tags, case-insensitive (§1.4)
        tags.setdefault(tag.lower(), tag)
    extras["hashtags"] = list(tags.values())
    created_raw = record.get("createdAt") if isinstance(record.get("createdAt"), str) else None
    created, indexed = parse_time(created_raw), parse_time(view.get("indexedAt"))
    extras["indexed_at"] = view.get("indexedAt")
    if created and indexed and created - indexed > timedelta(minutes=5):
        extras["created_after_indexed"] = True  # client clock ahead or back-dating games (§1.4 "Times")
    if view.get("labels"):
        extras["labels"] = view["labels"]
    extras = {k: v for k, v in extras.items() if v not in ([], None)}
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    langs = record.get("langs") if isinstance(record.get("langs"), list) else []
    return PostItem(
        platform="bluesky",
        external_id=uri,
        url=web_url(uri),
        author_handle=author.get("handle"),
        author_external_id=author.get("did"),
        text=text,
        extras=extras,
        lang=langs[0] if langs else None,
        parent_external_id=(reply.get("parent") or {}).get("uri"),
        posted_at=created,
        posted_at_raw=created_raw,
        version=view.get("cid"),
        partial=partial,
        raw=raw_json(view),
        source_url=source_url,
        source="crawl:bluesky",
    )


def act_text(post: PostItem) -> str:
    """What the classifier reads for an own post: the text, then image descriptions (alt texts carry cues too)."""
    alts = post.extras.get("alt_texts") or []
    return "\n".join([post.text or "", *alts]).strip()


class BlueskySpider(NetraSpider):
    name = "bluesky"
    platform = "bluesky"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.base_url = self.base_url or get_settings().bluesky_base_url.rstrip("/")

    def xrpc(self, nsid: str, **params: Any) -> str:
        pairs: list[tuple[str, str]] = []
        for key, value in params.items():
            if value is None:
                continue
            for one in value if isinstance(value, list) else [value]:
                pairs.append((key, "true" if one is True else "false" if one is False else str(one)))
        return f"{self.base_url}/xrpc/{nsid}?{urlencode(pairs)}"

    async def start(self) -> Any:
        for request in self.start_requests_for_targets():
            yield request

    def start_requests_for_targets(self) -> Iterator[scrapy.Request]:
        for target in self.targets:
            if target.external_id:
                yield self.profile_request(target)
            else:
                yield self.request(self.xrpc("com.atproto.identity.resolveHandle", handle=target.handle),
                                   self.parse_resolve, target, errors_ok=(400,))

    # ------------------------------------------------------------- identity

    def profile_request(self, target: Target) -> scrapy.Request:
        return self.request(self.xrpc("app.bsky.actor.getProfile", actor=target.external_id or target.handle),
                            self.parse_profile, target, errors_ok=(400,))

    def parse_resolve(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        data = self.load_json(response, target.handle)
        if data is None:
            return
        if response.status == 400 or not isinstance(data.get("did"), str):
            yield from self.account_gone(target, response, data, "not_found")
            return
        target.external_id = data["did"]
        yield self.profile_request(target)

    def account_answer(self, response: Response) -> tuple[Target, dict[str, Any] | None, list[Any]]:
        """An account-level answer's JSON, or ``None`` with the items recording why there is none.

        A 400 here means the account is gone (not found, taken down, deactivated: §1.2).
        """
        target: Target = response.meta["target"]
        data = self.load_json(response, target.handle)
        if data is None:
            return target, None, []
        if response.status == 400:
            state = PROFILE_STATES.get(str(data.get("error")), "not_found")
            return target, None, list(self.account_gone(target, response, data, state))
        return target, data, []

    def parse_profile(self, response: Response) -> Iterator[Any]:
        target, data, gone = self.account_answer(response)
        yield from gone
        if data is None:
            return
        did = data.get("did")
        if not isinstance(did, str):
            self.report_error(target.handle, response.url, "profile without a did")
            return
        target.external_id = did
        yield AccountStateItem(platform="bluesky", handle=target.handle, external_id=did, state="active",
                               labels=data.get("labels") or [], source_url=response.url, **target.ids)
        known = target.account_id or self.declared.get(target.handle.lower())
        if target.role == "declared" and known is not None:
            self.declared[did.lower()] = known
        yield self.feed_request(target, cursor=None, page=1, empty_pages=0, seen_cursors=frozenset(), newest=None)
        if target.role == "declared" and target.recheck_ids:
            for start in range(0, len(target.recheck_ids), GET_POSTS_BATCH):
                batch = target.recheck_ids[start:start + GET_POSTS_BATCH]
                yield self.request(self.xrpc("app.bsky.feed.getPosts", uris=batch), self.parse_recheck, target,
                                   uris=batch)

    def account_gone(self, target: Target, response: Response, data: dict[str, Any], state: str) -> Iterator[Any]:
        error = f"{data.get('error')}: {data.get('message')}"
        self.report_error(target.handle, response.url, f"account {state}: {error}")
        yield AccountStateItem(platform="bluesky", handle=target.handle, state=state, reason=error,
                               source_url=response.url, **target.ids)

    # ------------------------------------------------------------ author feed

    def feed_request(self, target: Target, *, cursor: str | None, page: int, empty_pages: int,
                     seen_cursors: frozenset[str], newest: str | None) -> scrapy.Request:
        url = self.xrpc("app.bsky.feed.getAuthorFeed", actor=target.external_id,
                        limit=self.settings.getint("NETRA_PAGE_SIZE"), filter="posts_with_replies", cursor=cursor)
        return self.request(url, self.parse_feed, target, errors_ok=(400,), cursor=cursor, page=page,
                            empty_pages=empty_pages, seen_cursors=seen_cursors, newest=newest)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        target, data, gone = self.account_answer(response)
        yield from gone
        if data is None:
            return
        feed = data.get("feed") if isinstance(data.get("feed"), list) else []
        stop_at = target.crawl_state.get("newest_sort_at") if target.role == "declared" else None
        newest = response.meta["newest"]
        reached_known = False
        for entry in feed:
            sort_at = self.sort_time(entry)
            if sort_at and (newest is None or sort_at > newest):
                newest = sort_at
            if stop_at and sort_at and sort_at <= stop_at:
                reached_known = True  # newest first: everything from here on was stored by an earlier run
                continue
            if target.role == "declared":
                yield from self.declared_entry(target, entry, response.url)
            else:
                yield from self.watched_entry(target, entry, response.url)

        cursor = data.get("cursor") if isinstance(data.get("cursor"), str) else None
        page, seen = response.meta["page"], response.meta["seen_cursors"]
        empty_pages = response.meta["empty_pages"] + 1 if not feed else 0
        max_pages = self.settings.getint("NETRA_MAX_PAGES" if target.role == "declared" else "NETRA_WATCHED_PAGES")
        if cursor and cursor in seen | {response.meta["cursor"]}:
            self.report_error(target.handle, response.url, f"cursor {cursor!r} repeated: stopped paging")
            self.on_target_failed(target)
        elif cursor and not reached_known and empty_pages < 2 and page < max_pages:
            yield self.feed_request(target, cursor=cursor, page=page + 1, empty_pages=empty_pages,
                                    seen_cursors=seen | {cursor}, newest=newest)
            return
        if target.role == "declared" and target.handle not in self.failed_handles and newest:
            if not stop_at or newest > stop_at:
                yield CrawlCheckpointItem(platform="bluesky", handle=target.handle,
                                          crawl_state={"newest_sort_at": newest}, **target.ids)

    @staticmethod
    def sort_time(entry: Any) -> str | None:
        """Bluesky's own order: a repost's time, else min(createdAt, indexedAt) as ISO text (§1.4)."""
        if not isinstance(entry, dict):
            return None
        reason = entry.get("reason") if isinstance(entry.get("reason"), dict) else None
        if reason and reason.get("$type") == REASON_REPOST:
            when = parse_time(reason.get("indexedAt"))
        else:
            post = entry.get("post") if isinstance(entry.get("post"), dict) else {}
            record = post.get("record") if isinstance(post.get("record"), dict) else {}
            times = [t for t in (parse_time(record.get("createdAt")), parse_time(post.get("indexedAt"))) if t]
            when = min(times) if times else None
        return when.isoformat(timespec="microseconds") if when else None

    def declared_entry(self, target: Target, entry: Any, url: str) -> Iterator[Any]:
        post_view = entry.get("post") if isinstance(entry, dict) else None
        post = post_item(post_view, url) if isinstance(post_view, dict) else None
        if post is None:
            self.report_error(target.handle, url, "feed item without a post uri: skipped")
            return
        reason = entry.get("reason") if isinstance(entry.get("reason"), dict) else None
        if reason and reason.get("$type") == REASON_REPOST:
            yield ActivityItem(
                platform="bluesky", kind="share", external_id=post.external_id, account_id=target.account_id,
                account_external_id=target.external_id, target=post, context=act_text(post), url=post.url,
                occurred_at=parse_time(reason.get("indexedAt")), occurred_at_raw=reason.get("indexedAt"),
                raw=raw_json(entry), source_url=url, source=self.source,
            )
            return
        if post.author_external_id != target.external_id:
            return  # another account's post without a repost reason: not an act of this account
        reply = entry.get("reply") if isinstance(entry.get("reply"), dict) else {}
        parent_view = reply.get("parent") if isinstance(reply.get("parent"), dict) else None
        yield self.own_post_activity(target, post, parent_view, url)

    def own_post_activity(self, target: Target, post: PostItem, parent_view: dict[str, Any] | None,
                          url: str) -> ActivityItem:
        """An own post (``post``), or a comment when it replies; a quote's quoted post is its target."""
        parent = None
        if parent_view and parent_view.get("$type", POST_VIEW) == POST_VIEW:
            parent = post_item(parent_view, url, partial=True)
        quote = (post.extras.get("quote") or {}).get("view")
        quoted = post_item(quote, url, partial=True) if isinstance(quote, dict) else None
        kind = "comment" if post.parent_external_id else "post"
        context_post = parent if kind == "comment" else quoted
        return ActivityItem(
            platform="bluesky", kind=kind, external_id=post.external_id, account_id=target.account_id,
            account_external_id=target.external_id, post=post, target=context_post,
            text=act_text(post), context=act_text(context_post) if context_post else None, url=post.url,
            occurred_at=post.posted_at, occurred_at_raw=post.posted_at_raw, source=self.source,
        )

    def parse_recheck(self, response: Response) -> Iterator[Any]:
        """Own posts re-read: changed ones are stored again (edits), missing ones tombstoned (§1.1)."""
        target: Target = response.meta["target"]
        data = self.load_json(response, target.handle)
        if data is None or not isinstance(data.get("posts"), list):
            return
        present = set()
        for view in data["posts"]:
            post = post_item(view, response.url) if isinstance(view, dict) else None
            if post is None or post.external_id not in response.meta["uris"]:
                continue
            present.add(post.external_id)
            # Re-reading the post is also how an edit (a new cid) is noticed.
            yield self.own_post_activity(target, post, None, response.url)
        for uri in response.meta["uris"]:
            if uri not in present:
                yield TombstoneItem(platform="bluesky", external_id=uri, source_url=response.url,
                                    reason="no longer returned by getPosts")

    # ---------------------------------------------------- watched candidates

    def watched_entry(self, target: Target, entry: Any, url: str) -> Iterator[Any]:
        post_view = entry.get("post") if isinstance(entry, dict) else None
        post = post_item(post_view, url) if isinstance(post_view, dict) else None
        if post is None:
            self.report_error(target.handle, url, "feed item without a post uri: skipped")
            return
        if entry.get("reason") or post.author_external_id != target.external_id:
            return  # the candidate's reposts of others are not what declared accounts react to
        yield post
        for nsid, callback in (("app.bsky.feed.getLikes", self.parse_likes),
                               ("app.bsky.feed.getRepostedBy", self.parse_reposted_by)):
            yield self.interaction_request(nsid, callback, target, post, cursor=None, seen=frozenset())
        yield self.request(self.xrpc("app.bsky.feed.getPostThread", uri=post.external_id, depth=6),
                           self.parse_thread, target, errors_ok=(400,), post=post)

    def interaction_request(self, nsid: str, callback: Any, target: Target, post: PostItem, *,
                            cursor: str | None, seen: frozenset[str]) -> scrapy.Request:
        url = self.xrpc(nsid, uri=post.external_id, limit=100, cursor=cursor)
        return self.request(url, callback, target, post=post, nsid=nsid, cursor=cursor, seen_cursors=seen)

    def next_interaction_page(self, response: Response, data: dict[str, Any], callback: Any) -> Iterator[Any]:
        target: Target = response.meta["target"]
        cursor = data.get("cursor") if isinstance(data.get("cursor"), str) else None
        seen = response.meta["seen_cursors"] | ({response.meta["cursor"]} if response.meta["cursor"] else set())
        if cursor and cursor in seen:
            self.report_error(target.handle, response.url, f"cursor {cursor!r} repeated: stopped paging")
        elif cursor:
            yield self.interaction_request(response.meta["nsid"], callback, target, response.meta["post"],
                                           cursor=cursor, seen=seen)

    def parse_likes(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        data = self.load_json(response, target.handle)
        if not isinstance(data, dict):
            return
        post: PostItem = response.meta["post"]
        for like in data.get("likes") or []:
            actor = like.get("actor") if isinstance(like, dict) else None
            if not isinstance(actor, dict):
                continue
            account_id = self.declared_id(actor.get("did"), actor.get("handle"))
            if account_id is None:
                continue
            yield ActivityItem(
                platform="bluesky", kind="like", external_id=post.external_id, account_id=account_id,
                target=post, context=act_text(post), url=post.url, occurred_at=parse_time(like.get("createdAt")),
                occurred_at_raw=like.get("createdAt"), raw=raw_json({"uri": post.external_id, **like}),
                source_url=response.url, source=self.source,
            )
        yield from self.next_interaction_page(response, data, self.parse_likes)

    def parse_reposted_by(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        data = self.load_json(response, target.handle)
        if not isinstance(data, dict):
            return
        post: PostItem = response.meta["post"]
        for actor in data.get("repostedBy") or []:
            if not isinstance(actor, dict):
                continue
            account_id = self.declared_id(actor.get("did"), actor.get("handle"))
            if account_id is None:
                continue
            # getRepostedBy gives no repost time; the declared account's own feed fills it in later.
            yield ActivityItem(
                platform="bluesky", kind="share", external_id=post.external_id, account_id=account_id,
                target=post, context=act_text(post), url=post.url,
                raw=raw_json({"uri": post.external_id, "repostedBy": actor}), source_url=response.url,
                source=self.source,
            )
        yield from self.next_interaction_page(response, data, self.parse_reposted_by)

    def parse_thread(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        post: PostItem = response.meta["post"]
        data = self.load_json(response, target.handle)
        if not isinstance(data, dict):
            return
        if response.status == 400:
            if data.get("error") in NOT_FOUND_ERRORS:
                yield TombstoneItem(platform="bluesky", external_id=post.external_id, source_url=response.url,
                                    reason=f"{data.get('error')}: {data.get('message')}")
            else:
                self.report_error(target.handle, response.url, f"thread: {data.get('error')}: {data.get('message')}")
            return
        thread = data.get("thread")
        if isinstance(thread, dict):
            yield from self.walk_replies(thread, post, response.url)

    def walk_replies(self, node: dict[str, Any], parent: PostItem, url: str) -> Iterator[Any]:
        """Comments by declared accounts anywhere in the thread; replies nest (§1.5)."""
        for child in node.get("replies") or []:
            if not isinstance(child, dict) or child.get("$type", THREAD_VIEW) != THREAD_VIEW:
                continue  # blockedPost / notFoundPost
            view = child.get("post")
            reply = post_item(view, url) if isinstance(view, dict) else None
            if reply is None:
                continue
            account_id = self.declared_id(reply.author_external_id, reply.author_handle)
            if account_id is not None:
                yield ActivityItem(
                    platform="bluesky", kind="comment", external_id=reply.external_id, account_id=account_id,
                    post=reply, target=parent, text=act_text(reply), context=act_text(parent), url=reply.url,
                    occurred_at=reply.posted_at, occurred_at_raw=reply.posted_at_raw, source=self.source,
                )
            yield from self.walk_replies(child, reply, url)
