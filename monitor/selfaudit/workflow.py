"""Self-audit: an agency runs Netra's classification on its own people's data, privately.

The agency hands in its staff's platform exports (imported with ``self_audit=True`` by
``spiders.importers``) and, if it asks, adds what Netra crawled of its accounts. Netra
classifies what has not been classified yet under the active model and profile and renders
a report for that agency only (kind ``self_audit``). Self-audit acts **never enter the
supervisory review queue** unless the agency submits them (``submit=True`` → ``monitor.review.queue.
enqueue``) — the right to see what is held about oneself (UU PDP, domain.md §9) must not turn
into a back door for supervision. Crawled acts are supervisory anyway: if this run is the
first to classify one, it is queued like the pipeline would.

The classifier is passed in (``monitor.classify.load_configured_classifier()`` in the CLI): anything
with ``model_version``, ``threshold`` and ``classify(inputs, profile) -> results``
(``models.infer.ClassifyResult``). The report's figures and rendering are ``reports.self_audit``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from monitor.access.audit_log import record
from monitor.db.schema import Account, Activity, Agency, Classification, Employee
from reports.self_audit import SelfAuditData, audit_scope, render_self_audit, self_audit_data

BATCH = 64


class SelfAuditError(ValueError):
    """The self-audit request is invalid (unknown agency, account of another agency, ...)."""


class ClassifierLike(Protocol):
    @property
    def model_version(self) -> str: ...

    @property
    def threshold(self) -> float: ...

    def classify(self, inputs: Sequence[Any], profile: Any) -> Sequence[Any]: ...


def agency_by_code(session: Session, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise SelfAuditError(f"no agency with code {code!r}")
    return agency


def check_account_of_agency(session: Session, agency: Agency, platform: str, handle: str) -> Account:
    """An export may only be audited by the agency its declared account belongs to."""
    from spiders.platforms import normalise_handle

    handle = normalise_handle(platform, handle)
    account = session.scalar(
        select(Account).join(Employee, Employee.id == Account.employee_id)
        .where(Account.platform == platform, Account.handle == handle)
    )
    if account is None:
        raise SelfAuditError(f"no declared {platform} account {handle!r} in the registry")
    if account.employee.agency_id != agency.id:
        raise SelfAuditError(f"{platform} account {handle!r} belongs to another agency than {agency.code}")
    return account


def classify_missing(session: Session, agency_id: int, classifier: ClassifierLike, profile: Any, *,
                     include_crawled: bool, progress: Callable[[int], None] | None = None) -> int:
    """Classify the agency's in-scope activities that have no classification under (model, profile).

    The one classify pipeline does it (photos scored by their gestures too); it queues crawled acts
    like the scheduler would and never the agency's own exports. ``progress`` hears each batch's size.
    """
    from monitor.classify.pipeline import classify_activities

    done = select(Classification.id).where(
        Classification.activity_id == Activity.id, Classification.model_version == classifier.model_version,
        Classification.profile_id == profile.id,
    ).exists()
    total = 0
    while True:
        batch = list(session.scalars(
            select(Activity).join(Account, Account.id == Activity.account_id)
            .join(Employee, Employee.id == Account.employee_id)
            .where(audit_scope(agency_id, include_crawled), ~done)
            .options(joinedload(Activity.account).joinedload(Account.employee), joinedload(Activity.target_post))
            .order_by(Activity.id).limit(BATCH)
        ).unique())
        if not batch:
            return total
        classify_activities(session, batch, classifier, profile)
        session.flush()
        total += len(batch)
        if progress is not None:
            progress(len(batch))


def submit_flagged(session: Session, agency: Agency, data: SelfAuditData, profile: Any,
                   submitted_by: str | None) -> int:
    """The agency chooses to hand its flagged self-audit acts to supervision: queue them."""
    from monitor.review.queue import enqueue

    count = 0
    for flagged in data.flagged:
        if flagged.queued:
            continue
        activity = session.get(Activity, flagged.activity_id)
        classification = session.scalar(
            select(Classification).where(Classification.activity_id == activity.id,
                                         Classification.model_version == data.model_version,
                                         Classification.profile_id == data.profile_id)
        )
        if enqueue(session, activity, classification, None) is not None:
            count += 1
    record(session, "self_audit_submit", username=submitted_by, object_type="agency", object_id=agency.id,
           detail={"agency": agency.code, "queued": count, "flagged": len(data.flagged)})
    return count


@dataclass
class SelfAuditOutcome:
    data: SelfAuditData
    reports: list[Any]
    submitted: int

    @property
    def paths(self) -> list[Path]:
        return [Path(r.path) for r in self.reports]


def run_self_audit(session: Session, agency_code: str, classifier: ClassifierLike, profile: Any, *,
                   include_crawled: bool = False, submit: bool = False, created_by: str | None = None,
                   now: datetime | None = None, progress: Callable[[int], None] | None = None) -> SelfAuditOutcome:
    """Classify, optionally submit, and render the agency's private self-audit report.

    ``progress`` hears how many activities each classification batch held.
    """
    agency = agency_by_code(session, agency_code)
    newly = classify_missing(session, agency.id, classifier, profile, include_crawled=include_crawled,
                             progress=progress)
    data = self_audit_data(session, agency, classifier.model_version, profile.id, profile.name,
                           include_crawled=include_crawled, newly_classified=newly, now=now)
    submitted = 0
    if submit:
        submitted = submit_flagged(session, agency, data, profile, created_by)
        data = self_audit_data(session, agency, classifier.model_version, profile.id, profile.name,
                               include_crawled=include_crawled, newly_classified=newly, now=now)
        data.submitted = submitted
    reports = render_self_audit(session, data, created_by)
    record(session, "self_audit_report", username=created_by, object_type="agency", object_id=agency.id,
           detail={"agency": agency.code, "acts": data.acts, "flagged": len(data.flagged),
                   "include_crawled": include_crawled, "submitted": submitted,
                   "files": [{"path": r.path, "sha256": r.sha256} for r in reports]})
    return SelfAuditOutcome(data=data, reports=reports, submitted=submitted)


@dataclass(frozen=True)
class ExportInput:
    """One export handed in for self-audit: ``IMPORTER:ACCOUNT=PATH`` on the command line."""

    importer: str
    account: str
    path: Path

    @classmethod
    def parse(cls, spec: str) -> ExportInput:
        from spiders.importers import IMPORTERS

        head, sep, path = spec.partition("=")
        importer, sep2, account = head.partition(":")
        if not sep or not sep2 or not importer or not account or not path:
            raise SelfAuditError(f"--input {spec!r}: expected IMPORTER:ACCOUNT=PATH, e.g. x-archive:budi_asn=arsip.zip")
        if importer not in IMPORTERS:
            raise SelfAuditError(f"--input {spec!r}: unknown importer {importer!r} (one of {', '.join(IMPORTERS)})")
        if not Path(path).exists():
            raise SelfAuditError(f"--input {spec!r}: {path} does not exist")
        return cls(importer, account, Path(path))


def import_exports(session: Session, agency: Agency, inputs: Sequence[ExportInput], *,
                   database_url: str | None = None, received_by: str | None = None,
                   progress: Callable[[int], None] | None = None) -> list[tuple[ExportInput, Any]]:
    """Import each export for its declared account (which must belong to ``agency``); returns the stats.

    ``progress`` hears how many records were read, as the importers read them.
    """
    from spiders.importers import IMPORTERS, import_export
    from spiders.store import IngestStore

    for item in inputs:  # check them all before importing any
        check_account_of_agency(session, agency, IMPORTERS[item.importer].platform, item.account)
    store = IngestStore(database_url)
    out = []
    for item in inputs:
        _run_id, stats = import_export(IMPORTERS[item.importer], item.path, item.account, store=store,
                                       received_by=received_by, progress=progress)
        out.append((item, stats))
    return out
