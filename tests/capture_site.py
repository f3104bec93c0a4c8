"""A local web site of public posts as the platforms publish them, for capture tests (no internet).

Each page carries the Open Graph tags, JSON-LD and page data the platform itself puts on a
logged-out post page (Instagram's ``SocialMediaPosting`` JSON-LD and its "N suka, M komentar -
user pada …" description; TikTok's "Video TikTok dari Name (@user)" description and its
``__UNIVERSAL_DATA_FOR_REHYDRATION__`` script; YouTube's microdata and oEmbed link; X's and
Threads' "on X"/"on Threads" titles; Facebook's ``og:url`` with ``/posts/pfbid…``), at the paths
those platforms use, so the URL patterns are exercised too. The pages claim their real
canonical addresses (``og:url``); the capture believes them because the tests allow-list this
host (``NETRA_CAPTURE_ALLOW_HOSTS``), as an operator would a mirror.

Also served: a video page the extractor's generic path reads (JSON-LD ``VideoObject`` and a
``<video>``), an Instagram login redirect, a Facebook login wall, a YouTube consent interstitial
(``/consent/m``, as ``consent.youtube.com`` serves it), a removed post, a page that
never finishes loading, a redirect to a private address, profile pages for the watch, and the
posts' photos (real hand-gesture photos from ``models/photos/data``).

State is mutable (``captions``, ``removed``), so a test can edit or delete a post between captures.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.orm import Session

from monitor.db.schema import Account, Agency, ElectionProfile, Employee

REPO = Path(__file__).resolve().parent.parent
PHOTOS = REPO / "models" / "photos" / "data"
PROFILE_PATH = REPO / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml"

IG_POST = "/p/C8sUkm2PqXr/"
IG_WALLED = "/p/C9LoginW4ll/"
IG_REMOVABLE = "/p/C7Hapus0001/"
TIKTOK_POST = "/@bambang.h/video/7431234567890123456"
FACEBOOK_POST = "/yohana.simanjuntak/posts/pfbid02Kq7mJ3xNv8"
FACEBOOK_WALL = "/groups/warga.sukamaju/posts/1180044"
THREADS_POST = "/@rina.pratiwi/post/DAq9Zk1xYzT"
X_POST = "/budisantoso/status/1845123456789012345"
YOUTUBE_POST = "/watch?v=Xq3LmT0aBcD"
VIDEO_PAGE = "/berita/video-posyandu-sukamaju.html"
NEUTRAL_POST = "/p/C6Netral0001/"
STRANGER_POST = "/p/C5Orang0Lain/"
SLOW_PAGE = "/lambat/"
CONSENT_WALLED = "/shorts/Cons3ntWa11"
TIKTOK_PROFILE = "/@bambang.h"
WALLED_PROFILE = "/@ratna.kusumawati"

CAPTIONS = {
    "ig": "Bersama warga Posyandu Melati pagi ini. Salam dua jari untuk Sukamaju yang lebih baik! "
          "#SukamajuBerubah #HendraRahmat2029",
    "ig_removable": "Ayo coblos nomor 2, Bang Hendra pasti menang! #HendraRahmat2029",
    "tiktok": "Salam dua jari dari posyandu, dukung Bang Hendra nomor 2! #SukamajuBerubah",
    "facebook": "Mari bersama mendukung HERAH nomor urut 2 untuk Sukamaju Berubah. Coblos nomor 2 tanggal 28 "
                "November!",
    "threads": "Saatnya perubahan nyata, pilih Hendra Kusuma nomor 2! #SukamajuBerubah",
    "x": "Kerja nyata Pak Tris sudah terbukti, lanjutkan SUTRADEWI nomor 1! #SutraDewi2029",
    "youtube": "Kampanye akbar Hendra Kusuma dan Rahmat Hidayatullah di lapangan Sukamaju. #HendraRahmat2029",
    "video": "Liputan kegiatan posyandu di Kecamatan Sukamaju Utara bersama kader kesehatan.",
    "neutral": "Rapat koordinasi imunisasi di puskesmas hari ini, terima kasih para kader.",
    "stranger": "Salam dua jari! #HendraRahmat2029",
}


def seed_registry(session: Session) -> dict[str, int]:
    """Declared accounts of the pages' authors (and the election profile); returns handle -> account id."""
    session.add(ElectionProfile(id="pilkada-2029-sukamaju", name="Pilkada Sukamaju 2029", level="bupati",
                                source_yaml=PROFILE_PATH.read_text(encoding="utf-8"), active=True))
    agency = Agency(code="dinkes-sukamaju", name="Dinas Kesehatan Kabupaten Sukamaju")
    session.add(agency)
    session.flush()
    return add_authors(session, agency.id)


