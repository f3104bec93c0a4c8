"""Every page and web download speaks Bahasa Indonesia (issue 17, defect 7).

A tester walking the app found English errors ("items: not found", "status: 'bogus' is not one of …",
"(not a ZIP archive…)"), raw codes (``campaign_account_interaction``, ``self_audit_upload_refused``), English
values in the downloads (``pending``, ``support``, ``False``) and Python dicts with server paths in the audit log.
This walk visits every HTML page, its error pages and refused forms, as each role, and reads what a
person sees (text, and the title/alt/placeholder/aria-label a browser shows): no English phrase and no
stored code may be there. Codes stay where machines read them: attributes, links, the JSON API, and the
machine contracts (``netra export``, a report's CSV archive with its ``per_orang.csv``: docs/reports.md).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from monitor.db import schema
from monitor.db.schema import AuditLog, CaptureTip, Report
from monitor.db.session import session_factory
from monitor.db.vocabulary import NOT_BREACH_REASONS, VIOLATIONS
from monitor.i18n import catalogue
from tests.identical_seed import add_identical
from tests.web_support import WebEnv, csrf, make_env, post

SHOWN_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")
# Codes that are also ordinary words or names on a page (usernames in the seed are role names).
NOT_CODES = {"admin", "supervisor", "reviewer", "other", "post", "photo", "like", "share", "comment", "follow"}


def _codes() -> set[str]:
    """Every stored code the catalogue labels that reads as a code (snake_case), plus the vocabulary's own."""
    codes = {msgid for (context, msgid) in catalogue() if context is not None and "_" in msgid}
    codes |= {c for c in (*VIOLATIONS, *NOT_BREACH_REASONS, *schema.VERDICTS, *schema.ACCOUNT_STATES,
                          *schema.ROLES, *schema.REGISTERS, *schema.EMPLOYEE_STATUSES) if "_" in c}
    codes |= {p for p in schema.PLATFORMS if len(p) > 3}  # "bluesky" is a code; "Bluesky" is its label
    return codes - NOT_CODES


# English words that are codes of stored states, and phrases of English errors (Python's, pydantic's, Starlette's).
ENGLISH = [
    "pending", "clarification", "escalated", "decided", "support", "oppose", "awaiting", "confirmed", "disputed",
    "resolved", "queued", "capturing", "captured", "unchanged", "failed", "importing", "classifying", "refused",
    "succeeded", "partial", "ethics", "discipline", "True", "False", "None", "not found", "Not Found",
    "is not one of", "is not a", "too long", "no such", "cannot", "must be", "choose at least", "may not see",
    "Method Not Allowed", "Internal Server Error", "Field required", "Input should", "invalid literal",
    "not a ZIP", "Traceback", "Error", "Invalid", "Forbidden", "Unauthorized",
]
FORBIDDEN = re.compile(r"(?<![\w./-])(" + "|".join(re.escape(w) for w in sorted({*_codes(), *ENGLISH}, key=len,
                                                                                 reverse=True)) + r")(?![\w/-])")


