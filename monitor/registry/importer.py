"""The agency registry: ASN and their declared accounts, imported from CSV or XLSX.

One row declares one account of one person; a person with two accounts has two
rows (or a row without platform/akun when they declared none). Importing the
same file twice changes nothing; a changed row updates; by default a file with
any bad row writes nothing at all.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.nip import InvalidNIP, validate_nip
from monitor.db.schema import EMPLOYEE_STATUSES, Account, Agency, Employee
from spiders.platforms import InvalidHandle, normalise_handle, normalise_platform

# Canonical column → accepted header spellings (Indonesian first).
COLUMNS: dict[str, tuple[str, ...]] = {
    "nip": ("nip",),
    "name": ("nama", "name", "nama_lengkap"),
    "agency": ("instansi", "agency", "nama_instansi"),
    "agency_code": ("kode_instansi", "agency_code", "kode"),
    "unit": ("unit_kerja", "unit", "satuan_kerja"),
    "position": ("jabatan", "position"),
    "status": ("status", "status_kepegawaian"),
    "platform": ("platform", "media_sosial"),
    "handle": ("akun", "handle", "account", "username"),
}
REQUIRED = ("nip", "name", "agency")
STATUS_ALIASES = {"pns": "PNS", "pppk": "PPPK", "p3k": "PPPK", "non asn": "NON_ASN", "non_asn": "NON_ASN",
                  "non-asn": "NON_ASN", "honorer": "NON_ASN", "ppnpn": "NON_ASN"}
MAX_ROWS = 200_000


class RegistryFileError(ValueError):
    """The file as a whole cannot be read (encoding, empty, headers, sheets)."""


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class RegistryRow:
    line: int
    nip: str
    name: str
    agency_name: str
    agency_code: str
    unit: str | None
    position: str | None
    status: str
    platform: str | None
    handle: str | None


@dataclass
class ImportResult:
    file: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    agencies_created: int = 0
    agencies_updated: int = 0
    employees_created: int = 0
    employees_updated: int = 0
    accounts_created: int = 0
    unchanged_rows: int = 0
    written: bool = False

    @property
    def changed(self) -> int:
        return (self.agencies_created + self.agencies_updated + self.employees_created
                + self.employees_updated + self.accounts_created)


def agency_code_for(name: str) -> str:
    """A stable code from an agency name when the file gives none."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64]


def _header_map(headers: list[str], source: str) -> dict[str, int]:
    normalised = [re.sub(r"[\s\-]+", "_", (h or "").strip().lower()) for h in headers]
    mapping: dict[str, int] = {}
    for canonical, spellings in COLUMNS.items():
        for i, h in enumerate(normalised):
            if h in spellings:
                if canonical in mapping:
                    raise RegistryFileError(f"{source}: column '{canonical}' appears twice ({headers[i]!r})")
                mapping[canonical] = i
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        wanted = ", ".join(COLUMNS[c][0] for c in missing)
        raise RegistryFileError(f"{source}: missing column(s) {wanted}; found headers: {', '.join(headers)}")
    if ("platform" in mapping) != ("handle" in mapping):
        raise RegistryFileError(f"{source}: columns 'platform' and 'akun' must come together")
    return mapping


def _read_csv(path: Path) -> Iterator[tuple[int, list[str]]]:
    data = path.read_bytes()
    if not data.strip():
        raise RegistryFileError(f"{path}: file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RegistryFileError(
            f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as 'CSV UTF-8'"
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    for row in reader:
        yield reader.line_num, row


def _read_xlsx(path: Path, sheet: str | None) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RegistryFileError(f"{path}: not a readable XLSX workbook ({exc})") from None
    try:
        names = wb.sheetnames
        if sheet is None:
            if len(names) != 1:
                raise RegistryFileError(
                    f"{path}: workbook has {len(names)} sheets ({', '.join(names)}); choose one with --sheet"
                )
            ws = wb[names[0]]
        else:
            if sheet not in names:
                raise RegistryFileError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(names)})")
            ws = wb[sheet]
        for i, row in enumerate(ws.iter_rows(values_only=True), 1):
            yield i, ["" if v is None else _cell_text(v) for v in row]
    finally:
        wb.close()


