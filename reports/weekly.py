"""The weekly (and period) report's figures, computed with SQL from Netra's database.

One ``WeeklyData`` per agency, or for several/all agencies together, for a
:class:`reports.period.Period` (an ISO week, or any run of days). docs/reports.md states the
rules for its readers; in short:

- every figure about acts counts an act in the period in which it **happened**
  (``occurred_at``), falling back to its capture time when the platform gave none; periods
  are whole days in Asia/Jakarta;
- review states are taken **as of** one moment (``as_of``, default: when the report is made):
  an item's verdict is its latest decision made before it. Decisions are append-only, so the
  same ``as_of`` rebuilds the same figures;
- *flagged* = acts of the period in the review queue; *reviewed* = those whose latest verdict
  is final (``pelanggaran``/``bukan_pelanggaran``); *confirmed* = latest counting verdict
  ``pelanggaran`` (under four eyes, only once a second reviewer or a supervisor settled it);
- *hoax flagged* = flagged acts the matcher found repeating a claim fact-checkers rated false
  (issue 19); *hoax confirmed* = confirmed violations whose code is ``hoax``, however the act was
  queued (a reviewer may find a hoax in an act queued for partisanship);
- *open*/*overdue* = the agency's queue at ``as_of`` (any period), overdue after the agency's review
  deadline in the queue (``monitor.db.deadlines``: ``review_due_days_agencies``, else ``review_due_days``,
  the rule the queue page counts by);
- reviewer throughput counts decisions made in the period (work is timed by when it was done);
- self-audit activities never count (private to their agency, ``monitor.selfaudit``) unless
  the agency submitted them into the queue;
- captured text of third parties is masked (domain.md §9).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select, true
from sqlalchemy.orm import Session, aliased

from monitor.db.deadlines import ReviewDeadlines
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
    User,
    WatchedAccount,
)
from monitor.db.types import UTCDateTime, utcnow
from monitor.db.vocabulary import REGISTER_LABELS, VERDICT_LABELS, parse_clauses
from reports.charts import Chart, bar_chart, trend_chart
from reports.labels import (
    NO_CLAUSE,
    clause_label,
    clause_short,
    clauses_inline,
    kind_label,
    platform_label,
    state_label,
    violation_label,
    violation_short,
)
from reports.period import WIB, IsoWeek, Period
from reports.tables import Column, Table, table

TREND_WEEKS = 8
OPEN_VERDICTS = ("perlu_klarifikasi", "eskalasi")
FINAL_VERDICTS = ("pelanggaran", "bukan_pelanggaran")
NO_CANDIDATE = "(tidak disebut)"
REPEAT_THRESHOLD = 2

# domain.md §6: the sanction *type* the rules attach to each register, for information only.
SANCTION_TYPES: dict[str, str] = {
    "ethics": "Sanksi moral (PP 42/2004 Pasal 15): pernyataan secara tertutup atau secara terbuka",
    "discipline": "Hukuman disiplin (PP 94/2021) — sedang: pemotongan tunjangan kinerja 25% selama 6, 9 atau "
                  "12 bulan; berat: penurunan jabatan setingkat lebih rendah 12 bulan, pembebasan dari jabatan "
                  "menjadi jabatan pelaksana 12 bulan, atau pemberhentian dengan hormat tidak atas permintaan "
                  "sendiri",
    "election_crime": "Diteruskan ke Bawaslu / Sentra Gakkumdu (tindak pidana pemilu)",
}
NO_REGISTER = "Register belum ditentukan peninjau"


def act_time() -> ColumnElement[datetime]:
    """When the act happened: ``occurred_at``, or the capture time when the platform gave none."""
    return func.coalesce(Activity.occurred_at, Activity.captured_at, type_=UTCDateTime())


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


HOAX_CODE = "hoax"  # monitor/db/vocabulary.py: the violation type of the hoax clause


@dataclass(frozen=True)
class Counts:
    acts: int = 0
    flagged: int = 0
    reviewed: int = 0
    confirmed: int = 0
    hoax_flagged: int = 0
    hoax_confirmed: int = 0

    @property
    def unreviewed(self) -> int:
        return self.flagged - self.reviewed


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: str
    acts: int
    flagged: int
    reviewed: int
    confirmed: int
    cumulative: int  # confirmed violations of acts up to the period's end
    open_items: int
    overdue: int
    declared: int
    reachable: int
    hoax_flagged: int = 0
    hoax_confirmed: int = 0

    @property
    def share(self) -> float | None:
        return self.reachable / self.declared if self.declared else None


@dataclass(frozen=True)
class CaseRow:
    """One confirmed violation: the act, the decision that confirmed it, its evidence."""

    review_item_id: int
    agency_code: str
    agency_name: str
    employee_id: int
    employee_name: str
    nip: str
    platform: str
    handle: str
    kind: str
    act_at: datetime
    act_at_is_capture: bool  # the platform gave no time: counted by capture time
    violation_code: str
    clauses: tuple[str, ...]
    register: str | None
    candidate: str
    decided_at: datetime
    reviewer: str
    text: str
    context_author: str | None
    url: str | None
    evidence_sha256: str | None
    evidence_captured_at: datetime | None
    in_period: bool

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def platform_label(self) -> str:
        return platform_label(self.platform)

    @property
    def violation_label(self) -> str:
        return violation_label(self.violation_code)

    @property
    def violation_short(self) -> str:
        return violation_short(self.violation_code)

    @property
    def clauses_label(self) -> str:
        return clauses_inline(self.clauses)

    @property
    def register_label(self) -> str:
        return REGISTER_LABELS.get(self.register or "", NO_REGISTER)

    @property
    def sanction_type(self) -> str:
        return SANCTION_TYPES.get(self.register or "", "—")


@dataclass
class PersonCases:
    """A civil servant's confirmed violations, listed once with the sanction types they carry."""

    employee_id: int
    employee_name: str
    nip: str
    agency_code: str
    agency_name: str
    cases: list[CaseRow] = field(default_factory=list)

    @property
    def in_period(self) -> int:
        return sum(1 for c in self.cases if c.in_period)

    @property
    def sanctions(self) -> list[tuple[str, str]]:
        """(register label, sanction type) once per register cited, most severe register last."""
        order = {"ethics": 0, "discipline": 1, "election_crime": 2}
        registers = sorted({c.register for c in self.cases}, key=lambda r: order.get(r or "", -1))
        return [(REGISTER_LABELS.get(r or "", NO_REGISTER), SANCTION_TYPES.get(r or "", "—")) for r in registers]


