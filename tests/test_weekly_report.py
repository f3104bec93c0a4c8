"""The weekly report: exact figures on a hand-checked database, files, hashes and the PDF's first page."""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from monitor.db.schema import Report
from reports.period import IsoWeek, previous_week
from reports.store import list_reports
from reports.weekly import build_weekly_report, mask_third_parties, weekly_data
from tests.report_seed import NOW, seed_reports, utc

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts" / "reports"
W47 = IsoWeek.parse("2026-W47")


def _tally(tallies: list) -> dict[str, int]:
    return {t.key: t.count for t in tallies}


def test_iso_week_bounds_in_wib() -> None:
    assert W47.start().isoformat() == "2026-11-16T00:00:00+07:00"
    assert W47.end().isoformat() == "2026-11-23T00:00:00+07:00"
    assert IsoWeek.containing(utc(2026, 11, 22, 17, 0)).label == "2026-W48"  # Mon 00:00 WIB
    assert IsoWeek.containing(utc(2026, 11, 22, 16, 59)).label == "2026-W47"
    assert previous_week(utc(2026, 11, 23, 0, 0)) == W47  # the Monday 07:00 WIB job
    assert IsoWeek.parse("2020-W53").label == "2020-W53"
    with pytest.raises(ValueError, match="no ISO week 53"):
        IsoWeek.parse("2025-W53")
    with pytest.raises(ValueError, match="YYYY-Www"):
        IsoWeek.parse("2026-47")


def test_figures_per_agency(session: Session) -> None:
    seed = seed_reports(session)
    a = weekly_data(session, W47, [seed.agency["KAB-A"]], now=NOW)
    assert (a.accounts_declared, a.accounts_crawled) == (2, 2)
    assert [(f.handle, f.state) for f in a.failed_accounts] == [("citra@mastodon.example", "not_found")]
    assert a.acts_collected == 6  # P0 is W46, SA1 is self-audit, P2 (Sun 23:59:59 WIB) counts
    assert _tally(a.acts_by_kind) == {"post": 2, "like": 1, "comment": 1, "photo": 1, "share": 1}
    assert _tally(a.acts_by_platform) == {"bluesky": 5, "mastodon": 1}
    assert a.flagged == 5
    assert _tally(a.decided_by_verdict) == {"pelanggaran": 3, "bukan_pelanggaran": 1, "perlu_klarifikasi": 1}
    assert a.decided == 4
    assert a.breaches == 3  # I2 was superseded; I4's W48 reversal does not reach back
    assert _tally(a.breaches_by_code) == {"social_campaign": 1, "partisan_photo": 1, "hate_speech": 1}
    assert _tally(a.breaches_by_clause) == {"ikrar-2": 2, "ikrar-3": 3}
    assert _tally(a.breaches_by_platform) == {"bluesky": 2, "mastodon": 1}
    assert _tally(a.breaches_by_kind) == {"post": 1, "photo": 1, "share": 1}
    assert _tally(a.breaches_by_candidate) == {
        "No. 1 — Andi Wijaya & Sari Lestari": 1, "No. 2 — Bambang Susilo & Rina Marlina": 1, "(tidak disebut)": 1}
    [backlog] = a.backlog
    assert (backlog.agency_code, backlog.open_items, backlog.pending, backlog.clarification, backlog.escalated) == (
        "KAB-A", 2, 1, 1, 0)
    # I0 created 15 Nov 10:00 UTC, I3 17 Nov 17:00 UTC; measured at the week's end 22 Nov 17:00 UTC.
    assert backlog.oldest_days == 7 and backlog.median_days == pytest.approx(6.1)

    rows = {r.review_item_id: r for r in a.breach_rows}
    assert set(rows) == {seed.item["I1"], seed.item["I4"], seed.item["I5"]}
    i4 = rows[seed.item["I4"]]
    assert (i4.violation_code, i4.clauses, i4.register) == ("partisan_photo", ("ikrar-2", "ikrar-3"), "ethics")
    assert i4.sanction_type.startswith("Sanksi moral")
    assert i4.evidence_sha256 == seed.evidence_sha["F1"] and i4.evidence_captured_at == utc(2026, 11, 18, 1, 0)
    assert rows[seed.item["I1"]].sanction_type.startswith("Hukuman disiplin")
    i5 = rows[seed.item["I5"]]
    assert i5.context_author == "calon.kampanye@mastodon.example"
    assert i5.text == "Setuju! cc @*** @calon.kampanye@mastodon.example"  # third party masked
    assert [(p.week, p.acts, p.flagged, p.breaches) for p in a.trend[-2:]] == [
        ("2026-W46", 1, 1, 0), ("2026-W47", 6, 5, 3)]

    b = weekly_data(session, W47, [seed.agency["KOTA-B"]], now=NOW)
    assert (b.acts_collected, b.flagged, b.decided, b.breaches) == (2, 2, 1, 1)
    assert _tally(b.breaches_by_clause) == {"ikrar-4": 1}
    assert _tally(b.breaches_by_kind) == {"post": 1}
    assert _tally(b.decided_by_verdict) == {"pelanggaran": 1, "eskalasi": 1}
    [bb] = b.backlog
    assert (bb.open_items, bb.pending, bb.escalated, bb.oldest_days, bb.median_days) == (2, 1, 1, 4, 3.5)
    assert {r.agency_code for r in b.breach_rows} == {"KOTA-B"}

    combined = weekly_data(session, W47, None, now=NOW)
    assert (combined.acts_collected, combined.flagged, combined.decided, combined.breaches) == (8, 7, 5, 4)
    assert _tally(combined.breaches_by_clause) == {"ikrar-2": 2, "ikrar-3": 3, "ikrar-4": 1}
    assert [x.agency_code for x in combined.backlog] == ["KAB-A", "KOTA-B"]
    assert combined.backlog_total == 4


