"""Capturing URLs: one :class:`Capturer` (a guard proxy, a browser, a crawl run) for a series of links.

For each link: refuse what may not be fetched; load it in the browser (screenshot, HTML, final
URL, status); recognise a login wall, a consent page or a post that is gone; read yt-dlp's
metadata; fold it all into the post; match its author to a declared account (or take the
account given); store post, act and evidence; keep the post's pictures in the media store.
Every outcome is a :class:`CaptureResult` — ``captured``, ``unchanged`` or ``failed`` with one
line saying why — and a failed link never stops the others.

Politeness: loads of the same host wait ``capture_delay_s`` (per site) for each other and never
overlap within a process (:class:`HostPace`).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from monitor.config import Settings, get_settings
from monitor.db.schema import Account
from spiders.capture.browser import Browser, LoadFailed, PageLoad
from spiders.capture.extractor import Extracted, extract
from spiders.capture.guard import AllowList, GuardProxy, Policy, UrlRefused, fetch, parse_target
from spiders.capture.post import CapturedPost, NotCapturable, build, has_post_content, which_post
from spiders.capture.recognise import SITE_LABELS, not_the_post, site_of
from spiders.capture.store import CaptureStore, StoredCapture, match_account
from spiders.capture.structured import PageData, read
from spiders.media import MediaRejected, MediaStore
from spiders.platforms import InvalidHandle, normalise_handle, normalise_platform

log = logging.getLogger(__name__)

SPIDER = "capture"
STATUSES = ("captured", "unchanged", "failed")


@dataclass
class CaptureRequest:
    """One link to capture and, optionally, whose act it is."""

    url: str
    account: str | None = None  # "platform:handle"
    platform: str | None = None  # the CSV's platform column
    handle: str | None = None  # the CSV's akun column
    account_id: int | None = None  # a declared account already known (the watch)


@dataclass
class CaptureResult:
    url: str
    status: str
    activity_id: int | None = None
    evidence_sha256: str | None = None
    platform: str | None = None
    handle: str | None = None
    error: str | None = None
    code: str | None = None  # the kind of failure: refused, timeout, login_wall, consent, removed, no_account…
    post_id: int | None = None
    account_id: int | None = None
    final_url: str | None = None
    http_status: int | None = None
    changed: bool = False
    warnings: list[str] = field(default_factory=list)

    def line(self) -> dict[str, Any]:
        """The JSON line of ``netra capture`` (docs/interfaces.md §7)."""
        return {"url": self.url, "status": self.status, "activity_id": self.activity_id,
                "evidence_sha256": self.evidence_sha256, "platform": self.platform, "handle": self.handle,
                "error": self.error}


class CaptureFailed(Exception):
    def __init__(self, code: str, message: str, **known: Any) -> None:
        super().__init__(message)
        self.code = code
        self.known = known


class HostPace:
    """One page load per host at a time in this process, ``delay`` seconds apart."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}

    @contextmanager
    def turn(self, host: str, delay_s: float) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = self._last.get(host, 0.0) + delay_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()


PACE = HostPace()


def delay_for(settings: Settings, site: str | None) -> float:
    table = settings.capture_delay_s
    return float(table.get(site or "", table.get("default", 0.0)))


