"""The README's first command, end to end: ``netra demo --no-serve`` in a fresh directory."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from monitor.db.schema import Activity, ClaimReview, Classification, CrawlRun, Evidence, Report, ReviewItem, User
from tests.conftest import REPO

pytestmark = pytest.mark.slow

NOISE = ("Created TensorFlow Lite XNNPACK delegate", "absl::InitializeLog", "inference_feedback_manager", "WARNING",
         "fontTools", "weasyprint", "Traceback")


def test_demo_runs_start_to_finish(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("NETRA_DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", "demo", "--no-serve", "--dir", str(home)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert f"data directory: {home}" in out
    for line in ("activities collected:", "flagged:", "queued:", "weekly report ("):
        assert line in out
    assert "public post pages captured: 3\n" in out
    # The console is quiet: what TFLite, absl, WeasyPrint and the crawl print goes to the log it names.
    for noise in NOISE:
        assert noise not in proc.stdout + proc.stderr, noise
    assert f"library messages (crawl, TensorFlow Lite, WeasyPrint): {home / 'demo.log'}" in out
    assert "XNNPACK delegate" in (home / "demo.log").read_text(encoding="utf-8")
    assert [line for line in proc.stderr.splitlines() if not line.startswith("demo ")] == []

    engine = create_engine(f"sqlite:///{home / 'netra.db'}")
    with Session(engine) as s:
        activities = s.scalar(select(func.count(Activity.id)))
        classified = s.scalar(select(func.count(Classification.id)))
        queued = s.scalar(select(func.count(ReviewItem.id)))
        assert activities >= 20 and classified == activities
        assert queued >= 5  # the demo week holds clear support, attack and hate acts
        # The V sign at a candidate's rally is queued through its photo, with the hand found.
        rally = s.scalars(select(Activity).where(Activity.text.like("Sore ini di Lapangan Merdeka%"))).one()
        queued_rally = s.scalars(select(ReviewItem).where(ReviewItem.activity_id == rally.id)).one()
        assert any(c.startswith("gesture:two") for c in queued_rally.classification.cues)
        # ... while the V sign at a school contest is not.
        contest = s.scalars(select(Activity).where(Activity.text.like("Alhamdulillah siswa SMPN 3%"))).one()
        assert s.scalar(select(func.count(ReviewItem.id)).where(ReviewItem.activity_id == contest.id)) == 0
        # The neutral duty posts of the demo are not queued.
        neutral = s.scalars(select(Activity).where(Activity.text.like("Pelayanan imunisasi anak%"))).one()
        assert s.scalar(select(func.count(ReviewItem.id)).where(ReviewItem.activity_id == neutral.id)) == 0
        # Public post pages captured like tips: the TikTok post in support of candidate 2 is queued, with its
        # screenshot kept; the Instagram and Facebook duty posts are kept as evidence and not queued.
        captured = {a.source: a for a in s.scalars(select(Activity).where(Activity.source.like("capture:%")))}
        assert sorted(captured) == ["capture:facebook", "capture:instagram", "capture:tiktok"]
        support = s.scalars(select(ReviewItem).where(ReviewItem.activity_id == captured["capture:tiktok"].id)).one()
        assert support.classification.stance == "support" and support.classification.candidate == "k2"
        for source in ("capture:facebook", "capture:instagram"):
            assert s.scalar(select(func.count(ReviewItem.id)).where(
                ReviewItem.activity_id == captured[source].id)) == 0
        assert s.scalar(select(func.count(Evidence.id)).where(Evidence.media_type == "image/png")) == 3
        # The fact-checker's feed, read by the factcheck spider from the replay server: three ClaimReview articles
        # (the explainer without markup is skipped), and the act repeating the debunked claim queued with the
        # claim, its rating and the debunk link; the act sharing the debunk is not taken for a hoax.
        assert sorted(c.rating for c in s.scalars(select(ClaimReview))) == ["Benar", "Hoaks", "Hoaks"]
        debunk = s.scalars(select(ClaimReview).where(ClaimReview.claim.like("%diundur ke 5 Desember%"))).one()
        assert debunk.url.startswith("https://cekfakta.sukamaju.example/") and debunk.publisher == "Cek Fakta Sukamaju"
        run = s.scalars(select(CrawlRun).where(CrawlRun.spider == "FactCheckSpider")).one()
        assert (run.status, run.items_seen, run.errors) == ("succeeded", 3, 0)
        spreader = s.scalars(select(Activity).where(Activity.text.like("Info dari grup WA keluarga%"))).one()
        hoax_item = s.scalars(select(ReviewItem).where(ReviewItem.activity_id == spreader.id)).one()
        assert hoax_item.classification.hoax is True
        assert [(c["url"], c["rating"]) for c in hoax_item.classification.hoax_claims] == [(debunk.url, "Hoaks")]
        sharer = s.scalars(select(Activity).where(Activity.text.like("Hati-hati hoaks, rekan-rekan%"))).one()
        assert s.scalars(select(Classification).where(Classification.activity_id == sharer.id)).one().hoax is False
        assert s.scalar(select(func.count(Classification.id)).where(Classification.hoax.is_(True))) == 1
        assert "fact-checked claims read from the local feed: 3; acts repeating a debunked claim: 1\n" in out
        assert {u.role for u in s.scalars(select(User))} == {"admin", "supervisor", "reviewer", "agency_auditor"}
        reports = s.scalars(select(Report)).all()
        assert any(r.format == "pdf" and r.agency_id is None for r in reports)
        for r in reports:
            assert Path(r.path).exists()
    engine.dispose()
    pdf = next(r for r in reports if r.format == "pdf" and r.agency_id is None)
    # The demo replays its week as the last complete week before today, and reports the week its acts happened.
    assert f"weekly report ({pdf.period_label}): {pdf.path}" in out
    assert pdf.period_end <= datetime.now(UTC)
    with Session(engine) as s:
        in_week = s.scalar(select(func.count(Activity.id)).where(
            Activity.occurred_at >= pdf.period_start, Activity.occurred_at < pdf.period_end))
    engine.dispose()
    assert in_week >= 20

    # `netra report weekly --all` after the demo (last week, by default) is the demo's week, with its acts.
    proc = subprocess.run([sys.executable, "-m", "monitor", "report", "weekly", "--all"], cwd=REPO,
                          env={**env, "NETRA_HOME": str(home)}, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"weekly report {pdf.period_label}: 6 report(s)" in proc.stdout
    archive = next(Path(line.split()[1]) for line in proc.stdout.splitlines()
                   if line.startswith("zip") and f"mingguan-semua-{pdf.period_label}-csv.zip" in line)
    summary, agencies = _csv(archive, "ringkasan.csv"), _csv(archive, "instansi.csv")
    figures = {row["ukuran"]: int(row["periode_ini"]) for row in summary}
    assert figures["Aktivitas terkumpul"] == in_week and figures["Ditandai (masuk antrean)"] >= 5
    assert figures["Ditandai hoaks (mengulang klaim yang dibantah)"] == 1  # the demo's one repeated hoax
    assert sum(int(r["ditandai_hoaks"]) for r in agencies) == 1
    assert len(agencies) == 5 and sum(int(r["akun_terdaftar"]) for r in agencies) > 0
    assert sum(int(r["aktivitas"]) for r in agencies) == in_week


def _csv(archive: Path, name: str) -> list[dict[str, str]]:
    import csv
    import io
    import zipfile

    with zipfile.ZipFile(archive) as z:
        return list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8-sig")), delimiter=";"))
