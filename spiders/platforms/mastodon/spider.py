"""Mastodon: declared accounts' statuses, replies, boosts and follows of watched accounts; declared
accounts' favourites, boosts and replies on watched (candidate) statuses. Public REST API, no login.

References are to ``docs/platform-formats.md`` §2. Every account is read on
its home server (the domain of its ``acct``), because other servers hold only
partial copies under other ids. A base URL override (setting
``mastodon_base_url`` or ``--base-url``) sends every host's requests to one
server — a replay server or a self-hosted instance — and rewrites the hosts
in ``Link`` headers to match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import lxml.html
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

LINK_RE = re.compile(r'<([^>]+)>\s*;\s*rel="?([^",;]+)"?')
RECHECK_LIMIT = 20  # one request each, against a budget of 300 requests / 5 min per IP (§2.5)


def parse_link_header(value: str | None) -> dict[str, str]:
    """``Link: <url>; rel="next", <url>; rel="prev"`` -> {"next": url, "prev": url}."""
    return {rel: url for url, rel in LINK_RE.findall(value or "")}


def split_acct(handle: str) -> tuple[str, str | None]:
    """``@user@host`` / ``user@host`` -> (user, host); a bare ``user`` has no host."""
    user, _, host = handle.strip().lstrip("@").partition("@")
    return user, host or None


def html_to_text(content: str | None) -> tuple[str, list[str]]:
    """Plain text of sanitized status HTML (paragraphs, line breaks, every span's text) and its link targets.

    Mastodon splits long links into invisible/ellipsis spans; keeping every
    span's text restores the full URL in the text (§2.3).
    """
    if not content or not content.strip():
        return "", []
    root = lxml.html.fragment_fromstring(content, create_parent="div")
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    paragraphs = root.findall("p") or [root]
    text = "\n\n".join(p.text_content().strip() for p in paragraphs).strip()
    links = []
    for anchor in root.iter("a"):
        classes = (anchor.get("class") or "").split()
        if "mention" in classes or "hashtag" in classes or anchor.get("rel") == "tag":
            continue
        if anchor.get("href"):
            links.append(anchor.get("href"))
    return text, links


def is_newer(a: str, b: str | None) -> bool:
    """Status ids are numeric strings too large for floats elsewhere; compare them as big integers."""
    if b is None:
        return True
    try:
        return int(a) > int(b)
    except ValueError:
        return a > b


class MastodonSpider(NetraSpider):
    name = "mastodon"
    platform = "mastodon"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.base_url = self.base_url or (get_settings().mastodon_base_url or "").rstrip("/") or None
        self.declared = {k.lstrip("@"): v for k, v in self.declared.items()}

    # ------------------------------------------------------------ addresses

    def api(self, host: str, path: str, **params: Any) -> str:
        base = self.base_url or f"https://{host}"
        query = urlencode([(k, str(v)) for k, v in params.items() if v is not None])
        return f"{base}{path}" + (f"?{query}" if query else "")

    def follow_link(self, url: str) -> str:
        """A ``Link`` header URL, moved to the override server when there is one."""
        if not self.base_url:
            return url
        parts = urlsplit(url)
        return self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")

    def account_keys(self, account: dict[str, Any], host: str) -> list[str]:
        """Every way a declared account may be named: its uri, its page, and user@home-host."""
        keys = [account.get("uri"), account.get("url")]
        acct = str(account.get("acct") or "")
        if "@" in acct:
            keys.append(acct)
        else:
            home = urlsplit(account.get("url") or account.get("uri") or "").hostname or host
            keys.append(f"{acct}@{home}")
        return [k for k in keys if k]

    # ------------------------------------------------------------- identity

    async def start(self) -> Any:
        for target in self.targets:
            user, host = split_acct(target.handle)
            if host is None:
                self.report_error(target.handle, None, "Mastodon handle needs its server: user@host")
                continue
            yield self.request(self.api(host, "/api/v1/accounts/lookup", acct=user), self.parse_lookup, target,
                               errors_ok=(401, 404, 410), host=host)

    def parse_lookup(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        host: str = response.meta["host"]
        data = self.load_json(response, target.handle)
        if data is None:
            return
        if response.status != 200 or not isinstance(data, dict) or data.get("suspended"):
            state = "suspended" if response.status == 410 or (isinstance(data, dict) and data.get("suspended")) \
                else "not_found"
            message = data.get("error") if isinstance(data, dict) else None
            self.report_error(target.handle, response.url, f"account {state}: HTTP {response.status} {message or ''}")
            yield AccountStateItem(platform="mastodon", handle=target.handle, state=state, reason=message,
                                   source_url=response.url, **target.ids)
            return
        local_id, uri = data.get("id"), data.get("uri")
        if not isinstance(local_id, str) or not isinstance(uri, str):
            self.report_error(target.handle, response.url, "account without id or uri")
            return
        target.external_id = uri
        labels = [{"noindex": data.get("noindex"), "indexable": data.get("indexable")}]
        yield AccountStateItem(platform="mastodon", handle=target.handle, external_id=uri, state="active",
                               labels=labels, source_url=response.url, **target.ids)
        if target.role == "declared":
            known = target.account_id or self.declared.get(target.handle.lower().lstrip("@"))
            if known is not None:
                self.declared[uri.lower()] = known
        yield from self.start_readings(target, host, local_id)
        if target.role == "declared" and not data.get("hide_collections"):
            # An account that hides its network lists no follows to anyone; nothing to read, nothing to judge.
            yield self.following_request(self.api(host, f"/api/v1/accounts/{local_id}/following", limit=80),
                                         target, host, page=1, found={}, first_url=None)
            for uri_ in target.recheck_ids[:RECHECK_LIMIT]:
                status_id = uri_.rstrip("/").rsplit("/", 1)[-1]
                if status_id.isdigit() and urlsplit(uri_).hostname == host:
                    yield self.request(self.api(host, f"/api/v1/statuses/{status_id}"), self.parse_recheck, target,
                                       errors_ok=(404, 410), host=host, uri=uri_)

    # -------------------------------------------------------------- statuses
    # The main reading goes forward from the saved newest id (``min_id``, following rel="prev",
    # §2.2): each page is the one just above the last, so wherever it stops, all below it was
    # read and the resume point may move there. A first crawl has no saved id: it reads backward
    # from the newest (rel="next"), and if the page cap stops it, ``backfill_max_id`` remembers
    # where the rest of the history continues, read by later runs until it ends.

    def start_readings(self, target: Target, host: str, local_id: str) -> Iterator[scrapy.Request]:
        state = target.crawl_state if target.role == "declared" else {}
        newest = state.get("newest_id") if isinstance(state.get("newest_id"), str) else None
        path = f"/api/v1/accounts/{local_id}/statuses"
        limit = self.settings.getint("NETRA_PAGE_SIZE")
        yield self.statuses_request(self.api(host, path, limit=limit, min_id=newest), target, host,
                                    reading="forward" if newest else "backward", page=1, top=newest, edge=None)
        backfill = state.get("backfill_max_id")
        if isinstance(backfill, str) and backfill:
            yield self.statuses_request(self.api(host, path, limit=limit, max_id=backfill), target, host,
                                        reading="backfill", page=1, top=None, edge=None)

    def statuses_request(self, url: str, target: Target, host: str, *, reading: str, page: int, top: str | None,
                         edge: str | None) -> scrapy.Request:
        return self.request(url, self.parse_statuses, target, host=host, reading=reading, page=page, top=top,
                            edge=edge)

    def parse_statuses(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        host: str = response.meta["host"]
        reading: str = response.meta["reading"]
        data = self.load_json(response, target.handle)
        if data is None:
            return
        if not isinstance(data, list):
            self.report_error(target.handle, response.url, "statuses page is not a list")
            self.on_target_failed(target)
            return
        ids = [s["id"] for s in data if isinstance(s, dict) and isinstance(s.get("id"), str) and s["id"].isdigit()]
        page_max = max(ids, key=int) if ids else None
        page_min = min(ids, key=int) if ids else None
        top = response.meta["top"]
        if page_max and is_newer(page_max, top):
            top = page_max

        def read(status: Any) -> Iterator[Any]:
            if not isinstance(status, dict) or not isinstance(status.get("uri"), str):
                raise ValueError("status without a uri")
            if target.role == "declared":
                yield from self.declared_status(target, status, host, response.url)
            else:
                yield from self.watched_status(target, status, host, response.url)

        yield from self.each_record(target, response.url, data, read)
        edge = response.meta["edge"]
        forward = reading == "forward"
        if ids and edge and (int(page_min) <= int(edge) if forward else int(page_max) >= int(edge)):  # type: ignore[arg-type]
            self.report_error(target.handle, response.url, "page repeats statuses of the previous page: stopped "
                              "reading this account")
            self.on_target_failed(target)
            return
        links = parse_link_header(response.headers.get(b"Link", b"").decode("latin-1"))
        following = links.get("prev") if forward else links.get("next")
        page = response.meta["page"]
        declared = target.role == "declared"
        limit = self.settings.getint("NETRA_MAX_PAGES" if declared else "NETRA_WATCHED_PAGES")
        more = bool(data) and bool(following)
        if more and page < limit:
            yield self.statuses_request(self.follow_link(following), target, host, reading=reading, page=page + 1,
                                        top=top, edge=page_max if forward else page_min)
            return
        if not declared:
            return
        checkpoint = CrawlCheckpointItem(platform="mastodon", handle=target.handle, **target.ids)
        if reading != "backfill" and top:
            checkpoint.advance["newest_id"] = top
        if more:
            self.report_error(target.handle, response.url, f"page cap of {limit} pages reached: the next crawl reads "
                              "on from here")
            self.incomplete_handles.add(target.handle)
            if reading != "forward":  # going back in history: continue below the oldest status read
                checkpoint.crawl_state["backfill_max_id"] = page_min or response.meta["edge"]
        elif reading == "backfill":
            checkpoint.crawl_state["backfill_max_id"] = None  # the whole history was read
        yield checkpoint

    def status_post(self, status: dict[str, Any], url: str, *, partial: bool = False) -> PostItem:
        text, links = html_to_text(status.get("content"))
        account = status.get("account") if isinstance(status.get("account"), dict) else {}
        media = [m for m in status.get("media_attachments") or [] if isinstance(m, dict)]
        extras: dict[str, Any] = {
            "hashtags": [t.get("name") for t in status.get("tags") or [] if isinstance(t, dict) and t.get("name")],
            "mentions": [m.get("url") or m.get("acct") for m in status.get("mentions") or [] if isinstance(m, dict)],
            "links": links,
            "alt_texts": [m["description"] for m in media if m.get("description")],
            "media": [{"type": m.get("type"), "url": m.get("remote_url") or m.get("url"),
                       "alt": m.get("description") or ""} for m in media],
            "spoiler_text": status.get("spoiler_text") or "",
            "visibility": status.get("visibility"),
            "local_id": status.get("id"),
            "in_reply_to_id": status.get("in_reply_to_id"),
        }
        if isinstance(status.get("card"), dict):
            extras["card"] = {k: status["card"].get(k) for k in ("url", "title", "description")}
        acct = str(account.get("acct") or "")
        return PostItem(
            platform="mastodon",
            external_id=status["uri"],
            url=status.get("url") or status["uri"],
            author_handle=acct if "@" in acct or not account.get("url") else
            f"{acct}@{urlsplit(account['url']).hostname}",
            author_external_id=account.get("uri"),
            text=text,
            extras={k: v for k, v in extras.items() if v not in ([], None, "")},
            lang=status.get("language"),
            posted_at=parse_time(status.get("created_at")),
            posted_at_raw=status.get("created_at"),
            version=status.get("edited_at"),
            partial=partial,
            raw=raw_json(status),
            source_url=url,
            source=self.source,
        )

    @staticmethod
    def act_text(post: PostItem) -> str:
        """Content warning, text and image descriptions: all written by the author (§2.3)."""
        parts = [post.extras.get("spoiler_text") or "", post.text or "", *(post.extras.get("alt_texts") or [])]
        return "\n".join(p for p in parts if p).strip()

    def declared_status(self, target: Target, status: dict[str, Any], host: str, url: str) -> Iterator[Any]:
        reblog = status.get("reblog")
        if isinstance(reblog, dict) and isinstance(reblog.get("uri"), str):
            original = self.status_post(reblog, url)
            yield ActivityItem(
                platform="mastodon", kind="share", external_id=original.external_id, account_id=target.account_id,
                account_external_id=target.external_id, target=original, context=self.act_text(original),
                url=original.url, occurred_at=parse_time(status.get("created_at")),
                occurred_at_raw=status.get("created_at"), raw=raw_json(status), source_url=url, source=self.source,
            )
            return
        post = self.status_post(status, url)
        parent_id = status.get("in_reply_to_id")
        if isinstance(parent_id, str) and parent_id:
            # The comment's context is the status it answers: fetch it from the same server.
            request = self.request(self.api(host, f"/api/v1/statuses/{parent_id}"), self.parse_parent, target,
                                   errors_ok=(404, 410), host=host, post=post)
            yield request.replace(errback=self.on_parent_error)
            return
        yield self.own_activity(target, post, None)

    def own_activity(self, target: Target, post: PostItem, parent: PostItem | None) -> ActivityItem:
        kind = "comment" if post.extras.get("in_reply_to_id") else "post"
        if parent is not None:
            post.parent_external_id = parent.external_id
        return ActivityItem(
            platform="mastodon", kind=kind, external_id=post.external_id, account_id=target.account_id,
            account_external_id=target.external_id, post=post, target=parent, text=self.act_text(post),
            context=self.act_text(parent) if parent else None, url=post.url, occurred_at=post.posted_at,
            occurred_at_raw=post.posted_at_raw, source=self.source,
        )

    def parse_parent(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        post: PostItem = response.meta["post"]
        parent = None
        if response.status == 200:
            data = self.load_json(response, target.handle)
            if isinstance(data, dict) and isinstance(data.get("uri"), str):
                parent = self.status_post(data, response.url, partial=True)
        # A parent that is gone or private still leaves the comment itself to store.
        yield self.own_activity(target, post, parent)

    def on_parent_error(self, failure: Any) -> Iterator[Any]:
        """The parent could not be read: report it, and still store the comment (without its context)."""
        request = failure.request
        target: Target = request.meta["target"]
        self.report_error(target.handle, request.url, f"parent status: {type(failure.value).__name__}: "
                          f"{failure.getErrorMessage()}")
        yield self.own_activity(target, request.meta["post"], None)

    def parse_recheck(self, response: Response) -> Iterator[Any]:
        """An own status re-read: an edit is stored as a new version, a 404/410 becomes a tombstone (§2.4)."""
        target: Target = response.meta["target"]
        if response.status in (404, 410):
            yield TombstoneItem(platform="mastodon", external_id=response.meta["uri"], source_url=response.url,
                                reason=f"HTTP {response.status}")
            return
        data = self.load_json(response, target.handle)
        if isinstance(data, dict) and data.get("uri") == response.meta["uri"]:
            yield self.own_activity(target, self.status_post(data, response.url), None)

    # ------------------------------------------------------------- follows

    def following_request(self, url: str, target: Target, host: str, *, page: int, found: dict[str, str],
                          first_url: str | None) -> scrapy.Request:
        return self.request(url, self.parse_following, target, errors_ok=(401, 403, 404, 410), host=host, page=page,
                            found=found, first_url=first_url or url)

    def parse_following(self, response: Response) -> Iterator[Any]:
        """Whom a declared account follows (``Link`` paging): each watched account is a ``follow`` act.

        No follow time is public; an account that hides its network answers an empty list or 403,
        which says nothing about unfollows.
        """
        target: Target = response.meta["target"]
        host: str = response.meta["host"]
        if response.status != 200:
            self.crawler.stats.inc_value("netra/follows_hidden")
            return
        data = self.load_json(response, target.handle)
        if data is None:
            return
        if not isinstance(data, list):
            self.report_error(target.handle, response.url, "following page is not a list")
            self.on_target_failed(target)
            return
        found: dict[str, str] = dict(response.meta["found"])

        def read(account: Any) -> Iterator[Any]:
            if not isinstance(account, dict) or not isinstance(account.get("uri"), str):
                raise ValueError("followed account without a uri")
            keys = self.account_keys(account, host)
            if self.watched_id(*keys) is None:
                return
            acct = keys[-1]
            found[account["uri"]] = acct
            bio, _links = html_to_text(account.get("note") if isinstance(account.get("note"), str) else None)
            yield self.follow_activity(
                target, followed_id=account["uri"], handle=acct,
                name=account.get("display_name") if isinstance(account.get("display_name"), str) else None,
                bio=bio, url=account.get("url") if isinstance(account.get("url"), str) else account["uri"],
                record=account, source_url=response.url)

        yield from self.each_record(target, response.url, data, read)
        following = parse_link_header(response.headers.get(b"Link", b"").decode("latin-1")).get("next")
        page, cap = response.meta["page"], self.settings.getint("NETRA_FOLLOW_PAGES")
        if following and data and page < cap:
            yield self.following_request(self.follow_link(following), target, host, page=page + 1, found=found,
                                         first_url=response.meta["first_url"])
            return
        complete = not (following and data)
        if not complete:
            self.report_error(target.handle, response.url, f"following: page cap of {cap} pages reached; "
                              "unfollows are not judged on a list not read to the end")
            self.incomplete_handles.add(target.handle)
        if not data and page == 1 and response.meta["found"] == {} and target.crawl_state.get("follows"):
            # An empty first page where follows were seen: the account may have hidden its network.
            self.crawler.stats.inc_value("netra/follows_hidden")
            return
        yield from self.end_follow_reading(target, found, response.meta["first_url"], complete=complete)

    # ---------------------------------------------------- watched candidates

    def watched_status(self, target: Target, status: dict[str, Any], host: str, url: str) -> Iterator[Any]:
        if status.get("reblog") or not isinstance(status.get("id"), str):
            return
        post = self.status_post(status, url)
        yield post
        for path, callback in (("favourited_by", self.parse_favourited_by), ("reblogged_by", self.parse_reblogged_by)):
            yield self.request(self.api(host, f"/api/v1/statuses/{status['id']}/{path}", limit=80), callback,
                               target, host=host, post=post)
        yield self.request(self.api(host, f"/api/v1/statuses/{status['id']}/context"), self.parse_context, target,
                           errors_ok=(404, 410), host=host, post=post)

    def interaction_accounts(self, response: Response, callback: Any) -> Iterator[Any]:
        """(account, declared id) of each declared account in a favourited_by/reblogged_by page; then the next page."""
        target: Target = response.meta["target"]
        data = self.load_json(response, target.handle)
        if not isinstance(data, list):
            if data is not None:
                self.report_error(target.handle, response.url, "account list expected")
            return
        for account in data:
            if isinstance(account, dict):
                declared = self.declared_id(*self.account_keys(account, response.meta["host"]))
                if declared is not None:
                    yield account, declared
        following = parse_link_header(response.headers.get(b"Link", b"").decode("latin-1")).get("next")
        if following and data:
            yield self.request(self.follow_link(following), callback, target, host=response.meta["host"],
                               post=response.meta["post"])

    def parse_favourited_by(self, response: Response) -> Iterator[Any]:
        # No favourite time is public: only that it happened (§2.4).
        yield from self.interactions(response, "like", "favourited_by", self.parse_favourited_by)

    def parse_reblogged_by(self, response: Response) -> Iterator[Any]:
        yield from self.interactions(response, "share", "reblogged_by", self.parse_reblogged_by)

    def interactions(self, response: Response, kind: str, relation: str, callback: Any) -> Iterator[Any]:
        """Declared accounts among those who favourited or boosted a watched status, as acts on it."""
        post: PostItem = response.meta["post"]
        for found in self.interaction_accounts(response, callback):
            if isinstance(found, scrapy.Request):
                yield found
                continue
            account, declared = found
            yield ActivityItem(
                platform="mastodon", kind=kind, external_id=post.external_id, account_id=declared, target=post,
                context=self.act_text(post), url=post.url,
                raw=raw_json({"status": post.external_id, relation: account}),
                source_url=response.url, source=self.source,
            )

    def parse_context(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        post: PostItem = response.meta["post"]
        if response.status in (404, 410):
            yield TombstoneItem(platform="mastodon", external_id=post.external_id, source_url=response.url,
                                reason=f"HTTP {response.status}")
            return
        data = self.load_json(response, target.handle)
        if not isinstance(data, dict):
            return
        descendants = [s for s in data.get("descendants") or []
                       if isinstance(s, dict) and isinstance(s.get("uri"), str)]
        # Rebuild the tree with in_reply_to_id: a reply's context is the status it answers (§2.4).
        by_id = {s.get("id"): self.status_post(s, response.url) for s in descendants}
        for status in descendants:
            account = status.get("account") if isinstance(status.get("account"), dict) else {}
            declared = self.declared_id(*self.account_keys(account, response.meta["host"]))
            if declared is None:
                continue
            reply = by_id[status.get("id")]
            parent = by_id.get(status.get("in_reply_to_id")) or post
            reply.parent_external_id = parent.external_id
            yield ActivityItem(
                platform="mastodon", kind="comment", external_id=reply.external_id, account_id=declared, post=reply,
                target=parent, text=self.act_text(reply), context=self.act_text(parent), url=reply.url,
                occurred_at=reply.posted_at, occurred_at_raw=reply.posted_at_raw, source=self.source,
            )
