"""The weekly report's figures, computed with SQL from Netra's database.

One ``WeeklyData`` per agency, or for several/all agencies together. Rules:

- the period is an ISO week in Asia/Jakarta (``reports.period.IsoWeek``);
- decisions are append-only: an item's verdict is its latest decision made before the
  week's end (a later decision supersedes), so a past week's report can be rebuilt exactly;
- *flagged* = review items created in the week; *decided* = items whose latest decision
  (as of the week's end) was made in the week and is final (``pelanggaran`` or
  ``bukan_pelanggaran``; every verdict is tallied in ``decided_by_verdict``); *breaches* =
  decided items whose verdict is ``pelanggaran``; the *backlog* = items created before the week's end with no decision
  yet, or whose latest decision is ``perlu_klarifikasi``/``eskalasi`` (domain.md §7);
- self-audit activities never count here (they are private to their agency, see
  ``monitor.selfaudit.workflow``) unless the agency submitted them into the queue;
- captured text of third parties is masked (domain.md §9): only the declared account's own
  text is shown, with @mentions other than the post acted on masked.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from monitor.db.schema import (
    Account,
    Activity,
    Agency,
    Classification,
    CrawlRun,
    Decision,
    ElectionProfile,
    Employee,
    Evidence,
    Post,
    ReviewItem,
    WatchedAccount,
)
from monitor.db.types import utcnow
from monitor.db.vocabulary import CLAUSES, KIND_LABELS, REGISTER_LABELS, VERDICT_LABELS, VIOLATIONS, parse_clauses
from reports.period import IsoWeek

TREND_WEEKS = 8
OPEN_VERDICTS = ("perlu_klarifikasi", "eskalasi")
FINAL_VERDICTS = ("pelanggaran", "bukan_pelanggaran")
NO_CANDIDATE = "(tidak disebut)"

# domain.md §6: the sanction *type* the rules attach to each register, for information only.
SANCTION_TYPES: dict[str, str] = {
    "ethics": "Sanksi moral (PP 42/2004 Pasal 15): pernyataan secara tertutup atau secara terbuka",
    "discipline": "Hukuman disiplin (PP 94/2021) — sedang: pemotongan tunjangan kinerja 25% selama 6, 9 atau "
                  "12 bulan; berat: penurunan jabatan setingkat lebih rendah 12 bulan, pembebasan dari jabatan "
                  "menjadi jabatan pelaksana 12 bulan, atau pemberhentian dengan hormat tidak atas permintaan "
                  "sendiri",
    "election_crime": "Diteruskan ke Bawaslu / Sentra Gakkumdu (tindak pidana pemilu)",
}


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class BreachRow:
    review_item_id: int
    agency_code: str
    employee_name: str
    nip: str
    platform: str
    handle: str
    kind: str
    occurred_at: datetime | None
    violation_code: str
    violation_label: str
    clauses: tuple[str, ...]
    register: str | None
    register_label: str
    sanction_type: str
    candidate: str
    decided_at: datetime
    text: str
    context_author: str | None
    url: str | None
    evidence_sha256: str | None
    evidence_captured_at: datetime | None
    evidence_url: str | None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class BacklogRow:
    agency_code: str
    agency_name: str
    open_items: int
    pending: int
    clarification: int
    escalated: int
    oldest_days: int | None
    median_days: float | None


@dataclass(frozen=True)
class TrendPoint:
    week: str
    acts: int
    flagged: int
    breaches: int


@dataclass(frozen=True)
class FailedAccount:
    platform: str
    handle: str
    state: str
    last_crawled_at: datetime | None


@dataclass
class WeeklyData:
    week: IsoWeek
    period_start: datetime
    period_end: datetime
    scope_label: str
    agencies: list[tuple[str, str]]  # (code, name)
    agency_ids: list[int] | None
    generated_at: datetime
    accounts_declared: int = 0
    accounts_crawled: int = 0
    failed_accounts: list[FailedAccount] = field(default_factory=list)
    watched_accounts: int = 0
    crawl_runs: int = 0
    crawl_runs_failed: int = 0
    crawl_runs_partial: int = 0
    acts_collected: int = 0
    acts_by_kind: list[Tally] = field(default_factory=list)
    acts_by_platform: list[Tally] = field(default_factory=list)
    flagged: int = 0
    decided: int = 0
    decided_by_verdict: list[Tally] = field(default_factory=list)
    breaches: int = 0
    breaches_by_code: list[Tally] = field(default_factory=list)
    breaches_by_clause: list[Tally] = field(default_factory=list)
    breaches_by_platform: list[Tally] = field(default_factory=list)
    breaches_by_kind: list[Tally] = field(default_factory=list)
    breaches_by_candidate: list[Tally] = field(default_factory=list)
    breach_rows: list[BreachRow] = field(default_factory=list)
    backlog: list[BacklogRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def backlog_total(self) -> int:
        return sum(row.open_items for row in self.backlog)

    def tables(self) -> dict[str, tuple[list[str], list[list[Any]]]]:
        """The underlying tables, for CSV/XLSX: name → (headers, rows)."""
        return {
            "ringkasan": (["ukuran", "nilai"], [
                ["periode", self.week.label],
                ["mulai (WIB)", self.period_start.isoformat()],
                ["selesai (WIB, eksklusif)", self.period_end.isoformat()],
                ["cakupan", self.scope_label],
                ["akun ASN terdaftar", self.accounts_declared],
                ["akun ASN dirayapi minggu ini", self.accounts_crawled],
                ["akun ASN bermasalah", len(self.failed_accounts)],
                ["akun calon/tim yang dipantau", self.watched_accounts],
                ["perayapan (seluruh sistem)", self.crawl_runs],
                ["perayapan gagal", self.crawl_runs_failed],
                ["perayapan sebagian", self.crawl_runs_partial],
                ["aktivitas terkumpul", self.acts_collected],
                ["ditandai (masuk antrean)", self.flagged],
                ["diputus", self.decided],
                ["pelanggaran", self.breaches],
                ["antrean terbuka", self.backlog_total],
            ]),
            "pelanggaran": (
                ["review_item", "instansi", "nama", "nip", "platform", "akun", "jenis_aktivitas", "waktu_aktivitas",
                 "kode", "bentuk_pelanggaran", "klausul", "register", "jenis_sanksi", "calon", "diputus",
                 "teks", "akun_konteks", "url", "bukti_sha256", "bukti_waktu", "bukti_url"],
                [[r.review_item_id, r.agency_code, r.employee_name, r.nip, r.platform, r.handle, r.kind,
                  _iso(r.occurred_at), r.violation_code, r.violation_label, ",".join(r.clauses), r.register or "",
                  r.sanction_type, r.candidate, _iso(r.decided_at), r.text, r.context_author or "", r.url or "",
                  r.evidence_sha256 or "", _iso(r.evidence_captured_at), r.evidence_url or ""]
                 for r in self.breach_rows],
            ),
            "antrean": (
                ["instansi", "nama_instansi", "terbuka", "menunggu", "perlu_klarifikasi", "eskalasi",
                 "umur_tertua_hari", "umur_median_hari"],
                [[b.agency_code, b.agency_name, b.open_items, b.pending, b.clarification, b.escalated,
                  b.oldest_days if b.oldest_days is not None else "",
                  b.median_days if b.median_days is not None else ""] for b in self.backlog],
            ),
            "rincian": (["kelompok", "kunci", "label", "jumlah"], [
                [group, t.key, t.label, t.count]
                for group, tallies in (
                    ("aktivitas_per_jenis", self.acts_by_kind),
                    ("aktivitas_per_platform", self.acts_by_platform),
                    ("putusan_per_verdict", self.decided_by_verdict),
                    ("pelanggaran_per_bentuk", self.breaches_by_code),
                    ("pelanggaran_per_klausul", self.breaches_by_clause),
                    ("pelanggaran_per_platform", self.breaches_by_platform),
                    ("pelanggaran_per_jenis", self.breaches_by_kind),
                    ("pelanggaran_per_calon", self.breaches_by_candidate),
                )
                for t in tallies
            ]),
            "tren": (["minggu", "aktivitas", "ditandai", "pelanggaran"],
                     [[p.week, p.acts, p.flagged, p.breaches] for p in self.trend]),
        }


def _iso(moment: datetime | None) -> str:
    from reports.period import WIB

    return moment.astimezone(WIB).isoformat() if moment else ""


def latest_decisions(end: datetime) -> Any:
    """Subquery: the latest decision id per review item among decisions made before ``end``."""
    return (
        select(Decision.review_item_id.label("item_id"), func.max(Decision.id).label("decision_id"))
        .where(Decision.decided_at < end)
        .group_by(Decision.review_item_id)
        .subquery()
    )


def _agency_filter(column: Any, agency_ids: Sequence[int] | None) -> Any:
    return true() if agency_ids is None else column.in_(list(agency_ids))


def _activities_in(start: datetime, end: datetime, agency_ids: Sequence[int] | None) -> Select[Any]:
    return (
        select(Activity.id, Activity.kind, Account.platform)
        .join(Account, Account.id == Activity.account_id)
        .join(Employee, Employee.id == Account.employee_id)
        .where(Activity.captured_at >= start, Activity.captured_at < end, Activity.self_audit.is_(False),
               _agency_filter(Employee.agency_id, agency_ids))
    )


def _count(session: Session, stmt: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def _decided_in(start: datetime, end: datetime, agency_ids: Sequence[int] | None) -> Select[Any]:
    latest = latest_decisions(end)
    return (
        select(ReviewItem.id.label("item_id"), Decision.id.label("decision_id"), Decision.verdict)
        .join(latest, latest.c.item_id == ReviewItem.id)
        .join(Decision, Decision.id == latest.c.decision_id)
        .where(Decision.decided_at >= start, _agency_filter(ReviewItem.agency_id, agency_ids))
    )


def _flagged_in(start: datetime, end: datetime, agency_ids: Sequence[int] | None) -> Select[Any]:
    return select(ReviewItem.id).where(
        ReviewItem.created_at >= start, ReviewItem.created_at < end, _agency_filter(ReviewItem.agency_id, agency_ids)
    )


def _tallies(counter: Counter[str], labels: dict[str, str] | None = None) -> list[Tally]:
    labels = labels or {}
    return [Tally(k, labels.get(k, k), n) for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def candidate_labels(session: Session) -> dict[str, str]:
    """Candidate id → "No. 2 — Name & Name" from the stored profiles (later profiles win)."""
    from models.profile import ProfileError, load_profile_text

    labels: dict[str, str] = {}
    for row in session.scalars(select(ElectionProfile).order_by(ElectionProfile.loaded_at)):
        try:
            profile = load_profile_text(row.source_yaml, f"profile:{row.id}")
        except ProfileError:
            continue
        for cand in profile.candidates:
            labels[cand.id] = f"No. {cand.number} — {' & '.join(cand.names)}"
    return labels


_MENTION = re.compile(r"@[\w.\-]+(?:@[\w.\-]+)?")


def mask_third_parties(text: str | None, allowed: Sequence[str | None] = ()) -> str:
    """Mask @mentions except the allowed handles (the account itself, the author of the post acted on)."""
    if not text:
        return ""
    keep = {h.lower().lstrip("@") for h in allowed if h}

    def _mask(m: re.Match[str]) -> str:
        return m.group(0) if m.group(0).lower().lstrip("@") in keep else "@***"

    return _MENTION.sub(_mask, text)


def _breach_rows(session: Session, start: datetime, end: datetime, agency_ids: Sequence[int] | None,
                 cand_labels: dict[str, str]) -> list[BreachRow]:
    decided = _decided_in(start, end, agency_ids).where(Decision.verdict == "pelanggaran").subquery()
    target = aliased(Post)
    rows = session.execute(
        select(ReviewItem, Decision, Activity, Account, Employee, Agency, Evidence, target.author_handle,
               Classification.profile_id)
        .join(decided, decided.c.item_id == ReviewItem.id)
        .join(Decision, Decision.id == decided.c.decision_id)
        .join(Activity, Activity.id == ReviewItem.activity_id)
        .join(Account, Account.id == Activity.account_id)
        .join(Employee, Employee.id == Account.employee_id)
        .join(Agency, Agency.id == Employee.agency_id)
        .join(Classification, Classification.id == ReviewItem.classification_id)
        .outerjoin(Evidence, Evidence.id == Activity.evidence_id)
        .outerjoin(target, target.id == Activity.target_post_id)
        .order_by(Agency.code, Decision.decided_at, ReviewItem.id)
    ).all()
    out = []
    for item, decision, activity, account, employee, agency, evidence, context_author, _profile_id in rows:
        code = decision.violation_code or "other"
        register = decision.register
        out.append(BreachRow(
            review_item_id=item.id,
            agency_code=agency.code,
            employee_name=employee.name,
            nip=employee.nip,
            platform=account.platform,
            handle=account.handle,
            kind=activity.kind,
            occurred_at=activity.occurred_at,
            violation_code=code,
            violation_label=VIOLATIONS[code].label if code in VIOLATIONS else code,
            clauses=parse_clauses(decision.clause),
            register=register,
            register_label=REGISTER_LABELS.get(register or "", "—"),
            sanction_type=SANCTION_TYPES.get(register or "", "—"),
            candidate=cand_labels.get(decision.candidate or "", decision.candidate or decision.party or NO_CANDIDATE),
            decided_at=decision.decided_at,
            text=mask_third_parties(activity.text, (account.handle, context_author)),
            context_author=context_author,
            url=activity.url,
            evidence_sha256=evidence.sha256 if evidence else None,
            evidence_captured_at=evidence.captured_at if evidence else None,
            evidence_url=evidence.source_url if evidence else None,
        ))
    return out


def _backlog(session: Session, end: datetime, now: datetime, agency_ids: Sequence[int] | None) -> list[BacklogRow]:
    latest = latest_decisions(end)
    rows = session.execute(
        select(Agency.code, Agency.name, ReviewItem.created_at, Decision.verdict)
        .select_from(ReviewItem)
        .join(Agency, Agency.id == ReviewItem.agency_id)
        .outerjoin(latest, latest.c.item_id == ReviewItem.id)
        .outerjoin(Decision, Decision.id == latest.c.decision_id)
        .where(ReviewItem.created_at < end, _agency_filter(ReviewItem.agency_id, agency_ids),
               or_(Decision.id.is_(None), Decision.verdict.in_(OPEN_VERDICTS)))
    ).all()
    # Ages are measured at the week's end, or now for the running week.
    ref = min(end, now)
    by_agency: dict[tuple[str, str], list[tuple[float, str | None]]] = {}
    for code, name, created_at, verdict in rows:
        age = max((ref - created_at).total_seconds() / 86400.0, 0.0)
        by_agency.setdefault((code, name), []).append((age, verdict))
    agencies = session.execute(
        select(Agency.code, Agency.name).where(_agency_filter(Agency.id, agency_ids)).order_by(Agency.code)
    ).all()
    out = []
    for code, name in agencies:
        items = by_agency.get((code, name), [])
        ages = [a for a, _ in items]
        out.append(BacklogRow(
            agency_code=code, agency_name=name, open_items=len(items),
            pending=sum(1 for _, v in items if v is None),
            clarification=sum(1 for _, v in items if v == "perlu_klarifikasi"),
            escalated=sum(1 for _, v in items if v == "eskalasi"),
            oldest_days=int(max(ages)) if ages else None,
            median_days=round(statistics.median(ages), 1) if ages else None,
        ))
    return out


def weekly_data(session: Session, week: IsoWeek, agency_ids: Sequence[int] | None = None,
                *, now: datetime | None = None) -> WeeklyData:
    """Every figure of the weekly report for ``agency_ids`` (``None``: all agencies)."""
    now = now or utcnow()
    start, end = week.start(), week.end()
    agencies = session.execute(
        select(Agency.code, Agency.name).where(_agency_filter(Agency.id, agency_ids)).order_by(Agency.code)
    ).all()
    if agency_ids is not None and len(agencies) != len(set(agency_ids)):
        raise ValueError(f"unknown agency id among {sorted(agency_ids)}")
    if agency_ids is None:
        scope = "Gabungan seluruh instansi"
    elif len(agencies) == 1:
        scope = f"{agencies[0].name} ({agencies[0].code})"
    else:
        scope = "Gabungan: " + ", ".join(a.code for a in agencies)
    data = WeeklyData(week=week, period_start=start, period_end=end, scope_label=scope,
                      agencies=[(a.code, a.name) for a in agencies],
                      agency_ids=None if agency_ids is None else sorted(agency_ids), generated_at=now)

    accounts = (
        select(Account.id, Account.platform, Account.handle, Account.state, Account.last_crawled_at)
        .join(Employee, Employee.id == Account.employee_id)
        .where(_agency_filter(Employee.agency_id, agency_ids), Account.created_at < end)
    )
    data.accounts_declared = _count(session, accounts)
    collected_from = select(Activity.account_id).where(
        Activity.captured_at >= start, Activity.captured_at < end, Activity.self_audit.is_(False))
    data.accounts_crawled = _count(session, accounts.where(or_(
        and_(Account.last_crawled_at >= start, Account.last_crawled_at < end), Account.id.in_(collected_from))))
    data.failed_accounts = [
        FailedAccount(r.platform, r.handle, r.state, r.last_crawled_at)
        for r in session.execute(accounts.where(Account.state != "active").order_by(Account.platform, Account.handle))
    ]
    data.watched_accounts = _count(session, select(WatchedAccount.id)
                                   .join(ElectionProfile, ElectionProfile.id == WatchedAccount.profile_id)
                                   .where(ElectionProfile.active.is_(True)))
    runs = session.execute(
        select(CrawlRun.status, func.count()).where(CrawlRun.started_at >= start, CrawlRun.started_at < end)
        .group_by(CrawlRun.status)
    ).all()
    run_counts = {status: n for status, n in runs}
    data.crawl_runs = sum(run_counts.values())
    data.crawl_runs_failed = run_counts.get("failed", 0)
    data.crawl_runs_partial = run_counts.get("partial", 0)

    acts = session.execute(_activities_in(start, end, agency_ids)).all()
    data.acts_collected = len(acts)
    data.acts_by_kind = _tallies(Counter(a.kind for a in acts), KIND_LABELS)
    data.acts_by_platform = _tallies(Counter(a.platform for a in acts))

    data.flagged = _count(session, _flagged_in(start, end, agency_ids))
    decided = session.execute(_decided_in(start, end, agency_ids)).all()
    data.decided = sum(1 for d in decided if d.verdict in FINAL_VERDICTS)
    data.decided_by_verdict = _tallies(Counter(d.verdict for d in decided), VERDICT_LABELS)

    data.breach_rows = _breach_rows(session, start, end, agency_ids, candidate_labels(session))
    rows = data.breach_rows
    data.breaches = len(rows)
    data.breaches_by_code = _tallies(Counter(r.violation_code for r in rows),
                                     {c: v.label for c, v in VIOLATIONS.items()})
    data.breaches_by_clause = _tallies(Counter(c for r in rows for c in (r.clauses or ("(tanpa klausul)",))),
                                       {c: f"{c}: {t}" for c, t in CLAUSES.items()})
    data.breaches_by_platform = _tallies(Counter(r.platform for r in rows))
    data.breaches_by_kind = _tallies(Counter(r.kind for r in rows), KIND_LABELS)
    data.breaches_by_candidate = _tallies(Counter(r.candidate for r in rows))
    data.backlog = _backlog(session, end, now, agency_ids)
    data.trend = trend(session, week, agency_ids)
    return data


def trend(session: Session, week: IsoWeek, agency_ids: Sequence[int] | None,
          weeks: int = TREND_WEEKS) -> list[TrendPoint]:
    points = []
    for back in range(weeks - 1, -1, -1):
        w = week.shifted(-back)
        start, end = w.start(), w.end()
        breaches = _count(session, _decided_in(start, end, agency_ids).where(Decision.verdict == "pelanggaran"))
        points.append(TrendPoint(
            week=w.label,
            acts=_count(session, _activities_in(start, end, agency_ids)),
            flagged=_count(session, _flagged_in(start, end, agency_ids)),
            breaches=breaches,
        ))
    return points


STATE_LABELS = {"active": "aktif", "not_found": "tidak ditemukan", "suspended": "ditangguhkan",
                "deactivated": "dinonaktifkan"}


def weekly_charts(data: WeeklyData) -> dict[str, str]:
    from reports.charts import bar_chart, trend_chart
    from reports.render import png_data_uri

    return {
        "trend": png_data_uri(trend_chart(
            [p.week for p in data.trend],
            {"aktivitas": [p.acts for p in data.trend], "ditandai": [p.flagged for p in data.trend],
             "pelanggaran": [p.breaches for p in data.trend]},
            f"Tren {len(data.trend)} minggu terakhir")),
        "by_clause": png_data_uri(bar_chart([t.key for t in data.breaches_by_clause],
                                            [t.count for t in data.breaches_by_clause], "Pelanggaran per klausul")),
        "by_platform": png_data_uri(bar_chart([t.label for t in data.breaches_by_platform],
                                              [t.count for t in data.breaches_by_platform],
                                              "Pelanggaran per platform")),
    }


def build_weekly_report(session: Session, week: IsoWeek, agency_id: int | None = None, *,
                        created_by: str | None = None, now: datetime | None = None) -> list[Any]:
    """Render one agency's (or the combined) weekly report as HTML, PDF, CSV and XLSX; returns Report rows."""
    from reports.render import render_bundle
    from reports.store import record_files, report_dir

    data = weekly_data(session, week, None if agency_id is None else [agency_id], now=now)
    code = data.agencies[0][0] if agency_id is not None else "semua"
    context = {
        "title": "Laporan Mingguan Netralitas ASN",
        "subtitle": f"{data.scope_label} · {week.human()}",
        "footer": f"laporan mingguan {week.label} · {code}",
        "generated_at": data.generated_at,
        "d": data,
        "breaches": data.breach_rows,
        "charts": weekly_charts(data),
        "state_labels": STATE_LABELS,
    }
    paths = render_bundle("weekly.html", context, data.tables(), report_dir(week.label), f"mingguan-{code}")
    return record_files(session, paths, kind="weekly", agency_id=agency_id, period_label=week.label,
                        period_start=data.period_start, period_end=data.period_end, created_by=created_by)


def build_all_weekly(week: IsoWeek, *, created_by: str | None = None) -> list[Any]:
    """Every agency's weekly report and the combined one, each committed on its own."""
    from monitor.db.session import session_scope

    with session_scope() as session:
        agency_ids = list(session.scalars(select(Agency.id).order_by(Agency.code)))
    paths = []
    for agency_id in [*agency_ids, None]:
        with session_scope() as session:
            paths += [r.path for r in build_weekly_report(session, week, agency_id, created_by=created_by)]
    return paths
