"""CSV/XLSX exports: same scoping as the queue, audited, formula-safe; the audit log page."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from monitor.access import audit_log
from monitor.db.schema import AuditLog
from monitor.db.session import session_factory
from tests.web_support import WebEnv, make_env, post


@pytest.fixture
def web(sqlite_db: str) -> WebEnv:
    return make_env(sqlite_db)


def _csv(client, path: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    # For people: ";" between cells and Indonesian headers (the machine exports are the API and `netra export`).
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_exports_never_leave_scope(web: WebEnv) -> None:
    items = web.data.items
    kab_a = {str(v) for k, v in items.items() if not k.startswith("joko")}
    expected = {"admin": {str(v) for v in items.values()}, "auditor_a": kab_a, "reviewer": kab_a,
                "supervisor": kab_a, "auditor_b": {str(items["joko_photo"])}}
    for username, wanted in expected.items():
        client = web.client(username)
        rows = _csv(client, "/export/queue.csv?status=all")
        assert {r["Item"] for r in rows} == wanted, username
        body = client.get("/export/queue.csv?status=all").text
        if str(items["joko_photo"]) not in wanted:
            assert "Joko" not in body and "198712302019021003" not in body
        # Asking for another agency by filter yields nothing of it.
        other = web.data.agencies["KAB-B" if username != "auditor_b" else "KAB-A"]
        if username != "admin":
            assert _csv(client, f"/export/queue.csv?status=all&agency={other}") == []
    rows = _csv(web.client("auditor_a"), "/export/queue.csv")
    first = rows[0]
    # Mask nothing the viewer may see: identity and content are there.
    assert first["NIP"] and first["Nama"] and first["Teks"] is not None and first["Skor model"]
    assert web.client().get("/export/queue.csv").status_code == 303
    assert web.client("admin").get("/export/users.csv").status_code == 404
    assert web.client("admin").get("/export/queue.pdf").status_code == 404
    assert web.client("admin").get("/export/queue.csv?kind=tweet").status_code == 400


def test_decisions_export_xlsx_and_audit(web: WebEnv) -> None:
    items = web.data.items
    reviewer = web.client("reviewer")
    post(reviewer, f"/items/{items['budi_post']}/decisions",
         {"verdict": "pelanggaran", "violation_code": "social_campaign", "candidate": "k1",
          "note": "=HYPERLINK(\"http://evil.example\")", "expected_latest_id": ""})
    reviewer_b = web.client("reviewer_b")
    post(reviewer_b, f"/items/{items['joko_photo']}/decisions",
         {"verdict": "eskalasi", "note": "foto dengan calon", "expected_latest_id": ""})

    auditor = web.client("auditor_a")
    response = auditor.get("/export/decisions.xlsx?status=all")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert row["Item"] == items["budi_post"] and row["Putusan"] == "pelanggaran"
    assert row["Bentuk pelanggaran"] == "Kampanye di media sosial" and row["Butir ikrar"] == "butir 2, 3"
    assert row["Calon"] == "No. 1 — Sutrisno Wibowo & Dewi Lestari Anggraeni"
    assert row["Catatan"].startswith("'=HYPERLINK")  # never a live formula
    assert row["Peninjau yang memutus"] == "reviewer" and row["NIP"] == "198503122010011001"

    csv_rows = _csv(web.client("auditor_b"), "/export/decisions.csv?status=all")
    assert [r["Item"] for r in csv_rows] == [str(items["joko_photo"])]
    queue_xlsx = load_workbook(io.BytesIO(web.client("admin").get("/export/queue.xlsx?status=all").content)).active
    assert queue_xlsx.max_row == len(items) + 1

    with session_factory(web.url)() as s:
        exports = list(s.scalars(select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id)))
    first = next(e for e in exports if e.username == "auditor_a")
    assert first.object_type == "decisions" and first.detail["format"] == "xlsx" and first.detail["rows"] == 1
    assert first.ip == "testclient"


def test_audit_page_is_for_admins_only_and_pages(web: WebEnv) -> None:
    for username in ("supervisor", "reviewer", "auditor_a"):
        assert web.client(username).get("/audit").status_code == 403
    assert web.client().get("/audit").status_code == 303
    with session_factory(web.url)() as s:
        for n in range(60):
            audit_log.record(s, "view_item", username="bulk", object_type="review_item", object_id=n, ip="10.0.0.9")
        s.commit()
    admin = web.client("admin")
    first = admin.get("/audit")
    assert first.status_code == 200
    assert "Halaman 1 dari 2" in first.text and "10.0.0.9" in first.text
    second = admin.get("/audit?page=2")
    assert "Halaman 2 dari 2" in second.text
    logins = admin.get("/audit?action=login").text
    assert "view_item" not in logins.split("<tbody>")[1] and "admin" in logins
    assert admin.get("/audit?page=0").status_code == 400
    # Not editable through the app.
    for verb in ("post", "put", "delete", "patch"):
        assert getattr(admin, verb)("/audit").status_code == 405


def test_decisions_export_from_the_default_tab_gives_the_decisions(web: WebEnv) -> None:
    items = web.data.items
    reviewer = web.client("reviewer")
    assert post(reviewer, f"/items/{items['budi_post']}/decisions",
                {"verdict": "eskalasi", "note": "perlu dilihat atasan", "expected_latest_id": ""}).status_code == 303
    page = reviewer.get("/queue").text  # the default tab: pending
    links = re.findall(r'href="(/export/decisions\.csv[^"]*)"', page)
    assert links
    for link in [html.unescape(links[0]), "/export/decisions.csv"]:
        rows = _csv(reviewer, link)
        assert [r["Item"] for r in rows] == [str(items["budi_post"])], link
    # Other filters of the tab still apply.
    assert _csv(reviewer, "/export/decisions.csv?status=pending&kind=like") == []
    # The queue export of that tab still lists pending items only.
    assert str(items["budi_post"]) not in {r["Item"] for r in _csv(reviewer, html.unescape(
        re.findall(r'href="(/export/queue\.csv[^"]*)"', page)[0]))}


def test_queue_export_names_only_a_live_claim_holder(web: WebEnv) -> None:
    from datetime import timedelta

    from monitor.db.schema import ReviewItem
    from monitor.db.types import utcnow
    from monitor.review.queue import take_next
    from tests.seed import user

    with session_factory(web.url)() as s:
        item = take_next(s, user(s, "reviewer"))
        assert item is not None
        item_id = item.id
        s.commit()

    def assignee() -> str:
        rows = _csv(web.client("supervisor"), "/export/queue.csv?status=all")
        return next(r["Peninjau"] for r in rows if r["Item"] == str(item_id))

    assert assignee() == "reviewer"
    with session_factory(web.url)() as s:  # the claim runs out; the row still remembers who held it
        s.get(ReviewItem, item_id).claimed_until = utcnow() - timedelta(seconds=1)  # type: ignore[union-attr]
        s.commit()
    assert assignee() == ""
