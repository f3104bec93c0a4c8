"""The reviewer statistics as CSV: one row per reviewer and a last row for everyone together.

Separated like the reports' CSV files (``report_csv_separator``, `;` by default, so Excel with Indonesian
regional settings opens it in columns), UTF-8 with a BOM, decimals with a point, every cell through the one
formula guard (``reports.cells``): a reviewer's full name is typed by an administrator and must never run.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from monitor.db.schema import User
from monitor.review.stats import ReviewerLine, ReviewerStats
from reports.cells import neutralise

NOT_COMPUTABLE = "tidak dapat dihitung"
EVERYONE = "semua"


def columns(stats: ReviewerStats) -> tuple[str, ...]:
    return ("reviewer", "name", "role", "decisions", "decisions_per_week",
            *(f"decisions_{w.label}" for w in stats.weeks),
            "median_queue_to_decision_min", "decisions_with_claim", "median_claim_to_decision_min",
            "four_eyes_pairs", "four_eyes_agreed", "agreement_rate", "kappa", "kappa_note",
            "answered", "reversed", "reversed_by_reviewer", "reversed_by_supervisor", "reversal_rate",
            "date_from", "date_to")


def _minutes(seconds: float | None) -> float | str:
    return "" if seconds is None else round(seconds / 60, 1)


def _rate(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


def row(stats: ReviewerStats, line: ReviewerLine, user: User | None) -> dict[str, Any]:
    kappa = line.kappa
    out: dict[str, Any] = {
        "reviewer": user.username if user else EVERYONE,
        "name": (user.full_name or user.username) if user else "",
        "role": user.role if user else "",
        "decisions": line.decisions,
        "decisions_per_week": round(line.per_week_average, 2),
        "median_queue_to_decision_min": _minutes(line.median_queue_seconds),
        "decisions_with_claim": line.with_claim,
        "median_claim_to_decision_min": _minutes(line.median_claim_seconds),
        "four_eyes_pairs": line.pairs,
        "four_eyes_agreed": line.pairs_agreed,
        "agreement_rate": _rate(line.agreement_rate),
        "kappa": NOT_COMPUTABLE if kappa.value is None else round(kappa.value, 4),
        "kappa_note": kappa.reason or "",
        "answered": line.answered,
        "reversed": line.reversed,
        "reversed_by_reviewer": line.reversed_by_reviewer,
        "reversed_by_supervisor": line.reversed_by_supervisor,
        "reversal_rate": _rate(line.reversal_rate),
        "date_from": stats.window.date_from.isoformat(),
        "date_to": stats.window.date_to.isoformat(),
    }
    out |= {f"decisions_{w.label}": line.per_week[w.label] for w in stats.weeks}
    return out


def to_csv(stats: ReviewerStats, lines: list[ReviewerLine], users: dict[int, User], separator: str) -> bytes:
    """``lines`` in the order the page shows them, then the total row."""
    names = columns(stats)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=separator, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in names])
    for line in [*lines, stats.total]:
        values = row(stats, line, users.get(line.reviewer_id) if line.reviewer_id is not None else None)
        writer.writerow([neutralise(values[c]) for c in names])
    # A BOM so spreadsheet programs read the UTF-8 (names with accents) correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
