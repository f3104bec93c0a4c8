"""The fact-check feed spider: fact-checkers' RSS/Atom feeds → each article → its ClaimReview JSON-LD.

Indonesian fact-checkers publish every verdict as an article whose page carries schema.org
``ClaimReview`` markup (the claim, the rating, the article's URL, the date). The spider reads each
configured feed, fetches the articles it lists that are not stored yet, and yields one
:class:`ClaimItem` per ClaimReview found; :class:`spiders.factcheck.pipeline.ClaimPipeline` stores
them. An article without ClaimReview (news, explainers) is skipped and counted. Feeds and articles are
web pages: robots.txt is obeyed. ``--base-url`` sends every request to one server (a mirror, or the
replay server of the tests and the demo) while the claims, and the errors of the crawl run, keep
their own URLs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from scrapy.http import Request, Response

from spiders.base import NetraSpider, Target
from spiders.factcheck.claimreview import ClaimRecord, claims_in_html

ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class ClaimItem:
    """One ClaimReview read from an article, with where it was found."""

    record: ClaimRecord
    feed: str
    article: str
    raw: dict[str, Any] = field(default_factory=dict)


def feed_links(body: bytes, feed_url: str) -> list[str]:
    """The article links of an RSS 2.0 or Atom feed, in feed order; raises ValueError for anything else."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not a well-formed feed: {exc}") from None
    links: list[str] = []
    if root.tag == f"{ATOM}feed":
        for entry in root.iter(f"{ATOM}entry"):
            for node in entry.findall(f"{ATOM}link"):
                if node.get("rel") in (None, "alternate") and node.get("href"):
                    links.append(urljoin(feed_url, node.get("href").strip()))
                    break
    elif root.tag == "rss":
        for item in root.iter("item"):
            link = (item.findtext("link") or "").strip()
            guid = item.find("guid")
            if not link and guid is not None and guid.get("isPermaLink", "true") != "false":
                link = (guid.text or "").strip()
            if link:
                links.append(urljoin(feed_url, link))
    else:
        raise ValueError(f"not an RSS or Atom document (root <{root.tag}>)")
    return list(dict.fromkeys(links))


class FactCheckSpider(NetraSpider):
    name = "factcheck"
    platform = ""  # fact-checkers are no platform whose accounts are declared
    custom_settings = {
        "ROBOTSTXT_OBEY": True,
        # Claims go to the claims store, not to the posts and acts of the ingestion store.
        "ITEM_PIPELINES": {"spiders.factcheck.pipeline.ClaimPipeline": 300},
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Articles whose claims are stored already: a daily crawl fetches only what is new.
        self.known = {u.rstrip("/") for u in self.options.get("known_urls") or []}

    @property
    def source(self) -> str:
        return "crawl:factcheck"

    def fetch_url(self, url: str) -> str:
        """Where to fetch ``url``: itself, or the same path on ``--base-url``."""
        if not self.base_url:
            return url
        parts = urlsplit(url)
        return self.base_url + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def reported_url(self, request: Request) -> str:
        # The article or feed as the fact-checker lists it, as a page's other errors and its claims name it,
        # not the --base-url server it was fetched from.
        target: Target | None = request.meta.get("target")
        return request.meta.get("article") or (target.handle if target else request.url)

    async def start(self) -> Any:
        for target in self.targets:
            yield self.request(self.fetch_url(target.handle), self.parse_feed, target, expect_json=False)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        try:
            links = feed_links(response.body, target.handle)
        except ValueError as exc:
            self.report_error(target.handle, target.handle, str(exc))
            self.on_target_failed(target)
            return
        self.crawler.stats.inc_value("netra/factcheck_feeds_read")
        self.crawler.stats.inc_value("netra/factcheck_articles_listed", len(links))
        for link in links:
            if link.rstrip("/") in self.known:
                self.crawler.stats.inc_value("netra/factcheck_articles_known")
                continue
            yield self.request(self.fetch_url(link), self.parse_article, target, expect_json=False, article=link)

    def parse_article(self, response: Response) -> Iterator[Any]:
        target: Target = response.meta["target"]
        article: str = response.meta["article"]
        try:
            html = response.text
        except AttributeError:
            self.report_error(target.handle, article, "the article is not a text page")
            return
        records, problems = claims_in_html(html, article)
        for problem in problems:
            self.report_error(target.handle, article, problem)
        if not records and not problems:
            self.crawler.stats.inc_value("netra/factcheck_articles_without_claimreview")
        for record in records:
            yield ClaimItem(record=record, feed=target.handle, article=article)
