"""Listing and serving stored report files: bundles for the page, integrity-checked opening for downloads.

Each rendered report is a bundle of files (HTML, PDF, XLSX and a ZIP of CSVs; older bundles one CSV
per table), each a ``Report`` row with the SHA-256 taken when it was written. Every generation is a
bundle of its own: the page shows the latest per period, kind and agency, with the earlier ones as
its history. A download re-hashes the file from the same open descriptor it then serves, so what
leaves the server is what was hashed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from monitor.db.schema import Report
from monitor.i18n import labels

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
FORMAT_ORDER = {"html": 0, "pdf": 1, "xlsx": 2, "csv": 3, "zip": 4}
KIND_LABELS = labels("report_kind")
FORMAT_LABELS = {"zip": "CSV (ZIP)"}
CSV_ZIP_SUFFIX = "-csv"  # reports.render.render_bundle names the CSV archive <stem>-csv.zip
CHUNK = 1 << 16


class ReportUnavailable(Exception):
    """The file is gone or no longer matches its recorded SHA-256; ``reason`` says which."""

    def __init__(self, reason: str, detail: dict[str, object]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class ReportFile:
    id: int
    format: str
    label: str  # "HTML", "PDF", "XLSX", "CSV (ZIP)", "CSV ringkasan" (older bundles), ...
    sha256: str
    name: str


@dataclass
class ReportBundle:
    """The files rendered together for one report (one agency or the combined one, one period)."""

    kind: str
    agency_id: int | None
    agency_label: str
    period_label: str
    period_start: datetime
    period_end: datetime
    created_at: datetime
    stem: str
    created_by: str | None = None
    files: list[ReportFile] = field(default_factory=list)
    history: list[ReportBundle] = field(default_factory=list)  # earlier generations, newest first

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass
class PeriodGroup:
    period_label: str
    period_start: datetime
    period_end: datetime
    bundles: list[ReportBundle] = field(default_factory=list)


def _bundle_stem(path: Path, stems: set[str]) -> tuple[str, str]:
    """(bundle stem, table name) of a file: ``mingguan-KAB-A-ringkasan.csv`` → ("mingguan-KAB-A", "ringkasan"),
    ``mingguan-KAB-A-2026-W47-csv.zip`` → ("mingguan-KAB-A-2026-W47", "")."""
    if path.suffix.lower() == ".zip":
        return path.stem.removesuffix(CSV_ZIP_SUFFIX), ""
    if path.suffix.lower() != ".csv":
        return path.stem, ""
    owners = [s for s in stems if path.stem.startswith(s + "-")]
    if not owners:
        return path.stem, ""
    stem = max(owners, key=len)
    return stem, path.stem[len(stem) + 1:]


def group_reports(reports: Sequence[Report], agency_labels: dict[int, str]) -> list[PeriodGroup]:
    """Reports grouped by period (newest first), then by bundle; formats in a fixed order."""
    stems_by_dir: dict[str, set[str]] = {}
    for r in reports:
        path = Path(r.path)
        if path.suffix.lower() not in (".csv", ".zip"):
            stems_by_dir.setdefault(str(path.parent), set()).add(path.stem)
    bundles: dict[tuple[str, str, str, int | None], ReportBundle] = {}
    for r in reports:
        path = Path(r.path)
        stem, table = _bundle_stem(path, stems_by_dir.get(str(path.parent), set()))
        key = (str(path.parent), stem, r.kind, r.agency_id)
        bundle = bundles.get(key)
        if bundle is None:
            label = agency_labels.get(r.agency_id, "—") if r.agency_id is not None else "Semua instansi (gabungan)"
            bundle = bundles[key] = ReportBundle(
                kind=r.kind, agency_id=r.agency_id, agency_label=label, period_label=r.period_label,
                period_start=r.period_start, period_end=r.period_end, created_at=r.created_at, stem=stem,
                created_by=r.created_by)
        bundle.created_at = max(bundle.created_at, r.created_at)
        label = FORMAT_LABELS.get(r.format, r.format.upper()) + (f" {table}" if table else "")
        bundle.files.append(ReportFile(id=r.id, format=r.format, label=label, sha256=r.sha256, name=path.name))
    # One report (period, kind, agency) built several times: the newest is shown, the others are its history.
    series: dict[tuple[str, str, int | None], list[ReportBundle]] = {}
    for bundle in bundles.values():
        bundle.files.sort(key=lambda f: (FORMAT_ORDER.get(f.format, 9), f.label))
        series.setdefault((bundle.period_label, bundle.kind, bundle.agency_id), []).append(bundle)
    latest = []
    for versions in series.values():
        versions.sort(key=lambda b: (b.created_at, b.stem), reverse=True)
        versions[0].history = versions[1:]
        latest.append(versions[0])
    periods: dict[str, PeriodGroup] = {}
    for bundle in latest:
        group = periods.setdefault(bundle.period_label, PeriodGroup(bundle.period_label, bundle.period_start,
                                                                    bundle.period_end))
        group.period_start = min(group.period_start, bundle.period_start)
        group.period_end = max(group.period_end, bundle.period_end)
        group.bundles.append(bundle)
    order = {"weekly": 0, "range": 1}
    for group in periods.values():
        group.bundles.sort(key=lambda b: (order.get(b.kind, 2), b.agency_id is not None, b.agency_label,
                                          -b.created_at.timestamp()))
    return sorted(periods.values(), key=lambda g: (g.period_end, g.period_label), reverse=True)


@dataclass
class VerifiedFile:
    """An open report file whose content matched its recorded SHA-256 when read."""

    handle: BinaryIO
    size: int
    media_type: str
    content_disposition: str

    def chunks(self) -> Iterator[bytes]:
        """The bytes that were hashed: read again from the same descriptor, so a file swapped in by rename
        after the check is never what gets served."""
        try:
            self.handle.seek(0)
            left = self.size
            while left > 0 and (block := self.handle.read(min(CHUNK, left))):
                left -= len(block)
                yield block
        finally:
            self.handle.close()


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact one (RFC 6266 / 5987)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "laporan"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def open_verified(report: Report) -> VerifiedFile:
    """Open the report's file and check its SHA-256; raises :class:`ReportUnavailable` (never returns a bad file)."""
    return open_verified_path(Path(report.path), report.sha256, report.format)


def open_verified_path(path: Path, sha256: str, fmt: str) -> VerifiedFile:
    """Open any stored file recorded with ``sha256`` (a report's, a case dossier's) and check it, as above."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ReportUnavailable("missing", {"path": str(path), "error": exc.strerror or str(exc)}) from None
    try:
        digest = hashlib.sha256()
        size = 0
        while block := handle.read(CHUNK):
            digest.update(block)
            size += len(block)
        actual = digest.hexdigest()
        if actual != sha256:
            raise ReportUnavailable("sha256_mismatch", {"path": str(path), "expected": sha256, "actual": actual})
    except BaseException:
        handle.close()
        raise
    media = MEDIA_TYPES.get(fmt, "application/octet-stream")
    return VerifiedFile(handle, size, media, content_disposition(path.name))
