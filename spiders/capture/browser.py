"""Loading one public page in headless Chromium (Playwright): screenshot, rendered HTML, where it ended.

Every request of the browser goes through the capture's :class:`~spiders.capture.guard.GuardProxy`
(loopback included: Playwright adds ``<-loopback>`` to the bypass list), WebRTC may not open
its own UDP sockets, and media (video, audio) requests are aborted: a capture keeps metadata
and a poster frame, never a video file. Each page gets a fresh browser context — no cookies,
no storage, no signed-in session, ever.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.db.types import utcnow
from spiders.capture.guard import REFUSED_HEADER, GuardProxy, UrlRefused, parse_target

log = logging.getLogger(__name__)

# The browser's own traffic (updates, sign-in, safe browsing, translation) is off: a capture's requests are the
# page's, and the list of what the guard refused stays about the page.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--mute-audio", "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
                 "--webrtc-ip-handling-policy=disable_non_proxied_udp", "--disable-client-side-phishing-detection",
                 "--disable-default-apps", "--disable-domain-reliability", "--no-pings", "--disable-breakpad",
                 "--disable-features=OptimizationHints,MediaRouter,DialMediaRouteProvider,Translate,"
                 "AutofillServerCommunication,CertificateTransparencyComponentUpdater,SignInProfileCreation,"
                 "AccountConsistency,ChromeSignin"]
TEXT_LIMIT = 200_000  # characters of the page's visible text kept for recognising it
SETTLE_S = 2.0  # quiet time allowed after "load" for pages that render their post with scripts

_PAGE_FACTS = """() => {
  const root = document.documentElement;
  const body = document.body;
  const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  return {
    height: Math.max(root ? root.scrollHeight : 0, body ? body.scrollHeight : 0),
    text: body ? body.innerText : "",
    password: Array.from(document.querySelectorAll("input[type=password]")).some(visible),
    title: document.title || "",
    lang: root ? (root.getAttribute("lang") || "") : "",
  };
}"""


class LoadFailed(RuntimeError):
    """The page could not be captured; ``code`` says what kind of failure, the message says it in one line."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class PageLoad:
    """One page as the browser showed it."""

    requested_url: str
    final_url: str
    status: int | None
    captured_at: datetime
    html: str
    screenshot: bytes  # PNG
    screenshot_width: int
    screenshot_height: int
    page_height: int  # the whole page; taller than the screenshot when it was cut at the limit
    title: str
    text: str
    lang: str
    has_password_field: bool
    redirects: list[str] = field(default_factory=list)  # the main document's URLs before the final one
    content_type: str = ""
    blocked: list[dict[str, str]] = field(default_factory=list)  # requests the guard refused meanwhile

    @property
    def screenshot_cut(self) -> bool:
        return self.page_height > self.screenshot_height


def chromium_path(configured: Path | None) -> str | None:
    """The Chromium to run: the configured one, Debian's, or (``None``) Playwright's own download."""
    if configured is not None:
        return str(configured)
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found


