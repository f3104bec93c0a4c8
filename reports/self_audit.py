"""The self-audit report: an agency's own acts, what the classifier flagged, and who did what.

Figures only — the self-audit workflow (importing exports, classifying, submitting to the
queue) is ``monitor.selfaudit``. The report is private to its agency (kind ``self_audit``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from monitor.db.schema import Account, Activity, Agency, Classification, Employee, Evidence, Post, Report, ReviewItem
from monitor.db.types import utcnow
from monitor.db.vocabulary import KIND_LABELS, STANCE_LABELS
from reports.labels import cue_label, platform_label, source_label
from reports.period import WIB, format_date
from reports.render import render_bundle
from reports.store import record_files, report_dir
from reports.tables import Column, Table, table
from reports.weekly import Tally, _tallies, candidate_labels, mask_third_parties


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
    cues: tuple[str, ...]  # the classifier's codes and words, as stored
    cue_labels: tuple[str, ...]  # the same, as people read them (reports.labels.cue_label)
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

    @property
    def platform_label(self) -> str:
        return platform_label(self.platform)

    @property
    def source_label(self) -> str:
        return source_label(self.source)


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

    def tables(self) -> list[Table]:
        """The report's tables, for the XLSX workbook (people) and the CSV files (machines); docs/reports.md."""
        info = table("keterangan", "Keterangan", [("butir", "Butir"), ("nilai", "Nilai")])
        for key, value in (
            ("laporan", "Laporan audit mandiri netralitas ASN — RAHASIA, hanya untuk instansi"),
            ("instansi", f"{self.agency_name} ({self.agency_code})"),
            ("profil_pemilihan", f"{self.profile_name} ({self.profile_id})"),
            ("versi_model", self.model_version),
            ("termasuk_hasil_perayapan", self.include_crawled),
            ("aktivitas_pertama", self.period_start),
            ("aktivitas_terakhir", self.period_end),
            ("dibuat", self.generated_at),
        ):
            info.add(key, value)
        summary = table("ringkasan", "Ringkasan", [("ukuran", "Ukuran"), Column("nilai", "Nilai", "int")])
        for label, value in (
            ("aktivitas diperiksa", self.acts), ("dari ekspor mandiri", self.self_audit_acts),
            ("dari perayapan", self.crawled_acts), ("ditandai", len(self.flagged)),
            ("indikasi ujaran kebencian", self.hate), ("diajukan ke antrean", self.submitted),
        ):
            summary.add(label, value)
        flagged = table("ditandai", "Ditandai", [
            Column("aktivitas", "No. aktivitas", "int"), ("nama", "Nama"), ("nip", "NIP"),
            Column("platform", "Kode platform", people=False), ("platform_nama", "Platform"), ("akun", "Akun"),
            Column("jenis", "Kode jenis", people=False), ("jenis_nama", "Jenis aktivitas"),
            Column("sumber", "Kode sumber", people=False), ("sumber_nama", "Sumber"),
            Column("waktu", "Waktu aktivitas (WIB)", "datetime"), Column("teks", "Isi", width=60),
            ("akun_konteks", "Unggahan yang ditanggapi"), Column("skor", "Skor", "float"),
            Column("sikap", "Kode sikap", people=False), ("sikap_nama", "Sikap"),
            ("kebencian", "Indikasi ujaran kebencian"), ("calon", "Calon/partai"),
            Column("isyarat", "Kode isyarat", people=False), ("isyarat_nama", "Isyarat"),
            ("bukti_sha256", "Bukti SHA-256"), Column("bukti_waktu", "Bukti direkam (WIB)", "datetime"),
            ("url", "Tautan"), ("di_antrean", "Sudah di antrean")])
        for f in self.flagged:
            flagged.add(f.activity_id, f.employee_name, f.nip, f.platform, f.platform_label, f.handle, f.kind,
                        f.kind_label, f.source, f.source_label, f.occurred_at, f.text, f.context_author or "",
                        round(f.score, 4), f.stance, f.stance_label, f.hate, f.candidate, "; ".join(f.cues),
                        "; ".join(f.cue_labels), f.evidence_sha256 or "", f.evidence_captured_at, f.url or "",
                        f.queued)
        people = table("per_orang", "Per pegawai", [
            ("nama", "Nama"), ("nip", "NIP"), ("akun", "Akun"), Column("aktivitas", "Aktivitas", "int"),
            Column("ditandai", "Ditandai", "int")])
        for p in self.people:
            people.add(p.employee_name, p.nip, p.accounts, p.acts, p.flagged)
        breakdown = table("rincian", "Rincian", [
            Column("kelompok", "Kode kelompok", people=False), ("kelompok_nama", "Kelompok"),
            Column("kunci", "Kode", people=False), ("kategori", "Kategori"), Column("jumlah", "Jumlah", "int")])
        for group, label, tallies in (("aktivitas_per_jenis", "Aktivitas per jenis", self.acts_by_kind),
                                      ("aktivitas_per_platform", "Aktivitas per platform", self.acts_by_platform),
                                      ("ditandai_per_calon", "Ditandai per calon/partai", self.flagged_by_candidate)):
            for t in tallies:
                breakdown.add(group, label, t.key, t.label, t.count)
        return [info, summary, flagged, people, breakdown]


