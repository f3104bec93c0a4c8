"""Searching the queue in real headless Chromium (Playwright), and keeping the search as a saved filter."""

from __future__ import annotations

import re

import pytest

from tests.test_web_browser import _sign_in, served  # noqa: F401 — a fixture
from tests.web_support import CHROMIUM, SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium"),
]


# The fixtures come from test_web_browser (imported above), hence the names redefined here.
def test_reviewer_searches_the_queue_and_saves_the_search(served, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    base, env = served
    items = env.data.items
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID").new_page()
    _sign_in(page, base, "reviewer")
    rows = page.locator("table.queue-table tbody tr")
    assert rows.count() == 5

    page.fill("#queue-q", "kampa")
    with page.expect_navigation():
        page.press("#queue-q", "Enter")
    assert re.search(r"[?&]q=kampa(&|$)", page.url)
    assert rows.count() == 1
    assert rows.locator(f"a[href='/items/{items['budi_like']}']").count() >= 1
    for other in ("budi_post", "sari_comment", "sari_hostile", "budi_deleted"):
        assert page.locator(f"a[href='/items/{items[other]}']").count() == 0, other
    assert "Kampanye akbar" in rows.inner_text()
    assert page.input_value("#queue-q") == "kampa"

    # A name finds that ASN's items, with the search button this time.
    page.fill("#queue-q", "Wulandari")
    with page.expect_navigation():
        page.click("#queue-search-button")
    assert rows.count() == 2 and "Sari Wulandari" in rows.first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "queue-search.png"), full_page=True)

    # Saved under a name, listed, and applied later from a clean queue.
    page.click("#saved-filters summary")
    page.fill("#save-filter-form input[name=name]", "Sari")
    with page.expect_navigation():
        page.click("#save-filter-form button[type=submit]")
    assert "disimpan" in page.locator(".flash-ok").inner_text()
    page.goto(f"{base}/queue")
    assert rows.count() == 5
    with page.expect_navigation():
        page.click("#saved-filters a.saved-apply:text('Sari')")
    assert rows.count() == 2
    assert page.input_value("#queue-q") == "Wulandari"
