"""The item page and decisions over HTTP: scoping, hostile content, validation, append-only history."""

from __future__ import annotations

import html
import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from monitor.db.schema import AuditLog, Decision, Evidence, ReviewItem
from monitor.db.session import session_factory
from monitor.web.rendering import web_url
from tests.web_support import WebEnv, csrf, make_env, post


@pytest.fixture
def web(sqlite_db: str) -> WebEnv:
    return make_env(sqlite_db)


def _decisions(env: WebEnv, item_id: int) -> list[Decision]:
    with session_factory(env.url)() as s:
        return list(s.scalars(select(Decision).where(Decision.review_item_id == item_id).order_by(Decision.id)))


def _status(env: WebEnv, item_id: int) -> str:
    with session_factory(env.url)() as s:
        item = s.get(ReviewItem, item_id)
        assert item is not None
        return item.status


def _decide(client, item_id: int, **fields):  # type: ignore[no-untyped-def]
    return post(client, f"/items/{item_id}/decisions", fields, token_from=f"/items/{item_id}")


def _refused(client, item_id: int, **fields) -> str:  # type: ignore[no-untyped-def]
    """Post a decision that must be refused: post/redirect/get back to the form; the page shown after it."""
    response = _decide(client, item_id, **fields)
    assert response.status_code == 303, response.text[:300]
    assert response.headers["location"] == f"/items/{item_id}#decision-form"
    page = client.get(f"/items/{item_id}")
    assert page.status_code == 200 and 'id="decision-error"' in page.text
    return page.text


def test_item_authorisation_matrix(web: WebEnv) -> None:
    items = web.data.items
    joko = items["joko_photo"]
    budi = items["budi_post"]
    matrix = {
        "admin": {budi: 200, joko: 200},
        "supervisor": {budi: 200, joko: 404},
        "reviewer": {budi: 200, joko: 404},
        "reviewer_b": {budi: 404, joko: 200},
        "auditor_a": {budi: 200, joko: 404},
        "auditor_b": {budi: 404, joko: 200},
    }
    for username, expected in matrix.items():
        client = web.client(username)
        missing_page = client.get("/items/987654")
        assert missing_page.status_code == 404
        for item_id, status in expected.items():
            response = client.get(f"/items/{item_id}")
            assert response.status_code == status, (username, item_id)
            if status == 404:
                # Out of scope reads exactly like a missing id: nothing about the item leaks.
                assert response.text == missing_page.text
                for secret in ("Joko", "198712302019021003", "Budi", "198503122010011001", "Tirtamulya"):
                    assert secret not in response.text
    anon = web.client()
    assert anon.get(f"/items/{budi}").status_code == 303
    auditor = web.client("auditor_a")
    # Guessing ids: every id outside scope, and junk, is a plain 404.
    for path in [f"/items/{joko}", "/items/0", "/items/-1", "/items/abc", "/items/99999999999999999999"]:
        assert auditor.get(path).status_code == 404, path
    assert auditor.delete(f"/items/{budi}").status_code == 405
    assert auditor.put(f"/items/{budi}/decisions").status_code == 405


def test_item_page_shows_the_case_file(web: WebEnv) -> None:
    items = web.data.items
    client = web.client("reviewer")
    page = client.get(f"/items/{items['budi_post']}").text
    for expected in ("Budi Santoso", "198503122010011001", "Pemerintah Kabupaten Sukamaju", "Dinas Pendidikan",
                     "Guru Ahli Muda", "netra-test-1", "Pemilihan Bupati dan Wakil Bupati Sukamaju 2029",
                     "https://bluesky.example/budi.bsky.social/p1", "01-10-2029 19:30 WIB"):
        assert expected in page, expected
    assert '<mark class="cue">#SutraDewi2029</mark>' in page
    assert '<mark class="cue">coblos nomor 1</mark>' in page
    with session_factory(web.url)() as s:
        item = s.get(ReviewItem, items["budi_post"])
        evidence = s.get(Evidence, item.activity.evidence_id)
        assert evidence is not None
        assert f'id="evidence-sha">{evidence.sha256}<' in page
    # The account's earlier items, with a link.
    assert f'href="/items/{items["budi_like"]}"' in page

    like = client.get(f"/items/{items['budi_like']}").text
    assert "menyukai" in like and "Kampanye akbar" in like and '<mark class="cue">SUTRADEWI</mark>' in like
    deleted = client.get(f"/items/{items['budi_deleted']}").text
    assert "Konten asli telah dihapus" in deleted
    photo = web.client("auditor_b").get(f"/items/{items['joko_photo']}").text
    assert "Foto bersama Hendra Kusuma, pose" in photo and '<mark class="cue">dua jari</mark>' in photo
    # Auditors read but never decide.
    assert 'id="decision-form"' not in photo
    assert 'id="decision-form"' in page

    with session_factory(web.url)() as s:
        views = list(s.scalars(select(AuditLog).where(AuditLog.action == "view_item")))
        assert {(v.username, v.object_id) for v in views} >= {("reviewer", str(items["budi_post"])),
                                                               ("auditor_b", str(items["joko_photo"]))}


