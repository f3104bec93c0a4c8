"""The item page's bulk decision and keyboard shortcuts in real headless Chromium (Playwright).

Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from monitor.db.schema import Decision, ReviewItem
from monitor.db.session import session_factory
from monitor.review.neighbours import neighbours
from tests.identical_seed import add_identical
from tests.seed import user
from tests.test_web_browser import _sign_in, served  # noqa: F401 — a fixture
from tests.web_support import CHROMIUM, SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium "
                       "(apt-get install -y chromium)"),
]


def _item_id(url: str) -> int:
    return int(url.split("#", 1)[0].rsplit("/", 1)[1])


def test_bulk_decision_for_identical_likes(served, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    base, env = served
    added = add_identical(env)
    anchor, sari, dewi = env.data.items["budi_like"], added["sari_like"], added["dewi_like"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    _sign_in(page, base, "reviewer")
    page.goto(f"{base}/items/{anchor}")
    section = page.locator("#tindakan-identik")
    assert section.locator("h2").inner_text() == "2 tindakan identik lain"
    assert "joko" not in section.inner_text().lower()  # KAB-B's like is not offered
    boxes = page.locator("#bulk-form input[name=items]")
    assert boxes.count() == 3 and page.locator("#bulk-form input[name=items]:checked").count() == 3

    form = page.locator("#bulk-form")
    assert form.locator("fieldset[data-when=bukan_pelanggaran]").is_hidden()
    form.locator("input[name=verdict][value=bukan_pelanggaran]").check()
    assert form.locator("fieldset[data-when=bukan_pelanggaran]").is_visible()
    assert form.locator("fieldset[data-when=pelanggaran]").is_hidden()
    # The decision form of the item itself is left as it was.
    assert page.locator("#decision-form input[name=verdict]:checked").count() == 0
    master = page.locator("#bulk-form input[data-select-all]")
    assert master.is_checked()
    page.locator(f"#bulk-form input[name=items][value='{dewi}:']").uncheck()
    # "Pilih semua" follows the boxes: no longer ticked, half-ticked while some are.
    assert not master.is_checked() and master.evaluate("el => el.indeterminate")
    form.locator("select[name=reason]").select_option("official_duty")
    form.locator("textarea[name=note]").fill("Menyukai unggahan; bukan ajakan.")
    page.screenshot(path=str(SCREENSHOTS / "item-bulk.png"), full_page=True)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "Putusan “bukan pelanggaran” tersimpan untuk 2 item" in page.locator(".flash-ok").inner_text()
    # Dewi's like is still pending and is now the one identical act left.
    assert page.locator("#tindakan-identik h2").inner_text() == "1 tindakan identik lain"

    with session_factory(env.url)() as s:
        decided = {d.review_item_id: d.verdict for d in s.scalars(select(Decision))}
        assert decided == {anchor: "bukan_pelanggaran", sari: "bukan_pelanggaran"}
        assert s.get(ReviewItem, dewi).status == "pending"  # type: ignore[union-attr]


def test_keyboard_shortcuts_on_the_item_page(served, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    base, env = served
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    _sign_in(page, base, "reviewer")
    page.click("#take-next")
    page.wait_for_url(f"{base}/items/*")
    first = _item_id(page.url)

    # ? opens the help, Esc closes it.
    help_box = page.locator("#shortcut-help")
    assert help_box.is_hidden()
    page.keyboard.press("?")
    assert help_box.is_visible()
    assert "Pintasan papan ketik" in help_box.inner_text() and "Item berikutnya dalam antrean" in help_box.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "item-shortcuts.png"))
    page.keyboard.press("Escape")
    assert help_box.is_hidden()

    # 2 chooses the second verdict of the form.
    form = page.locator("#decision-form")
    page.keyboard.press("2")
    assert form.locator("input[name=verdict][value=bukan_pelanggaran]").is_checked()
    assert form.locator("fieldset[data-when=bukan_pelanggaran]").is_visible()
    form.locator("select[name=reason]").select_option("official_duty")

    # Typing in a text field types: no verdict changes, no help, no navigation.
    note = form.locator("textarea[name=note]")
    note.click()
    page.keyboard.type("Akun resmi dinas: 1 j k ? 3")
    assert note.input_value() == "Akun resmi dinas: 1 j k ? 3"
    assert form.locator("input[name=verdict][value=bukan_pelanggaran]").is_checked()
    assert help_box.is_hidden() and _item_id(page.url) == first

    # Ctrl+Enter saves from the text field, and the form goes on to the next item.
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    second = _item_id(page.url)
    assert second != first and "tersimpan" in page.locator(".flash-ok").inner_text()
    with session_factory(env.url)() as s:
        decision = s.scalar(select(Decision).where(Decision.review_item_id == first))
        assert decision is not None and decision.verdict == "bukan_pelanggaran"
        assert decision.note == "Akun resmi dinas: 1 j k ? 3" and decision.reason == "official_duty"
        expected = neighbours(s, user(s, "reviewer"), s.get(ReviewItem, second))  # type: ignore[arg-type]
    assert expected.next_id is not None

    # j goes to the next item in queue order, k back to the previous one.
    with page.expect_navigation():
        page.keyboard.press("j")
    assert _item_id(page.url) == expected.next_id
    with page.expect_navigation():
        page.keyboard.press("k")
    assert _item_id(page.url) == second
