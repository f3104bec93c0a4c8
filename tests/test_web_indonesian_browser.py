"""Every page in Indonesian, as Chromium renders it (issue 17, defect 7).

tests/test_web_indonesian.py walks every page and refusal through the server's HTML; this reads what a
person sees in a real browser after the page's script ran: the body's rendered text, the attributes a
browser shows (title, alt, placeholder, aria-label), and the keyboard help overlay opened with "?".
"""

from __future__ import annotations

import pytest

from tests.test_web_browser import _sign_in, served  # noqa: F401 — a fixture
from tests.test_web_indonesian import FORBIDDEN
from tests.web_support import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium"),
]

SHOWN = """() => {
  const parts = [document.body.innerText];
  for (const el of document.querySelectorAll('[title], [alt], [placeholder], [aria-label]')) {
    for (const name of ['title', 'alt', 'placeholder', 'aria-label']) {
      const value = el.getAttribute(name);
      if (value) parts.push(value);
    }
  }
  return parts.join('\\n');
}"""


def _english_or_codes(page) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted({m.group(1) for m in FORBIDDEN.finditer(page.evaluate(SHOWN))})


# The fixtures come from test_web_browser (imported above), hence the names redefined here.
def test_every_page_reads_in_indonesian_in_the_browser(served, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    base, env = served
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID").new_page()
    _sign_in(page, base, "admin")
    paths = ["/queue", "/queue?status=all", "/queue?status=bogus", "/laporan", "/audit", "/statistik-peninjau",
             "/swa-audit", "/tautan", "/items/999999"]
    paths += [f"/items/{item_id}" for item_id in env.data.items.values()]
    seen = 0
    for path in paths:
        page.goto(base + path)
        assert _english_or_codes(page) == [], path
        seen += 1
    assert seen == len(paths)

    # The keyboard help overlay, opened as a reviewer would open it.
    page.goto(f"{base}/items/{next(iter(env.data.items.values()))}")
    page.keyboard.press("?")
    overlay = page.locator("#shortcut-help")
    assert overlay.is_visible()
    assert "Pintasan papan ketik" in overlay.inner_text()
    assert _english_or_codes(page) == []
