"""One captured post from what the page, its structured data and yt-dlp say: author, text, time, media, counts.

Sources are read in a fixed order of trust — the page's JSON-LD post node, yt-dlp's fields, the
Open Graph and Twitter tags (with each platform's own wording of them unpicked: Instagram's
``"12 likes, 3 comments - user on March 3, 2024: "caption""``, TikTok's ``"TikTok video from Name
(@user): "caption""``), microdata, and last the visible text of an ordinary page. Every author
handle found is kept as a candidate: the first one that is a declared account names the act's
author (``spiders.capture.store``).

Which post a page is: its URL when that is a platform's post URL; the page's own canonical URL
(``og:url``, ``<link rel=canonical>``) only when the page came from a host the operator
allow-listed (a mirror, a test site) — a public page claiming to be someone's Instagram post is
captured as the ordinary page it is, so it can never add a version to the real post.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from spiders.capture.browser import PageLoad
from spiders.capture.extractor import Extracted
from spiders.capture.recognise import PostRef, page_key, post_ref, site_of
from spiders.capture.structured import PageData, types_of
from spiders.items import parse_time
from spiders.platforms import InvalidHandle, normalise_handle

POST_TYPES = ("SocialMediaPosting", "DiscussionForumPosting", "VideoObject", "ImageObject", "BlogPosting",
              "NewsArticle", "Article", "Clip", "Photograph", "CreativeWork")
PAGE_TEXT_LIMIT = 5_000  # characters of an ordinary page's visible text taken as its text
COUNT_NAMES = {"likeaction": "likes", "commentaction": "comments", "shareaction": "shares",
               "watchaction": "views", "followaction": "followers"}

_INSTAGRAM_DESC = re.compile(
    r"^\s*(?P<likes>[\d.,]+[KMkmrbjt ]*)\s+(?:likes?|suka)\s*,\s*(?P<comments>[\d.,]+[KMkmrbjt ]*)\s+"
    r"(?:comments?|komentar)\s*-\s*(?P<user>[A-Za-z0-9._]+)\s+(?:on|pada)\s+(?P<date>[^:]{3,40}):\s*"
    r"[\"“](?P<text>.*)[\"”]\s*\.?\s*$", re.S)
_TIKTOK_DESC = re.compile(
    r"(?:TikTok video from|Video TikTok dari)\s+(?P<name>.+?)\s+\(@(?P<user>[A-Za-z0-9._-]+)\):\s*"
    r"[\"“](?P<text>.*?)[\"”]\s*\.?", re.S)
_ON_SITE_TITLE = re.compile(r"^(?P<name>.+?)\s+(?:on|di)\s+(?:X|Twitter|Instagram|Threads|Facebook)\s*:\s*"
                            r"[\"“](?P<text>.*)[\"”]", re.S)
_HANDLE_IN_TITLE = re.compile(r"\(@(?P<user>[A-Za-z0-9._-]+)\)")
_HASHTAG = re.compile(r"(?<![\w&])#(\w{2,100})", re.U)
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9._]{2,64})")
_LINK = re.compile(r"https?://[^\s\"'<>]+")


class NotCapturable(Exception):
    """The page is loaded but holds nothing Netra can keep as a post; ``code`` and a one-line message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class CapturedPost:
    site: str | None  # instagram, threads, facebook, tiktok, x, youtube; None for any other page
    platform: str  # the registry platform it is kept under
    external_id: str
    url: str  # the post's own URL (canonical when known)
    author_handle: str | None  # normalised for ``platform``
    author_name: str | None
    handles: list[str]  # every author handle found, normalised, best first
    text: str
    title: str | None
    posted_at: datetime | None
    posted_at_raw: str | None
    images: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    lang: str | None = None
    has_video: bool = False

    @property
    def kind(self) -> str:
        """``photo`` for a picture post, ``post`` for text and video (a video's frame is not its photo)."""
        return "photo" if self.images and not self.has_video else "post"

    def as_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["posted_at"] = self.posted_at.isoformat() if self.posted_at else None
        record["kind"] = self.kind
        return record


