"""One settings object for the whole service.

Values come, highest priority first, from explicit arguments, ``NETRA_*``
environment variables, an optional TOML file (``NETRA_CONFIG`` or
``$NETRA_HOME/netra.toml``) and the defaults below.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
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
GIB = 1024 * MIB


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

    # self-audit imports (CLI and web): a small ZIP can unpack to gigabytes, so every read is bounded.
    import_max_total_bytes: int = Field(
        default=4 * GIB, gt=0,
        description="uncompressed bytes an import may read from one export, all the files it opens together",
    )
    import_max_member_bytes: int = Field(
        default=2 * GIB, gt=0,
        description="uncompressed bytes of one file inside an export (checked in the ZIP headers and while "
        "reading); a larger file is not read and the import ends partial",
    )
    import_max_record_bytes: int = Field(
        default=1 * MIB, gt=0,
        description="bytes of one record (a tweet, a comment, a like) in an export; a larger record is "
        "quarantined with its first bytes and the rest of its file is not read",
    )
    import_max_field_chars: int = Field(
        default=100_000, gt=0,
        description="characters of one text field of an imported record; longer text is cut and marked "
        "`… [dipotong: N karakter]` in the act and its evidence",
    )
    import_max_members: int = Field(
        default=200_000, gt=0, description="files listed in one export ZIP; an archive listing more is refused"
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
    x_base_url: str = Field(default="https://api.x.com", description="X API v2 server the X crawler reads")
    x_bearer_token: str | None = Field(
        default=None,
        description="app-only bearer token of an X developer app (X API v2, public posts and follows); "
        "unset: `netra crawl x` refuses to start",
    )
    x_user_tokens: dict[str, str] = Field(
        default={},
        description="OAuth 2.0 user-context tokens by X username, JSON (`{\"dewiangg\": \"…\"}`): an owner who "
        "consents, or a campaign account's own token. Only these read likes on X (`liked_tweets`, `liking_users`); "
        "since mid-2024 X shows a like to the liker and the post's author only",
    )
    youtube_base_url: str = Field(
        default="https://www.googleapis.com", description="YouTube Data API v3 server the YouTube crawler reads"
    )
    youtube_api_key: str | None = Field(
        default=None,
        description="YouTube Data API v3 key (Google Cloud project); unset: YouTube channels are read from their "
        "public uploads feed by `netra crawl feed` (no comments, no subscriptions)",
    )
    youtube_daily_quota: int = Field(
        default=10_000, gt=0,
        description="YouTube Data API units the crawls may spend per day (Google resets at midnight Pacific time; "
        "a list call costs 1 unit, a search 100); a crawl stops cleanly at the budget and goes on the next day",
    )
    follow_pages: int = Field(
        default=10, gt=0,
        description="pages of a declared account's following list read per crawl (follows of watched accounts)",
    )
    rate_limit_max_wait: float = Field(
        default=900.0, gt=0,
        description="longest a crawl waits for a spent rate-limit window to reopen (X `x-rate-limit-reset`), "
        "seconds",
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
        default=20, gt=0,
        description="pages one crawl reads of a declared account's feed; the rest is read on by the next crawl"
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
    commit_every: int = Field(
        default=50, gt=0,
        description="crawled items stored per database transaction (more, up to 20×, when they queued behind "
        "a busy database)",
    )
    commit_wait: float = Field(
        default=0.2, gt=0, description="longest a crawled item waits for its transaction, seconds"
    )
    writer_process: bool = Field(
        default=True,
        description="crawled items are written by a process of their own beside the crawl (off: by a thread "
        "of the crawl's process; an in-memory SQLite database always uses the thread)",
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

    # capture of public pages: `netra capture`, tips, the profile watch (docs/capture.md)
    capture_allow_hosts: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="hosts a capture may fetch although they are private or loopback, comma-separated `host` or "
        "`host:port` (a local mirror, a test site); every other private, loopback, link-local or otherwise "
        "non-public address is refused, also after a redirect and for a page's images and scripts",
    )
    capture_timeout_s: float = Field(
        default=30.0, gt=0, description="time a page may take to load before its capture fails, seconds"
    )
    capture_max_screenshot_height: int = Field(
        default=10_000, gt=0, description="tallest screenshot kept of a page, pixels (a longer page is cut there)"
    )
    capture_max_html_bytes: int = Field(
        default=10 * MIB, gt=0, description="largest rendered page HTML kept; a larger page is not captured, bytes"
    )
    capture_max_metadata_bytes: int = Field(
        default=1 * MIB, gt=0,
        description="largest metadata record of one capture (structured data and yt-dlp's fields); larger "
        "extractor output is left out with a note, bytes",
    )
    capture_max_transfer_bytes: int = Field(
        default=50 * MIB, gt=0,
        description="bytes one capture may receive in all (page, scripts, images); video and audio are never "
        "fetched",
    )
    capture_chromium: Path | None = Field(
        default=None, description="Chromium executable of captures; unset: `chromium` on the PATH, else "
        "Playwright's own",
    )
    capture_delay_s: dict[str, float] = Field(
        default={"default": 5.0, "tiktok": 10.0, "x": 10.0, "instagram": 20.0, "threads": 20.0, "facebook": 20.0},
        description="politeness: seconds between two page loads on the same host, by site, JSON (`default` for any "
        "other site); one load per host at a time",
    )
    capture_watch_platforms: list[str] = Field(
        default=["tiktok"],
        description="platforms whose declared accounts' public profile pages the scheduler watches for new posts, "
        "JSON (`[\"tiktok\", \"youtube\"]`; `[]`: no watch)",
    )
    capture_watch_interval_hours: float = Field(
        default=24.0, gt=0, description="hours between two watches of the public profile pages"
    )
    capture_watch_max_posts: int = Field(
        default=12, gt=0, description="newest posts of one profile looked at per watch; new ones are captured"
    )
    capture_watch_profile_urls: dict[str, str] = Field(
        default={},
        description="profile page address per platform with `{handle}`, JSON (`{\"tiktok\": "
        "\"https://www.tiktok.com/@{handle}\"}`); a platform not listed uses its public profile address",
    )
    tips_max_links: int = Field(default=50, gt=0, description="links one tip submission in the web app may hold")

    # hoax claims (docs/hoax.md)
    factcheck_feeds: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="RSS/Atom feeds of fact-checkers whose articles carry schema.org ClaimReview, read daily by "
        "`netra crawl factcheck` and the scheduler, comma-separated URLs (a list in TOML); unset: no feed is read "
        "and claims come from `netra hoax import` only",
    )
    hoax_rematch_days: int = Field(
        default=7, ge=0,
        description="acts of the last this many days are matched again against claims stored or revised after they "
        "were classified (the scheduler's daily `hoax_rematch` job, `netra hoax rematch`); each act once per change "
        "of the claims, one e5 encoding per act; 0: never",
    )

    # classification
    model_dir: Path | None = Field(default=None, description="classifier model directory; unset: the bundled model")
    classify_threads: int = Field(
        default=2, ge=0, description="torch threads per classifying process (0: torch's default)"
    )
    classify_batch_size: int = Field(default=32, gt=0, description="acts classified per batch")
    classify_precision: Literal["fp32", "int8", "int8-all"] = Field(
        default="int8",
        description="how the classifier runs: `int8` (attention and feed-forward up-projection in dynamic int8, "
        "the rest fp32; about 1.8x fp32 with flag F1 within a point, docs/scale.md), `fp32` (the model as "
        "trained), `int8-all` (every layer int8: faster, loses more); each adds its own suffix to the model version",
    )
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

    # reports (docs/reports.md)
    report_csv_separator: str = Field(
        default=";",
        description="separator of the reports' CSV files: `;` opens in Excel with Indonesian regional settings, "
        "`,` for RFC 4180 tools (also a tab or `|`)",
    )
    review_due_days: int = Field(
        default=7, gt=0,
        description="days a review item may wait for a final decision before the queue and the reports count it "
        "overdue; an agency in `review_due_days_agencies` has its own",
    )
    review_due_days_agencies: Annotated[dict[str, int], NoDecode] = Field(
        default={},
        description="agencies with a review deadline of their own, days per agency code, comma-separated "
        "`CODE=DAYS` (`KAB-A=3,KAB-B=10`; a table in TOML); an agency not listed uses `review_due_days`, a code no "
        "agency has is logged and ignored",
    )
    # four eyes (docs/review-web-app.md): a breach or an escalation counts only once a second reviewer agrees.
    four_eyes: bool = Field(
        default=False,
        description="every agency: a `pelanggaran` or `eskalasi` verdict counts only after a second, different "
        "reviewer confirms it; a disagreement goes to a supervisor",
    )
    four_eyes_agencies: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="agency codes that need the four-eyes confirmation although `four_eyes` is off, comma-separated "
        "(a list in TOML)",
    )
    # claims (docs/review-web-app.md): an item a reviewer took is theirs only for a while, so work left
    # open by someone who went home returns to the pool by itself.
    claim_minutes: int = Field(
        default=30, gt=0, le=7 * 24 * 60,
        description="how long an item taken with *Ambil item berikutnya* stays its reviewer's before others may "
        "take or decide it, minutes (an assignment by a supervisor does not expire)",
    )

    @field_validator("capture_allow_hosts", "factcheck_feeds", "four_eyes_agencies", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        # NETRA_CAPTURE_ALLOW_HOSTS=127.0.0.1:8765,mirror.local — a list in TOML.
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @field_validator("review_due_days_agencies", mode="before")
    @classmethod
    def _days_per_agency(cls, value: Any) -> Any:
        # NETRA_REVIEW_DUE_DAYS_AGENCIES=KAB-A=3,KAB-B=10 — a table in TOML ({"KAB-A" = 3}).
        if isinstance(value, str):
            entries: list[tuple[str, Any]] = []
            for part in (p.strip() for p in value.split(",")):
                code, sep, days = part.partition("=")
                if part and not sep:
                    raise ValueError(f"entry {part!r} is not CODE=DAYS (such as KAB-A=3)")
                if part:
                    entries.append((code.strip(), days.strip()))
        elif isinstance(value, dict):
            entries = list(value.items())
        else:
            return value
        out: dict[str, int] = {}
        for code, days in entries:
            entry = f"{code}={days}"
            if not isinstance(code, str) or not code:
                raise ValueError(f"entry {entry!r} names no agency code (CODE=DAYS, such as KAB-A=3)")
            if code in out:
                raise ValueError(f"entry {entry!r}: agency {code} is listed twice")
            parsed = _whole_days(days)
            if parsed is None or parsed <= 0:
                raise ValueError(f"entry {entry!r}: the days must be a whole number above 0")
            out[code] = parsed
        return out

    @field_validator("home", "media_dir", "model_dir", "capture_chromium", mode="before")
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

    @field_validator("bluesky_base_url", "mastodon_base_url", "x_base_url", "youtube_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return value

    @field_validator("report_csv_separator")
    @classmethod
    def _csv_separator(cls, value: str) -> str:
        if value not in (";", ",", "\t", "|"):
            raise ValueError(f"{value!r} is not one of ; , | or a tab")
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


def _whole_days(value: Any) -> int | None:
    """``value`` as a whole number of days (from the environment's text or TOML's integer), or None."""
    if isinstance(value, bool):  # TOML's true is no number of days
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    return None


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
