"""Bluesky: public AppView API, no login (README.md here; wire format in docs/platform-formats.md §1)."""

from spiders.platforms.base import Platform
from spiders.platforms.bluesky.handles import normalise

PLATFORM = Platform(
    name="bluesky", label="Bluesky", aliases=("bsky",), normalise=normalise,
    crawl="bluesky", spider="spiders.platforms.bluesky.spider:BlueskySpider",
    notes="posts, replies, reposts; likes, reposts and replies on watched candidates' posts",
    package=__name__,
)
