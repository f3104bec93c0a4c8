"""Reviewer statistics (issue 17): throughput, time to decision, four-eyes agreement, Cohen's kappa, reversals.

Pure: it takes plain records of the items and decisions (read by ``monitor.review.stats_data``) and computes;
no database, no clock, so every figure can be checked by hand. The definitions are in docs/review-web-app.md
(*Statistik peninjau*); the code follows them word for word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from monitor.i18n import _

# Verdicts that settle an item one way or the other; only these can be reversed or reverse another.
DECISIVE = frozenset({"pelanggaran", "bukan_pelanggaran"})
# Four-eyes stages whose decision does not count yet (monitor.review.decisions.UNCOUNTED_STAGES).
UNCOUNTED = frozenset({"awaiting", "disputed"})
# Roles whose decision on someone else's verdict is a supervisor's (monitor.review.decisions.RESOLVER_ROLES).
SUPERVISING_ROLES = frozenset({"supervisor", "admin"})
MAX_DAYS = 366
DEFAULT_DAYS = 28  # four weeks

# Why kappa cannot be computed: codes, read as words through the catalogue (``label("kappa_reason", code)``).
NO_PAIRS = "no_pairs"
ONE_CATEGORY = "one_category"


@dataclass(frozen=True)
class DecisionFact:
    """One stored decision, as the statistics need it."""

    id: int
    reviewer_id: int
    verdict: str
    violation_code: str | None
    four_eyes: str | None
    decided_at: datetime


@dataclass(frozen=True)
class ItemFacts:
    """A review item's queueing time and its whole decision history, oldest first (a chain: each supersedes the
    one before)."""

    item_id: int
    queued_at: datetime
    decisions: tuple[DecisionFact, ...]


@dataclass(frozen=True)
class ClaimEvent:
    """A ``take_next`` (``take``) or ``release_claim`` (``release``) of an item, from the audit log."""

    user_id: int
    item_id: int
    at: datetime
    kind: str


@dataclass(frozen=True)
class Window:
    """The days asked for, in the configured time zone (both ends included)."""

    date_from: date
    date_to: date
    tz: ZoneInfo

    @classmethod
    def last_weeks(cls, today: date, tz: ZoneInfo, days: int = DEFAULT_DAYS) -> Window:
        return cls(today - timedelta(days=days - 1), today, tz)

    @classmethod
    def parse(cls, raw_from: str | None, raw_to: str | None, today: date, tz: ZoneInfo) -> Window:
        """From query parameters (empty: the default four weeks); ValueError ``field: why`` (the catalogue's words)."""
        default = cls.last_weeks(today, tz)

        def day(raw: str | None, name: str, fallback: date) -> date:
            raw = (raw or "").strip()
            if not raw:
                return fallback
            try:
                if len(raw) != 10:
                    raise ValueError(raw)
                return date.fromisoformat(raw)
            except ValueError:
                problem = _("“{value}” is not a date (YYYY-MM-DD)", value=raw[:40])
                raise ValueError(f"{name}: {problem}") from None

        date_to = day(raw_to, "date_to", default.date_to)
        date_from = day(raw_from, "date_from", date_to - timedelta(days=DEFAULT_DAYS - 1))
        if date_from > date_to:
            raise ValueError("date_from: " + _("the first day is after the last day"))
        if (date_to - date_from).days + 1 > MAX_DAYS:
            raise ValueError("date_to: " + _("the range is at most {n} days", n=MAX_DAYS))
        return cls(date_from, date_to, tz)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min, tzinfo=self.tz)

    @property
    def end(self) -> datetime:
        """The first moment after the window (local midnight after ``date_to``)."""
        return datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=self.tz)

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def weeks(self) -> list[Week]:
        """The ISO weeks (Monday to Sunday) the window touches, each with the days of it inside the window."""
        out: list[Week] = []
        monday = self.date_from - timedelta(days=self.date_from.weekday())
        while monday <= self.date_to:
            first, last = max(monday, self.date_from), min(monday + timedelta(days=6), self.date_to)
            year, number, _weekday = monday.isocalendar()
            out.append(Week(f"{year}-W{number:02d}", first, last))
            monday += timedelta(days=7)
        return out


