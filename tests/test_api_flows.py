"""What the service API does for a client over real HTTP: keyset paging and filters, case files,
decisions under the item page's rules, report downloads with integrity checks, registry uploads
with the CLI's validation — and the audit log entries each of them leaves.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from monitor.access import scoping
from monitor.cli import app as cli
from monitor.db.schema import Decision, Employee, ReviewItem
from monitor.db.session import session_factory
from monitor.review.queue import QueueFilters, filtered_item_ids
from tests.api_support import ApiEnv, api_env, report_path
from tests.seed import user as seeded_user

HEADER = "nip,nama,instansi,kode_instansi,unit_kerja,jabatan,status,platform,akun\n"
GOOD = ("197701022003121002,Rina Pratiwi,Dinas Kesehatan,dinkes,Bidang P2P,Analis,PNS,bluesky,rina.bsky.social\n"
        "198806152014022001,Dewi Lestari,Dinas Kesehatan,dinkes,Puskesmas,Bidan,PPPK,mastodon,dewi@warga.example\n")
BAD = ("12345,Siapa,Dinas Kesehatan,dinkes,,,PNS,,\n"
       "199203042020121003,Tono,Dinas Kesehatan,dinkes,,,PEGAWAI,,\n")


@pytest.fixture
def env(sqlite_db: str) -> Iterator[ApiEnv]:
    with api_env(sqlite_db) as e:
        yield e


def _employees(env: ApiEnv) -> int:
    with session_factory(env.web.url)() as s:
        return s.scalar(select(func.count()).select_from(Employee)) or 0


def test_keyset_paging_walks_the_queue_in_order(env: ApiEnv) -> None:
    with session_factory(env.web.url)() as s:
        admin = seeded_user(s, "admin")
        expected = filtered_item_ids(s, admin, QueueFilters(status=None))
    seen: list[int] = []
    cursors = set()
    with env.client("admin") as client:
        params: dict[str, str | int] = {"status": "all", "limit": 2}
        while True:
            page = client.get("/items", params=params).json()
            assert page["total"] == len(expected) and page["limit"] == 2
            seen += [i["id"] for i in page["items"]]
            if page["next"] is None:
                break
            assert page["next"] not in cursors and "_" not in page["next"]  # opaque, not "priority_id"
            cursors.add(page["next"])
            params["cursor"] = page["next"]
        assert seen == expected and len(cursors) == 2
        pending = client.get("/items").json()
        assert pending["counts"]["pending"] == pending["total"] == len(expected)

        mastodon = client.get("/items", params={"platform": "mastodon", "status": "all"}).json()
        assert {i["activity"]["handle"] for i in mastodon["items"]} == {"sari@warga.example"}
        likes = client.get("/items", params={"kind": "like"}).json()
        assert [i["id"] for i in likes["items"]] == [env.web.data.items["budi_like"]]
        october_6 = client.get("/items", params={"date_from": "2029-10-06", "date_to": "2029-10-06"}).json()
        assert [i["id"] for i in october_6["items"]] == [env.web.data.items["joko_photo"]]
        k2 = client.get("/items", params={"candidate": "k2"}).json()
        assert {i["classification"]["candidate"] for i in k2["items"]} == {"k2"} and k2["total"] == 3
        assert client.get("/items", params={"assignee": "none"}).json()["total"] == len(expected)

        bad = {"status": "bogus", "platform": "myspace", "kind": "poke", "date_from": "2029-13-01",
               "assignee": "someone", "agency": "x", "cursor": "!!!", "limit": 201}
        for field, value in bad.items():
            response = client.get("/items", params={field: value})
            assert response.status_code == 422, field
            assert response.json()["field"] == field and response.json()["detail"].startswith(
                ("Filter tidak sah", "Permintaan tidak sah")), response.json()
        # A cursor of well-formed base64 that is no queue position is refused the same way.
        assert client.get("/items", params={"cursor": "bm9wZQ"}).json()["field"] == "cursor"
    logged = env.audit("view_queue")
    assert len(logged) >= 3 and logged[0].username == "admin" and logged[0].detail["via"] == "api"
    assert logged[0].detail["items"] == expected[:2] and logged[0].detail["filters"]["status"] == "all"
    assert logged[0].detail["token_id"] > 0 and logged[0].ip == "127.0.0.1"


def test_case_file_carries_what_the_item_page_shows(env: ApiEnv) -> None:
    item = env.web.data.items["budi_post"]
    with env.client("reviewer") as client:
        case = client.get(f"/items/{item}").json()
    assert case["item"]["employee"] == {"nip": "198503122010011001", "name": "Budi Santoso",
                                        "unit": "Dinas Pendidikan", "position": "Guru Ahli Muda", "status": "PNS"}
    assert case["item"]["agency"]["code"] == "KAB-A"
    assert case["own_text"].startswith("Ayo coblos nomor 1!")
    assert case["item"]["activity"]["url"] == "https://bluesky.example/budi.bsky.social/p1"
    assert case["item"]["classification"]["cues"] == ["#SutraDewi2029", "Sukamaju Bangkit", "coblos nomor 1"]
    assert len(case["evidence"]["sha256"]) == 64
    assert case["profile"] == {"id": "pilkada-2029-sukamaju",
                               "name": "Pemilihan Bupati dan Wakil Bupati Sukamaju 2029"}
    assert case["decisions"] == [] and case["latest_decision_id"] is None
    assert case["may_decide"] is True and case["default_register"] == "discipline"
    assert {e["item_id"] for e in case["earlier"]} == {env.web.data.items[k] for k in ("budi_like", "budi_deleted")}
    with env.client("auditor_a") as client:
        assert client.get(f"/items/{item}").json()["may_decide"] is False
    viewed = env.audit("view_item")
    assert [(e.username, e.object_id, e.detail["via"]) for e in viewed] == [
        ("reviewer", str(item), "api"), ("auditor_a", str(item), "api")]
    # Hostile captured text arrives as data, untouched (clients escape it, as the pages do).
    with env.client("reviewer") as client:
        hostile = client.get(f"/items/{env.web.data.items['sari_hostile']}").json()
    assert hostile["own_text"].startswith('<script>alert("xss")</script>')


def test_identities_follow_the_view_identity_permission(env: ApiEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    item = env.web.data.items["budi_post"]
    # The server runs in this process: a role without view_identity must get no NIP or name anywhere.
    monkeypatch.setitem(scoping.PERMISSIONS, "agency_auditor",
                        scoping.PERMISSIONS["agency_auditor"] - {"view_identity"})
    with env.client("auditor_a") as client:
        listed = client.get("/items", params={"status": "all"})
        case = client.get(f"/items/{item}")
    assert {i["employee"] for i in listed.json()["items"]} == {None}
    assert case.json()["item"]["employee"] is None
    for secret in ("198503122010011001", "Budi Santoso", "Sari Wulandari"):
        assert secret not in listed.text and secret not in case.text


def test_decisions_follow_the_item_pages_rules(env: ApiEnv) -> None:
    items = env.web.data.items
    item = items["budi_post"]
    with env.client("reviewer") as client:
        refusals = {
            "verdict": {"verdict": "bersalah", "note": "x"},
            "note": {"verdict": "eskalasi", "note": "   "},
            "violation_code": {"verdict": "pelanggaran", "note": "x"},
            "clauses": {"verdict": "pelanggaran", "note": "x", "violation_code": "hate_speech",
                        "clauses": ["ikrar-9"]},
            "candidate": {"verdict": "pelanggaran", "note": "x", "violation_code": "social_campaign"},
            "reason": {"verdict": "bukan_pelanggaran", "note": "x", "reason": "karena"},
            "register": {"verdict": "pelanggaran", "note": "x", "violation_code": "hate_speech",
                         "register": "pidana"},
            "extra": {"verdict": "eskalasi", "note": "x", "extra": 1},
        }
        for field, body in refusals.items():
            response = client.post(f"/items/{item}/decisions", json=body)
            assert response.status_code == 422, (field, response.text)
            assert response.json()["field"] == field, response.json()
        not_json = client.post(f"/items/{item}/decisions", content=b"{not json",
                               headers={"content-type": "application/json"})
        assert not_json.status_code == 422 and not_json.json()["field"] == "body"
        assert client.get(f"/items/{item}/decisions").json() == []

        first = client.post(f"/items/{item}/decisions", json={
            "verdict": "pelanggaran", "note": "Ajakan mencoblos paslon 1.", "violation_code": "social_campaign",
            "candidate": "k1"})
        assert first.status_code == 201
        decision = first.json()
        assert decision["clauses"] == ["ikrar-2", "ikrar-3"] and decision["register"] == "discipline"
        assert decision["reviewer"] == "Reviewer" and decision["supersedes_id"] is None
        # Deciding again without citing the latest decision means the client did not see it: 409.
        stale = client.post(f"/items/{item}/decisions", json={"verdict": "eskalasi", "note": "Naikkan."})
        assert stale.status_code == 409 and stale.json()["field"] == "expected_latest_id"
        second = client.post(f"/items/{item}/decisions", json={
            "verdict": "bukan_pelanggaran", "note": "Ternyata akun parodi.", "reason": "wrong_person",
            "expected_latest_id": decision["id"]})
        assert second.status_code == 201 and second.json()["supersedes_id"] == decision["id"]
        history = client.get(f"/items/{item}/decisions").json()
        assert [d["verdict"] for d in history] == ["pelanggaran", "bukan_pelanggaran"]
        assert client.get(f"/items/{item}").json()["latest_decision_id"] == second.json()["id"]

    # A reviewer may not decide an item assigned to another reviewer.
    other = items["sari_comment"]
    with session_factory(env.web.url)() as s:
        s.get(ReviewItem, other).assignee_id = env.web.data.users["reviewer2"]
        s.commit()
    with env.client("reviewer") as client:
        taken = client.post(f"/items/{other}/decisions", json={"verdict": "eskalasi", "note": "x"})
    assert taken.status_code == 403 and "peninjau lain" in taken.json()["detail"]
    with env.client("reviewer2") as client:
        assert client.post(f"/items/{other}/decisions", json={"verdict": "eskalasi", "note": "x"}).status_code == 201

    with session_factory(env.web.url)() as s:
        assert s.get(ReviewItem, item).status == "decided"
        assert s.get(ReviewItem, other).status == "escalated"
        assert s.scalar(select(func.count()).select_from(Decision)) == 3
    decided = env.audit("decide")
    assert [(e.username, e.object_id) for e in decided] == [("reviewer", str(item)), ("reviewer", str(item)),
                                                            ("reviewer2", str(other))]
    assert decided[0].detail["via"] == "api" and decided[0].detail["violation_code"] == "social_campaign"
    assert decided[1].detail["supersedes_id"] == decision["id"]

    # The decision made through the API is the one the item page shows.
    page = env.web.client("reviewer").get(f"/items/{item}")
    assert "Ternyata akun parodi." in page.text


def test_vocabulary_lists_what_decisions_may_cite(env: ApiEnv) -> None:
    with env.client("auditor_a") as client:
        vocabulary = client.get("/vocabulary").json()
    assert set(vocabulary["verdicts"]) == {"pelanggaran", "bukan_pelanggaran", "perlu_klarifikasi", "eskalasi"}
    codes = {v["code"]: v for v in vocabulary["violations"]}
    assert codes["money_politics"]["default_clauses"] == ["ikrar-4"]
    assert "wrong_person" in vocabulary["not_breach_reasons"] and "ikrar-1" in vocabulary["clauses"]


def test_report_download_is_verified_and_audited(env: ApiEnv) -> None:
    rid = env.reports["mingguan-KAB-A.pdf"]
    path = report_path(env, "mingguan-KAB-A.pdf")
    with env.client("supervisor") as client:
        listed = {r["id"]: r for r in client.get("/reports", params={"kind": "weekly"}).json()}
        assert set(listed) == {env.reports["mingguan-KAB-A.pdf"], env.reports["mingguan-KAB-A.csv"]}
        assert listed[rid]["download"] == f"/reports/{rid}/file" and listed[rid]["agency"]["code"] == "KAB-A"
        assert client.get("/reports", params={"period": "2000-W01"}).json() == []
        assert client.get("/reports", params={"kind": "monthly"}).json()["field"] == "kind"
        got = client.get(listed[rid]["download"])
        assert got.status_code == 200 and got.content == path.read_bytes()
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["x-content-sha256"] == hashlib.sha256(got.content).hexdigest() == listed[rid]["sha256"]
        assert got.headers["content-disposition"].startswith('attachment; filename="mingguan-KAB-A.pdf"')

        path.write_bytes(b"%PDF-1.7 diubah diam-diam")
        tampered = client.get(f"/reports/{rid}/file")
        assert tampered.status_code == 409 and "SHA-256" in tampered.json()["detail"]
        assert b"diam-diam" not in tampered.content
        path.unlink()
        gone = client.get(f"/reports/{rid}/file")
        assert gone.status_code == 410
    downloads = env.audit("report_download")
    assert [(e.username, e.object_id, e.detail["via"]) for e in downloads] == [("supervisor", str(rid), "api")]
    assert downloads[0].detail["bytes"] == len(got.content)
    refused = env.audit("report_download_refused")
    assert [e.detail["reason"] for e in refused] == ["sha256_mismatch", "missing"]


def _cli_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: str) -> tuple[int, list[str]]:
    """``netra registry import NAME`` on the same content, from a directory where NAME is the file's path."""
    folder = tmp_path / "cli"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(content, encoding="utf-8")
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli, ["registry", "import", name], env={**os.environ, "COLUMNS": "300"})
    return result.exit_code, [line for line in result.output.splitlines() if line.startswith(f"{name}:")]


