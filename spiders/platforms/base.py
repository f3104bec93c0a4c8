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
    notes: str = ""  # what Netra cannot see there (docs/platforms in the README)
    package: str = field(default="", compare=False)

    @property
    def fixtures(self) -> Path:
        """The replay fixtures of this platform (real wire format), shipped with the package."""
        return Path(str(files(self.package) / "fixtures"))


def load_ref(ref: str) -> Any:
    module_name, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module_name), attr)
