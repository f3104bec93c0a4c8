"""The audit log page (issue 17): filters by user, action and date range, and a formula-guarded CSV export
under the same filters, for admins only, itself audited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from monitor.db.schema import AuditLog
from monitor.db.session import session_factory
from tests.web_support import WebEnv, make_env


@pytest.fixture
def web(sqlite_db: str) -> WebEnv:
    env = make_env(sqlite_db)
    with session_factory(env.url)() as s:
        # 1 Oct 2029 23:30 WIB is still 1 Oct locally but 16:30 UTC; 2 Oct 00:30 WIB is 1 Oct 17:30 UTC.
        for at, name, action, detail in [
            (datetime(2029, 10, 1, 16, 30, tzinfo=UTC), "rina", "view_item", None),
            (datetime(2029, 10, 1, 17, 30, tzinfo=UTC), "rina", "decide", {"verdict": "pelanggaran"}),
            (datetime(2029, 10, 3, 2, 0, tzinfo=UTC), "=HYPERLINK(\"http://x\")", "login_failed", None),
            (datetime(2029, 10, 3, 3, 0, tzinfo=UTC), "budi", "decide", {"note": "@SUM(A1)"}),
        ]:
            # Written whole (the log is append-only): the time is the test's, not now.
            s.add(AuditLog(at=at, username=name, action=action, object_type="review_item", object_id="7",
                           ip="10.1.1.1", detail=detail))
        s.commit()
    return env


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_filters_by_user_action_and_local_dates(web: WebEnv) -> None:
    admin = web.client("admin")
    body = lambda path: admin.get(path).text.split("<tbody>", 1)[1]  # noqa: E731

    by_user = body("/audit?user=rina")
    assert by_user.count('<span class="tag">') == 2 and "budi" not in by_user
    rina_decides = body("/audit?user=rina&action=decide")
    assert rina_decides.count('<span class="tag">') == 1 and "putusan: pelanggaran" in rina_decides
    # Days are WIB days: 2 Oct holds the 17:30 UTC entry of 1 Oct, not the 16:30 one.
    second = body("/audit?date_from=2029-10-02&date_to=2029-10-02")
    assert second.count('<span class="tag">') == 1 and "Memutus item" in second
    assert body("/audit?date_from=2029-10-01&date_to=2029-10-03").count('<span class="tag">') == 4
    page = admin.get("/audit?user=rina&action=decide&date_from=2029-10-01")
    assert 'href="/audit.csv?user=rina&amp;action=decide&amp;date_from=2029-10-01"' in page.text
    for bad in ("/audit?date_from=kemarin", "/audit?date_from=2029-10-05&date_to=2029-10-01",
                "/audit.csv?date_to=31-12-2029"):
        assert admin.get(bad).status_code == 400


def test_export_is_filtered_formula_guarded_admin_only_and_audited(web: WebEnv) -> None:
    for username in ("supervisor", "reviewer", "auditor_a"):
        assert web.client(username).get("/audit.csv").status_code == 403
    assert web.client().get("/audit.csv").status_code == 303

    admin = web.client("admin")
    answer = admin.get("/audit.csv?date_from=2029-10-02&date_to=2029-10-03")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith('attachment; filename="netra-audit-')
    rows = _rows(answer.text)
    # For people: Indonesian headers, actions and details (the database keeps the codes).
    assert rows[0] == ["Waktu (UTC)", "Pengguna", "Aksi", "Objek", "Alamat IP", "Rincian"]
    assert [r[2] for r in rows[1:]] == ["Memutus item", "Gagal masuk", "Memutus item"]  # newest first
    assert rows[1][1] == "budi" and rows[1][0] == "2029-10-03 03:00:00" and rows[1][3] == "item #7"
    assert rows[1][5] == "catatan: @SUM(A1)"
    assert rows[2][1] == "'=HYPERLINK(\"http://x\")"  # a tried username that is a formula is neutralised
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)

    only_rina = _rows(admin.get("/audit.csv?user=rina&action=decide").text)
    assert len(only_rina) == 2 and only_rina[1][1] == "rina"

    with session_factory(web.url)() as s:
        logged = list(s.scalars(select(AuditLog).where(AuditLog.action == "audit_export").order_by(AuditLog.id)))
    assert [e.username for e in logged] == ["admin", "admin"]
    assert logged[0].detail == {"format": "csv", "rows": 3, "truncated": False,
                                "filters": {"date_from": "2029-10-02", "date_to": "2029-10-03"}}
    # Still no way to change the log through the app.
    for verb in ("post", "put", "delete", "patch"):
        assert getattr(admin, verb)("/audit.csv").status_code == 405


def test_queue_page_views_and_searches_are_audited(web: WebEnv) -> None:
    # The API recorded who listed which items; the page did not, so a search for an ASN's name left no trace.
    client = web.client("reviewer")
    assert client.get("/queue", params={"q": "Wulandari"}).status_code == 200
    with session_factory(web.url)() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "view_queue").order_by(AuditLog.id.desc())).first()
        assert entry is not None and entry.username == "reviewer"
        assert entry.detail["filters"]["q"] == "Wulandari"
        assert entry.detail["items"] and all(isinstance(i, int) for i in entry.detail["items"])
