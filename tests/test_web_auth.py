"""Sign-in, sessions, CSRF and throttling of the review web app (HTTP level, SQLite)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from datetime import timedelta
from typing import Literal

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from monitor.access import users
from monitor.access.users import LoginRefused, authenticate, set_disabled, set_password
from monitor.config import Settings
from monitor.db.schema import AuditLog, LoginLimit, WebSession
from monitor.db.session import session_factory
from monitor.db.types import utcnow
from monitor.web.app import create_app
from tests.conftest import REPO
from tests.seed import PASSWORD
from tests.web_support import WebEnv, csrf, login, make_env, post


@pytest.fixture
def web(sqlite_db: str) -> WebEnv:
    return make_env(sqlite_db)


@pytest.fixture
def web_both(db_url: str) -> WebEnv:
    """The app on SQLite and on PostgreSQL (row locks and upserts differ)."""
    return make_env(db_url)

PROTECTED_GETS = ["/queue", "/items/1", "/audit", "/export/queue.csv", "/export/decisions.xlsx"]


def _audit(env: WebEnv, action: str) -> list[AuditLog]:
    with session_factory(env.url)() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_anonymous_is_sent_to_sign_in(web: WebEnv) -> None:
    client = web.client()
    for path in PROTECTED_GETS:
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next="), path
    # State-changing routes refuse an anonymous request (no session token, no user).
    for path in ["/queue/take", "/queue/assign", f"/items/{web.data.items['budi_post']}/decisions", "/logout"]:
        assert client.post(path, data={"csrf_token": "x"}).status_code in (303, 403), path
    assert client.get("/").headers["location"] == "/queue"


def test_sign_in_sets_a_hardened_cookie_and_is_audited(web: WebEnv) -> None:
    client = web.client()
    token = csrf(client)
    response = client.post("/login", data={"username": "reviewer", "password": PASSWORD, "csrf_token": token,
                                           "next": "/queue?status=decided"})
    assert response.status_code == 303
    assert response.headers["location"] == "/queue?status=decided"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=" in cookie
    assert client.get("/queue").status_code == 200
    entry = _audit(web, "login")[-1]
    assert entry.username == "reviewer" and entry.ip == "testclient"
    page = client.get("/queue")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"


def test_open_redirects_are_refused(web: WebEnv) -> None:
    for target in ["//evil.example/x", "https://evil.example/", "/\\evil.example"]:
        client = web.client()
        token = csrf(client)
        response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token,
                                               "next": target})
        assert response.headers["location"] == "/queue"


def test_wrong_password_gives_one_message_and_locks_after_repeats(web: WebEnv) -> None:
    client = web.client()
    for _ in range(web.settings.login_max_failures):
        token = csrf(client)
        bad = client.post("/login", data={"username": "reviewer", "password": "salah-salah-salah", "csrf_token": token})
        assert bad.status_code == 401
        assert "Nama pengguna atau kata sandi salah" in bad.text
    token = csrf(client)
    unknown = client.post("/login", data={"username": "nobody", "password": "x", "csrf_token": token})
    assert unknown.status_code == 401 and "Nama pengguna atau kata sandi salah" in unknown.text
    # Locked: even the right password is refused, with the same message.
    token = csrf(client)
    locked = client.post("/login", data={"username": "reviewer", "password": PASSWORD, "csrf_token": token})
    assert locked.status_code == 401
    reasons = [e.detail["reason"] for e in _audit(web, "login_failed")]
    assert reasons.count("bad_password") == web.settings.login_max_failures
    assert "locked" in reasons and "unknown_user" in reasons
    with session_factory(web.url)() as s:
        limit = s.get(LoginLimit, ("account", "reviewer"))
        assert limit is not None and limit.locked_until is not None
        limit.locked_until = utcnow() - timedelta(seconds=1)  # the lockout has run out
        s.commit()
    login(client, "reviewer")


def test_per_ip_throttle(web: WebEnv) -> None:
    client = web.client(login_max_failures=2)  # per-IP limit: 4 x 2 = 8 failures
    statuses = []
    for n in range(9):
        token = csrf(client)
        statuses.append(client.post("/login", data={"username": f"guess{n}", "password": "x",
                                                    "csrf_token": token}).status_code)
    assert statuses[:8] == [401] * 8 and statuses[8] == 429
    token = csrf(client)
    # Even a right password from that address waits out the window.
    assert client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}
                       ).status_code == 429
    assert _audit(web, "login_throttled")


def test_csrf_is_required_on_every_form(web: WebEnv) -> None:
    anon = web.client()
    anon.get("/login")
    assert anon.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 403
    assert anon.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "forged"}
                     ).status_code == 403

    reviewer = web.client("reviewer")
    other = web.client("reviewer2")
    foreign_token = csrf(other, "/queue")
    item = web.data.items["budi_post"]
    for token in (None, "forged", foreign_token):
        data = {"verdict": "eskalasi", "note": "x"} | ({"csrf_token": token} if token else {})
        assert reviewer.post(f"/items/{item}/decisions", data=data).status_code == 403
        assert reviewer.post("/queue/take", data=data).status_code == 403
        assert reviewer.post("/logout", data=data).status_code == 403
    assert "Putusan" in reviewer.get(f"/items/{item}").text and "Belum ada putusan" in reviewer.get(
        f"/items/{item}").text
    # The header form works for scripts.
    token = csrf(reviewer, "/queue")
    assert reviewer.post("/queue/take", headers={"X-CSRF-Token": token}).status_code == 303


def test_session_expires(web: WebEnv) -> None:
    client = web.client("reviewer", session_max_age_s=1)
    assert client.get("/queue").status_code == 200
    time.sleep(2.1)
    response = client.get("/queue")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_tampered_cookie_is_ignored(web: WebEnv) -> None:
    client = web.client("admin")
    value = client.cookies["netra_session"]
    client.cookies.clear()
    client.cookies.set("netra_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert client.get("/queue").status_code == 303
    other_key = web.client()
    other_key_app = create_app(web.settings.model_copy(update={"secret_key": "another-secret-key-xxxxxxxxxxxx"}))
    from fastapi.testclient import TestClient

    forged = TestClient(other_key_app, follow_redirects=False)
    login(forged, "admin")
    other_key.cookies.set("netra_session", forged.cookies["netra_session"])
    assert other_key.get("/queue").status_code == 303


def test_disabling_or_new_password_ends_sessions(web: WebEnv) -> None:
    client = web.client("reviewer")
    other = web.client("reviewer2")
    with session_factory(web.url)() as s:
        set_disabled(s, "reviewer")
        time.sleep(1.1)
        set_password(s, "reviewer2", "kata-sandi-baru-456")
        s.commit()
    assert client.get("/queue").status_code == 303
    assert other.get("/queue").status_code == 303
    fresh = web.client()
    token = csrf(fresh)
    assert fresh.post("/login", data={"username": "reviewer", "password": PASSWORD, "csrf_token": token}
                      ).status_code == 401
    login(fresh, "reviewer2", "kata-sandi-baru-456")


def test_logout(web: WebEnv) -> None:
    client = web.client("admin")
    assert post(client, "/logout", {}).status_code == 303
    assert client.get("/queue").status_code == 303
    assert _audit(web, "logout")


def _replay(env: WebEnv, cookie: str) -> int:
    """Status of /queue for a new browser carrying a copied session cookie."""
    thief = env.client()
    thief.cookies.set("netra_session", cookie)
    return thief.get("/queue").status_code


def test_a_copied_cookie_dies_with_logout(web_both: WebEnv) -> None:
    web = web_both
    client = web.client("reviewer")
    other_device = web.client("reviewer")
    copied = client.cookies["netra_session"]
    assert _replay(web, copied) == 200
    assert post(client, "/logout", {}).status_code == 303
    assert _replay(web, copied) == 303
    # Signing out ends that session only: the same user's other browser stays signed in.
    assert other_device.get("/queue").status_code == 200
    with session_factory(web.url)() as s:
        reasons = [r.end_reason for r in s.scalars(select(WebSession).order_by(WebSession.id))]
    assert reasons.count("logout") == 1


@pytest.mark.parametrize("change", ["password", "disabled"])
def test_a_copied_cookie_dies_with_password_change_or_disable(web: WebEnv, change: str) -> None:
    copied = web.client("reviewer").cookies["netra_session"]
    assert _replay(web, copied) == 200
    with session_factory(web.url)() as s:
        if change == "password":
            set_password(s, "reviewer", "kata-sandi-baru-789")
        else:
            set_disabled(s, "reviewer")
            set_disabled(s, "reviewer", False)  # enabling again must not bring old sessions back
        s.commit()
    assert _replay(web, copied) == 303


def test_lockout_decays_and_unknown_names_answer_alike(web: WebEnv) -> None:
    settings = web.settings
    with session_factory(web.url)() as s:
        for name in ("admin", "no-such-user"):
            for _ in range(settings.login_max_failures):
                with pytest.raises(LoginRefused) as refused:
                    authenticate(s, name, "salah-salah-salah", settings.login_max_failures, settings.login_lockout_s)
            assert refused.value.reason in ("bad_password", "unknown_user")
            # A name that does not exist locks like one that does, so the lockout tells nothing.
            with pytest.raises(LoginRefused, match="locked"):
                authenticate(s, name, PASSWORD, settings.login_max_failures, settings.login_lockout_s)
        s.commit()
        later = utcnow() + timedelta(seconds=settings.login_lockout_s + 1)
        assert authenticate(s, "admin", PASSWORD, settings.login_max_failures, settings.login_lockout_s,
                            now=later).username == "admin"
        # Failures fade: one short of the limit now, and the same again a lockout period later, never lock.
        start = later + timedelta(seconds=1)
        for offset in (0, settings.login_lockout_s + 1):
            for _ in range(settings.login_max_failures - 1):
                with pytest.raises(LoginRefused, match="bad_password"):
                    authenticate(s, "admin", "salah-salah-salah", settings.login_max_failures,
                                 settings.login_lockout_s, now=start + timedelta(seconds=offset))
        assert authenticate(s, "admin", PASSWORD, settings.login_max_failures, settings.login_lockout_s,
                            now=start + timedelta(seconds=settings.login_lockout_s + 2)).username == "admin"


def test_every_refusal_costs_one_password_hash(web: WebEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:  # noqa: A002
            calls.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(users, "_hasher", Counting())
    settings = web.settings
    with session_factory(web.url)() as s:
        for _ in range(settings.login_max_failures):
            with pytest.raises(LoginRefused):
                authenticate(s, "reviewer", "salah-salah-salah", settings.login_max_failures, settings.login_lockout_s)
        for name, password in [("reviewer", PASSWORD), ("nobody", "x"), ("admin", "salah-salah-salah")]:
            calls.clear()
            with pytest.raises(LoginRefused):
                authenticate(s, name, password, settings.login_max_failures, settings.login_lockout_s)
            assert len(calls) == 1, name  # locked, unknown and wrong alike


def test_limits_hold_across_workers(web_both: WebEnv) -> None:
    web = web_both
    first = web.client(login_max_failures=2)
    second = web.client(login_max_failures=2)  # another app instance: another worker, same database
    for n in range(8):
        client = first if n % 2 else second
        token = csrf(client)
        assert client.post("/login", data={"username": f"guess{n}", "password": "x", "csrf_token": token}
                           ).status_code == 401
    for client in (first, second):
        token = csrf(client)
        assert client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}
                           ).status_code == 429
    # The account lock too: two failures through one worker lock the name for the other.
    with session_factory(web.url)() as s:
        s.query(LoginLimit).filter(LoginLimit.kind == "ip").delete()
        s.commit()
    for client in (first, second):
        token = csrf(client)
        assert client.post("/login", data={"username": "admin", "password": "salah", "csrf_token": token}
                           ).status_code == 401
    fresh = web.client(login_max_failures=2)
    token = csrf(fresh)
    assert fresh.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}
                      ).status_code == 401
    assert _audit(web, "login_failed")[-1].detail["reason"] == "locked"


def test_secret_key_is_generated_once_with_private_mode(web: WebEnv, netra_home) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(database_url=web.url, home=netra_home, secret_key=None)
    create_app(settings)
    key_file = netra_home / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    first = key_file.read_text()
    create_app(settings)
    assert key_file.read_text() == first and len(first) > 40


def test_passwords_are_hashed_with_argon2id_at_its_default_cost() -> None:
    # The suite hashes cheaply (conftest.cheap_password_hashing); the product, in a process of its own, does not.
    done = subprocess.run([sys.executable, "-c", "from monitor.access.users import hash_password; "
                           "print(hash_password('kata-sandi-panjang'))"], capture_output=True, text=True, timeout=120,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
