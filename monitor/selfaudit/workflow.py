"""Self-audit: an agency runs Netra's classification on its own people's data, privately.

The agency hands in its staff's platform exports (imported with ``self_audit=True`` by
``spiders.importers``) and, if it asks, adds what Netra crawled of its accounts. Netra
classifies what has not been classified yet under the active model and profile and renders
a report for that agency only (kind ``self_audit``). Self-audit acts **never enter the
supervisory review queue** unless the agency submits them (``submit=True`` → ``monitor.review.queue.
enqueue``) — the right to see what is held about oneself (UU PDP, domain.md §9) must not turn
into a back door for supervision. Crawled acts are supervisory anyway: if this run is the
first to classify one, it is queued like the pipeline would.

The classifier is passed in (``models.infer.load_classifier()`` in the CLI): anything with
``model_version`` and ``classify(inputs, profile) -> results`` (``models.infer.ClassifyResult``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, joinedload

from monitor.access.audit_log import record
from monitor.db.schema import Account, Activity, Agency, Classification, Employee, Evidence, Post, ReviewItem
from monitor.db.types import utcnow
from monitor.db.vocabulary import KIND_LABELS, STANCE_LABELS
from reports.period import WIB
from reports.weekly import Tally, _iso, _tallies, candidate_labels, mask_third_parties

BATCH = 64


class SelfAuditError(ValueError):
    """The self-audit request is invalid (unknown agency, account of another agency, ...)."""


class ClassifierLike(Protocol):
    @property
    def model_version(self) -> str: ...

    def classify(self, inputs: Sequence[Any], profile: Any) -> Sequence[Any]: ...


@dataclass(frozen=True)
class FlaggedAct:
    activity_id: int
    employee_name: str
    nip: str
    platform: str
    handle: str
    kind: str
    source: str
    occurred_at: datetime | None
    text: str
    context_author: str | None
    score: float
    stance: str
    hate: bool
    candidate: str
    cues: tuple[str, ...]
    evidence_sha256: str | None
    evidence_captured_at: datetime | None
    url: str | None
    queued: bool

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def stance_label(self) -> str:
        return STANCE_LABELS.get(self.stance, self.stance)


@dataclass(frozen=True)
class PersonSummary:
    employee_name: str
    nip: str
    accounts: str
    acts: int
    flagged: int


@dataclass
class SelfAuditData:
    agency_id: int
    agency_code: str
    agency_name: str
    include_crawled: bool
    model_version: str
    profile_id: str
    profile_name: str
    generated_at: datetime
    period_start: datetime
    period_end: datetime
    acts: int = 0
    self_audit_acts: int = 0
    crawled_acts: int = 0
    newly_classified: int = 0
    acts_by_kind: list[Tally] = field(default_factory=list)
    acts_by_platform: list[Tally] = field(default_factory=list)
    flagged: list[FlaggedAct] = field(default_factory=list)
    flagged_by_candidate: list[Tally] = field(default_factory=list)
    hate: int = 0
    people: list[PersonSummary] = field(default_factory=list)
    submitted: int = 0

    @property
    def period_label(self) -> str:
        return f"{self.period_start.astimezone(WIB):%Y%m%d}-{self.period_end.astimezone(WIB):%Y%m%d}"

    def tables(self) -> dict[str, tuple[list[str], list[list[Any]]]]:
        return {
            "ringkasan": (["ukuran", "nilai"], [
                ["instansi", f"{self.agency_name} ({self.agency_code})"],
                ["profil pemilihan", f"{self.profile_name} ({self.profile_id})"],
                ["versi model", self.model_version],
                ["termasuk hasil perayapan", "ya" if self.include_crawled else "tidak"],
                ["aktivitas diperiksa", self.acts],
                ["dari ekspor mandiri", self.self_audit_acts],
                ["dari perayapan", self.crawled_acts],
                ["ditandai", len(self.flagged)],
                ["ujaran kebencian", self.hate],
                ["diajukan ke antrean", self.submitted],
            ]),
            "ditandai": (
                ["aktivitas", "nama", "nip", "platform", "akun", "jenis", "sumber", "waktu", "teks", "akun_konteks",
                 "skor", "sikap", "kebencian", "calon", "isyarat", "bukti_sha256", "bukti_waktu", "url",
                 "di_antrean"],
                [[f.activity_id, f.employee_name, f.nip, f.platform, f.handle, f.kind, f.source, _iso(f.occurred_at),
                  f.text, f.context_author or "", round(f.score, 4), f.stance, "ya" if f.hate else "tidak",
                  f.candidate, "; ".join(f.cues), f.evidence_sha256 or "", _iso(f.evidence_captured_at), f.url or "",
                  "ya" if f.queued else "tidak"] for f in self.flagged],
            ),
            "per_orang": (["nama", "nip", "akun", "aktivitas", "ditandai"],
                          [[p.employee_name, p.nip, p.accounts, p.acts, p.flagged] for p in self.people]),
            "rincian": (["kelompok", "kunci", "label", "jumlah"], [
                [group, t.key, t.label, t.count]
                for group, tallies in (("aktivitas_per_jenis", self.acts_by_kind),
                                       ("aktivitas_per_platform", self.acts_by_platform),
                                       ("ditandai_per_calon", self.flagged_by_candidate))
                for t in tallies
            ]),
        }


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


def _scope(agency_id: int, include_crawled: bool) -> Any:
    cond = and_(Employee.agency_id == agency_id)
    if not include_crawled:
        cond = and_(cond, Activity.self_audit.is_(True))
    return cond


def classify_missing(session: Session, agency_id: int, classifier: ClassifierLike, profile: Any, *,
                     include_crawled: bool) -> int:
    """Classify the agency's in-scope activities that have no classification under (model, profile)."""
    from monitor.classify.pipeline import activity_input, store_results

    done = select(Classification.id).where(
        Classification.activity_id == Activity.id, Classification.model_version == classifier.model_version,
        Classification.profile_id == profile.id,
    ).exists()
    total = 0
    while True:
        batch = list(session.scalars(
            select(Activity).join(Account, Account.id == Activity.account_id)
            .join(Employee, Employee.id == Account.employee_id)
            .where(_scope(agency_id, include_crawled), ~done)
            .options(joinedload(Activity.account).joinedload(Account.employee), joinedload(Activity.target_post))
            .order_by(Activity.id).limit(BATCH)
        ).unique())
        if not batch:
            return total
        results = list(classifier.classify([activity_input(a) for a in batch], profile))
        private = [(a, r) for a, r in zip(batch, results, strict=True) if a.self_audit]
        crawled = [(a, r) for a, r in zip(batch, results, strict=True) if not a.self_audit]
        for pairs, enqueue in ((private, False), (crawled, True)):
            if pairs:
                store_results(session, [a for a, _ in pairs], [r for _, r in pairs], classifier, profile,
                              enqueue=enqueue)
        session.flush()
        total += len(batch)


