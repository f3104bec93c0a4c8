"""The media store: images of collected posts, kept once by content (SHA-256) under the data directory.

Plain module, no Scrapy: the crawl's media pipeline (``spiders.media_pipeline``)
and the importers both store through ``MediaStore``. A file is accepted only
when Pillow really decodes it as a still image of an allowed type — the name
or the server's Content-Type say nothing — within the size, pixel and
per-account limits; anything else is refused with ``MediaRejected`` naming
the source and the reason, and nothing is written.

Layout: ``<media dir>/ab/cd/<sha256>`` (first two byte pairs of the hash as
folders), default ``$NETRA_HOME/media``; the folder and the limits are the
``media_*`` settings (``NETRA_MEDIA_*``, docs/configuration.md). Files are
written to a temporary name and renamed, so a crash never leaves a
half-written file under a hash.
The ``media`` row records size, type and dimensions; ``media_link`` rows
record each post, evidence record and URL (or export member) it was seen at.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import tempfile
import threading
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from monitor.config import Settings, get_settings
from monitor.db.schema import Media, MediaLink
from monitor.db.session import session_factory as default_session_factory

log = logging.getLogger(__name__)

# Pillow format → MIME type of the still-image formats kept. GIF is kept only as a single frame.
ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class MediaRejected(ValueError):
    """A file was not stored; the message names where it came from and why."""


class QuotaExceeded(MediaRejected):
    """The account's media quota is used up."""


@dataclass(frozen=True)
class ImageInfo:
    mime: str
    width: int
    height: int


@dataclass(frozen=True)
class StoredMedia:
    id: int
    sha256: str
    path: Path
    size: int
    mime: str
    width: int
    height: int
    created: bool  # true when the file is new to the store


_STRICT_DECODING = threading.Lock()


@contextmanager
def strict_decoding() -> Iterator[None]:
    """Make Pillow fail on truncated files while decoding here.

    WeasyPrint sets Pillow's process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES = True``
    when it is imported (weasyprint/images.py), so in any process that also
    renders reports a truncated photo would otherwise decode "successfully".
    """
    with _STRICT_DECODING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def inspect_image(data: bytes, *, max_pixels: int, source: str = "<bytes>") -> ImageInfo:
    """Decode ``data`` fully as a still image of an allowed format, or raise ``MediaRejected``."""
    try:
        with strict_decoding(), warnings.catch_warnings():
            # Pillow warns (not raises) between MAX_IMAGE_PIXELS and twice that: treat it as the refusal it is.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                fmt = im.format or ""
                width, height = im.size
                if fmt not in ALLOWED_FORMATS:
                    raise MediaRejected(f"{source}: {fmt or 'unknown'} image is not one of "
                                        f"{', '.join(ALLOWED_FORMATS)}")
                # Checked from the header, before any pixel is decoded.
                if width * height > max_pixels:
                    raise MediaRejected(f"{source}: {width}x{height} pixels is more than the {max_pixels} allowed "
                                        "(decompression bomb guard)")
                if getattr(im, "n_frames", 1) > 1:
                    raise MediaRejected(f"{source}: an animation ({fmt}, {im.n_frames} frames), not a photo")
                im.load()  # the whole image: a truncated or corrupt file fails here
    except MediaRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaRejected(f"{source}: refused as a decompression bomb ({exc})") from None
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow's errors for undecodable data
        raise MediaRejected(f"{source}: not a readable image ({exc})") from None
    return ImageInfo(ALLOWED_FORMATS[fmt], width, height)


