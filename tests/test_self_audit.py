"""Self-audit: private classification and report for one agency, queued only when submitted.

The classifier here is a small keyword fake defined in this test only (the real
``models.infer`` model is not bundled in the test environment); it has the same
interface: ``model_version`` and ``classify(inputs, profile) -> [ClassifyResult]``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from models.infer import ClassifyInput, ClassifyResult
from models.profile import load_profile_text
from monitor.db.schema import Account, Activity, AuditLog, Classification, Employee, Post, ReviewItem
from monitor.selfaudit.workflow import ExportInput, SelfAuditError, check_account_of_agency, run_self_audit
from reports.store import list_reports
from tests.conftest import export_fixture
from tests.report_seed import NOW, PROFILE_YAML, seed_reports, utc

PROFILE = load_profile_text(PROFILE_YAML, "test")


class KeywordFake:
    """Flags acts whose text or context names ballot number 1 or says "coblos"."""

    model_version = "fake-keyword-1"
    threshold = 0.5

    def __init__(self) -> None:
        self.seen: list[str] = []

    def classify(self, inputs: Sequence[ClassifyInput], profile: object) -> list[ClassifyResult]:
        out = []
        for item in inputs:
            self.seen.append(item.id)
            text = f"{item.text} {item.context or ''}".lower()
            hit = "nomor 1" in text or "coblos" in text
            out.append(ClassifyResult(id=item.id, flagged=hit, score=0.91 if hit else 0.05,
                                      stance="support" if hit else "none", hate=False,
                                      candidate="k1" if hit else None, party=None,
                                      cues=["nomor 1"] if hit else [], model_version=self.model_version,
                                      profile_id=PROFILE.id))
        return out


def _add_self_audit(session: Session, seed) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Two more self-audit acts for KAB-A and one for KOTA-B (SA1 is in the seed)."""
    cand = session.scalar(select(Post).where(Post.external_id == "cand-2"))
    rows = {
        "SA2": Activity(account_id=seed.account["a1"], kind="post", external_id="sa2", text="Rapat dinas pagi ini",
                        source="import:x-archive", self_audit=True, captured_at=utc(2026, 11, 20, 2),
                        occurred_at=utc(2026, 11, 10, 2)),
        "SA3": Activity(account_id=seed.account["a2"], kind="like", external_id="sa3", text=None,
                        target_post_id=cand.id, source="import:x-archive", self_audit=True,
                        captured_at=utc(2026, 11, 20, 2), occurred_at=utc(2026, 11, 12, 2)),
        "SB1": Activity(account_id=seed.account["b1"], kind="post", external_id="sb1", text="Coblos nomor 1 ya",
                        source="import:x-archive", self_audit=True, captured_at=utc(2026, 11, 20, 2)),
    }
    session.add_all(rows.values())
    session.commit()
    return {k: v.id for k, v in rows.items()}


def _rasterise(pdf: Path, stem: str) -> None:
    """First page as PNG under test-artifacts/reports/ for a look (needs poppler-utils' pdftoppm)."""
    import shutil
    import subprocess

    assert pdf.read_bytes().startswith(b"%PDF")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return
    out = Path(__file__).resolve().parent.parent / "test-artifacts" / "reports"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(out / stem)], check=True)
    assert (out / f"{stem}-1.png").exists()


def _items(session: Session) -> int:
    return session.scalar(select(func.count(ReviewItem.id))) or 0


