"""The review app in real headless Chromium (Playwright): reviewer, supervisor and auditor journeys.

Screenshots of the queue and an item page go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from monitor.db.schema import Decision, ReviewItem
from monitor.db.session import session_factory
from monitor.web.app import create_app
from tests.seed import PASSWORD
from tests.web_support import CHROMIUM, SCREENSHOTS, WebEnv, make_env, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium "
                       "(apt-get install -y chromium)"),
]


@pytest.fixture
def served(sqlite_db: str) -> Iterator[tuple[str, WebEnv]]:
    env = make_env(sqlite_db)
    with serve(create_app(env.settings), lifespan="on") as base:
        yield base, env


def _sign_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/queue")
    assert "/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/queue")


def test_reviewer_signs_in_takes_an_item_and_decides(served, browser) -> None:  # type: ignore[no-untyped-def]
    base, env = served
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _sign_in(page, base, "reviewer")
    assert page.locator("h1").inner_text() == "Antrean tinjauan"
    rows = page.locator("table.queue-table tbody tr")
    assert rows.count() == 5  # KAB-A's items only
    assert page.locator("text=Joko Prasetyo").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=True)

    page.click("#take-next")
    page.wait_for_url(f"{base}/items/*")
    item_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator("#captured-text mark.cue").count() >= 1
    # Only the fields of the chosen verdict are shown (netra.js).
    assert page.locator("fieldset[data-when=pelanggaran]").is_hidden()
    page.check("input[name=verdict][value=pelanggaran]")
    assert page.locator("fieldset[data-when=pelanggaran]").is_visible()
    assert page.locator("fieldset[data-when=bukan_pelanggaran]").is_hidden()
    page.select_option("#violation_code", "social_campaign")
    ticked = page.eval_on_selector_all("input[name=clauses]:checked", "els => els.map(e => e.value)")
    assert ticked == ["ikrar-2", "ikrar-3"]
    page.select_option("select[name=candidate]", "k1")
    page.fill("textarea[name=note]", "Ajakan mencoblos nomor 1 dengan tagar kampanye.")
    page.screenshot(path=str(SCREENSHOTS / "item.png"), full_page=True)
    assert page.locator("#claim").inner_text().startswith("Anda memegang item ini sampai")
    assert page.is_checked("#next-item")  # saving goes on to the next item unless unticked
    with page.expect_navigation():
        page.click("#decision-form button[type=submit]")
    assert "tersimpan" in page.locator(".flash-ok").inner_text()
    assert "Ini item berikutnya" in page.locator(".flash-ok").inner_text()
    assert int(page.url.rsplit("/", 1)[1]) != item_id
    page.goto(f"{base}/items/{item_id}")
    assert page.locator(".history li.latest .verdict").inner_text() == "pelanggaran"

    with session_factory(env.url)() as s:
        item = s.get(ReviewItem, item_id)
        assert item is not None and item.status == "decided"
        decision = s.query(Decision).filter_by(review_item_id=item_id).one()
        assert decision.clause == "ikrar-2,ikrar-3" and decision.candidate == "k1"

    # The captured <script> in a post stays text: no dialog ever opens.
    page.goto(f"{base}/items/{env.data.items['sari_hostile']}")
    assert "<script>" in page.locator("#captured-text").inner_text()
    assert dialogs == []

    # On a phone the queue stacks into cards.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    _sign_in(mobile, base, "reviewer")
    assert mobile.locator("table.queue-table thead").is_hidden()
    mobile.screenshot(path=str(SCREENSHOTS / "queue-phone.png"), full_page=True)
    mobile.goto(f"{base}/items/{env.data.items['budi_like']}")
    mobile.screenshot(path=str(SCREENSHOTS / "item-phone.png"), full_page=True)
    phone.close()
    context.close()


def test_claim_is_shown_to_others_expires_and_is_released(served, browser) -> None:  # type: ignore[no-untyped-def]
    base, env = served
    holder = browser.new_context().new_page()
    _sign_in(holder, base, "reviewer")
    holder.click("#take-next")
    holder.wait_for_url(f"{base}/items/*")
    item_id = int(holder.url.rsplit("/", 1)[1])

    other = browser.new_context().new_page()  # a second reviewer, in a browser of their own
    _sign_in(other, base, "reviewer2")
    other.goto(f"{base}/items/{item_id}")
    assert "sedang dipegang oleh" in other.locator("#claim").inner_text()
    assert other.locator("#decision-form").count() == 0

    with session_factory(env.url)() as s:  # the claim runs out
        item = s.get(ReviewItem, item_id)
        assert item is not None and item.claimed_until is not None
        item.claimed_until = datetime.now(UTC) - timedelta(seconds=1)
        s.commit()
    other.reload()
    assert "berakhir pada" in other.locator("#claim").inner_text()
    assert other.locator("#decision-form").count() == 1

    # The holder takes it again (renewed), then lets it go: back in the pool, held by nobody.
    holder.goto(f"{base}/queue")
    holder.click("#take-next")
    holder.wait_for_url(f"{base}/items/{item_id}")
    with holder.expect_navigation():
        holder.click("#release-claim")
    assert holder.url.endswith("/queue") and f"Item #{item_id} dilepas" in holder.locator(".flash-ok").inner_text()
    with session_factory(env.url)() as s:
        item = s.get(ReviewItem, item_id)
        assert item is not None and item.assignee_id is None and item.claimed_until is None


def test_supervisor_assigns_work(served, browser) -> None:  # type: ignore[no-untyped-def]
    base, env = served
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    _sign_in(page, base, "supervisor")
    page.check("input[data-select-all]")
    assert page.locator("input[name=item_id]:checked").count() == 5
    page.locator("input[name=item_id]").nth(0).uncheck()
    page.select_option("#assignee", str(env.data.users["reviewer2"]))
    page.click("#assign-button")
    page.wait_for_selector(".flash-ok")
    assert "4 item ditugaskan" in page.locator(".flash-ok").inner_text()
    with session_factory(env.url)() as s:
        assigned = s.query(ReviewItem).filter_by(assignee_id=env.data.users["reviewer2"]).count()
    assert assigned == 4
    page.screenshot(path=str(SCREENSHOTS / "queue-supervisor.png"), full_page=True)


def test_agency_auditor_cannot_reach_another_agency(served, browser) -> None:  # type: ignore[no-untyped-def]
    base, env = served
    page = browser.new_page()
    _sign_in(page, base, "auditor_a")
    response = page.goto(f"{base}/items/{env.data.items['joko_photo']}")
    assert response is not None and response.status == 404
    assert "tidak ditemukan" in page.content()
    assert "Joko" not in page.content()
    page.goto(f"{base}/items/{env.data.items['budi_post']}")
    assert page.locator("text=Budi Santoso").count() >= 1
    assert page.locator("#decision-form").count() == 0  # read-only
    assert page.locator("#take-next").count() == 0
    # By export: the browser session's download holds none of the other agency's rows.
    export = page.request.get(f"{base}/export/queue.csv?status=all&agency={env.data.agencies['KAB-B']}")
    assert export.status == 200
    lines = export.text().strip().splitlines()
    assert len(lines) == 1 and lines[0].lstrip("\ufeff").startswith("Item;")
    everything = page.request.get(f"{base}/export/queue.csv?status=all").text()
    assert "Joko" not in everything and "Budi Santoso" in everything