class MediaStore:
    """Content-addressed image files plus their ``media``/``media_link`` rows."""

    def __init__(
        self,
        database_url: str | None = None,
        *,
        sessions: sessionmaker[Session] | None = None,
        root: Path | None = None,
        settings: Settings | None = None,
    ) -> None:
        """``settings`` gives the limits and the folder (``media_*``); tests pass their own."""
        self.sessions = sessions or default_session_factory(database_url)
        self.settings = settings or get_settings()
        self.root = Path(root or self.settings.resolved_media_dir)

    def path_for(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256):
            raise ValueError(f"{sha256!r} is not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    # ------------------------------------------------------------ storing

    def store_bytes(
        self,
        data: bytes,
        *,
        source: str,
        account_id: int | None = None,
        post_id: int | None = None,
        evidence_id: int | None = None,
    ) -> StoredMedia:
        """Check and keep ``data`` (``source``: the URL or export member, for links and messages)."""
        if len(data) > self.settings.media_max_bytes:
            raise MediaRejected(f"{source}: {len(data)} bytes is more than the {self.settings.media_max_bytes} allowed")
        if not data:
            raise MediaRejected(f"{source}: empty file")
        info = inspect_image(data, max_pixels=self.settings.media_max_pixels, source=source)
        digest = hashlib.sha256(data).hexdigest()
        for attempt in (1, 2):
            try:
                with self.sessions.begin() as s:
                    return self._store(s, data, digest, info, source, account_id, post_id, evidence_id)
            except IntegrityError:
                # A concurrent writer stored the same file or link first: the second pass finds its rows.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _store(
        self, s: Session, data: bytes, digest: str, info: ImageInfo, source: str,
        account_id: int | None, post_id: int | None, evidence_id: int | None,
    ) -> StoredMedia:
        media = s.scalar(select(Media).where(Media.sha256 == digest))
        created = media is None
        if media is None:
            if account_id is not None:
                used = s.scalar(select(func.coalesce(func.sum(Media.size), 0)).where(Media.account_id == account_id))
                if int(used or 0) + len(data) > self.settings.media_account_quota_bytes:
                    raise QuotaExceeded(
                        f"{source}: account {account_id} has {used} bytes of media; "
                        f"{len(data)} more would pass its quota of {self.settings.media_account_quota_bytes}"
                    )
            media = Media(sha256=digest, size=len(data), mime=info.mime, width=info.width, height=info.height,
                          account_id=account_id)
            s.add(media)
            s.flush()
        path = self.path_for(digest)
        if not path.is_file():
            # Also restores a file lost from disk while its row stayed.
            self._write(path, data)
        if post_id is not None or evidence_id is not None:
            link = s.scalar(select(MediaLink).where(MediaLink.media_id == media.id, MediaLink.post_id == post_id,
                                                    MediaLink.source_url == source[:2048]))
            if link is None:
                s.add(MediaLink(media_id=media.id, post_id=post_id, evidence_id=evidence_id, source_url=source[:2048]))
            elif link.evidence_id is None and evidence_id is not None:
                link.evidence_id = evidence_id
        return StoredMedia(media.id, digest, path, media.size, media.mime, media.width, media.height, created)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def store_file(self, path: Path, **kwargs: object) -> StoredMedia:
        """Keep an image file (an importer's unpacked export); the size is checked before reading."""
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise MediaRejected(f"{path}: cannot read ({exc.strerror})") from None
        if size > self.settings.media_max_bytes:
            raise MediaRejected(f"{path}: {size} bytes is more than the {self.settings.media_max_bytes} allowed")
        return self.store_bytes(path.read_bytes(), source=kwargs.pop("source", None) or str(path), **kwargs)  # type: ignore[arg-type]

    def store_export_member(self, archive: zipfile.ZipFile, name: str, **kwargs: object) -> StoredMedia:
        """Keep an image inside an export archive without unpacking it; the member's size is checked first."""
        label = f"{archive.filename or '<archive>'}!{name}"
        try:
            info = archive.getinfo(name)
        except KeyError:
            raise MediaRejected(f"{label}: no such member") from None
        limit = self.settings.media_max_bytes
        if info.file_size > limit:
            raise MediaRejected(f"{label}: {info.file_size} bytes is more than the {limit} allowed")
        with archive.open(info) as fh:
            # Read one byte past the limit: a member whose header lies about its size is still caught.
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise MediaRejected(f"{label}: more than the {limit} bytes allowed")
        return self.store_bytes(data, source=kwargs.pop("source", None) or label, **kwargs)  # type: ignore[arg-type]

    # ------------------------------------------------------------ reading

    def get(self, sha256: str) -> Media | None:
        with self.sessions() as s:
            return s.scalar(select(Media).where(Media.sha256 == sha256))

    def media_for_post(self, post_id: int) -> list[Media]:
        with self.sessions() as s:
            query = (select(Media).join(MediaLink, MediaLink.media_id == Media.id)
                     .where(MediaLink.post_id == post_id).order_by(MediaLink.id))
            return list(dict.fromkeys(s.scalars(query)))

    def account_usage(self, account_id: int) -> int:
        with self.sessions() as s:
            return int(s.scalar(select(func.coalesce(func.sum(Media.size), 0))
                                .where(Media.account_id == account_id)) or 0)

    def save_hands(self, sha256: str, hands: dict[str, object], model: str) -> None:
        """Keep what the gesture detector found in the image (for the review page's boxes)."""
        with self.sessions.begin() as s:
            media = s.scalar(select(Media).where(Media.sha256 == sha256))
            if media is None:
                raise LookupError(f"no media {sha256}")
            media.hands = hands
            media.hands_model = model