def add_authors(session: Session, agency_id: int) -> dict[str, int]:
    """The pages' authors as ASN of ``agency_id`` with their declared accounts (committed); handle -> account id."""
    people = [("199108162013121007", "Rina Pratiwi", [("instagram", "rina.pratiwi")]),
              ("196810041999072005", "Bambang Hartono", [("tiktok", "bambang.h")]),
              ("198511282017102002", "Yohana Simanjuntak", [("facebook", "yohana.simanjuntak")]),
              ("197907112011081002", "Budi Santoso", [("x", "budisantoso"), ("rss", "https://berita.example/feed")]),
              ("197002081993052008", "Siti Rahayu", [("youtube", "@sitirahayu")]),
              ("199410102021031003", "Ratna Kusumawati", [("tiktok", "ratna.kusumawati")])]
    ids: dict[str, int] = {}
    for nip, name, accounts in people:
        employee = Employee(nip=nip, name=name, agency_id=agency_id, status="PNS")
        session.add(employee)
        session.flush()
        for platform, handle in accounts:
            account = Account(employee_id=employee.id, platform=platform, handle=handle)
            session.add(account)
            session.flush()
            ids[handle] = account.id
    session.commit()
    return ids


def _page(head: str, body: str, *, lang: str = "id") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">{head}'
            '<style>body{font-family:sans-serif;margin:0;background:#fafafa}main{max-width:620px;margin:24px auto;'
            'background:#fff;border:1px solid #dbdbdb;padding:16px}img{max-width:100%}header{padding:12px 16px;'
            f'border-bottom:1px solid #dbdbdb;background:#fff}}</style></head><body>{body}</body></html>')


def _meta(prop: str, content: str, attr: str = "property") -> str:
    return f'<meta {attr}="{prop}" content="{html.escape(content, quote=True)}" />'


def _ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


