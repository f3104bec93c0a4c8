"""Tips in the web app (``/tautan``): who may hand in links, what a submission stores, and the whole journey in
real headless Chromium — paste three links, watch them being captured, open the review items they became.

Captures run for real (browser, yt-dlp, guard proxy) against the local site of ``tests/capture_site.py``.
The classifier is a small deterministic stand-in set on ``app.state.classifier`` — the hook
``monitor.web.classifier`` documents for tests — so the journey does not wait for the model to load;
``tests/test_capture.py`` classifies with the bundled model. Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence

import pytest
from sqlalchemy import select

from models.infer import ClassifyInput, ClassifyResult
from monitor.capture.tips import TipInput, create_tips
from monitor.db.schema import AuditLog, CaptureTip, Evidence, ReviewItem, User
from monitor.db.session import session_factory
from monitor.web.app import create_app
from spiders.store import HOST
from tests import capture_site
from tests.seed import PASSWORD
from tests.web_support import CHROMIUM, SCREENSHOTS, WebEnv, chromium, make_env, post, serve


class SupportFake:
    """Flags acts that name candidate 2 (Hendra, HERAH, "nomor 2", "dua jari"), as the bundled model does."""

    model_version = "fake-support-1"
    threshold = 0.5

    def classify(self, inputs: Sequence[ClassifyInput], profile: object) -> list[ClassifyResult]:
        out = []
        for item in inputs:
            text = f"{item.text} {item.context or ''}".lower()
            hit = any(cue in text for cue in ("hendra", "herah", "nomor 2", "dua jari"))
            out.append(ClassifyResult(id=item.id, flagged=hit, score=0.93 if hit else 0.05,
                                      stance="support" if hit else "none", hate=False,
                                      candidate="k2" if hit else None, party=None, cues=["dua jari"] if hit else [],
                                      model_version=self.model_version, profile_id=profile.id))  # type: ignore[attr-defined]
        return out


@pytest.fixture
def web(sqlite_db: str) -> Iterator[tuple[WebEnv, str, capture_site.Site, dict[str, int]]]:
    env = make_env(sqlite_db)
    with capture_site.serve() as (base, site):
        with session_factory(sqlite_db)() as s:
            accounts = capture_site.add_authors(s, env.data.agencies["KAB-A"])
        env.settings = env.settings.model_copy(update={
            "capture_allow_hosts": [base.removeprefix("http://")], "capture_delay_s": {"default": 0},
            "capture_timeout_s": 10})
        yield env, base, site, accounts


def _rows(url: str, model: type) -> list:  # type: ignore[type-arg]
    with session_factory(url)() as s:
        return list(s.scalars(select(model).order_by(model.id)))  # type: ignore[attr-defined]


def test_tips_are_for_supervisors_reviewers_and_admins_only(web: tuple[WebEnv, str, capture_site.Site, dict]) -> None:
    env, _base, _site, _ = web
    auditor = env.client("auditor_a")
    assert auditor.get("/tautan").status_code == 403
    assert 'href="/tautan"' not in auditor.get("/queue").text
    reviewer = env.client("reviewer")
    page = reviewer.get("/tautan")
    assert page.status_code == 200 and 'href="/tautan"' in page.text and "Rujukan pelapor" in page.text
    anonymous = env.client()
    assert anonymous.get("/tautan").status_code == 303
    assert anonymous.post("/tautan", data={"links": "https://x.com/a/status/1"}).status_code in (303, 403)


def test_a_submission_is_checked_before_anything_is_stored(web: tuple[WebEnv, str, capture_site.Site, dict]) -> None:
    env, _base, _site, _ = web
    client = env.client("supervisor")
    no_token = client.post("/tautan", data={"links": "https://www.instagram.com/p/C8sUkm2PqXr/"})
    assert no_token.status_code == 403
    # A refusal is a redirect back to the form (post/redirect/get): it shows the reason and what was typed
    # once, and a refresh of that page is a plain GET that posts nothing again.
    def refused(data: dict[str, str]) -> str:
        answer = post(client, "/tautan", data, token_from="/tautan")
        assert answer.status_code == 303 and answer.headers["location"] == "/tautan#tips-form"
        page = client.get("/tautan")
        assert page.status_code == 200 and 'id="tips-error"' in page.text
        again = client.get("/tautan")
        assert 'id="tips-error"' not in again.text
        return page.text

    assert "sedikitnya satu tautan" in refused({"links": "  \n ", "note": "dari hotline"})
    many = refused({"links": "\n".join(f"https://x.com/a/status/{i}" for i in range(60))})
    assert "Paling banyak 50 tautan" in many and "https://x.com/a/status/59" in many
    half = refused({"links": "https://example.org/", "platform": "instagram", "reporter": "Surat 12/2029"})
    assert "platform dan akun bersama-sama" in half and 'value="Surat 12/2029"' in half
    assert '<option value="instagram" selected>' in half
    assert "Pilih platform dari daftar" in refused({"links": "https://example.org/", "platform": "myspace",
                                                     "account": "@a"})
    assert _rows(env.url, CaptureTip) == []


def test_a_batch_is_shown_to_its_submitter_and_admins_only_and_dead_workers_leave_failed_tips(
    web: tuple[WebEnv, str, capture_site.Site, dict],
) -> None:
    env, _base, _site, _ = web
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with session_factory(env.url)() as s:
        supervisor = s.scalar(select(User).where(User.username == "supervisor"))
        batch, (first, second) = create_tips(s, [TipInput("https://www.instagram.com/p/C8sUkm2PqXr/"),
                                                 TipInput("https://www.tiktok.com/@bambang.h/video/1")],
                                             source="web", user=supervisor, note="aduan", reporter="B-17/2029")
        for tip_id, state in ((first, "capturing"), (second, "failed")):
            tip = s.get(CaptureTip, tip_id)
            tip.state, tip.host, tip.pid = state, HOST, dead.pid
        s.get(CaptureTip, second).reason = "login_wall"
        s.get(CaptureTip, second).error = "the platform asks to log in; Netra never logs in"
        s.commit()
    page = env.client("supervisor").get(f"/tautan/{batch}")
    assert page.status_code == 200 and "B-17/2029" in page.text
    assert "2 dari 2 tautan selesai" in page.text and 'http-equiv="refresh"' not in page.text
    assert "Server berhenti sebelum tautan ini ditangkap" in page.text  # the dead process's tip, closed
    assert "Platform meminta masuk (login)" in page.text
    assert "Netra never logs in" not in page.text  # the capture's own (English, technical) line stays off the page
    assert [t.reason for t in _rows(env.url, CaptureTip)] == ["interrupted", "login_wall"]
    assert env.client("reviewer_b").get(f"/tautan/{batch}").status_code == 404
    assert env.client("reviewer").get(f"/tautan/{batch}").status_code == 404  # same agency, another submitter
    assert env.client("admin").get(f"/tautan/{batch}").status_code == 200
    assert env.client("supervisor").get("/tautan/not-a-batch").status_code == 404


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium")
def test_paste_three_links_watch_them_captured_and_open_the_items(
    web: tuple[WebEnv, str, capture_site.Site, dict],
) -> None:
    env, base, _site, _ = web
    app = create_app(env.settings)
    app.state.classifier = SupportFake()
    with serve(app, lifespan="on") as app_url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{app_url}/queue")
        page.fill("input[name=username]", "supervisor")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{app_url}/queue")
        page.click("nav >> text=Kiriman tautan")
        links = [base + capture_site.IG_POST, base + capture_site.TIKTOK_POST, base + capture_site.FACEBOOK_POST]
        page.fill("textarea[name=links]", "\n".join(links))
        page.fill("textarea[name=note]", "Laporan warga lewat kanal aduan")
        page.fill("input[name=reporter]", "ADUAN-2029-0117")
        page.click("#tips-form button[type=submit]")
        page.wait_for_url(f"{app_url}/tautan/*")
        assert page.locator("#tips tr.tip").count() == 3
        page.wait_for_selector('#batch[data-finished="1"]', timeout=180_000)  # the page refreshes itself
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "tips-batch.png"), full_page=True)
        assert page.locator("#batch-progress").inner_text() == "3 dari 3 tautan selesai"
        assert page.locator('#tips tr.tip[data-state="captured"]').count() == 3
        assert "ADUAN-2029-0117" in page.content()
        item_links = page.locator("#tips a.tip-item")
        assert item_links.count() == 3
        hrefs = [item_links.nth(i).get_attribute("href") for i in range(3)]
        for href, caption in zip(hrefs, ("ig", "tiktok", "facebook"), strict=True):
            page.goto(app_url + str(href))
            assert capture_site.CAPTIONS[caption][:40] in page.locator("#captured-text").inner_text()
            shot = page.locator("#capture-screenshot img")
            shot.wait_for()
            page.wait_for_function("img => img.complete && img.naturalWidth === 1280", arg=shot.element_handle())
            assert "versi 1" in page.locator("#capture-evidence").inner_text()
        page.goto(app_url + str(hrefs[0]))
        page.wait_for_function("() => document.querySelector('#capture-screenshot img').naturalWidth > 0")
        page.screenshot(path=str(SCREENSHOTS / "tips-item.png"), full_page=True)
    tips = _rows(env.url, CaptureTip)
    assert [(t.state, t.username, t.reporter, t.source) for t in tips] == [
        ("captured", "supervisor", "ADUAN-2029-0117", "web")] * 3
    with session_factory(env.url)() as s:
        queued = {i.activity_id: i.id for i in s.scalars(select(ReviewItem))}
        assert [f"/items/{queued[t.activity_id]}" for t in tips] == hrefs
        shots = s.scalars(select(Evidence).where(Evidence.media_type == "image/png")).all()
        assert len(shots) == 3
        actions = [a.action for a in s.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert "tips_submitted" in actions and actions.count("view_screenshot") >= 3


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium")
def test_screenshots_are_served_to_those_who_may_see_the_item_only(
    web: tuple[WebEnv, str, capture_site.Site, dict],
) -> None:
    from monitor.capture.tips import classify_acts
    from monitor.registry.profiles import active_profile
    from spiders.capture.run import Capturer, CaptureRequest

    env, base, _site, _ = web
    with Capturer(env.settings) as capturer:
        result = capturer.capture(CaptureRequest(base + capture_site.IG_POST))
    assert result.status == "captured" and result.activity_id is not None, result.error
    with session_factory(env.url)() as s:
        profile = active_profile(s)
        assert profile is not None
        classify_acts(s, [result.activity_id], SupportFake(), profile)  # type: ignore[arg-type]
        shot = s.scalar(select(Evidence).where(Evidence.media_type == "image/png"))
        page_html = s.scalar(select(Evidence).where(Evidence.media_type.like("text/html%")))
        item = s.scalar(select(ReviewItem).where(ReviewItem.activity_id == result.activity_id))
    assert shot is not None and page_html is not None and item is not None
    path = f"/bukti/{shot.id}/tangkapan-layar.png"
    reviewer = env.client("reviewer")
    got = reviewer.get(path)
    assert got.status_code == 200 and got.headers["content-type"] == "image/png" and got.content == shot.raw
    assert f'src="{path}"' in reviewer.get(f"/items/{item.id}").text
    assert env.client("reviewer_b").get(path).status_code == 404  # KAB-B may not see KAB-A's item
    assert reviewer.get(f"/bukti/{page_html.id}/tangkapan-layar.png").status_code == 404  # screenshots only
    assert env.client().get(path).status_code == 303  # signed out: to the sign-in page


