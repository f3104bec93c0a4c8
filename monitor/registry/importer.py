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
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from monitor.db.nip import InvalidNIP, validate_nip
from monitor.db.schema import EMPLOYEE_STATUSES, Account, Agency, Employee
from monitor.db.session import retry_on_lock
from reports.cells import looks_like_formula
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
# Free-text columns that reach reports and exports as they are: a formula there is refused, not stored.
TEXT_COLUMNS = ("name", "agency", "agency_code", "unit", "position")
STATUS_ALIASES = {"pns": "PNS", "pppk": "PPPK", "p3k": "PPPK", "non asn": "NON_ASN", "non_asn": "NON_ASN",
                  "non-asn": "NON_ASN", "honorer": "NON_ASN", "ppnpn": "NON_ASN"}
MAX_ROWS = 200_000
# Rows written per transaction: short enough that a crawl's writes wait well under SQLite's busy timeout.
BATCH_ROWS = 1000


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
    for column in TEXT_COLUMNS:
        value = getter(column)
        if looks_like_formula(value):
            shown = value if len(value) <= 40 else value[:40] + "…"
            raise ValueError(f"{COLUMNS[column][0]}: {shown!r} looks like a spreadsheet formula, not text "
                             f"(NIP {nip}); write the plain value")
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
                    sheet: str | None = None, batch_rows: int = BATCH_ROWS) -> ImportResult:
    """Validate ``path`` and upsert it. Writes nothing when any row is bad, unless ``skip_invalid``.

    The whole file is validated before anything is written. The rows are then written and
    **committed** ``batch_rows`` at a time (``session`` is committed), each batch run again while
    SQLite is locked by another writer: one transaction for 100,000 rows held SQLite's single write
    lock for minutes, and a crawl beside it (or the import itself) died with "database is locked".
    A crash midway leaves the first batches stored; importing the file again completes it, as the
    upsert changes nothing a row already says.
    """
    rows, errors = read_rows(path, sheet)
    result = ImportResult(file=str(path), rows=len(rows) + len(errors))

    # A handle already declared in the database by another person is a bad row too.
    existing_accounts = {
        (platform, handle): nip for platform, handle, nip in session.execute(
            select(Account.platform, Account.handle, Employee.nip).join(Employee, Employee.id == Account.employee_id))
    }
    bad_lines = {e.line for e in errors}
    for row in rows:
        if row.platform and row.handle:
            owner = existing_accounts.get((row.platform, row.handle))
            if owner is not None and owner != row.nip:
                errors.append(RowError(str(path), row.line,
                                       f"{row.platform} account {row.handle!r} is already declared by NIP "
                                       f"{owner} in the registry"))
                bad_lines.add(row.line)
    result.errors = sorted(errors, key=lambda e: e.line)
    if result.errors and not skip_invalid:
        return result
    bad_nips = {r.nip for r in rows if r.line in bad_lines}
    good = [r for r in rows if r.line not in bad_lines and r.nip not in bad_nips]

    known: _Known | None = None

    def write(batch: list[RegistryRow]) -> ImportResult:
        nonlocal known
        counts = ImportResult(file=result.file)
        try:
            if known is None:
                known = _Known.load(session)
            _upsert(session, batch, counts, known)
            session.commit()
        except BaseException:
            session.rollback()
            known = None  # what the failed batch added is gone: read the stored state again
            raise
        return counts

    session.commit()  # the reads above hold no snapshot into the first batch's write
    for start in range(0, len(good), batch_rows):
        counts = retry_on_lock(partial(write, good[start:start + batch_rows]))
        for name in ("agencies_created", "agencies_updated", "employees_created", "employees_updated",
                     "accounts_created", "unchanged_rows"):
            setattr(result, name, getattr(result, name) + getattr(counts, name))
    result.written = True
    return result


EMPLOYEE_FIELDS = ("name", "agency_id", "unit", "position", "status")


@dataclass
class _Known:
    """What is stored, as plain values: the rows of an import are compared with it, not with ORM objects
    (loading and tracking 100,000 employees as objects cost more than writing them)."""

    agencies: dict[str, tuple[int, str]]  # code -> (id, name)
    employees: dict[str, dict[str, Any]]  # nip -> id and EMPLOYEE_FIELDS
    accounts: set[tuple[str, str]]  # (platform, handle)

    @classmethod
    def load(cls, session: Session) -> _Known:
        columns = [getattr(Employee, name) for name in ("id", "nip", *EMPLOYEE_FIELDS)]
        return cls(
            agencies={code: (id_, name) for id_, code, name in session.execute(
                select(Agency.id, Agency.code, Agency.name))},
            employees={row.nip: row._asdict() for row in session.execute(select(*columns))},
            accounts={(p, h) for p, h in session.execute(select(Account.platform, Account.handle))},
        )


def _upsert(session: Session, rows: list[RegistryRow], result: ImportResult, known: _Known) -> None:
    """Write ``rows`` in the session's transaction: new employees and accounts in a few multi-row INSERTs."""
    new_employees: dict[str, dict[str, Any]] = {}
    changes: dict[int, dict[str, Any]] = {}
    new_accounts: list[tuple[str, str, str]] = []  # (nip, platform, handle)
    for row in rows:
        changed = False
        agency = known.agencies.get(row.agency_code)
        if agency is None:
            agency_id = session.execute(insert(Agency).values(code=row.agency_code, name=row.agency_name)
                                        .returning(Agency.id)).scalar_one()
            known.agencies[row.agency_code] = (agency_id, row.agency_name)
            result.agencies_created += 1
            changed = True
        else:
            agency_id, name = agency
            if name != row.agency_name:
                session.execute(update(Agency).where(Agency.id == agency_id).values(name=row.agency_name))
                known.agencies[row.agency_code] = (agency_id, row.agency_name)
                result.agencies_updated += 1
                changed = True

        fields: dict[str, Any] = {"name": row.name, "agency_id": agency_id, "unit": row.unit,
                                  "position": row.position, "status": row.status}
        stored = known.employees.get(row.nip)
        if stored is None:
            new_employees[row.nip] = {"nip": row.nip, **fields}
            known.employees[row.nip] = {"id": None, "nip": row.nip, **fields}
            result.employees_created += 1
            changed = True
        else:
            diff = {k: v for k, v in fields.items() if stored[k] != v}
            if diff:
                stored.update(diff)
                if stored["id"] is None:  # created earlier in this batch
                    new_employees[row.nip].update(diff)
                else:
                    changes.setdefault(stored["id"], {}).update(diff)
                result.employees_updated += 1
                changed = True

        if row.platform and row.handle and (row.platform, row.handle) not in known.accounts:
            new_accounts.append((row.nip, row.platform, row.handle))
            known.accounts.add((row.platform, row.handle))
            result.accounts_created += 1
            changed = True
        if not changed:
            result.unchanged_rows += 1

    if new_employees:
        for id_, nip in session.execute(insert(Employee).returning(Employee.id, Employee.nip),
                                        list(new_employees.values())):
            known.employees[nip]["id"] = id_
    if changes:
        session.execute(update(Employee), [{"id": id_, **diff} for id_, diff in changes.items()])
    if new_accounts:
        session.execute(insert(Account), [{"employee_id": known.employees[nip]["id"], "platform": platform,
                                           "handle": handle} for nip, platform, handle in new_accounts])


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
