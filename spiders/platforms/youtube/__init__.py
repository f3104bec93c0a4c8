"""YouTube: a channel's public uploads feed, read by the RSS/Atom spider (README.md here)."""

from spiders.platforms.base import Platform
from spiders.platforms.youtube.handles import normalise

PLATFORM = Platform(
    name="youtube", label="YouTube", aliases=("yt",), normalise=normalise,
    crawl="feed", spider="spiders.platforms.rss.spider:FeedSpider",
    notes="the channel's latest uploads from its public feed; no comments or likes",
    package=__name__,
)