@dataclass(frozen=True)
class BacklogRow:
    agency_code: str
    agency_name: str
    open_items: int
    pending: int
    clarification: int
    escalated: int
    due_days: int  # the agency's review deadline
    overdue: int
    oldest_days: int | None
    median_days: float | None


@dataclass(frozen=True)
class ReviewerRow:
    name: str
    decisions: int
    confirmed: int
    not_breach: int
    clarification: int
    escalated: int
    median_hours: float | None


@dataclass(frozen=True)
class CoverageRow:
    platform: str
    label: str
    reader: str  # how Netra reads this platform now, in words
    declared: int
    reachable: int
    unreachable_accounts: int  # declared on a crawlable platform but not active

    @property
    def share(self) -> float | None:
        return self.reachable / self.declared if self.declared else None


@dataclass(frozen=True)
class TrendPoint:
    week: str
    acts: int
    flagged: int
    confirmed: int


@dataclass(frozen=True)
class FailedAccount:
    agency_code: str
    employee_name: str
    platform: str
    handle: str
    state: str
    last_crawled_at: datetime | None

    @property
    def platform_label(self) -> str:
        return platform_label(self.platform)

    @property
    def state_label(self) -> str:
        return state_label(self.state)


@dataclass
class WeeklyData:
    period: Period
    scope_label: str
    agencies: list[tuple[str, str]]  # (code, name)
    agency_ids: list[int] | None
    generated_at: datetime
    as_of: datetime
    due_days: int  # the general deadline, review_due_days
    # The deadline the agencies in scope share (None: they all have their own, and differ), and the
    # agencies in scope whose own deadline differs from it, as (code, name, days).
    due_common: int | None
    previous_period: Period
    due_exceptions: list[tuple[str, str, int]] = field(default_factory=list)
    current: Counts = field(default_factory=Counts)
    previous: Counts = field(default_factory=Counts)
    acts_by_capture_time: int = 0
    acts_by_kind: list[Tally] = field(default_factory=list)
    acts_by_platform: list[Tally] = field(default_factory=list)
    agency_rows: list[AgencyRow] = field(default_factory=list)
    by_clause: list[Tally] = field(default_factory=list)
    by_violation: list[Tally] = field(default_factory=list)
    by_platform: list[Tally] = field(default_factory=list)
    by_kind: list[Tally] = field(default_factory=list)
    by_candidate: list[Tally] = field(default_factory=list)
    cases: list[CaseRow] = field(default_factory=list)
    people: list[PersonCases] = field(default_factory=list)
    repeat_offenders: list[PersonCases] = field(default_factory=list)
    reviewers: list[ReviewerRow] = field(default_factory=list)
    backlog: list[BacklogRow] = field(default_factory=list)
    coverage: list[CoverageRow] = field(default_factory=list)
    failed_accounts: list[FailedAccount] = field(default_factory=list)
    watched_accounts: int = 0
    crawl_runs: int = 0
    crawl_runs_failed: int = 0
    crawl_runs_partial: int = 0
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def week(self) -> IsoWeek | None:
        return self.period.week

    @property
    def period_start(self) -> datetime:
        return self.period.start()

    @property
    def period_end(self) -> datetime:
        return self.period.end()

    @property
    def combined(self) -> bool:
        return self.agency_ids is None or len(self.agency_ids) > 1

    @property
    def open_total(self) -> int:
        return sum(b.open_items for b in self.backlog)

    @property
    def overdue_total(self) -> int:
        return sum(b.overdue for b in self.backlog)

    @property
    def due_short(self) -> str:
        """The deadline after "lewat tenggat" in a heading: "7 hari", or "instansinya" when agencies differ."""
        return f"{self.due_common} hari" if self.due_common is not None and not self.due_exceptions else "instansinya"

    @property
    def due_heading(self) -> str:
        """The overdue column's heading, naming the deadline where there is one for the whole scope."""
        if self.due_common is not None and not self.due_exceptions:
            return f"Lewat tenggat (> {self.due_common} hari)"
        return "Lewat tenggat (tenggat per instansi)"

    @property
    def due_text(self) -> str:
        """The review deadline of the scope in words, each agency with its own deadline named."""
        own = ", ".join(f"{name} {days} hari" for _code, name, days in self.due_exceptions)
        if self.due_common is None:
            return f"sejak item masuk antrean: {own}"
        return f"{self.due_common} hari sejak item masuk antrean" + (f", kecuali {own}" if own else "")

    @property
    def declared_total(self) -> int:
        return sum(c.declared for c in self.coverage)

    @property
    def reachable_total(self) -> int:
        return sum(c.reachable for c in self.coverage)

    @property
    def reachable_share(self) -> float | None:
        return self.reachable_total / self.declared_total if self.declared_total else None

    @property
    def decisions_total(self) -> int:
        return sum(r.decisions for r in self.reviewers)

    @property
    def changes(self) -> dict[str, int]:
        return {name: getattr(self.current, name) - getattr(self.previous, name)
                for name in ("acts", "flagged", "reviewed", "confirmed", "hoax_flagged", "hoax_confirmed")}

    def attention(self) -> list[str]:
        """What the reader should act on first, in sentences (empty: nothing stands out)."""
        points = []
        if self.overdue_total:
            where = sum(1 for b in self.backlog if b.overdue)
            points.append(f"{self.overdue_total} item antrean lewat tenggat {self.due_short}"
                          + (f" di {where} instansi" if self.combined else "") + ".")
        if self.repeat_offenders:
            points.append(f"{len(self.repeat_offenders)} ASN melakukan pelanggaran berulang "
                          f"(≥ {REPEAT_THRESHOLD} pelanggaran terkonfirmasi, terakhir {self.period.noun}).")
        change = self.changes["confirmed"]
        if change > 0:
            points.append(f"Pelanggaran terkonfirmasi naik dari {self.previous.confirmed} menjadi "
                          f"{self.current.confirmed} dibanding {self.period.previous_label}.")
        if self.current.unreviewed:
            points.append(f"{self.current.unreviewed} aktivitas {self.period.noun} yang ditandai belum diputus.")
        if self.current.hoax_flagged:
            points.append(f"{self.current.hoax_flagged} aktivitas {self.period.noun} mengulang klaim yang dinyatakan "
                          f"salah oleh pemeriksa fakta; {self.current.hoax_confirmed} terkonfirmasi pelanggaran hoaks.")
        unreachable = self.declared_total - self.reachable_total
        if unreachable:
            points.append(f"{unreachable} dari {self.declared_total} akun terdaftar tidak dapat dirayapi "
                          "(lihat Cakupan akun).")
        return points

    def tables(self) -> list[Table]:
        """The report's tables, for the XLSX workbook and the CSV files (docs/reports.md, Files)."""
        return weekly_tables(self)


