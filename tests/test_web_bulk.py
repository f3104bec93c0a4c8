"""Bulk decisions for identical acts (issue 17): the same like of one post, or the same words, by many accounts.

Identical items are found only within the reviewer's scope; one form records one decision per item under the
single decision's rules (four eyes, claims, codes), audited per item; an id outside the scope or not identical
refuses the whole form.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from monitor.db.schema import Account, AuditLog, Decision, ReviewItem
from monitor.db.session import session_factory
from monitor.db.types import utcnow
from monitor.review.bulk import act_key, identical_items, normalise
from monitor.review.queue import enqueue
from tests.identical_seed import COPIED_SLOGAN, add_identical
from tests.seed import _act, user
from tests.web_support import WebEnv, latest_decision_id, make_env, post

NOT_BREACH = {"verdict": "bukan_pelanggaran", "reason": "official_duty", "note": "Menyukai unggahan resmi pemda."}
BREACH = {"verdict": "pelanggaran", "violation_code": "social_campaign", "candidate": "k1",
          "note": "Menyukai unggahan kampanye paslon 1."}


@pytest.fixture
def web(db_url: str) -> WebEnv:
    env = make_env(db_url)
    add_identical(env)
    return env


def _ids(web: WebEnv, *names: str) -> list[int]:
    return [web.data.items[n] for n in names]


def _bulk(web: WebEnv, client, anchor: str, names: list[str], fields: dict[str, str]):  # type: ignore[no-untyped-def]
    anchor_id = web.data.items[anchor]
    boxes = [("items", f"{web.data.items[n]}:{latest_decision_id(web.url, web.data.items[n])}") for n in names]
    return post(client, f"/items/{anchor_id}/putusan-identik", [*boxes, *fields.items()],
                token_from=f"/items/{anchor_id}")


def _decisions(web: WebEnv) -> list[tuple[int, str, str | None, int]]:
    with session_factory(web.url)() as s:
        return [(d.review_item_id, d.verdict, d.four_eyes, d.reviewer_id)
                for d in s.scalars(select(Decision).order_by(Decision.id))]


def test_normalised_words_and_act_keys() -> None:
    assert normalise("  Ayo\tCOBLOS\n\nnomor １! ") == "ayo coblos nomor 1!"
    assert normalise(None) == ""


def test_identical_acts_are_found_only_within_scope(web: WebEnv) -> None:
    with session_factory(web.url)() as s:
        like = s.get(ReviewItem, web.data.items["budi_like"])
        assert like is not None
        found = {i.id for i in identical_items(s, user(s, "reviewer"), like).items}
        # Same post liked by others of KAB-A; not Joko's like (KAB-B), not a share of the same post.
        assert found == set(_ids(web, "sari_like", "dewi_like"))
        assert {i.id for i in identical_items(s, user(s, "admin"), like).items} == set(
            _ids(web, "sari_like", "dewi_like", "joko_like"))
        joko_like = s.get(ReviewItem, web.data.items["joko_like"])
        assert identical_items(s, user(s, "reviewer_b"), joko_like).items == []  # type: ignore[arg-type]
        # The same words, whatever their case and spacing, on another account and platform.
        budi_post = s.get(ReviewItem, web.data.items["budi_post"])
        assert [i.id for i in identical_items(s, user(s, "reviewer"), budi_post).items] == _ids(  # type: ignore[arg-type]
            web, "sari_copy")
        # A photo is never compared; the act's key says why two are the same.
        photo = s.get(ReviewItem, web.data.items["joko_photo"])
        assert act_key(photo.activity) is None  # type: ignore[union-attr]
        assert identical_items(s, user(s, "admin"), photo).items == []  # type: ignore[arg-type]
        # Only pending ones are offered.
        s.get(ReviewItem, web.data.items["dewi_like"]).status = "decided"  # type: ignore[union-attr]
        s.flush()
        assert {i.id for i in identical_items(s, user(s, "reviewer"), like).items} == set(_ids(web, "sari_like"))
        s.rollback()

    page = web.client("reviewer").get(f"/items/{web.data.items['budi_like']}").text
    assert "2 tindakan identik lain" in page and 'id="bulk-form"' in page
    assert f'value="{web.data.items["joko_like"]}:' not in page and "Joko Prasetyo" not in page
    for name in ("budi_like", "sari_like", "dewi_like"):
        assert f'name="items" value="{web.data.items[name]}:"' in page
    # The auditor sees the list but gets no form; an item without identical acts shows no section.
    auditor = web.client("auditor_a").get(f"/items/{web.data.items['budi_like']}").text
    assert "2 tindakan identik lain" in auditor and 'id="bulk-form"' not in auditor
    assert 'id="tindakan-identik"' not in web.client("reviewer").get(f"/items/{web.data.items['sari_comment']}").text


def test_own_post_copies_are_compared_word_for_word_whatever_the_search_index_finds(web: WebEnv) -> None:
    with session_factory(web.url)() as s:
        sari = s.scalar(select(Account).where(Account.handle == "sari@warga.example"))
        assert sari is not None
        # The slogan's words in another order: the search index finds it by every word, the words differ.
        shuffled = _act(s, sari, "post", "p20", "Bangkit Sukamaju #SutraDewi2029 nomor 1! Ayo coblos",
                        "2029-10-03T10:00:00+07:00", score=0.9)
        # An act whose words are its post's only: the search index does not hold them.
        post_only = _act(s, sari, "post", "p21", COPIED_SLOGAN, "2029-10-03T11:00:00+07:00", score=0.9)
        post_only[0].text = None
        added = {}
        for name, (activity, classification) in (("shuffled", shuffled), ("post_only", post_only)):
            item = enqueue(s, activity, classification)
            assert item is not None
            added[name] = item.id
        s.commit()
        reviewer = user(s, "reviewer")
        budi_post = s.get(ReviewItem, web.data.items["budi_post"])
        # Found through the index and compared exactly: the copy, not the shuffled words.
        assert [i.id for i in identical_items(s, reviewer, budi_post).items] == _ids(  # type: ignore[arg-type]
            web, "sari_copy")
        # No word of the item finds it in the index: the pending queue is compared instead, and the copies found.
        anchor = s.get(ReviewItem, added["post_only"])
        assert {i.id for i in identical_items(s, reviewer, anchor).items} == set(  # type: ignore[arg-type]
            _ids(web, "budi_post", "sari_copy"))


def test_one_form_records_one_audited_decision_per_item(web: WebEnv) -> None:
    client = web.client("reviewer")
    answer = _bulk(web, client, "budi_like", ["budi_like", "sari_like", "dewi_like"], NOT_BREACH)
    anchor = web.data.items["budi_like"]
    assert answer.status_code == 303 and answer.headers["location"] == f"/items/{anchor}#tindakan-identik"
    page = client.get(f"/items/{anchor}").text
    assert "Putusan “bukan pelanggaran” tersimpan untuk 3 item" in page

    reviewer_id = web.data.users["reviewer"]
    assert sorted(_decisions(web)) == sorted((i, "bukan_pelanggaran", None, reviewer_id)
                                             for i in _ids(web, "budi_like", "sari_like", "dewi_like"))
    with session_factory(web.url)() as s:
        for item_id in _ids(web, "budi_like", "sari_like", "dewi_like"):
            item = s.get(ReviewItem, item_id)
            assert item is not None and item.status == "decided"
            [decision] = item.decisions
            assert decision.reason == "official_duty" and decision.note == NOT_BREACH["note"]
        decide_entries = list(s.scalars(select(AuditLog).where(AuditLog.action == "decide").order_by(AuditLog.id)))
        assert sorted(int(e.object_id) for e in decide_entries) == sorted(  # type: ignore[arg-type]
            _ids(web, "budi_like", "sari_like", "dewi_like"))
        assert all(e.detail["bulk_from"] == anchor and e.username == "reviewer" for e in decide_entries)  # type: ignore[index]
        summary = s.scalar(select(AuditLog).where(AuditLog.action == "bulk_decide"))
        assert summary is not None and sorted(summary.detail["decided"]) == sorted(  # type: ignore[index]
            _ids(web, "budi_like", "sari_like", "dewi_like"))
    # Decided items are no longer offered (nothing identical is pending any more).
    assert 'id="tindakan-identik"' not in client.get(f"/items/{anchor}").text


def test_an_id_outside_the_scope_or_not_identical_refuses_the_whole_form(web: WebEnv) -> None:
    client = web.client("reviewer")
    # Joko's like is identical but KAB-B's: it answers like a missing item, and nothing is recorded.
    refused = _bulk(web, client, "budi_like", ["budi_like", "sari_like", "joko_like"], NOT_BREACH)
    assert refused.status_code == 404
    assert _bulk(web, client, "budi_like", ["sari_like"], NOT_BREACH | {"items": "99999:"}).status_code == 404
    # An item of the scope that is not the same act (a share of the same post, another comment) is refused too.
    for stranger in ("sari_share", "sari_comment"):
        answer = _bulk(web, client, "budi_like", ["budi_like", stranger], NOT_BREACH)
        assert answer.status_code == 303
        page = client.get(f"/items/{web.data.items['budi_like']}").text
        assert 'id="bulk-error"' in page and "bukan tindakan yang identik" in page
    # A tampered box and a post without the CSRF token change nothing either.
    assert _bulk(web, client, "budi_like", [], NOT_BREACH | {"items": "abc"}).status_code == 303
    anchor = web.data.items["budi_like"]
    assert client.post(f"/items/{anchor}/putusan-identik",
                       data={"items": f"{anchor}:", **NOT_BREACH}).status_code == 403
    # Another agency's reviewer cannot use a KAB-A item as the anchor.
    assert _bulk(web, web.client("reviewer_b"), "budi_like", ["joko_like"], NOT_BREACH).status_code == 404
    assert _decisions(web) == []


def test_items_held_by_others_are_skipped_and_reported(web: WebEnv) -> None:
    sari_like = web.data.items["sari_like"]
    with session_factory(web.url)() as s:
        held = s.get(ReviewItem, sari_like)
        held.assignee_id, held.claimed_until = web.data.users["reviewer2"], utcnow() + timedelta(minutes=30)  # type: ignore[union-attr]
        s.commit()
    client = web.client("reviewer")
    page = client.get(f"/items/{web.data.items['budi_like']}").text
    assert f'value="{sari_like}:"\n                disabled' in page and "sedang dipegang oleh Reviewer2" in page

    # Sent anyway (a stale page): skipped and reported, the others decided.
    _bulk(web, client, "budi_like", ["budi_like", "sari_like", "dewi_like"], NOT_BREACH)
    page = client.get(f"/items/{web.data.items['budi_like']}").text
    assert "tersimpan untuk 2 item" in page and f"Dilewati: #{sari_like} (sedang dipegang oleh Reviewer2)" in page
    assert {d[0] for d in _decisions(web)} == set(_ids(web, "budi_like", "dewi_like"))
    with session_factory(web.url)() as s:
        item = s.get(ReviewItem, sari_like)
        assert item is not None and item.status == "pending" and item.assignee_id == web.data.users["reviewer2"]
        summary = s.scalar(select(AuditLog).where(AuditLog.action == "bulk_decide"))
        assert summary is not None and summary.detail["skipped"] == [  # type: ignore[index]
            [sari_like, "sedang dipegang oleh Reviewer2"]]
    # Even a supervisor's bulk verdict leaves a held item to its holder.
    supervisor = web.client("supervisor")
    _bulk(web, supervisor, "sari_like", ["sari_like"], NOT_BREACH)
    assert "sedang dipegang oleh Reviewer2" in supervisor.get(f"/items/{sari_like}").text
    assert sari_like not in {d[0] for d in _decisions(web)}


def test_four_eyes_applies_to_each_item(web: WebEnv) -> None:
    likes = ["budi_like", "sari_like", "dewi_like"]
    first = web.client("reviewer", four_eyes=True)
    _bulk(web, first, "budi_like", likes, BREACH)
    assert sorted(_decisions(web)) == sorted((i, "pelanggaran", "awaiting", web.data.users["reviewer"])
                                             for i in _ids(web, *likes))
    page = first.get(f"/items/{web.data.items['budi_like']}").text
    assert "3 di antaranya baru berlaku setelah dikonfirmasi peninjau kedua" in page
    with session_factory(web.url)() as s:
        assert {s.get(ReviewItem, i).status for i in _ids(web, *likes)} == {"pending"}  # type: ignore[union-attr]

    # The same reviewer cannot confirm their own verdicts in bulk either: every item is skipped.
    _bulk(web, first, "sari_like", likes, BREACH)
    page = first.get(f"/items/{web.data.items['sari_like']}").text
    assert 'id="bulk-error"' in page and "menunggu konfirmasi peninjau kedua" in page
    assert len(_decisions(web)) == 3

    # A second reviewer confirms them all in one form (same verdict and code), each on its own decision.
    second = web.client("reviewer2", four_eyes=True)
    _bulk(web, second, "dewi_like", likes, BREACH)
    decisions = _decisions(web)
    assert sorted(d for d in decisions if d[2] == "confirmed") == sorted(
        (i, "pelanggaran", "confirmed", web.data.users["reviewer2"]) for i in _ids(web, *likes))
    with session_factory(web.url)() as s:
        assert {s.get(ReviewItem, i).status for i in _ids(web, *likes)} == {"decided"}  # type: ignore[union-attr]
        stages = [e.detail["four_eyes"] for e in s.scalars(  # type: ignore[index]
            select(AuditLog).where(AuditLog.action == "decide").order_by(AuditLog.id))]
        assert stages == ["awaiting"] * 3 + ["confirmed"] * 3


def test_the_rules_of_a_single_decision_hold(web: WebEnv) -> None:
    client = web.client("reviewer")
    anchor = web.data.items["budi_like"]
    # A breach without a violation code, or without a note: refused once for the form, typed values kept.
    for fields, message in ((BREACH | {"violation_code": ""}, "jenis pelanggaran"),
                            (NOT_BREACH | {"note": "  "}, "catatan wajib diisi"),
                            (BREACH | {"candidate": ""}, "calon atau partai")):
        answer = _bulk(web, client, "budi_like", ["budi_like", "sari_like"], fields)
        assert answer.status_code == 303 and answer.headers["location"] == f"/items/{anchor}#tindakan-identik"
        page = client.get(f"/items/{anchor}").text
        assert 'id="bulk-error"' in page and message in page
    assert _decisions(web) == []
    # A decision made meanwhile on one item (the page showed none): that item is skipped, not overwritten.
    with session_factory(web.url)() as s:
        from monitor.review.decisions import DecisionInput, decide

        decide(s, s.get(ReviewItem, web.data.items["sari_like"]), user(s, "reviewer2"),  # type: ignore[arg-type]
               DecisionInput(verdict="perlu_klarifikasi", note="tanya atasan"))
        s.commit()
    boxes = [("items", f"{anchor}:"), ("items", f"{web.data.items['sari_like']}:")]
    post(client, f"/items/{anchor}/putusan-identik", [*boxes, *NOT_BREACH.items()], token_from=f"/items/{anchor}")
    page = client.get(f"/items/{anchor}").text
    assert "tersimpan untuk 1 item" in page and "sudah tidak menunggu putusan" in page
    assert [(d[0], d[1]) for d in _decisions(web)] == [(web.data.items["sari_like"], "perlu_klarifikasi"),
                                                       (anchor, "bukan_pelanggaran")]