def _first(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, list):
            found = _first(*value)
            if found:
                return found
    return None


def _post_node(data: PageData) -> dict[str, Any] | None:
    for wanted in POST_TYPES:
        for node in data.json_ld:
            if wanted in types_of(node):
                return node
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _node_urls(value: Any) -> list[str]:
    urls: list[str] = []
    for entry in _as_list(value):
        if isinstance(entry, str):
            urls.append(entry)
        elif isinstance(entry, dict):
            urls += [u for u in (entry.get("contentUrl"), entry.get("url"), entry.get("thumbnailUrl"))
                     if isinstance(u, str)]
    return urls


def _author_candidates(node: dict[str, Any] | None) -> tuple[list[str], str | None]:
    """Handles (raw) and a display name from a JSON-LD node's ``author``/``creator``."""
    if node is None:
        return [], None
    raw: list[str] = []
    name = None
    for person in _as_list(node.get("author")) + _as_list(node.get("creator")):
        if isinstance(person, str):
            raw.append(person)
            continue
        if not isinstance(person, dict):
            continue
        for ident in _as_list(person.get("identifier")):
            if isinstance(ident, dict) and isinstance(ident.get("value"), str):
                raw.append(ident["value"])
            elif isinstance(ident, str):
                raw.append(ident)
        raw += [v for v in (person.get("alternateName"), person.get("url")) if isinstance(v, str)]
        name = name or _first(person.get("name"))
    return raw, name


def _count(text: str) -> int | None:
    """``"1,234"``, ``"1.2K"``, ``"3 rb"`` (ribu), ``"1,5 jt"`` (juta) → an integer."""
    value = text.strip().lower().replace(" ", "")
    scale = 1
    for suffix, factor in (("k", 1_000), ("rb", 1_000), ("m", 1_000_000), ("jt", 1_000_000), ("b", 1_000_000_000)):
        if value.endswith(suffix):
            value, scale = value[: -len(suffix)], factor
            break
    if scale == 1:
        digits = re.sub(r"[.,]", "", value)
        return int(digits) if digits.isdigit() else None
    try:
        return int(float(value.replace(",", ".")) * scale)
    except ValueError:
        return None


