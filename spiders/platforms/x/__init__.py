"""X (Twitter): X API v2 with an app-only bearer token, and the owner's archive through self-audit (README.md here)."""

from spiders.platforms.base import Platform
from spiders.platforms.x.handles import normalise

PLATFORM = Platform(
    name="x", label="X (Twitter)", aliases=("twitter", "x.com"), normalise=normalise,
    crawl="x", spider="spiders.platforms.x.spider:XSpider", requires="x_bearer_token",
    importer="spiders.platforms.x.importer:XArchiveImporter", import_name="x-archive",
    notes="posts, replies, reposts, quotes, follows; reposts, quotes and replies on watched candidates' posts; "
    "likes only with the liker's or the liked account's own token (hidden since mid-2024)",
    package=__name__,
)
