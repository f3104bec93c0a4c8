"""The reviewer statistics as CSV for people: one row per reviewer and a last row for everyone together.

A download for people like the queue and decisions downloads (monitor/exports/review_queue.py): column
headers and values in Bahasa Indonesia from the message catalogue (the role's label, never its code), a
decimal comma. Separated like the reports' CSV files (``report_csv_separator``, `;` by default, so Excel with
Indonesian regional settings opens it in columns; with `,` the decimals keep their point, as RFC 4180 tools
read them), UTF-8 with a BOM, every cell through the one formula guard (``reports.cells``): a reviewer's full
name is typed by an administrator and must never run. There is no machine export of these figures.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from monitor.db.schema import User
from monitor.i18n import _, label, labels
from monitor.review.stats import NO_PAIRS, ONE_CATEGORY, ReviewerLine, ReviewerStats
from reports.cells import neutralise

WEEK_PREFIX = "decisions_"
# Why kappa cannot be computed, in words (the page shows them too).
KAPPA_REASONS = labels("kappa_reason", (NO_PAIRS, ONE_CATEGORY))


def not_computable() -> str:
    """What stands where kappa cannot be computed (page and CSV)."""
    return _("cannot be computed")


def columns(stats: ReviewerStats) -> tuple[str, ...]:
    """The columns' codes (``decisions_<ISO week>`` per week); :func:`header` is what people read."""
    return ("username", "name", "role", "decisions", "decisions_per_week",
            *(f"{WEEK_PREFIX}{w.label}" for w in stats.weeks),
            "median_queue_to_decision_min", "decisions_with_claim", "median_claim_to_decision_min",
            "four_eyes_pairs", "four_eyes_agreed", "agreement_rate", "kappa", "kappa_note",
            "answered", "reversed", "reversed_by_reviewer", "reversed_by_supervisor", "reversal_rate",
            "date_from", "date_to")


def header(stats: ReviewerStats, column: str) -> str:
    weeks = {f"{WEEK_PREFIX}{w.label}": w.label for w in stats.weeks}
    if column in weeks:
        return _("Decisions in week {week}", week=weeks[column])
    return label("export_column", column)


def _minutes(seconds: float | None) -> float | str:
    return "" if seconds is None else round(seconds / 60, 1)


def _rate(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


def row(stats: ReviewerStats, line: ReviewerLine, user: User | None) -> dict[str, Any]:
    kappa = line.kappa
    out: dict[str, Any] = {
        "username": user.username if user else "",
        "name": (user.full_name or user.username) if user else _("All reviewers"),
        "role": label("role", user.role) if user else "",
        "decisions": line.decisions,
        "decisions_per_week": round(line.per_week_average, 2),
        "median_queue_to_decision_min": _minutes(line.median_queue_seconds),
        "decisions_with_claim": line.with_claim,
        "median_claim_to_decision_min": _minutes(line.median_claim_seconds),
        "four_eyes_pairs": line.pairs,
        "four_eyes_agreed": line.pairs_agreed,
        "agreement_rate": _rate(line.agreement_rate),
        "kappa": not_computable() if kappa.value is None else round(kappa.value, 4),
        "kappa_note": KAPPA_REASONS.get(kappa.reason, kappa.reason) if kappa.reason else "",
        "answered": line.answered,
        "reversed": line.reversed,
        "reversed_by_reviewer": line.reversed_by_reviewer,
        "reversed_by_supervisor": line.reversed_by_supervisor,
        "reversal_rate": _rate(line.reversal_rate),
        "date_from": stats.window.date_from.isoformat(),
        "date_to": stats.window.date_to.isoformat(),
    }
    out |= {f"{WEEK_PREFIX}{w.label}": line.per_week[w.label] for w in stats.weeks}
    return out


def to_csv(stats: ReviewerStats, lines: list[ReviewerLine], users: dict[int, User], separator: str) -> bytes:
    """``lines`` in the order the page shows them, then the total row."""
    names = columns(stats)
    comma = separator != ","  # a decimal comma, unless the comma separates the cells

    def cell(value: Any) -> Any:
        return str(value).replace(".", ",") if comma and isinstance(value, float) else value

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=separator, lineterminator="\r\n")
    writer.writerow([neutralise(header(stats, c)) for c in names])
    for line in [*lines, stats.total]:
        values = row(stats, line, users.get(line.reviewer_id) if line.reviewer_id is not None else None)
        writer.writerow([neutralise(cell(values[c])) for c in names])
    # A BOM so spreadsheet programs read the UTF-8 (names with accents) correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
