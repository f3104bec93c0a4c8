"""YouTube: the Data API v3 with an API key, or the channel's public uploads feed without one (README.md here)."""

from spiders.platforms.base import Platform
from spiders.platforms.youtube.handles import normalise

PLATFORM = Platform(
    name="youtube", label="YouTube", aliases=("yt",), normalise=normalise,
    crawl="youtube", spider="spiders.platforms.youtube.spider:YouTubeSpider", requires="youtube_api_key",
    fallback_crawl="feed", plan_options="spiders.platforms.youtube.quota:plan_options",
    notes="uploads, public subscriptions, comments on watched candidates' videos (Data API key, daily quota); "
    "without a key only the latest uploads from the public feed; likes and private subscriptions are not visible",
    package=__name__,
)
