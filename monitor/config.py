"""One settings object for the whole service.

Values come, highest priority first, from explicit arguments, ``NETRA_*``
environment variables, an optional TOML file (``NETRA_CONFIG`` or
``$NETRA_HOME/netra.toml``) and the defaults below.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_HOME = "~/.netra"


def _default_home() -> Path:
    # Read before the settings exist: the TOML file's default place depends on it.
    return Path(os.environ.get("NETRA_HOME", DEFAULT_HOME)).expanduser()


def _config_file() -> Path:
    explicit = os.environ.get("NETRA_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    return _default_home() / "netra.toml"


MIB = 1024 * 1024


class Settings(BaseSettings):
    """Netra's configuration. Every field can be set as ``NETRA_<FIELD>`` (docs/configuration.md)."""

    model_config = SettingsConfigDict(env_prefix="NETRA_", extra="ignore")

    home: Path = Field(
        default=Path(DEFAULT_HOME), validate_default=True,
        description="data directory: SQLite database, media, reports, uploads, evaluations, session key",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL, e.g. `postgresql+psycopg://user@host:5432/netra`; "
        "unset: SQLite file `netra.db` in the data directory",
    )
    timezone: str = Field(default="Asia/Jakarta", description="time zone of schedules and report periods")
    secret_key: str | None = Field(
        default=None,
        description="signs web sessions; unset: generated once into `$NETRA_HOME/secret_key` (mode 0600)",
    )
    session_max_age_s: int = Field(default=8 * 3600, gt=0, description="web session lifetime, seconds")
    login_max_failures: int = Field(
        default=5, gt=0,
        description="failed sign-ins before a web account is locked (a client IP is throttled after 4x as many)",
    )
    login_lockout_s: int = Field(
        default=15 * 60, gt=0, description="how long a locked web account stays locked (and the per-IP window), seconds"
    )
    web_cookie_secure: bool = Field(
        default=False,
        description="send the web session cookie over HTTPS only (behind a TLS proxy; `--secure-cookies` forces it)",
    )
    self_audit_upload_max_bytes: int = Field(
        default=200 * MIB, gt=0, description="largest platform export the web app accepts for self-audit, bytes"
    )

    # crawling
    user_agent: str = Field(
        default="Netra/0.1 (+mailto:netra-ops@example.go.id; ASN neutrality monitoring)",
        min_length=1, description="crawler User-Agent: names Netra and a contact address",
    )
    bluesky_base_url: str = Field(
        default="https://public.api.bsky.app", description="Bluesky AppView the crawler reads"
    )
    mastodon_base_url: str | None = Field(
        default=None,
        description="one host for every Mastodon account (replay server, self-hosted); unset: each account's own",
    )
    concurrent_requests_per_domain: int = Field(
        default=2, gt=0, description="crawler politeness: requests in flight per host"
    )
    crawl_interval_hours: float = Field(
        default=24.0, gt=0, description="hours between scheduled crawls outside the campaign period"
    )
    campaign_crawl_interval_hours: float = Field(
        default=6.0, gt=0, description="hours between scheduled crawls during the campaign period"
    )
    # Read by the spiders from their Scrapy settings, under the same NETRA_* names (spiders/settings.py).
    max_pages: int = Field(
        default=20, gt=0, description="pages of a declared account's posts a crawl reads back (a first crawl's depth)"
    )
    watched_pages: int = Field(
        default=1, gt=0, description="pages of a watched (candidate) account re-read on each crawl"
    )
    page_size: int = Field(
        default=50, gt=0, le=100,
        description="posts asked for per page (Bluesky serves up to 100, Mastodon caps it at 40)",
    )
    retry_base_delay: float = Field(
        default=1.0, gt=0,
        description="retry backoff unit, seconds: retry n of a failed request waits a random time up to "
        "this × 2^(n-1)",
    )
    retry_max_delay: float = Field(
        default=300.0, gt=0,
        description="longest wait before a retry, also when the server asks for longer, seconds",
    )
    commit_every: int = Field(default=50, gt=0, description="crawled items stored per database transaction")
    commit_wait: float = Field(
        default=0.2, gt=0, description="longest a crawled item waits for its transaction, seconds"
    )

    # media (images of collected posts; spiders/media.py)
    media_dir: Path | None = Field(
        default=None, description="where images are kept by content hash; unset: `media` in the data directory"
    )
    media_max_bytes: int = Field(default=15 * MIB, gt=0, description="largest image kept, bytes")
    # 40 megapixels is more than any platform serves; a bigger claim is a decompression bomb.
    media_max_pixels: int = Field(
        default=40_000_000, gt=0, description="most pixels an image may have (decompression bomb guard)"
    )
    media_account_quota_bytes: int = Field(
        default=500 * MIB, gt=0, description="images kept per declared account, bytes in all (its own posts' images)"
    )
    media_max_images_per_post: int = Field(
        default=10, ge=0, description="images fetched per post (0: none)"
    )

    # classification
    model_dir: Path | None = Field(default=None, description="classifier model directory; unset: the bundled model")
    classify_threads: int = Field(
        default=2, ge=0, description="torch threads per classifying process (0: torch's default)"
    )
    classify_batch_size: int = Field(default=32, gt=0, description="acts classified per batch")
    gesture_tiles: bool = Field(
        default=True,
        description="also search photos of 960 px and more in overlapping tiles, for the small hands of group and "
        "rally photos (about 4x the detection time per photo; docs/photos.md)",
    )

    # retention, UU PDP Pasal 16(2), 43-45
    retention_unflagged_days: int = Field(
        default=90, gt=0, description="days raw data never flagged is kept after capture (UU PDP retention)"
    )

    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0", description="Redis of the distributed crawl queue and rate limits"
    )

    @field_validator("home", "media_dir", "model_dir", mode="before")
    @classmethod
    def _expand_user(cls, value: Any) -> Any:
        return Path(value).expanduser() if isinstance(value, str | Path) else value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as Asia/Jakarta)") from None
        return value

    @field_validator("bluesky_base_url", "mastodon_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return value

    @field_validator("retry_max_delay")
    @classmethod
    def _max_not_below_base(cls, value: float, info: ValidationInfo) -> float:
        base = info.data.get("retry_base_delay")
        if base is not None and value < base:
            raise ValueError(f"{value} is less than retry_base_delay ({base})")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=_config_file()),
        )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'netra.db'}"

    @property
    def resolved_media_dir(self) -> Path:
        return self.media_dir or self.home / "media"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    """Forget cached settings (tests and the CLI's --database-url change the environment)."""
    get_settings.cache_clear()


def _shown_default(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def settings_table() -> str:
    """The Markdown table of every setting (docs/configuration.md holds it; tests/test_config.py compares)."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, spec in Settings.model_fields.items():
        meaning = (spec.description or "").replace("|", "\\|")
        rows.append(f"| `NETRA_{name.upper()}` | {_shown_default(spec.default)} | {meaning} |")
    return "\n".join(rows) + "\n"
