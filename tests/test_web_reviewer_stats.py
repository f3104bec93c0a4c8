"""The reviewer statistics page and its CSV (issue 17): supervisors and admins only, scoped to the items of their
agencies on the server, audited, and the CSV separated and guarded like the reports' files."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from monitor.access.users import create_user
from monitor.db.schema import AuditLog, Decision, User
from monitor.db.session import session_factory
from monitor.db.types import utcnow
from tests.seed import PASSWORD
from tests.web_support import WebEnv, make_env, post

PAGE = "/statistik-peninjau"
FOUR_EYES_A = {"four_eyes_agencies": ["KAB-A"]}
BREACH = {"verdict": "pelanggaran", "violation_code": "social_campaign", "candidate": "k1"}


@pytest.fixture
def web(sqlite_db: str) -> WebEnv:
    return make_env(sqlite_db)


def _latest_id(web: WebEnv, item_id: int) -> str:
    with session_factory(web.url)() as s:
        found = s.scalar(select(Decision.id).where(Decision.review_item_id == item_id)
                         .order_by(Decision.id.desc()).limit(1))
    return "" if found is None else str(found)


def _decide(web: WebEnv, username: str, item_id: int, **fields: str) -> None:
    client = web.client(username, **FOUR_EYES_A)
    data = {"note": f"putusan {username}", "expected_latest_id": _latest_id(web, item_id), **fields}
    answer = post(client, f"/items/{item_id}/decisions", data, token_from=f"/items/{item_id}")
    assert answer.status_code == 303 and "#decision-form" not in answer.headers["location"], answer.text[:300]


def _rows(body: bytes) -> dict[str, dict[str, str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return {r["reviewer"]: r for r in csv.DictReader(io.StringIO(text[1:]), delimiter=";")}


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
    assert rows["dua"]["decisions"] == "1"  # the KAB-B decision is not this supervisor's to see
    assert rows["semua"]["decisions"] == "2"
    # Asking for the other agency by id gives nothing, not its figures.
    other = _rows(supervisor.get(f"{PAGE}.csv", params={"agency": web.data.agencies["KAB-B"]}).content)
    assert set(other) == {"semua"} and other["semua"]["decisions"] == "0"
    assert "Reviewer B" not in supervisor.get(PAGE, params={"agency": web.data.agencies["KAB-B"]}).text

    admin = _rows(web.client("admin").get(f"{PAGE}.csv").content)
    assert set(admin) == {"reviewer", "reviewer_b", "dua", "semua"} and admin["dua"]["decisions"] == "2"
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
    assert header.startswith("reviewer;name;role;decisions;decisions_per_week;decisions_")
    rows = _rows(export.content)
    first, second, total = rows["reviewer"], rows["reviewer2"], rows["semua"]
    assert second["name"] == '\'=HYPERLINK("http://x.example","a")'
    assert (first["decisions"], first["four_eyes_pairs"], first["four_eyes_agreed"]) == ("2", "2", "1")
    assert first["agreement_rate"] == "0.5" and total["four_eyes_pairs"] == "2"
    # Pairs (pel, pel) and (pel, bukan): the first reviewer used one category only, so p_o = p_e and κ = 0.
    assert first["kappa"] == "0.0" and first["kappa_note"] == ""
    # The supervisor sided with the second reviewer: the first reviewer's breach is reversed, by a supervisor.
    assert (first["answered"], first["reversed"], first["reversed_by_supervisor"]) == ("2", "1", "1")
    assert (second["answered"], second["reversed"]) == ("1", "0")
    assert rows["supervisor"]["decisions"] == "1" and rows["supervisor"]["kappa"] == "tidak dapat dihitung"
    assert total["decisions"] == "5"
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
    assert rows["reviewer"]["decisions"] == "2" and rows["reviewer"]["decisions_with_claim"] == "1"
    assert rows["reviewer"]["median_claim_to_decision_min"] != ""
    page = web.client("admin").get(PAGE).text
    assert "(1 dari 2)" in page


def test_date_range_is_in_local_days(web: WebEnv) -> None:
    _decide(web, "reviewer", web.data.items["budi_post"], verdict="eskalasi")
    today_wib = (utcnow() + timedelta(hours=7)).date()
    admin = web.client("admin")
    rows = _rows(admin.get(f"{PAGE}.csv", params={"date_from": today_wib.isoformat(),
                                                  "date_to": today_wib.isoformat()}).content)
    assert rows["reviewer"]["decisions"] == "1"
    assert rows["reviewer"][f"decisions_{today_wib.isocalendar().year}-W{today_wib.isocalendar().week:02d}"] == "1"
    yesterday = (today_wib - timedelta(days=1)).isoformat()
    rows = _rows(admin.get(f"{PAGE}.csv", params={"date_from": yesterday, "date_to": yesterday}).content)
    assert "reviewer" not in rows and rows["semua"]["decisions"] == "0"
    assert admin.get(PAGE, params={"date_from": "kemarin"}).status_code == 400
