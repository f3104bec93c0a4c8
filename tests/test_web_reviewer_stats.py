"""The reviewer statistics page and its CSV (issue 17): supervisors and admins only, scoped to the items of their
agencies on the server, audited, and the CSV a download for people (Indonesian headers and values, decimal comma)
separated and guarded like the reports' files."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from monitor.access.users import create_user
from monitor.db.schema import AuditLog, User
from monitor.db.session import session_factory
from monitor.db.types import utcnow
from tests.seed import PASSWORD
from tests.web_support import WebEnv, latest_decision_id, make_env, post

PAGE = "/statistik-peninjau"
FOUR_EYES_A = {"four_eyes_agencies": ["KAB-A"]}
BREACH = {"verdict": "pelanggaran", "violation_code": "social_campaign", "candidate": "k1"}


@pytest.fixture
def web(sqlite_db: str) -> WebEnv:
    return make_env(sqlite_db)


def _decide(web: WebEnv, username: str, item_id: int, **fields: str) -> None:
    client = web.client(username, **FOUR_EYES_A)
    data = {"note": f"putusan {username}", "expected_latest_id": latest_decision_id(web.url, item_id), **fields}
    answer = post(client, f"/items/{item_id}/decisions", data, token_from=f"/items/{item_id}")
    assert answer.status_code == 303 and "#decision-form" not in answer.headers["location"], answer.text[:300]


def _rows(body: bytes, separator: str = ";") -> dict[str, dict[str, str]]:
    """Rows by username; the total row (no username, named "Semua peninjau") as ``semua``."""
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=separator))
    assert rows[-1]["Pengguna"] == "" and rows[-1]["Nama"] == "Semua peninjau"
    return {r["Pengguna"] or "semua": r for r in rows}


def _audit(web: WebEnv, action: str) -> list[AuditLog]:
    with session_factory(web.url)() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_only_supervisors_and_admins_see_it(web: WebEnv) -> None:
    for username in ("reviewer", "auditor_a"):
        client = web.client(username)
        assert client.get(PAGE).status_code == 403
        assert client.get(f"{PAGE}.csv").status_code == 403
        assert f'href="{PAGE}"' not in client.get("/queue").text
    assert web.client().get(PAGE).headers["location"].startswith("/login")
    for username in ("supervisor", "admin"):
        client = web.client(username)
        assert f'href="{PAGE}"' in client.get("/queue").text
        page = client.get(PAGE)
        assert page.status_code == 200 and "Statistik peninjau" in page.text
        assert "Belum ada putusan dalam rentang ini." in page.text
    assert [e.username for e in _audit(web, "view_reviewer_stats")] == ["supervisor", "admin"]
    assert web.client("admin").get(PAGE, params={"date_from": "2029-10-09", "date_to": "2029-10-01"}).status_code == 400


def test_supervisor_sees_only_the_work_on_their_agencies_items(db_url: str) -> None:
    web = make_env(db_url)
    items = web.data.items
    with session_factory(web.url)() as s:  # a reviewer working for both agencies
        create_user(s, "dua", PASSWORD, "reviewer", scope_codes=["KAB-A", "KAB-B"], full_name="Dua Instansi")
        s.commit()
    _decide(web, "reviewer", items["budi_post"], verdict="bukan_pelanggaran", reason="same_name")
    _decide(web, "reviewer_b", items["joko_photo"], verdict="perlu_klarifikasi")
    _decide(web, "dua", items["sari_comment"], verdict="bukan_pelanggaran", reason="same_name")
    _decide(web, "dua", items["joko_photo"], verdict="bukan_pelanggaran", reason="same_name")

    supervisor = web.client("supervisor")  # KAB-A
    page = supervisor.get(PAGE).text
    assert 'data-reviewer="reviewer"' in page and 'data-reviewer="dua"' in page
    assert 'data-reviewer="reviewer_b"' not in page and "Reviewer B" not in page
    rows = _rows(supervisor.get(f"{PAGE}.csv").content)
    assert set(rows) == {"reviewer", "dua", "semua"}
    assert rows["dua"]["Putusan"] == "1"  # the KAB-B decision is not this supervisor's to see
    assert rows["semua"]["Putusan"] == "2"
    # Asking for the other agency by id gives nothing, not its figures.
    other = _rows(supervisor.get(f"{PAGE}.csv", params={"agency": web.data.agencies["KAB-B"]}).content)
    assert set(other) == {"semua"} and other["semua"]["Putusan"] == "0"
    assert "Reviewer B" not in supervisor.get(PAGE, params={"agency": web.data.agencies["KAB-B"]}).text

    admin = _rows(web.client("admin").get(f"{PAGE}.csv").content)
    assert set(admin) == {"reviewer", "reviewer_b", "dua", "semua"} and admin["dua"]["Putusan"] == "2"
    only_b = _rows(web.client("admin").get(f"{PAGE}.csv", params={"agency": web.data.agencies["KAB-B"]}).content)
    assert set(only_b) == {"reviewer_b", "dua", "semua"}


def test_four_eyes_figures_and_the_csv(web: WebEnv) -> None:
    items = web.data.items
    # Agreement on one item, a dispute the supervisor settles against the first reviewer on another.
    _decide(web, "reviewer", items["budi_deleted"], **BREACH)
    _decide(web, "reviewer2", items["budi_deleted"], **BREACH)
    page = web.client("supervisor").get(PAGE).text
    # One pair, both said pelanggaran: kappa is 0/0 and the page says so.
    assert "tidak dapat dihitung" in page and "nan" not in page.lower()
    assert "kedua peninjau hanya memakai satu kategori putusan yang sama" in page and "one_category" not in page

    _decide(web, "reviewer", items["budi_post"], **BREACH)
    _decide(web, "reviewer2", items["budi_post"], verdict="bukan_pelanggaran", reason="same_name")
    _decide(web, "supervisor", items["budi_post"], verdict="bukan_pelanggaran", reason="same_name")

    with session_factory(web.url)() as s:  # a name an administrator typed that a spreadsheet would run
        s.scalar(select(User).where(User.username == "reviewer2")).full_name = '=HYPERLINK("http://x.example","a")'
        s.commit()
    export = web.client("supervisor").get(f"{PAGE}.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    header = export.content.decode("utf-8")[1:].splitlines()[0]
    assert header.startswith("Pengguna;Nama;Peran;Putusan;Rata-rata putusan per minggu;Putusan minggu ")
    assert "_" not in header
    rows = _rows(export.content)
    first, second, total = rows["reviewer"], rows["reviewer2"], rows["semua"]
    assert second["Nama"] == '\'=HYPERLINK("http://x.example","a")'
    assert first["Peran"] == "Peninjau" and rows["supervisor"]["Peran"] == "Supervisor" and total["Peran"] == ""
    assert (first["Putusan"], first["Pasangan empat mata"], first["Pasangan yang sepakat"]) == ("2", "2", "1")
    assert first["Kesepakatan (0–1)"] == "0,5" and total["Pasangan empat mata"] == "2"
    # Pairs (pel, pel) and (pel, bukan): the first reviewer used one category only, so p_o = p_e and κ = 0.
    assert first["Kappa Cohen"] == "0,0" and first["Keterangan kappa"] == ""
    # The supervisor sided with the second reviewer: the first reviewer's breach is reversed, by a supervisor.
    assert (first["Putusan yang dijawab orang lain"], first["Dibalik"],
            first["Dibalik oleh supervisor/admin"]) == ("2", "1", "1")
    assert (second["Putusan yang dijawab orang lain"], second["Dibalik"]) == ("1", "0")
    supervisor = rows["supervisor"]
    assert supervisor["Putusan"] == "1" and supervisor["Kappa Cohen"] == "tidak dapat dihitung"
    assert supervisor["Keterangan kappa"] == "belum ada pasangan empat mata"
    assert total["Putusan"] == "5"
    # With a comma between cells (RFC 4180 tools), numbers keep their decimal point.
    rfc = _rows(web.client("supervisor", report_csv_separator=",").get(f"{PAGE}.csv").content, separator=",")
    assert rfc["reviewer"]["Kesepakatan (0–1)"] == "0.5" and rfc["reviewer"]["Kappa Cohen"] == "0.0"
    entry = _audit(web, "export")[-1]
    assert entry.object_type == "reviewer_stats" and entry.username == "supervisor"
    assert entry.detail is not None and entry.detail["rows"] == 4


def test_claim_to_decision_comes_from_the_take(web: WebEnv) -> None:
    client = web.client("reviewer")
    taken = post(client, "/queue/take", {})
    item_id = int(taken.headers["location"].rsplit("/", 1)[1])
    answer = post(client, f"/items/{item_id}/decisions",
                  {"verdict": "bukan_pelanggaran", "reason": "same_name", "note": "bukan", "expected_latest_id": ""},
                  token_from=f"/items/{item_id}")
    assert answer.status_code == 303
    # A second decision without a take (item opened from the list) has no claim time.
    other = next(i for i in web.data.items.values() if i != item_id and i != web.data.items["joko_photo"])
    _decide(web, "reviewer", other, verdict="eskalasi")
    rows = _rows(web.client("admin").get(f"{PAGE}.csv").content)
    assert rows["reviewer"]["Putusan"] == "2" and rows["reviewer"]["Putusan dengan waktu ambil"] == "1"
    assert rows["reviewer"]["Median ambil → putusan (menit)"] != ""
    page = web.client("admin").get(PAGE).text
    assert "(1 dari 2)" in page


def test_date_range_is_in_local_days(web: WebEnv) -> None:
    _decide(web, "reviewer", web.data.items["budi_post"], verdict="eskalasi")
    today_wib = (utcnow() + timedelta(hours=7)).date()
    admin = web.client("admin")
    rows = _rows(admin.get(f"{PAGE}.csv", params={"date_from": today_wib.isoformat(),
                                                  "date_to": today_wib.isoformat()}).content)
    assert rows["reviewer"]["Putusan"] == "1"
    week = f"{today_wib.isocalendar().year}-W{today_wib.isocalendar().week:02d}"
    assert rows["reviewer"][f"Putusan minggu {week}"] == "1"
    assert rows["reviewer"]["Dari tanggal"] == rows["reviewer"]["Sampai tanggal"] == today_wib.isoformat()
    yesterday = (today_wib - timedelta(days=1)).isoformat()
    rows = _rows(admin.get(f"{PAGE}.csv", params={"date_from": yesterday, "date_to": yesterday}).content)
    assert "reviewer" not in rows and rows["semua"]["Putusan"] == "0"
    assert admin.get(PAGE, params={"date_from": "kemarin"}).status_code == 400
