"""A page's own structured data: Open Graph, Twitter cards, JSON-LD, oEmbed links, microdata.

Platforms describe their public posts for link previews and search engines: Open Graph
(``og:title``, ``og:description``, ``og:image``, ``og:url``…), Twitter cards, JSON-LD
(``SocialMediaPosting``, ``VideoObject`` with ``author``, ``dateCreated``, ``interactionStatistic``)
and schema.org microdata (YouTube's ``itemprop`` tags). This module reads them as they are;
:mod:`spiders.capture.post` decides what they say about the post.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

log = logging.getLogger(__name__)

MAX_JSON_LD = 20  # JSON-LD blocks read per page
MAX_JSON_LD_CHARS = 500_000  # one block larger than this is not parsed


@dataclass
class PageData:
    """What a page says about itself, as found."""

    open_graph: dict[str, list[str]] = field(default_factory=dict)  # og:*, article:*, video:*, al:*, instapp:*
    twitter: dict[str, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)  # description, author, keywords…
    canonical: str | None = None
    json_ld: list[dict[str, Any]] = field(default_factory=list)  # flattened: every typed node
    oembed: list[str] = field(default_factory=list)  # oEmbed endpoint URLs the page links
    # itemprop -> values (content, href); a nested item's properties as "author.url", "author.name"
    microdata: dict[str, list[str]] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)  # anchors' absolute hrefs (profile pages: the posts)
    # A post as the platform's own page state describes it (TikTok's __UNIVERSAL_DATA_FOR_REHYDRATION__).
    page_state: dict[str, Any] = field(default_factory=dict)

    def og(self, name: str) -> str | None:
        values = self.open_graph.get(name)
        return values[0] if values else None

    def as_record(self) -> dict[str, Any]:
        record = asdict(self)
        record.pop("links")  # a listing aid, not part of what the page says about the post
        return {k: v for k, v in record.items() if v}


def _nodes(value: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    """Every dict with an ``@type`` in a JSON-LD document (``@graph`` and nested nodes included)."""
    if depth > 8 or len(out) > 200:
        return
    if isinstance(value, list):
        for entry in value:
            _nodes(entry, out, depth + 1)
    elif isinstance(value, dict):
        if "@type" in value:
            out.append(value)
        if "@graph" in value:
            _nodes(value["@graph"], out, depth + 1)


def types_of(node: dict[str, Any]) -> set[str]:
    kinds = node.get("@type")
    names = kinds if isinstance(kinds, list) else [kinds]
    return {str(n).rsplit("/", 1)[-1] for n in names if n}


def read(html: str, base_url: str) -> PageData:
    """The structured data of ``html`` (relative URLs resolved against ``base_url``)."""
    sel = Selector(text=html or "<html></html>", base_url=base_url)
    data = PageData()
    for meta in sel.xpath("//meta"):
        key = (meta.attrib.get("property") or meta.attrib.get("name") or "").strip()
        value = meta.attrib.get("content")
        if not key or value is None:
            continue
        lower = key.lower()
        if lower.startswith(("og:", "article:", "video:", "al:", "instapp:", "music:", "profile:", "fb:")):
            data.open_graph.setdefault(lower, []).append(value.strip())
        elif lower.startswith("twitter:"):
            data.twitter.setdefault(lower, value.strip())
        elif lower in ("description", "author", "keywords", "title", "date", "pubdate"):
            data.meta.setdefault(lower, value.strip())
    for node in sel.xpath("//*[@itemprop]"):
        prop = node.attrib.get("itemprop", "").strip()
        value = node.attrib.get("content") or node.attrib.get("href") or node.attrib.get("datetime")
        if value is None and node.root.tag not in ("meta", "link"):
            value = " ".join(node.xpath("normalize-space(.)").getall()).strip() or None
        if node.attrib.get("itemscope") is not None:
            continue  # a nested item (an author): its own properties follow, named after it
        owner = node.xpath("ancestor::*[@itemscope][@itemprop][1]/@itemprop").get()
        if prop and value:
            data.microdata.setdefault(f"{owner}.{prop}" if owner else prop, []).append(value.strip())
    canonical = sel.xpath("//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href").get()
    data.canonical = urljoin(base_url, canonical.strip()) if canonical else None
    for href in sel.xpath("//link[@type='application/json+oembed' or @type='text/xml+oembed']/@href").getall():
        data.oembed.append(urljoin(base_url, href.strip()))
    for raw in sel.xpath("//script[@type='application/ld+json']/text()").getall()[:MAX_JSON_LD]:
        if len(raw) > MAX_JSON_LD_CHARS:
            continue
        try:
            parsed = json.loads(raw)
        except ValueError:
            log.debug("unreadable JSON-LD block skipped")
            continue
        _nodes(parsed, data.json_ld)
    rehydration = sel.xpath("//script[@id='__UNIVERSAL_DATA_FOR_REHYDRATION__']/text()").get()
    if rehydration and len(rehydration) <= MAX_JSON_LD_CHARS * 4:
        data.page_state = _tiktok_item(rehydration)
    seen: set[str] = set()
    for href in sel.xpath("//a/@href").getall():
        url = urljoin(base_url, href.strip())
        if url.startswith(("http://", "https://")) and url not in seen and len(seen) < 2000:
            seen.add(url)
            data.links.append(url)
    return data



def _tiktok_item(raw: str) -> dict[str, Any]:
    """The video a TikTok page's rehydration data describes: caption, author, time, counts, cover (or nothing)."""
    try:
        state = json.loads(raw)
        detail = state["__DEFAULT_SCOPE__"]["webapp.video-detail"]
        item = detail["itemInfo"]["itemStruct"]
    except (ValueError, KeyError, TypeError):
        return {}
    if not isinstance(item, dict):
        return {}
    author = item.get("author") if isinstance(item.get("author"), dict) else {}
    stats = item.get("stats") if isinstance(item.get("stats"), dict) else {}
    video = item.get("video") if isinstance(item.get("video"), dict) else {}
    counts = {name: stats[key] for key, name in (("diggCount", "likes"), ("commentCount", "comments"),
                                                 ("shareCount", "shares"), ("playCount", "views"))
              if isinstance(stats.get(key), int)}
    found = {"id": item.get("id"), "text": item.get("desc"), "author_handle": author.get("uniqueId"),
             "author_name": author.get("nickname"), "created": item.get("createTime"), "counts": counts,
             "cover": video.get("cover"), "video": bool(video)}
    return {k: v for k, v in found.items() if v not in (None, "", {})}
