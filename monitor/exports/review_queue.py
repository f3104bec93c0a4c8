"""The filtered queue and its decisions as CSV and XLSX, under the same scoping as the web app.

These downloads are for people: column headers and values are in Bahasa Indonesia (the message
catalogue's labels, never the stored codes), the CSV uses ``;`` between cells and a decimal comma
as spreadsheets in an Indonesian locale expect. The machine exports with codes are the JSON API
and ``netra export`` (docs/interfaces.md).

Nothing outside the user's scope is ever read; identities appear only for roles
allowed to see them. Cells that a spreadsheet would run as a formula are
prefixed with an apostrophe (CSV/formula injection from captured text; the
one guard of every writer, ``reports.cells``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from monitor.access.scoping import can, claim_holder
from monitor.config import get_settings
from monitor.db.schema import Account, Activity, Decision, Employee, ReviewItem, User
from monitor.db.vocabulary import (
    FOUR_EYES_LABELS,
    KIND_LABELS,
    NOT_BREACH_REASONS,
    REGISTER_LABELS,
    STANCE_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    VIOLATIONS,
    parse_clauses,
)
from monitor.i18n import _, label
from monitor.review.decisions import counted_filter
from monitor.review.queue import QueueFilters, filtered_item_ids
from reports.cells import neutralise, sheet_row
from reports.labels import clauses_inline, platform_label, violation_short

IDENTITY_COLUMNS = ("nip", "name", "unit", "position")
QUEUE_COLUMNS = (
    "item_id", "status", "priority", "agency", "nip", "name", "unit", "position", "platform", "handle", "kind",
    "occurred_at", "url", "text", "context", "score", "stance", "hate", "candidate", "party", "model_version",
    "assignee", "verdict", "violation_code",
)
DECISION_COLUMNS = (
    "decision_id", "item_id", "agency", "nip", "name", "platform", "handle", "kind", "occurred_at", "url",
    "verdict", "violation_code", "violation_label", "clause", "register", "candidate", "party", "reason", "note",
    "reviewer", "decided_at", "supersedes_id", "four_eyes",
)
_CHUNK = 500


def _local(moment: datetime | None) -> str:
    """Local time (WIB by default) as people read it and spreadsheets sort it: ``2029-10-01 19:30``."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(get_settings().timezone)).strftime("%Y-%m-%d %H:%M")


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _candidates(session: Session) -> dict[str, str]:
    from reports.weekly import candidate_labels  # the weekly report's "No. 2 — Name & Name", loaded when exporting

    return candidate_labels(session)


def columns_for(user: User, columns: tuple[str, ...]) -> tuple[str, ...]:
    if can(user, "view_identity"):
        return columns
    return tuple(c for c in columns if c not in IDENTITY_COLUMNS)


def _items(session: Session, ids: list[int]) -> Iterator[ReviewItem]:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        loaded = {
            it.id: it
            for it in session.scalars(
                select(ReviewItem).where(ReviewItem.id.in_(chunk)).options(
                    joinedload(ReviewItem.activity).joinedload(Activity.account).joinedload(Account.employee)
                    .joinedload(Employee.agency),
                    joinedload(ReviewItem.classification),
                )
            ).unique()
        }
        yield from (loaded[i] for i in chunk)


def _usernames(session: Session) -> dict[int, str]:
    return {uid: name for uid, name in session.execute(select(User.id, User.username))}


def _latest_decisions(session: Session, ids: list[int]) -> dict[int, Decision]:
    """Each item's latest decision that counts: a verdict still awaiting its second reviewer (four eyes) is not one."""
    latest: dict[int, Decision] = {}
    for start in range(0, len(ids), _CHUNK):
        for d in session.scalars(
            select(Decision).where(Decision.review_item_id.in_(ids[start:start + _CHUNK]), counted_filter())
            .order_by(Decision.id)
        ):
            latest[d.review_item_id] = d
    return latest


