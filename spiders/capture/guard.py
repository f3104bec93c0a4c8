"""What a capture may fetch, and the proxy that makes every request of the browser and of yt-dlp ask.

A page loaded in a browser requests far more than its own URL: redirects, images, scripts,
frames, and whatever its scripts decide to fetch. Checking the URL a person pasted is not
enough, so every request of a capture goes through :class:`GuardProxy`, a small HTTP proxy
on the loopback interface. For each request it resolves the host itself, refuses it when any
address is private, loopback, link-local or otherwise not globally routable (unless the
host is allow-listed), and then connects to one of the addresses it vetted — never resolving
the name a second time, so a DNS answer that changes between the check and the connection
(DNS rebinding) cannot slip through. ``CONNECT`` tunnels (https) are vetted the same way.

It also bounds what a capture may cost: each connection has a deadline, and a capture has a
budget of bytes received, after which its connections are cut and new ones refused.

``NETRA_CAPTURE_ALLOW_HOSTS`` (``host`` or ``host:port``, comma-separated) names hosts that may
be private: a local archive mirror, or the tests' local site.
"""

from __future__ import annotations

import asyncio
import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

log = logging.getLogger(__name__)

REFUSED_HEADER = "X-Netra-Refused"
HEAD_LIMIT = 64 * 1024  # a request line and headers longer than this are not a browser's
DEFAULT_PORTS = {"http": 80, "https": 443}
# Hop-by-hop headers a proxy must not pass on (RFC 9110 §7.6.1), and the proxy's own.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate", "te",
              "trailer", "transfer-encoding", "upgrade"}

Resolver = Callable[[str, int], list[str]]


class UrlRefused(ValueError):
    """A URL or host a capture may not fetch; the message says why in one line."""


def normalise_host(host: str) -> str:
    """A host as compared: lower case, no brackets, no trailing dot, IDNA for non-ASCII names."""
    value = host.strip().strip("[]").rstrip(".").lower()
    if value and not value.isascii():
        try:
            value = value.encode("idna").decode("ascii")
        except UnicodeError:
            raise UrlRefused(f"{host!r} is not a valid host name") from None
    return value


@dataclass(frozen=True)
class AllowList:
    """Hosts that may be fetched although they are private: ``host`` (any port) or ``host:port``."""

    entries: frozenset[tuple[str, int | None]] = frozenset()

    @classmethod
    def parse(cls, values: Iterable[str]) -> AllowList:
        entries: set[tuple[str, int | None]] = set()
        for raw in values:
            value = raw.strip()
            if not value:
                continue
            host, port = value, None
            if value.startswith("["):  # [::1]:8080
                inside, _, rest = value[1:].partition("]")
                host = inside
                if rest.startswith(":") and rest[1:].isdigit():
                    port = int(rest[1:])
            elif value.count(":") == 1:
                name, _, digits = value.partition(":")
                if not digits.isdigit():
                    raise ValueError(f"{raw!r}: the port must be a number (host or host:port)")
                host, port = name, int(digits)
            entries.add((normalise_host(host), port))
        return cls(frozenset(entries))

    def allows(self, host: str, port: int) -> bool:
        name = normalise_host(host)
        return (name, None) in self.entries or (name, port) in self.entries


def address_problem(address: str) -> str | None:
    """Why ``address`` may not be fetched (``"a loopback address"``…), or ``None`` when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address) and ip.sixtofour is not None:
        # 2002::/16 embeds an IPv4 address a 6to4 relay would reach.
        inner = address_problem(str(ip.sixtofour))
        if inner:
            return inner
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private-network address"
    if not ip.is_global:
        return "an address that is not globally routable"
    return None


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UrlRefused(f"{host} does not resolve ({exc})") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise UrlRefused(f"{host} does not resolve")
    return addresses


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int


def parse_target(url: str) -> Target:
    """The scheme, host and port of an http(s) URL, or :class:`UrlRefused`."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UrlRefused(f"not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        shown = f"{scheme}:" if scheme else "no scheme"
        raise UrlRefused(f"only http and https links are captured, not {shown}")
    if parts.username is not None or parts.password is not None:
        # Netra never signs in; a link carrying credentials is not a public page.
        raise UrlRefused("links with a user name or password in them are not captured")
    if not parts.hostname:
        raise UrlRefused("the link names no host")
    return Target(scheme, normalise_host(parts.hostname), port or DEFAULT_PORTS[scheme])


