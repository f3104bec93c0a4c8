"""The platforms Netra reads, one package each, registered in :data:`PLATFORMS`.

A platform package holds everything about one platform: how its handles are
written (``handles.py``), its Scrapy spider (``spider.py``) where it has a public
API Netra crawls, its self-audit importer (``importer.py``) where its owners can
download their data, replay fixtures in its real wire format (``fixtures/``) and
a page of documentation (``README.md``). Its ``__init__`` declares a
:class:`Platform`; adding a platform is one new package and one line below.

Spiders and importers are named as ``"module:Class"`` strings and imported only
when used, so the registry import and the web app never load Scrapy.
"""

from __future__ import annotations

from typing import Any

from spiders.platforms.base import Platform, load_ref
from spiders.platforms.handles import InvalidHandle


def _registered() -> dict[str, Platform]:
    from spiders.platforms import bluesky, facebook, instagram, mastodon, rss, tiktok, x, youtube

    table = {}
    for module in (bluesky, mastodon, rss, youtube, x, instagram, facebook, tiktok):
        platform: Platform = module.PLATFORM
        table[platform.name] = platform
    return table


PLATFORMS: dict[str, Platform] = _registered()


def get(name: str) -> Platform:
    try:
        return PLATFORMS[name]
    except KeyError:
        raise InvalidHandle(f"unknown platform {name!r} (known: {', '.join(sorted(PLATFORMS))})") from None


def normalise_platform(raw: str) -> str:
    """A registry spelling (``Twitter``, ``IG``, ``fb``…) → the platform's code, or :class:`InvalidHandle`."""
    key = (raw or "").strip().lower()
    for platform in PLATFORMS.values():
        if key == platform.name or key in platform.aliases:
            return platform.name
    known = ", ".join(sorted({a for p in PLATFORMS.values() for a in (p.name, *p.aliases)}))
    raise InvalidHandle(f"unknown platform {raw!r} (known: {known})")


def normalise_handle(platform: str, raw: str) -> str:
    """The canonical handle on ``platform`` for ``raw`` (``@Name``, a profile URL…), or :class:`InvalidHandle`."""
    value = (raw or "").strip()
    if not value:
        raise InvalidHandle("handle is empty")
    return get(platform).normalise(value)


def crawls() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Crawl name → (spider ``module:Class``, the platforms whose accounts it may read).

    A platform with a fallback crawl is listed under both; :func:`crawl_for` says which one reads
    it now, from the settings.
    """
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for platform in PLATFORMS.values():
        if platform.crawl and platform.spider:
            spider, names = out.get(platform.crawl, (platform.spider, ()))
            if spider != platform.spider:
                raise RuntimeError(f"crawl {platform.crawl!r} names two spiders: {spider}, {platform.spider}")
            out[platform.crawl] = (spider, (*names, platform.name))
    for platform in PLATFORMS.values():
        if platform.fallback_crawl in out:
            spider, names = out[platform.fallback_crawl]
            out[platform.fallback_crawl] = (spider, (*names, platform.name))
    return out


def requirement_missing(platform: str) -> str | None:
    """The environment variable a platform's crawl needs and lacks (``None``: nothing missing)."""
    from monitor.config import get_settings

    entry = PLATFORMS.get(platform)
    if entry is None or not entry.requires or getattr(get_settings(), entry.requires, None):
        return None
    return entry.env_var()


def crawl_for(platform: str) -> str | None:
    """The crawl that reads ``platform``'s accounts now (``None``: self-audit import or capture only).

    A platform whose API needs a token or key nobody configured is read by its fallback crawl, if
    it has one (YouTube: the public uploads feed), else by none (X: the owner's archive only) —
    ``netra crawl x`` then refuses to start with a one-line error naming the setting.
    """
    entry = PLATFORMS.get(platform)
    if entry is None:
        return None
    if requirement_missing(platform):
        return entry.fallback_crawl
    return entry.crawl


def spider_class(crawl: str) -> type:
    """The Scrapy spider class of a crawl (imports Scrapy)."""
    table = crawls()
    if crawl not in table:
        raise KeyError(crawl)
    return load_ref(table[crawl][0])  # type: ignore[no-any-return]


def importers() -> dict[str, Any]:
    """``netra import`` name → a new importer instance, for every platform that has one."""
    return {p.import_name: load_ref(p.importer)() for p in PLATFORMS.values() if p.importer and p.import_name}


__all__ = ["PLATFORMS", "InvalidHandle", "Platform", "crawl_for", "crawls", "get", "importers", "normalise_handle",
           "normalise_platform", "requirement_missing", "spider_class"]
