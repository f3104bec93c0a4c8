"""The one formula guard for every spreadsheet and CSV Netra writes (reports, web exports, ``export activities``).

Captured posts, registry names and reviewers' notes are other people's text. A
spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, after a leading tab or carriage return, whatever follows) as a formula —
``=HYPERLINK(…)`` phones home, ``=cmd|…`` runs a program (CSV/formula
injection, OWASP). Such a text is written with a leading apostrophe, which the
reader sees and no spreadsheet evaluates; in XLSX the cell is also stored as a
string cell, never as a formula. Numbers, booleans and empty cells pass as they
are. This module sits in ``reports`` so both ``reports`` and ``monitor`` use it
(``reports`` may import nothing of ``monitor`` above its database layer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# OWASP's list of characters that start a formula in Excel, LibreOffice or Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What marks real formula syntax after a sign: a call, a DDE pipe, a sheet reference, an operator.
_FORMULA_BODY = re.compile(r"[(|!=]|\d\s*[-+*/^]")
# Characters XML 1.0 cannot hold (openpyxl refuses them): C0 controls except tab, newline, carriage return.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: Any) -> Any:
    """``value`` as a spreadsheet shows it but never runs it: a formula-looking text gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def looks_like_formula(text: str) -> bool:
    """Whether ``text`` (a name, unit or position from a registry file) is a spreadsheet formula, not data.

    Narrower than :func:`neutralise`, which guards output: a lone ``-`` is how many agencies write
    "none" in a position column, and ``- (kosong)`` a list marker; both must stay importable. ``=``
    always starts a formula; ``+``, ``-`` and ``@`` do when formula syntax follows at once
    (``+HYPERLINK(…)``, ``-2+3``, ``@SUM(…)``, ``-cmd|…``).
    """
    stripped = text.lstrip()
    if not stripped:
        return False
    if stripped[0] == "=":
        return True
    rest = stripped[1:]
    return stripped[0] in "+-@" and rest[:1].strip() != "" and _FORMULA_BODY.search(rest) is not None


def sheet_row(worksheet: Any, values: Iterable[Any]) -> list[Any]:
    """Cells for ``worksheet.append`` (openpyxl, normal or write-only): guarded, texts as string cells.

    Setting ``data_type`` after the value is what keeps openpyxl from storing a text that starts
    with ``=`` as a formula; XML-illegal control characters (a NUL in a captured post) are dropped
    because openpyxl refuses the whole workbook over them.
    """
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        if isinstance(value, str):
            value = _XML_ILLEGAL.sub("", value)  # first, so a NUL cannot hide a leading "=" from the guard
        value = neutralise(value)
        cell = WriteOnlyCell(worksheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells
