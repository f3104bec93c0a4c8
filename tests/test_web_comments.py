"""Comments on an item (issue 17): scoped, CSRF-checked, append-only, audited, shown with author and WIB time,
in the API's case file and in the case dossier."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from monitor.access.tokens import issue_token
from monitor.db.guards import AppendOnlyViolation
from monitor.db.schema import AuditLog, ItemComment, ReviewItem
from monitor.db.session import session_factory
from monitor.db.types import utcnow
from monitor.review.comments import MAX_COMMENT_LENGTH, CommentError, add_comment
from tests.seed import user
from tests.web_support import WebEnv, make_env, post

HOSTILE = '<img src=x onerror=alert(1)> Sudah saya cek: akun ini\nmilik yang bersangkutan.'


@pytest.fixture
def web(sqlite_db: str) -> WebEnv:
    return make_env(sqlite_db)


def _comment(client, item_id: int, body: str):  # type: ignore[no-untyped-def]
    return post(client, f"/items/{item_id}/komentar", {"body": body}, token_from=f"/items/{item_id}")


def _comments(env: WebEnv, item_id: int) -> list[ItemComment]:
    with session_factory(env.url)() as s:
        return list(s.scalars(select(ItemComment).where(ItemComment.review_item_id == item_id)
                              .order_by(ItemComment.id)))


def test_comment_is_listed_with_author_and_wib_time_and_audited(web: WebEnv) -> None:
    item_id = web.data.items["budi_post"]
    reviewer = web.client("reviewer")
    answer = _comment(reviewer, item_id, HOSTILE)
    [stored] = _comments(web, item_id)
    assert answer.status_code == 303 and answer.headers["location"] == f"/items/{item_id}#komentar-{stored.id}"
    assert stored.body == HOSTILE.strip() and stored.author_id == web.data.users["reviewer"]

    # Another reviewer of the agency and its auditor read it: escaped, with the author and the time in WIB.
    shown = (stored.created_at + timedelta(hours=7)).strftime("%d-%m-%Y %H:%M")
    for username in ("reviewer2", "auditor_a"):
        page = web.client(username).get(f"/items/{item_id}").text
        block = page[page.index(f'id="komentar-{stored.id}"'):]
        assert str(escape(HOSTILE.strip())) in block and "<img src=x" not in page
        assert "Reviewer" in block[:300] and f"{shown} WIB" in block[:300]
    # The auditor reads but does not write.
    auditor = web.client("auditor_a")
    assert 'id="comment-form"' not in auditor.get(f"/items/{item_id}").text
    assert _comment(auditor, item_id, "catatan auditor").status_code == 403

    # A comment is no decision: the item is still pending and nobody holds it because of it.
    with session_factory(web.url)() as s:
        item = s.get(ReviewItem, item_id)
        assert item is not None and item.status == "pending" and item.assignee_id is None and item.decisions == []
        entry = s.scalar(select(AuditLog).where(AuditLog.action == "comment"))
        assert entry is not None and entry.username == "reviewer" and entry.object_id == str(item_id)
        assert entry.detail == {"comment_id": stored.id, "length": len(stored.body)}

    # Comments come oldest first; one held by someone else's claim may still be commented on.
    with session_factory(web.url)() as s:
        held = s.get(ReviewItem, item_id)
        held.assignee_id, held.claimed_until = web.data.users["reviewer"], utcnow() + timedelta(minutes=30)  # type: ignore[union-attr]
        s.commit()
    assert _comment(web.client("reviewer2"), item_id, "Setuju, perlu klarifikasi.").status_code == 303
    page = reviewer.get(f"/items/{item_id}").text
    assert page.index(f'id="komentar-{stored.id}"') < page.index("Setuju, perlu klarifikasi.")
    assert [c.author_id for c in _comments(web, item_id)] == [web.data.users["reviewer"], web.data.users["reviewer2"]]


def test_comments_are_scoped_to_the_agency(web: WebEnv) -> None:
    item_id = web.data.items["budi_post"]
    _comment(web.client("reviewer"), item_id, "Catatan internal KAB-A")
    outsider = web.client("reviewer_b")
    # Another agency's reviewer gets the missing item's 404, reading or writing; nothing is stored.
    assert outsider.get(f"/items/{item_id}").status_code == 404
    assert _comment(outsider, item_id, "dari KAB-B").status_code == 404
    assert [c.body for c in _comments(web, item_id)] == ["Catatan internal KAB-A"]
    assert "Catatan internal KAB-A" not in web.client("auditor_b").get(f"/items/{item_id}").text
    with session_factory(web.url)() as s:
        with pytest.raises(PermissionError):
            add_comment(s, s.get(ReviewItem, item_id), user(s, "reviewer_b"), "lewat fungsi")  # type: ignore[arg-type]


def test_comment_needs_the_csrf_token(web: WebEnv) -> None:
    item_id = web.data.items["budi_post"]
    client = web.client("reviewer")
    client.get(f"/items/{item_id}")
    assert client.post(f"/items/{item_id}/komentar", data={"body": "tanpa token"}).status_code == 403
    assert client.post(f"/items/{item_id}/komentar",
                       data={"body": "token palsu", "csrf_token": "x" * 43}).status_code == 403
    assert _comments(web, item_id) == []


def test_refused_comment_comes_back_once(web: WebEnv) -> None:
    item_id = web.data.items["budi_post"]
    client = web.client("reviewer")
    too_long = "kata " * (MAX_COMMENT_LENGTH // 5 + 1)
    for body, reason in (("   ", "komentar kosong"), (too_long, "terlalu panjang")):
        answer = _comment(client, item_id, body)
        assert answer.status_code == 303 and answer.headers["location"] == f"/items/{item_id}#komentar"
        page = client.get(f"/items/{item_id}").text
        assert 'id="comment-error"' in page and reason in page
        if body.strip():
            assert too_long.strip() in page  # what was typed comes back in the form
        assert 'id="comment-error"' not in client.get(f"/items/{item_id}").text  # once
    assert _comments(web, item_id) == []


def test_comments_have_no_edit_or_delete(web: WebEnv) -> None:
    item_id = web.data.items["budi_post"]
    client = web.client("reviewer")
    _comment(client, item_id, "Pertama")
    [stored] = _comments(web, item_id)
    for path in (f"/items/{item_id}/komentar/{stored.id}", f"/items/{item_id}/komentar/{stored.id}/hapus"):
        assert post(client, path, {"body": "diubah"}, token_from=f"/items/{item_id}").status_code in (404, 405)
    assert client.delete(f"/items/{item_id}/komentar").status_code == 405
    assert [c.body for c in _comments(web, item_id)] == ["Pertama"]


def test_comment_is_append_only_in_orm_and_database(session: Session) -> None:
    from tests.seed import seed

    data = seed(session)
    item = session.get(ReviewItem, data.items["budi_post"])
    assert item is not None
    comment = add_comment(session, item, user(session, "reviewer"), "Asli")
    session.commit()
    comment.body = "diubah"
    with pytest.raises(AppendOnlyViolation):
        session.flush()
    session.rollback()
    session.delete(comment)
    with pytest.raises(AppendOnlyViolation):
        session.flush()
    session.rollback()
    for statement in ("UPDATE item_comment SET body = 'diubah'", "DELETE FROM item_comment"):
        with pytest.raises(Exception, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    assert session.scalars(select(ItemComment.body)).all() == ["Asli"]
    with pytest.raises(CommentError):
        add_comment(session, item, user(session, "reviewer"), "")


def test_comments_are_in_the_api_case_file(web: WebEnv) -> None:
    from fastapi.testclient import TestClient

    from monitor.web.app import create_app

    item_id = web.data.items["budi_post"]
    _comment(web.client("reviewer2"), item_id, "Perlu dicek akun kedua.")
    with session_factory(web.url)() as s:
        token = issue_token(s, "auditor_a", "uji").token
        s.commit()
    with TestClient(create_app(web.settings), base_url="http://testserver/api/v1",
                    headers={"Authorization": f"Bearer {token}"}) as api:
        case = api.get(f"/items/{item_id}").json()
    [comment] = case["comments"]
    assert comment["body"] == "Perlu dicek akun kedua." and comment["author"] == "Reviewer2"
    assert comment["author_id"] == web.data.users["reviewer2"] and comment["item_id"] == item_id


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_comments_are_in_the_case_dossier(web: WebEnv, tmp_path: Path) -> None:
    item_id = web.data.items["budi_post"]
    reviewer = web.client("reviewer")
    _comment(reviewer, item_id, "Tagar kampanye dipakai sejak 1 Oktober.")
    decided = post(reviewer, f"/items/{item_id}/decisions",
                   {"verdict": "pelanggaran", "violation_code": "social_campaign", "candidate": "k1",
                    "note": "ajakan memilih", "expected_latest_id": ""}, token_from=f"/items/{item_id}")
    assert decided.status_code == 303
    assert post(reviewer, f"/items/{item_id}/berkas-perkara", {}, token_from=f"/items/{item_id}").status_code == 303
    page = reviewer.get(f"/items/{item_id}").text
    pdf_path = re.search(rf'href="(/items/{item_id}/berkas-perkara/\d+/pdf)"', page)
    assert pdf_path is not None
    target = tmp_path / "berkas.pdf"
    target.write_bytes(reviewer.get(pdf_path.group(1)).content)
    pdf_text = subprocess.run(["pdftotext", "-layout", str(target), "-"], check=True, capture_output=True,
                              text=True).stdout
    assert "Komentar penelaah" in pdf_text and "Tagar kampanye dipakai sejak 1 Oktober." in pdf_text
