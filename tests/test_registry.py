"""Registry import: good files, re-imports, updates, and every kind of bad file."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.db.schema import Account, Agency, Employee
from monitor.registry.importer import RegistryFileError, import_registry, list_registry
from tests.conftest import REPO

HEADER = "nip,nama,instansi,kode_instansi,unit_kerja,jabatan,status,platform,akun\n"
RINA = "198503122010011001,Rina Pratiwi,Dinas Kesehatan,dinkes,Bidang P2P,Analis,PNS"
ROW_RINA = RINA + ",bluesky,@RinaPratiwi.bsky.social\n"
ROW_RINA2 = RINA + ",instagram,https://www.instagram.com/Rina.P/\n"
ROW_BUDI = "197701022003121002,Budi Santoso,Dinas Pendidikan,disdik,SDN 1,Guru,PPPK,x,https://x.com/BudiS\n"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def snapshot(session: Session) -> tuple:
    return (
        tuple(session.execute(select(Agency.code, Agency.name).order_by(Agency.code)).all()),
        tuple(session.execute(select(Employee.nip, Employee.name, Employee.unit, Employee.position,
                                     Employee.status).order_by(Employee.nip)).all()),
        tuple(session.execute(select(Account.platform, Account.handle).order_by(Account.handle)).all()),
    )


def test_import_normalises_and_is_idempotent(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "reg.csv", HEADER + ROW_RINA + ROW_RINA2 + ROW_BUDI)
    result = import_registry(session, path)
    session.commit()
    assert result.errors == [] and result.written
    assert (result.agencies_created, result.employees_created, result.accounts_created) == (2, 2, 3)
    handles = {(a.platform, a.handle) for a in session.scalars(select(Account))}
    assert handles == {("bluesky", "rinapratiwi.bsky.social"), ("instagram", "rina.p"), ("x", "budis")}
    before = snapshot(session)

    again = import_registry(session, path)
    session.commit()
    assert again.changed == 0 and again.unchanged_rows == 3
    assert snapshot(session) == before


def test_changed_row_updates(session: Session, tmp_path: Path) -> None:
    import_registry(session, write(tmp_path, "a.csv", HEADER + ROW_RINA + ROW_BUDI))
    session.commit()
    moved = ROW_BUDI.replace("SDN 1,Guru", "SMPN 3,Kepala Sekolah")
    result = import_registry(session, write(tmp_path, "b.csv", HEADER + ROW_RINA + moved))
    session.commit()
    assert result.employees_updated == 1 and result.employees_created == 0
    budi = session.scalars(select(Employee).where(Employee.nip == "197701022003121002")).one()
    assert (budi.unit, budi.position) == ("SMPN 3", "Kepala Sekolah")


def test_semicolon_csv_with_bom_and_person_without_account(session: Session, tmp_path: Path) -> None:
    content = "\ufeffNIP;Nama;Instansi;Unit Kerja;Jabatan;Status;Platform;Akun\n" \
              "198503122010011001;Rina;Dinas Kesehatan;P2P;Analis;pns;;\n"
    result = import_registry(session, write(tmp_path, "semi.csv", content))
    session.commit()
    assert result.employees_created == 1 and result.accounts_created == 0
    assert session.scalars(select(Agency.code)).one() == "dinas-kesehatan"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("19850312201001100,Rina,Dinkes,dinkes,,,PNS,x,rina\n", "invalid NIP"),
        ("198502302010011001,Rina,Dinkes,dinkes,,,PNS,x,rina\n", "not a real date"),
        ("198503122010011001,Rina,Dinkes,dinkes,,,PNS,myspace,rina\n", "unknown platform"),
        ("198503122010011001,,Dinkes,dinkes,,,PNS,x,rina\n", "missing name"),
        ("198503122010011001,Rina,Dinkes,dinkes,,,PNS,mastodon,rina\n", "needs its server"),
        ("198503122010011001,Rina,Dinkes,dinkes,,,Honorer Lepas,x,rina\n", "unknown status"),
    ],
)
def test_bad_row_reports_file_line_reason_and_writes_nothing(
    session: Session, tmp_path: Path, row: str, reason: str
) -> None:
    path = write(tmp_path, "bad.csv", HEADER + ROW_BUDI + row)
    result = import_registry(session, path)
    session.commit()
    assert not result.written
    assert len(result.errors) == 1
    err = result.errors[0]
    assert (err.file, err.line) == (str(path), 3)
    assert reason in err.reason
    assert snapshot(session) == ((), (), ())


def test_handle_declared_by_two_people(session: Session, tmp_path: Path) -> None:
    dup = "197701022003121002,Budi Santoso,Dinas Pendidikan,disdik,SDN 1,Guru,PPPK,bluesky,rinapratiwi.bsky.social\n"
    result = import_registry(session, write(tmp_path, "dup.csv", HEADER + ROW_RINA + dup))
    assert not result.written
    assert "also declared by NIP 198503122010011001 on line 2" in result.errors[0].reason
    assert result.errors[0].line == 3

    # ... and against what is already stored.
    import_registry(session, write(tmp_path, "ok.csv", HEADER + ROW_RINA))
    session.commit()
    before = snapshot(session)
    result = import_registry(session, write(tmp_path, "dup2.csv", HEADER + dup))
    session.commit()
    assert "already declared by NIP 198503122010011001" in result.errors[0].reason
    assert snapshot(session) == before


def test_skip_invalid_writes_the_good_rows(session: Session, tmp_path: Path) -> None:
    bad = "19850312201001100,Rina,Dinkes,dinkes,,,PNS,x,rina\n"
    result = import_registry(session, write(tmp_path, "mixed.csv", HEADER + bad + ROW_BUDI), skip_invalid=True)
    session.commit()
    assert result.written and len(result.errors) == 1
    assert session.scalar(select(func.count(Employee.id))) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", "", "file is empty"),
        ("blank.csv", "\n\n  \n", "file is empty"),
        ("headers.csv", HEADER, "only headers"),
        ("latin1.csv", (HEADER + "198503122010011001,Désirée,Dinkes,dinkes,,,PNS,x,desiree\n").encode("latin-1"),
         "not UTF-8"),
        ("nocols.csv", "nama,akun\nRina,rina\n", "missing column(s) nip"),
        ("registry.pdf", "%PDF-1.4", "unsupported file type"),
    ],
)
def test_bad_files_give_clear_errors(session: Session, tmp_path: Path, name: str, content: str | bytes,
                                     message: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(RegistryFileError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        import_registry(session, path)
    assert str(path) in str(info.value)
    assert snapshot(session) == ((), (), ())


def test_wrong_encoding_error_names_the_line(session: Session, tmp_path: Path) -> None:
    content = (HEADER + ROW_BUDI + "198503122010011001,Désirée,Dinkes,dinkes,,,PNS,x,desiree\n").encode("latin-1")
    with pytest.raises(RegistryFileError, match=r"latin1\.csv:3: not UTF-8"):
        import_registry(session, write(tmp_path, "latin1.csv", content))


def _xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


XLSX_ROWS = [
    ["NIP", "Nama", "Instansi", "Unit Kerja", "Jabatan", "Status", "Platform", "Akun"],
    ["198503122010011001", "Rina Pratiwi", "Dinas Kesehatan", "P2P", "Analis", "PNS", "Bluesky",
     "https://bsky.app/profile/rinapratiwi.bsky.social"],
    ["197701022003121002", "Budi Santoso", "Dinas Pendidikan", "SDN 1", "Guru", "PPPK", "TikTok",
     "https://www.tiktok.com/@Budi.S"],
]


def test_xlsx_import(session: Session, tmp_path: Path) -> None:
    result = import_registry(session, _xlsx(tmp_path / "reg.xlsx", {"Daftar ASN": XLSX_ROWS}))
    session.commit()
    assert result.written and result.accounts_created == 2
    assert {a.handle for a in session.scalars(select(Account))} == {"rinapratiwi.bsky.social", "budi.s"}


def test_xlsx_with_extra_sheet_needs_a_choice(session: Session, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "two.xlsx", {"Daftar ASN": XLSX_ROWS, "Catatan": [["dibuat oleh BKPSDM"]]})
    with pytest.raises(RegistryFileError, match="2 sheets .*Daftar ASN, Catatan.*--sheet"):
        import_registry(session, path)
    assert snapshot(session) == ((), (), ())
    result = import_registry(session, path, sheet="Daftar ASN")
    assert result.written and result.employees_created == 2


def test_xlsx_numeric_nip_that_lost_digits_is_refused(session: Session, tmp_path: Path) -> None:
    rows = [XLSX_ROWS[0], [198503122010011001, "Rina", "Dinkes", "", "", "PNS", "", ""]]
    result = import_registry(session, _xlsx(tmp_path / "num.xlsx", {"s": rows}))
    assert not result.written and "invalid NIP" in result.errors[0].reason


def test_corrupt_xlsx(session: Session, tmp_path: Path) -> None:
    with pytest.raises(RegistryFileError, match="not a readable XLSX"):
        import_registry(session, write(tmp_path, "broken.xlsx", b"PK\x03\x04 not really a zip"))


def test_sample_registry_imports_and_lists(session: Session) -> None:
    result = import_registry(session, REPO / "monitor" / "demo" / "data" / "registry.csv")
    session.commit()
    assert result.errors == []
    assert result.employees_created == 50 and result.accounts_created >= 70
    rows = list_registry(session, agency="dinkes-sukamaju", platform="bluesky")
    assert rows and all(a.platform == "bluesky" and e.agency.code == "dinkes-sukamaju" for e, a in rows)
    assert list_registry(session, search="rinapratiwi")[0][0].name == "Rina Pratiwi"
