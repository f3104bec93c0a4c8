"""``netra registry``: import and list the agency's ASN and declared accounts."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from monitor.cli.common import console, err_console, fail, require_current_schema
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


@app.command("list")
def list_cmd(
    agency: str | None = typer.Option(None, "--agency", help="Agency code."),
    platform: str | None = typer.Option(None, "--platform", help="Only accounts on this platform."),
    search: str | None = typer.Option(None, "--search", help="Part of a name, NIP or handle."),
) -> None:
    """Show the stored ASN and their declared accounts."""
    require_current_schema()
    try:
        with session_scope() as session:
            rows = list_registry(session, agency=agency, platform=platform, search=search)
            table = Table("NIP", "Name", "Agency", "Unit", "Status", "Platform", "Account", "State")
            for emp, acc in rows:
                table.add_row(emp.nip, emp.name, emp.agency.code, emp.unit or "", emp.status,
                              acc.platform if acc else "", acc.handle if acc else "", acc.state if acc else "")
    except InvalidHandle as exc:
        fail(str(exc))
    console.print(table)
    console.print(f"{len({e.nip for e, _ in rows})} people, {sum(1 for _, a in rows if a)} accounts")
