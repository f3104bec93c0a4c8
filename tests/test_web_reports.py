"""Stored reports in the web app (``/laporan``): who lists what, integrity-checked and audited downloads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.access.users import create_user
from monitor.config import Settings
from monitor.db.schema import AuditLog, Report
from monitor.db.session import session_factory
from monitor.web.app import create_app
from reports.store import record_files, report_dir
from tests.seed import PASSWORD
from tests.web_support import WebEnv, csrf, make_env, post

START = datetime(2029, 9, 30, 17, 0, tzinfo=UTC)  # Monday 1 Oct 2029 00:00 WIB
END = datetime(2029, 10, 7, 17, 0, tzinfo=UTC)
WEEK = "2029-W40"


@dataclass
class Stored:
    env: WebEnv
    ids: dict[str, int]  # "<bundle>.<format>[.<table>]" -> report id


def _bundle(session, env: WebEnv, stem: str, *, kind: str, agency: str | None,  # type: ignore[no-untyped-def]
            period: str = WEEK) -> dict[str, int]:
    """Write a small report bundle (HTML, PDF, XLSX, two CSVs) and record it as the report builders do."""
    directory = report_dir(period, kind)
    marker = f"{kind}:{agency or 'semua'}"
    contents = {
        f"{stem}.html": f"<!doctype html><title>{marker}</title><p>{marker}</p>".encode(),
        f"{stem}.pdf": b"%PDF-1.7\n% " + marker.encode() + b"\n%%EOF\n",
        f"{stem}.xlsx": b"PK\x03\x04 " + marker.encode(),
        f"{stem}-ringkasan.csv": f"ukuran,nilai\nlaporan,{marker}\n".encode(),
        f"{stem}-rincian.csv": f"kelompok,jumlah\n{marker},1\n".encode(),
    }
    paths = []
    for name, data in contents.items():
        (directory / name).write_bytes(data)
        paths.append(directory / name)
    rows = record_files(session, paths, kind=kind, agency_id=env.data.agencies[agency] if agency else None,
                        period_label=period, period_start=START, period_end=END, created_by="test")
    out = {}
    for row in rows:
        path = Path(row.path)
        table = path.stem[len(stem) + 1:] if path.suffix == ".csv" else ""
        out[".".join(p for p in (stem, row.format, table) if p)] = row.id
    return out


def _store(url: str) -> Stored:
    env = make_env(url)
    ids: dict[str, int] = {}
    with session_factory(env.url)() as s:
        ids |= _bundle(s, env, "mingguan-KAB-A", kind="weekly", agency="KAB-A")
        ids |= _bundle(s, env, "mingguan-KAB-B", kind="weekly", agency="KAB-B")
        ids |= _bundle(s, env, "mingguan-semua", kind="weekly", agency=None)
        ids |= _bundle(s, env, "audit-KAB-A-20291008T090000", kind="self_audit", agency="KAB-A",
                       period="20291001-20291006")
        ids |= _bundle(s, env, "audit-KAB-B-20291008T090000", kind="self_audit", agency="KAB-B",
                       period="20291001-20291006")
        create_user(s, "supervisor_all", PASSWORD, role="supervisor", scope_codes=["KAB-A", "KAB-B"])
        s.commit()
    return Stored(env, ids)


@pytest.fixture
def stored(sqlite_db: str) -> Stored:
    return _store(sqlite_db)


@pytest.fixture
def stored_both(db_url: str) -> Stored:
    """On SQLite and PostgreSQL."""
    return _store(db_url)


def _listed(stored: Stored, html: str) -> set[str]:
    return {key for key, rid in stored.ids.items() if f'href="/laporan/{rid}/unduh"' in html}


def _bundles(stored: Stored, *stems: str) -> set[str]:
    return {key for key in stored.ids if key.split(".")[0] in stems}


def _audit(env: WebEnv, action: str) -> list[AuditLog]:
    with session_factory(env.url)() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


WEEKLY_A, WEEKLY_B, COMBINED = "mingguan-KAB-A", "mingguan-KAB-B", "mingguan-semua"
AUDIT_A, AUDIT_B = "audit-KAB-A-20291008T090000", "audit-KAB-B-20291008T090000"
EVERY = (WEEKLY_A, WEEKLY_B, COMBINED, AUDIT_A, AUDIT_B)

# Who sees which bundles: supervisors weekly reports of their scope (combined only when they see every
# agency), auditors their own agency's weekly and self-audit reports, admins everything, reviewers nothing.
MATRIX = {
    "admin": {WEEKLY_A, WEEKLY_B, COMBINED, AUDIT_A, AUDIT_B},
    "supervisor": {WEEKLY_A},
    "supervisor_all": {WEEKLY_A, WEEKLY_B, COMBINED},
    "auditor_a": {WEEKLY_A, AUDIT_A},
    "auditor_b": {WEEKLY_B, AUDIT_B},
}


def test_anonymous_and_reviewers_get_no_reports(stored: Stored) -> None:
    anon = stored.env.client()
    some = stored.ids[f"{WEEKLY_A}.pdf"]
    for path in ("/laporan", f"/laporan/{some}/unduh"):
        response = anon.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    reviewer = stored.env.client("reviewer")
    assert reviewer.get("/laporan").status_code == 403
    assert reviewer.get(f"/laporan/{some}/unduh").status_code == 403
    assert 'href="/laporan"' not in reviewer.get("/queue").text
    assert not _audit(stored.env, "report_download")


@pytest.mark.parametrize("username", sorted(MATRIX))
def test_each_role_lists_and_downloads_only_its_reports(stored_both: Stored, username: str) -> None:
    stored = stored_both
    client = stored.env.client(username)
    assert 'href="/laporan"' in client.get("/queue").text  # the nav link
    page = client.get("/laporan")
    assert page.status_code == 200
    assert _listed(stored, page.text) == _bundles(stored, *MATRIX[username])
    # Grouped by period, with every format and its SHA-256 shown.
    assert f"Periode {WEEK}" in page.text
    with session_factory(stored.env.url)() as s:
        for key in _bundles(stored, *MATRIX[username]):
            assert s.get(Report, stored.ids[key]).sha256 in page.text
    for label in ("HTML", "PDF", "XLSX", "CSV ringkasan", "CSV rincian"):
        assert f">{label}</a>" in page.text
    # Guessing the id of anything else answers like a missing report.
    for key in _bundles(stored, *(set(EVERY) - MATRIX[username])):
        assert client.get(f"/laporan/{stored.ids[key]}/unduh").status_code == 404, key
    for key in _bundles(stored, *MATRIX[username]):
        assert client.get(f"/laporan/{stored.ids[key]}/unduh").status_code == 200, key
    for bogus in (0, 99999, 2**63):
        assert client.get(f"/laporan/{bogus}/unduh").status_code == 404
    assert client.get("/laporan/abc/unduh").status_code in (400, 404, 422)


def test_download_serves_the_recorded_file_with_type_name_and_audit(stored: Stored) -> None:
    client = stored.env.client("auditor_a")
    expected = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    with session_factory(stored.env.url)() as s:
        rows = {key: s.get(Report, stored.ids[key]) for key in _bundles(stored, AUDIT_A)}
    for key, row in rows.items():
        response = client.get(f"/laporan/{row.id}/unduh")
        assert response.status_code == 200
        assert response.content == Path(row.path).read_bytes()
        assert hashlib.sha256(response.content).hexdigest() == row.sha256
        assert response.headers["content-type"] == expected[row.format], key
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment;") and f'filename="{Path(row.path).name}"' in disposition
        assert response.headers["x-content-sha256"] == row.sha256
        assert response.headers["cache-control"] == "no-store"
    logged = _audit(stored.env, "report_download")
    assert len(logged) == len(rows)
    assert {int(e.object_id) for e in logged} == {r.id for r in rows.values()}
    entry = logged[0]
    assert entry.username == "auditor_a" and entry.ip == "testclient" and entry.object_type == "report"
    assert entry.detail["kind"] == "self_audit" and len(entry.detail["sha256"]) == 64 and entry.detail["bytes"] > 0


def test_a_tampered_file_is_refused_and_logged(stored: Stored) -> None:
    client = stored.env.client("supervisor")
    rid = stored.ids[f"{WEEKLY_A}.csv.ringkasan"]
    with session_factory(stored.env.url)() as s:
        row = s.get(Report, rid)
        path, recorded = Path(row.path), row.sha256
    path.write_bytes(b"ukuran,nilai\nlaporan,diubah diam-diam\n")
    response = client.get(f"/laporan/{rid}/unduh")
    assert response.status_code == 409
    assert "tidak cocok dengan sidik SHA-256" in response.text
    assert "diubah diam-diam" not in response.text and "attachment" not in response.headers.get(
        "content-disposition", "")
    refused = _audit(stored.env, "report_download_refused")
    assert len(refused) == 1 and refused[0].username == "supervisor"
    assert refused[0].detail["reason"] == "sha256_mismatch" and refused[0].detail["expected"] == recorded
    assert refused[0].detail["actual"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not _audit(stored.env, "report_download")
    # A deleted file is refused too (and logged), never a server error.
    path.unlink()
    gone = client.get(f"/laporan/{rid}/unduh")
    assert gone.status_code == 410 and "tidak ditemukan" in gone.text
    assert _audit(stored.env, "report_download_refused")[-1].detail["reason"] == "missing"


def test_a_real_weekly_report_is_listed_and_downloads_intact(sqlite_db: str) -> None:
    from reports.period import IsoWeek
    from reports.weekly import build_weekly_report

    env = make_env(sqlite_db)
    with session_factory(env.url)() as s:
        rows = build_weekly_report(s, IsoWeek.parse(WEEK), env.data.agencies["KAB-A"], created_by="test")
        s.commit()
        ids = {Path(r.path).name: (r.id, r.sha256) for r in rows}
    client = env.client("auditor_a")
    page = client.get("/laporan").text
    assert "Laporan mingguan · Pemerintah Kabupaten Sukamaju (KAB-A)" in page
    for rid, sha in ids.values():
        assert f'href="/laporan/{rid}/unduh"' in page and sha in page
    rid, sha = ids["mingguan-KAB-A-2029-W40.pdf"]
    pdf = client.get(f"/laporan/{rid}/unduh")
    assert pdf.content.startswith(b"%PDF") and hashlib.sha256(pdf.content).hexdigest() == sha
    assert env.client("auditor_b").get(f"/laporan/{rid}/unduh").status_code == 404


def test_cookie_secure_setting(sqlite_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    env = make_env(sqlite_db)
    assert "secure" not in _login_cookie(create_app(env.settings)).lower()
    monkeypatch.setenv("NETRA_WEB_COOKIE_SECURE", "true")
    settings = Settings(database_url=env.url, secret_key=env.settings.secret_key)
    assert settings.web_cookie_secure is True
    assert "; secure" in _login_cookie(create_app(settings)).lower()
    # An explicit argument wins over the setting (``netra web --secure-cookies`` passes True, else None).
    assert "secure" not in _login_cookie(create_app(settings, secure_cookies=False)).lower()
    assert "; secure" in _login_cookie(create_app(env.settings, secure_cookies=True)).lower()


def _login_cookie(app) -> str:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    token = csrf(client)
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    return response.headers["set-cookie"]


# ---------------------------------------------------------------------------------------------- building reports


def _built(env: WebEnv) -> list[Report]:
    with session_factory(env.url)() as s:
        return list(s.scalars(select(Report).where(Report.kind.in_(["weekly", "range"])).order_by(Report.id)))


def test_a_supervisor_builds_a_week_again_and_sees_every_version(sqlite_db: str) -> None:
    env = make_env(sqlite_db)
    client = env.client("supervisor")
    page = client.get("/laporan").text
    assert 'action="/laporan/buat"' in page and 'value="semua"' not in page  # KAB-A only: no combined report
    form = {"jenis": "mingguan", "minggu": "2026-W47", "instansi": env.data.agencies["KAB-A"]}
    first = post(client, "/laporan/buat", form, token_from="/laporan")
    assert first.status_code == 303 and first.headers["location"] == "/laporan#periode-2026-W47"
    after = client.get("/laporan").text
    assert "Laporan 2026-W47 (KAB-A) dibuat" in after  # post/redirect/get: the result is on the list
    first_rows = _built(env)
    assert {r.format for r in first_rows} == {"html", "pdf", "xlsx", "zip"}
    assert {(r.kind, r.period_label, r.created_by) for r in first_rows} == {("weekly", "2026-W47", "supervisor")}

    second = post(client, "/laporan/buat", form, token_from="/laporan")
    assert second.status_code == 303
    rows = _built(env)
    assert len(rows) == 8 and len({Path(r.path).parent for r in rows}) == 2
    for r in rows:  # the first version is still there, unchanged
        assert hashlib.sha256(Path(r.path).read_bytes()).hexdigest() == r.sha256
    page = client.get("/laporan").text
    assert "Riwayat: 1 versi sebelumnya" in page and page.count("oleh supervisor") == 2
    for r in rows:
        assert f'href="/laporan/{r.id}/unduh"' in page and r.sha256 in page
    assert '<input type="hidden" name="minggu" value="2026-W47">' in page  # the bundle's own rebuild button
    logged = _audit(env, "report_generate")
    assert len(logged) == 2 and {e.username for e in logged} == {"supervisor"}
    assert logged[0].detail["period"] == "2026-W47" and logged[0].detail["agency_id"] == env.data.agencies["KAB-A"]
    assert {f["sha256"] for e in logged for f in e.detail["files"]} == {r.sha256 for r in rows}
    # The agency's auditor sees both versions too, and may not build.
    auditor = env.client("auditor_a").get("/laporan").text
    assert "Riwayat: 1 versi sebelumnya" in auditor and 'action="/laporan/buat"' not in auditor


def test_only_supervisors_and_admins_build_and_only_in_their_scope(sqlite_db: str) -> None:
    env = make_env(sqlite_db)
    with session_factory(env.url)() as s:
        create_user(s, "supervisor_all", PASSWORD, role="supervisor", scope_codes=["KAB-A", "KAB-B"])
        s.commit()
    week = {"jenis": "mingguan", "minggu": "2026-W47"}
    kab_a, kab_b = env.data.agencies["KAB-A"], env.data.agencies["KAB-B"]
    for username in ("reviewer", "auditor_a"):
        client = env.client(username)
        response = post(client, "/laporan/buat", {**week, "instansi": kab_a}, token_from="/queue")
        assert response.status_code == 403, username
    supervisor = env.client("supervisor")
    for target in (kab_b, "semua", 99999):  # another agency, the combined report, no such agency
        response = post(supervisor, "/laporan/buat", {**week, "instansi": target}, token_from="/laporan")
        assert response.status_code == 403, target
    # Without the session's CSRF token nothing is built.
    assert supervisor.post("/laporan/buat", data={**week, "instansi": kab_a}).status_code == 403
    assert supervisor.post("/laporan/buat", data={**week, "instansi": kab_a, "csrf_token": "x"}).status_code == 403
    assert _built(env) == [] and _audit(env, "report_generate") == []
    # Whoever sees every agency may build the combined report.
    response = post(env.client("supervisor_all"), "/laporan/buat", {**week, "instansi": "semua"},
                    token_from="/laporan")
    assert response.status_code == 303
    assert {r.agency_id for r in _built(env)} == {None}


def test_a_date_range_report_and_refused_input(sqlite_db: str) -> None:
    env = make_env(sqlite_db)
    admin = env.client("admin")
    kab_a = env.data.agencies["KAB-A"]
    for bad, message in (
        ({"jenis": "periode", "dari": "2026-11-22", "sampai": "2026-11-01"}, "tanggal akhir sebelum tanggal mulai"),
        ({"jenis": "periode", "dari": "2026-11-01", "sampai": ""},
         "tanggal tidak sah (isi tanggal mulai dan tanggal akhir)"),
        ({"jenis": "mingguan", "minggu": "2029-W40"}, "minggu 2029-W40 belum dimulai"),
        ({"jenis": "mingguan", "minggu": "pekan lalu"}, "minggu tidak sah (contoh: 2026-W47)"),
        ({"jenis": "periode", "dari": "2024-01-01", "sampai": "2026-01-01"}, "periode paling panjang satu tahun"),
        ({"jenis": "tahunan"}, "pilih laporan mingguan atau rentang tanggal"),
    ):
        response = post(admin, "/laporan/buat", {**bad, "instansi": kab_a}, token_from="/laporan")
        assert response.status_code == 303 and response.headers["location"] == "/laporan"
        assert f"Laporan tidak dibuat — {message}." in admin.get("/laporan").text, message
    assert _built(env) == []
    ok = post(admin, "/laporan/buat", {"jenis": "periode", "dari": "2026-11-01", "sampai": "2026-11-22",
                                       "instansi": kab_a}, token_from="/laporan")
    assert ok.status_code == 303 and ok.headers["location"] == "/laporan#periode-20261101-20261122"
    rows = _built(env)
    assert {(r.kind, r.period_label) for r in rows} == {("range", "20261101-20261122")}
    page = env.client("auditor_a").get("/laporan").text  # a range report is seen like a weekly one
    assert "Laporan periode · Pemerintah Kabupaten Sukamaju (KAB-A)" in page
    assert all(f'href="/laporan/{r.id}/unduh"' in page for r in rows)
    assert "Laporan periode" not in env.client("auditor_b").get("/laporan").text
    rebuild = admin.get("/laporan").text
    assert '<input type="hidden" name="dari" value="2026-11-01">' in rebuild
    assert '<input type="hidden" name="sampai" value="2026-11-22">' in rebuild
