"""Helpers for the web app's HTTP tests: a seeded app, a TestClient per user, CSRF-aware posting."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
