"""``netra export activities``: every collected act of a declared account, as JSONL or CSV.

The record is the contract of ``docs/interfaces.md`` (agencies' own analyses
and acceptance checks read it): exactly :data:`FIELDS`, classification fields
filled once the activity was classified (the latest classification) and
queued (its review item's status). Run for a user, it sees only what that
user may see in the web app (``monitor.access.scoping``), and the export is audit-logged.
CSV is opened in spreadsheets, so a text that would run as a formula gets a
leading apostrophe (``reports.cells``) unless ``raw`` asks for the bytes as
captured (for programs, which read no formulas).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from monitor.config import get_settings
from monitor.db.schema import Account, Activity, Agency, Classification, Employee, Evidence, Post, ReviewItem, User
from reports.cells import neutralise

FIELDS = (
    "platform", "handle", "nip", "kind", "external_id", "url", "text", "context", "occurred_at", "captured_at",
    "evidence_sha256", "flagged", "score", "stance", "candidate", "review_status",
)
FORMATS = ("jsonl", "csv")
BATCH = 500


class ExportRefused(PermissionError):
    """The user may not export, or asked for an agency outside their scope."""


@dataclass(frozen=True)
class ActivityFilter:
    agency: str | None = None  # agency id or code
    platform: str | None = None
    since: date | None = None
    as_user: str | None = None


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(get_settings().timezone)).isoformat()


def _resolve_agency(session: Session, agency: str) -> int:
    row = session.get(Agency, int(agency)) if agency.isdigit() else None
    if row is None:
        row = session.scalar(select(Agency).where(Agency.code == agency))
    if row is None:
        raise LookupError(f"no agency with id or code {agency!r}")
    return row.id


def _query(session: Session, flt: ActivityFilter) -> Select[Any]:
    own, target = aliased(Post), aliased(Post)
    latest = (
        select(Classification.activity_id, func.max(Classification.id).label("cid"))
        .group_by(Classification.activity_id).subquery()
    )
    query = (
        select(Activity, Account.platform, Account.handle, Employee.nip, own.external_id, own.url,
               target.external_id, target.url, Evidence.sha256, Classification, ReviewItem.status)
        .join(Account, Account.id == Activity.account_id)
        .join(Employee, Employee.id == Account.employee_id)
        .outerjoin(own, own.id == Activity.post_id)
        .outerjoin(target, target.id == Activity.target_post_id)
        .outerjoin(Evidence, Evidence.id == Activity.evidence_id)
        .outerjoin(latest, latest.c.activity_id == Activity.id)
        .outerjoin(Classification, Classification.id == latest.c.cid)
        .outerjoin(ReviewItem, ReviewItem.activity_id == Activity.id)
        .order_by(Activity.id)
    )
    if flt.agency:
        query = query.where(Employee.agency_id == _resolve_agency(session, flt.agency))
    if flt.platform:
        query = query.where(Account.platform == flt.platform)
    if flt.since:
        start = datetime.combine(flt.since, time.min, tzinfo=ZoneInfo(get_settings().timezone))
        # A like without a public time (Mastodon favourites) counts from when it was captured.
        query = query.where(or_(Activity.occurred_at >= start,
                                (Activity.occurred_at.is_(None)) & (Activity.captured_at >= start)))
    if flt.as_user:
        from monitor.access.scoping import can, visible_agency_ids

        user = session.scalar(select(User).where(User.username == flt.as_user))
        if user is None:
            raise ExportRefused(f"no user {flt.as_user!r}")
        if not can(user, "export"):
            raise ExportRefused(f"user {flt.as_user!r} may not export")
        visible = visible_agency_ids(session, user)
        if visible is not None:
            query = query.where(Employee.agency_id.in_(sorted(visible) or [-1]))
    return query


def activity_records(session: Session, flt: ActivityFilter) -> Iterator[dict[str, Any]]:
    """The export records, oldest activity first, read in batches."""
    rows = session.execute(_query(session, flt).execution_options(yield_per=BATCH))
    for (act, platform, handle, nip, own_id, own_url, target_id, target_url, sha, cls, review) in rows:
        yield {
            "platform": platform,
            "handle": handle,
            "nip": nip,
            "kind": act.kind,
            # interfaces.md: the platform's id of the post acted on (liked, shared, commented on), else the own post.
            "external_id": target_id or own_id or act.external_id,
            "url": act.url or own_url or target_url,
            "text": act.text,
            "context": act.context_text,
            "occurred_at": _iso(act.occurred_at),
            "captured_at": _iso(act.captured_at),
            "evidence_sha256": sha,
            "flagged": cls.flagged if cls else None,
            "score": cls.score if cls else None,
            "stance": cls.stance if cls else None,
            "candidate": cls.candidate if cls else None,
            "review_status": review,
        }


def _csv_value(value: Any, raw: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return value if raw else neutralise(value)


def write_records(records: Iterator[dict[str, Any]], fmt: str, out: TextIO, *, raw: bool = False) -> int:
    """Write JSONL (one object per line) or CSV (header row; empty cell for null); returns the count.

    CSV cells are formula-guarded unless ``raw``; JSONL is always as captured.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    count = 0
    if fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: _csv_value(v, raw) for k, v in record.items()})
        count += 1
    return count


def export_activities(session: Session, flt: ActivityFilter, fmt: str, out: TextIO, *, raw: bool = False) -> int:
    """Write the filtered activities and record the export in the audit log."""
    count = write_records(activity_records(session, flt), fmt, out, raw=raw)
    from monitor.access.audit_log import record

    user = session.scalar(select(User).where(User.username == flt.as_user)) if flt.as_user else None
    record(session, "export_activities", user=user, username=None if user else "cli",
           object_type="activity", detail={"agency": flt.agency, "platform": flt.platform,
                                           "since": flt.since.isoformat() if flt.since else None,
                                           "format": fmt, "raw": raw, "records": count})
    return count