class _Shown(HTMLParser):
    """The text a person reads on a page: text outside scripts and styles, and the attributes a browser shows."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts.extend(v for k, v in attrs if k in SHOWN_ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def shown_text(html: str) -> str:
    parser = _Shown()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def foreign(text: str) -> list[str]:
    return sorted(set(FORBIDDEN.findall(text)))


def test_the_detector_finds_what_the_tester_found() -> None:
    page = ("<h1>Filter tidak sah — status: 'bogus' is not one of pending, clarification</h1>"
            "<td>campaign_account_interaction</td><span title='login_failed'>x</span><p>hate: False</p>"
            "<a href='/queue?status=pending&amp;x=not_found'>Antrean</a><script>var pending = 1;</script>")
    assert foreign(shown_text(page)) == ["False", "campaign_account_interaction", "clarification", "is not one of",
                                         "login_failed", "pending"]
    assert foreign(shown_text("<p>Menunggu · bukan pelanggaran · <a href='/items/1?x=not_found'>item</a></p>")) == []
    assert foreign(shown_text("<td>Unggahan di bluesky · https://bluesky.example/p/1</td>")) == ["bluesky"]


@pytest.fixture
def web(sqlite_db: str) -> WebEnv:
    env = make_env(sqlite_db)
    add_identical(env)  # item pages with the identical-acts section and its bulk form
    items = env.data.items
    reviewer = env.client("reviewer")
    for name, fields in {
        "budi_post": {"verdict": "pelanggaran", "violation_code": "social_campaign", "candidate": "k1"},
        "budi_like": {"verdict": "pelanggaran", "violation_code": "campaign_account_interaction", "candidate": "k1"},
        "sari_comment": {"verdict": "bukan_pelanggaran", "reason": "same_name"},
        "budi_deleted": {"verdict": "perlu_klarifikasi"},
        "sari_hostile": {"verdict": "eskalasi"},
    }.items():
        answer = post(reviewer, f"/items/{items[name]}/decisions", {**fields, "note": "catatan uji",
                                                                    "expected_latest_id": ""})
        assert answer.status_code == 303 and "#decision-form" not in answer.headers["location"], name
    commented = post(reviewer, f"/items/{items['sari_like']}/komentar", {"body": "Perlu dicek bersama supervisor."},
                     token_from=f"/items/{items['sari_like']}")
    assert commented.status_code == 303 and "#komentar-" in commented.headers["location"]
    with session_factory(env.url)() as s:
        at = datetime(2029, 10, 7, 3, 0, tzinfo=UTC)
        # What the audit log holds besides the seed's: refusals with server paths and English technical lines.
        for action, object_type, detail in [
            ("report_download_refused", "report", {"kind": "weekly", "format": "pdf", "reason": "missing",
                                                   "path": "/srv/netra/reports/weekly/x.pdf",
                                                   "error": "No such file or directory"}),
            ("self_audit_upload_refused", "account", {"reason": "unreadable", "status": 400, "importer": "x-archive",
                                                      "file": "ekspor.zip", "bytes": 120, "job": None}),
            ("login_failed", None, {"reason": "bad_password"}),
            ("export", "queue", {"format": "csv", "rows": 3, "filters": {"status": "all", "kind": "like",
                                                                         "assignee": "none", "sort": "oldest"}}),
            ("decide", "review_item", {"decision_id": 1, "verdict": "bukan_pelanggaran", "violation_code": None,
                                       "supersedes_id": None, "four_eyes": "awaiting"}),
            ("retention_purge", "activity", {"cutoff": "2029-01-01T00:00:00+00:00", "days": 365, "activities": 3,
                                             "classifications": 3, "evidence": 2, "posts": 1}),
            ("registry_import", "registry", {"bytes": 10, "rows": 2, "written": True, "employees_created": 2,
                                             "unchanged_rows": 0, "invalid": 0, "via": "api"}),
            ("tips_submitted", "capture_batch", {"links": 2, "tips": [1, 2]}),
            ("bulk_decide", "review_item", {"verdict": "bukan_pelanggaran", "decided": [4, 5],
                                            "skipped": [[6, "sedang dipegang oleh Reviewer2"]],
                                            "refused": [[7, "candidate"]]}),
            ("decide", "review_item", {"decision_id": 9, "verdict": "bukan_pelanggaran", "bulk_from": 3}),
            ("view_reviewer_stats", "reviewer_stats", {"filters": {"date_from": "2029-10-01",
                                                                   "date_to": "2029-10-28", "agency": "1"},
                                                       "reviewers": ["reviewer"]}),
            ("export", "reviewer_stats", {"format": "csv", "rows": 2, "filters": {"date_from": "2029-10-01"}}),
        ]:
            s.add(AuditLog(at=at, username="admin", action=action, object_type=object_type, object_id="3",
                           ip="10.0.0.1", detail=detail))
        for state, reason, platform in [("failed", "login_wall", "instagram"), ("failed", "not_a_post", None),
                                        ("failed", "bogus_reason", None), ("captured", None, "x")]:
            s.add(CaptureTip(batch="00000000000000aa", source="web", url="https://www.instagram.com/p/C8sUk/",
                             platform=platform, handle="bambang" if platform else None, username="supervisor",
                             user_id=env.data.users["supervisor"], state=state, reason=reason,
                             error="the platform asks to log in; Netra never logs in" if reason else None,
                             captured_platform="x" if state == "captured" else None,
                             captured_handle="bambang_h" if state == "captured" else None))
        s.add(Report(kind="weekly", agency_id=env.data.agencies["KAB-A"], period_label="2029-W40",
                     period_start=datetime(2029, 9, 30, 17, tzinfo=UTC),
                     period_end=datetime(2029, 10, 7, 17, tzinfo=UTC),
                     format="pdf", path="/srv/netra/reports/gone.pdf", sha256="0" * 64, created_by="admin"))
        s.commit()
    return env


PAGES = ["/queue", "/queue?status=all", "/queue?status=decided", "/queue?status=clarification",
         "/queue?status=escalated", "/queue?sort=oldest", "/queue?q=sutradewi", "/queue?q=budi+coblos&status=all",
         "/queue?candidate=Sutrisno", "/laporan", "/tautan", "/tautan/00000000000000aa",
         "/swa-audit", "/audit", "/audit?action=report_download_refused", "/audit?action=bulk_decide",
         "/audit?page=2", "/statistik-peninjau", "/statistik-peninjau?date_from=2029-09-01&date_to=2029-10-31"]
REFUSED = [
    "/queue?status=bogus", "/queue?kind=tweet", "/queue?platform=myspace", "/queue?n=abc", "/queue?n=9999",
    "/queue?after=zzz", "/queue?date_from=kemarin", "/queue?agency=x", "/queue?assignee=abc", "/queue?sort=random",
    "/queue?candidate=" + "k" * 80, "/items/999999", "/items/abc", "/tidak-ada", "/audit?page=0",
    "/audit?page=abc", "/audit?date_from=x", "/audit?date_from=2029-10-05&date_to=2029-10-01",
    "/audit?action=" + "x" * 80, "/export/queue.csv?status=bogus", "/export/decisions.xlsx?kind=tweet",
    "/export/users.csv", "/laporan/999999/unduh", "/tautan/zzz", "/swa-audit/pekerjaan/999999", "/bukti/999999/x.png",
    "/statistik-peninjau?date_from=kemarin", "/statistik-peninjau?agency=x", "/statistik-peninjau?agency=0",
    "/statistik-peninjau?date_from=2029-10-09&date_to=2029-10-01",
    "/statistik-peninjau?date_from=2020-01-01&date_to=2029-01-01", "/statistik-peninjau.csv?date_to=bogus",
]


def _report_id(env: WebEnv) -> int:
    with session_factory(env.url)() as s:
        return s.query(Report.id).one()[0]


def _assert_indonesian(client: TestClient, path: str, username: str) -> int:
    response = client.get(path)
    assert "html" in response.headers.get("content-type", ""), (path, response.headers.get("content-type"))
    text = shown_text(response.text)
    assert foreign(text) == [], f"{username} {path} ({response.status_code}): {foreign(text)} in {text[:600]!r}"
    assert "/srv/" not in text and "{'" not in text, (username, path, text[:600])
    return response.status_code


@pytest.mark.parametrize("username", ["reviewer", "supervisor", "auditor_a", "admin"])
def test_every_page_and_error_reads_indonesian(web: WebEnv, username: str) -> None:
    client = web.client(username)
    statuses = {}
    for path in [*PAGES, *REFUSED, *[f"/items/{i}" for i in web.data.items.values()],
                 f"/laporan/{_report_id(web)}/unduh"]:
        statuses[path] = _assert_indonesian(client, path, username)
    assert statuses["/queue?status=bogus"] == 400 and statuses["/items/999999"] == 404
    assert statuses["/audit"] == (200 if username == "admin" else 403)
    stats_allowed = username in ("supervisor", "admin")
    assert statuses["/statistik-peninjau"] == (200 if stats_allowed else 403)
    assert statuses["/statistik-peninjau?agency=x"] == (400 if stats_allowed else 403)
    if username == "admin":
        assert statuses["/audit?page=0"] == 400 and statuses[f"/laporan/{_report_id(web)}/unduh"] == 410
    # Refused forms come back (post/redirect/get) with their reason on the next page.
    if username in ("supervisor", "admin"):
        token = csrf(client, "/queue")
        for items in (["abc"], ["999999"], []):
            client.post("/queue/assign", data={"csrf_token": token, "item_id": items, "assignee": "999999"})
            assert "Penugasan gagal" in shown_text(client.get("/queue").text)
            _assert_indonesian(client, "/queue", username)
        for form in ({"links": ""}, {"links": "https://a.example/1", "platform": "myspace", "account": "x"},
                     {"links": "https://a.example/1", "platform": "x"}):
            client.post("/tautan", data={"csrf_token": csrf(client, "/tautan"), **form})
            assert 'id="tips-error"' in client.get("/tautan").text or True
            _assert_indonesian(client, "/tautan", username)
    if username in ("auditor_a", "admin"):
        token = csrf(client, "/swa-audit")
        uploads = [
            {"content": b"not a form", "headers": {"content-type": "text/plain", "x-csrf-token": token}},
            {"data": {"csrf_token": token, "importer": "bogus", "account": "abc"},
             "files": {"export": ("bukan.zip", b"not a zip", "application/zip")}},
            {"data": {"csrf_token": token, "importer": "x-archive", "account": "1"},
             "files": {"export": ("kosong.zip", b"", "application/zip")}},
            {"data": {"csrf_token": token, "importer": "x-archive", "account": "1"},
             "files": {"export": ("a.zip", b"x", "application/zip"), "other": ("b.zip", b"y", "application/zip")}},
        ]
        for upload in uploads:
            answer = client.post("/swa-audit", **upload)
            assert answer.status_code == 303
            page = client.get("/swa-audit")
            assert 'id="upload-error"' in page.text
            _assert_indonesian(client, "/swa-audit", username)
    # A form without its security token is refused with a page, in Indonesian too.
    refused = client.post("/queue/take", data={"csrf_token": "palsu"})
    assert refused.status_code == 403 and foreign(shown_text(refused.text)) == []
    assert client.post("/audit").status_code == 405


def test_audit_log_reads_as_words_without_server_paths(web: WebEnv) -> None:
    admin = web.client("admin")
    text = shown_text(admin.get("/audit").text)
    for words in ("Unduhan laporan ditolak", "alasan: berkas tidak ditemukan", "format: PDF",
                  "jenis: Laporan mingguan", "putusan: bukan pelanggaran", "empat mata: menunggu konfirmasi",
                  "saringan: status semua; jenis suka; ditugaskan kepada belum ditugaskan; urutan paling lama",
                  "alasan: kata sandi salah", "jenis ekspor: X (Twitter)", "pegawai baru: 2", "ditulis: ya",
                  "Penghapusan data lama", "kiriman tautan #3"):
        assert words in text, words
    assert "/srv/netra" not in text and "No such file" not in text and "{" not in text
    rows = list(csv.reader(io.StringIO(admin.get("/audit.csv").text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Waktu (UTC)", "Pengguna", "Aksi", "Objek", "Alamat IP", "Rincian"]
    body = " ".join(" ".join(r) for r in rows)
    assert foreign(body) == [] and "/srv/netra" not in body and "Unduhan laporan ditolak" in body


def test_tips_page_shows_reasons_not_capture_errors(web: WebEnv) -> None:
    text = shown_text(web.client("supervisor").get("/tautan/00000000000000aa").text)
    assert "Platform meminta masuk (login)" in text and "Tautan bukan unggahan" in text
    assert "Tautan tidak dapat ditangkap." in text  # a reason newer than the catalogue still reads as words
    assert "Netra never logs in" not in text  # the capture's own technical line (English) stays in the database
    assert "akun: Instagram bambang" in text and "akun: X (Twitter) bambang" in text


def _csv_rows(client: TestClient, path: str) -> list[list[str]]:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("username", ["supervisor", "auditor_a", "admin"])
def test_web_downloads_have_indonesian_headers_and_no_codes(web: WebEnv, username: str) -> None:
    client = web.client(username)
    for what in ("queue", "decisions"):
        rows = _csv_rows(client, f"/export/{what}.csv?status=all")
        header, data = rows[0], rows[1:]
        assert data and all(" " in h or h[0].isupper() for h in header), header
        assert not any("_" in h for h in header), header
        cells = " ".join(c for row in data for c in row if not c.startswith("http"))
        assert foreign(cells) == [], (what, foreign(cells))
        sheet = load_workbook(io.BytesIO(client.get(f"/export/{what}.xlsx?status=all").content)).active
        xlsx = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
        assert list(xlsx[0]) == header and sheet.title in ("Antrean", "Putusan")
        assert foreign(" ".join(str(c) for r in xlsx[1:] for c in r if c is not None
                                and not str(c).startswith("http"))) == []
    queue = {r[0]: r for r in _csv_rows(client, "/export/queue.csv?status=all")[1:]}
    decided = dict(zip(_csv_rows(client, "/export/queue.csv?status=all")[0],
                       queue[str(web.data.items["budi_like"])], strict=True))
    assert decided["Status"] == "diputus" and decided["Sikap"] == "mendukung" and decided["Ujaran kebencian"] == "tidak"
    assert decided["Jenis tindakan"] == "suka" and decided["Platform"] == "Bluesky" and decided["Skor model"] == "0,71"
    assert decided["Bentuk pelanggaran"] == "Interaksi dengan akun pemenangan"
    assert decided["Instansi"] == "Pemerintah Kabupaten Sukamaju"


def test_refused_form_values_name_the_field_in_words(web: WebEnv) -> None:
    anonymous = web.client()
    assert foreign(shown_text(anonymous.get("/login").text)) == []
    answer = anonymous.post("/login", data={"csrf_token": csrf(anonymous), "username": "u" * 200, "password": "x"})
    assert answer.status_code == 400
    text = shown_text(answer.text)
    assert "Permintaan tidak sah — Nama pengguna: terlalu panjang." in text and foreign(text) == []
    admin = web.client("admin")
    text = shown_text(admin.get("/audit?page=0").text)
    assert "Permintaan tidak sah — Halaman: terlalu kecil." in text


@pytest.mark.parametrize("username", ["reviewer", "supervisor", "admin"])
def test_saved_filters_comments_and_bulk_forms_read_indonesian(web: WebEnv, username: str) -> None:
    """The merged features' forms (issue 17): saved filters, comments, one verdict for identical acts."""
    client = web.client(username)
    # A saved filter is listed on the queue; refusals come back as a message naming the field in words.
    saved = post(client, "/queue/filters", {"name": "Suka kampanye", "params": "kind=like&q=sutradewi"})
    page = shown_text(client.get(saved.headers["location"]).text)
    assert "Saringan “Suka kampanye” disimpan." in page and "Saringan tersimpan 1" in page
    _assert_indonesian(client, "/queue", username)
    invalid = "Saringan tidak disimpan — filter tidak sah: Jenis tindakan: “tweet” tidak termasuk pilihan"
    for form, message in (({"name": "   ", "params": "kind=like"}, "Beri nama saringan yang akan disimpan."),
                          ({"name": "n" * 65, "params": ""}, "Nama saringan paling banyak 64 karakter."),
                          ({"name": "rusak", "params": "kind=tweet"}, invalid)):
        refused = post(client, "/queue/filters", form)
        assert refused.status_code == 303
        page = shown_text(client.get(refused.headers["location"]).text)
        assert message in page and foreign(page) == [], (form, foreign(page))

    items = web.data.items
    # A refused comment (empty) comes back on the item page; the comments already there read as words.
    item = f"/items/{items['sari_like']}"
    refused = post(client, f"{item}/komentar", {"body": "   "}, token_from=item)
    assert refused.headers["location"] == f"{item}#komentar"
    page = shown_text(client.get(item).text)
    assert "komentar kosong" in page and "Perlu dicek bersama supervisor." in page and foreign(page) == []
    refused = post(client, f"{item}/komentar", {"body": "x" * 2001}, token_from=item)
    assert "komentar terlalu panjang (maksimal 2000 karakter)" in shown_text(client.get(item).text)

    # The identical-acts form of budi_like (decided) lists sari_like and dewi_like; each refusal reads as words.
    anchor = f"/items/{items['budi_like']}"
    boxes = [("items", f"{items['sari_like']}:"), ("items", f"{items['dewi_like']}:")]
    for form, message in (
        ([("items", "abc"), ("verdict", "eskalasi"), ("note", "x")], "Formulir tidak sah."),
        ([("verdict", "eskalasi"), ("note", "x")], "pilih sedikitnya satu item"),
        ([*boxes, ("verdict", "bukan_pelanggaran"), ("note", "")], "catatan wajib diisi"),
        ([*boxes, ("verdict", "bukan_pelanggaran"), ("note", "x")], "pilih alasan dari daftar"),
        ([("items", f"{items['sari_share']}:"), ("verdict", "eskalasi"), ("note", "x")],
         f"item #{items['sari_share']} bukan tindakan yang identik dengan item ini"),
    ):
        refused = post(client, f"{anchor}/putusan-identik", form, token_from=anchor)
        assert refused.headers["location"] == f"{anchor}#tindakan-identik"
        html = client.get(anchor).text
        assert 'id="bulk-error"' in html
        page = shown_text(html)
        assert message in page and foreign(page) == [], (form, foreign(page))
    # The keyboard help (in the template; netra.js only shows and hides it) is part of every item page.
    assert "Pintasan papan ketik" in page and "Item berikutnya dalam antrean" in page
    decided = post(client, f"{anchor}/putusan-identik",
                   [*boxes, ("verdict", "bukan_pelanggaran"), ("reason", "official_duty"), ("note", "Resmi pemda.")],
                   token_from=anchor)
    page = shown_text(client.get(decided.headers["location"]).text)
    assert "Putusan “bukan pelanggaran” tersimpan untuk 2 item" in page and foreign(page) == []
    if username == "admin":
        page = shown_text(client.get("/audit?action=bulk_decide").text)
        assert "Memutus tindakan identik sekaligus" in page and foreign(page) == []
        assert "dilewati: #6 (sedang dipegang oleh Reviewer2)" in page and "ditolak: #7 (Calon)" in page
        page = shown_text(client.get("/audit").text)
        for words in ("Mengomentari item", "nomor komentar", "Melihat statistik peninjau", "statistik peninjau",
                      "diputus sekaligus dari item: 3"):
            assert words in page, words


