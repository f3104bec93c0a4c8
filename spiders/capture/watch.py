"""Public profile pages: which posts a declared account's profile shows now (the scheduler's watch).

The profile is read first through yt-dlp's profile and playlist support (a YouTube channel's
videos tab, a TikTok profile where the platform lets it), flat — item URLs only, nothing of the
videos. When the extractor lists nothing, the page is loaded in the browser and its links to
posts are read. A profile behind a login wall or a consent page is reported as such: the watch
stops there and never signs in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spiders.capture.browser import LoadFailed
from spiders.capture.extractor import extract
from spiders.capture.guard import UrlRefused
from spiders.capture.recognise import PostRef, not_the_post, post_path_ref, post_ref
from spiders.capture.run import PACE, Capturer, delay_for
from spiders.capture.structured import read


@dataclass
class Listing:
    profile_url: str
    posts: list[tuple[str, str]] = field(default_factory=list)  # (post key, post URL), as the profile lists them
    wall: str | None = None  # the profile is behind a login wall or a consent page: why
    error: str | None = None  # it could not be read for another reason
    via: str = ""  # "yt-dlp" or "page"


def list_profile(capturer: Capturer, platform: str, url: str, *, max_posts: int) -> Listing:
    """The newest posts (at most ``max_posts``) the public profile page at ``url`` shows."""
    assert capturer.proxy is not None, "use the Capturer as a context manager"
    try:
        target = capturer.policy.vet_url(url)
    except UrlRefused as exc:
        return Listing(url, error=str(exc))
    trust = capturer.trusted(url)

    def ref_of(link: str | None) -> PostRef | None:
        if not link:
            return None
        ref = post_ref(link) or (post_path_ref(platform, link) if trust and capturer.trusted(link) else None)
        return ref if ref is not None and ref.platform == platform else None

    def add(found: list[tuple[str, str]], link: str | None) -> None:
        ref = ref_of(link)
        if ref is not None and link and ref.external_id not in {key for key, _ in found}:
            found.append((ref.external_id, link))

    posts: list[tuple[str, str]] = []
    with PACE.turn(target.host, delay_for(capturer.settings, platform)):
        capturer.proxy.begin(capturer.settings.capture_max_transfer_bytes)
        extracted = extract(url, proxy=capturer.proxy.url, timeout_s=capturer.settings.capture_timeout_s,
                            max_bytes=capturer.settings.capture_max_metadata_bytes, playlist=True,
                            max_entries=max_posts)
        for entry in extracted.entries:
            add(posts, entry.get("webpage_url") or entry.get("url"))
        if posts:
            return Listing(url, posts[:max_posts], via="yt-dlp")
        try:
            page = capturer.browser.load(url, screenshot=False)
        except LoadFailed as exc:
            return Listing(url, wall=str(exc) if exc.code in ("login_wall", "consent") else None, error=str(exc))
        for link in read(page.html, page.final_url).links:
            add(posts, link)
        if not posts:
            problem = not_the_post(page.final_url, page.status, page.text, page.title, has_post=False,
                                   has_password_field=page.has_password_field)
            if problem is not None and problem.code in ("login_wall", "consent"):
                return Listing(url, wall=problem.reason)
            if problem is not None:
                return Listing(url, error=problem.reason)
    return Listing(url, posts[:max_posts], via="page")