def test_private_report_stays_out_of_the_queue(session: Session) -> None:
    seed = seed_reports(session)
    extra = _add_self_audit(session, seed)
    before = _items(session)
    fake = KeywordFake()

    outcome = run_self_audit(session, "KAB-A", fake, PROFILE, created_by="auditor-a", now=NOW)
    session.commit()
    d = outcome.data
    # Only KAB-A's self-audit acts: SA1 (seed), SA2, SA3 — not KOTA-B's SB1, not crawled acts.
    assert sorted(int(i) for i in fake.seen) == sorted([seed.activity["SA1"], extra["SA2"], extra["SA3"]])
    assert (d.acts, d.self_audit_acts, d.crawled_acts, d.newly_classified) == (3, 3, 0, 3)
    assert sorted(f.activity_id for f in d.flagged) == sorted([seed.activity["SA1"], extra["SA3"]])
    like = next(f for f in d.flagged if f.activity_id == extra["SA3"])
    assert like.context_author == "calon.bsky.social" and like.candidate.startswith("No. 1 —")
    assert {p.employee_name: (p.acts, p.flagged) for p in d.people} == {"Budi Santoso": (2, 1), "Citra Dewi": (1, 1)}
    assert _items(session) == before  # nothing entered the supervisory queue
    assert outcome.submitted == 0 and not any(f.queued for f in d.flagged)

    assert {r.format for r in outcome.reports} == {"html", "pdf", "xlsx", "zip"}
    for r in outcome.reports:
        assert (r.kind, r.agency_id) == ("self_audit", seed.agency["KAB-A"])
        assert hashlib.sha256(Path(r.path).read_bytes()).hexdigest() == r.sha256
    html = next(Path(r.path) for r in outcome.reports if r.format == "html").read_text()
    assert "RAHASIA" in html and "Coblos nomor 1" in html and "Dedi" not in html
    assert list_reports(session, frozenset({seed.agency["KOTA-B"]}), kind="self_audit") == []
    assert len(list_reports(session, frozenset({seed.agency["KAB-A"]}), kind="self_audit")) == len(outcome.reports)
    logged = session.scalars(select(AuditLog).where(AuditLog.action == "self_audit_report")).all()
    assert len(logged) == 1 and logged[0].detail["flagged"] == 2

    _rasterise(next(Path(r.path) for r in outcome.reports if r.format == "pdf"), "audit-KAB-A")

    # A second run classifies nothing again.
    again = run_self_audit(session, "KAB-A", KeywordFake(), PROFILE, now=NOW)
    assert again.data.newly_classified == 0 and len(again.data.flagged) == 2


def test_submit_queues_the_flagged_acts(session: Session) -> None:
    seed = seed_reports(session)
    extra = _add_self_audit(session, seed)
    before = _items(session)
    outcome = run_self_audit(session, "KAB-A", KeywordFake(), PROFILE, submit=True, created_by="auditor-a", now=NOW)
    session.commit()
    assert outcome.submitted == 2 and outcome.data.submitted == 2
    queued = session.scalars(select(ReviewItem).where(ReviewItem.activity_id.in_(
        [seed.activity["SA1"], extra["SA3"]]))).all()
    assert len(queued) == 2 and {q.agency_id for q in queued} == {seed.agency["KAB-A"]}
    assert _items(session) == before + 2
    assert all(f.queued for f in outcome.data.flagged)
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "self_audit_submit"))
    assert entry.detail == {"agency": "KAB-A", "queued": 2, "flagged": 2}


def test_include_crawled_adds_crawled_acts(session: Session) -> None:
    seed = seed_reports(session)
    _add_self_audit(session, seed)
    d = run_self_audit(session, "KAB-A", KeywordFake(), PROFILE, include_crawled=True, now=NOW).data
    # Crawled KAB-A acts: P0, P1, L1, C1, P2, F1, S1 (7); L1 likes "Dukung nomor 1!" → flagged.
    assert (d.acts, d.self_audit_acts, d.crawled_acts) == (10, 3, 7)
    assert seed.activity["L1"] in {f.activity_id for f in d.flagged}
    # L1 was already queued (I2): crawled acts are supervisory anyway and show as queued.
    assert next(f for f in d.flagged if f.activity_id == seed.activity["L1"]).queued
    assert session.scalar(select(func.count(Classification.id)).where(
        Classification.model_version == "fake-keyword-1")) == 10


def test_bad_requests_are_refused(session: Session, tmp_path: Path) -> None:
    seed = seed_reports(session)
    with pytest.raises(SelfAuditError, match="no agency with code 'NOPE'"):
        run_self_audit(session, "NOPE", KeywordFake(), PROFILE)
    from monitor.db.schema import Agency

    agency_a = session.get(Agency, seed.agency["KAB-A"])
    with pytest.raises(SelfAuditError, match="belongs to another agency"):
        check_account_of_agency(session, agency_a, "bluesky", "dedi.bsky.social")
    with pytest.raises(SelfAuditError, match="IMPORTER:ACCOUNT=PATH"):
        ExportInput.parse("x-archive=foo.zip")
    with pytest.raises(SelfAuditError, match="unknown importer"):
        ExportInput.parse(f"myspace:budi={tmp_path}")
    with pytest.raises(SelfAuditError, match="does not exist"):
        ExportInput.parse(f"x-archive:budi={tmp_path / 'missing.zip'}")


