"""Scrapy's settings module (``scrapy.cfg``), so Scrapy's own commands work from the repository root.

``scrapy list`` lists the crawls of the platform table and ``scrapy crawl bluesky -a handle=…``
crawls that declared or watched account into the configured database, with the settings every
Netra crawl uses (:func:`spiders.settings.crawl_settings`, built from the ``NETRA_*`` settings).
Scrapy reads a module's upper-case names, so they are set here from that one function.

Arguments of ``scrapy crawl`` (see :mod:`spiders.scrapy_spiders`): ``-a handle=H`` (repeat it, or
comma-separate several; none: every account, as ``netra crawl``), ``-a account_id=N``,
``-a watched=no``, ``-a base_url=URL``. Settings: ``-s NETRA_DATABASE_URL=…``, and
``-s NETRA_BLUESKY_BASE_URL=…`` / ``-s NETRA_MASTODON_BASE_URL=…`` to read a replay or
self-hosted server.
"""

from __future__ import annotations

from monitor.config import get_settings
from spiders.settings import crawl_settings

globals().update(crawl_settings())

SPIDER_MODULES = ["spiders.scrapy_spiders"]
NETRA_DATABASE_URL = get_settings().resolved_database_url
NETRA_BLUESKY_BASE_URL = get_settings().bluesky_base_url
NETRA_MASTODON_BASE_URL = get_settings().mastodon_base_url
