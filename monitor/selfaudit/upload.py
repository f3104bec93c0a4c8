"""Self-audit from the web app: one uploaded platform export → import → classify → private report.

The same path as ``netra audit --input``: ``spiders.importers.import_export`` stores the acts with
``self_audit=True`` (the crawl run keeps the export's SHA-256), ``monitor.selfaudit.workflow.run_self_audit``
classifies the agency's unclassified self-audit acts and renders its private report. Nothing
enters the supervisory queue unless the agency submits (``submit=True``).

The work runs in two steps (``monitor.selfaudit.jobs``): :func:`precheck_upload` in the request, cheap
(which importer, which platform, does the archive hold that platform's files), then :func:`audit_upload`
in the web process's background worker. Every check that can refuse an export (account, platform,
archive, owner) runs before anything is written, so a refused upload stores nothing; messages are in
Bahasa Indonesia and name the file as the user called it, never the server's temporary path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from monitor.access import audit_log
from monitor.db.schema import Account, Agency, User
from monitor.i18n import _, labels
from monitor.selfaudit.workflow import ClassifierLike, SelfAuditOutcome, run_self_audit
from reports.labels import platform_label
from spiders.importers import IMPORTERS, Importer, import_export
from spiders.importers.base import ExportError, ImportStats, Problem, open_export
from spiders.importers.run import OwnerMismatch
from spiders.store import IngestStore

IMPORTER_LABELS = labels("importer", IMPORTERS)
# What an import skipped, worded for the uploader ({file}: the file inside the export, {n}: the entry number).
PROBLEM_TEXT = labels("import_problem")
PROBLEMS_SHOWN = 20
log = logging.getLogger(__name__)


class UploadProblem(ValueError):
    """The upload cannot be audited; the message is for the user, ``reason`` for the audit log."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def importable_platforms() -> frozenset[str]:
    return frozenset(i.platform for i in IMPORTERS.values())


def problem_text(problem: dict[str, Any]) -> str:
    """One skipped thing of an import (as kept on its job) in Bahasa Indonesia."""
    template = PROBLEM_TEXT.get(str(problem.get("code")), _("Part of the export could not be imported."))
    position = problem.get("position")
    return template.format(file=problem.get("file") or _("the export"),
                           n=position + 1 if isinstance(position, int) else "?")


def problem_record(problem: Problem) -> dict[str, Any]:
    return {"code": problem.code, "file": problem.file, "position": problem.position}


def importer_for(importer_name: str, account: Account) -> Importer:
    importer = IMPORTERS.get(importer_name)
    if importer is None:
        raise UploadProblem("unknown_importer", _("Choose the export's platform from the list."))
    if importer.platform != account.platform:
        raise UploadProblem("platform_mismatch", _("Account {handle} is a {platform} account; choose that platform's "
                                                   "export.", handle=account.handle,
                                                   platform=platform_label(account.platform)))
    return importer


def _look_inside(importer: Importer, path: Path, shown_name: str, *, owner_of: str | None) -> None:
    # The importer's own reason is English and names the server's temporary path: the log has it, the user
    # reads what to do.
    platform = platform_label(importer.platform)
    owner = None
    try:
        with open_export(path, digest=False) as export:
            try:
                importer.check(export)
            except ExportError as exc:
                log.info("export %s is not a %s export: %s", shown_name, importer.platform, exc)
                raise UploadProblem("wrong_platform", _("The file {file} is not a {platform} data export. Check the "
                                                        "platform you chose.", file=shown_name,
                                                        platform=platform)) from None
            if owner_of is not None:
                owner = importer.owner(export)
    except UploadProblem:
        raise
    except ExportError as exc:
        log.info("export %s cannot be opened: %s", shown_name, exc)
        raise UploadProblem("unreadable", _("The file {file} cannot be read as a ZIP data export (damaged, or not a "
                                            "ZIP).", file=shown_name)) from None
    if owner_of is not None and owner is not None and owner.lower().lstrip("@") != owner_of:
        raise UploadProblem("owner_mismatch", _("This export belongs to account {owner}, not to the registered "
                                                "account {handle}. Upload the chosen account's export.",
                                                owner=owner, handle=owner_of))


def precheck_upload(importer_name: str, account: Account, path: Path, shown_name: str) -> Importer:
    """The checks a request can afford before handing the export to the worker: right importer and platform,
    an archive that opens and holds that platform's files. Reads only the archive's directory."""
    importer = importer_for(importer_name, account)
    _look_inside(importer, path, shown_name, owner_of=None)
    return importer


def check_export(importer: Importer, path: Path, handle: str, shown_name: str) -> None:
    """Refuse, before anything is stored, an export that is unreadable, of another platform or another owner."""
    _look_inside(importer, path, shown_name, owner_of=handle)


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
    watch: Callable[[ImportStats], None] | None = None,
    on_run: Callable[[int], None] | None = None,
    on_classified: Callable[[int], None] | None = None,
    checked: bool = False,
) -> UploadOutcome:
    """Import ``path`` for ``account`` (already scope-checked by the caller), run the self-audit, audit-log it.

    ``checked``: the caller already ran :func:`check_export` (the owner is not read twice).
    ``watch`` hears the import's progress about every second, ``on_classified`` each classified batch's size.
    """
    importer = importer_for(importer_name, account)
    if not checked:
        check_export(importer, path, account.handle, shown_name)
    agency = account.employee.agency
    try:
        run_id, stats = import_export(importer, path, account.handle, store=IngestStore(sessions=sessions),
                                      received_by=user.username, watch=watch, on_run=on_run)
    except OwnerMismatch:
        raise UploadProblem("owner_mismatch", _("The export {file} does not belong to account {handle}.",
                                                file=shown_name, handle=account.handle)) from None
    except ExportError as exc:
        log.info("export %s cannot be imported: %s", shown_name, exc)
        raise UploadProblem("unreadable", _("The file {file} cannot be imported: it is damaged or not a data export "
                                            "of this platform.", file=shown_name)) from None
    if stats.status == "failed":
        first = problem_text(problem_record(stats.problems[0])) if stats.problems else ""
        nothing = _("No activity could be read from {file}.", file=shown_name)
        raise UploadProblem("unreadable", f"{nothing} {first}".strip())
    outcome = run_self_audit(session, agency.code, classifier, profile, submit=submit, created_by=user.username,
                             progress=on_classified)
    audit_log.record(session, "self_audit_upload", user=user, object_type="account", object_id=account.id, ip=ip,
                     detail={"agency": agency.code, "account": f"{account.platform}:{account.handle}",
                             "importer": importer_name, "file": shown_name, "export_sha256": stats.export_sha256,
                             "crawl_run": run_id, "run_status": stats.status, "stored": stats.stored,
                             "unchanged": stats.unchanged, "errors": stats.problem_count,
                             "quarantined": stats.quarantined, "submitted": outcome.submitted,
                             "reports": [r.id for r in outcome.reports]})
    return UploadOutcome(account, agency, importer_name, run_id, stats, outcome)
