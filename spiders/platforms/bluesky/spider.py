"""Bluesky: declared accounts' posts, replies, reposts and follows of watched accounts; declared
accounts' likes, reposts and replies on watched (candidate) posts. Public AppView, no login.

References are to ``docs/platform-formats.md`` §1. The spider only parses and
yields items; storage, retries and politeness live in the pipeline,
middlewares and settings.
"""

from __future__ import annotations

import hashlib
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
    clean_text,
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
    for facet in facets if isinstance(facets, list) else []:
        if not isinstance(facet, dict):
            continue
        index = facet.get("index") if isinstance(facet.get("index"), dict) else {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        span = None
        if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(encoded):
            span = encoded[start:end].decode("utf-8", "replace")
        features = facet.get("features") if isinstance(facet.get("features"), list) else []
        for feature in features:
            if not isinstance(feature, dict):
                continue  # a null or scalar feature names nothing
            kind = str(feature.get("$type", "")).rsplit("#", 1)[-1]
            value = {"mention": feature.get("did"), "link": feature.get("uri"), "tag": feature.get("tag")}.get(kind)
            if not isinstance(value, str):
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
        for image in embed.get("images") if isinstance(embed.get("images"), list) else []:
            if not isinstance(image, dict):
                continue
            out["media"].append({"type": "image", "url": image.get("fullsize"), "alt": image.get("alt") or ""})
            if image.get("alt"):
                out["alt_texts"].append(image["alt"])
    elif kind.startswith("app.bsky.embed.video"):
        out["media"].append({"type": "video", "url": embed.get("playlist"), "alt": embed.get("alt") or ""})
        if embed.get("alt"):
            out["alt_texts"].append(embed["alt"])
    elif kind.startswith("app.bsky.embed.external"):
        card = embed.get("external") if isinstance(embed.get("external"), dict) else {}
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
        record = embed.get("record") if isinstance(embed.get("record"), dict) else {}
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
    handle, did = author.get("handle"), author.get("did")
    # Facet offsets count UTF-8 bytes: text with an unpaired surrogate has none until it is made encodable.
    text = clean_text(record["text"]) if isinstance(record.get("text"), str) else ""
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
    parent = reply.get("parent") if isinstance(reply.get("parent"), dict) else {}
    langs = [lang for lang in record.get("langs") or [] if isinstance(lang, str)] \
        if isinstance(record.get("langs"), list) else []
    return PostItem(
        platform="bluesky",
        external_id=uri,
        url=web_url(uri),
        author_handle=handle if isinstance(handle, str) else None,
        author_external_id=did if isinstance(did, str) else None,
        text=text,
        extras=extras,
        lang=langs[0] if langs else None,
        parent_external_id=parent.get("uri") if isinstance(parent.get("uri"), str) else None,
        posted_at=created,
        posted_at_raw=created_raw,
        version=view.get("cid") if isinstance(view.get("cid"), str) else None,
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
        # Accounts whose feed and follows were asked for with their profile: the profile's answer ("active", "gone"
        # or "unreadable") decides their state; a feed's or follows' account-gone answer waits for it (account_answer).
        self.profile_answers: dict[str, str] = {}
        self.pending_gone: dict[str, list[tuple[str, dict[str, Any], str]]] = {}

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
            if target.external_id and not self.shared_queue:
                # The DID is known: reading the feed and follows needs nothing from the profile, so they leave
                # with it instead of one round trip later (bench/crawl.py: on one host with 16 requests in flight
                # the chained requests queued on round trips). A gone account answers each of them alike;
                # account_gone reports it once. Not from a shared queue: the profile's answer, which decides,
                # may reach another worker than the feed's.
                yield self.profile_request(target, readings_sent=True)
                for request in self.account_requests(target):
                    request.meta["profile_decides"] = True
                    yield request
            elif target.external_id:
                yield self.profile_request(target)
            else:
                yield self.request(self.xrpc("com.atproto.identity.resolveHandle", handle=target.handle),
                                   self.parse_resolve, target, errors_ok=(400,))

    # ------------------------------------------------------------- identity

    def profile_request(self, target: Target, *, readings_sent: bool = False) -> scrapy.Request:
        return self.request(self.xrpc("app.bsky.actor.getProfile", actor=target.external_id or target.handle),
                            self.parse_profile, target, errors_ok=(400,), readings_sent=readings_sent)

    def parse_resolve(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        data = self.load_json(response, target.handle)
        if data is None:
            return
        if response.status == 400 or not isinstance(data.get("did"), str):
            yield from self.account_gone(target, response.url, data, "not_found")
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
            if response.meta.get("profile_decides"):
                # Sent with the profile request (start_requests_for_targets): the profile's answer names the
                # account's state, whichever arrives first; this one counts only if the profile said it is active.
                answered = self.profile_answers.get(target.handle)
                if answered is None:
                    self.pending_gone.setdefault(target.handle, []).append((response.url, data, state))
                if answered != "active":
                    return target, None, []
            return target, None, list(self.account_gone(target, response.url, data, state))
        return target, data, []

    def parse_profile(self, response: Response) -> Iterator[Any]:
        target, data, gone = self.account_answer(response)
        yield from gone
        self.profile_answers[target.handle] = "active" if data is not None else \
            "gone" if response.status == 400 else "unreadable"
        pending = self.pending_gone.pop(target.handle, None)
        if data is None:
            return
        did = data.get("did")
        if not isinstance(did, str):
            self.report_error(target.handle, response.url, "profile without a did")
            for url, answer, state in pending or []:
                yield from self.account_gone(target, url, answer, state)
            return
        target.external_id = did
        yield AccountStateItem(platform="bluesky", handle=target.handle, external_id=did, state="active",
                               labels=data.get("labels") or [], source_url=response.url, **target.ids)
        for url, answer, state in pending or []:
            # The feed or follows, asked with the profile, said the account is gone and the profile that it is not
            # (taken down in between): as when they are asked after the profile, their answer is the later word.
            yield from self.account_gone(target, url, answer, state)
        known = target.account_id or self.declared.get(target.handle.lower())
        if target.role == "declared" and known is not None:
            self.declared[did.lower()] = known
        if not response.meta.get("readings_sent"):
            yield from self.account_requests(target)
        if target.role == "declared" and target.recheck_ids:
            # After the profile, never with it: getPosts leaves out every post of a suspended account, and those
            # posts must not be tombstoned as deleted by their author.
            for start in range(0, len(target.recheck_ids), GET_POSTS_BATCH):
                batch = target.recheck_ids[start:start + GET_POSTS_BATCH]
                yield self.request(self.xrpc("app.bsky.feed.getPosts", uris=batch), self.parse_recheck, target,
                                   uris=batch)

    def account_requests(self, target: Target) -> Iterator[scrapy.Request]:
        """What is read of an account once its DID is known: its feed, and a declared account's follows."""
        yield from self.start_readings(target)
        if target.role == "declared":
            yield self.follows_request(target, cursor=None, page=1, seen=frozenset(), found={})

    def account_gone(self, target: Target, url: str, data: dict[str, Any], state: str) -> Iterator[Any]:
        error = f"{data.get('error')}: {data.get('message')}"
        self.report_error(target.handle, url, f"account {state}: {error}")
        yield AccountStateItem(platform="bluesky", handle=target.handle, state=state, reason=error,
                               source_url=url, **target.ids)

    # ------------------------------------------------------------ author feed
    # A feed is read newest first. A *reading* goes from a cursor (none: the newest entry) down to
    # ``until``, where an earlier reading began, or to the feed's end. Every run starts one reading
    # at the top and continues each gap that an earlier, page-capped reading left; when a reading
    # ends it sends the change of the resume point (spiders.items.CrawlCheckpointItem), so the
    # point only ever covers what was read, and a reading that fails changes nothing.

    def start_readings(self, target: Target) -> Iterator[scrapy.Request]:
        state = target.crawl_state if target.role == "declared" else {}
        until = state.get("newest_sort_at") if isinstance(state.get("newest_sort_at"), str) else None
        yield self.feed_request(target, {"id": "top", "until": until, "top": None}, cursor=None)
        gaps = state.get("gaps") if isinstance(state.get("gaps"), dict) else {}
        for gap_id, gap in gaps.items():
            if isinstance(gap, dict) and isinstance(gap.get("cursor"), str):
                yield self.feed_request(target, {"id": gap_id, "until": gap.get("until"), "top": None},
                                        cursor=gap["cursor"])

    def feed_request(self, target: Target, reading: dict[str, Any], *, cursor: str | None, page: int = 1,
                     empty_pages: int = 0, seen_cursors: frozenset[str] = frozenset(),
                     oldest: str | None = None) -> scrapy.Request:
        url = self.xrpc("app.bsky.feed.getAuthorFeed", actor=target.external_id,
                        limit=self.settings.getint("NETRA_PAGE_SIZE"), filter="posts_with_replies", cursor=cursor)
        return self.request(url, self.parse_feed, target, errors_ok=(400,), reading=reading, cursor=cursor,
                            page=page, empty_pages=empty_pages, seen_cursors=seen_cursors, oldest=oldest)

    def cursor_refused(self, response: Response, data: dict[str, Any]) -> bool:
        """A 400 about the cursor (it expired or was never valid) is not an account that is gone."""
        message = f"{data.get('error')} {data.get('message')}".lower()
        return bool(response.meta["cursor"]) and "cursor" in message

    def parse_feed(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        reading: dict[str, Any] = response.meta["reading"]
        if response.status == 400:
            data = self.load_json(response, target.handle)
            if isinstance(data, dict) and self.cursor_refused(response, data):
                yield from self.restart_reading(target, reading, response, data)
                return
        target, data, gone = self.account_answer(response)
        yield from gone
        if data is None:
            return
        feed = data.get("feed") if isinstance(data.get("feed"), list) else []
        until = reading["until"]
        ceiling = self.capture_time().isoformat(timespec="microseconds")
        top, page_oldest, reached_known = reading["top"], None, False
        unread = []
        for entry in feed:
            sort_at = self.sort_time(entry)
            if sort_at:
                sort_at = min(sort_at, ceiling)  # a future timestamp must not carry the resume point past now
                top = max(top or sort_at, sort_at)
                page_oldest = min(page_oldest or sort_at, sort_at)
            if until and sort_at and sort_at <= until:
                reached_known = True  # newest first: everything from here on was read by an earlier reading
                continue
            unread.append(entry)
        read = self.declared_entry if target.role == "declared" else self.watched_entry
        yield from self.each_record(target, response.url, unread, lambda entry: read(target, entry, response.url))

        previous_oldest = response.meta["oldest"]
        if unread and previous_oldest and page_oldest and page_oldest >= previous_oldest:
            self.report_error(target.handle, response.url, "page repeats entries of the previous page under a new "
                              "cursor: stopped reading this account")
            self.on_target_failed(target)
            return
        cursor = data.get("cursor") if isinstance(data.get("cursor"), str) and data.get("cursor") else None
        page, seen = response.meta["page"], response.meta["seen_cursors"]
        empty_pages = response.meta["empty_pages"] + 1 if not feed else 0
        declared = target.role == "declared"
        max_pages = self.settings.getint("NETRA_MAX_PAGES" if declared else "NETRA_WATCHED_PAGES")
        if cursor and cursor in seen | {response.meta["cursor"]}:
            self.report_error(target.handle, response.url, f"cursor {cursor!r} repeated: stopped paging")
            self.on_target_failed(target)
            return
        more = bool(cursor) and not reached_known and empty_pages < 2
        if more and page < max_pages:
            yield self.feed_request(target, {**reading, "top": top}, cursor=cursor, page=page + 1,
                                    empty_pages=empty_pages, seen_cursors=seen | {cursor},
                                    oldest=page_oldest or previous_oldest)
            return
        if declared:
            yield from self.end_reading(target, reading, top, response.url, next_cursor=cursor if more else None,
                                        max_pages=max_pages)

    def end_reading(self, target: Target, reading: dict[str, Any], top: str | None, url: str, *,
                    next_cursor: str | None, max_pages: int) -> Iterator[Any]:
        """The resume point's change when a reading ended: at ``until`` or the feed's end, or at the page cap."""
        checkpoint = CrawlCheckpointItem(platform="bluesky", handle=target.handle, **target.ids)
        if reading["id"] == "top" and top:
            checkpoint.advance["newest_sort_at"] = top
        if next_cursor is None:
            if reading["id"] != "top":
                checkpoint.gaps_remove.append(reading["id"])
        else:
            self.report_error(target.handle, url, f"page cap of {max_pages} pages reached: the next crawl reads on "
                              "from here")
            self.incomplete_handles.add(target.handle)
            gap_id = reading["id"] if reading["id"] != "top" else "g" + hashlib.sha256(
                f"{next_cursor}|{reading['until']}".encode()).hexdigest()[:12]
            checkpoint.gaps_set[gap_id] = {"cursor": next_cursor, "until": reading["until"]}
        yield checkpoint

    def restart_reading(self, target: Target, reading: dict[str, Any], response: Response,
                        data: dict[str, Any]) -> Iterator[Any]:
        """A gap's saved cursor is refused: read that gap again from the newest entry, once."""
        refusal = f"{data.get('error')}: {data.get('message')}"
        if reading["id"] == "top" or reading.get("restarted"):
            self.report_error(target.handle, response.url, f"cursor refused ({refusal}): stopped reading")
            self.on_target_failed(target)
            return
        self.report_error(target.handle, response.url, f"saved cursor refused ({refusal}): reading this gap again "
                          "from the newest entry")
        self.incomplete_handles.add(target.handle)
        # The same address as this run's top reading: it must not be dropped as a duplicate request.
        yield self.feed_request(target, {**reading, "restarted": True}, cursor=None).replace(dont_filter=True)

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
            raise ValueError("feed item without a post uri")
        reason = entry.get("reason") if isinstance(entry.get("reason"), dict) else None
        if reason and reason.get("$type") == REASON_REPOST:
            yield ActivityItem(
                platform="bluesky", kind="share", external_id=post.external_id, account_id=target.account_id,
                account_external_id=target.external_id, target=post, context=act_text(post), url=post.url,
                occurred_at=parse_time(reason.get("indexedAt")), occurred_at_raw=reason.get("indexedAt"),
                raw=raw_json(entry), source_url=url, source=self.source,
            )
            return
        if post.author_external_id is None:
            raise ValueError("post without its author's did: cannot tell whose act it is")
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

    # ------------------------------------------------------------- follows

    def follows_request(self, target: Target, *, cursor: str | None, page: int, seen: frozenset[str],
                        found: dict[str, str]) -> scrapy.Request:
        url = self.xrpc("app.bsky.graph.getFollows", actor=target.external_id, limit=100, cursor=cursor)
        return self.request(url, self.parse_follows, target, errors_ok=(400,), cursor=cursor, page=page,
                            seen_cursors=seen, found=found, first_url=url if cursor is None else None)

    def parse_follows(self, response: Response) -> Iterator[Any]:
        """Whom a declared account follows (newest first): each watched account is a ``follow`` act.

        getFollows lists profile views, not the follow records, so no follow time is given (§1).
        """
        target, data, gone = self.account_answer(response)
        yield from gone
        if data is None:
            return
        found: dict[str, str] = dict(response.meta["found"])
        first_url = response.meta.get("first_url") or response.url

        def read(profile: Any) -> Iterator[Any]:
            if not isinstance(profile, dict) or not isinstance(profile.get("did"), str):
                raise ValueError("followed profile without a did")
            handle = profile.get("handle") if isinstance(profile.get("handle"), str) else None
            if self.watched_id(profile["did"], handle) is None:
                return
            found[profile["did"]] = handle or profile["did"]
            yield self.follow_activity(
                target, followed_id=profile["did"], handle=handle,
                name=profile.get("displayName") if isinstance(profile.get("displayName"), str) else None,
                bio=profile.get("description") if isinstance(profile.get("description"), str) else None,
                url=f"https://bsky.app/profile/{profile['did']}", record=profile, source_url=response.url)

        follows = data.get("follows") if isinstance(data.get("follows"), list) else []
        yield from self.each_record(target, response.url, follows, read)
        cursor = data.get("cursor") if isinstance(data.get("cursor"), str) and data.get("cursor") else None
        seen = response.meta["seen_cursors"] | ({response.meta["cursor"]} if response.meta["cursor"] else set())
        if cursor and cursor in seen:
            self.report_error(target.handle, response.url, f"cursor {cursor!r} repeated: stopped paging")
            self.on_target_failed(target)
            return
        page, cap = response.meta["page"], self.settings.getint("NETRA_FOLLOW_PAGES")
        if cursor and follows and page < cap:
            request = self.follows_request(target, cursor=cursor, page=page + 1, seen=seen, found=found)
            request.meta["first_url"] = first_url
            yield request
            return
        complete = not (cursor and follows)
        if not complete:
            self.report_error(target.handle, response.url, f"follows: page cap of {cap} pages reached; unfollows "
                              "are not judged on a list not read to the end")
            self.incomplete_handles.add(target.handle)
        yield from self.end_follow_reading(target, found, first_url, complete=complete)

    # ---------------------------------------------------- watched candidates

    def watched_entry(self, target: Target, entry: Any, url: str) -> Iterator[Any]:
        post_view = entry.get("post") if isinstance(entry, dict) else None
        post = post_item(post_view, url) if isinstance(post_view, dict) else None
        if post is None:
            raise ValueError("feed item without a post uri")
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
