"""Case dossiers of confirmed breaches (issue 17): the PDF for the PPK, the evidence ZIP with its manifest,
stored with their hashes, downloadable from the item page and the API, scoped like the item, audited."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from monitor.db.guards import AppendOnlyViolation
from monitor.db.schema import AuditLog, CaseDossier, Decision, Evidence, Media, ReviewItem
from monitor.db.session import session_factory
from spiders.media import MediaStore
from tests.api_support import issue_tokens
from tests.web_support import WebEnv, make_env, post

NIP_BUDI = "198503122010011001"  # budi_post: 1 Oct 2029, after the 22 Sep determination → discipline
NIP_SARI = "199001012015032002"  # sari_comment: 10 Sep 2029, before it → ethics

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")


def _png(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, format="PNG")
    return buf.getvalue()


def _add_capture(env: WebEnv, item_id: int) -> tuple[str, str]:
    """A screenshot (evidence) and a photo (media store) of the item's own post; their SHA-256."""
    factory = session_factory(env.url)
    with factory() as s:
        activity = s.get(ReviewItem, item_id).activity  # type: ignore[union-attr]
        post_row = activity.post
        shot = _png((10, 120, 200))
        s.add(Evidence(subject_key=f"{post_row.platform}:capture-screenshot:{post_row.external_id}",
                       post_id=post_row.id, source="capture:test", media_type="image/png", raw=shot,
                       sha256=hashlib.sha256(shot).hexdigest(), source_url=post_row.url))
        post_id, account_id = post_row.id, activity.account_id
        s.commit()
    photo = MediaStore(sessions=factory, settings=env.settings).store_bytes(
        _png((200, 30, 30)), source="https://bluesky.example/img/1.png", account_id=account_id, post_id=post_id)
    return hashlib.sha256(shot).hexdigest(), photo.sha256


def _decide_breach(env: WebEnv, item_id: int, **fields: str) -> None:
    client = env.client("reviewer")
    data = {"verdict": "pelanggaran", "note": "ajakan memilih calon", "expected_latest_id": "", **fields}
    response = post(client, f"/items/{item_id}/decisions", data, token_from=f"/items/{item_id}")
    assert response.status_code == 303 and response.headers["location"] == f"/items/{item_id}", response.text[:300]


def _build(client, item_id: int):  # type: ignore[no-untyped-def]
    return post(client, f"/items/{item_id}/berkas-perkara", {}, token_from=f"/items/{item_id}")


def _pdf_text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "berkas.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def web(db_url: str) -> WebEnv:
    return make_env(db_url)