def _counts(node: dict[str, Any] | None, info: dict[str, Any] | None, insta: re.Match[str] | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    if node is not None:
        for stat in _as_list(node.get("interactionStatistic")):
            if not isinstance(stat, dict):
                continue
            kind = stat.get("interactionType")
            kind = kind.get("@type") if isinstance(kind, dict) else kind
            name = COUNT_NAMES.get(str(kind or "").rsplit("/", 1)[-1].lower())
            number = stat.get("userInteractionCount")
            if name and str(number).isdigit():
                counts[name] = int(number)
        if str(node.get("commentCount", "")).isdigit():
            counts.setdefault("comments", int(node["commentCount"]))
    if info:
        for key, name in (("like_count", "likes"), ("comment_count", "comments"), ("view_count", "views"),
                          ("repost_count", "shares")):
            if isinstance(info.get(key), int):
                counts.setdefault(name, info[key])
    if insta:
        for name in ("likes", "comments"):
            number = _count(insta.group(name))
            if number is not None:
                counts.setdefault(name, number)
    return counts


def _time(node: dict[str, Any] | None, info: dict[str, Any] | None, data: PageData) -> tuple[datetime | None,
                                                                                             str | None]:
    raws: list[Any] = []
    if node is not None:
        raws += [node.get(k) for k in ("dateCreated", "datePublished", "uploadDate")]
    for key in ("timestamp", "release_timestamp"):
        if info and isinstance(info.get(key), int | float):
            moment = datetime.fromtimestamp(info[key], UTC)
            raws.append(moment.isoformat())
    raws += [data.og("article:published_time"), data.og("video:release_date")]
    raws += (data.microdata.get("datePublished") or []) + (data.microdata.get("uploadDate") or [])
    raws += [data.meta.get("date"), data.meta.get("pubdate")]
    for raw in raws:
        if isinstance(raw, str) and (moment := parse_time(raw)) is not None:
            return moment, raw
    if info and isinstance(info.get("upload_date"), str) and re.fullmatch(r"\d{8}", info["upload_date"]):
        day = info["upload_date"]
        return datetime(int(day[:4]), int(day[4:6]), int(day[6:]), tzinfo=UTC), day
    return None, None


def _unquote(text: str) -> str:
    value = text.strip()
    if len(value) >= 2 and value[0] in "\"“" and value[-1] in "\"”":
        return value[1:-1].strip()
    return value


def which_post(load: PageLoad, data: PageData, info: dict[str, Any] | None, *, trust_claims: bool) -> PostRef | None:
    """The platform post this page is, from its URLs (and its own claims, when they may be trusted)."""
    urls = [load.final_url, load.requested_url]
    if trust_claims:
        claimed = [data.og("og:url"), data.canonical, (info or {}).get("webpage_url")]
        node = _post_node(data)
        if node is not None:
            claimed += [node.get("url"), node.get("mainEntityOfPage") if isinstance(node.get("mainEntityOfPage"),
                                                                                     str) else None]
        urls += [u for u in claimed if isinstance(u, str)]
    for url in urls:
        ref = post_ref(url)
        if ref is not None:
            return ref
    return None


def has_post_content(data: PageData) -> bool:
    """Whether the page's own data describes a post (words or a picture), as a login wall or error page does not."""
    if data.page_state.get("text"):
        return True
    node = _post_node(data)
    if node is not None and (_first(node.get("articleBody"), node.get("text"), node.get("caption"),
                                    node.get("description")) or _node_urls(node.get("image"))):
        return True
    description = data.og("og:description") or data.twitter.get("twitter:description")
    kind = (data.og("og:type") or "").lower()
    return bool(description) and kind not in ("website", "profile", "")


def build(load: PageLoad, data: PageData, extracted: Extracted | None, *, platform_hint: str | None,
          trust_claims: bool) -> CapturedPost:
    """The post this page shows; :class:`NotCapturable` when it shows none."""
    info = extracted.info if extracted is not None else None
    ref = which_post(load, data, info, trust_claims=trust_claims)
    site = ref.site if ref else site_of(load.final_url)
    if ref is None and site is not None:
        raise NotCapturable("not_a_post", f"the link is on {site} but names no post (profiles, stories and search "
                            "pages are not posts)")
    if ref is not None:
        platform, external_id = ref.platform, ref.external_id
    elif platform_hint:
        platform, external_id = platform_hint, page_key(data.canonical if trust_claims and data.canonical
                                                         else load.final_url)
    else:
        raise NotCapturable("unknown_platform", "not a post link of a known platform; say whose act it is with "
                            "--account PLATFORM:HANDLE (the CSV's platform and akun columns)")
    node = _post_node(data)
    og_description = data.og("og:description") or data.twitter.get("twitter:description") or ""
    og_title = data.og("og:title") or data.twitter.get("twitter:title") or ""
    insta = _INSTAGRAM_DESC.match(og_description) if site in ("instagram", None) else None
    tiktok = _TIKTOK_DESC.search(og_description) if site in ("tiktok", None) else None
    on_site = _ON_SITE_TITLE.match(og_title)

    ld_handles, ld_name = _author_candidates(node)
    state = data.page_state
    raw_handles: list[str] = [*ld_handles]
    if isinstance(state.get("author_handle"), str):
        raw_handles.append(state["author_handle"])
    if info:
        raw_handles += [v for v in (info.get("uploader_id"), info.get("channel_url"), info.get("uploader_url"),
                                    info.get("channel_id")) if isinstance(v, str)]
    if ref is not None and ref.handle:
        raw_handles.append(ref.handle)
    for match in (insta, tiktok):
        if match is not None:
            raw_handles.append(match.group("user"))
    for title in (data.twitter.get("twitter:title") or "", og_title):
        if m := _HANDLE_IN_TITLE.search(title):
            raw_handles.append(m.group("user"))
    raw_handles += [u for u in data.microdata.get("author.url") or [] if isinstance(u, str)]
    if data.og("og:url") and ref is None and trust_claims:
        raw_handles.append(data.og("og:url") or "")
    handles: list[str] = []
    for raw in raw_handles:
        try:
            handle = normalise_handle(platform, raw)
        except InvalidHandle:
            continue
        if handle not in handles:
            handles.append(handle)

    name = _first(ld_name, state.get("author_name"), (info or {}).get("uploader"), (info or {}).get("channel"),
                  tiktok.group("name") if tiktok else None, on_site.group("name") if on_site else None,
                  (data.microdata.get("author.name") or [None])[0], data.meta.get("author"))
    text = _first(
        node.get("articleBody") if node else None, node.get("text") if node else None,
        node.get("caption") if node and isinstance(node.get("caption"), str) else None,
        state.get("text"),
        insta.group("text") if insta else None, tiktok.group("text") if tiktok else None,
        on_site.group("text") if on_site else None,
        (info or {}).get("description"),
        node.get("description") if node else None,
        _unquote(og_description) if og_description and not insta and not tiktok else None,
        data.meta.get("description"),
    ) or ""
    title = _first(node.get("headline") if node else None, node.get("name") if node else None,
                   (info or {}).get("title"), og_title, load.title)
    if not text and site is None:
        text = (load.text or "").strip()[:PAGE_TEXT_LIMIT]
    posted_at, posted_at_raw = _time(node, info, data)
    if posted_at is None and str(state.get("created", "")).isdigit():
        posted_at, posted_at_raw = datetime.fromtimestamp(int(state["created"]), UTC), str(state["created"])

    images: list[str] = []
    if node is not None:
        images += _node_urls(node.get("image")) + _node_urls(node.get("thumbnailUrl"))
    images += data.open_graph.get("og:image", []) + data.open_graph.get("og:image:url", [])
    images += [data.twitter["twitter:image"]] if data.twitter.get("twitter:image") else []
    images += [state["cover"]] if isinstance(state.get("cover"), str) else []
    images += [t for t in ([(info or {}).get("thumbnail")] + list((info or {}).get("thumbnails") or [])) if t]
    images = list(dict.fromkeys(u for u in images if isinstance(u, str) and u.startswith(("http://", "https://"))))
    videos = data.open_graph.get("og:video", []) + data.open_graph.get("og:video:url", []) \
        + data.open_graph.get("og:video:secure_url", [])
    if node is not None and "VideoObject" in types_of(node):
        videos += _node_urls(node.get("contentUrl")) + _node_urls(node.get("embedUrl"))
    videos = list(dict.fromkeys(u for u in videos if isinstance(u, str)))
    has_video = (bool(videos) or bool((info or {}).get("has_video")) or bool(state.get("video"))
                 or (data.og("og:type") or "").startswith("video"))
    if not text.strip() and not images:
        raise NotCapturable("empty", "the page shows no post text or picture to keep")

    url = next((u for u in (data.og("og:url") if trust_claims or ref is None else None, load.final_url)
                if u and (post_ref(u) == ref or ref is None)), load.final_url)
    return CapturedPost(
        site=site, platform=platform, external_id=external_id, url=url,
        author_handle=handles[0] if handles else None, author_name=name, handles=handles,
        text=text, title=title, posted_at=posted_at, posted_at_raw=posted_at_raw, images=images, videos=videos,
        counts={**(state.get("counts") or {}), **_counts(node, info, insta)},
        hashtags=list(dict.fromkeys(_HASHTAG.findall(text))),
        mentions=list(dict.fromkeys(m.rstrip(".") for m in _MENTION.findall(text))),
        links=list(dict.fromkeys(_LINK.findall(text)))[:50],
        lang=(_first(node.get("inLanguage") if node else None, data.og("og:locale"), load.lang) or "")[:16] or None,
        has_video=has_video,
    )

