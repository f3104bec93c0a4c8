"""Self-audit upload in the web app (``/swa-audit``): scope, CSRF, limits, refusals that store nothing, a real import.

The classifier: the bundled model when ``models/default/`` exists; otherwise a small deterministic
stand-in set on ``app.state.classifier`` — the hook ``monitor.web.classifier`` documents for tests
only (production always loads ``models.infer.load_classifier()``).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from models.infer import ClassifyInput, ClassifyResult
from monitor.db.schema import Account, Activity, AuditLog, CrawlRun, Employee, Report, ReviewItem
from monitor.db.session import session_factory
from tests.conftest import export_fixture
from tests.web_support import WebEnv, csrf, make_env

ROOT = Path(__file__).resolve().parent.parent
REAL_MODEL = (ROOT / "models" / "default").is_dir()


class HendraFake:
    """Flags acts whose text or context names Hendra (candidate k2 of the Sukamaju profile)."""

    model_version = "fake-hendra-1"
    threshold = 0.5

    def classify(self, inputs: Sequence[ClassifyInput], profile: object) -> list[ClassifyResult]:
        out = []
        for item in inputs:
            hit = "hendra" in f"{item.text} {item.context or ''}".lower()
            out.append(ClassifyResult(id=item.id, flagged=hit, score=0.9 if hit else 0.04,
                                      stance="support" if hit else "none", hate=False,
                                      candidate="k2" if hit else None, party=None, cues=["Hendra"] if hit else [],
                                      model_version=self.model_version, profile_id=profile.id))  # type: ignore[attr-defined]
        return out


@dataclass
class Env:
    web: WebEnv
    x_account: int  # sriwahyuning, KAB-A (Budi)
    other_x: int  # someone_else, KAB-A (Sari): the archive is not theirs
    b_account: int  # KAB-B (Joko), instagram
    x_zip: bytes
    instagram_zip: bytes

    def client(self, username: str | None = None, **changes: object) -> TestClient:
        client = self.web.client(username, **changes)
        if not REAL_MODEL:
            client.app.state.classifier = HendraFake()  # type: ignore[attr-defined]
        return client

    def count(self, model) -> int:  # type: ignore[no-untyped-def]
        with session_factory(self.web.url)() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0

    def audit(self, action: str) -> list[AuditLog]:
        with session_factory(self.web.url)() as s:
            return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))

    def uploads_left(self) -> list[Path]:
        root = self.web.settings.home / "uploads"
        return [p for p in root.rglob("*")] if root.exists() else []


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def _env(url: str) -> Env:
    web = make_env(url)
    with session_factory(web.url)() as s:
        budi = s.scalar(select(Employee).where(Employee.name == "Budi Santoso"))
        sari = s.scalar(select(Employee).where(Employee.name == "Sari Wulandari"))
        joko = s.scalar(select(Employee).where(Employee.name == "Joko Prasetyo"))
        x = Account(employee_id=budi.id, platform="x", handle="sriwahyuning")
        other = Account(employee_id=sari.id, platform="x", handle="someone_else")
        b = Account(employee_id=joko.id, platform="instagram", handle="joko.prasetyo")
        s.add_all([x, other, b])
        s.commit()
        ids = (x.id, other.id, b.id)
    return Env(web, *ids, x_zip=_zip(export_fixture("x")), instagram_zip=_zip(export_fixture("instagram")))


@pytest.fixture
def env(sqlite_db: str) -> Env:
    return _env(sqlite_db)


@pytest.fixture
def env_both(db_url: str) -> Env:
    """On SQLite and PostgreSQL."""
    return _env(db_url)


def _upload(client: TestClient, *, importer: str = "x-archive", account: int, data: bytes,
            submit: bool = False, token: str | None = "fetch", filename: str = "arsip-x.zip"):  # type: ignore[no-untyped-def]
    fields = {"importer": importer, "account": str(account)}
    if token == "fetch":
        token = csrf(client, "/swa-audit")
    if token is not None:
        fields = {"csrf_token": token, **fields}
    if submit:
        fields["submit"] = "1"
    return client.post("/swa-audit", data=fields, files={"export": (filename, data, "application/zip")})


def _nothing_stored(env: Env, before: dict[str, int]) -> None:
    assert {name: env.count(model) for name, model in MODELS.items()} == before
    assert env.uploads_left() == []


MODELS = {"activity": Activity, "crawl_run": CrawlRun, "report": Report, "review_item": ReviewItem}


def _counts(env: Env) -> dict[str, int]:
    return {name: env.count(model) for name, model in MODELS.items()}


def test_who_may_open_and_post_the_form(env: Env) -> None:
    anon = env.client()
    assert anon.get("/swa-audit").headers["location"].startswith("/login?next=")
    assert anon.post("/swa-audit", files={"export": ("a.zip", b"x")}).status_code == 303
    for username in ("reviewer", "supervisor"):
        client = env.client(username)
        assert client.get("/swa-audit").status_code == 403
        token = csrf(client, "/queue")
        response = client.post("/swa-audit", data={"csrf_token": token, "importer": "x-archive",
                                                   "account": str(env.x_account)},
                               files={"export": ("a.zip", env.x_zip)})
        assert response.status_code == 403
        assert 'href="/swa-audit"' not in client.get("/queue").text
    auditor_a = env.client("auditor_a")
    page = auditor_a.get("/swa-audit").text
    assert 'href="/swa-audit"' in auditor_a.get("/queue").text
    # Only the agency's own declared accounts on platforms with an importer are offered.
    assert f'value="{env.x_account}"' in page and f'value="{env.other_x}"' in page
    assert f'value="{env.b_account}"' not in page and "joko.prasetyo" not in page
    assert "budi.bsky.social" not in page  # bluesky is crawled, not imported
    auditor_b = env.client("auditor_b").get("/swa-audit").text
    assert f'value="{env.b_account}"' in auditor_b and f'value="{env.x_account}"' not in auditor_b
    admin = env.client("admin").get("/swa-audit").text
    assert all(f'value="{i}"' in admin for i in (env.x_account, env.other_x, env.b_account))
    assert env.uploads_left() == []


def test_upload_needs_the_csrf_token_before_the_file(env: Env) -> None:
    before = _counts(env)
    client = env.client("auditor_a")
    other_token = csrf(env.client("auditor_b"), "/swa-audit")
    for token in (None, "forged", other_token):
        response = _upload(client, account=env.x_account, data=env.x_zip, token=token)
        assert response.status_code == 403, token
        assert "Token keamanan" in response.text
    # The right token sent after the file is too late: nothing is written before the token is checked.
    token = csrf(client, "/swa-audit")
    boundary = "netra-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"importer\"\r\n\r\nx-archive\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"account\"\r\n\r\n{env.x_account}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"export\"; filename=\"a.zip\"\r\n"
            f"Content-Type: application/zip\r\n\r\n").encode() + env.x_zip + (
            f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}--\r\n").encode()
    late = client.post("/swa-audit", content=body,
                       headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert late.status_code == 403
    # ... while the header form of the token works for scripts.
    scripted = client.post("/swa-audit", data={"importer": "x-archive", "account": str(env.x_account)},
                           files={"export": ("a.zip", b"not a zip")}, headers={"X-CSRF-Token": token})
    assert scripted.status_code == 400 and "tidak dapat dibaca" in scripted.text
    _nothing_stored(env, before)
    assert not env.audit("self_audit_upload")


def test_oversize_uploads_are_refused(env: Env) -> None:
    before = _counts(env)
    client = env.client("auditor_a", self_audit_upload_max_bytes=1000)
    # Announced length within the route's allowance, file over the limit: stopped while streaming.
    response = _upload(client, account=env.x_account, data=b"PK" + b"\0" * 5000)
    assert response.status_code == 413
    assert "Berkas melebihi batas 1000 B" in response.text and 'id="upload-error"' in response.text
    refused = env.audit("self_audit_upload_refused")
    assert refused and refused[-1].detail["status"] == 413
    # A body announcing more than the allowance is refused before anyone reads it.
    huge = _upload(client, account=env.x_account, data=b"\0" * (1000 + 70 * 1024))
    assert huge.status_code == 413 and "terlalu besar" in huge.text
    # Every other route keeps the 256 KiB limit.
    token = csrf(client, "/queue")
    assert client.post("/queue/take", data={"csrf_token": token, "pad": "x" * 300_000}).status_code == 413
    _nothing_stored(env, before)


@pytest.mark.parametrize("case", ["wrong_platform", "corrupt", "owner_mismatch", "other_agency", "no_file",
                                  "platform_mismatch"])
def test_refused_exports_store_nothing(env: Env, case: str) -> None:
    before = _counts(env)
    client = env.client("auditor_a")
    kwargs: dict = {"account": env.x_account, "data": env.x_zip}
    expected = {
        "wrong_platform": "bukan ekspor data X (Twitter)",
        "corrupt": "tidak dapat dibaca sebagai arsip ZIP",
        "owner_mismatch": "milik akun SriWahyuning, bukan akun terdaftar someone_else",
        "other_agency": "Pilih akun terdaftar dari instansi Anda",
        "no_file": "Pilih berkas ekspor",
        "platform_mismatch": "pilih ekspor platform itu",
    }[case]
    if case == "wrong_platform":
        kwargs["data"] = env.instagram_zip
    elif case == "corrupt":
        kwargs["data"] = env.x_zip[: len(env.x_zip) // 2]
    elif case == "owner_mismatch":
        kwargs["account"] = env.other_x
    elif case == "other_agency":
        kwargs["account"] = env.b_account
        kwargs["importer"] = "instagram"
        kwargs["data"] = env.instagram_zip
    elif case == "no_file":
        kwargs["data"] = b""
    elif case == "platform_mismatch":
        kwargs["importer"] = "instagram"
    response = _upload(client, **kwargs)
    assert response.status_code == 400
    assert expected in response.text and 'id="upload-error"' in response.text
    assert "/uploads/" not in response.text  # the server's temporary path is never shown
    # The form keeps the choices made.
    assert f'<option value="{kwargs["importer"] if "importer" in kwargs else "x-archive"}" selected' in response.text
    _nothing_stored(env, before)
    refused = env.audit("self_audit_upload_refused")
    assert len(refused) == 1 and refused[0].username == "auditor_a" and refused[0].ip == "testclient"
    assert not env.audit("self_audit_upload") and not env.audit("self_audit_report")


def test_without_a_loadable_model_nothing_is_imported(env: Env, tmp_path: Path) -> None:
    before = _counts(env)
    # No stand-in here: the app loads the model itself, from a directory that holds none.
    client = env.web.client("auditor_a", model_dir=tmp_path / "no-model")
    response = _upload(client, account=env.x_account, data=env.x_zip)
    assert response.status_code == 503 and "Model klasifikasi tidak dapat dimuat" in response.text
    assert client.app.state.classifier is None  # type: ignore[attr-defined]
    _nothing_stored(env, before)
    assert env.audit("self_audit_upload_refused")[-1].detail["reason"] == "classifier_unavailable"


def test_an_x_archive_becomes_a_private_report(env_both: Env) -> None:
    env = env_both
    before = _counts(env)
    client = env.client("auditor_a")
    response = _upload(client, account=env.x_account, data=env.x_zip)
    assert response.status_code == 200, response.text[:2000]
    assert "Ekspor diimpor dan diaudit" in response.text
    assert "Tidak ada yang masuk antrean pengawas" in response.text
    with session_factory(env.web.url)() as s:
        acts = list(s.scalars(select(Activity).where(Activity.account_id == env.x_account)))
        assert len(acts) == 7 and all(a.self_audit and a.source == "import:x-archive" for a in acts)
        run = s.scalar(select(CrawlRun).order_by(CrawlRun.id.desc()))
        assert run.stats["export_sha256"] == hashlib.sha256(env.x_zip).hexdigest()
        assert run.stats["received_by"] == "auditor_a" and run.target.endswith("arsip-x.zip")
        reports = list(s.scalars(select(Report).where(Report.kind == "self_audit")))
        assert {r.format for r in reports} == {"html", "pdf", "csv", "xlsx"}
        assert {r.agency_id for r in reports} == {env.web.data.agencies["KAB-A"]}
        report_ids = [r.id for r in reports]
    assert '<dt>Aktivitas baru</dt><dd>7</dd>' in response.text
    assert '<dt>Aktivitas diperiksa</dt><dd>7</dd>' in response.text  # the agency had no self-audit acts before
    assert all(f'href="/laporan/{rid}/unduh"' in response.text for rid in report_ids)
    after = _counts(env)
    assert after["review_item"] == before["review_item"]  # nothing entered the supervisory queue
    assert after["activity"] == before["activity"] + 7 and after["crawl_run"] == before["crawl_run"] + 1
    assert env.uploads_left() == []  # the temporary export is gone
    entry = env.audit("self_audit_upload")[-1]
    assert entry.username == "auditor_a" and entry.ip == "testclient"
    assert entry.detail["export_sha256"] == hashlib.sha256(env.x_zip).hexdigest()
    assert entry.detail["stored"] == 7 and entry.detail["submitted"] == 0
    assert sorted(entry.detail["reports"]) == sorted(report_ids)
    assert env.audit("self_audit_report")[-1].username == "auditor_a"
    # The report is the agency's own: listed and downloadable for its auditor, for nobody else but admins.
    html_id = next(rid for rid in report_ids if f'href="/laporan/{rid}/unduh">HTML<' in response.text)
    report = client.get(f"/laporan/{html_id}/unduh")
    assert report.status_code == 200 and "RAHASIA" in report.text
    assert f'href="/laporan/{html_id}/unduh"' in client.get("/laporan").text
    for other in ("auditor_b", "supervisor"):
        assert env.client(other).get(f"/laporan/{html_id}/unduh").status_code == 404
    assert env.client("admin").get(f"/laporan/{html_id}/unduh").status_code == 200
    # The same export again stores nothing new.
    again = _upload(client, account=env.x_account, data=env.x_zip)
    assert again.status_code == 200 and '<dt>Aktivitas baru</dt><dd>0</dd>' in again.text
    assert '<dt>Sudah ada sebelumnya</dt><dd>7</dd>' in again.text
    assert _counts(env)["activity"] == after["activity"]


def test_submitting_hands_the_flagged_acts_to_the_queue(env: Env) -> None:
    before = _counts(env)
    response = _upload(env.client("admin"), account=env.x_account, data=env.x_zip, submit=True)
    assert response.status_code == 200, response.text[:2000]
    entry = env.audit("self_audit_upload")[-1]
    submitted = entry.detail["submitted"]
    assert _counts(env)["review_item"] == before["review_item"] + submitted
    assert env.audit("self_audit_submit")[-1].detail["queued"] == submitted
    if not REAL_MODEL:  # the stand-in flags the two acts naming Hendra
        assert submitted == 2
        assert "2 aktivitas yang ditandai telah diserahkan ke antrean pengawas" in response.text
    with session_factory(env.web.url)() as s:
        queued = list(s.scalars(select(ReviewItem).join(Activity, Activity.id == ReviewItem.activity_id)
                                .where(Activity.self_audit.is_(True))))
        assert len(queued) == submitted
        assert {q.agency_id for q in queued} <= {env.web.data.agencies["KAB-A"]}


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Chromium not installed at /usr/bin/chromium")
def test_auditor_uploads_in_a_browser_and_downloads_the_report(env: Env, tmp_path: Path) -> None:
    import threading
    import time

    import uvicorn
    from playwright.sync_api import sync_playwright

    from monitor.web.app import create_app
    from tests.test_web_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, _free_port, _sign_in

    app = create_app(env.web.settings)
    if not REAL_MODEL:
        app.state.classifier = HendraFake()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    archive = tmp_path / "arsip-x.zip"
    archive.write_bytes(env.x_zip)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page(viewport={"width": 390, "height": 844})
                _sign_in(page, base, "auditor_a")
                page.click("a[href='/swa-audit']")
                page.select_option("select[name=importer]", "x-archive")
                page.select_option("select[name=account]", str(env.x_account))
                page.set_input_files("input[name=export]", str(archive))
                page.click("#self-audit-form button[type=submit]")
                page.wait_for_selector("#audit-counts")
                assert "Ekspor diimpor dan diaudit" in page.locator("h1").inner_text()
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "self-audit-result-phone.png"), full_page=True)
                with page.expect_download() as info:
                    page.click("a.btn:text-is('PDF')")
                download = info.value
                assert download.suggested_filename.startswith("audit-KAB-A-")
                assert Path(download.path()).read_bytes().startswith(b"%PDF")
                page.goto(f"{base}/laporan")
                assert page.locator("text=Audit mandiri (rahasia instansi)").count() == 1
                page.screenshot(path=str(SCREENSHOTS / "reports-phone.png"), full_page=True)
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert env.uploads_left() == []
