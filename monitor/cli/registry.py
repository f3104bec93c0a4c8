"""``netra registry``: import and list the agency's ASN and declared accounts."""

from __future__ import annotations

from pathlib import Path

import typer

from monitor.cli.common import console, err_console, fail, require_current_schema
from monitor.cli.output import FORMAT_OPTION, Column, Format, show_records
from monitor.db.session import session_scope
from monitor.registry.importer import RegistryFileError, import_registry, list_registry
from spiders.platforms import InvalidHandle

app = typer.Typer(help="Import and list ASN and their declared accounts.", no_args_is_help=True)


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="CSV (UTF-8, comma or semicolon) or XLSX registry file."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Write the good rows even if some are bad."),
    sheet: str | None = typer.Option(None, "--sheet", help="XLSX sheet to read when the workbook has several."),
) -> None:
    """Upsert ASN and their declared accounts from FILE.

    Columns (Indonesian headers accepted): nip, nama, instansi, kode_instansi (optional),
    unit_kerja, jabatan, status (PNS/PPPK/NON_ASN), platform, akun. Importing the
    same file twice changes nothing. If any row is invalid nothing is written,
    unless --skip-invalid is given.
    """
    require_current_schema()
    try:
        with session_scope() as session:
            result = import_registry(session, file, skip_invalid=skip_invalid, sheet=sheet)
    except RegistryFileError as exc:
        fail(str(exc))
    for error in result.errors:
        err_console.print(f"[red]{error}[/]", highlight=False)
    if result.errors and not result.written:
        fail(f"{len(result.errors)} invalid row(s) in {file}; nothing was written "
             "(fix them, or use --skip-invalid to write the valid rows)")
    console.print(
        f"{file}: {result.rows} rows — agencies +{result.agencies_created} ~{result.agencies_updated}, "
        f"employees +{result.employees_created} ~{result.employees_updated}, "
        f"accounts +{result.accounts_created}, unchanged rows {result.unchanged_rows}"
        + (f", skipped {len(result.errors)} invalid" if result.errors else "")
    )


REGISTRY_COLUMNS = (
    Column("nip", "NIP", ident=True),
    Column("name", "Name"),
    Column("agency", "Agency", ident=True),
    Column("unit", "Unit"),
    Column("position", in_table=False),
    Column("status", "Status"),
    Column("account_id", "ID", ident=True, justify="right"),
    Column("platform", "Platform", ident=True),
    Column("handle", "Account", ident=True),
    Column("external_id", in_table=False),
    Column("state", "State"),
)


@app.command("list")
def list_cmd(
    agency: str | None = typer.Option(None, "--agency", help="Agency code."),
    platform: str | None = typer.Option(None, "--platform", help="Only accounts on this platform."),
    search: str | None = typer.Option(None, "--search", help="Part of a name, NIP or handle."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Show the stored ASN and their declared accounts (one row per account; ID is for `crawl --account-id`)."""
    require_current_schema()
    try:
        with session_scope() as session:
            rows = list_registry(session, agency=agency, platform=platform, search=search)
            records = [
                {"nip": emp.nip, "name": emp.name, "agency": emp.agency.code, "unit": emp.unit,
                 "position": emp.position, "status": emp.status, "account_id": acc.id if acc else None,
                 "platform": acc.platform if acc else None, "handle": acc.handle if acc else None,
                 "external_id": acc.external_id if acc else None, "state": acc.state if acc else None}
                for emp, acc in rows
            ]
    except InvalidHandle as exc:
        fail(str(exc))
    show_records(records, REGISTRY_COLUMNS, fmt,
                 summary=f"{len({e.nip for e, _ in rows})} people, {sum(1 for _, a in rows if a)} accounts")