def self_audit_data(session: Session, agency: Agency, classifier: ClassifierLike, profile: Any, *,
                    include_crawled: bool = False, newly_classified: int = 0,
                    now: datetime | None = None) -> SelfAuditData:
    """The report's figures: the agency's in-scope acts under the classifier's latest results."""
    target = Post.__table__.alias("target")
    rows = session.execute(
        select(Activity, Account, Employee, Classification, Evidence, target.c.author_handle, ReviewItem.id)
        .join(Account, Account.id == Activity.account_id)
        .join(Employee, Employee.id == Account.employee_id)
        .outerjoin(Classification, and_(Classification.activity_id == Activity.id,
                                        Classification.model_version == classifier.model_version,
                                        Classification.profile_id == profile.id))
        .outerjoin(Evidence, Evidence.id == Activity.evidence_id)
        .outerjoin(target, target.c.id == Activity.target_post_id)
        .outerjoin(ReviewItem, ReviewItem.activity_id == Activity.id)
        .where(_scope(agency.id, include_crawled))
        .order_by(Employee.name, Activity.occurred_at, Activity.id)
    ).all()
    now = now or utcnow()
    moments = [a.occurred_at or a.captured_at for a, *_ in rows]
    data = SelfAuditData(
        agency_id=agency.id, agency_code=agency.code, agency_name=agency.name, include_crawled=include_crawled,
        model_version=classifier.model_version, profile_id=profile.id, profile_name=profile.name,
        generated_at=now, period_start=min(moments, default=now), period_end=max(moments, default=now),
        newly_classified=newly_classified,
    )
    labels = candidate_labels(session)
    kinds: Counter[str] = Counter()
    platforms: Counter[str] = Counter()
    per_person: dict[str, dict[str, Any]] = {}
    for activity, account, employee, classification, evidence, context_author, item_id in rows:
        data.acts += 1
        if activity.self_audit:
            data.self_audit_acts += 1
        else:
            data.crawled_acts += 1
        kinds[activity.kind] += 1
        platforms[account.platform] += 1
        person = per_person.setdefault(employee.nip, {"name": employee.name, "accounts": set(), "acts": 0,
                                                     "flagged": 0})
        person["accounts"].add(f"{account.platform}:{account.handle}")
        person["acts"] += 1
        if classification is None or not classification.flagged:
            continue
        person["flagged"] += 1
        data.hate += int(classification.hate)
        cand = classification.candidate
        data.flagged.append(FlaggedAct(
            activity_id=activity.id, employee_name=employee.name, nip=employee.nip, platform=account.platform,
            handle=account.handle, kind=activity.kind, source=activity.source, occurred_at=activity.occurred_at,
            text=mask_third_parties(activity.text, (account.handle, context_author)), context_author=context_author,
            score=classification.score, stance=classification.stance, hate=classification.hate,
            candidate=labels.get(cand or "", cand or classification.party or "—"),
            cues=tuple(str(c) for c in classification.cues or ()),
            evidence_sha256=evidence.sha256 if evidence else None,
            evidence_captured_at=evidence.captured_at if evidence else None,
            url=activity.url, queued=item_id is not None,
        ))
    data.acts_by_kind = _tallies(kinds, KIND_LABELS)
    data.acts_by_platform = _tallies(platforms)
    data.flagged_by_candidate = _tallies(Counter(f.candidate for f in data.flagged))
    data.people = [PersonSummary(p["name"], nip, ", ".join(sorted(p["accounts"])), p["acts"], p["flagged"])
                   for nip, p in sorted(per_person.items(), key=lambda kv: kv[1]["name"])]
    return data


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
                   now: datetime | None = None) -> SelfAuditOutcome:
    """Classify, optionally submit, and render the agency's private self-audit report."""
    from reports.render import render_bundle
    from reports.store import record_files, report_dir

    agency = agency_by_code(session, agency_code)
    newly = classify_missing(session, agency.id, classifier, profile, include_crawled=include_crawled)
    data = self_audit_data(session, agency, classifier, profile, include_crawled=include_crawled,
                           newly_classified=newly, now=now)
    submitted = 0
    if submit:
        submitted = submit_flagged(session, agency, data, profile, created_by)
        data = self_audit_data(session, agency, classifier, profile, include_crawled=include_crawled,
                               newly_classified=newly, now=now)
        data.submitted = submitted
    context = {
        "title": "Laporan Audit Mandiri Netralitas ASN",
        "subtitle": f"{data.agency_name} ({data.agency_code}) · {_span(data)}",
        "footer": f"audit mandiri {data.agency_code} · RAHASIA — hanya untuk instansi",
        "generated_at": data.generated_at,
        "d": data,
    }
    stem = f"audit-{agency.code}-{data.generated_at.astimezone(WIB):%Y%m%dT%H%M%S}"
    paths = render_bundle("self_audit.html", context, data.tables(), report_dir(data.period_label, "self_audit"),
                          stem)
    reports = record_files(session, paths, kind="self_audit", agency_id=agency.id, period_label=data.period_label,
                           period_start=data.period_start, period_end=data.period_end, created_by=created_by)
    record(session, "self_audit_report", username=created_by, object_type="agency", object_id=agency.id,
           detail={"agency": agency.code, "acts": data.acts, "flagged": len(data.flagged),
                   "include_crawled": include_crawled, "submitted": submitted,
                   "files": [{"path": r.path, "sha256": r.sha256} for r in reports]})
    return SelfAuditOutcome(data=data, reports=reports, submitted=submitted)


def _span(data: SelfAuditData) -> str:
    from reports.period import format_date

    start, end = data.period_start.astimezone(WIB).date(), data.period_end.astimezone(WIB).date()
    return f"aktivitas {format_date(start)} – {format_date(end)}" if data.acts else "tidak ada aktivitas"


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
                   database_url: str | None = None, received_by: str | None = None) -> list[tuple[ExportInput, Any]]:
    """Import each export for its declared account (which must belong to ``agency``); returns the stats."""
    from spiders.importers import IMPORTERS, import_export
    from spiders.store import IngestStore

    for item in inputs:  # check them all before importing any
        check_account_of_agency(session, agency, IMPORTERS[item.importer].platform, item.account)
    store = IngestStore(database_url)
    out = []
    for item in inputs:
        _run_id, stats = import_export(IMPORTERS[item.importer], item.path, item.account, store=store,
                                       received_by=received_by)
        out.append((item, stats))
    return out
