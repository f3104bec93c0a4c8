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

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def _default_home() -> Path:
    return Path(os.environ.get("NETRA_HOME", "~/.netra")).expanduser()


def _config_file() -> Path:
    explicit = os.environ.get("NETRA_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    return _default_home() / "netra.toml"


class Settings(BaseSettings):
    """Netra's configuration. Every field can be set as ``NETRA_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="NETRA_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="data directory")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: SQLite file netra.db in the data directory",
    )
    timezone: str = "Asia/Jakarta"
    secret_key: str | None = Field(
        default=None,
        description="signs web sessions; generated into $NETRA_HOME/secret_key when unset",
    )
    session_max_age_s: int = 8 * 3600
    login_max_failures: int = 5
    login_lockout_s: int = 15 * 60
    web_cookie_secure: bool = Field(
        default=False, description="send the web session cookie over HTTPS only (behind a TLS proxy)"
    )
    self_audit_upload_max_bytes: int = Field(
        default=200 * 1024 * 1024, gt=0, description="largest platform export the web app accepts for self-audit"
    )

    # crawling
    user_agent: str = "Netra/0.1 (+mailto:netra-ops@example.go.id; ASN neutrality monitoring)"
    bluesky_base_url: str = "https://public.api.bsky.app"
    mastodon_base_url: str | None = Field(
        default=None, description="override every Mastodon host (replay server / self-hosted)"
    )
    concurrent_requests_per_domain: int = 2
    crawl_interval_hours: float = 24.0
    campaign_crawl_interval_hours: float = 6.0

    # classification
    model_dir: Path | None = Field(default=None, description="model directory; default: bundled model")
    profile_path: Path | None = None
    classify_threads: int = 2
    classify_batch_size: int = 32
    gesture_tiles: bool = Field(
        default=True,
        description="also search photos of 960 px and more in overlapping tiles, for the small hands of group and "
        "rally photos (about 4x the detection time per photo; docs/photos.md)",
    )

    # retention (days), UU PDP Pasal 16(2), 43-45
    retention_unflagged_days: int = 90
    retention_decided_days: int = 5 * 365

    redis_url: str = "redis://127.0.0.1:6379/0"

    @field_validator("home", mode="before")
    @classmethod
    def _expand_home(cls, value: Any) -> Any:
        return Path(value).expanduser() if value is not None else value

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

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    """Forget cached settings (tests and the CLI's --database-url change the environment)."""
    get_settings.cache_clear()
