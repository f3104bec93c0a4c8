"""``netra capture`` in real headless Chromium and yt-dlp against a local site of platform post pages.

The site (``tests/capture_site.py``) serves the pages as the platforms publish them; nothing is
mocked: the browser loads them through the guard proxy, yt-dlp reads them, the ingestion store
keeps them. Covers: screenshot + HTML + metadata with hashes, the author matched to the registry,
classification and queueing (the bundled model, text and photo gestures), recapture that adds
nothing, an edited post that adds a version, a removed post marked deleted with its evidence
kept, login walls reported failed, SSRF and non-http links refused, a page that never finishes,
no video downloaded, every platform's page shape, and the watch of public profile pages.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from monitor.config import Settings
from monitor.db.schema import (
    Account,
    Activity,
    CaptureTip,
    CaptureWatch,
    Classification,
    CrawlRun,
    Employee,
    Evidence,
    Media,
    MediaLink,
    Post,
    ReviewItem,
)
from monitor.db.session import session_factory
from spiders.capture.run import Capturer, CaptureRequest, CaptureResult
from tests import capture_site

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium"),
]


@dataclass
class Env:
    url: str  # database
    base: str  # the local site
    site: capture_site.Site
    accounts: dict[str, int]
    settings: Settings

    def link(self, path: str) -> str:
        return self.base + path

    def session(self) -> Session:
        return session_factory(self.url)()

    def count(self, model: type) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0

    def capture(self, *requests: CaptureRequest, **changes: object) -> list[CaptureResult]:
        settings = self.settings.model_copy(update=changes) if changes else self.settings
        with Capturer(settings) as capturer:
            return [capturer.capture(r) for r in requests]


def _env(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    with capture_site.serve() as (base, site):
        with session_factory(url)() as s:
            accounts = capture_site.seed_registry(s)
        host = base.removeprefix("http://")
        monkeypatch.setenv("NETRA_CAPTURE_ALLOW_HOSTS", host)
        monkeypatch.setenv("NETRA_CAPTURE_DELAY_S", '{"default": 0}')
        monkeypatch.setenv("NETRA_CAPTURE_TIMEOUT_S", "10")
        settings = Settings(database_url=url, capture_allow_hosts=[host], capture_delay_s={"default": 0},
                            capture_timeout_s=10)
        yield Env(url, base, site, accounts, settings)


@pytest.fixture
def env(sqlite_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    yield from _env(sqlite_db, monkeypatch)


@pytest.fixture
def any_env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    yield from _env(db_url, monkeypatch)


def _versions(env: Env, platform: str, key: str) -> dict[str, list[Evidence]]:
    with env.session() as s:
        rows = list(s.scalars(select(Evidence).where(Evidence.subject_key.in_(
            [f"{platform}:post:{key}", f"{platform}:capture-html:{key}", f"{platform}:capture-screenshot:{key}"]))
            .order_by(Evidence.id)))
    out: dict[str, list[Evidence]] = {"record": [], "html": [], "screenshot": []}
    for row in rows:
        kind = "html" if ":capture-html:" in row.subject_key else "screenshot" if "screenshot" in row.subject_key \
            else "record"
        out[kind].append(row)
    return out


def test_netra_capture_keeps_evidence_with_hashes_matches_the_author_classifies_and_queues(env: Env) -> None:
    from monitor.cli import app

    links = [env.link(capture_site.IG_POST), env.link(capture_site.TIKTOK_POST), env.link(capture_site.NEUTRAL_POST)]
    result = CliRunner().invoke(app, ["capture", *links, "--note", "aduan warga no. 17"])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert result.exit_code == 0, result.output
    assert [set(line) for line in lines] == [{"url", "status", "activity_id", "evidence_sha256", "platform",
                                               "handle", "error"}] * 3
    assert [(x["url"], x["status"], x["platform"], x["handle"], x["error"]) for x in lines] == [
        (links[0], "captured", "instagram", "rina.pratiwi", None), (links[1], "captured", "tiktok", "bambang.h", None),
        (links[2], "captured", "instagram", "rina.pratiwi", None)]

    evidence = _versions(env, "instagram", "C8sUkm2PqXr")
    record, html, shot = evidence["record"][0], evidence["html"][0], evidence["screenshot"][0]
    for row in (record, html, shot):
        assert hashlib.sha256(row.raw).hexdigest() == row.sha256 and row.source == "capture:instagram"
        assert row.source_url == links[0] and row.version == 1 and row.post_id is not None
    assert lines[0]["evidence_sha256"] == record.sha256
    image = Image.open(io.BytesIO(shot.raw))
    assert (image.format, image.width) == ("PNG", 1280) and shot.media_type == "image/png"
    assert "Salam dua jari untuk Sukamaju" in html.raw.decode("utf-8") and html.media_type.startswith("text/html")
    meta = json.loads(record.raw)
    assert meta["capture"]["final_url"] == links[0] and meta["capture"]["http_status"] == 200
    assert meta["capture"]["html_sha256"] == html.sha256 and meta["capture"]["screenshot_sha256"] == shot.sha256
    assert meta["capture"]["captured_at"] and meta["extractor"]["name"] == "yt-dlp"
    assert meta["page"]["json_ld"][0]["@type"] == "SocialMediaPosting"
    assert meta["post"]["author_handle"] == "rina.pratiwi" and meta["post"]["counts"] == {"likes": 1204,
                                                                                          "comments": 87}
    assert meta["post"]["posted_at"] == "2029-10-12T02:15:02+00:00"
    assert "aduan warga" not in record.raw.decode("utf-8")  # the tip's note is not evidence of the post

    with env.session() as s:
        act = s.get(Activity, lines[0]["activity_id"])
        assert act is not None and act.account_id == env.accounts["rina.pratiwi"] and act.kind == "photo"
        assert act.evidence_id == record.id and act.source == "capture:instagram"
        assert act.post.url == "https://www.instagram.com/p/C8sUkm2PqXr/" and "#SukamajuBerubah" in act.text
        tiktok = s.get(Activity, lines[1]["activity_id"])
        assert tiktok is not None and tiktok.kind == "post"  # a video: its cover is a picture, not a photo post
        assert tiktok.text == capture_site.CAPTIONS["tiktok"] and tiktok.occurred_at is not None
        photos = s.scalars(select(Media).join(MediaLink).where(MediaLink.post_id == act.post_id)).all()
        assert len(photos) == 1 and photos[0].hands is not None  # the photo's hands were read by the classifier
        flags = {c.activity_id: c for c in s.scalars(select(Classification))}
        assert flags[act.id].flagged and flags[act.id].stance == "support" and flags[act.id].candidate == "k2"
        assert any(cue.startswith("gesture:two") for cue in flags[act.id].cues)
        assert not flags[lines[2]["activity_id"]].flagged
        queued = {i.activity_id for i in s.scalars(select(ReviewItem))}
        assert act.id in queued and tiktok.id in queued and lines[2]["activity_id"] not in queued
        tips = s.scalars(select(CaptureTip).order_by(CaptureTip.id)).all()
        assert [(t.state, t.activity_id, t.source, t.note) for t in tips] == [
            ("captured", x["activity_id"], "cli", "aduan warga no. 17") for x in lines]
        run = s.get(CrawlRun, tips[0].crawl_run_id)
        assert run is not None and run.spider == "capture" and run.status == "succeeded" and run.items_seen == 3


def test_recapture_adds_nothing_and_an_edited_post_adds_a_version(any_env: Env) -> None:
    env = any_env
    link = CaptureRequest(env.link(capture_site.IG_POST))
    first, again = env.capture(link, link)
    assert (first.status, again.status) == ("captured", "unchanged")
    assert again.activity_id == first.activity_id and again.evidence_sha256 == first.evidence_sha256
    before = (env.count(Evidence), env.count(Post), env.count(Activity), env.count(Media), env.count(MediaLink))
    assert before[0] == 3

    env.site.captions["ig"] += " (diedit: salam dua jari!)"
    (edited,) = env.capture(link)
    assert edited.status == "captured" and edited.activity_id == first.activity_id
    assert edited.evidence_sha256 != first.evidence_sha256
    versions = _versions(env, "instagram", "C8sUkm2PqXr")
    assert {k: [v.version for v in rows] for k, rows in versions.items()} == {
        "record": [1, 2], "html": [1, 2], "screenshot": [1, 2]}
    assert "(diedit" not in versions["html"][0].raw.decode() and "(diedit" in versions["html"][1].raw.decode()
    with env.session() as s:
        act = s.get(Activity, first.activity_id)
        assert act is not None and act.text.endswith("(diedit: salam dua jari!)")
        assert act.evidence_id == versions["record"][0].id  # the act still points at what was first seen
    assert (env.count(Post), env.count(Activity)) == before[1:3]
    (unchanged,) = env.capture(link)
    assert unchanged.status == "unchanged" and env.count(Evidence) == 6


def test_a_removed_post_is_marked_deleted_and_its_evidence_kept(env: Env) -> None:
    link = CaptureRequest(env.link(capture_site.IG_REMOVABLE))
    (first,) = env.capture(link)
    assert first.status == "captured"
    env.site.removed.add(capture_site.IG_REMOVABLE)
    (gone,) = env.capture(link)
    assert gone.status == "failed" and gone.code == "removed" and gone.activity_id == first.activity_id
    assert "the post is gone (HTTP 404)" in (gone.error or "") and "kept and marked deleted" in (gone.error or "")
    with env.session() as s:
        post = s.scalar(select(Post).where(Post.external_id == "C7Hapus0001"))
        assert post is not None and post.deleted_at is not None
    assert len(_versions(env, "instagram", "C7Hapus0001")["record"]) == 1 and env.count(Evidence) == 3
    (never,) = env.capture(CaptureRequest(env.link("/p/C4TakPernah/")))
    assert never.code == "removed" and "nothing was captured of it before" in (never.error or "")


def test_login_walls_and_consent_pages_are_reported_failed_and_never_stored_as_the_post(env: Env) -> None:
    instagram, facebook, youtube = env.capture(CaptureRequest(env.link(capture_site.IG_WALLED)),
                                               CaptureRequest(env.link(capture_site.FACEBOOK_WALL)),
                                               CaptureRequest(env.link(capture_site.CONSENT_WALLED)))
    assert (instagram.status, instagram.code) == ("failed", "login_wall")
    assert "asks to log in" in (instagram.error or "") and "/accounts/login/" in (instagram.error or "")
    assert (facebook.status, facebook.code) == ("failed", "login_wall")
    assert "you must log in" in (facebook.error or "")
    assert (youtube.status, youtube.code) == ("failed", "consent")
    assert "nothing was accepted on anyone's behalf" in (youtube.error or "")
    assert (env.count(Post), env.count(Evidence), env.count(Activity)) == (0, 0, 0)


def test_private_addresses_and_other_schemes_are_refused(env: Env) -> None:
    with capture_site.serve() as (private_base, private_site):  # a second local server, not allow-listed
        results = env.capture(
            CaptureRequest(private_base + capture_site.IG_POST),
            CaptureRequest(env.link(f"/redirect?to={private_base}{capture_site.IG_POST}")),
            CaptureRequest(env.link(f"/redirect?to=http://localhost:{private_base.rsplit(':', 1)[1]}/")),
            CaptureRequest("file:///etc/passwd"), CaptureRequest("javascript:alert(document.cookie)"),
            CaptureRequest("http://169.254.169.254/latest/meta-data/"),
            CaptureRequest(env.link(f"/gambar-lokal?src={private_base}/media/fb-photo.png"), account="x:budisantoso"),
        )
        assert private_site.hits == {}  # nothing ever reached the private server
    direct, redirected, named, file_url, script, metadata, page = results
    assert (direct.code, redirected.code, named.code) == ("refused", "refused", "refused")
    assert "127.0.0.1 is a loopback address" in (direct.error or "")
    assert "redirected to" in (redirected.error or "") and "loopback" in (redirected.error or "")
    assert "localhost (127.0.0.1) is a loopback address" in (named.error or "")
    assert "only http and https" in (file_url.error or "") and "only http and https" in (script.error or "")
    assert "169.254.169.254 is a link-local address" in (metadata.error or "")
    # The page itself is public to the capture; its image on the private host was refused, not fetched.
    assert page.status == "captured", page.error
    with env.session() as s:
        record = s.scalar(select(Evidence).where(Evidence.subject_key.like("x:post:page:%")))
        assert record is not None
        blocked = json.loads(record.raw)["capture"]["blocked_requests"]
    assert any("loopback" in b["reason"] and private_base.removeprefix("http://") in b["target"] for b in blocked)
    assert env.count(Post) == 1


def test_a_page_that_never_finishes_fails_within_the_timeout(env: Env) -> None:
    started = time.monotonic()
    (slow,) = env.capture(CaptureRequest(env.link(capture_site.SLOW_PAGE)), capture_timeout_s=3)
    assert (slow.status, slow.code) == ("failed", "timeout")
    assert slow.error == "the page did not finish loading within 3 s" and time.monotonic() - started < 30


def test_every_platform_page_becomes_its_platform_post_of_the_declared_author(env: Env) -> None:
    cases = {
        capture_site.TIKTOK_POST: ("tiktok", "bambang.h", "7431234567890123456", "post"),
        capture_site.FACEBOOK_POST: ("facebook", "yohana.simanjuntak", "pfbid02Kq7mJ3xNv8", "photo"),
        capture_site.THREADS_POST: ("instagram", "rina.pratiwi", "threads:DAq9Zk1xYzT", "post"),
        capture_site.X_POST: ("x", "budisantoso", "1845123456789012345", "post"),
        capture_site.YOUTUBE_POST: ("youtube", "@sitirahayu", "Xq3LmT0aBcD", "post"),
    }
    results = env.capture(*[CaptureRequest(env.link(path)) for path in cases],
                          CaptureRequest(env.link(capture_site.STRANGER_POST)))
    *posts, stranger = results
    with env.session() as s:
        for (path, (platform, handle, key, kind)), result in zip(cases.items(), posts, strict=True):
            assert (result.status, result.platform, result.handle) == ("captured", platform, handle), result.error
            act = s.get(Activity, result.activity_id)
            assert act is not None and act.kind == kind and act.post.external_id == key
            assert act.post.platform == platform and act.account_id == env.accounts[handle], path
        x_post = s.scalar(select(Post).where(Post.external_id == "1845123456789012345"))
        assert x_post is not None and x_post.text == capture_site.CAPTIONS["x"]  # unquoted from X's og:description
        youtube = s.scalar(select(Post).where(Post.external_id == "Xq3LmT0aBcD"))
        assert youtube is not None and youtube.posted_at is not None and youtube.extras["author_name"] == "Siti Rahayu"
    assert (stranger.status, stranger.code, stranger.handle) == ("failed", "no_account", "orang.lain")
    assert "not a declared instagram account; nothing was kept" in (stranger.error or "")
    assert env.count(Post) == len(cases)


def test_a_video_page_is_read_by_the_extractors_generic_path_without_downloading_the_video(env: Env) -> None:
    (unnamed,) = env.capture(CaptureRequest(env.link(capture_site.VIDEO_PAGE)))
    assert unnamed.code == "unknown_platform" and "--account" in (unnamed.error or "")
    (video,) = env.capture(CaptureRequest(env.link(capture_site.VIDEO_PAGE), account="x:budisantoso"),
                           capture_max_screenshot_height=400)
    assert video.status == "captured" and video.handle == "budisantoso"
    with env.session() as s:
        record = s.scalar(select(Evidence).where(Evidence.subject_key.like("x:post:page:%")))
        shot = s.scalar(select(Evidence).where(Evidence.subject_key.like("x:capture-screenshot:page:%")))
        assert record is not None and shot is not None
        meta = json.loads(record.raw)
    assert Image.open(io.BytesIO(shot.raw)).size == (1280, 400)  # the page is taller: cut at the limit
    assert meta["capture"]["screenshot"]["cut"] is True and meta["capture"]["screenshot"]["page_height"] > 400
    info = meta["extractor"]["info"]
    assert info["extractor_key"] in ("Generic", "HTML5MediaEmbed") and info["webpage_url"] == env.link(
        capture_site.VIDEO_PAGE)
    assert meta["post"]["has_video"] and meta["post"]["posted_at"] == "2029-10-10T01:00:00+00:00"
    assert meta["capture"]["account_given"] is True
    assert env.site.hits["/media/clip.mp4"] == 0  # neither the browser nor yt-dlp fetched the video file
    assert env.site.hits["/media/video-poster.jpg"] >= 1


def test_the_watch_captures_new_posts_of_public_profiles_and_stops_at_a_login_wall(env: Env) -> None:
    from monitor.capture.watch import watch_profiles

    with env.session() as s:  # a third TikTok account, after the walled one: not looked at once the wall is met
        employee = s.scalar(select(Employee).where(Employee.name == "Siti Rahayu"))
        assert employee is not None
        s.add(Account(employee_id=employee.id, platform="tiktok", handle="siti.rahayu"))
        s.commit()
    settings = env.settings.model_copy(update={
        "capture_watch_platforms": ["tiktok"], "capture_watch_profile_urls": {"tiktok": env.base + "/@{handle}"}})
    first = watch_profiles(settings)
    assert (first.accounts, first.looked, first.new_posts, first.captured, first.skipped) == (3, 2, 2, 2, 1)
    assert len(first.walls) == 1 and first.walls[0].startswith("tiktok:ratna.kusumawati: the platform asks to log in")
    assert env.site.hits["/@siti.rahayu"] == 0
    with env.session() as s:
        acts = s.scalars(select(Activity).where(Activity.account_id == env.accounts["bambang.h"])).all()
        assert sorted(a.post.external_id for a in acts) == ["7431234567890123456", "7439999999999999999"]
        watches = {w.account_id: w for w in s.scalars(select(CaptureWatch))}
        assert watches[env.accounts["bambang.h"]].state == "ok"
        assert sorted(watches[env.accounts["bambang.h"]].seen) == ["7431234567890123456", "7439999999999999999"]
        walled = watches[env.accounts["ratna.kusumawati"]]
        assert walled.state == "login_wall" and "never logs in" in (walled.message or "")
        run = s.get(CrawlRun, first.run_id)
        assert run is not None and run.status == "partial" and "log in" in run.error_log[0]["error"]
    again = watch_profiles(settings)
    assert (again.new_posts, again.captured) == (0, 0) and env.count(Evidence) == 6
