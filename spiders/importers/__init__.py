"""Self-audit importers: the data exports account owners download and hand to their agency."""

from __future__ import annotations

from spiders.importers.facebook import FacebookImporter
from spiders.importers.instagram import InstagramImporter
from spiders.importers.run import Importer, import_export
from spiders.importers.tiktok import TikTokImporter
from spiders.importers.x_archive import XArchiveImporter

IMPORTERS: dict[str, Importer] = {
    "x-archive": XArchiveImporter(),
    "instagram": InstagramImporter(),
    "tiktok": TikTokImporter(),
    "facebook": FacebookImporter(),
}

__all__ = ["IMPORTERS", "Importer", "import_export"]
