"""The weekly and period reports: exact figures on a hand-checked database, files, history, charts, text and layout.

The seed (tests/report_seed.py) is checked by hand; the figures below follow docs/reports.md:
acts count in the week they happened, review states as of the report's moment (``NOW``, 25 Nov
2026 09:00 UTC, unless a test says otherwise).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.schema import Activity, Classification, Decision, Report, ReviewItem
from reports.period import IsoWeek, Period, parse_day, previous_week
from reports.store import list_reports
from reports.weekly import (
    build_report,
    build_weekly_report,
    mask_third_parties,
    report_data,
    weekly_charts,
    weekly_data,
)
from tests.report_seed import NOW, seed_reports, utc

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts" / "reports"
W47 = IsoWeek.parse("2026-W47")
W47_END = W47.end()


def _tally(tallies: list) -> dict[str, int]:
    return {t.key: t.count for t in tallies}


def _by_format(reports: list[Report]) -> dict[str, Path]:
    return {r.format: Path(r.path) for r in reports}


def _add_act(session: Session, seed, account: str, key: str, *, occurred: datetime | None,  # type: ignore[no-untyped-def]
             captured: datetime, text: str = "Coblos nomor 2") -> Activity:
    from monitor.db.schema import Account

    acc = session.get(Account, seed.account[account])
    act = Activity(account_id=acc.id, kind="post", external_id=f"ext-{key}", text=text, occurred_at=occurred,
                   captured_at=captured, source=f"crawl:{acc.platform}", url=f"https://{acc.platform}.example/{key}")
    session.add(act)
    session.flush()
    return act


def _confirm(session: Session, seed, act: Activity, agency: str, *, queued: datetime,  # type: ignore[no-untyped-def]
             decided: datetime, code: str = "social_campaign", clause: str = "ikrar-2,ikrar-3",
             register: str = "discipline") -> ReviewItem:
    c = Classification(activity_id=act.id, model_version="test-1", profile_id="pilkada-contoh", score=0.9,
                       flagged=True, stance="support", hate=False, candidate="k2", cues=["uji"])
    session.add(c)
    session.flush()
    item = ReviewItem(activity_id=act.id, classification_id=c.id, agency_id=seed.agency[agency], created_at=queued,
                      status="decided")
    session.add(item)
    session.flush()
    session.add(Decision(review_item_id=item.id, verdict="pelanggaran", violation_code=code, clause=clause,
                         register=register, candidate="k2", reviewer_id=seed.reviewer_id, decided_at=decided))
    session.flush()
    return item


# ---------------------------------------------------------------------------------------------- periods


def test_iso_week_and_range_bounds_in_wib() -> None:
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
    week = W47.period()
    assert (week.kind, week.label, week.start(), week.end()) == ("weekly", "2026-W47", W47.start(), W47.end())
    assert week.previous().label == "2026-W46"
    span = Period.days(parse_day("2026-11-01"), parse_day("2026-11-30"))
    assert (span.kind, span.label, span.length_days) == ("range", "20261101-20261130", 30)
    assert span.start().isoformat() == "2026-11-01T00:00:00+07:00"
    assert span.end().isoformat() == "2026-12-01T00:00:00+07:00"
    assert span.previous().label == "20261002-20261031"
    with pytest.raises(ValueError, match="before the start"):
        Period.days(parse_day("2026-11-30"), parse_day("2026-11-01"))
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_day("30/11/2026")


# ---------------------------------------------------------------------------------------------- figures


def test_figures_per_agency(session: Session) -> None:
    seed = seed_reports(session)
    a = weekly_data(session, W47, [seed.agency["KAB-A"]], now=NOW)
    # P1 L1 C1 P2 F1 S1 happened in W47 (P2 on Sunday 23:59:59 WIB); P0 is W46; SA1 is a self-audit act.
    assert (a.current.acts, a.current.flagged) == (6, 5)
    # As of 25 Nov: I1 and I5 are breaches; I2 was reversed in W47 and I4 on 24 Nov; I3 awaits clarification.
    assert (a.current.reviewed, a.current.confirmed, a.current.unreviewed) == (4, 2, 1)
    assert (a.previous.acts, a.previous.flagged, a.previous.reviewed, a.previous.confirmed) == (1, 1, 0, 0)
    assert a.changes == {"acts": 5, "flagged": 4, "reviewed": 4, "confirmed": 2, "hoax_flagged": 0, "hoax_confirmed": 0}
    assert _tally(a.acts_by_kind) == {"post": 2, "like": 1, "comment": 1, "photo": 1, "share": 1}
    assert _tally(a.acts_by_platform) == {"bluesky": 5, "mastodon": 1}
    assert _tally(a.by_violation) == {"social_campaign": 1, "hate_speech": 1}
    assert _tally(a.by_clause) == {"ikrar-2": 1, "ikrar-3": 2}
    assert {t.key: t.label for t in a.by_clause}["ikrar-3"] == "Butir 3 · bijak bermedia sosial"
    assert _tally(a.by_candidate) == {"No. 1 — Andi Wijaya & Sari Lestari": 1, "(tidak disebut)": 1}
    [row] = a.agency_rows
    assert (row.acts, row.flagged, row.reviewed, row.confirmed, row.cumulative) == (6, 5, 4, 2, 2)
    # The queue at 25 Nov 09:00 UTC: I0 (queued 15 Nov 10:00, 9.96 days) and I3 (17 Nov 17:00, 7.67 days),
    # both past the default 7-day deadline.
    assert (row.open_items, row.overdue, row.declared, row.reachable) == (2, 2, 2, 1)
    [backlog] = a.backlog
    assert (backlog.open_items, backlog.pending, backlog.clarification, backlog.escalated, backlog.overdue) == (
        2, 1, 1, 0, 2)
    assert backlog.oldest_days == 9 and backlog.median_days == pytest.approx(8.8)
    # Coverage: a2's Mastodon account was not found; Bluesky's crawler reads a1.
    assert [(c.platform, c.declared, c.reachable, c.unreachable_accounts) for c in a.coverage] == [
        ("bluesky", 1, 1, 0), ("mastodon", 1, 0, 1)]
    assert [(f.handle, f.state_label) for f in a.failed_accounts] == [("citra@mastodon.example", "tidak ditemukan")]
    # Reviewer throughput counts decisions made in W47 (I4's reversal on 24 Nov is W48's work).
    [reviewer] = a.reviewers
    assert (reviewer.name, reviewer.decisions, reviewer.confirmed, reviewer.not_breach, reviewer.clarification) == (
        "peninjau", 6, 4, 1, 1)
    assert reviewer.median_hours == pytest.approx(49.0)

    rows = {r.review_item_id: r for r in a.cases}
    assert set(rows) == {seed.item["I1"], seed.item["I5"]}
    i1 = rows[seed.item["I1"]]
    assert (i1.violation_code, i1.clauses, i1.register, i1.act_at) == (
        "social_campaign", ("ikrar-2", "ikrar-3"), "discipline", utc(2026, 11, 16, 1, 0))
    assert i1.sanction_type.startswith("Hukuman disiplin") and i1.reviewer == "peninjau"
    assert i1.evidence_sha256 == seed.evidence_sha["P1"]
    i5 = rows[seed.item["I5"]]
    assert i5.context_author == "calon.kampanye@mastodon.example"
    assert i5.text == "Setuju! cc @*** @calon.kampanye@mastodon.example"  # third party masked
    assert [(p.week, p.acts, p.flagged, p.confirmed) for p in a.trend[-2:]] == [
        ("2026-W46", 1, 1, 0), ("2026-W47", 6, 5, 2)]

    b = weekly_data(session, W47, [seed.agency["KOTA-B"]], now=NOW)
    # J0's act happened in W44: its W47 decision makes it a W44 breach, and W47's reviewer work.
    assert (b.current.acts, b.current.flagged, b.current.reviewed, b.current.confirmed) == (2, 2, 0, 0)
    [brow] = b.agency_rows
    assert (brow.cumulative, brow.open_items, brow.overdue) == (1, 2, 0)
    assert sum(r.decisions for r in b.reviewers) == 2
    w44 = weekly_data(session, IsoWeek.parse("2026-W44"), [seed.agency["KOTA-B"]], now=NOW)
    assert (w44.current.acts, w44.current.confirmed) == (1, 1)
    assert _tally(w44.by_clause) == {"ikrar-4": 1}

    combined = weekly_data(session, W47, None, now=NOW)
    c = combined.current
    assert (c.acts, c.flagged, c.reviewed, c.confirmed) == (8, 7, 4, 2)
    assert combined.decisions_total == 8 and combined.open_total == 4 and combined.overdue_total == 2
    # The agency that needs a call first comes first.
    assert [r.code for r in combined.agency_rows] == ["KAB-A", "KOTA-B"]
    assert combined.attention()[0] == "2 item antrean lewat tenggat 7 hari di 1 instansi."


def test_overdue_follows_each_agencys_own_deadline(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from collections import defaultdict

    from monitor.config import reset_settings_cache
    from reports.render import render_html
    from reports.weekly import weekly_tables

    seed = seed_reports(session)
    # Open at 25 Nov 09:00 UTC: KAB-A's I0 (9.96 days) and I3 (7.67); KOTA-B's J1 (6.67) and J2 (5.67).
    # KAB-A gets 8 days and KOTA-B 6: I3 is within KAB-A's deadline while J1, a day younger, is past KOTA-B's.
    monkeypatch.setenv("NETRA_REVIEW_DUE_DAYS_AGENCIES", "KAB-A=8,KOTA-B=6")
    reset_settings_cache()
    combined = weekly_data(session, W47, None, now=NOW)
    assert [(b.agency_code, b.due_days, b.open_items, b.overdue) for b in combined.backlog] == [
        ("KAB-A", 8, 2, 1), ("KOTA-B", 6, 2, 1)]
    assert {r.code: r.overdue for r in combined.agency_rows} == {"KAB-A": 1, "KOTA-B": 1}
    assert combined.overdue_total == 2
    assert combined.attention()[0] == "2 item antrean lewat tenggat instansinya di 2 instansi."
    assert combined.due_text == "sejak item masuk antrean: Pemerintah Kabupaten A 8 hari, Pemerintah Kota B 6 hari"
    tables = {t.name: t for t in weekly_tables(combined)}
    assert [c.header for c in tables["instansi"].columns if c.key == "lewat_tenggat"] == [
        "Lewat tenggat (tenggat per instansi)"]
    backlog = tables["antrean"]
    keys = [c.key for c in backlog.columns]
    assert [(r[0], r[keys.index("tenggat_hari")], r[keys.index("lewat_tenggat")]) for r in backlog.rows] == [
        ("KAB-A", 8, 1), ("KOTA-B", 6, 1)]
    info = {row[0]: row[1] for row in tables["keterangan"].rows}
    assert info.get("tenggat_tinjauan_per_instansi") == "KAB-A=8; KOTA-B=6"
    html = render_html("weekly.html", {"title": "t", "subtitle": "s", "footer": "f", "generated_at": NOW,
                                       "d": combined, "charts": defaultdict(str), "charts_empty": defaultdict(bool),
                                       "clause_label": str})
    assert "lewat tenggat instansinya" in html
    assert "tenggat\nsejak item masuk antrean: Pemerintah Kabupaten A 8 hari, Pemerintah Kota B 6 hari." in html

    # One agency alone: its own deadline is the report's deadline, named in the headings.
    a = weekly_data(session, W47, [seed.agency["KAB-A"]], now=NOW)
    assert (a.backlog[0].overdue, a.due_short, a.due_heading) == (1, "8 hari", "Lewat tenggat (> 8 hari)")
    assert a.attention()[0] == "1 item antrean lewat tenggat 8 hari."
    # Only KOTA-B listed: KAB-A keeps the general 7 days (both its items late), KOTA-B's 6 days count J1.
    monkeypatch.setenv("NETRA_REVIEW_DUE_DAYS_AGENCIES", "KOTA-B=6")
    reset_settings_cache()
    mixed = weekly_data(session, W47, None, now=NOW)
    assert [(b.agency_code, b.due_days, b.overdue) for b in mixed.backlog] == [("KAB-A", 7, 2), ("KOTA-B", 6, 1)]
    assert mixed.due_text == "7 hari sejak item masuk antrean, kecuali Pemerintah Kota B 6 hari"


def test_state_as_of_a_moment_rebuilds_the_past(session: Session) -> None:
    seed = seed_reports(session)
    # As of the week's end, I4 was still a breach (its reversal came on 24 Nov): Budi had two.
    then = weekly_data(session, W47, [seed.agency["KAB-A"]], now=NOW, as_of=W47_END)
    assert (then.current.reviewed, then.current.confirmed) == (4, 3)
    assert _tally(then.by_clause) == {"ikrar-2": 2, "ikrar-3": 3}
    [budi] = then.repeat_offenders
    assert (budi.employee_name, len(budi.cases), budi.in_period) == ("Budi Santoso", 2, 2)
    assert [label for label, _ in budi.sanctions] == ["Kode etik (PP 42/2004) — bakal calon",
                                                       "Disiplin (UU ASN Pasal 9(2), PP 94/2021) — calon"]
    # Later decisions change the picture; the report says when its states were taken.
    now = weekly_data(session, W47, [seed.agency["KAB-A"]], now=NOW)
    assert now.repeat_offenders == [] and now.as_of == NOW
    # Acts captured after the moment are not counted either.
    _add_act(session, seed, "a1", "late", occurred=utc(2026, 11, 20, 1, 0), captured=utc(2026, 11, 26))
    session.commit()
    assert weekly_data(session, W47, [seed.agency["KAB-A"]], now=NOW).current.acts == 6


def test_an_act_on_sunday_2330_wib_counts_in_that_week(session: Session) -> None:
    seed = seed_reports(session)
    # Sunday 22 Nov 23:30 WIB (16:30 UTC), crawled Monday 08:00 WIB, queued Monday, confirmed Tuesday.
    late = _add_act(session, seed, "b1", "sunday", occurred=utc(2026, 11, 22, 16, 30), captured=utc(2026, 11, 23, 1))
    _confirm(session, seed, late, "KOTA-B", queued=utc(2026, 11, 23, 2), decided=utc(2026, 11, 24, 2))
    # A like whose platform gave no time, captured Sunday 23:30 WIB: counted by its capture time.
    _add_act(session, seed, "b1", "untimed", occurred=None, captured=utc(2026, 11, 22, 16, 30))
    session.commit()
    b47 = weekly_data(session, W47, [seed.agency["KOTA-B"]], now=NOW)
    assert (b47.current.acts, b47.current.flagged, b47.current.confirmed) == (4, 3, 1)
    assert b47.acts_by_capture_time == 1
    [case] = b47.cases
    assert case.act_at == utc(2026, 11, 22, 16, 30) and not case.act_at_is_capture
    # Dedi now has J0 (W44) and this one: a repeat offender, listed once with both.
    [dedi] = b47.repeat_offenders
    assert (dedi.employee_name, len(dedi.cases), dedi.in_period) == ("Dedi Kurniawan", 2, 1)
    assert len(dedi.sanctions) == 1  # both discipline: the sanction paragraph once
    b48 = weekly_data(session, IsoWeek.parse("2026-W48"), [seed.agency["KOTA-B"]], now=NOW)
    assert (b48.current.acts, b48.current.flagged, b48.current.confirmed) == (0, 0, 0)
    # The reviewer's work is timed by the decision: Tuesday, W48.
    assert b48.decisions_total == 1 and b47.decisions_total == 2


def test_range_report_figures(session: Session) -> None:
    seed = seed_reports(session)
    span = Period.days(parse_day("2026-10-26"), parse_day("2026-11-22"))  # W44..W47
    d = report_data(session, span, [seed.agency["KOTA-B"]], now=NOW)
    assert (d.current.acts, d.current.flagged, d.current.confirmed) == (3, 3, 1)
    assert d.previous_period.label == "20260928-20261025" and d.previous.acts == 0
    assert [p.week for p in d.trend][-1] == "2026-W47"


def _queue_hoax(session: Session, seed, account: str, agency: str, key: str, *,  # type: ignore[no-untyped-def]
                occurred: datetime, hoax: bool, code: str | None = None) -> ReviewItem:
    """An act queued by the classifier (as repeating a debunked claim when ``hoax``), decided with ``code``."""
    act = _add_act(session, seed, account, key, occurred=occurred, captured=occurred,
                   text="Pencoblosan diundur ke bulan depan, sebarkan!")
    c = Classification(activity_id=act.id, model_version="test-1", profile_id="pilkada-contoh", score=0.8,
                       flagged=True, stance="none" if hoax else "support", hate=False, cues=["uji"], hoax=hoax,
                       hoax_claims=[{"claim": "Pencoblosan diundur", "rating": "Hoaks",
                                     "url": "https://cekfakta.example/diundur", "similarity": 0.93}] if hoax else None)
    session.add(c)
    session.flush()
    item = ReviewItem(activity_id=act.id, classification_id=c.id, agency_id=seed.agency[agency],
                      created_at=occurred, status="decided" if code else "pending")
    session.add(item)
    session.flush()
    if code:
        session.add(Decision(review_item_id=item.id, verdict="pelanggaran", violation_code=code, clause="ikrar-3",
                             register="discipline", reviewer_id=seed.reviewer_id, decided_at=utc(2026, 11, 21, 3, 0)))
        session.flush()
    return item


def test_hoax_cases_counted(session: Session) -> None:
    seed = seed_reports(session)
    # KAB-A in W47: two acts queued as repeating a debunked claim, one confirmed as a hoax violation, the other
    # undecided; one act of W46 queued as a hoax. KOTA-B: an act queued for partisanship that the reviewer
    # confirmed as a hoax, and one queued as a hoax that the reviewer confirmed as campaigning instead.
    _queue_hoax(session, seed, "a1", "KAB-A", "H1", occurred=utc(2026, 11, 18, 5, 0), hoax=True, code="hoax")
    _queue_hoax(session, seed, "a1", "KAB-A", "H2", occurred=utc(2026, 11, 19, 5, 0), hoax=True)
    _queue_hoax(session, seed, "a1", "KAB-A", "H0", occurred=utc(2026, 11, 12, 5, 0), hoax=True)
    _queue_hoax(session, seed, "b1", "KOTA-B", "H3", occurred=utc(2026, 11, 18, 6, 0), hoax=False, code="hoax")
    _queue_hoax(session, seed, "b1", "KOTA-B", "H4", occurred=utc(2026, 11, 18, 7, 0), hoax=True,
                code="social_campaign")
    session.commit()

    a = weekly_data(session, W47, [seed.agency["KAB-A"]], now=NOW)
    assert (a.current.flagged, a.current.hoax_flagged, a.current.hoax_confirmed) == (7, 2, 1)
    assert (a.previous.hoax_flagged, a.previous.hoax_confirmed) == (1, 0)
    assert (a.changes["hoax_flagged"], a.changes["hoax_confirmed"]) == (1, 1)
    assert _tally(a.by_violation)["hoax"] == 1
    [row] = a.agency_rows
    assert (row.hoax_flagged, row.hoax_confirmed) == (2, 1)
    assert a.attention()[-2] == ("2 aktivitas minggu ini mengulang klaim yang dinyatakan salah oleh pemeriksa fakta; "
                                 "1 terkonfirmasi pelanggaran hoaks.")

    combined = weekly_data(session, W47, None, now=NOW)
    assert (combined.current.hoax_flagged, combined.current.hoax_confirmed) == (3, 2)
    rows = {r.code: (r.hoax_flagged, r.hoax_confirmed) for r in combined.agency_rows}
    assert rows == {"KAB-A": (2, 1), "KOTA-B": (1, 1)}
    tables = {t.name: t for t in combined.tables()}
    summary = {r[0]: r[1:] for r in tables["ringkasan"].rows}
    assert summary["Ditandai hoaks (mengulang klaim yang dibantah)"] == [3, 1, 2]
    assert summary["Pelanggaran hoaks terkonfirmasi"] == [2, 0, 2]
    agencies = tables["instansi"]
    keys = [c.key for c in agencies.columns]
    assert {r[0]: (r[keys.index("ditandai_hoaks")], r[keys.index("pelanggaran_hoaks")]) for r in agencies.rows} == rows
    # Without hoax cases the figures are zero, not missing.
    empty = weekly_data(session, IsoWeek.parse("2026-W44"), [seed.agency["KOTA-B"]], now=NOW)
    assert (empty.current.hoax_flagged, empty.current.hoax_confirmed) == (0, 0)


def test_mask_third_parties() -> None:
    assert mask_third_parties("hi @a @b.c @x@y.z", ["@b.c"]) == "hi @*** @b.c @***"
    assert mask_third_parties(None) == ""


# ---------------------------------------------------------------------------------------------- files


def _zip_csvs(path: Path, separator: str = ";") -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(path) as archive:
        return {name.removesuffix(".csv"): list(csv.DictReader(
            io.TextIOWrapper(archive.open(name), encoding="utf-8-sig"), delimiter=separator))
            for name in archive.namelist()}


def test_rendered_files_history_and_listing(sqlite_db: str, netra_home: Path) -> None:
    from monitor.db.session import session_factory

    session = session_factory(sqlite_db)()
    seed = seed_reports(session)
    reports = build_weekly_report(session, W47, seed.agency["KAB-A"], created_by="uji", now=NOW)
    build_weekly_report(session, W47, None, created_by="uji", now=NOW)
    session.commit()
    assert sorted(r.format for r in reports) == ["html", "pdf", "xlsx", "zip"]
    directory = netra_home / "reports" / "2026-W47" / "20261125T160000"  # the moment, in WIB
    for r in reports:
        path = Path(r.path)
        assert path.parent == directory and path.name.startswith("mingguan-KAB-A-2026-W47")
        assert hashlib.sha256(path.read_bytes()).hexdigest() == r.sha256
        assert (r.kind, r.period_label, r.created_by) == ("weekly", "2026-W47", "uji")
    files = _by_format(reports)
    html = files["html"].read_text()
    assert "Laporan Mingguan Netralitas ASN" in html and "budi.teman" not in html
    assert seed.evidence_sha["P1"] in html

    # XLSX for people: one sheet per table, Indonesian headers, frozen header row, filters, typed cells.
    wb = load_workbook(files["xlsx"])
    assert wb.sheetnames == ["Keterangan", "Ringkasan", "Per instansi", "Kasus", "Pelanggar berulang",
                             "Butir & bentuk", "Peninjau", "Antrean", "Cakupan akun", "Akun bermasalah", "Tren"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    cases = wb["Kasus"]
    headers = [c.value for c in cases[1]]
    assert "Bentuk pelanggaran" in headers and "Kode pelanggaran" not in headers  # codes are for machines
    when = cases.cell(row=2, column=headers.index("Waktu aktivitas (WIB)") + 1)
    assert isinstance(when.value, datetime) and when.value.microsecond == 0
    assert when.value == datetime(2026, 11, 16, 8, 0) and when.number_format == "yyyy-mm-dd hh:mm"  # 01:00 UTC
    assert {cases.cell(row=r, column=headers.index("Bentuk pelanggaran") + 1).value for r in (2, 3)} == {
        "Sosialisasi/kampanye (bakal) calon di media sosial/online",
        "Ujaran kebencian (SARA; terhadap Pancasila, UUD 1945, NKRI, Pemerintah)"}
    info = {r[0].value: r[1] for r in wb["Keterangan"].iter_rows(min_row=2)}
    assert info["keadaan_per"].value == datetime(2026, 11, 25, 16, 0) and info["keadaan_per"].is_date
    agencies = wb["Per instansi"]
    share = agencies.cell(row=2, column=[c.value for c in agencies[1]].index("Cakupan") + 1)
    assert share.value == 0.5 and share.number_format == "0%"

    # CSV for machines: one ZIP, one file per table, `;` by default, codes kept, ISO times with the offset.
    tables = _zip_csvs(files["zip"])
    assert set(tables) == {"keterangan", "ringkasan", "instansi", "kasus", "pelanggar_berulang", "rincian", "peninjau",
                           "antrean", "cakupan", "akun_bermasalah", "tren"}
    assert sorted(r["kode_pelanggaran"] for r in tables["kasus"]) == ["hate_speech", "social_campaign"]
    assert {r["waktu_aktivitas"] for r in tables["kasus"]} == {"2026-11-16T08:00:00+07:00",
                                                               "2026-11-19T08:00:00+07:00"}
    assert tables["instansi"][0]["pelanggaran"] == "2" and tables["instansi"][0]["cakupan"] == "0.5000"
    assert files["pdf"].read_bytes().startswith(b"%PDF")

    # Building again keeps the first bundle and adds a second, in its own directory.
    later = datetime(2026, 11, 26, 2, 0, tzinfo=NOW.tzinfo)
    again = build_weekly_report(session, W47, seed.agency["KAB-A"], created_by="supervisor", now=later)
    same_moment = build_weekly_report(session, W47, seed.agency["KAB-A"], created_by="cli", now=later)
    session.commit()
    assert not {r.id for r in again} & {r.id for r in reports}
    assert Path(again[0].path).parent.name == "20261126T090000"
    assert Path(same_moment[0].path).parent.name == "20261126T090000-2"  # same second: never overwritten
    for r in reports:
        assert hashlib.sha256(Path(r.path).read_bytes()).hexdigest() == r.sha256
    assert session.query(Report).count() == 16

    own = list_reports(session, frozenset({seed.agency["KAB-A"]}))
    assert {r.agency_id for r in own} == {seed.agency["KAB-A"]}
    assert list_reports(session, frozenset({seed.agency["KOTA-B"]})) == []
    assert {r.agency_id for r in list_reports(session, None)} == {seed.agency["KAB-A"], None}

    from monitor.exports.report_files import group_reports

    [period] = group_reports(list_reports(session, None), {seed.agency["KAB-A"]: "Kabupaten A"})
    [combined, kab_a] = period.bundles
    assert combined.agency_id is None and not combined.history
    assert (kab_a.created_by, [b.created_by for b in kab_a.history]) == ("cli", ["supervisor", "uji"])
    assert [f.label for f in kab_a.files] == ["HTML", "PDF", "XLSX", "CSV (ZIP)"]
    session.close()


def test_csv_separator_setting(sqlite_db: str, netra_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.config import reset_settings_cache
    from monitor.db.session import session_factory

    monkeypatch.setenv("NETRA_REPORT_CSV_SEPARATOR", ",")
    reset_settings_cache()
    session = session_factory(sqlite_db)()
    seed = seed_reports(session)
    files = _by_format(build_weekly_report(session, W47, seed.agency["KAB-A"], now=NOW))
    session.close()
    with zipfile.ZipFile(files["zip"]) as archive:
        first = archive.read("ringkasan.csv").decode("utf-8-sig").splitlines()[0]
    assert first == "ukuran,periode_ini,periode_sebelumnya,perubahan"
    assert _zip_csvs(files["zip"], ",")["ringkasan"][0]["periode_ini"] == "6"
    monkeypatch.setenv("NETRA_REPORT_CSV_SEPARATOR", "x")
    reset_settings_cache()
    from pydantic import ValidationError

    from monitor.config import get_settings

    with pytest.raises(ValidationError, match="not one of"):
        get_settings()


# ---------------------------------------------------------------------------------------------- charts and PDF

# What a reader must never see in the PDF: stored codes instead of their Indonesian labels.
CODE_PATTERNS = [
    r"\b[a-z]+(?:_[a-z]+)+\b",  # snake_case codes: campaign_account_interaction, bukan_pelanggaran, not_found
    r"\bikrar-\d\b",  # clause codes
    r"\b(?:context|period|gesture|hashtag|crawl|import):",  # classifier cues and sources
    r"\b(?:social_campaign|partisan_photo|hate_speech|money_politics|hoax)\b",
    r"\b(?:ethics|discipline|election_crime)\b",  # registers
    r"\b(?:pending|clarification|escalated|verdict|weekly|suspended|deactivated)\b",
    r"\bk[12]\b",  # candidate ids
]


def _pdf_text(pdf: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    return subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def _codes_in(text: str) -> list[str]:
    return [m.group(0) for pattern in CODE_PATTERNS for m in re.finditer(pattern, text)]


def test_the_code_check_finds_codes() -> None:
    # The check below would pass on any text if the patterns matched nothing: they must catch these.
    for raw in ("campaign_account_interaction", "ikrar-2", "context:hashtag:#AndiSari2026", "not_found",
                "Putusan peninjau per verdict", "period:campaign", "discipline", "k2"):
        assert _codes_in(raw), raw
    assert _codes_in("Butir 2 · tidak berpihak · kampanye #AndiSari2026 · NIP 198503122010011001") == []


def test_no_untranslated_codes_in_the_pdf(sqlite_db: str, netra_home: Path) -> None:
    from monitor.db.session import session_factory

    session = session_factory(sqlite_db)()
    seed = seed_reports(session)
    # A breach citing the clauses and register the seed lacks, a hashtag and emoji in its text; reported as of
    # Monday so Budi (I1, I4) and Dedi (J0, this one) are repeat offenders and every section has rows.
    # (Act kinds are not checked as words: the official violation labels say "posting, comment, share, like".)
    late = _add_act(session, seed, "b1", "sunday", occurred=utc(2026, 11, 22, 16, 30), captured=utc(2026, 11, 23, 1),
                    text="Ayo menangkan #BambangRina2026 🙏✌️")
    _confirm(session, seed, late, "KOTA-B", queued=utc(2026, 11, 23, 2), decided=utc(2026, 11, 23, 3),
             code="campaign_account_interaction", clause="ikrar-1,ikrar-4", register="election_crime")
    session.commit()
    files = _by_format(build_weekly_report(session, W47, None, now=NOW, as_of=utc(2026, 11, 23, 5)))
    span = Period.days(parse_day("2026-10-26"), parse_day("2026-11-22"))
    range_files = _by_format(build_report(session, span, seed.agency["KOTA-B"], now=NOW))
    session.commit()
    session.close()
    text = _pdf_text(files["pdf"])
    # The labels are there instead: clause, violation, register, kind, state, verdict, platform.
    for label in ("Butir 4", "Interaksi dengan akun pemenangan", "Tindak pidana pemilu", "unggahan", "foto",
                  "tidak ditemukan", "Bukan pelanggaran", "Mastodon", "Pelanggar berulang (2)", "Budi Santoso",
                  "Catatan metode", "#BambangRina2026"):
        assert label in text, label
    assert _codes_in(text) == [], "codes in the weekly PDF"
    assert _codes_in(_pdf_text(range_files["pdf"])) == [], "codes in the range PDF"
    pdffonts = shutil.which("pdffonts")
    if pdffonts:  # the emoji came from the emoji font, not as empty boxes
        fonts = subprocess.run([pdffonts, str(files["pdf"])], check=True, capture_output=True, text=True).stdout
        assert "Noto-Color-Emoji" in fonts and "DejaVu" in fonts


def _rasterise(pdf: Path, stem: str, dpi: int = 60) -> list[Path]:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) not installed: PDF pages not rasterised")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-png", "-r", str(dpi), str(pdf), str(ARTIFACTS / stem)], check=True)
    return sorted(ARTIFACTS.glob(f"{stem}-*.png"))


def test_an_empty_week_renders_without_broken_charts(sqlite_db: str, netra_home: Path) -> None:
    from PIL import Image

    from monitor.db.session import session_factory
    from reports.charts import no_data
    from reports.render import png_data_uri

    session = session_factory(sqlite_db)()
    seed_reports(session)
    empty = IsoWeek.parse("2026-W30")
    data = weekly_data(session, empty, None, now=NOW)
    assert data.current.acts == 0 and not data.cases and not data.reviewers
    charts = weekly_charts(data)
    assert {name: c.empty for name, c in charts.items()} == {"trend": True, "by_clause": True, "by_violation": True}
    files = _by_format(build_weekly_report(session, empty, None, now=NOW))
    session.commit()
    session.close()
    html = files["html"].read_text()
    # The report embeds the "tidak ada data" panels themselves, not empty axes.
    for chart in charts.values():
        assert png_data_uri(no_data(chart.title, width=7.5 if chart is charts["trend"] else 3.4).png) in html
    assert html.count('alt="tidak ada data"') == 3
    # A zero is never shown as an alarm (red) figure; the overdue seed items (any week's) still are.
    alarms = re.findall(r'class="card alert"><div class="n">([^<]*)<', html)
    alarms += re.findall(r'class="num hot">([^<]*)<', html)
    assert alarms and "0" not in alarms
    assert re.search(r'class="card"><div class="n">0</div>\s*<div class="l">pelanggaran terkonfirmasi', html)
    text = _pdf_text(files["pdf"])
    assert "Tidak ada pelanggaran terkonfirmasi" in text and _codes_in(text) == []
    pages = _rasterise(files["pdf"], "mingguan-kosong")
    assert pages
    with Image.open(pages[0]) as page:
        # The page is a report, not a blank or broken render: mostly white, with text on it.
        grey = page.convert("L")
        dark = sum(grey.histogram()[:128])
        assert 0.005 < dark / (grey.width * grey.height) < 0.2


def test_table_rows_never_split_across_pages(sqlite_db: str, netra_home: Path) -> None:
    """Enough agencies for the per-agency table to run onto a second page: each row stays whole."""
    from monitor.db.schema import Agency
    from monitor.db.session import session_factory

    session = session_factory(sqlite_db)()
    seed_reports(session)
    for i in range(40):
        # Names of eight or so lines: a page break falling exactly between rows by luck is unlikely.
        session.add(Agency(code=f"OPD-{i:02d}", name=f"Organisasi Perangkat Daerah Nomor {i:02d} "
                                                    + "dengan Nama yang Panjang Sekali " * 6 + "agar Barisnya Tinggi"))
    session.commit()
    files = _by_format(build_weekly_report(session, W47, None, now=NOW))
    session.close()
    pages = _pdf_text(files["pdf"]).split("\f")
    spanning = [p for p in pages if "Organisasi Perangkat" in p]
    assert len(spanning) >= 2  # the agency tables do cross pages
    for page in spanning:
        assert "Instansi" in page  # the header row repeats on every page a table spans
        # Each name wraps over several lines of its cell: a row that started on this page also ends here
        # (its last word: where the line before it breaks depends on the column's width).
        assert page.count("Organisasi Perangkat") == page.count("Tinggi")


def test_cli_weekly_and_range_reports(sqlite_db: str, netra_home: Path) -> None:
    from typer.testing import CliRunner

    from monitor.cli import app
    from monitor.db.session import session_factory

    session = session_factory(sqlite_db)()
    seed_reports(session)
    session.close()
    runner = CliRunner()
    result = runner.invoke(app, ["report", "weekly", "--agency", "KOTA-B", "--week", "2026-W47"])
    assert result.exit_code == 0, result.output
    assert list((netra_home / "reports" / "2026-W47").glob("*/mingguan-KOTA-B-2026-W47.pdf"))
    assert not list((netra_home / "reports" / "2026-W47").glob("*/mingguan-KAB-A-*.pdf"))
    bad = runner.invoke(app, ["report", "weekly", "--agency", "NOPE", "--week", "2026-W47"])
    assert bad.exit_code == 1 and "unknown agency" in bad.output
    bad_week = runner.invoke(app, ["report", "weekly", "--all", "--week", "2026-47"])
    assert bad_week.exit_code == 1 and "YYYY-Www" in bad_week.output
    both = runner.invoke(app, ["report", "weekly", "--all", "--agency", "KOTA-B"])
    assert both.exit_code == 1

    ranged = runner.invoke(app, ["report", "range", "--from", "2026-11-01", "--to", "2026-11-22", "--all"])
    assert ranged.exit_code == 0, ranged.output
    made = {p.name for p in (netra_home / "reports" / "range" / "20261101-20261122").glob("*/*")}
    assert {"periode-KAB-A-20261101-20261122.pdf", "periode-KOTA-B-20261101-20261122.xlsx",
            "periode-semua-20261101-20261122-csv.zip"} <= made
    with session_factory(sqlite_db)() as s:
        rows = s.scalars(select(Report).where(Report.kind == "range")).all()
        assert {r.period_label for r in rows} == {"20261101-20261122"} and len(rows) == 12
        assert {r.created_by for r in rows} == {"cli"}
    reversed_range = runner.invoke(app, ["report", "range", "--from", "2026-11-22", "--to", "2026-11-01", "--all"])
    assert reversed_range.exit_code == 1 and "before the start" in reversed_range.output
    bad_day = runner.invoke(app, ["report", "range", "--from", "1-11-2026", "--to", "2026-11-22", "--all"])
    assert bad_day.exit_code == 1 and "YYYY-MM-DD" in bad_day.output
