"""The demo's captures: public post pages (Instagram, TikTok, Facebook) served locally, captured like tips.

The replay server also serves the pages of ``data/capture/`` under ``/halaman/`` — as the platforms
publish them to a logged-out browser, with their canonical ``og:url`` — and the demo hands their
links in as a supervisor would, through the same path as ``netra capture``: headless Chromium,
yt-dlp, the guard proxy (the replay server's own address is the one allow-listed host), evidence
with hashes, the author matched to the sample registry. The classify step that follows classifies
and queues them with everything crawled.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.config import reset_settings_cache
from monitor.demo import DEMO_DATA
from spiders.replay import ReplayServer, Reply

CAPTURE_PAGES = DEMO_DATA / "capture"
PAGE_PREFIX = "/halaman/"


@dataclass
class DemoCaptures:
    captured: int = 0
    failed: list[str] = field(default_factory=list)  # "url: reason"
    activity_ids: list[int] = field(default_factory=list)


def page_names() -> list[str]:
    return sorted(p.name for p in CAPTURE_PAGES.glob("*.html"))


def serve_capture_pages(server: ReplayServer, now: datetime) -> None:
    """Serve ``data/capture/*.html`` at ``/halaman/<file>`` with ``{base}`` and ``{posted_at}`` filled in."""
    posted_at = (now - timedelta(days=2)).replace(hour=9, minute=15, second=0, microsecond=0).isoformat()
    names = set(page_names())

    def page(path: str, _query: object) -> Reply:
        name = path.removeprefix(PAGE_PREFIX)
        if name not in names:
            return Reply(status=404, body=b"<html><body>Halaman tidak ditemukan</body></html>",
                         headers={"Content-Type": "text/html; charset=utf-8"})
        text = (CAPTURE_PAGES / name).read_text(encoding="utf-8")
        body = text.replace("{base}", server.base_url).replace("{posted_at}", posted_at)
        return Reply(body=body.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})

    server.add_handler(PAGE_PREFIX, page, prefix=True)


def capture_demo_pages(base_url: str) -> DemoCaptures:
    """Hand the pages in as tips and capture them (the replay server must be running)."""
    from monitor.capture.tips import TipInput, capture_tips, create_tips
    from monitor.db.session import session_factory, session_scope

    # The replay server is local: it is the one host the demo's captures may reach. No politeness delay to it.
    os.environ["NETRA_CAPTURE_ALLOW_HOSTS"] = base_url.removeprefix("http://").removeprefix("https://")
    os.environ["NETRA_CAPTURE_DELAY_S"] = '{"default": 0}'
    reset_settings_cache()
    with session_scope() as session:
        _batch, tip_ids = create_tips(session, [TipInput(base_url + PAGE_PREFIX + name) for name in page_names()],
                                      source="demo", username="demo", note="contoh kiriman tautan dari demo")
    out = DemoCaptures()
    for result in capture_tips(session_factory(), tip_ids, label="demo captures"):
        if result.status == "failed":
            out.failed.append(f"{result.url}: {result.error}")
        else:
            out.captured += 1
        if result.activity_id is not None:
            out.activity_ids.append(result.activity_id)
    return out
