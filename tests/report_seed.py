"""A small, hand-checked database for the report tests (week 2026-W47: 16–22 Nov 2026 WIB).

Week bounds in UTC: 2026-11-15 17:00 ≤ t < 2026-11-22 17:00.

Agency KAB-A (accounts a1 bluesky, a2 mastodon [not_found]):
  P0  post    a1  captured W46  → item I0 (created W46), never decided          → backlog pending
  P1  post    a1  W47 → I1: pelanggaran social_campaign ikrar-2,ikrar-3 discipline k1
  L1  like    a1  W47 → I2: pelanggaran, then superseded in W47 by bukan_pelanggaran
  C1  comment a1  W47 → I3: perlu_klarifikasi                                   → backlog clarification
  P2  post    a1  W47 (last second), not flagged
  F1  photo   a1  W47 → I4: pelanggaran partisan_photo ikrar-2,ikrar-3 ethics k2
                        (superseded by bukan_pelanggaran in W48: still a breach in W47)
  S1  share   a2  W47 → I5: pelanggaran hate_speech ikrar-3 discipline, no candidate
  SA1 post    a1  W47, self_audit, flagged, not queued                          → never in weekly figures
Agency KOTA-B (account b1 bluesky):
  Q0  post    b1  W44 → J0 (created W44): pelanggaran money_politics ikrar-4 discipline k2, decided W47
  Q1  post    b1  W47 → J1: no decision                                          → backlog pending
  Q2  like    b1  W47 → J2: eskalasi                                             → backlog escalated
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from monitor.db.schema import (
    Account,
    Activity,
    Agency,
    Classification,
    Decision,
    ElectionProfile,
    Employee,
    Evidence,
    Post,
    ReviewItem,
    User,
)

PROFILE_YAML = """\
id: pilkada-contoh
name: Pilkada Kabupaten Contoh 2026
level: bupati
determination_date: 2026-09-22
campaign_start: 2026-09-25
campaign_end: 2026-11-23
candidates:
  - id: k1
    number: 1
    names: [Andi Wijaya, Sari Lestari]
  - id: k2
    number: 2
    names: [Bambang Susilo, Rina Marlina]