def test_a_reader_cannot_comment_or_decide_in_bulk_and_is_told_so(web: WebEnv) -> None:
    auditor = web.client("auditor_a")
    item = f"/items/{web.data.items['sari_like']}"
    token = csrf(auditor, item)
    for path, form in ((f"{item}/komentar", {"body": "komentar"}),
                       (f"{item}/putusan-identik", {"items": f"{web.data.items['dewi_like']}:", "verdict": "eskalasi",
                                                     "note": "x"})):
        answer = auditor.post(path, data={"csrf_token": token, **form})
        assert answer.status_code == 403 and foreign(shown_text(answer.text)) == []


@pytest.mark.parametrize("username", ["supervisor", "admin"])
def test_reviewer_statistics_page_errors_and_csv_read_indonesian(web: WebEnv, username: str) -> None:
    client = web.client(username)
    answer = client.get("/statistik-peninjau", params={"date_from": "kemarin"})
    assert answer.status_code == 400
    assert "Filter tidak sah — Dari tanggal: “kemarin” bukan tanggal (TTTT-BB-HH)" in shown_text(answer.text)
    answer = client.get("/statistik-peninjau", params={"date_from": "2020-01-01", "date_to": "2029-01-01"})
    assert "Filter tidak sah — Sampai tanggal: rentang paling panjang 366 hari" in shown_text(answer.text)
    answer = client.get("/statistik-peninjau", params={"agency": "x"})
    assert "Filter tidak sah — Instansi: “x” bukan bilangan" in shown_text(answer.text)
    page = shown_text(client.get("/statistik-peninjau").text)
    assert "Semua peninjau" in page and "belum ada pasangan empat mata" in page and foreign(page) == []
    # A download for people, like the queue's: Indonesian headers, role labels and words, a decimal comma.
    rows = _csv_rows(client, "/statistik-peninjau.csv")
    header, data = rows[0], rows[1:]
    assert not any("_" in h for h in header) and all(h[0].isupper() for h in header), header
    assert header[:4] == ["Pengguna", "Nama", "Peran", "Putusan"]
    cells = " ".join(c for row in data for c in row)
    assert foreign(cells) == [], foreign(cells)
    reviewer = next(dict(zip(header, r, strict=True)) for r in data if r[0] == "reviewer")
    assert reviewer["Peran"] == "Peninjau" and reviewer["Putusan"] == "5"
    assert reviewer["Keterangan kappa"] == "belum ada pasangan empat mata"
    assert "," in reviewer["Rata-rata putusan per minggu"] and "." not in reviewer["Rata-rata putusan per minggu"]
    total = dict(zip(header, data[-1], strict=True))
    assert total["Nama"] == "Semua peninjau" and total["Kappa Cohen"] == "tidak dapat dihitung"


def test_netra_js_writes_no_text_of_its_own() -> None:
    """Every word the browser shows is in a template (Indonesian, checked above): the script only shows, hides,
    ticks, submits and follows links, so it has no English to leak."""
    script = (Path(__file__).resolve().parent.parent / "monitor" / "web" / "static" / "netra.js").read_text("utf-8")
    assert not re.search(r"textContent|innerText|innerHTML|outerHTML|insertAdjacent|createTextNode|alert\(|"
                         r"confirm\(|prompt\(|setAttribute\(\"(title|aria-label|placeholder)|\.title\s*=", script)
