"""Facebook: self-audit import of the owner's "Download your information" export (README.md here)."""

from spiders.platforms.base import Platform
from spiders.platforms.facebook.handles import normalise

PLATFORM = Platform(
    name="facebook", label="Facebook", aliases=("fb",), normalise=normalise,
    importer="spiders.platforms.facebook.importer:FacebookImporter", import_name="facebook",
    notes="no public API: the owner's export (posts, comments, reactions) through self-audit",
    package=__name__,
)
