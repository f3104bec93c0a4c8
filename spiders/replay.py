"""A local HTTP server that replays recorded platform responses.

Tests and the end-to-end demo point the spiders' base URL at it, so a crawl
goes through the real Scrapy engine, real HTTP and real fault timing without
touching the internet.

A fixture directory holds response files and a ``routes.json`` manifest::

    {"routes": [
      {"method": "GET", "path": "/xrpc/app.bsky.feed.getAuthorFeed",
       "query": {"actor": "did:plc:abc", "limit": "50"},          # exact match; omit to match any query
       "responses": [                                             # served in turn; the last one repeats
         {"status": 503, "body": "<html>busy</html>", "headers": {"Content-Type": "text/html"}},
         {"file": "bluesky/getAuthorFeed_page1.json", "headers": {"Link": "<{base}/next>; rel=\\"next\\""}}
       ]}
    ]}

A response may give ``file`` (relative to the directory), ``json`` or
``body``; ``status`` (200), ``headers``, ``delay`` (seconds before answering,
for timeouts) and ``truncate`` (send only that many bytes of a body whose
``Content-Length`` promises all of it). ``{base}`` in bodies and headers
becomes the server's own URL. Routes with a query beat routes without one.
Code can also add routes whose responses are computed (the benchmark, the demo and the X and
YouTube API servers of ``spiders/platforms/*/replay.py`` do), for one path or every path under it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: int | None = None


Handler = Callable[..., Reply]  # (path, query) -> Reply, or (path, query, headers) with ``headers=True``


@dataclass
class Route:
    method: str
    path: str
    query: dict[str, list[str]] | None
    replies: list[dict[str, Any]] = field(default_factory=list)
    handler: Handler | None = None
    hits: int = 0
    prefix: bool = False  # the route answers every path under ``path`` (an API with ids in its paths)
    with_headers: bool = False  # the handler also gets the request headers (credentials)

    def matches(self, method: str, path: str, query: dict[str, list[str]]) -> bool:
        if method != self.method:
            return False
        if self.prefix:
            return path == self.path or path.startswith(self.path.rstrip("/") + "/")
        if path != self.path:
            return False
        return self.query is None or self.query == query


@dataclass
class Hit:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int


def _query_dict(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return {k: sorted(v) for k, v in out.items()}


def _normalise_query(query: dict[str, Any] | str | None) -> dict[str, list[str]] | None:
    if query is None:
        return None
    if isinstance(query, str):
        return _query_dict(parse_qsl(query.lstrip("?"), keep_blank_values=True))
    return {k: sorted(v if isinstance(v, list) else [v]) for k, v in ((k, _str(v)) for k, v in query.items())}


def _str(value: Any) -> Any:
    if isinstance(value, list):
        return [_str(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ReplayServer:
    """Serves recorded responses on 127.0.0.1 at a free port, in a background thread."""

    def __init__(self, directory: Path | str | None = None, manifest: str = "routes.json"):
        self.directory = Path(directory) if directory else None
        self.routes: list[Route] = []
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        if self.directory is not None and (self.directory / manifest).exists():
            self.load(self.directory / manifest)

    # ---------------------------------------------------------------- routes

    def load(self, manifest_path: Path) -> None:
        try:
            data = json.loads(manifest_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ValueError(f"{manifest_path}: not valid JSON: {exc}") from exc
        for n, spec in enumerate(data.get("routes", []), 1):
            if "path" not in spec or "responses" not in spec:
                raise ValueError(f"{manifest_path}: route {n} needs 'path' and 'responses'")
            self.add(spec["path"], spec["responses"], query=spec.get("query"), method=spec.get("method", "GET"))

    def add(self, path: str, responses: list[dict[str, Any]] | dict[str, Any], *,
            query: dict[str, Any] | str | None = None, method: str = "GET") -> Route:
        """Add a route; a later route for the same method, path and query replaces the earlier one."""
        replies = responses if isinstance(responses, list) else [responses]
        route = Route(method.upper(), path, _normalise_query(query), list(replies))
        with self._lock:
            key = (route.method, route.path, route.query)
            self.routes = [r for r in self.routes if (r.method, r.path, r.query) != key]
            self.routes.append(route)
        return route

    def add_handler(self, path: str, handler: Handler, *, method: str = "GET", prefix: bool = False,
                    headers: bool = False) -> Route:
        """Add a route whose reply ``handler(path, query)`` computes (any query).

        ``prefix``: every path under ``path`` (exact routes and longer prefixes win); ``headers``: the
        handler is called as ``handler(path, query, headers)`` (header names lower-cased).
        """
        route = Route(method.upper(), path, None, handler=handler, prefix=prefix, with_headers=headers)
        with self._lock:
            self.routes.append(route)
        return route

    def hits_for(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    # --------------------------------------------------------------- serving

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("replay server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> str:
        replay = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                replay._serve(self)

            def do_HEAD(self) -> None:  # noqa: N802
                replay._serve(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="replay-server", daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ReplayServer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _route_for(self, method: str, path: str, query: dict[str, list[str]]) -> Route | None:
        with self._lock:
            candidates = [r for r in self.routes if r.matches(method, path, query)]
        exact = [r for r in candidates if r.query is not None]
        whole = [r for r in candidates if not r.prefix]
        if exact or whole:
            pool = exact or whole
            return pool[-1]
        # The most specific prefix answers: /2/tweets/search/recent before /2/tweets.
        return max(candidates, key=lambda r: len(r.path), default=None)

    def _reply(self, route: Route, path: str, query: dict[str, list[str]],
               headers: dict[str, str] | None = None) -> Reply:
        with self._lock:
            index = route.hits
            route.hits += 1
        if route.handler is not None:
            if route.with_headers:
                return route.handler(path, query, {k.lower(): v for k, v in (headers or {}).items()})
            return route.handler(path, query)
        spec = route.replies[min(index, len(route.replies) - 1)]
        base = self.base_url
        headers = {k: str(v).replace("{base}", base) for k, v in (spec.get("headers") or {}).items()}
        if "file" in spec:
            if self.directory is None:
                raise ValueError("a 'file' response needs a fixture directory")
            body = (self.directory / spec["file"]).read_bytes()
            headers.setdefault("Content-Type", JSON_TYPE if spec["file"].endswith(".json") else "application/xml")
        elif "json" in spec:
            body = json.dumps(spec["json"], ensure_ascii=False).encode()
            headers.setdefault("Content-Type", JSON_TYPE)
        else:
            body = str(spec.get("body", "")).encode()
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        body = body.replace(b"{base}", base.encode())
        return Reply(int(spec.get("status", 200)), body, headers, float(spec.get("delay", 0)), spec.get("truncate"))

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        query = _query_dict(parse_qsl(parts.query, keep_blank_values=True))
        route = self._route_for(request.command if request.command != "HEAD" else "GET", parts.path, query)
        reply = self._reply(route, parts.path, query, dict(request.headers.items())) if route else Reply(
            404, b'{"error":"NotFound","message":"no replay route"}', {"Content-Type": JSON_TYPE})
        with self._lock:
            self.hits.append(Hit(request.command, parts.path, query, dict(request.headers.items()), reply.status))
        if reply.delay:
            time.sleep(reply.delay)
        try:
            request.send_response(reply.status)
            for key, value in reply.headers.items():
                request.send_header(key, value)
            request.send_header("Content-Length", str(len(reply.body)))
            if reply.truncate is not None:
                request.send_header("Connection", "close")
            request.end_headers()
            if request.command != "HEAD":
                request.wfile.write(reply.body if reply.truncate is None else reply.body[: reply.truncate])
            if reply.truncate is not None:
                request.close_connection = True
                request.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to do