"""

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass
class Seed:
    agency: dict[str, int] = field(default_factory=dict)
    account: dict[str, int] = field(default_factory=dict)
    activity: dict[str, int] = field(default_factory=dict)
    item: dict[str, int] = field(default_factory=dict)
    evidence_sha: dict[str, str] = field(default_factory=dict)
    reviewer_id: int = 0


class _Builder:
    def __init__(self, session: Session) -> None:
        self.s = session
        self.seed = Seed()

    def activity(self, key: str, account: str, kind: str, captured: datetime, text: str | None,
                 target: Post | None = None, self_audit: bool = False) -> Activity:
        acc = self.s.get(Account, self.seed.account[account])
        raw = json.dumps({"key": key, "kind": kind, "text": text}, sort_keys=True).encode()
        sha = hashlib.sha256(raw).hexdigest()
        ev = Evidence(subject_key=f"{acc.platform}:{kind}:{key}", raw=raw, sha256=sha, captured_at=captured,
                      source=f"crawl:{acc.platform}", source_url=f"https://{acc.platform}.example/{key}")
        self.s.add(ev)
        self.s.flush()
        act = Activity(account_id=acc.id, kind=kind, external_id=f"ext-{key}", text=text, captured_at=captured,
                       occurred_at=captured, evidence_id=ev.id, source=f"crawl:{acc.platform}",
                       url=f"https://{acc.platform}.example/{key}", target_post_id=target.id if target else None,
                       self_audit=self_audit)
        self.s.add(act)
        self.s.flush()
        self.seed.activity[key] = act.id
        self.seed.evidence_sha[key] = sha
        return act

    def flag(self, act: Activity, *, flagged: bool = True, candidate: str | None = None) -> Classification:
        c = Classification(activity_id=act.id, model_version="test-1", profile_id="pilkada-contoh", score=0.9,
                           flagged=flagged, stance="support", hate=False, candidate=candidate, cues=["uji"])
        self.s.add(c)
        self.s.flush()
        return c

    def item(self, key: str, act: Activity, created: datetime, agency: str) -> ReviewItem:
        c = self.flag(act)
        item = ReviewItem(activity_id=act.id, classification_id=c.id, agency_id=self.seed.agency[agency],
                          created_at=created, status="pending")
        self.s.add(item)
        self.s.flush()
        self.seed.item[key] = item.id
        return item

    def decide(self, item: ReviewItem, verdict: str, at: datetime, *, code: str | None = None,
               clause: str | None = None, register: str | None = None, candidate: str | None = None) -> None:
        prev = self.s.query(Decision).filter_by(review_item_id=item.id).order_by(Decision.id.desc()).first()
        self.s.add(Decision(review_item_id=item.id, verdict=verdict, violation_code=code, clause=clause,
                            register=register, candidate=candidate, reviewer_id=self.seed.reviewer_id,
                            decided_at=at, supersedes_id=prev.id if prev else None, note="uji"))
        item.status = {"pelanggaran": "decided", "bukan_pelanggaran": "decided",
                       "perlu_klarifikasi": "clarification", "eskalasi": "escalated"}[verdict]
        self.s.flush()


def seed_reports(session: Session) -> Seed:
    b = _Builder(session)
    s = b.seed
    user = User(username="peninjau", password_hash="x", role="reviewer")
    session.add(user)
    session.add(ElectionProfile(id="pilkada-contoh", name="Pilkada Kabupaten Contoh 2026", level="bupati",
                                source_yaml=PROFILE_YAML, active=True))
    for code, name in (("KAB-A", "Pemerintah Kabupaten A"), ("KOTA-B", "Pemerintah Kota B")):
        agency = Agency(code=code, name=name)
        session.add(agency)
        session.flush()
        s.agency[code] = agency.id
    session.flush()
    s.reviewer_id = user.id
    employees = {
        "a1": ("198503122010011001", "Budi Santoso", "KAB-A"),
        "a2": ("199001012015032002", "Citra Dewi", "KAB-A"),
        "b1": ("198807152012121003", "Dedi Kurniawan", "KOTA-B"),
    }
    accounts = {"a1": ("bluesky", "budi.bsky.social", "active"),
                "a2": ("mastodon", "citra@mastodon.example", "not_found"),
                "b1": ("bluesky", "dedi.bsky.social", "active")}
    for key, (nip, name, agency) in employees.items():
        emp = Employee(nip=nip, name=name, agency_id=s.agency[agency])
        session.add(emp)
        session.flush()
        platform, handle, state = accounts[key]
        acc = Account(employee_id=emp.id, platform=platform, handle=handle, state=state,
                      created_at=utc(2026, 10, 1))
        session.add(acc)
        session.flush()
        s.account[key] = acc.id

    cand_post = Post(platform="mastodon", external_id="cand-1", author_handle="calon.kampanye@mastodon.example",
                     text="Kampanye akbar paslon 2 di Lapangan Merdeka bersama warga")
    cand_bsky = Post(platform="bluesky", external_id="cand-2", author_handle="calon.bsky.social",
                     text="Dukung nomor 1!")
    session.add_all([cand_post, cand_bsky])
    session.flush()

    p0 = b.activity("P0", "a1", "post", utc(2026, 11, 15, 16, 59), "Minggu lalu")
    i0 = b.item("I0", p0, utc(2026, 11, 15, 10, 0), "KAB-A")
    p1 = b.activity("P1", "a1", "post", utc(2026, 11, 16, 1, 0), "Ayo pilih paslon 1 #AndiSari2026")
    i1 = b.item("I1", p1, utc(2026, 11, 16, 2, 0), "KAB-A")
    l1 = b.activity("L1", "a1", "like", utc(2026, 11, 16, 3, 0), None, target=cand_bsky)
    i2 = b.item("I2", l1, utc(2026, 11, 16, 4, 0), "KAB-A")
    c1 = b.activity("C1", "a1", "comment", utc(2026, 11, 17, 3, 0), "Mantap pak", target=cand_bsky)
    i3 = b.item("I3", c1, utc(2026, 11, 17, 17, 0), "KAB-A")
    b.activity("P2", "a1", "post", utc(2026, 11, 22, 16, 59, 59), "Selamat hari Minggu")
    f1 = b.activity("F1", "a1", "photo", utc(2026, 11, 18, 1, 0), "Bersama pak Bambang, salam dua jari")
    i4 = b.item("I4", f1, utc(2026, 11, 18, 2, 0), "KAB-A")
    s1 = b.activity("S1", "a2", "share", utc(2026, 11, 19, 1, 0),
                    "Setuju! cc @budi.teman@mastodon.example @calon.kampanye@mastodon.example", target=cand_post)
    i5 = b.item("I5", s1, utc(2026, 11, 19, 2, 0), "KAB-A")
    sa1 = b.activity("SA1", "a1", "post", utc(2026, 11, 20, 1, 0), "Coblos nomor 1", self_audit=True)
    b.flag(sa1)

    q0 = b.activity("Q0", "b1", "post", utc(2026, 10, 31, 1, 0), "Ada amplop untuk yang pilih 2")
    j0 = b.item("J0", q0, utc(2026, 11, 1, 0, 0), "KOTA-B")
    q1 = b.activity("Q1", "b1", "post", utc(2026, 11, 18, 10, 0), "Hadir di deklarasi")
    b.item("J1", q1, utc(2026, 11, 18, 17, 0), "KOTA-B")
    q2 = b.activity("Q2", "b1", "like", utc(2026, 11, 19, 10, 0), None, target=cand_bsky)
    j2 = b.item("J2", q2, utc(2026, 11, 19, 17, 0), "KOTA-B")

    b.decide(i1, "pelanggaran", utc(2026, 11, 18, 3, 0), code="social_campaign", clause="ikrar-2,ikrar-3",
             register="discipline", candidate="k1")
    b.decide(i2, "pelanggaran", utc(2026, 11, 18, 4, 0), code="campaign_account_interaction",
             clause="ikrar-2,ikrar-3", register="discipline", candidate="k1")
    b.decide(i2, "bukan_pelanggaran", utc(2026, 11, 19, 4, 0))
    b.decide(i3, "perlu_klarifikasi", utc(2026, 11, 19, 5, 0))
    b.decide(i4, "pelanggaran", utc(2026, 11, 20, 3, 0), code="partisan_photo", clause="ikrar-2,ikrar-3",
             register="ethics", candidate="k2")
    b.decide(i4, "bukan_pelanggaran", utc(2026, 11, 24, 3, 0))  # W48: does not change W47
    b.decide(i5, "pelanggaran", utc(2026, 11, 21, 3, 0), code="hate_speech", clause="ikrar-3",
             register="discipline")
    b.decide(j0, "pelanggaran", utc(2026, 11, 17, 2, 0), code="money_politics", clause="ikrar-4",
             register="discipline", candidate="k2")
    b.decide(j2, "eskalasi", utc(2026, 11, 20, 5, 0))
    assert i0.id  # I0 stays undecided
    session.commit()
    return s
