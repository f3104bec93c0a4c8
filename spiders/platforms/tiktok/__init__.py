"""TikTok: self-audit import of the owner's "Download your data" export (README.md here)."""

from spiders.platforms.base import Platform
from spiders.platforms.tiktok.handles import normalise

PLATFORM = Platform(
    name="tiktok", label="TikTok", aliases=("tik tok",), normalise=normalise,
    importer="spiders.platforms.tiktok.importer:TikTokImporter", import_name="tiktok",
    notes="no public API: the owner's export (videos, comments, likes) through self-audit",
    package=__name__,
)