def test_registry_upload_validates_like_the_cli(env: ApiEnv, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    before = _employees(env)
    csv = HEADER + GOOD + BAD
    with env.client("admin") as client:
        refused = client.post("/registry/imports", files={"file": ("registri.csv", csv.encode(), "text/csv")})
        assert refused.status_code == 422
        body = refused.json()
        assert body["field"] == "file" and "tidak ada yang ditulis" in body["detail"]
        assert _employees(env) == before  # all or nothing
        code, cli_errors = _cli_errors(tmp_path, monkeypatch, "registri.csv", csv)
        assert code == 1 and body["errors"] == cli_errors and len(cli_errors) == 2
        assert body["errors"][0].startswith("registri.csv:4: invalid NIP")
        assert str(env.web.settings.home) not in refused.text  # the server's upload path never shows

        skipped = client.post("/registry/imports", data={"skip_invalid": "true"},
                              files={"file": ("registri.csv", csv.encode(), "text/csv")})
        assert skipped.status_code == 200, skipped.text
        result = skipped.json()
        assert result["written"] and result["rows"] == 4 and result["errors"] == cli_errors
        assert (result["agencies_created"], result["employees_created"], result["accounts_created"]) == (1, 2, 2)
        assert _employees(env) == before + 2
        again = client.post("/registry/imports", files={"file": ("registri.csv", (HEADER + GOOD).encode())})
        assert again.json()["unchanged_rows"] == 2 and again.json()["employees_created"] == 0

        workbook = Workbook()
        workbook.active.append(HEADER.strip().split(","))
        workbook.active.append(["199203042020121003", "Tono", "Dinas Kesehatan", "dinkes", "", "", "PNS", "", ""])
        xlsx = tmp_path / "registri.xlsx"
        workbook.save(xlsx)
        from_xlsx = client.post("/registry/imports", files={"file": ("registri.xlsx", xlsx.read_bytes())})
        assert from_xlsx.status_code == 200 and from_xlsx.json()["employees_created"] == 1

        for files, data, field, words in [
            ({"file": ("registri.pdf", b"%PDF")}, {}, "file", "unsupported file type .pdf"),
            ({"file": ("kosong.csv", b"")}, {}, "file", "Kirim berkas registri"),
            ({"file": ("h.csv", HEADER.encode())}, {}, "file", "only headers"),
            ({"file": ("r.csv", (HEADER + GOOD).encode())}, {"skip_invalid": "mungkin"}, "skip_invalid", "true"),
        ]:
            response = client.post("/registry/imports", files=files, data=data)
            assert response.status_code == 422 and response.json()["field"] == field, response.text
            assert words in response.json()["detail"], response.json()
        not_multipart = client.post("/registry/imports", data={"skip_invalid": "true"})
        assert not_multipart.status_code == 400 and "multipart/form-data" in not_multipart.json()["detail"]
    imports = env.audit("registry_import")
    assert [e.detail["employees_created"] for e in imports] == [2, 0, 1]
    assert imports[0].detail["via"] == "api" and imports[0].object_id == "registri.csv"
    assert [e.detail["reason"] for e in env.audit("registry_import_refused")][:1] == ["invalid_rows"]
    assert not list((env.web.settings.home / "uploads").iterdir())  # uploads never stay on disk