def latest_decisions(as_of: datetime) -> Any:
    """Subquery: the latest decision id per review item among decisions made before ``as_of`` that count.

    Under four eyes a verdict still awaiting its second reviewer, or disputed between the two, does not count
    (monitor.review.decisions.counts): the item stands where its last counting decision left it.
    """
    counted = Decision.four_eyes.is_(None) | Decision.four_eyes.in_(("confirmed", "resolved"))
    return (
        select(Decision.review_item_id.label("item_id"), func.max(Decision.id).label("decision_id"))
        .where(Decision.decided_at < as_of, counted)
        .group_by(Decision.review_item_id)
        .subquery()
    )


def _agency_filter(column: Any, agency_ids: Sequence[int] | None) -> Any:
    return true() if agency_ids is None else column.in_(list(agency_ids))


def _count(session: Session, stmt: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def _acts(start: datetime, end: datetime, as_of: datetime, agency_ids: Sequence[int] | None) -> Select[Any]:
    """Non-self-audit acts of the scope's declared accounts that happened in [start, end), captured before as_of."""
    when = act_time()
    return (
        select(Activity.id)
        .join(Account, Account.id == Activity.account_id)
        .join(Employee, Employee.id == Account.employee_id)
        .where(when >= start, when < end, Activity.captured_at < as_of, Activity.self_audit.is_(False),
               _agency_filter(Employee.agency_id, agency_ids))
    )


def _item_states(start: datetime | None, end: datetime, as_of: datetime, agency_ids: Sequence[int] | None
                 ) -> Select[Any]:
    """Review items of acts that happened in [start, end) (no start: any time before end), with their
    agency, queue time, latest verdict and its violation code as of ``as_of`` (NULL: no decision yet),
    and whether the act was queued as repeating a debunked claim."""
    latest = latest_decisions(as_of)
    when = act_time()
    stmt = (
        select(ReviewItem.id, ReviewItem.agency_id, ReviewItem.created_at, Decision.verdict,
               Decision.violation_code, Classification.hoax)
        .join(Activity, Activity.id == ReviewItem.activity_id)
        .join(Classification, Classification.id == ReviewItem.classification_id)
        .outerjoin(latest, latest.c.item_id == ReviewItem.id)
        .outerjoin(Decision, Decision.id == latest.c.decision_id)
        .where(when < end, ReviewItem.created_at < as_of, _agency_filter(ReviewItem.agency_id, agency_ids))
    )
    return stmt if start is None else stmt.where(when >= start)


def _item_counts(items: Sequence[Any]) -> dict[str, int]:
    """Flagged, reviewed, confirmed and the hoax figures of rows of :func:`_item_states`."""
    return {
        "flagged": len(items),
        "reviewed": sum(1 for i in items if i.verdict in FINAL_VERDICTS),
        "confirmed": sum(1 for i in items if i.verdict == "pelanggaran"),
        "hoax_flagged": sum(1 for i in items if i.hoax),
        "hoax_confirmed": sum(1 for i in items if i.verdict == "pelanggaran" and i.violation_code == HOAX_CODE),
    }


def counts(session: Session, period: Period, as_of: datetime, agency_ids: Sequence[int] | None) -> Counts:
    start, end = period.start(), period.end()
    items = session.execute(_item_states(start, end, as_of, agency_ids)).all()
    return Counts(acts=_count(session, _acts(start, end, as_of, agency_ids)), **_item_counts(items))


def _tallies(counter: Counter[str], labels: Any = None) -> list[Tally]:
    """Largest first; ``labels`` maps a key to its label (a dict or a function)."""
    def label(key: str) -> str:
        if labels is None:
            return key
        return str(labels(key)) if callable(labels) else str(labels.get(key, key))

    return [Tally(k, label(k), n) for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


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


def _confirmed_cases(session: Session, start: datetime, end: datetime, as_of: datetime,
                     agency_ids: Sequence[int] | None, cand_labels: dict[str, str]) -> list[CaseRow]:
    """Every confirmed violation of acts that happened before ``end`` (``in_period``: from ``start`` on)."""
    latest = latest_decisions(as_of)
    target = aliased(Post)
    when = act_time().label("act_at")
    rows = session.execute(
        select(ReviewItem.id, Decision, Activity, Account, Employee, Agency, Evidence, target.author_handle,
               User.full_name, User.username, when)
        .join(latest, latest.c.item_id == ReviewItem.id)
        .join(Decision, Decision.id == latest.c.decision_id)
        .join(Activity, Activity.id == ReviewItem.activity_id)
        .join(Account, Account.id == Activity.account_id)
        .join(Employee, Employee.id == Account.employee_id)
        .join(Agency, Agency.id == Employee.agency_id)
        .join(User, User.id == Decision.reviewer_id)
        .outerjoin(Evidence, Evidence.id == Activity.evidence_id)
        .outerjoin(target, target.id == Activity.target_post_id)
        .where(Decision.verdict == "pelanggaran", act_time() < end, ReviewItem.created_at < as_of,
               _agency_filter(ReviewItem.agency_id, agency_ids))
        .order_by(Agency.code, Employee.name, act_time(), ReviewItem.id)
    ).all()
    out = []
    for (item_id, decision, activity, account, employee, agency, evidence, context_author, full_name, username,
         at) in rows:
        out.append(CaseRow(
            review_item_id=item_id, agency_code=agency.code, agency_name=agency.name, employee_id=employee.id,
            employee_name=employee.name, nip=employee.nip, platform=account.platform, handle=account.handle,
            kind=activity.kind, act_at=at, act_at_is_capture=activity.occurred_at is None,
            violation_code=decision.violation_code or "other", clauses=parse_clauses(decision.clause),
            register=decision.register,
            candidate=cand_labels.get(decision.candidate or "",
                                      decision.candidate or decision.party or NO_CANDIDATE),
            decided_at=decision.decided_at, reviewer=full_name or username,
            text=mask_third_parties(activity.text, (account.handle, context_author)),
            context_author=context_author, url=activity.url,
            evidence_sha256=evidence.sha256 if evidence else None,
            evidence_captured_at=evidence.captured_at if evidence else None,
            in_period=at >= start,
        ))
    return out


def _group_people(cases: Sequence[CaseRow]) -> list[PersonCases]:
    people: dict[int, PersonCases] = {}
    for c in cases:
        person = people.setdefault(c.employee_id, PersonCases(c.employee_id, c.employee_name, c.nip, c.agency_code,
                                                              c.agency_name))
        person.cases.append(c)
    return list(people.values())


def _backlog(session: Session, as_of: datetime, deadlines: ReviewDeadlines, agencies: Sequence[Any],
             agency_ids: Sequence[int] | None) -> list[BacklogRow]:
    """The queue of every agency in scope at ``as_of``: items without a final decision, of any period."""
    latest = latest_decisions(as_of)
    rows = session.execute(
        select(ReviewItem.agency_id, ReviewItem.created_at, Decision.verdict)
        .outerjoin(latest, latest.c.item_id == ReviewItem.id)
        .outerjoin(Decision, Decision.id == latest.c.decision_id)
        .where(ReviewItem.created_at < as_of, _agency_filter(ReviewItem.agency_id, agency_ids),
               (Decision.id.is_(None)) | (Decision.verdict.in_(OPEN_VERDICTS)))
    ).all()
    by_agency: dict[int, list[tuple[float, str | None]]] = defaultdict(list)
    for agency_id, created_at, verdict in rows:
        by_agency[agency_id].append((max((as_of - created_at).total_seconds() / 86400.0, 0.0), verdict))
    out = []
    for agency in agencies:
        items = by_agency.get(agency.id, [])
        ages = [a for a, _ in items]
        due_days = deadlines.days(agency.id)
        out.append(BacklogRow(
            agency_code=agency.code, agency_name=agency.name, open_items=len(items),
            pending=sum(1 for _, v in items if v is None),
            clarification=sum(1 for _, v in items if v == "perlu_klarifikasi"),
            escalated=sum(1 for _, v in items if v == "eskalasi"),
            due_days=due_days,
            overdue=sum(1 for a in ages if a > due_days),  # queued before as_of - due_days, as the queue counts
            oldest_days=int(max(ages)) if ages else None,
            median_days=round(statistics.median(ages), 1) if ages else None,
        ))
    return out


def _reviewers(session: Session, start: datetime, end: datetime, as_of: datetime,
               agency_ids: Sequence[int] | None) -> list[ReviewerRow]:
    """Decisions made in the period, per reviewer (a reversal is a decision too)."""
    rows = session.execute(
        select(User.full_name, User.username, Decision.verdict, Decision.decided_at, ReviewItem.created_at)
        .join(ReviewItem, ReviewItem.id == Decision.review_item_id)
        .join(User, User.id == Decision.reviewer_id)
        .where(Decision.decided_at >= start, Decision.decided_at < min(end, as_of),
               _agency_filter(ReviewItem.agency_id, agency_ids))
    ).all()
    per: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for full_name, username, verdict, decided_at, queued_at in rows:
        per[full_name or username].append((verdict, max((decided_at - queued_at).total_seconds() / 3600.0, 0.0)))
    out = []
    for name, decisions in per.items():
        verdicts = Counter(v for v, _ in decisions)
        out.append(ReviewerRow(
            name=name, decisions=len(decisions), confirmed=verdicts["pelanggaran"],
            not_breach=verdicts["bukan_pelanggaran"], clarification=verdicts["perlu_klarifikasi"],
            escalated=verdicts["eskalasi"], median_hours=round(statistics.median(h for _, h in decisions), 1),
        ))
    return sorted(out, key=lambda r: (-r.decisions, r.name))


def platform_reader(platform: str) -> tuple[bool, str]:
    """(whether a crawler can read ``platform``'s accounts now, how Netra reads them, in words)."""
    from spiders.platforms import PLATFORMS, crawl_for, requirement_missing

    entry = PLATFORMS.get(platform)
    if entry is None:
        return False, "platform tidak dikenal"
    crawl = crawl_for(platform)
    if crawl is None:
        if entry.crawl and requirement_missing(platform):
            return False, "perayap belum dikonfigurasi (token/kunci API belum diisi)"
        return False, "tanpa perayap: hanya ekspor audit mandiri"
    if crawl != entry.crawl:
        return True, "umpan publik (terbatas, tanpa kunci API)"
    if requirement_missing(platform):
        return False, "perayap belum dikonfigurasi (token/kunci API belum diisi)"
    return True, "perayap API"


def _coverage(session: Session, as_of: datetime, agency_ids: Sequence[int] | None
              ) -> tuple[list[CoverageRow], dict[int, tuple[int, int]], list[FailedAccount]]:
    """Declared accounts per platform and per agency, and how many a crawler can read (as of ``as_of``)."""
    rows = session.execute(
        select(Account.platform, Account.handle, Account.state, Account.last_crawled_at, Employee.agency_id,
               Employee.name, Agency.code)
        .join(Employee, Employee.id == Account.employee_id)
        .join(Agency, Agency.id == Employee.agency_id)
        .where(_agency_filter(Employee.agency_id, agency_ids), Account.created_at < as_of)
        .order_by(Agency.code, Account.platform, Account.handle)
    ).all()
    readers = {p: platform_reader(p) for p in {r.platform for r in rows}}
    per_platform: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    per_agency: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    failed = []
    for r in rows:
        crawlable = readers[r.platform][0]
        reachable = crawlable and r.state == "active"
        per_platform[r.platform][0] += 1
        per_platform[r.platform][1] += int(reachable)
        per_platform[r.platform][2] += int(crawlable and not reachable)
        per_agency[r.agency_id][0] += 1
        per_agency[r.agency_id][1] += int(reachable)
        if r.state != "active":
            failed.append(FailedAccount(r.code, r.name, r.platform, r.handle, r.state, r.last_crawled_at))
    coverage = [CoverageRow(p, platform_label(p), readers[p][1], *per_platform[p])
                for p in sorted(per_platform, key=lambda p: (-per_platform[p][0], p))]
    return coverage, {k: (v[0], v[1]) for k, v in per_agency.items()}, failed


def trend(session: Session, period: Period, as_of: datetime, agency_ids: Sequence[int] | None,
          weeks: int = TREND_WEEKS) -> list[TrendPoint]:
    """The ``weeks`` ISO weeks ending with the week of the period's last day, counted like the period."""
    last = IsoWeek.containing(period.last_day)
    points = []
    for back in range(weeks - 1, -1, -1):
        w = last.shifted(-back)
        c = counts(session, w.period(), as_of, agency_ids)
        points.append(TrendPoint(week=w.label, acts=c.acts, flagged=c.flagged, confirmed=c.confirmed))
    return points


def _scope(session: Session, agency_ids: Sequence[int] | None) -> tuple[list[Any], str]:
    agencies = session.execute(
        select(Agency.id, Agency.code, Agency.name).where(_agency_filter(Agency.id, agency_ids)).order_by(Agency.code)
    ).all()
    if agency_ids is not None and len(agencies) != len(set(agency_ids)):
        raise ValueError(f"unknown agency id among {sorted(agency_ids)}")
    if agency_ids is None:
        return agencies, "Gabungan seluruh instansi"
    if len(agencies) == 1:
        return agencies, f"{agencies[0].name} ({agencies[0].code})"
    return agencies, "Gabungan: " + ", ".join(a.code for a in agencies)


def report_data(session: Session, period: Period, agency_ids: Sequence[int] | None = None, *,
                now: datetime | None = None, as_of: datetime | None = None) -> WeeklyData:
    """Every figure of the report on ``period`` for ``agency_ids`` (``None``: all agencies).

    ``now`` is when the report is made; ``as_of`` the moment review states are taken (default ``now``).
    """
    from monitor.config import get_settings

    now = now or utcnow()
    as_of = as_of or now
    deadlines = ReviewDeadlines.load(session, get_settings())
    start, end = period.start(), period.end()
    agencies, scope = _scope(session, agency_ids)
    due_common, due_own = deadlines.among(a.id for a in agencies)
    data = WeeklyData(period=period, scope_label=scope, agencies=[(a.code, a.name) for a in agencies],
                      agency_ids=None if agency_ids is None else sorted(agency_ids), generated_at=now, as_of=as_of,
                      due_days=deadlines.default_days, previous_period=period.previous(), due_common=due_common,
                      due_exceptions=[(a.code, a.name, due_own[a.id]) for a in agencies if a.id in due_own])

    data.current = counts(session, period, as_of, agency_ids)
    data.previous = counts(session, data.previous_period, as_of, agency_ids)
    when = act_time()
    acts = session.execute(
        select(Employee.agency_id, Activity.kind, Account.platform,
               case((Activity.occurred_at.is_(None), 1), else_=0).label("by_capture"), func.count())
        .join(Account, Account.id == Activity.account_id)
        .join(Employee, Employee.id == Account.employee_id)
        .where(when >= start, when < end, Activity.captured_at < as_of, Activity.self_audit.is_(False),
               _agency_filter(Employee.agency_id, agency_ids))
        .group_by(Employee.agency_id, Activity.kind, Account.platform, "by_capture")
    ).all()
    kinds: Counter[str] = Counter()
    platforms: Counter[str] = Counter()
    acts_per_agency: Counter[int] = Counter()
    for agency_id, kind, platform, by_capture, n in acts:
        kinds[kind] += n
        platforms[platform] += n
        acts_per_agency[agency_id] += n
        data.acts_by_capture_time += n if by_capture else 0
    data.acts_by_kind = _tallies(kinds, kind_label)
    data.acts_by_platform = _tallies(platforms, platform_label)

    items = session.execute(_item_states(start, end, as_of, agency_ids)).all()
    per_agency_items: dict[int, list[Any]] = defaultdict(list)
    for item in items:
        per_agency_items[item.agency_id].append(item)

    all_cases = _confirmed_cases(session, start, end, as_of, agency_ids, candidate_labels(session))
    data.cases = [c for c in all_cases if c.in_period]
    data.people = _group_people(data.cases)
    data.repeat_offenders = sorted(
        (p for p in _group_people(all_cases) if len(p.cases) >= REPEAT_THRESHOLD and p.in_period),
        key=lambda p: (-len(p.cases), p.agency_code, p.employee_name))
    cumulative = Counter(c.agency_code for c in all_cases)
    rows = data.cases
    data.by_clause = _tallies(Counter(c for r in rows for c in (r.clauses or (NO_CLAUSE,))), clause_short)
    data.by_violation = _tallies(Counter(r.violation_code for r in rows), violation_short)
    data.by_platform = _tallies(Counter(r.platform for r in rows), platform_label)
    data.by_kind = _tallies(Counter(r.kind for r in rows), kind_label)
    data.by_candidate = _tallies(Counter(r.candidate for r in rows))

    data.backlog = _backlog(session, as_of, deadlines, agencies, agency_ids)
    data.reviewers = _reviewers(session, start, end, as_of, agency_ids)
    data.coverage, per_agency_accounts, data.failed_accounts = _coverage(session, as_of, agency_ids)
    backlog = {b.agency_code: b for b in data.backlog}
    for agency in agencies:
        declared, reachable = per_agency_accounts.get(agency.id, (0, 0))
        b = backlog[agency.code]
        data.agency_rows.append(AgencyRow(
            code=agency.code, name=agency.name, acts=acts_per_agency.get(agency.id, 0),
            **_item_counts(per_agency_items.get(agency.id, [])), cumulative=cumulative.get(agency.code, 0),
            open_items=b.open_items, overdue=b.overdue, declared=declared, reachable=reachable,
        ))
    if data.combined:
        # The agencies that need a call first: most violations, then the most overdue.
        data.agency_rows.sort(key=lambda r: (-r.confirmed, -r.overdue, -r.flagged, r.code))

    data.watched_accounts = _count(session, select(WatchedAccount.id)
                                   .join(ElectionProfile, ElectionProfile.id == WatchedAccount.profile_id)
                                   .where(ElectionProfile.active.is_(True)))
    runs = session.execute(
        select(CrawlRun.status, func.count()).where(CrawlRun.started_at >= start, CrawlRun.started_at < end,
                                                    CrawlRun.started_at < as_of)
        .group_by(CrawlRun.status)
    ).all()
    run_counts = {status: n for status, n in runs}
    data.crawl_runs = sum(run_counts.values())
    data.crawl_runs_failed = run_counts.get("failed", 0)
    data.crawl_runs_partial = run_counts.get("partial", 0)
    data.trend = trend(session, period, as_of, agency_ids)
    return data


def weekly_data(session: Session, week: IsoWeek, agency_ids: Sequence[int] | None = None, *,
                now: datetime | None = None, as_of: datetime | None = None) -> WeeklyData:
    """Every figure of the weekly report for ``agency_ids`` (``None``: all agencies)."""
    return report_data(session, week.period(), agency_ids, now=now, as_of=as_of)


def weekly_charts(data: WeeklyData) -> dict[str, Chart]:
    return {
        "trend": trend_chart([p.week for p in data.trend], [p.acts for p in data.trend],
                             [p.flagged for p in data.trend], [p.confirmed for p in data.trend],
                             f"Tren {len(data.trend)} minggu terakhir (menurut waktu aktivitas)"),
        "by_clause": bar_chart([t.label for t in data.by_clause], [t.count for t in data.by_clause],
                               "Pelanggaran per butir ikrar"),
        "by_violation": bar_chart([t.label for t in data.by_violation], [t.count for t in data.by_violation],
                                  "Pelanggaran per bentuk"),
    }


def _dash(value: Any) -> Any:
    return "" if value is None else value


def weekly_tables(d: WeeklyData) -> list[Table]:
    """Every table of the report (docs/reports.md): XLSX sheets for people, CSV files for machines."""
    info = table("keterangan", "Keterangan", [("butir", "Butir"), ("nilai", "Nilai")])
    period_word = "minggu ISO" if d.period.week is not None else "rentang tanggal"
    for key, value in (
        ("laporan", "Laporan mingguan netralitas ASN" if d.period.week else "Laporan periode netralitas ASN"),
        ("cakupan", d.scope_label),
        ("periode", f"{d.period.human()} ({period_word}, WIB)"),
        ("periode_mulai", d.period_start),
        ("periode_selesai_eksklusif", d.period_end),
        ("periode_pembanding", d.previous_period.human()),
        ("keadaan_per", d.as_of),
        ("dibuat", d.generated_at),
        ("dasar_waktu", "waktu aktivitas terjadi; waktu perekaman bila platform tidak memberi waktu"),
        ("aktivitas_menurut_waktu_perekaman", d.acts_by_capture_time),
        ("tenggat_tinjauan_hari", d.due_days),
        ("tenggat_tinjauan_per_instansi", "; ".join(f"{code}={days}" for code, _name, days in d.due_exceptions)),
    ):
        info.add(key, value)

    summary = table("ringkasan", "Ringkasan", [
        ("ukuran", "Ukuran"), Column("periode_ini", "Periode ini", "int"),
        Column("periode_sebelumnya", "Periode sebelumnya", "int"), Column("perubahan", "Perubahan", "int")])
    for key, label in (("acts", "Aktivitas terkumpul"), ("flagged", "Ditandai (masuk antrean)"),
                       ("reviewed", "Ditinjau (putusan final)"), ("confirmed", "Pelanggaran terkonfirmasi"),
                       ("hoax_flagged", "Ditandai hoaks (mengulang klaim yang dibantah)"),
                       ("hoax_confirmed", "Pelanggaran hoaks terkonfirmasi")):
        cur, prev = getattr(d.current, key), getattr(d.previous, key)
        summary.add(label, cur, prev, cur - prev)

    agencies = table("instansi", "Per instansi", [
        Column("kode_instansi", "Kode", people=False), ("instansi", "Instansi"),
        Column("aktivitas", "Aktivitas", "int"), Column("ditandai", "Ditandai", "int"),
        Column("ditinjau", "Ditinjau", "int"), Column("pelanggaran", "Pelanggaran", "int"),
        Column("pelanggaran_kumulatif", "Pelanggaran s.d. periode ini", "int"),
        Column("antrean_terbuka", "Antrean terbuka", "int"),
        Column("lewat_tenggat", d.due_heading, "int"),
        Column("akun_terdaftar", "Akun terdaftar", "int"), Column("akun_terjangkau", "Akun terjangkau perayap", "int"),
        Column("cakupan", "Cakupan", "pct"), Column("ditandai_hoaks", "Ditandai hoaks", "int"),
        Column("pelanggaran_hoaks", "Pelanggaran hoaks", "int")])
    for r in d.agency_rows:
        agencies.add(r.code, r.name, r.acts, r.flagged, r.reviewed, r.confirmed, r.cumulative, r.open_items,
                     r.overdue, r.declared, r.reachable, _dash(r.share), r.hoax_flagged, r.hoax_confirmed)

    cases = table("kasus", "Kasus", [
        Column("review_item", "No. item", "int"), ("instansi", "Instansi"), ("nama", "Nama"), ("nip", "NIP"),
        Column("platform", "Kode platform", people=False), ("platform_nama", "Platform"), ("akun", "Akun"),
        Column("jenis_aktivitas", "Kode jenis", people=False), ("jenis_aktivitas_nama", "Jenis aktivitas"),
        Column("waktu_aktivitas", "Waktu aktivitas (WIB)", "datetime"),
        Column("waktu_dari_perekaman", "Waktu dari perekaman"),
        Column("kode_pelanggaran", "Kode pelanggaran", people=False), ("bentuk_pelanggaran", "Bentuk pelanggaran"),
        Column("klausul", "Kode butir ikrar", people=False), ("butir_ikrar", "Butir ikrar"),
        Column("register", "Kode register", people=False), ("register_nama", "Register"),
        ("jenis_sanksi", "Jenis sanksi (informasi)"), ("calon", "Calon/partai"),
        Column("diputus", "Diputus (WIB)", "datetime"), ("peninjau", "Peninjau"), Column("teks", "Isi", width=60),
        ("akun_konteks", "Unggahan yang ditanggapi"), ("url", "Tautan"), ("bukti_sha256", "Bukti SHA-256"),
        Column("bukti_direkam", "Bukti direkam (WIB)", "datetime")])
    for c in d.cases:
        cases.add(c.review_item_id, c.agency_code, c.employee_name, c.nip, c.platform, c.platform_label, c.handle,
                  c.kind, c.kind_label, c.act_at, c.act_at_is_capture, c.violation_code, c.violation_label,
                  ",".join(c.clauses), "; ".join(clause_label(x) for x in c.clauses) or "—", c.register or "",
                  c.register_label, c.sanction_type, c.candidate, c.decided_at, c.reviewer, c.text,
                  c.context_author or "", c.url or "", c.evidence_sha256 or "", c.evidence_captured_at)

    repeat = table("pelanggar_berulang", "Pelanggar berulang", [
        ("nama", "Nama"), ("nip", "NIP"), ("instansi", "Instansi"),
        Column("jumlah_pelanggaran", "Pelanggaran s.d. periode ini", "int"),
        Column("pada_periode_ini", "Pada periode ini", "int"),
        Column("kode_pelanggaran", "Kode pelanggaran", people=False), ("bentuk_pelanggaran", "Bentuk pelanggaran"),
        ("tanggal_aktivitas", "Tanggal aktivitas"), ("jenis_sanksi", "Jenis sanksi (informasi)")])
    for p in d.repeat_offenders:
        repeat.add(p.employee_name, p.nip, p.agency_code, len(p.cases), p.in_period,
                   ",".join(c.violation_code for c in p.cases),
                   "; ".join(c.violation_short for c in p.cases),
                   "; ".join(f"{c.act_at.astimezone(WIB):%Y-%m-%d}" for c in p.cases),
                   "; ".join(f"{reg}: {sanction}" for reg, sanction in p.sanctions))

    breakdown = table("rincian", "Butir & bentuk", [
        Column("kelompok", "Kode kelompok", people=False), ("kelompok_nama", "Kelompok"),
        Column("kunci", "Kode", people=False), ("kategori", "Kategori"), Column("jumlah", "Jumlah", "int")])
    for group, label, tallies in (
        ("pelanggaran_per_butir", "Pelanggaran per butir ikrar", d.by_clause),
        ("pelanggaran_per_bentuk", "Pelanggaran per bentuk", d.by_violation),
        ("pelanggaran_per_platform", "Pelanggaran per platform", d.by_platform),
        ("pelanggaran_per_jenis", "Pelanggaran per jenis aktivitas", d.by_kind),
        ("pelanggaran_per_calon", "Pelanggaran per calon/partai", d.by_candidate),
        ("aktivitas_per_jenis", "Aktivitas per jenis", d.acts_by_kind),
        ("aktivitas_per_platform", "Aktivitas per platform", d.acts_by_platform),
    ):
        for t in tallies:
            breakdown.add(group, label, t.key, t.label, t.count)

    reviewers = table("peninjau", "Peninjau", [
        ("peninjau", "Peninjau"), Column("putusan", "Putusan", "int"),
        Column("pelanggaran", VERDICT_LABELS["pelanggaran"].capitalize(), "int"),
        Column("bukan_pelanggaran", VERDICT_LABELS["bukan_pelanggaran"].capitalize(), "int"),
        Column("perlu_klarifikasi", VERDICT_LABELS["perlu_klarifikasi"].capitalize(), "int"),
        Column("eskalasi", VERDICT_LABELS["eskalasi"].capitalize(), "int"),
        Column("median_jam_sampai_putusan", "Median jam sampai putusan", "float")])
    for r in d.reviewers:
        reviewers.add(r.name, r.decisions, r.confirmed, r.not_breach, r.clarification, r.escalated,
                      _dash(r.median_hours))

    backlog = table("antrean", "Antrean", [
        Column("kode_instansi", "Kode", people=False), ("instansi", "Instansi"),
        Column("terbuka", "Terbuka", "int"), Column("menunggu", "Menunggu", "int"),
        Column("perlu_klarifikasi", "Perlu klarifikasi", "int"), Column("eskalasi", "Eskalasi", "int"),
        Column("tenggat_hari", "Tenggat (hari)", "int"), Column("lewat_tenggat", "Lewat tenggat", "int"),
        Column("umur_tertua_hari", "Umur tertua (hari)", "int"), Column("umur_median_hari", "Umur median (hari)",
                                                                          "float")])
    for b in d.backlog:
        backlog.add(b.agency_code, b.agency_name, b.open_items, b.pending, b.clarification, b.escalated, b.due_days,
                    b.overdue, _dash(b.oldest_days), _dash(b.median_days))

    coverage = table("cakupan", "Cakupan akun", [
        Column("platform", "Kode platform", people=False), ("platform_nama", "Platform"),
        ("cara_baca", "Cara Netra membaca"), Column("akun_terdaftar", "Akun terdaftar", "int"),
        Column("akun_terjangkau", "Terjangkau perayap", "int"),
        Column("akun_bermasalah", "Akun bermasalah", "int"), Column("cakupan", "Cakupan", "pct")])
    for c in d.coverage:
        coverage.add(c.platform, c.label, c.reader, c.declared, c.reachable, c.unreachable_accounts, _dash(c.share))

    failed = table("akun_bermasalah", "Akun bermasalah", [
        ("instansi", "Instansi"), ("nama", "Nama"), Column("platform", "Kode platform", people=False),
        ("platform_nama", "Platform"), ("akun", "Akun"), Column("status", "Kode status", people=False),
        ("status_nama", "Status"), Column("terakhir_dirayapi", "Terakhir dirayapi (WIB)", "datetime")])
    for a in d.failed_accounts:
        failed.add(a.agency_code, a.employee_name, a.platform, a.platform_label, a.handle, a.state, a.state_label,
                   a.last_crawled_at)

    trend_table = table("tren", "Tren", [
        ("minggu", "Minggu"), Column("aktivitas", "Aktivitas", "int"), Column("ditandai", "Ditandai", "int"),
        Column("pelanggaran", "Pelanggaran", "int")])
    for p in d.trend:
        trend_table.add(p.week, p.acts, p.flagged, p.confirmed)
    return [info, summary, agencies, cases, repeat, breakdown, reviewers, backlog, coverage, failed, trend_table]


def report_stem(period: Period, agency_code: str | None) -> str:
    """``mingguan-KAB-A-2026-W47`` / ``periode-semua-20261101-20261130``: the bundle's file name."""
    prefix = "mingguan" if period.week is not None else "periode"
    return f"{prefix}-{agency_code or 'semua'}-{period.label}"


def build_report(session: Session, period: Period, agency_id: int | None = None, *, created_by: str | None = None,
                 now: datetime | None = None, as_of: datetime | None = None) -> list[Any]:
    """Render one agency's (or the combined) report on ``period`` as HTML, PDF, XLSX and CSV; returns Report rows.

    Every call adds a new bundle in its own directory (the history the web app lists); nothing is
    overwritten.
    """
    from reports.render import png_data_uri, render_bundle
    from reports.store import generation_dir, record_files

    data = report_data(session, period, None if agency_id is None else [agency_id], now=now, as_of=as_of)
    code = data.agencies[0][0] if agency_id is not None else None
    stem = report_stem(period, code)
    charts = weekly_charts(data)
    weekly = period.week is not None
    context = {
        "title": "Laporan Mingguan Netralitas ASN" if weekly else "Laporan Periode Netralitas ASN",
        "subtitle": f"{data.scope_label} · {period.human()}",
        "footer": f"{'laporan mingguan' if weekly else 'laporan periode'} {period.label} · {code or 'semua instansi'}",
        "generated_at": data.generated_at,
        "d": data,
        "charts": {name: png_data_uri(c.png) for name, c in charts.items()},
        "charts_empty": {name: c.empty for name, c in charts.items()},
        "clause_label": clause_label,
    }
    directory = generation_dir(period.label, period.kind, data.generated_at, stem)
    paths = render_bundle("weekly.html", context, data.tables(), directory, stem)
    return record_files(session, paths, kind=period.kind, agency_id=agency_id, period_label=period.label,
                        period_start=data.period_start, period_end=data.period_end, created_by=created_by)


def build_weekly_report(session: Session, week: IsoWeek, agency_id: int | None = None, *,
                        created_by: str | None = None, now: datetime | None = None,
                        as_of: datetime | None = None) -> list[Any]:
    """One agency's (or the combined) weekly report; see :func:`build_report`."""
    return build_report(session, week.period(), agency_id, created_by=created_by, now=now, as_of=as_of)


def build_all(period: Period, *, created_by: str | None = None, now: datetime | None = None) -> list[Any]:
    """Every agency's report and the combined one, each committed on its own, all with one moment ``now``
    (so they agree with each other and share one directory per period)."""
    from monitor.db.session import session_scope

    now = now or utcnow()
    with session_scope() as session:
        agency_ids = list(session.scalars(select(Agency.id).order_by(Agency.code)))
    paths = []
    for agency_id in [*agency_ids, None]:
        with session_scope() as session:
            paths += [r.path for r in build_report(session, period, agency_id, created_by=created_by, now=now)]
    return paths


def build_all_weekly(week: IsoWeek, *, created_by: str | None = None, now: datetime | None = None) -> list[Any]:
    """Every agency's weekly report and the combined one (the Monday job, ``netra report weekly --all``)."""
    return build_all(week.period(), created_by=created_by, now=now)
