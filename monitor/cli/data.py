"""``netra data``: data sets made from Netra's own records."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import select

from monitor.cli.common import console, err_console, fail, require_current_schema
from monitor.db.schema import Agency
from monitor.db.session import session_scope
from monitor.exports.reviewed import export_reviewed

app = typer.Typer(help="Data sets from reviewed items.", no_args_is_help=True)


@app.command("export-reviewed")
def export_reviewed_cmd(
    output: Path = typer.Option(..., "--output", "-o", help="JSONL file to write (LABEL_GUIDE.md format)."),
    agency: str | None = typer.Option(None, "--agency", help="Only this agency's items (agency code)."),
) -> None:
    """Write decided items as labelled JSONL for retraining the classifier."""
    require_current_schema()
    if not output.parent.exists():
        fail(f"--output: directory {output.parent} does not exist")
    with session_scope() as session:
        agency_id = None
        if agency:
            agency_id = session.scalar(select(Agency.id).where(Agency.code == agency))
            if agency_id is None:
                fail(f"--agency: no agency with code {agency!r}")
        result = export_reviewed(session, output, agency_id)
    for item_id, why in result.skipped:
        err_console.print(f"skipped review item {item_id}: {why}", highlight=False)
    console.print(f"wrote {result.written} labelled examples to {output} ({len(result.skipped)} skipped)")
