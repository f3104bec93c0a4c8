"""The service API over real HTTP (uvicorn on a local port): who gets 200/201, 401, 403 or 404 on every
endpoint, for every role, on their own agency and on another one; the OpenAPI document; ``/healthz``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from sqlalchemy import select

from monitor.access.tokens import revoke_token
from monitor.access.users import set_disabled
from monitor.config import Settings
from monitor.db.schema import ApiToken, Decision
from monitor.db.session import session_factory
from monitor.web.app import create_app
from tests.api_support import ROLES, ApiEnv, api_env, serve
from tests.seed import PASSWORD

REGISTRY_CSV = ("nip,nama,instansi,kode_instansi,unit_kerja,jabatan,status,platform,akun\n"
                "197701022003121002,Rina Pratiwi,Dinas Kesehatan,dinkes,Bidang P2P,Analis,PNS,bluesky,"
                "rina.bsky.social\n")
MISSING = 987654


@pytest.fixture
def env(db_url: str) -> Iterator[ApiEnv]:
    with api_env(db_url) as e:
        yield e


@pytest.fixture
def env_sqlite(sqlite_db: str) -> Iterator[ApiEnv]:
    with api_env(sqlite_db) as e:
        yield e


def _by_role(**statuses: int) -> dict[str, int]:
    assert set(statuses) == set(ROLES)
    return statuses


def _latest(env: ApiEnv, item_id: int) -> int | None:
    with session_factory(env.web.url)() as s:
        return s.scalar(select(Decision.id).where(Decision.review_item_id == item_id)
                        .order_by(Decision.id.desc()).limit(1))


Call = Callable[[httpx.Client], httpx.Response]


def _endpoints(env: ApiEnv) -> list[tuple[str, Call, dict[str, int]]]:
    a, b = env.web.data.items["budi_post"], env.web.data.items["joko_photo"]
    r = env.reports

    def decide(item_id: int) -> Call:
        # A valid decision each time: it cites the latest decision, so every allowed role's call succeeds.
        return lambda c: c.post(f"/items/{item_id}/decisions", json={
            "verdict": "perlu_klarifikasi", "note": "Perlu keterangan dari yang bersangkutan.",
            "expected_latest_id": _latest(env, item_id)})

    def get(path: str) -> Call:
        return lambda c: c.get(path)

    see_a = _by_role(admin=200, supervisor=200, reviewer=200, reviewer_b=404, auditor_a=200, auditor_b=404)
    see_b = _by_role(admin=200, supervisor=404, reviewer=404, reviewer_b=200, auditor_a=404, auditor_b=200)
    everyone = dict.fromkeys(ROLES, 200)
    return [
        ("GET /me", get("/me"), everyone),
        ("GET /vocabulary", get("/vocabulary"), everyone),
        ("GET /items", get("/items?status=all"), everyone),
        ("GET /items/{own agency}", get(f"/items/{a}"), see_a),
        ("GET /items/{other agency}", get(f"/items/{b}"), see_b),
        ("GET /items/{missing}", get(f"/items/{MISSING}"), dict.fromkeys(ROLES, 404)),
        ("GET /items/{A}/decisions", get(f"/items/{a}/decisions"), see_a),
        ("GET /items/{B}/decisions", get(f"/items/{b}/decisions"), see_b),
        ("POST /items/{A}/decisions", decide(a),
         _by_role(admin=201, supervisor=201, reviewer=201, reviewer_b=404, auditor_a=403, auditor_b=403)),
        ("POST /items/{B}/decisions", decide(b),
         _by_role(admin=201, supervisor=404, reviewer=404, reviewer_b=201, auditor_a=403, auditor_b=403)),
        ("GET /reports", get("/reports"),
         _by_role(admin=200, supervisor=200, reviewer=403, reviewer_b=403, auditor_a=200, auditor_b=200)),
        ("GET weekly A", get(f"/reports/{r['mingguan-KAB-A.pdf']}/file"),
         _by_role(admin=200, supervisor=200, reviewer=403, reviewer_b=403, auditor_a=200, auditor_b=404)),
        ("GET weekly B", get(f"/reports/{r['mingguan-KAB-B.csv']}/file"),
         _by_role(admin=200, supervisor=404, reviewer=403, reviewer_b=403, auditor_a=404, auditor_b=200)),
        ("GET combined weekly", get(f"/reports/{r['mingguan-semua.pdf']}/file"),
         _by_role(admin=200, supervisor=404, reviewer=403, reviewer_b=403, auditor_a=404, auditor_b=404)),
        ("GET self-audit A", get(f"/reports/{r['audit-KAB-A.pdf']}/file"),
         _by_role(admin=200, supervisor=404, reviewer=403, reviewer_b=403, auditor_a=200, auditor_b=404)),
        ("GET report {missing}", get(f"/reports/{MISSING}/file"),
         _by_role(admin=404, supervisor=404, reviewer=403, reviewer_b=403, auditor_a=404, auditor_b=404)),
        ("POST /registry/imports", lambda c: c.post("/registry/imports", files={
            "file": ("registry.csv", REGISTRY_CSV.encode(), "text/csv")}),
         _by_role(admin=200, supervisor=403, reviewer=403, reviewer_b=403, auditor_a=403, auditor_b=403)),
    ]


def test_every_role_on_every_endpoint(env: ApiEnv) -> None:
    """The 200/403/404 matrix, on SQLite and PostgreSQL."""
    failures = []
    for role in ROLES:
        with env.client(role) as client:
            missing_body = client.get(f"/items/{MISSING}").json()
            for name, call, expected in _endpoints(env):
                response = call(client)
                if response.status_code != expected[role]:
                    failures.append(f"{role} {name}: {response.status_code} (want {expected[role]}) "
                                    f"{response.text[:200]}")
                elif response.status_code >= 400:
                    assert response.headers["content-type"] == "application/json", name
                    assert set(response.json()) <= {"detail", "field", "errors"}, name
                if response.status_code == 404 and "/items/" in name:
                    # Another agency's item reads exactly like one that does not exist.
                    assert response.json() == missing_body, (role, name)
    assert failures == []


SEES = {"admin": {"KAB-A", "KAB-B"}, "supervisor": {"KAB-A"}, "reviewer": {"KAB-A"}, "reviewer_b": {"KAB-B"},
        "auditor_a": {"KAB-A"}, "auditor_b": {"KAB-B"}}
REPORTS = {"admin": {"mingguan-KAB-A", "mingguan-KAB-B", "mingguan-semua", "audit-KAB-A"},
           "supervisor": {"mingguan-KAB-A"}, "reviewer": None, "reviewer_b": None,
           "auditor_a": {"mingguan-KAB-A", "audit-KAB-A"}, "auditor_b": {"mingguan-KAB-B"}}
ROLE_NAMES = {"reviewer_b": "reviewer", "auditor_a": "agency_auditor", "auditor_b": "agency_auditor"}


def test_lists_hold_only_what_each_role_may_see(env_sqlite: ApiEnv) -> None:
    env = env_sqlite
    for role in ROLES:
        sees, reports = SEES[role], REPORTS[role]
        with env.client(role) as client:
            items = client.get("/items", params={"status": "all", "limit": 200}).json()
            assert {i["agency"]["code"] for i in items["items"]} == sees, role
            assert items["total"] == len(items["items"]) == sum(items["counts"].values())
            me = client.get("/me").json()
            assert me["username"] == role and me["role"] == ROLE_NAMES.get(role, role)
            assert (me["agencies"] is None) == (role == "admin")
            if me["agencies"] is not None:
                assert {a["code"] for a in me["agencies"]} == sees
            for code, agency_id in env.web.data.agencies.items():
                # Asking for another agency's items by id finds nothing, as on the queue page.
                found = client.get("/items", params={"status": "all", "agency": agency_id}).json()
                assert (found["total"] > 0) == (code in sees), (role, code)
            listed = client.get("/reports")
            if reports is None:
                assert listed.status_code == 403
                continue
            assert {r["name"].rsplit(".", 1)[0] for r in listed.json()} == reports, role
            assert {r["id"] for r in listed.json()} == {
                rid for key, rid in env.reports.items() if key.rsplit(".", 1)[0] in reports}


def test_requests_without_a_valid_token_get_401(env_sqlite: ApiEnv) -> None:
    env = env_sqlite
    item = env.web.data.items["budi_post"]
    paths = ["/me", "/items", f"/items/{item}", f"/items/{item}/decisions", "/reports",
             f"/reports/{env.reports['mingguan-KAB-A.pdf']}/file", "/vocabulary"]
    with session_factory(env.web.url)() as s:
        revoked_id = s.scalar(select(ApiToken.id).join(ApiToken.user).where(ApiToken.name == "tests")
                              .where(ApiToken.user_id == env.web.data.users["reviewer2"]))
        assert revoked_id is not None
        revoke_token(s, "reviewer2", revoked_id)
        set_disabled(s, "auditor_b")
        s.commit()
    reviewer = env.tokens["reviewer"]
    wrong_secret = reviewer[:-4] + ("AAAA" if not reviewer.endswith("AAAA") else "BBBB")
    bad = {"none": None, "malformed": "not-a-token", "unknown": "netra_0123456789abcdef_" + "x" * 43,
           "wrong secret": wrong_secret, "revoked": env.tokens["reviewer2"],
           "disabled user": env.tokens["auditor_b"]}
    for label, token in bad.items():
        with env.client(token=token) as client:
            for path in paths:
                response = client.get(path)
                assert response.status_code == 401, (label, path)
                assert response.headers["www-authenticate"].startswith("Bearer"), (label, path)
                assert "detail" in response.json()
            posted = client.post(f"/items/{item}/decisions", json={"verdict": "eskalasi", "note": "x"})
            assert posted.status_code == 401, label
            upload = client.post("/registry/imports", files={"file": ("r.csv", REGISTRY_CSV.encode(), "text/csv")})
            assert upload.status_code == 401, label
    # Refusals of real tokens leave a trace; random strings do not fill the audit log.
    reasons = sorted(e.detail["reason"] for e in env.audit("api_token_refused"))
    per_label = len(paths) + 2
    assert reasons == sorted(["mismatch"] * per_label + ["revoked"] * per_label + ["user_disabled"] * per_label)
    assert not env.audit("decide")

    # A signed-in browser session is no API credential (the API takes no cookies, so it needs no CSRF).
    with httpx.Client(base_url=env.base, follow_redirects=False) as browser:
        page = browser.get("/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        signed_in = browser.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
        assert signed_in.status_code == 303 and browser.get("/queue").status_code == 200
        assert browser.get("/api/v1/items").status_code == 401
        assert browser.post(f"/api/v1/items/{item}/decisions", json={"verdict": "eskalasi", "note": "x"},
                            headers={"x-csrf-token": token}).status_code == 401
    # Unknown paths and methods answer JSON too.
    with env.client("admin") as client:
        assert client.get("/nothing-here").json() == {"detail": "Tidak ditemukan."}
        assert client.delete(f"/items/{item}").status_code == 405
        assert client.get("/items/abc").status_code == 422


def _schema_validator(spec: dict[str, Any], name: str) -> Draft202012Validator:
    # OpenAPI 3.1 schemas are JSON Schema 2020-12; refs resolve inside the document itself.
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": spec["components"]})


def test_openapi_document_validates_and_describes_the_answers(env_sqlite: ApiEnv) -> None:
    env = env_sqlite
    with httpx.Client(base_url=env.base) as anonymous:
        response = anonymous.get("/api/v1/openapi.json")
        assert anonymous.get("/openapi.json").status_code == 404  # the HTML app still publishes none
    assert response.status_code == 200
    spec = response.json()
    validate_spec(spec)
    assert spec["servers"] == [{"url": "/api/v1"}]
    assert set(spec["paths"]) == {"/me", "/vocabulary", "/items", "/items/{item_id}", "/items/{item_id}/decisions",
                                  "/items/{item_id}/dossiers", "/items/{item_id}/dossiers/{dossier_id}/{fmt}",
                                  "/reports", "/reports/{report_id}/file", "/registry/imports"}
    assert spec["components"]["securitySchemes"]["token"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "netra_<selector>_<secret>",
        "description": spec["components"]["securitySchemes"]["token"]["description"]}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"token": []}], (method, path)
            assert "401" in operation["responses"], (method, path)
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert answer["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorBody"}, (method, path, status)
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    upload = spec["paths"]["/registry/imports"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["required"] == ["file"]
    listed = {p["name"] for p in spec["paths"]["/items"]["get"]["parameters"]}
    assert listed == {"status", "agency", "platform", "kind", "candidate", "date_from", "date_to", "assignee",
                      "q", "cursor", "limit"}

    # What the server answers is what the document says it answers.
    item = env.web.data.items["budi_post"]
    with env.client("reviewer") as client:
        answers = {
            "MeOut": client.get("/me"),
            "ItemPage": client.get("/items", params={"status": "all", "limit": 2}),
            "CaseFileOut": client.get(f"/items/{item}"),
            "DecisionOut": client.post(f"/items/{item}/decisions", json={
                "verdict": "pelanggaran", "note": "Ajakan memilih paslon 1.", "violation_code": "social_campaign",
                "candidate": "k1", "register": "discipline"}),
            "DossierOut": client.post(f"/items/{item}/dossiers"),  # the breach just decided
            "VocabularyOut": client.get("/vocabulary"),
        }
        errors = [client.get(f"/items/{MISSING}"), client.get("/items", params={"status": "bogus"}),
                  client.post(f"/items/{item}/decisions", json={"verdict": "eskalasi"}), client.get("/reports")]
    with env.client("admin") as admin:
        reports = admin.get("/reports")
        imported = admin.post("/registry/imports", files={"file": ("r.csv", REGISTRY_CSV.encode(), "text/csv")})
    for name, answer in answers.items():
        assert answer.status_code in (200, 201), (name, answer.text)
        _schema_validator(spec, name).validate(answer.json())
    assert answers["DecisionOut"].json()["register"] == "discipline"
    assert [e.status_code for e in errors] == [404, 422, 422, 403]
    for error in errors:
        _schema_validator(spec, "ErrorBody").validate(error.json())
    assert errors[2].json()["field"] == "note"
    for report in reports.json():
        _schema_validator(spec, "ReportOut").validate(report)
    assert imported.status_code == 200
    _schema_validator(spec, "RegistryImportOut").validate(imported.json())


def test_healthz_needs_no_login_and_allows_head(env_sqlite: ApiEnv) -> None:
    from monitor.db.migrate import downgrade

    with httpx.Client(base_url=env_sqlite.base) as anonymous:
        got = anonymous.get("/healthz")
        assert got.status_code == 200
        assert got.json() == {"status": "ok", "database": "ok", "schema": "current"}
        assert "set-cookie" not in got.headers
        head = anonymous.head("/healthz")
        assert head.status_code == 200 and head.content == b""
        assert anonymous.post("/healthz").status_code == 405
        downgrade(env_sqlite.web.url, "0003_media")
        # Reachable but not migrated: still up (the contract), and it says so.
        assert anonymous.get("/healthz").json()["schema"] == "outdated"


def test_healthz_answers_503_when_the_database_is_down(netra_home: Any) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    settings = Settings(database_url="postgresql+psycopg://netra@127.0.0.1:1/netra",
                        secret_key="test-secret-key-for-netra-web-tests")
    with serve(create_app(settings)) as base, httpx.Client(base_url=base) as anonymous:
        down = anonymous.get("/healthz")
        assert down.status_code == 503
        assert down.json() == {"status": "unavailable", "database": "unreachable",
                               "detail": "Basis data tidak dapat dihubungi."}
        assert "127.0.0.1:1" not in down.text and "netra@" not in down.text
        assert anonymous.head("/healthz").status_code == 503