def test_cli_imports_an_export_and_reports(sqlite_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.cli import app
    from monitor.db.session import session_factory

    session = session_factory(sqlite_db)()
    seed = seed_reports(session)
    emp = session.scalar(select(Employee).where(Employee.nip == "198503122010011001"))
    session.add(Account(employee_id=emp.id, platform="x", handle="sriwahyuning"))
    session.commit()
    # The fake replaces the model loader for this test only (no bundled model here).
    monkeypatch.setattr("models.infer.load_classifier", lambda *_a, **_k: KeywordFake())
    result = CliRunner().invoke(app, ["audit", "--agency", "KAB-A", "--input",
                                      f"x-archive:sriwahyuning={export_fixture('x')}"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())  # rich wraps long lines
    assert "imported" in out and "7 new" in out
    assert "self-audit KAB-A: 8 acts (8 self-audit, 0 crawled)" in out and "0 submitted to the review queue" in out
    assert session.scalar(select(func.count(Activity.id)).where(Activity.source == "import:x-archive")) == 7
    refused = CliRunner().invoke(app, ["audit", "--agency", "KOTA-B", "--input",
                                       f"x-archive:sriwahyuning={export_fixture('x')}"])
    assert refused.exit_code == 1 and "belongs to another agency" in " ".join(refused.output.split())
    assert seed.agency["KOTA-B"]
    session.close()


def test_a_photo_first_classified_by_a_self_audit_is_scored_by_its_gestures(session: Session) -> None:
    """Self-audit classifies through the one pipeline: the photo's hands are read like a crawled photo's."""
    from models.photos import GESTURE_DATA
    from monitor.db.schema import Classification, Media
    from spiders.media import MediaStore

    seed = seed_reports(session)
    post = Post(platform="x", external_id="sa-photo-post", text="Foto bersama di acara")
    session.add(post)
    session.flush()
    photo = Activity(account_id=seed.account["a1"], kind="photo", external_id="sa-photo", post_id=post.id,
                     text=post.text, source="import:x-archive", self_audit=True, captured_at=utc(2026, 11, 20, 2),
                     occurred_at=utc(2026, 11, 14, 2))
    session.add(photo)
    session.commit()
    url = session.get_bind().url.render_as_string(hide_password=False)
    stored = MediaStore(url).store_bytes((GESTURE_DATA / "fingerpose" / "fingers-lq-frame27.png").read_bytes(),
                                         source="v.png", post_id=post.id, account_id=seed.account["a1"])

    run_self_audit(session, "KAB-A", KeywordFake(), PROFILE, now=NOW)
    session.commit()
    result = session.scalar(select(Classification).where(Classification.activity_id == photo.id))
    assert result is not None and any(str(c).startswith("gesture:two@") for c in result.cues), result.cues
    media = session.scalar(select(Media).where(Media.sha256 == stored.sha256))
    assert media.hands is not None and media.hands["hands"][0]["gesture"] == "two"
    assert session.scalar(select(ReviewItem).where(ReviewItem.activity_id == photo.id)) is None  # still private


def test_cli_audit_says_when_an_export_was_not_read_whole(sqlite_db: str, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    import shutil

    from monitor.cli import app
    from monitor.db.session import session_factory

    session = session_factory(sqlite_db)()
    seed_reports(session)
    emp = session.scalar(select(Employee).where(Employee.nip == "198503122010011001"))
    session.add(Account(employee_id=emp.id, platform="x", handle="sriwahyuning"))
    session.commit()
    monkeypatch.setattr("models.infer.load_classifier", lambda *_a, **_k: KeywordFake())
    export = tmp_path / "arsip"
    shutil.copytree(export_fixture("x"), export)
    like = export / "data" / "like.js"
    like.write_text(like.read_text(encoding="utf-8")[:300], encoding="utf-8")  # cut short in a download
    result = CliRunner().invoke(app, ["audit", "--agency", "KAB-A", "--input", f"x-archive:sriwahyuning={export}"])
    out = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert "(partial)" in out and "data/like.js" in out
    assert "self-audit KAB-A:" in out  # the report of what was read is still made ...
    assert "not everything in the exports was imported" in out  # ... and the exit code says it is incomplete
    session.close()