def test_captured_html_is_rendered_inert(web: WebEnv) -> None:
    page = web.client("reviewer").get(f"/items/{web.data.items['sari_hostile']}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "onerror=alert(1)&gt;" in page
    assert '<mark class="cue">HERAH</mark>' in page
    assert len(re.findall(r"<script\b", page)) == 1  # only our own /static/netra.js
    queue = web.client("reviewer").get("/queue").text
    assert "<script>alert" not in queue and "&lt;script&gt;alert" in queue


def test_decision_flow_and_append_only_history(web: WebEnv) -> None:
    item = web.data.items["sari_comment"]
    client = web.client("reviewer")
    assert "jenis pelanggaran" in _refused(client, item, verdict="pelanggaran", note="ajakan", expected_latest_id="")
    assert _decisions(web, item) == []

    first = _decide(client, item, verdict="perlu_klarifikasi", note="Akun diklaim diretas", expected_latest_id="")
    assert first.status_code == 303 and first.headers["location"] == f"/items/{item}"
    assert _status(web, item) == "clarification"
    [d1] = _decisions(web, item)

    assert "sudah diputus orang lain" in _refused(client, item, verdict="eskalasi", note="camat", expected_latest_id="")

    breach = _decide(client, item, verdict="pelanggaran", violation_code="campaign_account_interaction",
                     candidate="k2", note="Komentar dukungan pada akun pemenangan", expected_latest_id=d1.id)
    assert breach.status_code == 303
    d1_again, d2 = _decisions(web, item)
    assert d1_again.note == d1.note and d1_again.verdict == "perlu_klarifikasi"
    assert d2.supersedes_id == d1.id and d2.verdict == "pelanggaran"
    assert d2.clause == "ikrar-2,ikrar-3"
    assert d2.register == "ethics"  # 10 Sep 2029 is before the determination date (22 Sep 2029)
    assert _status(web, item) == "decided"

    override = _decide(client, item, verdict="pelanggaran", violation_code="hoax", clauses="ikrar-3",
                       register="discipline", candidate="k2", note="Ranah disiplin: sudah calon menurut SK KPU",
                       expected_latest_id=d2.id)
    assert override.status_code == 303
    assert _decisions(web, item)[-1].register == "discipline"

    page = client.get(f"/items/{item}").text
    assert page.count("(digantikan)") == 2
    assert "perlu klarifikasi" in page and "Putusan baru" in page

    with session_factory(web.url)() as s:
        decided = list(s.scalars(select(AuditLog).where(AuditLog.action == "decide")))
        assert len(decided) == 3 and decided[-1].detail["supersedes_id"] == d2.id


def test_decision_bad_input(web: WebEnv) -> None:
    item = web.data.items["budi_post"]
    client = web.client("reviewer")
    cases = [
        ({"verdict": "dihukum", "note": "x"}, "pilih salah satu putusan"),
        ({"verdict": "eskalasi", "note": "   "}, "catatan wajib diisi"),
        ({"verdict": "eskalasi", "note": "x" * 4001}, "terlalu panjang"),
        ({"verdict": "bukan_pelanggaran", "note": "netral"}, "pilih alasan"),
        ({"verdict": "bukan_pelanggaran", "note": "netral", "reason": "karena"}, "pilih alasan"),
        ({"verdict": "pelanggaran", "note": "x", "violation_code": "mencuri"}, "jenis pelanggaran"),
        ({"verdict": "pelanggaran", "note": "x", "violation_code": "hoax", "clauses": "ikrar-9"}, "tidak dikenal"),
        ({"verdict": "pelanggaran", "note": "x", "violation_code": "hoax", "register": "pidana"}, "ranah"),
        ({"verdict": "pelanggaran", "note": "x", "violation_code": "hoax", "candidate": "k7"}, "tidak ada dalam"),
        ({"verdict": "pelanggaran", "note": "x", "violation_code": "social_campaign"}, "calon atau partai"),
        ({"verdict": "pelanggaran", "note": "x", "violation_code": "hoax", "register": "ethics"}, "ranah diubah"),
        ({"verdict": "eskalasi", "note": "x", "expected_latest_id": "abc"}, "Formulir tidak sah"),
    ]
    for fields, message in cases:
        fields.setdefault("expected_latest_id", "")
        assert message in _refused(client, item, **fields), (fields, message)
    assert _decisions(web, item) == []
    huge = client.post(f"/items/{item}/decisions", data={"note": "x" * 300_000, "csrf_token": csrf(client, "/queue")})
    assert huge.status_code == 413
    assert _decisions(web, item) == [] and _status(web, item) == "pending"


def test_notes_with_html_are_inert(web: WebEnv) -> None:
    item = web.data.items["budi_post"]
    client = web.client("reviewer")
    note = '<script>alert(1)</script><b onclick="x()">tebal</b>'
    assert _decide(client, item, verdict="eskalasi", note=note, expected_latest_id="").status_code == 303
    page = client.get(f"/items/{item}").text
    assert "<script>alert(1)" not in page and '<b onclick' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b onclick=&#34;x()&#34;&gt;tebal" in page


def test_who_may_decide(web: WebEnv) -> None:
    items = web.data.items
    auditor = web.client("auditor_a")
    assert _decide(auditor, items["budi_post"], verdict="eskalasi", note="x", expected_latest_id="").status_code == 403
    reviewer = web.client("reviewer")
    # Another agency's item: not found, by link or by guessing.
    response = post(reviewer, f"/items/{items['joko_photo']}/decisions",
                    {"verdict": "eskalasi", "note": "x", "expected_latest_id": ""})
    assert response.status_code == 404
    assert post(reviewer, "/items/987654/decisions", {"verdict": "eskalasi", "note": "x"}).status_code == 404
    # Assigned to someone else: the reviewer sees it but may not decide.
    supervisor = web.client("supervisor")
    post(supervisor, "/queue/assign", [("item_id", items["budi_like"]), ("assignee", web.data.users["reviewer2"])])
    page = reviewer.get(f"/items/{items['budi_like']}").text
    assert 'id="decision-form"' not in page
    assert _decide(reviewer, items["budi_like"], verdict="eskalasi", note="x",
                   expected_latest_id="").status_code == 403
    assert _decide(web.client("reviewer2"), items["budi_like"], verdict="eskalasi", note="pejabat",
                   expected_latest_id="").status_code == 303
    # Supervisors and admins decide within their scope.
    assert _decide(supervisor, items["budi_deleted"], verdict="bukan_pelanggaran", reason="gesture_no_context",
                   note="gestur tanpa konteks", expected_latest_id="").status_code == 303
    assert _decisions(web, items["joko_photo"]) == [] and _decisions(web, items["budi_post"]) == []


def test_only_web_links_are_clickable(web: WebEnv) -> None:
    items = web.data.items
    hostile = {"sari_hostile": "javascript:alert(document.cookie)", "budi_like": " JaVaScRiPt:alert(2)",
               "sari_comment": "java\tscript:alert(3)", "budi_deleted": "data:text/html,<script>alert(4)</script>"}
    with session_factory(web.url)() as s:
        for name, url in hostile.items():
            activity = s.get(ReviewItem, items[name]).activity  # type: ignore[union-attr]
            activity.url = url
            if activity.target_post is not None:
                activity.target_post.url = url
        s.commit()
    client = web.client("reviewer")
    for name, url in hostile.items():
        page = client.get(f"/items/{items[name]}").text
        hrefs = re.findall(r'href="([^"]*)"', page)
        assert not [h for h in hrefs if not h.startswith(("/", "https://", "http://"))], (name, hrefs)
        assert html.escape(url.strip(), quote=False)[:12] in page  # still shown, as text
    page = client.get(f"/items/{items['budi_post']}").text
    assert 'href="https://bluesky.example/budi.bsky.social/p1"' in page


@pytest.mark.parametrize(("url", "clickable"), [
    ("https://x.com/a/status/1", True), ("HTTP://example.org", True), ("http://", False),
    ("javascript:alert(1)", False), ("  https://example.org", False), ("https://exa mple.org", False),
    ("vbscript:x", False), ("//evil.example/x", False), ("data:text/html,x", False), (None, False),
])
def test_web_url(url: str | None, clickable: bool) -> None:
    assert web_url(url) == (url if clickable else None)


def _make_hate(env: WebEnv, name: str, text: str) -> int:
    """Turn a seeded item into what the classifier writes for hate speech: 0.99, no stance, no cues."""
    item_id = env.data.items[name]
    with session_factory(env.url)() as s:
        item = s.get(ReviewItem, item_id)
        assert item is not None
        item.activity.text = text
        cls = item.classification
        cls.hate, cls.score, cls.stance, cls.candidate, cls.cues = True, 0.99, "none", None, []
        s.commit()
    return item_id


def test_a_hate_item_shows_its_cues_and_presets_the_code(web: WebEnv) -> None:
    hate = _make_hate(web, "budi_post", "Dasar KAFIR dan antek asing, usir mereka dari Sukamaju!")
    reviewer = web.client("reviewer")
    page = reviewer.get(f"/items/{hate}").text
    for word in ("KAFIR", "antek", "usir"):
        assert f'<mark class="cue">{word}</mark>' in page
        assert f"kata kebencian: {word}" in page
    assert "ujaran kebencian (model)" in page
    assert re.search(r'<option value="hate_speech"[^>]*\bselected>', page)
    assert not re.search(r'<option value="hoax"[^>]*\bselected>', page)
    # No lexicon word: the model's finding is still shown as a cue, and the code still preset.
    quiet = _make_hate(web, "budi_deleted", "Mereka itu bukan bagian dari kita, jangan diberi tempat.")
    page = reviewer.get(f"/items/{quiet}").text
    assert 'id="cues"' in page and "ujaran kebencian (model)" in page and "kata kebencian:" not in page
    assert re.search(r'<option value="hate_speech"[^>]*\bselected>', page)
    # A partisan item gets no preset.
    page = reviewer.get(f"/items/{web.data.items['sari_comment']}").text
    assert not re.search(r'<option value="hate_speech"[^>]*\bselected>', page)


def test_a_refused_decision_is_not_posted_again_on_refresh(web: WebEnv) -> None:
    item = web.data.items["budi_post"]
    client = web.client("reviewer")
    note = 'Bukti <b>kuat</b> — "ajakan" memilih nomor 1. ' + "ä" * 3000  # more than a cookie could carry
    page = _refused(client, item, verdict="pelanggaran", violation_code="social_campaign", note=note,
                    clauses="ikrar-2", expected_latest_id="")
    assert "calon atau partai" in page
    # What the reviewer typed comes back, escaped, in the form.
    assert str(escape(note)) in page
    assert re.search(r'value="social_campaign"[^>]*\bselected', page)
    assert re.search(r'value="ikrar-2" checked', page)
    assert re.search(r'value="pelanggaran" required checked', page)
    # A refresh is a plain GET: the message was shown once, nothing is posted or stored.
    again = client.get(f"/items/{item}").text
    assert 'id="decision-error"' not in again and "Bukti &lt;b&gt;kuat" not in again
    assert _decisions(web, item) == []
    # Another reviewer (another session) never sees what this one typed.
    other = web.client("reviewer2")
    _decide(client, item, verdict="pelanggaran", note="rahasia draf", expected_latest_id="")
    assert "rahasia draf" not in other.get(f"/items/{item}").text
    assert "rahasia draf" in client.get(f"/items/{item}").text
