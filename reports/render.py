"""Rendering reports: Jinja2 HTML, PDF via WeasyPrint, and the tables as one XLSX workbook and a ZIP of CSVs."""

from __future__ import annotations

import base64
import csv
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reports.cells import neutralise, sheet_row
from reports.period import WIB, format_date, format_moment, format_wib
from reports.tables import Column, Table

TEMPLATES = Path(__file__).with_name("templates")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["wib"] = format_wib
    env.filters["tanggal"] = format_date
    env.filters["saat"] = format_moment
    env.filters["angka"] = format_number
    env.filters["selisih"] = format_change
    env.filters["persen"] = format_share
    return env


def format_number(n: Any) -> Any:
    """``12345`` → ``12.345`` (Indonesian thousands separator)."""
    return f"{n:,}".replace(",", ".") if isinstance(n, int) and not isinstance(n, bool) else n


def format_change(n: int) -> str:
    """A change against the previous period: ``+3``, ``−2`` or ``tetap``."""
    if n == 0:
        return "tetap"
    return f"+{format_number(n)}" if n > 0 else f"−{format_number(-n)}"


def format_share(share: float | None) -> str:
    """``0.755`` → ``76%``; no accounts → ``—``."""
    return "—" if share is None else f"{round(share * 100)}%"


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(template: str, context: Mapping[str, Any]) -> str:
    return _environment().get_template(template).render(**context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()  # type: ignore[no-any-return]


def _local(moment: datetime) -> datetime:
    """A WIB wall-clock time, whole seconds: what a spreadsheet cell or an ISO text shows."""
    return moment.astimezone(WIB).replace(microsecond=0)


def csv_value(value: Any, column: Column | None = None) -> Any:
    """A value as the machine CSV writes it: ISO 8601 times with the WIB offset, guarded text."""
    if isinstance(value, datetime):
        return _local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float) and column is not None and column.type == "pct":
        return f"{value:.4f}"
    # Names, posts and notes in a report are other people's text: never a live formula (reports.cells).
    return neutralise(value)


def write_csv(table: Table, fh: TextIO, separator: str) -> None:
    writer = csv.writer(fh, delimiter=separator, lineterminator="\r\n")
    writer.writerow([neutralise(c.key) for c in table.columns])
    writer.writerows([[csv_value(v, c) for v, c in zip(row, table.columns, strict=True)] for row in table.rows])


def write_csv_zip(tables: Sequence[Table], path: Path, separator: str | None = None) -> Path:
    """One CSV per table in one ZIP: ``<table>.csv``, UTF-8 with BOM, ``separator`` (default: the setting)."""
    if separator is None:
        from monitor.config import get_settings

        separator = get_settings().report_csv_separator
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for t in tables:
            buf = io.StringIO()
            write_csv(t, buf, separator)
            # The BOM lets a spreadsheet program opened on the file by hand read accents and emoji right.
            archive.writestr(f"{t.name}.csv", ("\ufeff" + buf.getvalue()).encode("utf-8"))
    return path


NUMBER_FORMATS = {"datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd", "pct": "0%", "float": "0.0"}


def _xlsx_value(value: Any) -> Any:
    # Excel has no time zones: a WIB wall-clock time, and the header says "(WIB)".
    if isinstance(value, datetime):
        return _local(value).replace(tzinfo=None)
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return value


def write_xlsx(tables: Sequence[Table], path: Path) -> Path:
    """One workbook, one sheet per table: Indonesian headers, frozen header row, autofilter, typed cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    wb = Workbook()
    wb.remove(wb.active)
    for t in tables:
        columns, rows = t.people_view()
        ws = wb.create_sheet(title=t.title)
        ws.append(sheet_row(ws, [c.header for c in columns]))
        for cell in ws[1]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for row in rows:
            ws.append(sheet_row(ws, [_xlsx_value(v) for v in row]))
        for i, column in enumerate(columns, start=1):
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                # A moment in a mixed column (the Keterangan sheet) is a date-time cell too.
                kind = "datetime" if isinstance(cell.value, datetime) else column.type
                if kind in NUMBER_FORMATS and not isinstance(cell.value, str):
                    cell.number_format = NUMBER_FORMATS[kind]
            if column.width is not None:
                width = column.width
            elif column.type == "datetime":
                width = 17
            else:
                width = min(max([len(column.header)] + [len(str(r[i - 1])) for r in rows[:200]] + [6]) + 2, 60)
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        last = get_column_letter(max(len(columns), 1))
        ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    wb.save(path)
    return path


def render_bundle(template: str, context: Mapping[str, Any], tables: Sequence[Table], directory: Path,
                  stem: str) -> list[Path]:
    """The report's bundle: HTML, PDF, XLSX (one sheet per table) and a ZIP of CSVs (one per table).

    Files are written under a temporary name and renamed, so a crash never leaves half a report.
    """
    html = render_html(template, context)
    outputs: list[Path] = []

    def _write(path: Path, make: Callable[[Path], object]) -> None:
        tmp = path.with_name(path.name + ".part")
        make(tmp)
        tmp.replace(path)
        outputs.append(path)

    _write(directory / f"{stem}.html", lambda p: p.write_bytes(html.encode("utf-8")))
    _write(directory / f"{stem}.pdf", lambda p: p.write_bytes(html_to_pdf(html)))
    _write(directory / f"{stem}.xlsx", lambda p: write_xlsx(tables, p))
    _write(directory / f"{stem}-csv.zip", lambda p: write_csv_zip(tables, p))
    return outputs