class Browser:
    """One headless Chromium for a series of page loads (a tip batch, a watch run)."""

    def __init__(self, proxy: GuardProxy, *, timeout_s: float, max_screenshot_height: int,
                 viewport: tuple[int, int] = (1280, 900), executable: Path | None = None,
                 locale: str = "id-ID", timezone: str = "Asia/Jakarta") -> None:
        self.proxy = proxy
        self.timeout_s = timeout_s
        self.max_screenshot_height = max_screenshot_height
        self.viewport = viewport
        self.executable = executable
        self.locale = locale
        self.timezone = timezone
        self._pw: Any = None
        self._browser: Any = None

    def __enter__(self) -> Browser:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(
                executable_path=chromium_path(self.executable), args=CHROMIUM_ARGS, headless=True,
                proxy={"server": self.proxy.url}, timeout=60_000,
            )
        except Exception:
            self._pw.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            if self._pw is not None:
                self._pw.stop()
            self._browser = self._pw = None

    def load(self, url: str, *, screenshot: bool = True) -> PageLoad:
        """Load ``url`` and capture it; :class:`LoadFailed` when it cannot be (refused, timed out, no page)."""
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        target = parse_target(url)
        context = self._browser.new_context(
            viewport={"width": self.viewport[0], "height": self.viewport[1]}, locale=self.locale,
            timezone_id=self.timezone, accept_downloads=False, service_workers="block",
        )
        started = time.monotonic()
        try:
            page = context.new_page()
            page.set_default_timeout(self.timeout_s * 1000)
            # No video or audio is fetched: the page keeps its poster frame, the capture its metadata.
            page.route("**/*", lambda route: route.abort() if route.request.resource_type == "media"
                       else route.continue_())
            # Hosts the page itself asked for: what the guard refused of the browser's own traffic is not evidence.
            asked: set[tuple[str, int]] = set()
            page.on("request", lambda request: self._note(asked, request.url))
            try:
                response = page.goto(url, wait_until="domcontentloaded", timeout=self.timeout_s * 1000)
            except PlaywrightTimeout:
                raise LoadFailed("timeout", f"the page did not finish loading within {self.timeout_s:.0f} s") \
                    from None
            except PlaywrightError as exc:
                raise self._navigation_failure(target.host, target.port, exc) from None
            if response is None:
                raise LoadFailed("no_page", "the browser got no page for this link")
            refused = response.headers.get(REFUSED_HEADER.lower())
            if refused:
                hop = response.url
                raise LoadFailed("refused", refused if hop == url else f"redirected to {hop}: {refused}")
            remaining = max(0.5, self.timeout_s - (time.monotonic() - started))
            try:
                page.wait_for_load_state("load", timeout=remaining * 1000)
                page.wait_for_load_state("networkidle", timeout=SETTLE_S * 1000)
            except PlaywrightTimeout:
                pass  # a tracker that never ends does not make the post uncapturable
            final_url = page.url
            if not final_url.startswith(("http://", "https://")):
                raise self._left_the_web(final_url)
            try:
                final = parse_target(final_url)
            except UrlRefused as exc:
                raise LoadFailed("refused", str(exc)) from None
            refusal = self.proxy.refusal_for(final.host, final.port)
            if refusal is not None:
                raise LoadFailed("refused", f"redirected to {final_url}: {refusal.reason}")
            facts = page.evaluate(_PAGE_FACTS)
            html = page.content()
            png, width, height = (self._screenshot(page, int(facts["height"] or 0)) if screenshot
                                  else (b"", 0, 0))
            chain: list[str] = []
            request = response.request.redirected_from
            while request is not None:
                chain.insert(0, request.url)
                request = request.redirected_from
            if final_url != response.url:
                chain.append(response.url)  # a script or meta refresh moved on from the answered URL
            return PageLoad(
                requested_url=url, final_url=final_url, status=response.status, captured_at=utcnow(),
                html=html, screenshot=png, screenshot_width=width, screenshot_height=height,
                page_height=int(facts["height"] or 0), title=str(facts["title"] or ""),
                text=str(facts["text"] or "")[:TEXT_LIMIT], lang=str(facts["lang"] or ""),
                has_password_field=bool(facts["password"]), redirects=chain,
                content_type=response.headers.get("content-type", ""),
                blocked=[{"target": r.target, "reason": r.reason} for r in self.proxy.refusals()
                         if self._host_of(r.target) in asked][:50],
            )
        finally:
            context.close()

    @staticmethod
    def _note(asked: set[tuple[str, int]], url: str) -> None:
        if len(asked) < 2000 and url.startswith(("http://", "https://")):
            try:
                target = parse_target(url)
            except UrlRefused:
                return
            asked.add((target.host, target.port))

    @staticmethod
    def _host_of(target: str) -> tuple[str, int] | None:
        """``host:port`` (a CONNECT) or a URL (plain http) of a refusal, as the pair :meth:`_note` keeps."""
        if "://" in target:
            try:
                parsed = parse_target(target)
            except UrlRefused:
                return None
            return parsed.host, parsed.port
        host, _, port = target.rpartition(":")
        return (host.strip("[]"), int(port)) if port.isdigit() else None

    def _screenshot(self, page: Any, page_height: int) -> tuple[bytes, int, int]:
        width = self.viewport[0]
        height = max(1, min(page_height or self.viewport[1], self.max_screenshot_height))
        png = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height},
                              animations="disabled", caret="hide", type="png", timeout=self.timeout_s * 1000)
        return png, width, height

    def _navigation_failure(self, host: str, port: int, exc: Exception) -> LoadFailed:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        refusals = self.proxy.refusals()
        own = self.proxy.refusal_for(host, port)
        if own is not None:
            return LoadFailed("refused", own.reason)
        if refusals and ("ERR_TUNNEL_CONNECTION_FAILED" in message or "ERR_" in message):
            # A redirect led to a refused host: the first refusal is the hop that was stopped.
            return LoadFailed("refused", f"redirected to {refusals[0].target}: {refusals[0].reason}")
        if "Download is starting" in message or "ERR_ABORTED" in message:
            return LoadFailed("not_a_page", "the link is a file download, not a page")
        return LoadFailed("network", f"the page could not be loaded ({message.removeprefix('Page.goto: ')})")

    def _left_the_web(self, final_url: str) -> LoadFailed:
        refusals = self.proxy.refusals()
        if refusals:
            return LoadFailed("refused", f"redirected to {refusals[0].target}: {refusals[0].reason}")
        return LoadFailed("network", f"the page could not be shown ({final_url.split('#')[0][:100]})")
