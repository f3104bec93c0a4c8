"""Where rendered reports live: ``$NETRA_HOME/reports/<period>/<generation>/…``, a Report row and SHA-256 each.

``list_reports`` is the service the web app calls to list what a user may download:
an agency's own reports for its auditors, combined reports only for those who see every agency.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from monitor.config import get_settings
from monitor.db.schema import Report
from monitor.db.types import utcnow


def report_dir(period_label: str, kind: str = "weekly") -> Path:
    base = get_settings().home / "reports"
    path = base / period_label if kind == "weekly" else base / kind / period_label
    path.mkdir(parents=True, exist_ok=True)
    return path


def generation_dir(period_label: str, kind: str, generated_at: datetime, stem: str) -> Path:
    """A new directory for one generation of a report: ``<period dir>/<YYYYmmddTHHMMSS WIB>[-n]/``.

    Every generation keeps its own files, so a rebuilt report never replaces the one people
    downloaded before (the web app lists both, with their hashes). Reports made in one run share
    the moment and so the directory; ``-2``, ``-3`` … only when ``stem`` is already there.
    """
    from reports.period import WIB

    base = report_dir(period_label, kind) / f"{generated_at.astimezone(WIB):%Y%m%dT%H%M%S}"
    for n in range(1, 1000):
        path = base if n == 1 else base.with_name(f"{base.name}-{n}")
        path.mkdir(parents=True, exist_ok=True)
        try:
            # Claimed atomically: the scheduler and a web user building the same report in the same
            # second get different directories instead of writing over each other's files.
            (path / f".{stem}.claim").open("x").close()
        except FileExistsError:
            continue
        return path
    raise RuntimeError(f"no free generation directory for {stem} under {base.parent}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def record_file(
    session: Session,
    path: Path,
    *,
    kind: str,
    agency_id: int | None,
    period_label: str,
    period_start: datetime,
    period_end: datetime,
    created_by: str | None,
) -> Report:
    """Add (or, for a rebuilt file at the same path, refresh) the Report row of one file."""
    fmt = path.suffix.lstrip(".").lower()
    row = session.scalar(select(Report).where(Report.path == str(path)))
    if row is None:
        row = Report(path=str(path))
        session.add(row)
    row.kind = kind
    row.agency_id = agency_id
    row.period_label = period_label
    row.period_start = period_start
    row.period_end = period_end
    row.format = fmt
    row.sha256 = sha256_of(path)
    row.created_at = utcnow()
    row.created_by = created_by
    session.flush()
    return row


def record_files(session: Session, paths: Iterable[Path], **meta: object) -> list[Report]:
    return [record_file(session, p, **meta) for p in paths]  # type: ignore[arg-type]


def list_reports(
    session: Session,
    agency_ids: frozenset[int] | set[int] | None,
    *,
    kind: str | None = None,
    include_combined: bool | None = None,
) -> list[Report]:
    """Reports visible to someone who sees ``agency_ids`` (``None``: every agency), newest period first.

    Combined reports (no agency) hold every agency's figures, so by default only a user who
    sees all agencies gets them. Self-audit reports are their agency's own, like any other.
    """
    stmt = select(Report)
    if kind is not None:
        stmt = stmt.where(Report.kind == kind)
    if include_combined is None:
        include_combined = agency_ids is None
    if agency_ids is not None:
        scoped = Report.agency_id.in_(sorted(agency_ids))
        stmt = stmt.where(or_(scoped, Report.agency_id.is_(None)) if include_combined else scoped)
    elif not include_combined:
        stmt = stmt.where(Report.agency_id.is_not(None))
    stmt = stmt.order_by(Report.period_start.desc(), Report.kind, Report.agency_id, Report.format, Report.id)
    return list(session.scalars(stmt))