def test_state_as_of_week_end(session: Session) -> None:
    seed = seed_reports(session)
    w48 = weekly_data(session, IsoWeek.parse("2026-W48"), [seed.agency["KAB-A"]], now=NOW)
    # I4's reversal on 24 Nov is a W48 decision: not a breach any more.
    assert w48.breaches == 0 and _tally(w48.decided_by_verdict) == {"bukan_pelanggaran": 1}
    # The running week's backlog ages are measured now (25 Nov 09:00 UTC), not at the week's end.
    [backlog] = w48.backlog
    assert backlog.open_items == 2 and backlog.oldest_days == 9


def test_mask_third_parties() -> None:
    assert mask_third_parties("hi @a @b.c @x@y.z", ["@b.c"]) == "hi @*** @b.c @***"
    assert mask_third_parties(None) == ""


def test_rendered_files_hashes_and_listing(sqlite_db: str, netra_home: Path) -> None:
    from monitor.db.session import session_factory

    session = session_factory(sqlite_db)()
    seed = seed_reports(session)
    reports = build_weekly_report(session, W47, seed.agency["KAB-A"], created_by="uji", now=NOW)
    build_weekly_report(session, W47, None, created_by="uji", now=NOW)
    session.commit()
    formats = sorted(r.format for r in reports)
    assert formats == ["csv"] * 5 + ["html", "pdf", "xlsx"]
    for r in reports:
        path = Path(r.path)
        assert path.parent == netra_home / "reports" / "2026-W47"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == r.sha256
        assert (r.kind, r.period_label) == ("weekly", "2026-W47")
    by_fmt = {Path(r.path).name: Path(r.path) for r in reports}
    html = by_fmt["mingguan-KAB-A.html"].read_text()
    assert "Laporan Mingguan Netralitas ASN" in html and "budi.teman" not in html
    assert seed.evidence_sha["F1"] in html
    with by_fmt["mingguan-KAB-A-pelanggaran.csv"].open(encoding="utf-8-sig") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert sorted(r["kode"] for r in csv_rows) == ["hate_speech", "partisan_photo", "social_campaign"]
    wb = load_workbook(by_fmt["mingguan-KAB-A.xlsx"])
    assert wb.sheetnames == ["ringkasan", "pelanggaran", "antrean", "rincian", "tren"]
    assert wb["antrean"].max_row == 2 and wb["pelanggaran"].max_row == 4
    assert by_fmt["mingguan-KAB-A.pdf"].read_bytes().startswith(b"%PDF")

    # Rebuilding refreshes the same rows instead of adding new ones.
    again = build_weekly_report(session, W47, seed.agency["KAB-A"], created_by="uji", now=NOW)
    session.commit()
    assert sorted(r.id for r in again) == sorted(r.id for r in reports)
    assert session.query(Report).count() == 16

    own = list_reports(session, frozenset({seed.agency["KAB-A"]}))
    assert {r.agency_id for r in own} == {seed.agency["KAB-A"]}
    assert list_reports(session, frozenset({seed.agency["KOTA-B"]})) == []
    assert {r.agency_id for r in list_reports(session, None)} == {seed.agency["KAB-A"], None}

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) not installed: PDF page not rasterised")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for stem in ("mingguan-KAB-A", "mingguan-semua"):
        pdf = netra_home / "reports" / "2026-W47" / f"{stem}.pdf"
        subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / stem)],
                       check=True)
    assert any(ARTIFACTS.glob("mingguan-KAB-A*.png"))
    session.close()


def test_cli_weekly_report(sqlite_db: str, netra_home: Path) -> None:
    from typer.testing import CliRunner

    from monitor.cli import app
    from monitor.db.session import session_factory

    session = session_factory(sqlite_db)()
    seed_reports(session)
    session.close()
    runner = CliRunner()
    result = runner.invoke(app, ["report", "weekly", "--agency", "KOTA-B", "--week", "2026-W47"])
    assert result.exit_code == 0, result.output
    assert (netra_home / "reports" / "2026-W47" / "mingguan-KOTA-B.pdf").exists()
    assert not (netra_home / "reports" / "2026-W47" / "mingguan-KAB-A.pdf").exists()
    bad = runner.invoke(app, ["report", "weekly", "--agency", "NOPE", "--week", "2026-W47"])
    assert bad.exit_code == 1 and "unknown agency" in bad.output
    bad_week = runner.invoke(app, ["report", "weekly", "--all", "--week", "2026-47"])
    assert bad_week.exit_code == 1 and "YYYY-Www" in bad_week.output
    both = runner.invoke(app, ["report", "weekly", "--all", "--agency", "KOTA-B"])
    assert both.exit_code == 1
