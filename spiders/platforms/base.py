"""What a platform entry is: :class:`Platform`, declared once in each platform package's ``__init__``."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol


class HandleRule(Protocol):
    def __call__(self, raw: str) -> str: ...


@dataclass(frozen=True)
class Platform:
    """One platform: its stored code, the spellings people use for it, and what reads it."""

    name: str  # the code stored on accounts, posts and activities
    label: str  # how people write it
    aliases: tuple[str, ...]  # registry spellings, lower case
    normalise: HandleRule  # raw handle or profile URL -> canonical handle; raises InvalidHandle
    crawl: str | None = None  # `netra crawl <crawl>` reads this platform's accounts
    spider: str | None = None  # "module:Class" of the Scrapy spider for that crawl
    importer: str | None = None  # "module:Class" of the self-audit importer
    import_name: str | None = None  # `netra import <import_name>`
    # The setting the crawl cannot run without (an API token or key), and the crawl that reads this
    # platform's accounts while it is unset (YouTube: the public uploads feed).
    requires: str | None = None
    fallback_crawl: str | None = None
    # "module:function" (session) -> dict: planning data the spider needs besides accounts, e.g. quota spent.
    plan_options: str | None = None
    notes: str = ""  # what Netra cannot see there (docs/platforms in the README)
    package: str = field(default="", compare=False)

    @property
    def fixtures(self) -> Path:
        """The replay fixtures of this platform (real wire format), shipped with the package."""
        return Path(str(files(self.package) / "fixtures"))


    def env_var(self) -> str | None:
        """The environment variable of the required setting (``NETRA_X_BEARER_TOKEN``)."""
        return f"NETRA_{self.requires.upper()}" if self.requires else None


def load_ref(ref: str) -> Any:
    module_name, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module_name), attr)