def _cell_text(value: object) -> str:
    # Excel turns an 18-digit NIP typed as a number into a float; refuse silently wrong digits.
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    return str(value).strip()


def read_rows(path: Path, sheet: str | None = None) -> tuple[list[RegistryRow], list[RowError]]:
    """Parse and validate a registry file. File-level problems raise :class:`RegistryFileError`."""
    if not path.exists():
        raise RegistryFileError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raw_rows = _read_xlsx(path, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        raw_rows = _read_csv(path)
    else:
        raise RegistryFileError(f"{path}: unsupported file type {suffix or '(none)'}; use .csv or .xlsx")

    source = str(path)
    mapping: dict[str, int] | None = None
    rows: list[RegistryRow] = []
    errors: list[RowError] = []
    for line, cells in raw_rows:
        if not any(c.strip() for c in cells):
            continue
        if mapping is None:
            mapping = _header_map(cells, source)
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            raise RegistryFileError(f"{source}: more than {MAX_ROWS} rows; split the file")

        try:
            rows.append(_validate_row(line, _cell_getter(mapping, cells)))
        except ValueError as exc:
            errors.append(RowError(source, line, str(exc)))
    if mapping is None:
        raise RegistryFileError(f"{source}: file is empty")
    if not rows and not errors:
        raise RegistryFileError(f"{source}: only headers, no data rows")
    errors.extend(_cross_row_errors(rows, source))
    return rows, errors


def _cell_getter(mapping: dict[str, int], cells: list[str]) -> Callable[[str], str]:
    def get(col: str) -> str:
        idx = mapping.get(col)
        return cells[idx].strip() if idx is not None and idx < len(cells) else ""

    return get


def _validate_row(line: int, getter: Callable[[str], str]) -> RegistryRow:
    try:
        nip = validate_nip(getter("nip"))
    except InvalidNIP as exc:
        raise ValueError(f"invalid NIP: {exc}") from None
    name = getter("name")
    if not name:
        raise ValueError(f"NIP {nip}: missing name (nama)")
    agency_name = getter("agency")
    if not agency_name:
        raise ValueError(f"NIP {nip}: missing agency (instansi)")
    agency_code = getter("agency_code") or agency_code_for(agency_name)
    raw_status = getter("status") or "PNS"
    status = STATUS_ALIASES.get(raw_status.lower(), raw_status.upper())
    if status not in EMPLOYEE_STATUSES:
        raise ValueError(f"NIP {nip}: unknown status {raw_status!r} (PNS, PPPK, NON_ASN)")
    raw_platform, raw_handle = getter("platform"), getter("handle")
    platform = handle = None
    if raw_platform or raw_handle:
        if not raw_platform:
            raise ValueError(f"NIP {nip}: account {raw_handle!r} has no platform")
        if not raw_handle:
            raise ValueError(f"NIP {nip}: platform {raw_platform!r} has no account (akun)")
        try:
            platform = normalise_platform(raw_platform)
            handle = normalise_handle(platform, raw_handle)
        except InvalidHandle as exc:
            raise ValueError(f"NIP {nip}: {exc}") from None
    return RegistryRow(
        line=line, nip=nip, name=name, agency_name=agency_name, agency_code=agency_code,
        unit=getter("unit") or None, position=getter("position") or None,
        status=status, platform=platform, handle=handle,
    )


def _cross_row_errors(rows: list[RegistryRow], source: str) -> list[RowError]:
    errors: list[RowError] = []
    by_handle: dict[tuple[str, str], RegistryRow] = {}
    by_nip: dict[str, RegistryRow] = {}
    for row in rows:
        first = by_nip.setdefault(row.nip, row)
        if (first.name, first.agency_code, first.unit, first.position, first.status) != (
            row.name, row.agency_code, row.unit, row.position, row.status
        ):
            errors.append(RowError(source, row.line,
                                   f"NIP {row.nip}: differs from line {first.line} (name, agency, unit, "
                                   "position or status); one person must be described the same way"))
        if row.platform and row.handle:
            other = by_handle.setdefault((row.platform, row.handle), row)
            if other.nip != row.nip:
                errors.append(RowError(source, row.line,
                                       f"{row.platform} account {row.handle!r} is also declared by NIP "
                                       f"{other.nip} on line {other.line}"))
    return errors


def import_registry(session: Session, path: Path, *, skip_invalid: bool = False,
                    sheet: str | None = None) -> ImportResult:
    """Validate ``path`` and upsert it. Writes nothing when any row is bad, unless ``skip_invalid``."""
    rows, errors = read_rows(path, sheet)
    result = ImportResult(file=str(path), rows=len(rows) + len(errors))

    # A handle already declared in the database by another person is a bad row too.
    existing_accounts = {
        (a.platform, a.handle): a for a in session.scalars(select(Account).join(Employee))
    }
    nip_of_employee = dict(session.execute(select(Employee.id, Employee.nip)).all())
    bad_lines = {e.line for e in errors}
    for row in rows:
        if row.platform and row.handle:
            acc = existing_accounts.get((row.platform, row.handle))
            if acc is not None and nip_of_employee.get(acc.employee_id) != row.nip:
                errors.append(RowError(str(path), row.line,
                                       f"{row.platform} account {row.handle!r} is already declared by NIP "
                                       f"{nip_of_employee.get(acc.employee_id)} in the registry"))
                bad_lines.add(row.line)
    result.errors = sorted(errors, key=lambda e: e.line)
    if result.errors and not skip_invalid:
        return result
    bad_nips = {r.nip for r in rows if r.line in bad_lines}
    good = [r for r in rows if r.line not in bad_lines and r.nip not in bad_nips]

    with session.begin_nested():
        _upsert(session, good, result, existing_accounts)
    result.written = True
    return result


def _upsert(session: Session, rows: list[RegistryRow], result: ImportResult,
            existing_accounts: dict[tuple[str, str], Account]) -> None:
    agencies = {a.code: a for a in session.scalars(select(Agency))}
    employees = {e.nip: e for e in session.scalars(select(Employee))}
    for row in rows:
        changed = False
        agency = agencies.get(row.agency_code)
        if agency is None:
            agency = Agency(code=row.agency_code, name=row.agency_name)
            session.add(agency)
            session.flush()
            agencies[row.agency_code] = agency
            result.agencies_created += 1
            changed = True
        elif agency.name != row.agency_name:
            agency.name = row.agency_name
            result.agencies_updated += 1
            changed = True

        employee = employees.get(row.nip)
        fields = {"name": row.name, "agency_id": agency.id, "unit": row.unit,
                  "position": row.position, "status": row.status}
        if employee is None:
            employee = Employee(nip=row.nip, **fields)
            session.add(employee)
            session.flush()
            employees[row.nip] = employee
            result.employees_created += 1
            changed = True
        else:
            diff = {k: v for k, v in fields.items() if getattr(employee, k) != v}
            if diff:
                for k, v in diff.items():
                    setattr(employee, k, v)
                result.employees_updated += 1
                changed = True

        if row.platform and row.handle and (row.platform, row.handle) not in existing_accounts:
            account = Account(employee_id=employee.id, platform=row.platform, handle=row.handle)
            session.add(account)
            existing_accounts[(row.platform, row.handle)] = account
            result.accounts_created += 1
            changed = True
        if not changed:
            result.unchanged_rows += 1
    session.flush()


def list_registry(session: Session, *, agency: str | None = None, platform: str | None = None,
                  search: str | None = None) -> list[tuple[Employee, Account | None]]:
    """Employees with their declared accounts (one tuple per account), filtered."""
    stmt = (select(Employee, Account).join(Agency, Employee.agency_id == Agency.id)
            .outerjoin(Account, Account.employee_id == Employee.id)
            .order_by(Agency.code, Employee.name, Account.platform, Account.handle))
    if agency:
        stmt = stmt.where(Agency.code == agency)
    if platform:
        stmt = stmt.where(Account.platform == normalise_platform(platform))
    if search:
        like = f"%{search.lower()}%"
        stmt = stmt.where(
            (Employee.name.ilike(like)) | (Employee.nip.like(like)) | (Account.handle.like(like))
        )
    return [(e, a) for e, a in session.execute(stmt).all()]
