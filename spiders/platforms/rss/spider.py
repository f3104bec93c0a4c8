"""RSS 2.0 and Atom feeds, including YouTube channel feeds (``yt:`` and ``media:`` namespaces).

References are to ``docs/platform-formats.md`` §4. A declared ``youtube``
account's handle is its channel id (``UC…``) or its feed URL; an ``rss``
account's handle is the feed URL. Feeds are fetched with conditional GET
(``If-None-Match`` / ``If-Modified-Since`` from the last run), and robots.txt
is obeyed: unlike the platform APIs, feeds are web resources.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import lxml.html
from lxml import etree
from scrapy.http import Response

from spiders.base import NetraSpider, Target
from spiders.items import ActivityItem, CrawlCheckpointItem, PostItem, parse_time

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "yt": "http://www.youtube.com/xml/schemas/2015",
    "media": "http://search.yahoo.com/mrss/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
HASHTAG_RE = re.compile(r"(?<![\w#])#(\w{2,})", re.UNICODE)
YOUTUBE = "https://www.youtube.com"


def _text(node: Any, path: str) -> str | None:
    found = node.find(path, NS)
    if found is None:
        return None
    value = "".join(found.itertext()).strip()
    return value or None


def html_text(value: str | None) -> str:
    """Plain text of an HTML description (escaped or CDATA); plain text passes through."""
    if not value:
        return ""
    if "<" not in value:
        return value.strip()
    root = lxml.html.fragment_fromstring(value, create_parent="div")
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return root.text_content().strip()


def rfc822_time(raw: str | None) -> Any:
    if not raw:
        return None
    try:
        return parse_time(parsedate_to_datetime(raw).isoformat())
    except (TypeError, ValueError):
        return parse_time(raw)


def entry_post(entry: Any, *, atom: bool, platform: str, source_url: str) -> PostItem:
    """One RSS ``item`` or Atom ``entry`` as a PostItem; the id falls back from guid/id to link to a hash."""
    if atom:
        video_id = _text(entry, "yt:videoId")
        guid = video_id or _text(entry, "atom:id")
        link = None
        for node in entry.findall("atom:link", NS):
            if node.get("rel") in (None, "alternate"):
                link = node.get("href")
                break
        title = _text(entry, "atom:title") or ""
        body = _text(entry, "media:group/media:description")
        if body is None:
            content = entry.find("atom:content", NS)
            content = content if content is not None else entry.find("atom:summary", NS)
            if content is not None:
                raw_body = "".join(content.itertext())
                body = html_text(raw_body) if content.get("type") in ("html", "xhtml") else raw_body.strip()
        published_raw = _text(entry, "atom:published") or _text(entry, "atom:updated")
        posted_at = parse_time(published_raw)
        author = _text(entry, "atom:author/atom:name")
        author_id = _text(entry, "yt:channelId") or _text(entry, "atom:author/atom:uri")
        tags = [c.get("term") for c in entry.findall("atom:category", NS) if c.get("term")]
        media = [{"type": "enclosure", "url": n.get("href")} for n in entry.findall("atom:link", NS)
                 if n.get("rel") == "enclosure"]
    else:
        guid = _text(entry, "guid")
        link = _text(entry, "link")
        title = _text(entry, "title") or ""
        body = html_text(_text(entry, "content:encoded") or _text(entry, "description"))
        published_raw = _text(entry, "pubDate")
        posted_at = rfc822_time(published_raw)
        author = _text(entry, "dc:creator") or _text(entry, "author")
        author_id = None
        tags = [c for c in (("".join(n.itertext())).strip() for n in entry.findall("category")) if c]
        media = [{"type": "enclosure", "url": n.get("url")} for n in entry.findall("enclosure") if n.get("url")]
    thumb = entry.find("media:group/media:thumbnail", NS)
    if thumb is None:
        thumb = entry.find("media:thumbnail", NS)
    if thumb is not None and thumb.get("url"):
        media.append({"type": "thumbnail", "url": thumb.get("url")})
    media += [{"type": "media", "url": n.get("url")} for n in entry.findall("media:content", NS)
              if n.get("url") and not atom]
    stats = entry.find("media:group/media:community/media:statistics", NS)
    rating = entry.find("media:group/media:community/media:starRating", NS)
    text = "\n\n".join(p for p in (title, body) if p)
    key = guid or link or hashlib.sha256(f"{title}\n{published_raw}".encode()).hexdigest()
    hashtags = list(dict.fromkeys([*tags, *HASHTAG_RE.findall(text)]))
    extras: dict[str, Any] = {
        "title": title,
        "hashtags": hashtags,
        "links": [link] if link else [],
        "media": media,
        # Counts as of the fetch; they change without the author doing anything, so they are not content.
        "views": stats.get("views") if stats is not None else None,
        "likes": rating.get("count") if rating is not None else None,
    }
    return PostItem(
        platform=platform,
        external_id=key,
        url=link or (key if key.startswith("http") else None),
        author_handle=author,
        author_external_id=author_id,
        text=text,
        extras={k: v for k, v in extras.items() if v not in ([], None, "")},
        posted_at=posted_at,
        posted_at_raw=published_raw,
        raw=etree.tostring(entry, encoding="utf-8"),
        media_type="application/xml",
        source_url=source_url,
        source=f"crawl:{platform}",
    )


class FeedSpider(NetraSpider):
    name = "feed"
    platform = "rss"
    custom_settings = {"ROBOTSTXT_OBEY": True}

    def feed_url(self, target: Target) -> str:
        handle = target.handle.strip()
        if handle.startswith(("http://", "https://")):
            if not self.base_url:
                return handle
            parts = urlsplit(handle)  # a replay or mirror server stands in for every feed host
            return self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        # A YouTube channel id (§4.1): the handle itself, or the id the YouTube API resolved an @handle to.
        channel = target.external_id if handle.startswith("@") else handle
        return f"{self.base_url or YOUTUBE}/feeds/videos.xml?{urlencode({'channel_id': channel})}"

    def platform_of(self, target: Target) -> str:
        handle = target.handle
        return "youtube" if not handle.startswith("http") or "youtube.com/feeds/" in handle else "rss"

    async def start(self) -> Any:
        for target in self.targets:
            if target.handle.startswith("@") and not (target.external_id or "").startswith("UC"):
                # The uploads feed is addressed by channel id; only the Data API resolves an @handle.
                self.report_error(target.handle, None, "a YouTube @handle is read through the YouTube API: set "
                                  "NETRA_YOUTUBE_API_KEY, or declare the channel id (UC…)")
                self.on_target_failed(target)
                continue
            headers = {}
            if target.crawl_state.get("etag"):
                headers["If-None-Match"] = target.crawl_state["etag"]
            if target.crawl_state.get("last_modified"):
                headers["If-Modified-Since"] = target.crawl_state["last_modified"]
            request = self.request(self.feed_url(target), self.parse_feed, target, errors_ok=(304,),
                                   expect_json=False)
            yield request.replace(headers=headers)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        if response.status == 304:
            self.crawler.stats.inc_value("netra/feeds_not_modified")
            return
        try:
            root = etree.fromstring(response.body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            self.report_error(target.handle, response.url, f"not a well-formed feed: {exc}")
            self.on_target_failed(target)
            return
        atom = root.tag == f"{{{NS['atom']}}}feed"
        if atom:
            entries = root.findall("atom:entry", NS)
        elif root.tag == "rss":
            entries = root.findall("channel/item")
        else:
            self.report_error(target.handle, response.url, f"not an RSS or Atom document (root <{root.tag}>)")
            self.on_target_failed(target)
            return
        platform = self.platform_of(target)

        def read(entry: Any) -> Iterator[Any]:
            post = entry_post(entry, atom=atom, platform=platform, source_url=response.url)
            if target.role == "watched" or target.account_id is None:
                yield post
                return
            yield ActivityItem(
                platform=platform, kind="post", external_id=post.external_id, account_id=target.account_id,
                post=post, text=post.text, url=post.url, occurred_at=post.posted_at,
                occurred_at_raw=post.posted_at_raw, source=post.source,
            )

        yield from self.each_record(target, response.url, entries, read, raw_of=etree.tostring)
        state = {
            "etag": response.headers.get(b"ETag", b"").decode("latin-1") or None,
            "last_modified": response.headers.get(b"Last-Modified", b"").decode("latin-1") or None,
        }
        if target.handle not in self.failed_handles and any(state.values()):
            yield CrawlCheckpointItem(platform=platform, handle=target.handle, crawl_state=state, **target.ids)
