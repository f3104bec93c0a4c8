"""The media store: content-addressed images, real decoding, limits, quota, links; bad files refused cleanly."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from monitor.config import Settings, reset_settings_cache
from monitor.db.schema import Media, MediaLink, Post
from monitor.db.session import session_scope
from spiders.items import PostItem
from spiders.media import MediaRejected, MediaStore, QuotaExceeded, inspect_image
from spiders.media_pipeline import image_urls
from spiders.store import IngestStore
from tests.conftest import REPO
from tests.declared import add_declared

HANDS = Path(__file__).resolve().parent.parent / "models" / "photos" / "data"
PHOTO = HANDS / "mediapipe-hagrid" / "four" / "06aa70cc-a12a-4b1e-85cf-e54d44c19a3a.jpg"


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims ``width``×``height`` pixels, followed by a tiny IDAT and IEND."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "blue", "green")]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def test_photo_is_stored_once_by_sha256_with_its_facts(db_url: str, netra_home: Path) -> None:
    store = MediaStore(db_url)
    data = PHOTO.read_bytes()
    first = store.store_bytes(data, source="https://cdn.example/a.jpg")
    again = store.store_bytes(data, source="https://cdn.example/same-bytes-other-url.jpg")
    assert first.created and not again.created and first.id == again.id
    assert first.path == netra_home / "media" / first.sha256[:2] / first.sha256[2:4] / first.sha256
    assert first.path.read_bytes() == data
    assert (first.mime, first.size) == ("image/jpeg", len(data))
    with Image.open(PHOTO) as im:
        assert (first.width, first.height) == im.size
    with session_scope(db_url) as s:
        assert s.scalar(select(Media.sha256)) == first.sha256
        assert len(s.scalars(select(Media)).all()) == 1


def test_links_tie_media_to_posts_and_evidence(db_url: str) -> None:
    ingest = IngestStore(db_url)
    item = PostItem(platform="bluesky", external_id="at://did:plc:x/app.bsky.feed.post/1", text="foto",
                    raw=b'{"uri":"x"}', source_url="https://api.example/post")
    post = ingest.ingest_post(item)
    evidence_id = ingest.evidence_versions(item.subject_key)[0].id
    store = MediaStore(db_url)
    stored = store.store_bytes(PHOTO.read_bytes(), source="https://cdn.example/a.jpg", post_id=post.id,
                               evidence_id=evidence_id)
    store.store_bytes(PHOTO.read_bytes(), source="https://cdn.example/a.jpg", post_id=post.id)  # repeat: no new link
    assert [m.sha256 for m in store.media_for_post(post.id)] == [stored.sha256]
    with session_scope(db_url) as s:
        links = s.scalars(select(MediaLink)).all()
        assert [(lk.post_id, lk.evidence_id) for lk in links] == [(post.id, evidence_id)]
        assert s.get(Post, post.id) is not None


def test_the_type_comes_from_decoding_not_the_name(sqlite_db: str, tmp_path: Path) -> None:
    store = MediaStore(sqlite_db)
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"<html>not an image</html>")
    with pytest.raises(MediaRejected, match="photo.jpg: not a readable image"):
        store.store_file(fake)
    png = io.BytesIO()
    Image.new("RGB", (10, 6), "white").save(png, format="PNG")
    named_jpg = tmp_path / "really-a-png.jpg"
    named_jpg.write_bytes(png.getvalue())
    assert store.store_file(named_jpg).mime == "image/png"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("truncated", PHOTO.read_bytes()[:4000], "not a readable image"),
        ("bomb", png_header_claiming(100_000, 100_000), "decompression bomb"),
        ("animation", animated_gif(), "an animation"),
        ("empty", b"", "empty file"),
    ],
)
def test_bad_files_are_refused_with_a_reason_and_nothing_written(
    sqlite_db: str, netra_home: Path, name: str, data: bytes, reason: str
) -> None:
    store = MediaStore(sqlite_db)
    with pytest.raises(MediaRejected, match=reason) as caught:
        store.store_bytes(data, source=f"https://cdn.example/{name}")
    assert f"https://cdn.example/{name}" in str(caught.value)
    assert not (netra_home / "media").exists() or not any(p.is_file() for p in (netra_home / "media").rglob("*"))
    with session_scope(sqlite_db) as s:
        assert s.scalars(select(Media)).all() == []


def test_size_and_pixel_limits(sqlite_db: str) -> None:
    data = PHOTO.read_bytes()
    with pytest.raises(MediaRejected, match="more than the 1000 allowed"):
        MediaStore(sqlite_db, settings=Settings(media_max_bytes=1000)).store_bytes(data, source="big")
    with pytest.raises(MediaRejected, match="decompression bomb guard"):
        inspect_image(data, max_pixels=1000, source="x")


def test_limits_and_folder_from_the_environment(sqlite_db: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The NETRA_MEDIA_* names of the former media-only settings keep working in the one Settings.
    monkeypatch.setenv("NETRA_MEDIA_MAX_BYTES", "1000")
    monkeypatch.setenv("NETRA_MEDIA_DIR", str(tmp_path / "images"))
    reset_settings_cache()
    store = MediaStore(sqlite_db)
    assert store.root == tmp_path / "images"
    with pytest.raises(MediaRejected, match="more than the 1000 allowed"):
        store.store_bytes(PHOTO.read_bytes(), source="big")


def test_account_quota(sqlite_db: str) -> None:
    account_id = add_declared(sqlite_db, "bluesky", "budi.bsky.social")
    photos = sorted((HANDS / "mediapipe-hagrid" / "rock").glob("*.jpg"))[:3]
    sizes = [p.stat().st_size for p in photos]
    store = MediaStore(sqlite_db, settings=Settings(media_account_quota_bytes=sizes[0] + sizes[1]))
    store.store_bytes(photos[0].read_bytes(), source="a", account_id=account_id)
    store.store_bytes(photos[1].read_bytes(), source="b", account_id=account_id)
    with pytest.raises(QuotaExceeded, match=f"account {account_id}"):
        store.store_bytes(photos[2].read_bytes(), source="c", account_id=account_id)
    # A file already kept costs nothing more, and other accounts' media do not count.
    store.store_bytes(photos[0].read_bytes(), source="a-again", account_id=account_id)
    store.store_bytes(photos[2].read_bytes(), source="c", account_id=None)
    assert store.account_usage(account_id) == sizes[0] + sizes[1]


def test_export_member_is_stored_without_unpacking(sqlite_db: str, tmp_path: Path) -> None:
    archive_path = tmp_path / "export.zip"
    with zipfile.ZipFile(archive_path, "w") as zf:
        zf.writestr("data/tweets_media/1-a.jpg", PHOTO.read_bytes())
        zf.writestr("data/tweets_media/2-b.jpg", b"\xff\xd8\xff\xe0 truncated")
    store = MediaStore(sqlite_db)
    with zipfile.ZipFile(archive_path) as zf:
        stored = store.store_export_member(zf, "data/tweets_media/1-a.jpg")
        assert stored.path.read_bytes() == PHOTO.read_bytes()
        with pytest.raises(MediaRejected, match=r"export.zip!data/tweets_media/2-b.jpg: not a readable image"):
            store.store_export_member(zf, "data/tweets_media/2-b.jpg")
        with pytest.raises(MediaRejected, match="no such member"):
            store.store_export_member(zf, "missing.jpg")


def test_path_for_refuses_anything_but_a_digest(sqlite_db: str) -> None:
    with pytest.raises(ValueError):
        MediaStore(sqlite_db).path_for("../../etc/passwd")


def test_image_urls_from_bluesky_and_mastodon_extras() -> None:
    post = PostItem(platform="bluesky", external_id="1", extras={"media": [
        {"type": "image", "url": "https://cdn.bsky.app/img/feed_fullsize/a@jpeg", "alt": ""},
        {"type": "video", "url": "https://video.bsky.app/x/playlist.m3u8"},
        {"type": "gifv", "url": "https://files.example/x.mp4"},
        {"type": "image", "url": "https://cdn.bsky.app/img/feed_fullsize/a@jpeg"},
        {"type": "image", "url": None},
        "junk",
    ]})
    assert image_urls(post, limit=10) == ["https://cdn.bsky.app/img/feed_fullsize/a@jpeg"]


@pytest.mark.slow
def test_media_pipeline_keeps_post_images_in_a_real_crawl(sqlite_db: str, netra_home: Path) -> None:
    """Real Scrapy engine and HTTP: a good photo is kept and linked; broken ones are refused; posts all stored."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from monitor.db.schema import Activity, CrawlRun
    from tests.media_crawl import crawl_photo_posts

    bodies = {
        "/good.jpg": ("image/jpeg", PHOTO.read_bytes()),
        "/truncated.jpg": ("image/jpeg", PHOTO.read_bytes()[:3000]),
        "/page.jpg": ("text/html", b"<html>login wall</html>"),
        "/anim.gif": ("image/gif", animated_gif()),
    }

    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 — http.server's name
            requested.append(self.path)
            found = bodies.get(self.path)
            if found is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", found[0])
            self.send_header("Content-Length", str(len(found[1])))
            self.end_headers()
            self.wfile.write(found[1])

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    account_id = add_declared(sqlite_db, "bluesky", "budi.bsky.social")
    posts = [
        {"id": "at://budi/post/1", "text": "foto acara", "media": [
            {"type": "image", "url": f"{base}/good.jpg"}, {"type": "video", "url": f"{base}/clip.m3u8"}]},
        {"id": "at://budi/post/2", "text": "rusak", "media": [
            {"type": "image", "url": f"{base}/truncated.jpg"}, {"type": "image", "url": f"{base}/page.jpg"},
            {"type": "image", "url": f"{base}/anim.gif"}, {"type": "image", "url": f"{base}/missing.jpg"}]},
    ]
    try:
        assert crawl_photo_posts(sqlite_db, posts, account_id, RETRY_ENABLED=False, LOG_LEVEL="ERROR") == 0
        assert requested.count("/good.jpg") == 1 and "/clip.m3u8" not in requested
        # A re-crawl does not fetch a kept image again; the refused ones are tried again.
        assert crawl_photo_posts(sqlite_db, posts, account_id, RETRY_ENABLED=False, LOG_LEVEL="ERROR") == 0
        assert requested.count("/good.jpg") == 1 and requested.count("/truncated.jpg") == 2
    finally:
        server.shutdown()
    with session_scope(sqlite_db) as s:
        assert len(s.scalars(select(Activity)).all()) == 2  # no image problem lost a post
        media = s.scalars(select(Media)).all()
        assert [(m.mime, m.account_id) for m in media] == [("image/jpeg", account_id)]
        link = s.scalar(select(MediaLink))
        post = s.get(Post, link.post_id)
        assert post.external_id == "at://budi/post/1" and link.source_url == f"{base}/good.jpg"
        assert link.evidence_id is not None
        assert [run.status for run in s.scalars(select(CrawlRun))] == ["succeeded", "succeeded"]
    stored = MediaStore(sqlite_db).path_for(media[0].sha256)
    assert stored.read_bytes() == PHOTO.read_bytes() and stored.is_relative_to(netra_home / "media")


def test_truncated_image_refused_even_after_weasyprint_import(tmp_path: Path) -> None:
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process when imported."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    from spiders.media import MediaRejected, inspect_image

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    photo = next((REPO / "models" / "photos" / "data" / "fingerpose").glob("*.jpg")).read_bytes()
    with pytest.raises(MediaRejected, match="not a readable image"):
        inspect_image(photo[: len(photo) // 2], max_pixels=40_000_000, source="half.jpg")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # restored for WeasyPrint
