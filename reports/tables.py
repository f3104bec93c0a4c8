"""A report's tables, described once and written twice: XLSX for people, CSV for machines.

Each :class:`Column` has a stable machine key (the CSV header) and an Indonesian header (the
XLSX header), and a type that decides how a value is written: a ``datetime`` cell in WIB for
people, ISO 8601 with the offset for machines. Code columns (``people=False``) go to the CSV
only; the XLSX has their labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

ColumnType = Literal["text", "int", "float", "pct", "datetime", "date"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    type: ColumnType = "text"
    people: bool = True
    width: int | None = None  # XLSX column width in characters; None: fitted to the content


@dataclass
class Table:
    name: str  # CSV file name (without .csv), snake_case
    title: str  # XLSX sheet title (at most 31 characters)
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.title) > 31:
            raise ValueError(f"sheet title {self.title!r} is longer than Excel's 31 characters")
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.name}: a row of {len(row)} values for {len(self.columns)} columns")

    def add(self, *values: Any) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"table {self.name}: {len(values)} values for {len(self.columns)} columns")
        self.rows.append(list(values))

    def people_view(self) -> tuple[list[Column], list[list[Any]]]:
        """The columns and rows of the XLSX sheet: code columns left out."""
        keep = [i for i, c in enumerate(self.columns) if c.people]
        return [self.columns[i] for i in keep], [[row[i] for i in keep] for row in self.rows]


def table(name: str, title: str, columns: Sequence[Column | tuple[Any, ...]]) -> Table:
    """A table from ``Column`` objects or ``(key, header[, type[, people]])`` tuples."""
    cols = [c if isinstance(c, Column) else Column(*c) for c in columns]
    return Table(name=name, title=title, columns=cols)