class Site:
    """The pages, rendered with the server's own base URL for images and links."""

    def __init__(self) -> None:
        self.captions = dict(CAPTIONS)
        self.removed: set[str] = set()
        self.hits: Counter[str] = Counter()
        self.base = ""

    # ---------------------------------------------------------------- platform pages

    def instagram(self, code: str, key: str, handle: str, name: str, photo: str) -> str:
        caption = self.captions[key]
        image = f"{self.base}/media/{photo}"
        url = f"https://www.instagram.com/p/{code}/"
        head = "".join([
            f"<title>{html.escape(name)} di Instagram: &quot;{html.escape(caption[:60])}&quot;</title>",
            _meta("og:site_name", "Instagram"), _meta("og:url", url), _meta("og:type", "article"),
            _meta("og:title", f'{name} di Instagram: "{caption}"'), _meta("og:image", image),
            _meta("og:description", f'1.204 suka, 87 komentar - {handle} pada 12 Oktober 2029: "{caption}". '),
            _meta("twitter:title", f"{name} (@{handle}) • Foto Instagram", "name"),
            _meta("twitter:card", "summary_large_image", "name"),
            _meta("al:ios:url", "instagram://media?id=3312345678901234567"),
            _meta("instapp:owner_user_id", "48123456789"), f'<link rel="canonical" href="{url}" />',
            _ld({"@context": "https://schema.org", "@type": "SocialMediaPosting", "articleBody": caption,
                 "author": {"@type": "Person", "identifier": {"@type": "PropertyValue", "propertyID": "Username",
                                                              "value": handle},
                            "name": name, "url": f"https://www.instagram.com/{handle}"},
                 "dateCreated": "2029-10-12T09:15:02+07:00", "url": url,
                 "image": [{"@type": "ImageObject", "contentUrl": image, "caption": caption}],
                 "identifier": {"@type": "PropertyValue", "propertyID": "Post Shortcode", "value": code},
                 "interactionStatistic": [
                     {"@type": "InteractionCounter", "interactionType": "https://schema.org/LikeAction",
                      "userInteractionCount": 1204},
                     {"@type": "InteractionCounter", "interactionType": "https://schema.org/CommentAction",
                      "userInteractionCount": 87}],
                 "commentCount": 87}),
        ])
        body = (f'<header><strong>Instagram</strong> <a href="/accounts/login/">Masuk</a> '
                f'<a href="/accounts/emailsignup/">Daftar</a></header><main><article>'
                f'<p><a href="/{handle}/"><strong>{html.escape(handle)}</strong></a> • Ikuti</p>'
                f'<img src="{image}" alt="Foto oleh {html.escape(name)}" width="600">'
                f'<p><strong>{html.escape(handle)}</strong> {html.escape(caption)}</p>'
                '<p><time datetime="2029-10-12T02:15:02.000Z">12 Oktober 2029</time> · 1.204 suka</p>'
                "</article></main>")
        return _page(head, body)

    def tiktok(self) -> str:
        caption = self.captions["tiktok"]
        cover = f"{self.base}/media/tiktok-cover.png"
        url = "https://www.tiktok.com/@bambang.h/video/7431234567890123456"
        data = {"__DEFAULT_SCOPE__": {"webapp.video-detail": {"statusCode": 0, "statusMsg": "", "itemInfo": {
            "itemStruct": {"id": "7431234567890123456", "desc": caption, "createTime": "1855116000",
                           "author": {"id": "6912345678901234567", "uniqueId": "bambang.h",
                                      "nickname": "Bambang Hartono"},
                           "video": {"duration": 31, "cover": cover, "playAddr": f"{self.base}/media/clip.mp4"},
                           "stats": {"diggCount": 2315, "commentCount": 41, "shareCount": 12, "playCount": 18230}}}}}}
        head = "".join([
            f"<title>{html.escape(caption[:50])} | TikTok</title>",
            _meta("og:site_name", "TikTok"), _meta("og:type", "video.other"), _meta("og:url", url),
            _meta("og:title", f"{caption} | TikTok"), _meta("og:image", cover),
            _meta("og:description", f'2.315 Suka, 41 Komentar. Video TikTok dari Bambang Hartono (@bambang.h): '
                  f'"{caption}". suara asli - Bambang Hartono'),
            _meta("twitter:site", "@tiktok_us", "name"), f'<link rel="canonical" href="{url}" />',
            '<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">'
            f"{json.dumps(data, ensure_ascii=False)}</script>",
        ])
        body = (f'<header><strong>TikTok</strong> <a href="/login">Masuk</a></header><main>'
                f'<video poster="{cover}" src="{self.base}/media/clip.mp4" width="320" controls></video>'
                f'<h1 data-e2e="browse-video-desc">{html.escape(caption)}</h1>'
                '<p><a href="/@bambang.h">bambang.h</a> · Bambang Hartono · 2029-10-14</p>'
                "<p>2.315 suka · 41 komentar</p></main>")
        return _page(head, body)

    def facebook(self) -> str:
        caption = self.captions["facebook"]
        image = f"{self.base}/media/fb-photo.png"
        url = "https://www.facebook.com/yohana.simanjuntak/posts/pfbid02Kq7mJ3xNv8"
        head = "".join([
            "<title>Yohana Simanjuntak | Facebook</title>", _meta("og:site_name", "Facebook"),
            _meta("og:type", "article"), _meta("og:url", url), _meta("og:title", "Yohana Simanjuntak"),
            _meta("og:description", caption), _meta("og:image", image), _meta("fb:app_id", "2231777543"),
            _meta("al:android:url", "fb://story/?story_fbid=pfbid02Kq7mJ3xNv8"),
        ])
        body = ('<header><strong>facebook</strong> <a href="/login/">Masuk</a></header><main>'
                '<h2><a href="/yohana.simanjuntak">Yohana Simanjuntak</a></h2><p>15 Oktober pukul 20.10 · 🌏</p>'
                f'<div data-ad-preview="message">{html.escape(caption)}</div><img src="{image}" width="500"></main>')
        return _page(head, body)

    def facebook_wall(self) -> str:
        head = ("<title>Facebook</title>" + _meta("og:site_name", "Facebook") + _meta("og:type", "website")
                + _meta("og:title", "Log into Facebook"))
        body = ('<main><h2>You must log in to continue.</h2><form action="/login/device-based/regular/login/" '
                'method="post"><input type="text" name="email" placeholder="Email or phone number">'
                '<input type="password" name="pass" placeholder="Password"><button>Log In</button></form>'
                '<a href="/recover/">Forgot account?</a></main>')
        return _page(head, body, lang="en")

    def threads(self) -> str:
        caption = self.captions["threads"]
        url = "https://www.threads.net/@rina.pratiwi/post/DAq9Zk1xYzT"
        head = "".join([
            "<title>Rina Pratiwi (@rina.pratiwi) on Threads</title>", _meta("og:site_name", "Threads"),
            _meta("og:type", "article"), _meta("og:url", url),
            _meta("og:title", "Rina Pratiwi (@rina.pratiwi) on Threads"), _meta("og:description", caption),
            _meta("twitter:title", "Rina Pratiwi (@rina.pratiwi) on Threads", "name"),
        ])
        body = (f'<main><p><strong>rina.pratiwi</strong> 2h</p><p>{html.escape(caption)}</p>'
                '<p><a href="/login">Log in</a> to reply.</p></main>')
        return _page(head, body, lang="en")

    def x(self) -> str:
        caption = self.captions["x"]
        url = "https://x.com/budisantoso/status/1845123456789012345"
        head = "".join([
            f'<title>Budi Santoso on X: "{html.escape(caption)}" / X</title>', _meta("og:site_name", "X (formerly "
                                                                                      "Twitter)"),
            _meta("og:type", "article"), _meta("og:url", url),
            _meta("og:title", f'Budi Santoso on X: "{caption}" / X'), _meta("og:description", f"“{caption}”"),
            _meta("twitter:site", "@x", "name"),
        ])
        body = (f'<main><article data-testid="tweet"><p><strong>Budi Santoso</strong> @budisantoso</p>'
                f'<div data-testid="tweetText" lang="id">{html.escape(caption)}</div>'
                '<time datetime="2029-10-13T01:20:00.000Z">8:20 AM · Oct 13, 2029</time></article></main>')
        return _page(head, body, lang="en")

    def youtube(self) -> str:
        caption = self.captions["youtube"]
        url = "https://www.youtube.com/watch?v=Xq3LmT0aBcD"
        thumb = f"{self.base}/media/yt-thumb.jpg"
        head = "".join([
            "<title>Kampanye Akbar di Lapangan Sukamaju - YouTube</title>", _meta("og:site_name", "YouTube"),
            _meta("og:url", url), _meta("og:title", "Kampanye Akbar di Lapangan Sukamaju"),
            _meta("og:image", thumb), _meta("og:description", caption), _meta("og:type", "video.other"),
            _meta("og:video:url", "https://www.youtube.com/embed/Xq3LmT0aBcD"),
            _meta("og:video:type", "text/html"), _meta("og:video:width", "1280"), _meta("og:video:height", "720"),
            '<link rel="alternate" type="application/json+oembed" href="https://www.youtube.com/oembed?format=json'
            '&amp;url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DXq3LmT0aBcD" title="Kampanye Akbar">',
            f'<link rel="canonical" href="{url}">',
        ])
        body = ('<main><div itemscope itemid="" itemtype="http://schema.org/VideoObject">'
                f'<link itemprop="url" href="{url}">'
                '<meta itemprop="name" content="Kampanye Akbar di Lapangan Sukamaju">'
                f'<meta itemprop="description" content="{html.escape(caption)}">'
                '<span itemprop="author" itemscope itemtype="http://schema.org/Person">'
                '<link itemprop="url" href="http://www.youtube.com/@sitirahayu">'
                '<link itemprop="name" content="Siti Rahayu"></span>'
                '<meta itemprop="datePublished" content="2029-10-11T03:00:00-07:00">'
                '<meta itemprop="uploadDate" content="2029-10-11T03:00:00-07:00"></div>'
                f'<img src="{thumb}" width="640"><h1>Kampanye Akbar di Lapangan Sukamaju</h1>'
                f"<p>Siti Rahayu · 1.532 x ditonton</p><p>{html.escape(caption)}</p></main>")
        return _page(head, body)

    def video_page(self) -> str:
        caption = self.captions["video"]
        poster = f"{self.base}/media/video-poster.jpg"
        head = "".join([
            "<title>Video: Posyandu Sukamaju Utara</title>", _meta("description", caption, "name"),
            _ld({"@context": "https://schema.org", "@type": "VideoObject", "name": "Posyandu Sukamaju Utara",
                 "description": caption, "thumbnailUrl": [poster], "uploadDate": "2029-10-10T08:00:00+07:00",
                 "duration": "PT1M12S", "contentUrl": f"{self.base}/media/clip.mp4",
                 "author": {"@type": "Person", "name": "Budi Santoso"}}),
        ])
        body = (f'<main><h1>Posyandu Sukamaju Utara</h1><video src="{self.base}/media/clip.mp4" poster="{poster}" '
                f'width="480" controls></video><p>{html.escape(caption)}</p></main>')
        return _page(head, body)

    def removed_instagram(self) -> str:
        head = "<title>Halaman tidak ditemukan • Instagram</title>" + _meta("og:site_name", "Instagram")
        body = ('<header><strong>Instagram</strong></header><main><h2>Maaf, halaman ini tidak tersedia.</h2>'
                '<p>Tautan yang Anda ikuti mungkin rusak, atau halaman mungkin telah dihapus. '
                '<a href="/">Kembali ke Instagram.</a></p></main>')
        return _page(head, body)

    def instagram_login(self) -> str:
        head = ("<title>Masuk • Instagram</title>" + _meta("og:site_name", "Instagram")
                + _meta("og:title", "Instagram") + _meta("og:description", "Buat akun atau masuk ke Instagram"))
        body = ('<main><h1>Instagram</h1><form><input name="username" aria-label="Nomor telepon, nama pengguna, '
                'atau email"><input type="password" name="password" aria-label="Kata Sandi">'
                '<button type="submit">Masuk</button></form></main>')
        return _page(head, body)

    def youtube_consent(self) -> str:
        head = "<title>Sebelum Anda melanjutkan ke YouTube</title>"
        body = ('<main><h1>Sebelum Anda melanjutkan ke YouTube</h1><p>Kami menggunakan cookie dan data untuk '
                'menyediakan dan memelihara layanan Google.</p><form action="/consent/save" method="post">'
                '<button name="set_eom" value="true">Tolak semua</button>'
                '<button name="set_eom" value="false">Terima semua</button></form></main>')
        return _page(head, body)

    def tiktok_profile(self) -> str:
        links = "".join(f'<a href="/@bambang.h/video/{vid}"><img src="{self.base}/media/tiktok-cover.png" '
                        'width="90"></a>' for vid in ("7431234567890123456", "7439999999999999999"))
        head = ("<title>Bambang Hartono (@bambang.h) | TikTok</title>"
                + _meta("og:url", "https://www.tiktok.com/@bambang.h") + _meta("og:type", "profile"))
        return _page(head, f"<main><h1>bambang.h</h1><h2>Bambang Hartono</h2>{links}</main>")

    def second_tiktok(self) -> str:
        caption = "Jalan sehat bersama warga RW 03, sehat selalu!"
        url = "https://www.tiktok.com/@bambang.h/video/7439999999999999999"
        head = "".join([
            f"<title>{caption} | TikTok</title>", _meta("og:type", "video.other"), _meta("og:url", url),
            _meta("og:title", f"{caption} | TikTok"), _meta("og:image", f"{self.base}/media/tiktok-cover.png"),
            _meta("og:description", f'12 Suka, 0 Komentar. Video TikTok dari Bambang Hartono (@bambang.h): '
                  f'"{caption}". suara asli - Bambang Hartono'),
        ])
        return _page(head, f"<main><h1>{caption}</h1></main>")


