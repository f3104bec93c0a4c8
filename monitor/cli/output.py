"""How commands print lists and show progress.

List commands declare their records and :class:`Column`\\ s and call
:func:`show_records`: ``--format table`` is a Rich table for people, ``json``
and ``csv`` print every field of every record for programs. Ids that other
commands take (NIPs, handles, agency codes, usernames, job ids) are never cut:
a narrow table folds them onto more lines, and a table printed to a pipe or
file is as wide as it needs to be.

:func:`progress` is a Rich progress display on standard error, shown only on a
terminal and without ``--quiet``, so what a command writes to standard output
stays clean for programs.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.measure import Measurement
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from monitor.cli.common import console, err_console, state

UNBOUNDED = 100_000  # columns: "as wide as the content"


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FORMAT_OPTION = typer.Option(
    Format.table, "--format", case_sensitive=False,
    help="table (for people), or json / csv: every field of every record, for programs.",
)


def table_text(value: Any) -> str:
    """How a table writes a value: empty for none, "yes" for true, lists joined, times to the second."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, list | tuple):
        return ", ".join(table_text(v) for v in value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    return str(value)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(_csv_text(v) for v in value)
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


@dataclass(frozen=True)
class Column:
    """One field of a listed record."""

    key: str  # the field name in json and csv
    header: str = ""  # the table heading (default: the key)
    ident: bool = False  # an id other commands take: never cut in the table
    in_table: bool = True  # json/csv carry every field; the table can leave some out
    justify: str = "left"
    text: Callable[[Mapping[str, Any]], str] | None = None  # how the table writes it, from the whole record


def _table(records: Sequence[Mapping[str, Any]], columns: Sequence[Column], title: str | None) -> Table:
    shown = [c for c in columns if c.in_table]
    table = Table(title=title)
    for column in shown:
        # fold: a long id breaks onto the next line instead of being cut short with an ellipsis.
        table.add_column(column.header or column.key, justify=column.justify,  # type: ignore[arg-type]
                         overflow="fold" if column.ident else "ellipsis", no_wrap=False)
    for record in records:
        table.add_row(*[c.text(record) if c.text else table_text(record.get(c.key)) for c in shown])
    return table


def show_records(records: Sequence[Mapping[str, Any]], columns: Sequence[Column], fmt: Format, *,
                 title: str | None = None, summary: str | None = None) -> None:
    """Print ``records`` in ``fmt``; ``summary`` follows the table (machine formats print records only)."""
    if fmt is Format.json:
        rows = [{c.key: _json_value(r.get(c.key)) for c in columns} for r in records]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif fmt is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([c.key for c in columns])
        writer.writerows([[_csv_text(r.get(c.key)) for c in columns] for r in records])
    else:
        table = _table(records, columns, title)
        if console.is_terminal:
            console.print(table)
        else:
            # A pipe or file has no width to fit: print whole lines rather than folded ids.
            natural = Measurement.get(console, console.options.update_width(UNBOUNDED), table).maximum
            Console(width=max(console.width, natural)).print(table)
        if summary:
            console.print(summary)
    sys.stdout.flush()


class Bar:
    """One task of a progress display: ``advance`` it, or name the ``step`` it is at."""

    def __init__(self, progress: Progress, task: TaskID):
        self._progress = progress
        self._task = task
        self._steps = 0

    def advance(self, amount: float = 1) -> None:
        self._progress.advance(self._task, amount)

    def step(self, description: str) -> None:
        """The next of a fixed sequence of steps: count the previous one done and show this one."""
        if self._steps:
            self._progress.advance(self._task, 1)
        self._steps += 1
        self._progress.update(self._task, description=description)


def progress_enabled() -> bool:
    return err_console.is_terminal and not state.quiet


@contextmanager
def progress(description: str, total: float | None = None, *, unit: str = "") -> Iterator[Bar]:
    """A progress display on standard error for one long task (nothing when stderr is no terminal, or --quiet)."""
    count = TextColumn("{task.completed:.0f}/{task.total:.0f} " + unit if total else "{task.completed:.0f} " + unit)
    display = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), count,
                       TimeElapsedColumn(), console=err_console, transient=True, disable=not progress_enabled())
    with display:
        yield Bar(display, display.add_task(description, total=total))