def _act_fields(item: ReviewItem) -> dict[str, Any]:
    act = item.activity
    emp = act.account.employee
    return {
        "item_id": item.id, "agency": emp.agency.name, "nip": emp.nip, "name": emp.name, "unit": emp.unit or "",
        "position": emp.position or "", "platform": platform_label(act.account.platform),
        "handle": act.account.handle, "kind": KIND_LABELS.get(act.kind, act.kind),
        "occurred_at": _local(act.occurred_at), "url": act.url or "",
    }


def queue_rows(session: Session, user: User, filters: QueueFilters) -> Iterator[dict[str, Any]]:
    ids = filtered_item_ids(session, user, filters)
    latest = _latest_decisions(session, ids)
    names = _usernames(session)
    candidates = _candidates(session)
    for item in _items(session, ids):
        cls = item.classification
        decision = latest.get(item.id)
        yield _act_fields(item) | {
            "status": STATUS_LABELS.get(item.status, item.status), "priority": item.priority,
            "text": item.activity.text or "", "context": item.activity.context_text or "",
            "score": round(cls.score, 4), "stance": STANCE_LABELS.get(cls.stance, cls.stance),
            "hate": _yes_no(cls.hate), "candidate": candidates.get(cls.candidate or "", cls.candidate or ""),
            "party": cls.party or "", "model_version": cls.model_version,
            # A claim that ran out keeps assignee_id (who held it), but nobody holds the item any more.
            "assignee": names.get(claim_holder(item) or 0, ""),
            "verdict": VERDICT_LABELS[decision.verdict] if decision else "",
            "violation_code": violation_short(decision.violation_code) if decision and decision.violation_code
            else "",
        }


def decision_rows(session: Session, user: User, filters: QueueFilters) -> Iterator[dict[str, Any]]:
    ids = filtered_item_ids(session, user, filters)
    names = _usernames(session)
    candidates = _candidates(session)
    items = {it.id: it for it in _items(session, ids)}
    for start in range(0, len(ids), _CHUNK):
        for d in session.scalars(
            select(Decision).where(Decision.review_item_id.in_(ids[start:start + _CHUNK])).order_by(Decision.id)
        ):
            code = d.violation_code
            clauses = parse_clauses(d.clause)
            yield _act_fields(items[d.review_item_id]) | {
                "decision_id": d.id, "verdict": VERDICT_LABELS[d.verdict],
                "violation_code": violation_short(code) if code else "",
                "violation_label": VIOLATIONS[code].label if code in VIOLATIONS else "",
                "clause": clauses_inline(clauses) if clauses else "",
                "register": REGISTER_LABELS.get(d.register or "", d.register or ""),
                "candidate": candidates.get(d.candidate or "", d.candidate or ""), "party": d.party or "",
                "reason": NOT_BREACH_REASONS.get(d.reason or "", d.reason or ""), "note": d.note or "",
                "reviewer": names.get(d.reviewer_id, ""), "decided_at": _local(d.decided_at),
                "supersedes_id": d.supersedes_id or "",
                "four_eyes": FOUR_EYES_LABELS.get(d.four_eyes or "", d.four_eyes or ""),
            }


def headers(columns: tuple[str, ...]) -> list[str]:
    return [label("export_column", c) for c in columns]


def _csv_cell(value: Any) -> Any:
    """A decimal comma for fractions (0,97), as a spreadsheet in an Indonesian locale reads numbers."""
    return str(value).replace(".", ",") if isinstance(value, float) else value


def to_csv(rows: Iterator[dict[str, Any]], columns: tuple[str, ...]) -> tuple[bytes, int]:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(headers(columns))
    count = 0
    for row in rows:
        writer.writerow([neutralise(_csv_cell(row.get(c, ""))) for c in columns])
        count += 1
    # A BOM so spreadsheet programs read the UTF-8 (names, emoji) correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), count


def to_xlsx(rows: Iterator[dict[str, Any]], columns: tuple[str, ...], title: str) -> tuple[bytes, int]:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(label("export_sheet", title)[:31])
    ws.append(headers(columns))
    count = 0
    for row in rows:
        ws.append(sheet_row(ws, [row.get(c, "") for c in columns]))
        count += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), count
