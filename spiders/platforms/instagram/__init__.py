"""Instagram: self-audit import of the owner's "Download your information" export (README.md here)."""

from spiders.platforms.base import Platform
from spiders.platforms.instagram.handles import normalise

PLATFORM = Platform(
    name="instagram", label="Instagram", aliases=("ig",), normalise=normalise,
    importer="spiders.platforms.instagram.importer:InstagramImporter", import_name="instagram",
    notes="no public API: the owner's export (posts, comments, likes) through self-audit",
    package=__name__,
)
