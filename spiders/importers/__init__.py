"""Self-audit importers: the data exports account owners download and hand to their agency.

The shared machinery lives here (``base``: opening exports safely, streaming JSON; ``run``:
storing an export's acts); each platform's importer lives in its package under
``spiders.platforms`` and is named in its ``Platform`` entry. ``IMPORTERS`` (``netra import``
name → importer) is built on first use, because the platform importers import this package.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from spiders.importers.run import Importer, import_export


@cache
def _importers() -> dict[str, Importer]:
    from spiders.platforms import importers

    return importers()


def __getattr__(name: str) -> Any:
    if name == "IMPORTERS":
        return _importers()
    raise AttributeError(name)


__all__ = ["IMPORTERS", "Importer", "import_export"]
