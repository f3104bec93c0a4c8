"""Four eyes (issue 17) in real headless Chromium: two reviewers in browsers of their own disagree, the item goes
to the supervisor, the supervisor decides, and every decision stays visible to all of them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from monitor.db.schema import ReviewItem
from monitor.db.session import session_factory
from monitor.web.app import create_app
from tests.test_web_browser import _sign_in
from tests.web_support import CHROMIUM, SCREENSHOTS, WebEnv, make_env, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium "
                       "(apt-get install -y chromium)"),
]


@pytest.fixture
def served(sqlite_db: str) -> Iterator[tuple[str, WebEnv]]:
    env = make_env(sqlite_db)
    with serve(create_app(env.settings.model_copy(update={"four_eyes": True})), lifespan="on") as base:
        yield base, env


def _save(page) -> None:  # type: ignore[no-untyped-def]
    if page.locator("#next-item").count():
        page.uncheck("#next-item")  # stay on the item to see what the decision did
    with page.expect_navigation():
        page.click("#decision-form button[type=submit]")


def _history(page) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(verdict, four-eyes stage) of each decision shown, newest first."""
    entries = page.locator("ol.history li")
    return [(entries.nth(i).locator(".verdict").inner_text(), entries.nth(i).locator(".four-eyes").inner_text())
            for i in range(entries.count())]


def test_disagreement_goes_to_the_supervisor_in_two_browsers(served, browser) -> None:  # type: ignore[no-untyped-def]
    base, env = served
    first = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID").new_page()
    _sign_in(first, base, "reviewer")
    first.click("#take-next")
    first.wait_for_url(f"{base}/items/*")
    item_id = int(first.url.rsplit("/", 1)[1])
    item_url = f"{base}/items/{item_id}"

    # Reviewer A: a breach. It does not count yet; A sees that it awaits a second reviewer and has no form.
    first.check("input[name=verdict][value=pelanggaran]")
    first.select_option("#violation_code", "social_campaign")
    first.select_option("select[name=candidate]", "k1")
    first.fill("textarea[name=note]", "Ajakan mencoblos nomor 1 di akun pribadi.")
    _save(first)
    assert first.url == item_url
    assert "baru berlaku setelah dikonfirmasi peninjau kedua" in first.locator(".flash-ok").inner_text()
    assert "belum berlaku" in first.locator("#four-eyes").inner_text()
    assert "peninjau lain yang harus mengonfirmasinya" in first.locator("#four-eyes-block").inner_text()
    assert first.locator("#decision-form").count() == 0
    assert first.locator("h1 .status").inner_text() == "menunggu"

    # Reviewer B, in a browser of their own, sees the pending verdict and disagrees.
    second = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID").new_page()
    _sign_in(second, base, "reviewer2")
    second.goto(item_url)
    assert _history(second) == [("pelanggaran", "menunggu konfirmasi peninjau kedua")]
    assert "belum berlaku" in second.locator("#four-eyes").inner_text()
    second.check("input[name=verdict][value=bukan_pelanggaran]")
    assert second.locator("fieldset[data-when=pelanggaran]").is_hidden()
    second.select_option("select[name=reason]", "same_name")
    second.fill("textarea[name=note]", "Akun milik orang lain dengan nama sama.")
    _save(second)
    assert "diteruskan kepada supervisor" in second.locator(".flash-ok").inner_text()
    assert second.locator("h1 .status").inner_text() == "eskalasi"
    assert "Kedua peninjau berbeda pendapat" in second.locator("#four-eyes").inner_text()
    assert "diputus oleh supervisor" in second.locator("#four-eyes-block").inner_text()
    assert second.locator("#decision-form").count() == 0
    first.reload()  # neither reviewer settles it
    assert first.locator("#decision-form").count() == 0
    assert "diputus oleh supervisor" in first.locator("#four-eyes-block").inner_text()

    # The supervisor finds it among the escalated items and decides.
    boss = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID").new_page()
    _sign_in(boss, base, "supervisor")
    boss.goto(f"{base}/queue?status=escalated")
    boss.click(f"a[href='/items/{item_id}']")
    boss.wait_for_url(item_url)
    boss.check("input[name=verdict][value=pelanggaran]")
    boss.select_option("#violation_code", "social_campaign")
    boss.select_option("select[name=candidate]", "k1")
    boss.fill("textarea[name=note]", "Tagar kampanye dan ajakan mencoblos: pelanggaran.")
    _save(boss)
    assert "Perbedaan pendapat diputus" in boss.locator(".flash-ok").inner_text()
    assert boss.locator("h1 .status").inner_text() == "diputus"
    assert boss.locator("#four-eyes").count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    boss.screenshot(path=str(SCREENSHOTS / "item-four-eyes-resolved.png"), full_page=True)

    # Both reviewers' decisions stay, with their stage, for everyone.
    expected = [("pelanggaran", "putusan supervisor atas perbedaan pendapat"),
                ("bukan pelanggaran", "berbeda pendapat — diteruskan kepada supervisor"),
                ("pelanggaran", "menunggu konfirmasi peninjau kedua")]
    for page in (boss, first, second):
        page.reload()
        assert _history(page) == expected
        notes = page.locator("ol.history li .note").all_inner_texts()
        assert notes == ["Tagar kampanye dan ajakan mencoblos: pelanggaran.",
                         "Akun milik orang lain dengan nama sama.", "Ajakan mencoblos nomor 1 di akun pribadi."]
    who = boss.locator("ol.history li").all_inner_texts()
    assert "Supervisor" in who[0] and "Reviewer2" in who[1] and "Reviewer ·" in who[2]
    # The supervisor's statistics count the pair: no agreement, and the second reviewer reversed by the supervisor.
    boss.click("nav.mainnav a[href='/statistik-peninjau']")
    boss.wait_for_url(f"{base}/statistik-peninjau")
    row = boss.locator("#reviewer-stats tr[data-reviewer=reviewer2]")
    assert row.locator("td[data-label='Kesepakatan']").inner_text().startswith("0,0% (0/1)")
    assert row.locator("td[data-label='Kappa Cohen']").inner_text() == "0,00"
    assert row.locator("td[data-label='Dibalik']").inner_text().startswith("1 dari 1")
    boss.screenshot(path=str(SCREENSHOTS / "reviewer-stats.png"), full_page=True)
    with session_factory(env.url)() as s:
        item = s.get(ReviewItem, item_id)
        assert item is not None and item.status == "decided"
        assert [(d.verdict, d.four_eyes) for d in item.decisions] == [
            ("pelanggaran", "awaiting"), ("bukan_pelanggaran", "disputed"), ("pelanggaran", "resolved")]