def audit_scope(agency_id: int, include_crawled: bool) -> Any:
    """The acts a self-audit covers: the agency's people, their own exports only unless crawled acts are asked for."""
    cond = and_(Employee.agency_id == agency_id)
    if not include_crawled:
        cond = and_(cond, Activity.self_audit.is_(True))
    return cond


def self_audit_data(session: Session, agency: Agency, model_version: str, profile_id: str, profile_name: str, *,
                    include_crawled: bool = False, newly_classified: int = 0,
                    now: datetime | None = None) -> SelfAuditData:
    """The report's figures: the agency's in-scope acts under the latest results of (model, profile)."""
    target = Post.__table__.alias("target")
    rows = session.execute(
        select(Activity, Account, Employee, Classification, Evidence, target.c.author_handle, ReviewItem.id)
        .join(Account, Account.id == Activity.account_id)
        .join(Employee, Employee.id == Account.employee_id)
        .outerjoin(Classification, and_(Classification.activity_id == Activity.id,
                                        Classification.model_version == model_version,
                                        Classification.profile_id == profile_id))
        .outerjoin(Evidence, Evidence.id == Activity.evidence_id)
        .outerjoin(target, target.c.id == Activity.target_post_id)
        .outerjoin(ReviewItem, ReviewItem.activity_id == Activity.id)
        .where(audit_scope(agency.id, include_crawled))
        .order_by(Employee.name, Activity.occurred_at, Activity.id)
    ).all()
    now = now or utcnow()
    moments = [a.occurred_at or a.captured_at for a, *_ in rows]
    data = SelfAuditData(
        agency_id=agency.id, agency_code=agency.code, agency_name=agency.name, include_crawled=include_crawled,
        model_version=model_version, profile_id=profile_id, profile_name=profile_name,
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
        person["accounts"].add(f"{platform_label(account.platform)}: {account.handle}")
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
            cue_labels=tuple(cue_label(c, labels) for c in classification.cues or ()),
            evidence_sha256=evidence.sha256 if evidence else None,
            evidence_captured_at=evidence.captured_at if evidence else None,
            url=activity.url, queued=item_id is not None,
        ))
    data.acts_by_kind = _tallies(kinds, KIND_LABELS)
    data.acts_by_platform = _tallies(platforms, platform_label)
    data.flagged_by_candidate = _tallies(Counter(f.candidate for f in data.flagged))
    data.people = [PersonSummary(p["name"], nip, ", ".join(sorted(p["accounts"])), p["acts"], p["flagged"])
                   for nip, p in sorted(per_person.items(), key=lambda kv: kv[1]["name"])]
    return data


def render_self_audit(session: Session, data: SelfAuditData, created_by: str | None = None) -> list[Report]:
    """Render the agency's private report (HTML, PDF, XLSX, CSV) and record each file with its SHA-256."""
    context = {
        "title": "Laporan Audit Mandiri Netralitas ASN",
        "subtitle": f"{data.agency_name} ({data.agency_code}) · {_span(data)}",
        "footer": f"audit mandiri {data.agency_code} · RAHASIA — hanya untuk instansi",
        "generated_at": data.generated_at,
        "d": data,
    }
    stem = f"audit-{data.agency_code}-{data.generated_at.astimezone(WIB):%Y%m%dT%H%M%S}"
    paths = render_bundle("self_audit.html", context, data.tables(), report_dir(data.period_label, "self_audit"),
                          stem)
    return record_files(session, paths, kind="self_audit", agency_id=data.agency_id, period_label=data.period_label,
                           period_start=data.period_start, period_end=data.period_end, created_by=created_by)


def _span(data: SelfAuditData) -> str:
    start, end = data.period_start.astimezone(WIB).date(), data.period_end.astimezone(WIB).date()
    return f"aktivitas {format_date(start)} – {format_date(end)}" if data.acts else "tidak ada aktivitas"


