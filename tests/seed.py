"""A small, realistic data set for the review web app's tests: two agencies, their ASN,
declared accounts, captured posts with evidence, classifications, queued items and one user per role.

The classifier is not involved: classifications are written as it would write them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from monitor.access.users import create_user
from monitor.db.schema import (
    Account,
    Activity,
    Agency,
    Classification,
    ElectionProfile,
    Employee,
    Evidence,
    Post,
    ReviewItem,
    User,
)
from monitor.review.queue import enqueue

PASSWORD = "kata-sandi-uji-123"
PROFILE_PATH = Path(__file__).resolve().parent.parent / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml"
MODEL_VERSION = "netra-test-1"
HOSTILE_TEXT = '<script>alert("xss")</script><img src=x onerror=alert(1)> Pilih HERAH nomor 2!'


@dataclass
class Seeded:
    agencies: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)  # name -> review item id
    users: dict[str, int] = field(default_factory=dict)
    unflagged_activity_id: int = 0


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _evidence(session: Session, subject: str, payload: dict, post: Post | None) -> Evidence:
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    ev = Evidence(subject_key=subject, post_id=post.id if post else None, source_url=payload.get("url"),
                  source="crawl:test", raw=raw, sha256=hashlib.sha256(raw).hexdigest(),
                  captured_at=_at("2029-10-02T08:00:00+07:00"))
    session.add(ev)
    session.flush()
    return ev


def _act(
    session: Session,
    account: Account,
    kind: str,
    ext: str,
    text: str | None,
    when: str,
    *,
    context: str | None = None,
    target: Post | None = None,
    extras: dict | None = None,
    deleted: bool = False,
    score: float = 0.9,
    stance: str = "support",
    candidate: str | None = "k1",
    hate: bool = False,
    cues: list[str] | None = None,
    flagged: bool = True,
) -> tuple[Activity, Classification]:
    post = None
    if kind != "like":
        post = Post(platform=account.platform, external_id=f"{account.platform}-{ext}", text=text,
                    url=f"https://{account.platform}.example/{account.handle}/{ext}", author_handle=account.handle,
                    extras=extras, posted_at=_at(when),
                    deleted_at=_at("2029-10-05T10:00:00+07:00") if deleted else None)
        session.add(post)
        session.flush()
    ev = _evidence(session, f"{account.platform}:{kind}:{ext}",
                   {"id": ext, "text": text, "url": f"https://{account.platform}.example/{ext}"}, post or target)
    activity = Activity(account=account, kind=kind, external_id=ext, post_id=post.id if post else None,
                        target_post_id=target.id if target else None, text=text, context_text=context,
                        url=(post.url if post else target.url if target else None), occurred_at=_at(when),
                        captured_at=_at("2029-10-02T08:00:00+07:00"), evidence_id=ev.id, source="crawl:test")
    session.add(activity)
    session.flush()
    classification = Classification(activity_id=activity.id, model_version=MODEL_VERSION,
                                    profile_id="pilkada-2029-sukamaju", score=score, flagged=flagged,
                                    stance=stance, hate=hate, candidate=candidate, party=None,
                                    cues=cues or [])
    session.add(classification)
    session.flush()
    return activity, classification


def seed(session: Session) -> Seeded:
    out = Seeded()
    profile_yaml = PROFILE_PATH.read_text(encoding="utf-8")
    session.add(ElectionProfile(
        id="pilkada-2029-sukamaju", name="Pemilihan Bupati dan Wakil Bupati Sukamaju 2029", level="bupati",
        region="Kabupaten Sukamaju", determination_date=datetime(2029, 9, 22).date(),
        campaign_start=datetime(2029, 9, 25).date(), campaign_end=datetime(2029, 11, 24).date(),
        voting_day=datetime(2029, 11, 28).date(), source_yaml=profile_yaml,
    ))
    a = Agency(code="KAB-A", name="Pemerintah Kabupaten Sukamaju")
    b = Agency(code="KAB-B", name="Pemerintah Kota Tirtamulya")
    session.add_all([a, b])
    session.flush()
    out.agencies = {"KAB-A": a.id, "KAB-B": b.id}

    budi = Employee(nip="198503122010011001", name="Budi Santoso", agency=a, unit="Dinas Pendidikan",
                    position="Guru Ahli Muda", status="PNS")
    sari = Employee(nip="199001012015032002", name="Sari Wulandari", agency=a, unit="Kecamatan Sukamaju Barat",
                    position="Camat", status="PNS")
    joko = Employee(nip="198712302019021003", name="Joko Prasetyo", agency=b, unit="Dinas Perhubungan",
                    position="Analis Transportasi", status="PPPK")
    session.add_all([budi, sari, joko])
    session.flush()
    budi_acc = Account(employee=budi, platform="bluesky", handle="budi.bsky.social")
    sari_acc = Account(employee=sari, platform="mastodon", handle="sari@warga.example")
    joko_acc = Account(employee=joko, platform="bluesky", handle="joko.bsky.social")
    session.add_all([budi_acc, sari_acc, joko_acc])
    session.flush()

    candidate_post = Post(platform="bluesky", external_id="bluesky-cand-1",
                          author_handle="sutrisnowibowo.bsky.social",
                          text="Kampanye akbar SUTRADEWI di alun-alun Sukamaju. #SutraDewi2029",
                          url="https://bluesky.example/sutrisnowibowo/cand-1",
                          posted_at=_at("2029-09-30T09:00:00+07:00"))
    session.add(candidate_post)
    session.flush()

    acts = {
        "budi_post": _act(session, budi_acc, "post", "p1", "Ayo coblos nomor 1! #SutraDewi2029 Sukamaju Bangkit",
                          "2029-10-01T19:30:00+07:00", score=0.97,
                          cues=["#SutraDewi2029", "Sukamaju Bangkit", "coblos nomor 1"]),
        "budi_like": _act(session, budi_acc, "like", "l1", None, "2029-10-01T20:00:00+07:00",
                          context=candidate_post.text, target=candidate_post, score=0.71, cues=["SUTRADEWI"]),
        "sari_comment": _act(session, sari_acc, "comment", "c1", "Mantap Bang Hendra, lanjutkan!",
                             "2029-09-10T10:00:00+07:00", context="Deklarasi Hendra Kusuma bakal calon bupati",
                             score=0.83, candidate="k2", cues=["Bang Hendra"]),
        "sari_hostile": _act(session, sari_acc, "post", "p2", HOSTILE_TEXT, "2029-10-03T07:00:00+07:00",
                             score=0.66, candidate="k2", cues=["HERAH", "<script>"]),
        "budi_deleted": _act(session, budi_acc, "post", "p3", "Salam satu jari untuk Pak Tris ☝️",
                             "2029-10-04T12:00:00+07:00", deleted=True, score=0.88, cues=["Pak Tris", "☝️"]),
        "joko_photo": _act(session, joko_acc, "photo", "f1", "Bersama calon kita", "2029-10-06T09:00:00+07:00",
                           extras={"images": [{"alt": "Foto bersama Hendra Kusuma, pose dua jari"}]},
                           score=0.92, candidate="k2", cues=["dua jari"]),
    }
    unflagged, unflagged_cls = _act(session, budi_acc, "post", "p4", "Rapat koordinasi jam 2 di lantai 3",
                                    "2029-10-02T09:00:00+07:00", score=0.05, stance="none", candidate=None,
                                    flagged=False)
    assert enqueue(session, unflagged, unflagged_cls) is None
    out.unflagged_activity_id = unflagged.id
    for name, (activity, classification) in acts.items():
        item = enqueue(session, activity, classification)
        assert item is not None
        session.flush()
        out.items[name] = item.id

    users = {
        "admin": dict(role="admin"),
        "supervisor": dict(role="supervisor", scope_codes=["KAB-A"]),
        "reviewer": dict(role="reviewer", scope_codes=["KAB-A"]),
        "reviewer2": dict(role="reviewer", scope_codes=["KAB-A"]),
        "reviewer_b": dict(role="reviewer", scope_codes=["KAB-B"]),
        "auditor_a": dict(role="agency_auditor", agency_code="KAB-A"),
        "auditor_b": dict(role="agency_auditor", agency_code="KAB-B"),
    }
    for username, spec in users.items():
        user = create_user(session, username, PASSWORD, full_name=username.replace("_", " ").title(), **spec)
        out.users[username] = user.id
    session.flush()
    return out


def item(session: Session, item_id: int) -> ReviewItem:
    found = session.get(ReviewItem, item_id)
    assert found is not None
    return found


def user(session: Session, username: str) -> User:
    from monitor.access.users import get_user

    found = get_user(session, username)
    assert found is not None
    return found