def _photo(name: str) -> bytes:
    files = {"ig-C8sUkm2PqXr.jpg": "fingerpose/fingers-lq-frame04.png",
             "tiktok-cover.png": "fingerpose/fingers-lq-frame08.png",
             "fb-photo.png": "fingerpose/fingers-lq-frame11.png", "yt-thumb.jpg": "no-hands/china.jpg",
             "video-poster.jpg": "no-hands/china.jpg", "ig-C7Hapus0001.jpg": "fingerpose/fingers-lq-frame27.png",
             "ig-C6Netral0001.jpg": "no-hands/china.jpg", "ig-C5Orang0Lain.jpg": "fingerpose/fingers-lq-frame31.png"}
    return (PHOTOS / files[name]).read_bytes()


class _Handler(BaseHTTPRequestHandler):
    site: Site
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802 — http.server's name
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 — http.server's name
        site = self.site
        parts = urlsplit(self.path)
        path = parts.path
        site.hits[path] += 1
        full = path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/media/"):
            name = path.removeprefix("/media/")
            if name == "clip.mp4":
                self._send(200, b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2048, "video/mp4")
                return
            try:
                data = _photo(name)
            except KeyError:
                self._send(404, b"not found", "text/plain")
                return
            self._send(200, data, "image/png" if data.startswith(b"\x89PNG") else "image/jpeg")
            return
        if path == SLOW_PAGE:
            # Headers and the start of a page, then nothing: the page never finishes loading.
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"<!DOCTYPE html><html><head><title>Memuat...</title></head><body><p>Memuat")
            self.wfile.flush()
            time.sleep(60)
            return
        if path == "/oembed":
            self._send(200, json.dumps({"type": "video", "title": "Kampanye Akbar"}).encode(), "application/json")
            return
        pages = {
            IG_POST: lambda: site.instagram("C8sUkm2PqXr", "ig", "rina.pratiwi", "Rina Pratiwi", "ig-C8sUkm2PqXr.jpg"),
            IG_REMOVABLE: lambda: site.instagram("C7Hapus0001", "ig_removable", "rina.pratiwi", "Rina Pratiwi",
                                                 "ig-C7Hapus0001.jpg"),
            NEUTRAL_POST: lambda: site.instagram("C6Netral0001", "neutral", "rina.pratiwi", "Rina Pratiwi",
                                                 "ig-C6Netral0001.jpg"),
            STRANGER_POST: lambda: site.instagram("C5Orang0Lain", "stranger", "orang.lain", "Orang Lain",
                                                  "ig-C5Orang0Lain.jpg"),
            TIKTOK_POST: site.tiktok, "/@bambang.h/video/7439999999999999999": site.second_tiktok,
            FACEBOOK_POST: site.facebook, FACEBOOK_WALL: site.facebook_wall, THREADS_POST: site.threads,
            X_POST: site.x, "/watch": site.youtube, VIDEO_PAGE: site.video_page, TIKTOK_PROFILE: site.tiktok_profile,
            "/accounts/login/": site.instagram_login,
        }
        if full in site.removed or path in site.removed:
            self._send(404, site.removed_instagram().encode("utf-8"))
            return
        if path == IG_WALLED:
            self._send(302, b"", headers={"Location": f"/accounts/login/?next={path}"})
            return
        if path == CONSENT_WALLED:
            self._send(302, b"", headers={"Location": f"/consent/m?continue={self.path}&gl=ID&hl=id"})
            return
        if path == "/consent/m":
            self._send(200, site.youtube_consent().encode("utf-8"))
            return
        if path == WALLED_PROFILE:
            self._send(302, b"", headers={"Location": f"/login?redirect_url={path}"})
            return
        if path == "/login":
            self._send(200, site.instagram_login().encode("utf-8"))
            return
        if path == "/redirect":
            target = parse_qs(parts.query).get("to", ["/"])[0]
            self._send(302, b"", headers={"Location": target})
            return
        if path == "/gambar-lokal":
            target = parse_qs(parts.query).get("src", [""])[0]
            body = _page("<title>Gambar</title>" + _meta("description", "Halaman dengan gambar", "name"),
                         f'<main><p>Halaman biasa dengan gambar.</p><img src="{html.escape(target)}"></main>')
            self._send(200, body.encode("utf-8"))
            return
        page = pages.get(path)
        if page is None:
            self._send(404, b"<html><body>Not found</body></html>")
            return
        self._send(200, page().encode("utf-8"))


@contextmanager
def serve() -> Iterator[tuple[str, Site]]:
    """The site on a free loopback port: (base URL, its state)."""
    site = Site()
    handler = type("Handler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site.base, site
    finally:
        server.shutdown()
        server.server_close()
