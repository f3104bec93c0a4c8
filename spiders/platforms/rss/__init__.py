"""RSS 2.0 and Atom feeds of blogs and news pages (README.md here)."""

from spiders.platforms.base import Platform
from spiders.platforms.rss.handles import normalise

PLATFORM = Platform(
    name="rss", label="RSS/Atom", aliases=("feed", "blog"), normalise=normalise,
    crawl="feed", spider="spiders.platforms.rss.spider:FeedSpider",
    notes="entries of the declared feed",
    package=__name__,
)
