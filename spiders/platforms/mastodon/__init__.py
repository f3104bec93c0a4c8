"""Mastodon: each account's home server, public REST API, no login (README.md here)."""

from spiders.platforms.base import Platform
from spiders.platforms.mastodon.handles import normalise

PLATFORM = Platform(
    name="mastodon", label="Mastodon", aliases=("fediverse",), normalise=normalise,
    crawl="mastodon", spider="spiders.platforms.mastodon.spider:MastodonSpider",
    notes="statuses, replies, boosts; favourites, boosts and replies on watched candidates' statuses",
    package=__name__,
)
