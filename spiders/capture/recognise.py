"""Reading URLs and pages: which platform and post a link names, and pages that are not the post.

Post URLs follow each platform's published shapes (``instagram.com/p/<shortcode>/``,
``tiktok.com/@user/video/<id>``, ``x.com/<user>/status/<id>``, ``youtube.com/watch?v=<id>``,
``threads.net/@user/post/<code>``, ``facebook.com/<page>/posts/<id>``…). The post's key is the
same one crawls and self-audit imports use for that platform (an Instagram shortcode, a TikTok
or X id, a YouTube video id), so a captured post and the same post seen elsewhere are one row.

Threads has no registry platform of its own: a Threads profile is an Instagram account with the
same username, so Threads posts are kept as ``instagram`` posts under ``threads:<code>``.

Pages that are not the post are recognised from the URL they end on, the HTTP status and the
words they show: a login wall, a cookie-consent interstitial, or a post that is gone.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit, urlunsplit

SITES: dict[str, tuple[str, ...]] = {
    "instagram": ("instagram.com", "instagr.am"),
    "threads": ("threads.net", "threads.com"),
    "facebook": ("facebook.com", "fb.com", "fb.watch"),
    "tiktok": ("tiktok.com",),
    "x": ("x.com", "twitter.com"),
    "youtube": ("youtube.com", "youtu.be", "youtube-nocookie.com"),
}
# Where each site's posts are kept (the registry's platform codes).
STORED_AS = {"threads": "instagram"}
SITE_LABELS = {"instagram": "Instagram", "threads": "Threads", "facebook": "Facebook", "tiktok": "TikTok",
               "x": "X", "youtube": "YouTube"}


def site_of(url: str) -> str | None:
    """The platform site a URL is on (``threads`` is a site of its own here), or ``None``."""
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    for site, domains in SITES.items():
        if any(host == d or host.endswith("." + d) for d in domains):
            return site
    return None


def stored_platform(site: str) -> str:
    return STORED_AS.get(site, site)


@dataclass(frozen=True)
class PostRef:
    """A post named by a URL: the site, the registry platform it is kept under, its key, its author if shown."""

    site: str
    platform: str
    external_id: str
    handle: str | None = None  # the author's handle when the URL carries it (TikTok, X, Threads…)


_INSTAGRAM = re.compile(r"^/(?:([A-Za-z0-9._]+)/)?(?:p|reel|reels|tv)/([A-Za-z0-9_-]+)")
_THREADS = re.compile(r"^/@([A-Za-z0-9._]+)/post/([A-Za-z0-9_-]+)")
_TIKTOK = re.compile(r"^/@([A-Za-z0-9._-]+)/(?:video|photo)/(\d+)")
_TIKTOK_BARE = re.compile(r"^/(?:v|video)/(\d+)")
_X = re.compile(r"^/([A-Za-z0-9_]{1,15})/status(?:es)?/(\d+)")
_X_BARE = re.compile(r"^/i/(?:web/)?status/(\d+)")
_YOUTUBE_PATH = re.compile(r"^/(?:shorts|live|embed|v)/([A-Za-z0-9_-]{11})")
_FACEBOOK_POST = re.compile(r"^/([A-Za-z0-9.\-]+)/(?:posts|videos|reel)/(?:[^/]+/)?([A-Za-z0-9]+)")
_FACEBOOK_PHOTO = re.compile(r"^/([A-Za-z0-9.\-]+)/photos/(?:[^/]+/)?(\d+)")
_FACEBOOK_GROUP = re.compile(r"^/groups/([^/]+)/(?:posts|permalink)/(\d+)")
_FACEBOOK_REEL = re.compile(r"^/(?:reel|watch/live)/(\d+)")
_FACEBOOK_SHARE = re.compile(r"^/share/(?:p|v|r)/([A-Za-z0-9]+)")
NOT_USERS = {"i", "home", "explore", "search", "settings", "hashtag", "intent", "share", "login", "watch",
             "groups", "stories", "reel", "p", "tv"}


def post_ref(url: str) -> PostRef | None:
    """The post a platform URL names, or ``None`` (not a platform URL, or not a post: a profile, a story)."""
    site = site_of(url)
    if site is None:
        return None
    parts = urlsplit(url)
    path = parts.path or "/"
    query = parse_qs(parts.query)
    platform = stored_platform(site)
    match site:
        case "instagram":
            if m := _INSTAGRAM.match(path):
                user = m.group(1) if m.group(1) and m.group(1).lower() not in NOT_USERS else None
                return PostRef(site, platform, m.group(2), user)
        case "threads":
            if m := _THREADS.match(path):
                return PostRef(site, platform, f"threads:{m.group(2)}", m.group(1))
        case "tiktok":
            if m := _TIKTOK.match(path):
                return PostRef(site, platform, m.group(2), m.group(1))
            if m := _TIKTOK_BARE.match(path):
                return PostRef(site, platform, m.group(1))
        case "x":
            if m := _X.match(path):
                user = m.group(1) if m.group(1).lower() not in NOT_USERS else None
                return PostRef(site, platform, m.group(2), user)
            if m := _X_BARE.match(path):
                return PostRef(site, platform, m.group(1))
        case "youtube":
            host = (parts.hostname or "").lower()
            if host.endswith("youtu.be") and re.fullmatch(r"/[A-Za-z0-9_-]{11}", path):
                return PostRef(site, platform, path[1:])
            if path.rstrip("/") == "/watch" and re.fullmatch(r"[A-Za-z0-9_-]{11}", (query.get("v") or [""])[0]):
                return PostRef(site, platform, query["v"][0])
            if m := _YOUTUBE_PATH.match(path):
                return PostRef(site, platform, m.group(1))
        case "facebook":
            story = (query.get("story_fbid") or query.get("fbid") or [None])[0]
            owner = (query.get("id") or [None])[0]
            if path.rstrip("/") in ("/permalink.php", "/story.php", "/photo.php", "/photo") and story:
                return PostRef(site, platform, story, owner)
            if path.rstrip("/") == "/watch" and query.get("v"):
                return PostRef(site, platform, query["v"][0])
            if m := _FACEBOOK_GROUP.match(path):
                return PostRef(site, platform, m.group(2))
            if m := _FACEBOOK_REEL.match(path):
                return PostRef(site, platform, m.group(1))
            if m := _FACEBOOK_SHARE.match(path):
                return PostRef(site, platform, f"share:{m.group(1)}")
            for pattern in (_FACEBOOK_POST, _FACEBOOK_PHOTO):
                if m := pattern.match(path):
                    user = m.group(1) if m.group(1).lower() not in NOT_USERS else None
                    return PostRef(site, platform, m.group(2), user)
    return None


def page_key(url: str) -> str:
    """The key of "any page" (not a platform post): its URL without the fragment, hashed to a fixed length."""
    parts = urlsplit(url)
    clean = urlunsplit((parts.scheme.lower(), (parts.netloc or "").lower(), parts.path or "/", parts.query, ""))
    return "page:" + hashlib.sha256(clean.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- pages that are not the post

_LOGIN_PATH = re.compile(
    r"^/(?:accounts/login|login(?:\.php)?|i/flow/login|checkpoint|signin|authwall|servicelogin|v3/signin|"
    r"account/login|auth/login)(?:/|$|\?)", re.I)
LOGIN_HOSTS = ("accounts.google.com", "login.facebook.com")
CONSENT_HOSTS = ("consent.youtube.com", "consent.google.com")
_CONSENT_PATH = re.compile(r"^/(?:privacy/consent|consent|cookie[-_]?consent)(?:/|$)", re.I)

LOGIN_PHRASES = (
    "log in to see", "log into facebook", "log in to facebook", "you must log in", "log in to continue",
    "login to continue", "sign in to confirm", "sign in to continue", "log in to instagram", "log in to tiktok",
    "sign in to x", "masuk untuk melihat", "login untuk melihat", "anda harus masuk", "masuk ke facebook",
    "masuk ke instagram", "masuk untuk melanjutkan", "log in untuk melanjutkan",
)
CONSENT_PHRASES = (
    "before you continue to youtube", "before you continue to google", "sebelum anda melanjutkan ke youtube",
    "sebelum anda melanjutkan ke google", "allow the use of cookies from", "izinkan penggunaan cookie dari",
)
REMOVED_PHRASES = (
    "sorry, this page isn't available", "this page isn't available", "this content isn't available",
    "content isn't available", "video currently unavailable", "video unavailable", "this video isn't available",
    "this video has been removed", "this post is unavailable", "this page doesn't exist", "post not found",
    "maaf, halaman ini tidak tersedia", "halaman ini tidak tersedia", "konten ini tidak tersedia",
    "video saat ini tidak tersedia", "video tidak tersedia", "postingan ini tidak tersedia",
    "this account doesn't exist", "couldn't find this account",
)


@dataclass(frozen=True)
class NotThePost:
    """Why a loaded page is not the post: ``code`` (``login_wall``, ``consent``, ``removed``, ``http_error``)."""

    code: str
    reason: str


def _normal(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").lower().split())


def _found(text: str, phrases: tuple[str, ...]) -> str | None:
    return next((p for p in phrases if p in text), None)


def not_the_post(final_url: str, status: int | None, text: str, title: str, *, has_post: bool,
                 has_password_field: bool) -> NotThePost | None:
    """Why the page at ``final_url`` is not the post, or ``None`` when it is.

    ``has_post``: the page's own data describes a post (its key, and text or media). A post page
    that also offers a login box (Instagram, Facebook) is still the post; the same box on a page
    with nothing else is a wall.
    """
    parts = urlsplit(final_url)
    host = (parts.hostname or "").lower()
    words = _normal(f"{title}\n{text}")
    if status in (404, 410):
        return NotThePost("removed", f"the post is gone (HTTP {status})")
    if host in CONSENT_HOSTS or (_CONSENT_PATH.match(parts.path or "") and not has_post):
        return NotThePost("consent", f"a cookie-consent page ({host}) stands before the post; nothing was "
                          "accepted on anyone's behalf")
    if host in LOGIN_HOSTS or _LOGIN_PATH.match(parts.path or ""):
        return NotThePost("login_wall", f"the platform asks to log in ({final_url.split('?')[0]}); Netra never "
                          "logs in")
    if status is not None and status >= 400:
        return NotThePost("http_error", f"the server answered HTTP {status}")
    if has_post:
        return None
    if phrase := _found(words, REMOVED_PHRASES):
        return NotThePost("removed", f"the post is gone (the page says “{phrase}”)")
    if phrase := _found(words, CONSENT_PHRASES):
        return NotThePost("consent", f"a cookie-consent page stands before the post (“{phrase}”); nothing was "
                          "accepted on anyone's behalf")
    phrase = _found(words, LOGIN_PHRASES)
    if phrase or has_password_field:
        shown = f" (“{phrase}”)" if phrase else ""
        return NotThePost("login_wall", f"the platform shows a login wall instead of the post{shown}; Netra "
                          "never logs in")
    return None


# ---------------------------------------------------------------- profile pages (the watch)

def profile_url(site: str, handle: str) -> str:
    """The public profile page of a handle on a site (the watch's default; settings may point elsewhere)."""
    bare = handle.lstrip("@")
    match site:
        case "tiktok":
            return f"https://www.tiktok.com/@{bare}"
        case "youtube":
            return (f"https://www.youtube.com/channel/{handle}/videos" if handle.startswith("UC")
                    else f"https://www.youtube.com/@{bare}/videos")
        case "instagram":
            return f"https://www.instagram.com/{bare}/"
        case "threads":
            return f"https://www.threads.net/@{bare}"
        case "x":
            return f"https://x.com/{bare}"
        case "facebook":
            return f"https://www.facebook.com/{bare}"
    raise ValueError(f"no profile page known for {site}")


def post_path_ref(site: str, url: str) -> PostRef | None:
    """A post named by a link's *path* on ``site``'s patterns, whatever its host (a mirror, the local test site)."""
    parts = urlsplit(url)
    domain = SITES[site][0]
    return post_ref(urlunsplit(("https", f"www.{domain}", parts.path, parts.query, "")))