@dataclass
class Policy:
    """Which hosts a capture may reach: public addresses, and the allow-listed hosts."""

    allow: AllowList = field(default_factory=AllowList)
    resolver: Resolver = system_resolver

    def vet(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for ``host:port``; :class:`UrlRefused` when any is refused.

        Every address is checked, not only the first: a name that resolves to a public and a
        private address would otherwise reach the private one whenever the client picks it.
        """
        name = normalise_host(host)
        addresses = self.resolver(name, port)
        if self.allow.allows(name, port):
            return addresses
        for address in addresses:
            problem = address_problem(address)
            if problem:
                shown = name if name == address else f"{name} ({address})"
                raise UrlRefused(f"{shown} is {problem}; private and loopback hosts are refused unless listed "
                                 "in NETRA_CAPTURE_ALLOW_HOSTS")
        return addresses

    def vet_url(self, url: str) -> Target:
        target = parse_target(url)
        self.vet(target.host, target.port)
        return target


@dataclass(frozen=True)
class Refusal:
    target: str  # host:port, or the URL of a plain-http request
    reason: str


class GuardProxy:
    """An HTTP proxy on 127.0.0.1 that fetches only what :class:`Policy` allows (one per capture session).

    ``begin(max_bytes)`` starts a capture's budget and forgets earlier refusals; ``refusals()``
    lists what was refused since.
    """

    def __init__(self, policy: Policy, *, connect_timeout_s: float = 15.0, connection_max_s: float = 60.0,
                 max_bytes: int = 100 * 1024 * 1024) -> None:
        self.policy = policy
        self.connect_timeout_s = connect_timeout_s
        self.connection_max_s = connection_max_s
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._refusals: list[Refusal] = []
        self._received = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ life cycle

    def start(self) -> GuardProxy:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._server = loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0, limit=HEAD_LIMIT))
        self.port = self._server.sockets[0].getsockname()[1]
        self._thread = threading.Thread(target=loop.run_forever, name="netra-capture-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return

        async def close() -> None:
            assert self._server is not None
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        loop.close()
        self._loop = None

    def __enter__(self) -> GuardProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def begin(self, max_bytes: int | None = None) -> None:
        """A new capture: its own byte budget, no refusals yet."""
        with self._lock:
            self._refusals = []
            self._received = 0
            if max_bytes is not None:
                self.max_bytes = max_bytes

    def refusals(self) -> list[Refusal]:
        with self._lock:
            return list(self._refusals)

    def refusal_for(self, host: str, port: int) -> Refusal | None:
        """The refusal of ``host:port`` (or of a URL on it) since :meth:`begin`, if any."""
        name = normalise_host(host)
        for refusal in self.refusals():
            target = refusal.target
            if "://" in target:
                try:
                    parsed = parse_target(target)
                except UrlRefused:
                    continue
                if (parsed.host, parsed.port) == (name, port):
                    return refusal
            elif target == f"{name}:{port}":
                return refusal
        return None

    @property
    def received(self) -> int:
        with self._lock:
            return self._received

    # ------------------------------------------------------------------ the proxy

    def _refuse(self, target: str, reason: str) -> None:
        with self._lock:
            if len(self._refusals) < 200:
                self._refusals.append(Refusal(target, reason))
        log.info("capture proxy refused %s: %s", target, reason)

    def _count(self, n: int) -> bool:
        """Add ``n`` received bytes; false once the capture's budget is spent."""
        with self._lock:
            self._received += n
            return self._received <= self.max_bytes

    def _over_budget(self) -> bool:
        with self._lock:
            return self._received > self.max_bytes

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        upstream: asyncio.StreamWriter | None = None
        try:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.connect_timeout_s)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
                return
            lines = head.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3:
                await self._answer(writer, 400, "bad request line")
                return
            method, target, _version = parts
            if method.upper() == "CONNECT":
                host, _, port_text = target.rpartition(":")
                if not port_text.isdigit() or not host:
                    await self._answer(writer, 400, "bad CONNECT target")
                    return
                port = int(port_text)
                shown = f"{normalise_host(host)}:{port}"
            else:
                try:
                    parsed = parse_target(target)
                except UrlRefused as exc:
                    self._refuse(target, str(exc))
                    await self._answer(writer, 403, str(exc))
                    return
                if parsed.scheme != "http":
                    await self._answer(writer, 400, "https goes through CONNECT")
                    return
                host, port, shown = parsed.host, parsed.port, target
            if self._over_budget():
                reason = f"the capture's transfer budget ({self.max_bytes} bytes) is spent"
                self._refuse(shown, reason)
                await self._answer(writer, 403, reason)
                return
            loop = asyncio.get_running_loop()
            try:
                addresses = await loop.run_in_executor(None, self.policy.vet, host, port)
            except UrlRefused as exc:
                self._refuse(shown, str(exc))
                await self._answer(writer, 403, str(exc))
                return
            up_reader, upstream = await self._connect(addresses, port)
            if upstream is None:
                await self._answer(writer, 502, f"cannot connect to {host}:{port}")
                return
            if method.upper() == "CONNECT":
                writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                await writer.drain()
            else:
                upstream.write(self._origin_request(method, target, lines[1:]))
                await upstream.drain()
            await self._relay(reader, writer, up_reader, upstream)
        except (ConnectionError, asyncio.CancelledError, TimeoutError, OSError):
            pass
        finally:
            for stream in (upstream, writer):
                if stream is not None:
                    stream.close()
            if task is not None:
                self._tasks.discard(task)

    async def _connect(self, addresses: list[str], port: int
                       ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | tuple[None, None]:
        for address in addresses:
            try:
                return await asyncio.wait_for(asyncio.open_connection(address, port), self.connect_timeout_s)
            except (OSError, TimeoutError):
                continue
        return None, None

    @staticmethod
    def _origin_request(method: str, target: str, header_lines: list[str]) -> bytes:
        parts = urlsplit(target)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        kept = [line for line in header_lines if line and line.split(":", 1)[0].strip().lower() not in HOP_BY_HOP]
        # One request per connection: the next request, maybe to another host, is vetted on its own.
        return "\r\n".join([f"{method} {path} HTTP/1.1", *kept, "Connection: close", "", ""]).encode("latin-1")

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter,
                     up_reader: asyncio.StreamReader, up_writer: asyncio.StreamWriter) -> None:
        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, counted: bool) -> None:
            while True:
                chunk = await src.read(65536)
                if not chunk:
                    return
                if counted and not self._count(len(chunk)):
                    self._refuse("(transfer)", f"the capture's transfer budget ({self.max_bytes} bytes) is spent")
                    return
                dst.write(chunk)
                await dst.drain()

        sending = asyncio.ensure_future(pipe(client_reader, up_writer, False))
        answering = asyncio.ensure_future(pipe(up_reader, client_writer, True))
        try:
            # The exchange ends when the server has answered (it closes: one request per connection, or the
            # tunnel ends), or when the connection's time is up, whatever the client still sends.
            await asyncio.wait({answering}, timeout=self.connection_max_s)
        finally:
            for task in (sending, answering):
                task.cancel()
            await asyncio.gather(sending, answering, return_exceptions=True)

    @staticmethod
    async def _answer(writer: asyncio.StreamWriter, status: int, reason: str) -> None:
        body = reason.encode("utf-8", "replace")
        phrase = {400: "Bad Request", 403: "Forbidden", 502: "Bad Gateway"}.get(status, "Error")
        safe = reason.encode("ascii", "replace").decode("ascii").replace("\r", " ").replace("\n", " ")
        writer.write(f"HTTP/1.1 {status} {phrase}\r\n{REFUSED_HEADER}: {safe}\r\nContent-Type: text/plain; "
                     f"charset=utf-8\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("latin-1")
                     + body)
        try:
            await writer.drain()
        except ConnectionError:
            pass


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes


def fetch(url: str, proxy: GuardProxy, *, max_bytes: int, timeout_s: float = 30.0, redirects: int = 5,
          user_agent: str = "Netra") -> Fetched:
    """GET ``url`` through the proxy (images, thumbnails), following redirects; at most ``max_bytes``.

    Built on ``http.client`` rather than ``urllib`` on purpose: urllib skips an explicit proxy for
    the hosts in ``no_proxy``, which would take exactly the local hosts around the proxy's check.
    """
    current = url
    for _ in range(redirects + 1):
        target = parse_target(current)
        parts = urlsplit(current)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn: http.client.HTTPConnection
        if target.scheme == "https":
            conn = http.client.HTTPSConnection("127.0.0.1", proxy.port, timeout=timeout_s,
                                               context=ssl.create_default_context())
            conn.set_tunnel(target.host, target.port)
            request_target = path
        else:
            conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=timeout_s)
            request_target = current
        deadline = time.monotonic() + timeout_s
        try:
            try:
                conn.request("GET", request_target, headers={"User-Agent": user_agent, "Accept": "image/*,*/*;q=0.5"})
            except OSError as exc:
                refusal = proxy.refusal_for(target.host, target.port)
                raise UrlRefused(refusal.reason if refusal else f"cannot fetch {current}: {exc}") from None
            try:
                response = conn.getresponse()
            except (http.client.HTTPException, OSError) as exc:
                # The budget can run out before the proxy has passed the status line on: the same cut.
                cut = next((r.reason for r in reversed(proxy.refusals()) if r.target == "(transfer)"), None)
                raise UrlRefused(cut or f"{current}: no answer ({type(exc).__name__})") from None
            refused = response.getheader(REFUSED_HEADER)
            if refused:
                raise UrlRefused(refused)
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                current = urljoin(current, response.getheader("Location") or "")
                continue
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise UrlRefused(f"{current}: not received within {timeout_s:.0f} s")
                try:
                    chunk = response.read(65536)
                except (http.client.HTTPException, OSError) as exc:
                    # The proxy cuts a connection when the capture's byte budget is spent: say that, not "incomplete".
                    cut = next((r.reason for r in reversed(proxy.refusals()) if r.target == "(transfer)"), None)
                    raise UrlRefused(cut or f"{current}: the answer was cut short ({type(exc).__name__})") from None
                if not chunk:
                    if response.length:  # closed before Content-Length was reached (http.client does not raise)
                        cut = next((r.reason for r in reversed(proxy.refusals()) if r.target == "(transfer)"), None)
                        raise UrlRefused(cut or f"{current}: the answer was cut short")
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise UrlRefused(f"{current}: more than the {max_bytes} bytes allowed")
                chunks.append(chunk)
            return Fetched(current, response.status, response.getheader("Content-Type") or "", b"".join(chunks))
        finally:
            conn.close()
    raise UrlRefused(f"{url}: more than {redirects} redirects")