@dataclass(frozen=True)
class Week:
    label: str  # ISO week, "2029-W40"
    first: date  # first day of it inside the window
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa, or why it cannot be computed (``value`` None; ``reason`` NO_PAIRS or ONE_CATEGORY)."""

    value: float | None
    pairs: int
    observed: float | None  # p_o, the share of pairs with the same category
    expected: float | None  # p_e, the agreement expected by chance from the two raters' marginals
    reason: str | None = None


def median(values: Iterable[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None for no values."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def cohen_kappa(ratings: Sequence[tuple[str, str]]) -> Kappa:
    """Cohen's kappa of two raters over nominal categories: (p_o − p_e) / (1 − p_e).

    ``ratings`` holds one (first rater, second rater) category pair per rated item. p_o is the share of items
    both put in the same category; p_e = Σ_k p_first(k)·p_second(k) from each rater's own marginals. Exact
    fractions, so that p_e = 1 — both raters used one and the same single category, where kappa is 0/0 — is
    recognised exactly and reported as not computable instead of dividing by zero.
    """
    n = len(ratings)
    if n == 0:
        return Kappa(None, 0, None, None, NO_PAIRS)
    first = Counter(a for a, _b in ratings)
    second = Counter(b for _a, b in ratings)
    observed = Fraction(sum(1 for a, b in ratings if a == b), n)
    expected = sum((Fraction(first[k], n) * Fraction(second[k], n) for k in first.keys() & second.keys()),
                   Fraction(0))
    if expected == 1:
        return Kappa(None, n, float(observed), float(expected), ONE_CATEGORY)
    return Kappa(float((observed - expected) / (1 - expected)), n, float(observed), float(expected))


def agrees(first: DecisionFact, later: DecisionFact) -> bool:
    """The four-eyes rule of agreement (monitor.review.decisions): same verdict, and for a breach the same code."""
    if first.verdict != later.verdict:
        return False
    return first.verdict != "pelanggaran" or first.violation_code == later.violation_code


@dataclass(frozen=True)
class Pair:
    """A four-eyes pair: the first verdict (``awaiting``) and the second reviewer's answer to it."""

    item_id: int
    first: DecisionFact
    second: DecisionFact

    @property
    def agreed(self) -> bool:
        return self.second.four_eyes == "confirmed"


@dataclass(frozen=True)
class Reversal:
    """A decisive verdict and the later decisive one, by someone else, that counts and disagrees with it."""

    item_id: int
    decision: DecisionFact
    by: DecisionFact


@dataclass
class ReviewerLine:
    """One reviewer's figures over the window (``reviewer_id`` None: everyone together)."""

    reviewer_id: int | None
    decisions: int = 0
    per_week: dict[str, int] = field(default_factory=dict)
    per_week_average: float = 0.0
    queue_seconds: list[float] = field(default_factory=list)
    claim_seconds: list[float] = field(default_factory=list)
    pairs: int = 0
    pairs_agreed: int = 0
    kappa: Kappa = field(default_factory=lambda: cohen_kappa([]))
    answered: int = 0
    reversed: int = 0
    reversed_by_reviewer: int = 0
    reversed_by_supervisor: int = 0

    @property
    def median_queue_seconds(self) -> float | None:
        return median(self.queue_seconds)

    @property
    def median_claim_seconds(self) -> float | None:
        return median(self.claim_seconds)

    @property
    def with_claim(self) -> int:
        return len(self.claim_seconds)

    @property
    def agreement_rate(self) -> float | None:
        return self.pairs_agreed / self.pairs if self.pairs else None

    @property
    def reversal_rate(self) -> float | None:
        return self.reversed / self.answered if self.answered else None


@dataclass(frozen=True)
class ReviewerStats:
    window: Window
    weeks: list[Week]
    lines: list[ReviewerLine]  # one per reviewer, in reviewer id order (the caller sorts by name)
    total: ReviewerLine


def four_eyes_pairs(item: ItemFacts) -> list[Pair]:
    """Each ``awaiting`` decision with the one that answered it (``confirmed`` or ``disputed``)."""
    chain = item.decisions
    return [Pair(item.item_id, first, second) for first, second in zip(chain, chain[1:], strict=False)
            if first.four_eyes == "awaiting" and second.four_eyes in ("confirmed", "disputed")]


