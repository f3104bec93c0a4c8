"""API tokens: only a hash is stored, revoked tokens and disabled users are refused, and ``netra user token``
creates (printing the token once), lists and revokes them.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from typer.testing import CliRunner

from monitor.access.tokens import (
    LAST_USED_RESOLUTION,
    TOKEN_RE,
    TokenError,
    TokenRefused,
    authenticate_token,
    issue_token,
    list_tokens,
    revoke_token,
)
from monitor.access.users import create_user, set_disabled
from monitor.cli import app as cli
from monitor.db.schema import Agency, ApiToken
from monitor.db.session import session_factory
from monitor.db.types import utcnow
from monitor.web.app import create_app
from tests.web_support import make_env

runner = CliRunner()


def test_tokens_are_stored_as_hashes_and_checked(db_url: str) -> None:
    with session_factory(db_url)() as s:
        s.add(Agency(code="KAB-A", name="Kabupaten A"))
        s.flush()
        user = create_user(s, "mesin", "kata-sandi-uji-123", role="reviewer", agency_code="KAB-A")
        issued = issue_token(s, "mesin", "integrasi")
        s.commit()
        token = issued.token
        match = TOKEN_RE.fullmatch(token)
        assert match is not None and match.group(1) == issued.row.selector
        row = s.scalar(select(ApiToken))
        assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
        # The secret part is nowhere in the database.
        stored = " ".join(str(v) for v in s.execute(text("SELECT * FROM api_token")).one())
        assert match.group(2) not in stored and token not in stored

        found_user, found = authenticate_token(s, token)
        assert (found_user.id, found.id) == (user.id, row.id) and found.last_used_at is not None
        first_use = found.last_used_at
        authenticate_token(s, token, now=first_use + LAST_USED_RESOLUTION / 2)
        assert found.last_used_at == first_use  # not rewritten on every call
        authenticate_token(s, token, now=first_use + LAST_USED_RESOLUTION + timedelta(seconds=1))
        assert found.last_used_at > first_use

        for presented, reason in [("", "malformed"), (token + "x", "malformed"), (token.upper(), "malformed"),
                                  ("netra_ffffffffffffffff_" + match.group(2), "unknown"),
                                  (token[:-1] + ("A" if token[-1] != "A" else "B"), "mismatch")]:
            with pytest.raises(TokenRefused) as refused:
                authenticate_token(s, presented)
            assert refused.value.reason == reason, presented

        set_disabled(s, "mesin")
        with pytest.raises(TokenRefused, match="user_disabled"):
            authenticate_token(s, token)
        with pytest.raises(TokenError, match="disabled"):
            issue_token(s, "mesin")
        set_disabled(s, "mesin", False)
        revoke_token(s, "mesin", row.id)
        with pytest.raises(TokenRefused, match="revoked"):
            authenticate_token(s, token)

        with pytest.raises(TokenError, match="^username:"):
            issue_token(s, "siapa")
        for name in ("", " ", "x" * 65, "baris\nbaru"):
            with pytest.raises(TokenError, match="^name:"):
                issue_token(s, "mesin", name)
        other = issue_token(s, "mesin", "kedua")
        assert other.token != token and [t.name for t in list_tokens(s, "mesin")] == ["integrasi", "kedua"]


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), env={**os.environ, "COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_cli_creates_lists_and_revokes_tokens(sqlite_db: str) -> None:
    env = make_env(sqlite_db)
    api = TestClient(create_app(env.settings))

    code, out, err = _run("user", "token", "auditor_a", "--name", "dashboard")
    assert code == 0, err
    token = out.strip()
    assert TOKEN_RE.fullmatch(token) and "shown only this once" in err and token not in err
    me = api.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["username"] == "auditor_a"
    assert me.json()["token"]["name"] == "dashboard"

    code, out, _ = _run("user", "token", "auditor_a", "--list", "--format", "json")
    listed = json.loads(out)
    assert code == 0 and [(t["name"], t["state"]) for t in listed] == [("dashboard", "active")]
    assert listed[0]["last_used_at"] is not None and listed[0]["created_by"].startswith("cli")
    code, out, _ = _run("user", "token", "auditor_a", "--list")
    assert code == 0 and "dashboard" in out and "active" in out and token not in out
    code, out, _ = _run("user", "token", "auditor_a", "--list", "--format", "csv")
    assert out.splitlines()[0] == "id,name,created_at,last_used_at,created_by,state" and token not in out

    token_id = str(listed[0]["id"])
    code, _, err = _run("user", "token", "admin", "--revoke", token_id)
    assert code == 1 and f"'admin' has no token {token_id}" in err and len(err.strip().splitlines()) == 1
    code, _, err = _run("user", "token", "auditor_a", "--revoke", token_id)
    assert code == 0 and "revoked" in err
    assert api.get("/api/v1/me", headers={"authorization": f"Bearer {token}"}).status_code == 401
    assert json.loads(_run("user", "token", "auditor_a", "--list", "--format", "json")[1])[0]["state"] == "revoked"

    for args, words in [(("user", "token", "siapa"), "no user 'siapa'"),
                        (("user", "token", "admin", "--name", ""), "name: must be"),
                        (("user", "token", "admin", "--list", "--revoke", "1"), "either --list or --revoke")]:
        code, out, err = _run(*args)
        assert code == 1 and words in err and "Traceback" not in err + out, args
    code, out, err = _run("user", "token", "admin", "--list", "--format", "xml")
    assert code == 2 and "--format" in err and "Traceback" not in err + out

    # A user disabled after the token was made: the token stops working at once.
    code, out, _ = _run("user", "token", "reviewer")
    assert code == 0
    assert _run("user", "disable", "reviewer")[0] == 0
    assert api.get("/api/v1/me", headers={"authorization": f"Bearer {out.strip()}"}).status_code == 401
    code, out, _ = _run("user", "token", "reviewer", "--list", "--format", "json")
    assert json.loads(out)[0]["state"] == "disabled user"
    with session_factory(env.url)() as s:
        assert all(t.created_at <= utcnow() for t in s.scalars(select(ApiToken)))
