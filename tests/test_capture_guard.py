"""What a capture may fetch: only http(s), no private or loopback address unless allow-listed — checked on every
address a name resolves to, on every redirect and through the guard proxy every request of a capture takes.

No browser here: the proxy is exercised with real sockets and a real local HTTP server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from monitor.config import Settings
from spiders.capture.guard import AllowList, GuardProxy, Policy, UrlRefused, address_problem, fetch, parse_target
from spiders.capture.recognise import not_the_post, page_key, post_ref, site_of


@pytest.mark.parametrize(("address", "problem"), [
    ("127.0.0.1", "loopback"), ("127.10.0.3", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.9", "private"), ("192.168.1.1", "private"), ("fd00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("0.0.0.0", "unspecified"),
    ("100.64.0.1", "not globally routable"), ("224.0.0.1", "multicast"), ("2002:7f00:1::", "loopback"),
])
def test_non_public_addresses_are_named(address: str, problem: str) -> None:
    assert problem in (address_problem(address) or "")


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::6810:84e5"])
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(address) is None


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://example.com/file", "only http and https"),
    ("file:///etc/passwd", "only http and https"),
    ("javascript:alert(1)", "only http and https"),
    ("data:text/html,<h1>x</h1>", "only http and https"),
    ("www.instagram.com/p/abc/", "no scheme"),
    ("https://user:secret@example.com/", "user name or password"),
    ("http:///nohost", "names no host"),
    ("http://[::1", "not a valid URL"),
])
def test_only_plain_http_links_are_fetched(url: str, message: str) -> None:
    with pytest.raises(UrlRefused, match=message):
        parse_target(url)


def test_every_address_of_a_name_is_checked() -> None:
    # A name answering with a public and a private address would reach the private one whenever it is picked.
    policy = Policy(resolver=lambda host, port: ["93.184.215.14", "10.0.0.7"])
    with pytest.raises(UrlRefused, match=r"mixed\.example \(10\.0\.0\.7\) is a private-network address"):
        policy.vet_url("https://mixed.example/post")
    assert Policy(resolver=lambda host, port: ["93.184.215.14"]).vet_url("https://ok.example/").host == "ok.example"


def test_names_resolving_to_loopback_are_refused_and_the_allow_list_admits_host_and_port() -> None:
    policy = Policy(AllowList.parse(["127.0.0.1:8765", "mirror.local"]),
                    resolver=lambda host, port: ["127.0.0.1"])
    with pytest.raises(UrlRefused, match="localhost .*loopback.*NETRA_CAPTURE_ALLOW_HOSTS"):
        policy.vet_url("http://localhost:8765/")
    with pytest.raises(UrlRefused, match="loopback"):
        policy.vet_url("http://127.0.0.1:9999/")  # the port is part of the entry
    assert policy.vet_url("http://127.0.0.1:8765/p/x/").port == 8765
    assert policy.vet_url("https://MIRROR.local./any").host == "mirror.local"


def test_allow_hosts_setting_reads_comma_separated_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETRA_CAPTURE_ALLOW_HOSTS", "127.0.0.1:8765, [::1]:9000,mirror.local")
    allow = AllowList.parse(Settings().capture_allow_hosts)
    assert allow.allows("127.0.0.1", 8765) and allow.allows("::1", 9000) and allow.allows("mirror.local", 1)
    assert not allow.allows("127.0.0.1", 80)
    with pytest.raises(ValueError, match="port must be a number"):
        AllowList.parse(["host:http"])


class _Handler(BaseHTTPRequestHandler):
    hits: list[str]

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 — http.server's name
        self.hits.append(self.path)
        if self.path.startswith("/hop"):
            self.send_response(302)
            self.send_header("Location", self.path.split("to=", 1)[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"x" * (200_000 if self.path == "/big" else 10)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def servers() -> Iterator[tuple[int, list[str], int, list[str]]]:
    """Two local servers: one the tests allow-list, one they do not (its hits must stay empty)."""
    started = []
    for _ in range(2):
        hits: list[str] = []
        server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Handler,), {"hits": hits}))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append((server, hits))
    (allowed, allowed_hits), (private, private_hits) = started
    try:
        yield allowed.server_address[1], allowed_hits, private.server_address[1], private_hits
    finally:
        for server, _hits in started:
            server.shutdown()
            server.server_close()


def test_the_proxy_fetches_allowed_hosts_and_refuses_others_also_after_a_redirect(
    servers: tuple[int, list[str], int, list[str]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    allowed, allowed_hits, private, private_hits = servers
    # no_proxy must not take local hosts around the guard (urllib would honour it; the capture never does).
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with GuardProxy(Policy(AllowList.parse([f"127.0.0.1:{allowed}"]))) as proxy:
        proxy.begin()
        assert fetch(f"http://127.0.0.1:{allowed}/ok", proxy, max_bytes=1000).body == b"x" * 10
        with pytest.raises(UrlRefused, match="loopback"):
            fetch(f"http://127.0.0.1:{private}/secret", proxy, max_bytes=1000)
        with pytest.raises(UrlRefused, match="loopback"):
            fetch(f"http://127.0.0.1:{allowed}/hop?to=http://localhost:{private}/secret", proxy, max_bytes=1000)
        with pytest.raises(UrlRefused, match="loopback"):
            fetch(f"https://127.0.0.1:{private}/tls", proxy, max_bytes=1000)  # CONNECT is vetted the same way
        refused = [r.target for r in proxy.refusals()]
    assert private_hits == []
    assert f"127.0.0.1:{private}" in refused and f"http://localhost:{private}/secret" in refused
    assert allowed_hits == ["/ok", f"/hop?to=http://localhost:{private}/secret"]


def test_a_capture_has_a_byte_budget(servers: tuple[int, list[str], int, list[str]]) -> None:
    allowed, _hits, _private, _ = servers
    with GuardProxy(Policy(AllowList.parse([f"127.0.0.1:{allowed}"])), max_bytes=50_000) as proxy:
        proxy.begin()
        with pytest.raises(UrlRefused, match="transfer budget \\(50000 bytes\\) is spent"):
            fetch(f"http://127.0.0.1:{allowed}/big", proxy, max_bytes=1_000_000)
        with pytest.raises(UrlRefused, match="transfer budget"):
            fetch(f"http://127.0.0.1:{allowed}/ok", proxy, max_bytes=1000)  # spent: nothing more this capture
        proxy.begin(max_bytes=1_000_000)  # the next capture starts with a fresh budget
        assert len(fetch(f"http://127.0.0.1:{allowed}/big", proxy, max_bytes=1_000_000).body) == 200_000
        with pytest.raises(UrlRefused, match="more than the 1000 bytes"):
            fetch(f"http://127.0.0.1:{allowed}/big", proxy, max_bytes=1000)


@pytest.mark.parametrize(("url", "site", "platform", "key", "handle"), [
    ("https://www.instagram.com/p/C8sUkm2PqXr/", "instagram", "instagram", "C8sUkm2PqXr", None),
    ("https://instagram.com/rina.pratiwi/reel/C9abcDEF123/?igsh=x", "instagram", "instagram", "C9abcDEF123",
     "rina.pratiwi"),
    ("https://www.threads.net/@rina.pratiwi/post/DAq9Zk1xYzT", "threads", "instagram", "threads:DAq9Zk1xYzT",
     "rina.pratiwi"),
    ("https://www.tiktok.com/@bambang.h/video/7431234567890123456?lang=id", "tiktok", "tiktok",
     "7431234567890123456", "bambang.h"),
    ("https://x.com/budisantoso/status/1845123456789012345", "x", "x", "1845123456789012345", "budisantoso"),
    ("https://twitter.com/i/web/status/1845123456789012345", "x", "x", "1845123456789012345", None),
    ("https://youtu.be/Xq3LmT0aBcD", "youtube", "youtube", "Xq3LmT0aBcD", None),
    ("https://www.youtube.com/shorts/Xq3LmT0aBcD", "youtube", "youtube", "Xq3LmT0aBcD", None),
    ("https://m.youtube.com/watch?v=Xq3LmT0aBcD&t=3", "youtube", "youtube", "Xq3LmT0aBcD", None),
    ("https://www.facebook.com/yohana.simanjuntak/posts/pfbid02Kq7mJ3xNv8", "facebook", "facebook",
     "pfbid02Kq7mJ3xNv8", "yohana.simanjuntak"),
    ("https://www.facebook.com/permalink.php?story_fbid=1234&id=100089", "facebook", "facebook", "1234", "100089"),
    ("https://www.facebook.com/reel/998877", "facebook", "facebook", "998877", None),
])
def test_post_urls_name_their_post(url: str, site: str, platform: str, key: str, handle: str | None) -> None:
    ref = post_ref(url)
    assert ref is not None and (ref.site, ref.platform, ref.external_id, ref.handle) == (site, platform, key, handle)


@pytest.mark.parametrize("url", ["https://www.instagram.com/rina.pratiwi/", "https://www.instagram.com/stories/x/1/",
                                 "https://www.tiktok.com/@bambang.h", "https://x.com/home", "https://example.org/a"])
def test_profiles_stories_and_other_pages_are_no_post(url: str) -> None:
    assert post_ref(url) is None
    assert site_of("https://example.org/a") is None and page_key(url).startswith("page:")


def test_walls_consent_pages_and_removed_posts_are_recognised() -> None:
    def verdict(url: str, status: int, text: str, *, post: bool = False, password: bool = False) -> str | None:
        found = not_the_post(url, status, text, "", has_post=post, has_password_field=password)
        return found.code if found else None

    assert verdict("https://www.instagram.com/accounts/login/?next=/p/x/", 200, "") == "login_wall"
    assert verdict("https://www.facebook.com/groups/1/posts/2", 200, "You must log in to continue.") == "login_wall"
    assert verdict("https://x.com/a/status/1", 200, "Sign in", password=True) == "login_wall"
    assert verdict("https://consent.youtube.com/m?continue=x", 200, "Before you continue to YouTube") == "consent"
    assert verdict("https://www.instagram.com/p/x/", 200, "Sorry, this page isn’t available.") == "removed"
    assert verdict("https://www.tiktok.com/@a/video/1", 404, "") == "removed"
    assert verdict("https://www.facebook.com/a/posts/1", 200, "This content isn't available right now") == "removed"
    # A post page that also offers a login box (Instagram, Facebook do) is the post.
    assert verdict("https://www.instagram.com/p/x/", 200, "Log in to see more", post=True, password=True) is None
    assert verdict("https://example.org/", 503, "busy") == "http_error"


def test_the_scheduler_watches_profiles_at_the_configured_cadence(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from monitor.config import reset_settings_cache
    from monitor.ops.jobs import resolve
    from monitor.ops.scheduler import fixed_job_specs

    monkeypatch.setenv("NETRA_CAPTURE_WATCH_INTERVAL_HOURS", "12")
    reset_settings_cache()
    spec = next(s for s in fixed_job_specs(ZoneInfo("Asia/Jakarta")) if s.id == "capture_watch")
    assert spec.trigger.interval == timedelta(hours=12)
    assert resolve(spec.func).__name__ == "watch_profiles"


def test_netra_capture_reports_each_refused_link_on_its_line_and_exits_1(sqlite_db: str, tmp_path: Path) -> None:
    import json

    from sqlalchemy import select
    from typer.testing import CliRunner

    from monitor.cli import app
    from monitor.db.schema import CaptureTip
    from monitor.db.session import session_factory

    tips = tmp_path / "tips.csv"
    tips.write_text("url;platform;akun;catatan\nfile:///etc/passwd;;;isi berkas lokal\n"
                    "http://127.0.0.1:1/admin;instagram;rina.pratiwi;alamat lokal\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["capture", "--from-csv", str(tips), "ftp://example.com/x"])
    assert result.exit_code == 1, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(x["url"], x["status"], x["activity_id"]) for x in lines] == [
        ("file:///etc/passwd", "failed", None), ("http://127.0.0.1:1/admin", "failed", None),
        ("ftp://example.com/x", "failed", None)]
    assert "only http and https" in lines[0]["error"] and "loopback" in lines[1]["error"]
    with session_factory(sqlite_db)() as s:
        rows = s.scalars(select(CaptureTip).order_by(CaptureTip.id)).all()
    assert [(r.source, r.state, r.reason, r.note, r.platform) for r in rows] == [
        ("csv", "failed", "refused", "isi berkas lokal", None),
        ("csv", "failed", "refused", "alamat lokal", "instagram"),
        ("csv", "failed", "refused", None, None)]


def test_tip_files_are_checked_with_file_and_line(tmp_path: Path) -> None:
    from monitor.capture.tips import TipInputError, read_csv, split_links

    path = tmp_path / "tips.csv"
    path.write_text("link,catatan\nhttps://x.com/a/status/1,pertama\n\n", encoding="utf-8")
    assert [(t.url, t.note) for t in read_csv(path)] == [("https://x.com/a/status/1", "pertama")]
    for text, message in (("catatan\nx\n", r"tips.csv:1: no url column"),
                          ("url,platform\nhttps://x.com/a/status/1,x\n", r"tips.csv:2: give both platform and akun"),
                          ("url,akun\n,budi\n", r"tips.csv:2: the url is empty")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(TipInputError, match=message):
            read_csv(path)
    path.write_bytes("url\nhttps://x.com/ä\n".encode("latin-1"))
    with pytest.raises(TipInputError, match="not UTF-8"):
        read_csv(path)
    assert split_links(" https://a.example/1\n\n<https://b.example/2> https://a.example/1 ") == [
        "https://a.example/1", "https://b.example/2"]