def reversal_of(item: ItemFacts, index: int) -> tuple[DecisionFact | None, bool]:
    """For the decision at ``index``: the later word on it, and whether that word reverses it.

    Only a decisive verdict (pelanggaran, bukan pelanggaran) can be reversed. Its later word is the first later
    decision on the item that counts (not ``awaiting`` or ``disputed``) and is itself decisive; it reverses the
    verdict when made by someone else and not :func:`agrees`. A later word by the same reviewer is their own
    second thought: no later word from someone else (None).
    """
    decision = item.decisions[index]
    if decision.verdict not in DECISIVE:
        return None, False
    for later in item.decisions[index + 1:]:
        if later.four_eyes in UNCOUNTED or later.verdict not in DECISIVE:
            continue
        if later.reviewer_id == decision.reviewer_id:
            return None, False
        return later, not agrees(decision, later)
    return None, False


def claim_start(events: Sequence[ClaimEvent], after: datetime | None, until: datetime) -> datetime | None:
    """When the claim behind a decision began: the first ``take`` after ``after`` (the previous decision on the
    item, or None) and at or before ``until`` (the decision), counting only takes after the last ``release`` in
    that span. Taking one's own item again renews a claim without starting a new one. ``events`` are one user's
    on one item, in time order."""
    start: datetime | None = None
    for event in events:
        if event.at > until:
            break
        if after is not None and event.at <= after:
            continue
        if event.kind == "release":
            start = None
        elif start is None:
            start = event.at
    return start


def reviewer_stats(items: Iterable[ItemFacts], claims: Iterable[ClaimEvent], roles: dict[int, str],
                   window: Window) -> ReviewerStats:
    """Every figure of the statistics page for the items given (already limited to the viewer's scope)."""
    weeks = window.weeks()
    lines: dict[int, ReviewerLine] = {}
    total = ReviewerLine(None, per_week={w.label: 0 for w in weeks})
    events: dict[tuple[int, int], list[ClaimEvent]] = {}
    for event in sorted(claims, key=lambda e: (e.at, e.kind)):
        events.setdefault((event.user_id, event.item_id), []).append(event)
    ratings: dict[int | None, list[tuple[str, str]]] = {}

    def line(reviewer_id: int) -> ReviewerLine:
        if reviewer_id not in lines:
            lines[reviewer_id] = ReviewerLine(reviewer_id, per_week={w.label: 0 for w in weeks})
        return lines[reviewer_id]

    def week_of(moment: datetime) -> str:
        day = window.local_day(moment)
        return next(w.label for w in weeks if w.first <= day <= w.last)

    for item in items:
        for index, decision in enumerate(item.decisions):
            if not window.holds(decision.decided_at):
                continue
            mine = line(decision.reviewer_id)
            label = week_of(decision.decided_at)
            waited = max(0.0, (decision.decided_at - item.queued_at).total_seconds())
            previous = item.decisions[index - 1].decided_at if index else None
            began = claim_start(events.get((decision.reviewer_id, item.item_id), []), previous, decision.decided_at)
            for target in (mine, total):
                target.decisions += 1
                target.per_week[label] += 1
                target.queue_seconds.append(waited)
                if began is not None:
                    target.claim_seconds.append(max(0.0, (decision.decided_at - began).total_seconds()))
            later, reversed_ = reversal_of(item, index)
            if later is not None:
                supervisor = roles.get(later.reviewer_id) in SUPERVISING_ROLES
                for target in (mine, total):
                    target.answered += 1
                    if reversed_:
                        target.reversed += 1
                        if supervisor:
                            target.reversed_by_supervisor += 1
                        else:
                            target.reversed_by_reviewer += 1
        for pair in four_eyes_pairs(item):
            if not window.holds(pair.second.decided_at):
                continue
            ratings.setdefault(None, []).append((pair.first.verdict, pair.second.verdict))
            total.pairs += 1
            total.pairs_agreed += pair.agreed
            # Each reviewer's kappa sets their own verdict against their partner's, whichever came first.
            for own, other in ((pair.first, pair.second), (pair.second, pair.first)):
                mine = line(own.reviewer_id)
                mine.pairs += 1
                mine.pairs_agreed += pair.agreed
                ratings.setdefault(own.reviewer_id, []).append((own.verdict, other.verdict))

    for target in (*lines.values(), total):
        target.per_week_average = target.decisions * 7 / window.days
        target.kappa = cohen_kappa(ratings.get(target.reviewer_id, []))
    return ReviewerStats(window=window, weeks=weeks, lines=[lines[k] for k in sorted(lines)], total=total)
