"""Self-audit from the web app: one uploaded platform export → import → classify → private report.

The same path as ``netra audit --input``: ``spiders.importers.import_export`` stores the acts with
``self_audit=True`` (the crawl run keeps the export's SHA-256), ``monitor.selfaudit.workflow.run_self_audit``
classifies the agency's unclassified self-audit acts and renders its private report. Nothing
enters the supervisory queue unless the agency submits (``submit=True``).

Every check that can refuse an export (account, platform, archive, owner) runs before anything
is written, so a refused upload stores nothing; messages are in Bahasa Indonesia and name the
file as the user called it, never the server's temporary path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from monitor.access import audit_log
from monitor.db.schema import Account, Agency, User
from monitor.selfaudit.workflow import ClassifierLike, SelfAuditOutcome, run_self_audit
from spiders.importers import IMPORTERS, Importer, import_export
from spiders.importers.base import ExportError, ImportStats, open_export
from spiders.importers.run import OwnerMismatch
from spiders.store import IngestStore

IMPORTER_LABELS = {
    "x-archive": "X (Twitter) — arsip data",
    "instagram": "Instagram — unduh informasi Anda (JSON)",
    "tiktok": "TikTok — unduh data Anda (JSON)",
    "facebook": "Facebook — unduh informasi Anda (JSON)",
}
PLATFORM_LABELS = {"x": "X (Twitter)", "instagram": "Instagram", "tiktok": "TikTok", "facebook": "Facebook"}


class UploadProblem(ValueError):
    """The upload cannot be audited; the message is for the user, ``reason`` for the audit log."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def importable_platforms() -> frozenset[str]:
    return frozenset(i.platform for i in IMPORTERS.values())


def _plain(exc: Exception, path: Path, shown_name: str) -> str:
    """An importer's message with the temporary path replaced by the name the user knows."""
    return str(exc).replace(str(path), shown_name)


def check_export(importer: Importer, path: Path, handle: str, shown_name: str) -> None:
    """Refuse, before anything is stored, an export that is unreadable, of another platform or another owner."""
    platform = PLATFORM_LABELS.get(importer.platform, importer.platform)
    try:
        with open_export(path) as export:
            try:
                importer.check(export)
            except ExportError as exc:
                raise UploadProblem("wrong_platform", f"Berkas {shown_name} bukan ekspor data {platform}. Periksa "
                                    f"pilihan platform. ({_plain(exc, path, shown_name)})") from None
            owner = importer.owner(export)
    except UploadProblem:
        raise
    except ExportError as exc:
        raise UploadProblem("unreadable", f"Berkas {shown_name} tidak dapat dibaca sebagai arsip ZIP ekspor data "
                            f"(rusak atau bukan ZIP). ({_plain(exc, path, shown_name)})") from None
    if owner is not None and owner.lower().lstrip("@") != handle:
        raise UploadProblem("owner_mismatch", f"Ekspor ini milik akun {owner}, bukan akun terdaftar {handle}. "
                            "Unggah ekspor dari akun yang dipilih.")


@dataclass
class UploadOutcome:
    account: Account
    agency: Agency
    importer: str
    run_id: int
    stats: ImportStats
    audit: SelfAuditOutcome


def audit_upload(
    session: Session,
    sessions: sessionmaker[Session],
    user: User,
    account: Account,
    importer_name: str,
    path: Path,
    shown_name: str,
    classifier: ClassifierLike,
    profile: Any,
    *,
    submit: bool,
    ip: str | None,
) -> UploadOutcome:
    """Import ``path`` for ``account`` (already scope-checked by the caller), run the self-audit, audit-log it."""
    importer = IMPORTERS.get(importer_name)
    if importer is None:
        raise UploadProblem("unknown_importer", "Pilih platform ekspor dari daftar.")
    if importer.platform != account.platform:
        raise UploadProblem("platform_mismatch", f"Akun {account.handle} adalah akun "
                            f"{PLATFORM_LABELS.get(account.platform, account.platform)}; pilih ekspor platform itu.")
    check_export(importer, path, account.handle, shown_name)
    agency = account.employee.agency
    try:
        run_id, stats = import_export(importer, path, account.handle, store=IngestStore(sessions=sessions),
                                      received_by=user.username)
    except OwnerMismatch:
        raise UploadProblem("owner_mismatch", f"Ekspor {shown_name} bukan milik akun {account.handle}.") from None
    except ExportError as exc:
        raise UploadProblem("unreadable", f"Berkas {shown_name} tidak dapat diimpor. "
                            f"({_plain(exc, path, shown_name)})") from None
    if stats.seen == 0 and stats.errors:
        raise UploadProblem("unreadable", f"Tidak ada aktivitas yang dapat dibaca dari {shown_name}. "
                            f"({_plain(Exception(stats.errors[0]), path, shown_name)})")
    outcome = run_self_audit(session, agency.code, classifier, profile, submit=submit, created_by=user.username)
    audit_log.record(session, "self_audit_upload", user=user, object_type="account", object_id=account.id, ip=ip,
                 detail={"agency": agency.code, "account": f"{account.platform}:{account.handle}",
                         "importer": importer_name, "file": shown_name, "export_sha256": stats.export_sha256,
                         "crawl_run": run_id, "stored": stats.stored, "unchanged": stats.unchanged,
                         "errors": len(stats.errors) + len(stats.skipped), "submitted": outcome.submitted,
                         "reports": [r.id for r in outcome.reports]})
    return UploadOutcome(account, agency, importer_name, run_id, stats, outcome)
