"""Four eyes (issue 17): a ``pelanggaran`` or ``eskalasi`` verdict counts only once a second, different reviewer
confirms it; a disagreement goes to a supervisor; every decision stays. Reports, exports and dossiers count
only what is confirmed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from monitor.db.schema import AuditLog, Decision, ReviewItem
from monitor.db.session import session_factory
from monitor.db.vocabulary import FOUR_EYES_LABELS
from monitor.review.decisions import DecisionError, DecisionInput, decide
from monitor.review.dossier import confirmed_breach
from monitor.review.queue import take_next
from reports.period import IsoWeek
from reports.weekly import counts
from tests.seed import user
from tests.web_support import WebEnv, latest_decision_id, make_env, post

WEEK = IsoWeek.parse("2029-W40").period()  # budi_post (1 Oct, KAB-A) and joko_photo (6 Oct, KAB-B)
FOUR_EYES_A = {"four_eyes_agencies": ["KAB-A"]}  # per agency: KAB-A only
BREACH = {"verdict": "pelanggaran", "violation_code": "social_campaign", "candidate": "k1"}


@pytest.fixture
def web(db_url: str) -> WebEnv:
    return make_env(db_url)


def _decide(web: WebEnv, username: str, item_id: int, **fields: str):  # type: ignore[no-untyped-def]
    client = web.client(username, **FOUR_EYES_A)
    data = {"note": f"putusan {username}", "expected_latest_id": latest_decision_id(web.url, item_id), **fields}
    response = post(client, f"/items/{item_id}/decisions", data, token_from=f"/items/{item_id}")
    assert response.status_code == 303, response.text[:300]
    return client, response


def _confirmed(web: WebEnv, agency: str) -> int:
    with session_factory(web.url)() as s:
        return counts(s, WEEK, datetime.now(UTC) + timedelta(minutes=1), [web.data.agencies[agency]]).confirmed


def _state(web: WebEnv, item_id: int) -> tuple[str, list[tuple[str, str | None, str]]]:
    with session_factory(web.url)() as s:
        item = s.get(ReviewItem, item_id)
        assert item is not None
        names = {v: k for k, v in web.data.users.items()}
        return item.status, [(d.verdict, d.four_eyes, names[d.reviewer_id]) for d in item.decisions]


def test_disagreement_goes_to_a_supervisor_and_both_decisions_stay(web: WebEnv) -> None:
    item_id = web.data.items["budi_post"]

    # First reviewer: a breach, not yet counted; the item is back in the pool for someone else.
    first, answer = _decide(web, "reviewer", item_id, **BREACH)
    assert answer.headers["location"] == f"/items/{item_id}"
    assert _state(web, item_id) == ("pending", [("pelanggaran", "awaiting", "reviewer")])
    page = first.get(f"/items/{item_id}").text
    assert "menunggu konfirmasi peninjau kedua" in page and 'id="four-eyes-block"' in page
    assert 'id="decision-form"' not in page and 'id="dossier-form"' not in page
    assert _confirmed(web, "KAB-A") == 0
    with session_factory(web.url)() as s:
        assert confirmed_breach(s, s.get(ReviewItem, item_id)) is None  # type: ignore[arg-type]

    # The same user cannot be the second pair of eyes, by the form or by taking the next item.
    _, again = _decide(web, "reviewer", item_id, **BREACH)
    assert again.headers["location"] == f"/items/{item_id}#decision-form"
    assert "peninjau lain yang harus mengonfirmasinya" in first.get(f"/items/{item_id}").text
    assert len(_state(web, item_id)[1]) == 1
    with session_factory(web.url)() as s:
        others = [i for name, i in web.data.items.items() if name != "budi_post"]
        s.execute(update(ReviewItem).where(ReviewItem.id.in_(others)).values(assignee_id=web.data.users["admin"]))
        assert take_next(s, user(s, "reviewer")) is None
        taken = take_next(s, user(s, "reviewer2"))
        assert taken is not None and taken.id == item_id
        s.rollback()

    # Second reviewer disagrees: the item goes to a supervisor; still nothing counted.
    second, _ = _decide(web, "reviewer2", item_id, verdict="bukan_pelanggaran", reason="same_name")
    assert _state(web, item_id) == ("escalated", [("pelanggaran", "awaiting", "reviewer"),
                                                  ("bukan_pelanggaran", "disputed", "reviewer2")])
    assert _confirmed(web, "KAB-A") == 0
    # Neither reviewer settles it.
    for username in ("reviewer", "reviewer2"):
        _, refused = _decide(web, username, item_id, **BREACH)
        assert refused.headers["location"] == f"/items/{item_id}#decision-form"
    assert "diputus oleh supervisor" in second.get(f"/items/{item_id}").text

    # The supervisor resolves it; every decision stays, chained, and the breach now counts.
    supervisor, _ = _decide(web, "supervisor", item_id, **BREACH)
    status, decisions = _state(web, item_id)
    assert status == "decided" and decisions == [("pelanggaran", "awaiting", "reviewer"),
                                                 ("bukan_pelanggaran", "disputed", "reviewer2"),
                                                 ("pelanggaran", "resolved", "supervisor")]
    with session_factory(web.url)() as s:
        chain = list(s.scalars(select(Decision).where(Decision.review_item_id == item_id).order_by(Decision.id)))
        assert [d.supersedes_id for d in chain] == [None, chain[0].id, chain[1].id]
        assert confirmed_breach(s, s.get(ReviewItem, item_id)).id == chain[2].id  # type: ignore[arg-type,union-attr]
        stages = [a.detail["four_eyes"] for a in s.scalars(  # type: ignore[index]
            select(AuditLog).where(AuditLog.action == "decide").order_by(AuditLog.id))]
        assert stages == ["awaiting", "disputed", "resolved"]
    assert _confirmed(web, "KAB-A") == 1
    page = supervisor.get(f"/items/{item_id}").text
    assert "putusan supervisor atas perbedaan pendapat" in page and 'id="dossier-form"' in page

    # The decisions export keeps all three with their stage.
    export = supervisor.get("/export/decisions.csv", params={"status": "all"})
    rows = [r for r in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";")
            if r["Item"] == str(item_id)]
    assert [r["Empat mata"] for r in rows] == [FOUR_EYES_LABELS[s] for s in ("awaiting", "disputed", "resolved")]


def test_agreement_confirms_and_only_then_counts(web: WebEnv) -> None:
    item_id = web.data.items["budi_post"]
    client, _ = _decide(web, "reviewer", item_id, **BREACH)
    queue = client.get("/export/queue.csv", params={"status": "all"})
    rows = csv.DictReader(io.StringIO(queue.content.decode("utf-8-sig")), delimiter=";")
    row = next(r for r in rows if r["Item"] == str(item_id))
    assert row["Putusan"] == ""  # an unconfirmed breach is not the item's verdict yet
    assert _confirmed(web, "KAB-A") == 0
    # A different violation code is a disagreement, not a confirmation.
    _decide(web, "reviewer2", item_id, **{**BREACH, "violation_code": "partisan_appeal"})
    assert _state(web, item_id)[1][-1][1] == "disputed"

    other = web.data.items["sari_comment"]
    _decide(web, "reviewer", other, verdict="eskalasi")
    assert _state(web, other) == ("pending", [("eskalasi", "awaiting", "reviewer")])
    _decide(web, "reviewer2", other, verdict="eskalasi")
    assert _state(web, other) == ("escalated", [("eskalasi", "awaiting", "reviewer"),
                                                ("eskalasi", "confirmed", "reviewer2")])

    deleted = web.data.items["budi_deleted"]
    _decide(web, "reviewer", deleted, **BREACH)
    _decide(web, "reviewer2", deleted, **BREACH)
    assert _state(web, deleted) == ("decided", [("pelanggaran", "awaiting", "reviewer"),
                                                ("pelanggaran", "confirmed", "reviewer2")])
    assert _confirmed(web, "KAB-A") == 1  # budi_deleted (4 Oct); budi_post is still disputed


def test_four_eyes_is_per_agency_or_global(web: WebEnv) -> None:
    joko = web.data.items["joko_photo"]  # KAB-B: not in four_eyes_agencies, decided at once
    _decide(web, "reviewer_b", joko, verdict="pelanggaran", violation_code="partisan_photo", candidate="k2")
    assert _state(web, joko) == ("decided", [("pelanggaran", None, "reviewer_b")])
    assert _confirmed(web, "KAB-B") == 1
    # Verdicts other than a breach or an escalation never wait for a second reviewer.
    like = web.data.items["budi_like"]
    _decide(web, "reviewer", like, verdict="perlu_klarifikasi")
    assert _state(web, like) == ("clarification", [("perlu_klarifikasi", None, "reviewer")])

    # Globally (NETRA_FOUR_EYES=true) every agency waits for the second pair of eyes.
    with session_factory(web.url)() as s:
        item = s.get(ReviewItem, joko)
        assert item is not None
        reviewer_b = user(s, "reviewer_b")
        latest = int(latest_decision_id(web.url, joko))
        data = DecisionInput(verdict="eskalasi", note="pejabat senior", expected_latest_id=latest)
        first = decide(s, item, reviewer_b, data, settings=web.settings.model_copy(update={"four_eyes": True}))
        assert first.four_eyes == "awaiting" and item.status == "pending"
        with pytest.raises(DecisionError, match="peninjau lain"):
            decide(s, item, reviewer_b, DecisionInput(verdict="eskalasi", note="lagi", expected_latest_id=first.id),
                   settings=web.settings)
        s.rollback()