def test_dossier_of_a_confirmed_breach(web: WebEnv, tmp_path: Path) -> None:
    item_id = web.data.items["budi_post"]
    shot_sha, photo_sha = _add_capture(web, item_id)
    _decide_breach(web, item_id, violation_code="social_campaign", candidate="k1")
    client = web.client("reviewer")

    response = _build(client, item_id)
    assert response.status_code == 303 and response.headers["location"] == f"/items/{item_id}#berkas-perkara"
    with session_factory(web.url)() as s:
        dossier = s.scalars(select(CaseDossier).where(CaseDossier.review_item_id == item_id)).one()
        decision = s.scalars(select(Decision).where(Decision.review_item_id == item_id)).one()
        assert dossier.decision_id == decision.id and dossier.created_by == "reviewer"
        activity = s.get(ReviewItem, item_id).activity  # type: ignore[union-attr]
        post_ids = [activity.post_id]
        stored = {f"evidence:{e.id}": e.sha256
                  for e in s.scalars(select(Evidence).where(Evidence.post_id.in_(post_ids)))}
        stored[f"evidence:{activity.evidence_id}"] = s.get(Evidence, activity.evidence_id).sha256  # type: ignore[union-attr]
        stored[f"media:{photo_sha}"] = s.scalar(select(Media.sha256).where(Media.sha256 == photo_sha))
    page = client.get(f"/items/{item_id}")
    assert f"/items/{item_id}/berkas-perkara/{dossier.id}/pdf" in page.text and dossier.zip_sha256 in page.text

    pdf = client.get(f"/items/{item_id}/berkas-perkara/{dossier.id}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["x-content-sha256"] == hashlib.sha256(pdf.content).hexdigest() == dossier.pdf_sha256
    archive = client.get(f"/items/{item_id}/berkas-perkara/{dossier.id}/zip")
    assert archive.status_code == 200
    assert hashlib.sha256(archive.content).hexdigest() == dossier.zip_sha256 == archive.headers["x-content-sha256"]

    # Every evidence record of the act and its post, and the photo, are in the ZIP, each hashing to what was stored.
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        manifest = json.loads(z.read("manifest.json"))
        rows = list(csv.DictReader(io.StringIO(z.read("manifest.csv").decode("utf-8-sig"))))
        members = {name: z.read(name) for name in z.namelist()}
    assert {f["record"]: f["sha256"] for f in manifest["files"]} == stored
    for entry in manifest["files"]:
        assert entry["status"] == "ok"
        assert hashlib.sha256(members[entry["path"]]).hexdigest() == entry["sha256"]
    assert shot_sha in {f["sha256"] for f in manifest["files"]}
    assert [(r["path"], r["sha256"]) for r in rows] == [(f["path"], f["sha256"]) for f in manifest["files"]]
    assert manifest["dossier_pdf_sha256"] == dossier.pdf_sha256 and manifest["nip"] == NIP_BUDI
    assert manifest["clauses"] == ["ikrar-2", "ikrar-3"] and manifest["register"] == "discipline"

    text = _pdf_text(pdf.content, tmp_path)
    assert NIP_BUDI in text and "Pemerintah Kabupaten Sukamaju" in text and "Guru Ahli Muda" in text
    assert "ikrar-2" in text and "ikrar-3" in text
    assert "Disiplin (UU ASN Pasal 9(2), PP 94/2021)" in text
    assert "Ayo coblos nomor 1!" in text and "social_campaign" in text
    for sha in stored.values():
        assert sha in text

    with session_factory(web.url)() as s:
        actions = [a.action for a in s.scalars(select(AuditLog).where(AuditLog.object_type == "case_dossier")
                                                .order_by(AuditLog.id))]
        assert actions == ["dossier_generate", "dossier_download", "dossier_download"]
        # Handed on as it was: a dossier row cannot be changed afterwards.
        row = s.get(CaseDossier, dossier.id)
        row.zip_sha256 = "0" * 64  # type: ignore[union-attr]
        with pytest.raises(AppendOnlyViolation):
            s.flush()


def test_register_before_the_determination_date_is_ethics(sqlite_db: str, tmp_path: Path) -> None:
    web = make_env(sqlite_db)
    item_id = web.data.items["sari_comment"]
    _decide_breach(web, item_id, violation_code="campaign_account_interaction", candidate="k2")
    client = web.client("supervisor")
    assert _build(client, item_id).status_code == 303
    with session_factory(web.url)() as s:
        dossier = s.scalars(select(CaseDossier).where(CaseDossier.review_item_id == item_id)).one()
    text = _pdf_text(client.get(f"/items/{item_id}/berkas-perkara/{dossier.id}/pdf").content, tmp_path)
    assert NIP_SARI in text and "Kode etik (PP 42/2004)" in text and "Disiplin (UU ASN" not in text
    assert "22 September 2029" in text  # the determination date the register comes from


def test_no_dossier_without_a_confirmed_breach(sqlite_db: str) -> None:
    web = make_env(sqlite_db)
    item_id = web.data.items["budi_like"]
    client = web.client("reviewer")
    assert "dossier-form" not in client.get(f"/items/{item_id}").text  # pending: nothing to build
    refused = _build(client, item_id)
    assert refused.status_code == 303
    assert "pelanggaran yang sudah dikonfirmasi" in client.get(f"/items/{item_id}").text
    # A breach later judged not a breach: the latest decision is what counts.
    _decide_breach(web, item_id, violation_code="campaign_account_interaction", candidate="k1")
    with session_factory(web.url)() as s:
        latest = s.scalar(select(Decision.id).where(Decision.review_item_id == item_id))
    post(client, f"/items/{item_id}/decisions", {"verdict": "bukan_pelanggaran", "reason": "same_name",
                                                 "note": "nama sama", "expected_latest_id": str(latest)},
         token_from=f"/items/{item_id}")
    assert _build(client, item_id).status_code == 303
    with session_factory(web.url)() as s:
        assert s.scalars(select(CaseDossier)).all() == []
        assert [a.action for a in s.scalars(select(AuditLog).where(AuditLog.action == "dossier_refused"))] == [
            "dossier_refused", "dossier_refused"]


def test_dossier_is_scoped_like_the_item(sqlite_db: str) -> None:
    web = make_env(sqlite_db)
    item_id = web.data.items["budi_post"]  # KAB-A
    _decide_breach(web, item_id, violation_code="social_campaign", candidate="k1")
    assert _build(web.client("reviewer"), item_id).status_code == 303
    with session_factory(web.url)() as s:
        dossier = s.scalars(select(CaseDossier)).one()
    for username in ("reviewer_b", "auditor_b"):  # KAB-B: refused exactly like a missing item
        other = web.client(username)
        for fmt in ("pdf", "zip"):
            assert other.get(f"/items/{item_id}/berkas-perkara/{dossier.id}/{fmt}").status_code == 404
    assert _build(web.client("reviewer_b"), item_id).status_code == 404
    # The dossier id under another (visible) item does not open it either.
    joko = web.data.items["joko_photo"]
    assert web.client("reviewer_b").get(f"/items/{joko}/berkas-perkara/{dossier.id}/pdf").status_code == 404
    # The agency's own auditor reads it, but may not build one.
    auditor = web.client("auditor_a")
    assert auditor.get(f"/items/{item_id}/berkas-perkara/{dossier.id}/zip").status_code == 200
    assert _build(auditor, item_id).status_code == 403

    tokens = issue_tokens(web)
    api = web.client()
    base = f"/api/v1/items/{item_id}/dossiers"

    def call(method: str, path: str, user: str):  # type: ignore[no-untyped-def]
        return api.request(method, path, headers={"Authorization": f"Bearer {tokens[user]}"})

    listed = call("GET", base, "reviewer")
    assert listed.status_code == 200 and [d["id"] for d in listed.json()] == [dossier.id]
    pdf = call("GET", f"{base}/{dossier.id}/pdf", "reviewer")
    assert pdf.status_code == 200 and hashlib.sha256(pdf.content).hexdigest() == dossier.pdf_sha256
    built = call("POST", base, "supervisor")
    assert built.status_code == 201 and built.json()["decision_id"] == dossier.decision_id
    for user in ("reviewer_b", "auditor_b"):
        assert call("GET", base, user).status_code == 404
        assert call("GET", f"{base}/{dossier.id}/zip", user).status_code == 404
    assert call("POST", base, "reviewer_b").status_code == 404
    assert call("POST", base, "auditor_a").status_code == 403
    assert call("POST", f"/api/v1/items/{web.data.items['sari_comment']}/dossiers", "reviewer").status_code == 409
    with session_factory(web.url)() as s:
        api_downloads = s.scalars(select(AuditLog).where(AuditLog.action == "dossier_download",
                                                         AuditLog.user_id == web.data.users["reviewer"])).all()
        assert any((a.detail or {}).get("via") == "api" for a in api_downloads)


def test_altered_dossier_file_is_not_served(sqlite_db: str) -> None:
    web = make_env(sqlite_db)
    item_id = web.data.items["budi_post"]
    _decide_breach(web, item_id, violation_code="social_campaign", candidate="k1")
    client = web.client("reviewer")
    assert _build(client, item_id).status_code == 303
    with session_factory(web.url)() as s:
        dossier = s.scalars(select(CaseDossier)).one()
    Path(dossier.pdf_path).write_bytes(b"%PDF-1.7 diubah")
    refused = client.get(f"/items/{item_id}/berkas-perkara/{dossier.id}/pdf")
    assert refused.status_code == 409 and "SHA-256" in refused.text
    with session_factory(web.url)() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "dossier_download_refused")).one()
        assert entry.detail["expected"] == dossier.pdf_sha256  # type: ignore[index]


def test_tampered_evidence_stops_the_build(sqlite_db: str) -> None:
    """A photo whose stored file no longer hashes to its SHA-256 must not go into a dossier."""
    web = make_env(sqlite_db)
    item_id = web.data.items["budi_post"]
    _, photo_sha = _add_capture(web, item_id)
    _decide_breach(web, item_id, violation_code="social_campaign", candidate="k1")
    path = MediaStore(sessions=session_factory(web.url), settings=web.settings).path_for(photo_sha)
    path.chmod(0o644)
    path.write_bytes(_png((0, 0, 0)))
    client = web.client("reviewer")
    assert _build(client, item_id).status_code == 303
    assert "tidak cocok dengan sidik SHA-256" in client.get(f"/items/{item_id}").text
    with session_factory(web.url)() as s:
        assert s.scalars(select(CaseDossier)).all() == []
