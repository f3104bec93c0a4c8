"""X (Twitter): self-audit import of the owner's archive (README.md here)."""

from spiders.platforms.base import Platform
from spiders.platforms.x.handles import normalise

PLATFORM = Platform(
    name="x", label="X (Twitter)", aliases=("twitter", "x.com"), normalise=normalise,
    importer="spiders.platforms.x.importer:XArchiveImporter", import_name="x-archive",
    notes="no crawl yet: the owner's archive (tweets, likes) through self-audit",
    package=__name__,
)