class Capturer:
    """Captures links one after the other with one browser and one guard proxy; a crawl run records them."""

    def __init__(self, settings: Settings | None = None, *, sessions: sessionmaker[Session] | None = None,
                 database_url: str | None = None, label: str | None = None) -> None:
        self.settings = settings or get_settings()
        self.store = CaptureStore(database_url or self.settings.resolved_database_url, sessions=sessions)
        self.media = MediaStore(sessions=self.store.sessions, settings=self.settings)
        self.policy = Policy(AllowList.parse(self.settings.capture_allow_hosts))
        self.label = label
        self.proxy: GuardProxy | None = None
        self._browser: Browser | None = None
        self.run_id: int | None = None

    # ------------------------------------------------------------------ life cycle

    def __enter__(self) -> Capturer:
        timeout = self.settings.capture_timeout_s
        self.proxy = GuardProxy(self.policy, connect_timeout_s=min(15.0, timeout),
                                connection_max_s=max(timeout * 2, 30.0),
                                max_bytes=self.settings.capture_max_transfer_bytes).start()
        self.run_id = self.store.start_run(SPIDER, None, self.label)
        return self

    def __exit__(self, exc_type: object, *_rest: object) -> None:
        try:
            if self._browser is not None:
                self._browser.__exit__(None, None, None)
        finally:
            self._browser = None
            if self.proxy is not None:
                self.proxy.stop()
            if self.run_id is not None:
                self.store.finish_run(self.run_id, failed=exc_type is not None)

    @property
    def browser(self) -> Browser:
        if self._browser is None:
            assert self.proxy is not None, "use the Capturer as a context manager"
            self._browser = Browser(self.proxy, timeout_s=self.settings.capture_timeout_s,
                                    max_screenshot_height=self.settings.capture_max_screenshot_height,
                                    executable=self.settings.capture_chromium,
                                    timezone=self.settings.timezone).__enter__()
        return self._browser

    # ------------------------------------------------------------------ one link

    def capture(self, request: CaptureRequest) -> CaptureResult:
        url = (request.url or "").strip()
        try:
            result = self._capture(request, url)
        except CaptureFailed as failed:
            result = CaptureResult(url=url, status="failed", error=str(failed), code=failed.code, **failed.known)
        except Exception as exc:  # noqa: BLE001 — one link's fault is that link's failure line
            log.exception("capture of %s failed", url)
            result = CaptureResult(url=url, status="failed", code="error",
                                   error=f"internal error: {type(exc).__name__}: {exc}"[:500])
        if self.run_id is not None:
            self.store.add_counts(self.run_id, seen=1, stored=1 if result.status == "captured" else 0)
            if result.status == "failed":
                self.store.record_error(self.run_id, account=result.handle, url=url, error=result.error or "")
            else:
                self.store.heartbeat(self.run_id)
        return result

    def _declared(self, request: CaptureRequest) -> Account | None:
        """The account the request names (``--account``, the CSV's columns, the watch), or ``None``."""
        with self.store.sessions() as s:
            if request.account_id is not None:
                account = s.get(Account, request.account_id)
                if account is None:
                    raise CaptureFailed("no_account", f"declared account {request.account_id} no longer exists")
                return account
            platform_raw, handle_raw = request.platform, request.handle
            if request.account:
                platform_raw, sep, handle_raw = request.account.partition(":")
                if not sep:
                    raise CaptureFailed("bad_account", f"{request.account!r}: give the account as PLATFORM:HANDLE")
            if not (handle_raw or "").strip():
                return None
            try:
                platform = normalise_platform(platform_raw or "")
                handle = normalise_handle(platform, handle_raw or "")
            except InvalidHandle as exc:
                raise CaptureFailed("bad_account", str(exc)) from None
            account = match_account(s, platform, [handle])
            if account is None:
                raise CaptureFailed("no_account", f"no declared account {platform}:{handle} in the registry",
                                    platform=platform, handle=handle)
            return account

    def _capture(self, request: CaptureRequest, url: str) -> CaptureResult:
        try:
            target = self.policy.vet_url(url)
        except UrlRefused as exc:
            raise CaptureFailed("refused", str(exc)) from None
        declared = self._declared(request)
        assert self.proxy is not None, "use the Capturer as a context manager"
        site = site_of(url)
        with PACE.turn(target.host, delay_for(self.settings, site)):
            self.proxy.begin(self.settings.capture_max_transfer_bytes)
            try:
                page = self.browser.load(url)
            except LoadFailed as exc:
                raise CaptureFailed(exc.code, str(exc)) from None
            except UrlRefused as exc:
                raise CaptureFailed("refused", str(exc)) from None
            html = page.html.encode("utf-8")
            if len(html) > self.settings.capture_max_html_bytes:
                raise CaptureFailed("too_large", f"the page's HTML is {len(html)} bytes, more than the "
                                    f"{self.settings.capture_max_html_bytes} allowed (NETRA_CAPTURE_MAX_HTML_BYTES)",
                                    final_url=page.final_url, http_status=page.status)
            data = read(page.html, page.final_url)
            trust = self.trusted(page.final_url)
            ref = which_post(page, data, None, trust_claims=trust)
            has_post = has_post_content(data) and (ref is not None or site_of(page.final_url) is None)
            problem = not_the_post(page.final_url, page.status, page.text, page.title, has_post=has_post,
                                   has_password_field=page.has_password_field)
            if problem is not None:
                if problem.code == "removed":
                    return self._removed(url, page, data, ref, problem.reason, trust)
                raise CaptureFailed(problem.code, problem.reason, final_url=page.final_url, http_status=page.status)
            extracted = extract(page.final_url, proxy=self.proxy.url, timeout_s=self.settings.capture_timeout_s,
                                max_bytes=self.settings.capture_max_metadata_bytes)
            try:
                post = build(page, data, extracted,
                             platform_hint=declared.platform if declared is not None else None, trust_claims=trust)
            except NotCapturable as exc:
                raise CaptureFailed(exc.code, str(exc), final_url=page.final_url, http_status=page.status) from None
            account = self._author(post, declared)
            record = self._record(request, page, data, extracted, post)
            stored = self.store.store_capture(account_id=account.id, post=post, record=record, html=html,
                                              screenshot=page.screenshot, source_url=page.final_url,
                                              crawl_run_id=self.run_id)
            warnings = self._keep_pictures(post, stored, account.id) if stored.changed else []
        return CaptureResult(
            url=url, status="captured" if stored.created else "unchanged", activity_id=stored.activity_id,
            evidence_sha256=stored.evidence_sha256, platform=account.platform, handle=account.handle,
            post_id=stored.post_id, account_id=account.id, final_url=page.final_url, http_status=page.status,
            changed=stored.changed, warnings=warnings)

    def trusted(self, final_url: str) -> bool:
        """Whether a page's claims about which post it is may be believed: an allow-listed host's pages only."""
        try:
            target = parse_target(final_url)
        except UrlRefused:
            return False
        return self.policy.allow.allows(target.host, target.port)

    def _author(self, post: CapturedPost, declared: Account | None) -> Account:
        if declared is not None:
            if post.site is not None and declared.platform != post.platform:
                label = SITE_LABELS.get(post.site, post.site)
                raise CaptureFailed("wrong_platform", f"the link is a {label} post, the account given is on "
                                    f"{declared.platform}", platform=declared.platform, handle=declared.handle)
            return declared
        with self.store.sessions() as s:
            account = match_account(s, post.platform, post.handles)
        if account is None:
            who = post.author_handle or "(no author found on the page)"
            raise CaptureFailed("no_account", f"the author {who} is not a declared {post.platform} account; nothing "
                                "was kept (say whose act it is with --account PLATFORM:HANDLE)",
                                platform=post.platform, handle=post.author_handle)
        return account

    def _record(self, request: CaptureRequest, page: PageLoad, data: PageData, extracted: Extracted,
                post: CapturedPost) -> bytes:
        """The metadata record kept as the post's evidence (bounded by ``capture_max_metadata_bytes``)."""
        capture = {
            "requested_url": page.requested_url, "final_url": page.final_url, "redirects": page.redirects,
            "http_status": page.status, "content_type": page.content_type,
            "captured_at": page.captured_at.isoformat(), "title": page.title,
            "html_sha256": self.store.digest(page.html.encode("utf-8")), "html_bytes": len(page.html.encode("utf-8")),
            "screenshot_sha256": self.store.digest(page.screenshot),
            "screenshot": {"width": page.screenshot_width, "height": page.screenshot_height,
                           "page_height": page.page_height, "cut": page.screenshot_cut},
            "blocked_requests": page.blocked, "browser": "chromium (playwright), no login, fresh profile",
        }
        if request.account or request.handle or request.account_id is not None:
            capture["account_given"] = True
        record: dict[str, Any] = {"capture": capture, "post": post.as_record(), "page": data.as_record(),
                                  "extractor": extracted.as_record()}
        raw = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        limit = self.settings.capture_max_metadata_bytes
        if len(raw) > limit:
            # The page's own data is the part that grows without bound (JSON-LD of a whole feed): keep the rest.
            record["page"] = {"left_out": f"{len(raw)} bytes of structured data is more than the {limit} allowed"}
            raw = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        if len(raw) > limit:
            raise CaptureFailed("too_large", f"the capture's metadata is {len(raw)} bytes, more than the {limit} "
                                "allowed (NETRA_CAPTURE_MAX_METADATA_BYTES)", final_url=page.final_url)
        return raw

    def _keep_pictures(self, post: CapturedPost, stored: StoredCapture, account_id: int) -> list[str]:
        """The post's pictures (photos, a video's cover) in the media store, linked to the post; problems as lines."""
        assert self.proxy is not None
        warnings: list[str] = []
        for url in post.images[: self.settings.media_max_images_per_post]:
            try:
                got = fetch(url, self.proxy, max_bytes=self.settings.media_max_bytes,
                            timeout_s=self.settings.capture_timeout_s, user_agent=self.settings.user_agent)
                if got.status != 200:
                    raise MediaRejected(f"{url}: HTTP {got.status}")
                self.media.store_bytes(got.body, source=url, account_id=account_id, post_id=stored.post_id,
                                       evidence_id=stored.record_evidence_id)
            except (UrlRefused, MediaRejected, OSError) as exc:
                warnings.append(f"picture not kept: {exc}"[:300])
        return warnings

    def _removed(self, url: str, page: PageLoad, data: PageData, ref: Any, reason: str, trust: bool) -> CaptureResult:
        post_id = self.store.earlier_post(platform=ref.platform if ref else None,
                                          external_id=ref.external_id if ref else None,
                                          urls=[url, page.final_url, *page.redirects])
        if post_id is None:
            raise CaptureFailed("removed", f"{reason}; nothing was captured of it before", final_url=page.final_url,
                                http_status=page.status)
        removed = self.store.mark_removed(post_id)
        when = f" of {removed.first_captured_at[:10]}" if removed.first_captured_at else ""
        note = "marked deleted" if removed.newly_marked else "already marked deleted"
        raise CaptureFailed("removed", f"{reason}; the earlier capture{when} is kept and {note}",
                            activity_id=removed.activity_id, post_id=post_id, final_url=page.final_url,
                            http_status=page.status)


def capture_urls(requests: list[CaptureRequest], settings: Settings | None = None, *,
                 label: str | None = None) -> list[CaptureResult]:
    """Capture each link in turn (a convenience for scripts and tests)."""
    with Capturer(settings, label=label) as capturer:
        return [capturer.capture(r) for r in requests]
