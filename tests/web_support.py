"""Helpers for the web app's HTTP tests: a seeded app, a TestClient per user, CSRF-aware posting."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from monitor.config import Settings
from monitor.db.session import session_factory
from monitor.web.app import create_app
from tests.seed import PASSWORD, Seeded, seed

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class WebEnv:
    url: str
    settings: Settings
    data: Seeded

    def client(self, username: str | None = None, **settings_changes: object) -> TestClient:
        settings = self.settings.model_copy(update=settings_changes) if settings_changes else self.settings
        client = TestClient(create_app(settings), follow_redirects=False)
        if username is not None:
            login(client, username)
        return client


def csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    match = TOKEN_RE.search(page.text)
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    token = csrf(client)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text[:500]


def post(client: TestClient, path: str, data: dict | list, token_from: str = "/queue"):  # type: ignore[no-untyped-def]
    token = csrf(client, token_from)
    pairs = list(data.items()) if isinstance(data, dict) else list(data)
    form: dict[str, list[str]] = {}
    for key, value in [*pairs, ("csrf_token", token)]:
        form.setdefault(key, []).append(str(value))
    return client.post(path, data=form)


def make_env(url: str) -> WebEnv:
    settings = Settings(database_url=url, secret_key="test-secret-key-for-netra-web-tests")
    session = session_factory(url)()
    try:
        data = seed(session)
        session.commit()
    finally:
        session.close()
    return WebEnv(url=url, settings=settings, data=data)


@contextmanager
def serve(app: FastAPI, *, lifespan: str = "off") -> Iterator[str]:
    """Run ``app`` with uvicorn in a thread on a port the OS picks; yields the base URL.

    ``lifespan="on"`` also runs the app's shutdown (its background job pools stop), as a served app does.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan=lifespan))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


def latest_decision_id(url: str, item_id: int) -> str:
    """The id of the item's newest decision as the decision form sends it (``expected_latest_id``); "" if none."""
    from sqlalchemy import select

    from monitor.db.schema import Decision

    with session_factory(url)() as s:
        found = s.scalar(select(Decision.id).where(Decision.review_item_id == item_id)
                         .order_by(Decision.id.desc()).limit(1))
    return "" if found is None else str(found)
