"""Media metadata through yt-dlp's Python API: what a video, reel or short post says about itself.

yt-dlp knows how TikTok, Instagram, Facebook, YouTube and X describe a post (uploader, caption,
upload time, counts, thumbnail) and, through its generic extractor, any page with a ``<video>``,
Open Graph video tags or a JSON-LD ``VideoObject``. It is run with downloads switched off
(``skip_download``, no format checks, no thumbnails written, no cache, no cookies) and through
the capture's guard proxy, so every request it makes is vetted like the browser's. Only a
whitelist of descriptive fields is kept, never stream URLs, and the record is bounded in size.

A failure here never fails a capture: many post pages carry no video, and a platform may refuse
an extractor that the browser's view still shows; the error is kept in the record instead.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

KEPT_FIELDS = (
    "id", "title", "fulltitle", "description", "alt_title", "uploader", "uploader_id", "uploader_url", "channel",
    "channel_id", "channel_url", "creator", "creators", "artist", "timestamp", "upload_date", "release_timestamp",
    "modified_timestamp", "duration", "view_count", "like_count", "dislike_count", "comment_count",
    "repost_count", "concurrent_view_count", "thumbnail", "webpage_url", "original_url", "extractor",
    "extractor_key", "tags", "categories", "age_limit", "is_live", "was_live", "availability", "track",
    "location", "media_type", "_type", "playlist_count",
)
MAX_TEXT = 20_000  # characters of one text field (a description) kept
MAX_LIST = 50  # entries of one list field (tags) kept


@dataclass
class Extracted:
    """yt-dlp's view of a URL: the kept fields, or the error it gave."""

    info: dict[str, Any] | None = None
    error: str | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)  # a profile's or playlist's items (flat)
    version: str = ""

    def as_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"name": "yt-dlp", "version": self.version}
        if self.info is not None:
            record["info"] = self.info
        if self.error:
            record["error"] = self.error
        return record


class _Quiet:
    """yt-dlp's logger: its messages go to ours at debug level, not to the terminal."""

    def debug(self, msg: str) -> None:
        log.debug("yt-dlp: %s", msg)

    def info(self, msg: str) -> None:
        log.debug("yt-dlp: %s", msg)

    def warning(self, msg: str) -> None:
        log.debug("yt-dlp warning: %s", msg)

    def error(self, msg: str) -> None:
        log.debug("yt-dlp error: %s", msg)


def _bounded(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_TEXT]
    if isinstance(value, list):
        return [_bounded(v) for v in value[:MAX_LIST] if isinstance(v, str | int | float | bool | dict)]
    if isinstance(value, dict):
        return {str(k): _bounded(v) for k, v in list(value.items())[:MAX_LIST]
                if isinstance(v, str | int | float | bool | type(None))}
    return value


def kept(info: dict[str, Any]) -> dict[str, Any]:
    """The descriptive fields of a yt-dlp info dict, bounded; whether it had video, never the stream URLs."""
    out = {key: _bounded(info[key]) for key in KEPT_FIELDS if info.get(key) not in (None, "", [])}
    formats = info.get("formats") or []
    if isinstance(formats, list) and formats:
        out["formats"] = len(formats)
        # An unknown codec (a plain <video> file) counts as video; only "none" says audio-only.
        out["has_video"] = any(isinstance(f, dict) and f.get("vcodec") != "none" and f.get("video_ext") != "none"
                               for f in formats)
    elif info.get("url") and info.get("_type", "video") == "video":
        out["has_video"] = True
    thumbs = [t.get("url") for t in info.get("thumbnails") or [] if isinstance(t, dict) and t.get("url")]
    if thumbs:
        out["thumbnails"] = thumbs[-5:]  # yt-dlp sorts them worst to best
    return out


def _options(proxy: str, timeout_s: float, *, playlist: bool, max_entries: int) -> dict[str, Any]:
    return {
        "proxy": proxy,  # every request through the guard; an explicit proxy also ignores no_proxy
        "socket_timeout": timeout_s,
        "skip_download": True,
        "simulate": True,
        "check_formats": False,
        "ignore_no_formats_error": True,
        "noplaylist": not playlist,
        "extract_flat": "in_playlist",
        "playlistend": max_entries,
        "lazy_playlist": True,
        "retries": 0,
        "extractor_retries": 0,
        "fragment_retries": 0,
        "cachedir": False,
        "cookiefile": None,
        "usenetrc": False,
        "writethumbnail": False,
        "writesubtitles": False,
        "getcomments": False,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "color": "never",
        "logger": _Quiet(),
    }


def extract(url: str, *, proxy: str, timeout_s: float, max_bytes: int, playlist: bool = False,
            max_entries: int = 30) -> Extracted:
    """yt-dlp's metadata of ``url`` (a post; with ``playlist``, a profile's recent items)."""
    import yt_dlp
    from yt_dlp.utils import DownloadError

    result = Extracted(version=yt_dlp.version.__version__)
    try:
        with yt_dlp.YoutubeDL(_options(proxy, timeout_s, playlist=playlist, max_entries=max_entries)) as ydl:
            info = ydl.extract_info(url, download=False)
            info = ydl.sanitize_info(info) if isinstance(info, dict) else None
    except DownloadError as exc:
        result.error = _one_line(str(exc))
        return result
    except Exception as exc:  # noqa: BLE001 — an extractor bug must not fail the capture
        result.error = _one_line(f"{type(exc).__name__}: {exc}")
        return result
    if not isinstance(info, dict):
        result.error = "yt-dlp returned nothing"
        return result
    if info.get("_type") in ("playlist", "multi_video"):
        for entry in list(info.get("entries") or [])[:max_entries]:
            if isinstance(entry, dict) and (entry.get("url") or entry.get("webpage_url")):
                result.entries.append({k: entry.get(k) for k in ("id", "url", "webpage_url", "title", "timestamp")
                                       if entry.get(k) is not None})
    record = kept(info)
    size = len(json.dumps(record, ensure_ascii=False).encode("utf-8"))
    if size > max_bytes:
        result.error = (f"metadata of {size} bytes is more than the {max_bytes} allowed "
                        "(NETRA_CAPTURE_MAX_METADATA_BYTES)")
        return result
    result.info = record
    return result


def _one_line(message: str) -> str:
    text = " ".join(message.replace("ERROR: ", "", 1).split())
    return text[:500]
