"""A fact-checker's site as the replay server serves it: an RSS feed and article pages with ClaimReview JSON-LD.

Tests and the demo describe articles in plain terms (:class:`Article`); :class:`FactCheckSite`
writes them the way Indonesian fact-check sites publish: a WordPress-style RSS 2.0 feed, and per
article an HTML page whose ``<script type="application/ld+json">`` holds the ``ClaimReview``
(inside an ``@graph`` with the article itself, as SEO plugins write it). Article links carry the
site's own URL; the spider fetches them from the replay server through ``--base-url``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from email.utils import format_datetime
from html import escape
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from spiders.replay import ReplayServer, Reply

WIB = ZoneInfo("Asia/Jakarta")


@dataclass
class Article:
    """One fact-check article. ``rating`` as the site writes it ("Salah", "Hoaks", "Benar")."""

    slug: str
    title: str
    claim: str
    rating: str
    published: date
    body: str = ""
    claim_review: bool = True  # False: an article without markup (news, an explainer)
    claimant: str | None = None


@dataclass
class FactCheckSite:
    name: str
    url: str  # the site's own address, e.g. https://cekfakta.example
    feed_path: str = "/feed/"
    articles: list[Article] = field(default_factory=list)

    def article_url(self, article: Article) -> str:
        return f"{self.url.rstrip('/')}/{article.published:%Y/%m}/{article.slug}/"

    @property
    def feed_url(self) -> str:
        return self.url.rstrip("/") + self.feed_path

    def claim_review(self, article: Article) -> dict[str, Any]:
        review: dict[str, Any] = {
            "@type": "ClaimReview",
            "url": self.article_url(article),
            "claimReviewed": article.claim,
            "datePublished": article.published.isoformat(),
            "author": {"@type": "Organization", "name": self.name, "url": self.url},
            "reviewRating": {"@type": "Rating", "alternateName": article.rating, "ratingValue": 1,
                             "bestRating": 5, "worstRating": 1},
            "itemReviewed": {"@type": "Claim", "datePublished": article.published.isoformat()},
        }
        if article.claimant:
            review["itemReviewed"]["author"] = {"@type": "Person", "name": article.claimant}
        return review

    def page(self, article: Article) -> str:
        graph: list[dict[str, Any]] = [{"@type": "NewsArticle", "headline": article.title,
                                        "url": self.article_url(article),
                                        "datePublished": article.published.isoformat()}]
        if article.claim_review:
            graph.append(self.claim_review(article))
        ld = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False, indent=1)
        return (f"<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>{escape(article.title)}"
                f"</title><script type=\"application/ld+json\">{ld}</script></head><body><article>"
                f"<h1>{escape(article.title)}</h1><p>{escape(article.body)}</p></article></body></html>")

    def feed(self) -> str:
        items = []
        for article in sorted(self.articles, key=lambda a: a.published, reverse=True):
            moment = datetime.combine(article.published, time(9, 0), tzinfo=WIB)
            items.append(f"<item><title>{escape(article.title)}</title><link>{escape(self.article_url(article))}"
                         f"</link><guid isPermaLink=\"true\">{escape(self.article_url(article))}</guid>"
                         f"<pubDate>{format_datetime(moment)}</pubDate>"
                         f"<description>{escape(article.body[:200])}</description></item>")
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
                f"<title>{escape(self.name)}</title><link>{escape(self.url)}</link>"
                f"<description>Cek fakta</description>{''.join(items)}</channel></rss>")

    def install(self, server: ReplayServer) -> None:
        server.add_handler(self.feed_path, lambda _p, _q: Reply(
            body=self.feed().encode(), headers={"Content-Type": "application/rss+xml; charset=utf-8"}))
        for article in self.articles:
            path = urlsplit(self.article_url(article)).path
            server.add_handler(path, lambda _p, _q, a=article: Reply(
                body=self.page(a).encode(), headers={"Content-Type": "text/html; charset=utf-8"}))
