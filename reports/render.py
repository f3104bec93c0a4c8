"""Rendering reports: Jinja2 HTML, PDF via WeasyPrint, CSV and XLSX of the underlying tables."""

from __future__ import annotations

import base64
import csv
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reports.cells import neutralise, sheet_row
from reports.period import format_date, format_wib

TEMPLATES = Path(__file__).with_name("templates")
Tables = Mapping[str, tuple[list[str], list[list[Any]]]]


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
    env.filters["angka"] = lambda n: f"{n:,}".replace(",", ".") if isinstance(n, int) else n
    return env


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(template: str, context: Mapping[str, Any]) -> str:
    return _environment().get_template(template).render(**context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()  # type: ignore[no-any-return]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _csv_cell(value: Any) -> Any:
    # Names, posts and notes in a report are other people's text: never a live formula (reports.cells).
    return neutralise(_cell(value))


def write_csv(headers: list[str], rows: list[list[Any]], path: Path) -> Path:
    # utf-8-sig so spreadsheet programs open Indonesian text correctly.
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow([neutralise(h) for h in headers])
        writer.writerows([[_csv_cell(v) for v in row] for row in rows])
    return path


def write_xlsx(tables: Tables, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, (headers, rows) in tables.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append(sheet_row(ws, headers))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(sheet_row(ws, [_cell(v) for v in row]))
        ws.freeze_panes = "A2"
        for i, header in enumerate(headers, start=1):
            width = max([len(str(header))] + [len(str(r[i - 1])) for r in rows[:200]] + [6])
            ws.column_dimensions[get_column_letter(i)].width = min(width + 2, 60)
    wb.save(path)
    return path


def render_bundle(template: str, context: Mapping[str, Any], tables: Tables, directory: Path,
                  stem: str) -> list[Path]:
    """HTML + PDF of the report and CSV (one per table) + XLSX (one sheet per table) of its data.

    Files are written under a temporary name and renamed, so a crash never leaves half a report.
    """
    html = render_html(template, context)
    outputs: list[Path] = []

    def _write(path: Path, data: bytes) -> None:
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        outputs.append(path)

    _write(directory / f"{stem}.html", html.encode("utf-8"))
    _write(directory / f"{stem}.pdf", html_to_pdf(html))
    for name, (headers, rows) in tables.items():
        tmp = directory / f"{stem}-{name}.csv.part"
        write_csv(headers, rows, tmp)
        final = directory / f"{stem}-{name}.csv"
        tmp.replace(final)
        outputs.append(final)
    tmp = directory / f"{stem}.xlsx.part"
    write_xlsx(tables, tmp)
    final = directory / f"{stem}.xlsx"
    tmp.replace(final)
    outputs.append(final)
    return outputs
