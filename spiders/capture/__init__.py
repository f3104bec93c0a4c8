"""Capture of public pages as evidence: a real browser, the page's own structured data and yt-dlp.

A link to a public post (Facebook, Instagram, TikTok, Threads, X, YouTube or any page) becomes
a screenshot, the rendered HTML and a metadata record, each kept with its SHA-256, plus the post
and the declared account's act, stored through the ingestion store like any crawled act.

- ``guard``: which URLs may be fetched at all (http(s) only; private and loopback addresses
  refused unless allow-listed) and the filtering proxy every request of the browser and of
  yt-dlp goes through, so redirects and a page's subresources are checked too;
- ``browser``: headless Chromium (Playwright) loading one page: screenshot, HTML, final URL,
  status, redirects;
- ``structured``: Open Graph, Twitter cards, JSON-LD, oEmbed links and microdata of a page;
- ``extractor``: yt-dlp's metadata (no video is ever downloaded) and its profile listings;
- ``recognise``: which platform and post a URL names, login walls, consent pages, removed posts;
- ``post``: everything above folded into one captured post;
- ``store`` and ``run``: storing a capture (unchanged, changed, removed) and capturing URLs;
- ``watch``: new posts on public profile pages.

Nothing here signs in anywhere or gets around a login wall: a page that asks for a login is
reported as such and not stored as the post.
"""
