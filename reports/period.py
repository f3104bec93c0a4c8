"""Report periods in Asia/Jakarta: ISO weeks (Monday 00:00 to Sunday 24:00 WIB) and ranges of whole days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, label: str) -> IsoWeek:
        """``2026-W47`` → IsoWeek; a clear error for anything else."""
        m = _WEEK_RE.match(label.strip())
        if not m:
            raise ValueError(f"week {label!r}: expected YYYY-Www, e.g. 2026-W47")
        year, week = int(m.group(1)), int(m.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"week {label!r}: {year} has no ISO week {week}") from None
        return cls(year, week)

    @classmethod
    def containing(cls, moment: datetime | date, tz: ZoneInfo = WIB) -> IsoWeek:
        day = moment.astimezone(tz).date() if isinstance(moment, datetime) else moment
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def start(self, tz: ZoneInfo = WIB) -> datetime:
        return datetime.combine(self.monday, time(0, 0), tzinfo=tz)

    def end(self, tz: ZoneInfo = WIB) -> datetime:
        """Exclusive end: the next Monday 00:00 (= Sunday 24:00)."""
        return self.start(tz) + timedelta(days=7)

    def shifted(self, weeks: int) -> IsoWeek:
        return IsoWeek.containing(self.monday + timedelta(weeks=weeks))

    def human(self) -> str:
        sunday = self.monday + timedelta(days=6)
        return f"Minggu {self.label}: {format_date(self.monday)} – {format_date(sunday)}"

    def period(self) -> Period:
        sunday = self.monday + timedelta(days=6)
        return Period(kind="weekly", label=self.label, first_day=self.monday, last_day=sunday, week=self)


@dataclass(frozen=True)
class Period:
    """What a report covers: whole days in WIB, ``first_day`` 00:00 to ``last_day`` 24:00.

    ``kind`` is the report kind it belongs to: ``weekly`` (an ISO week, ``week`` set) or
    ``range`` (any run of days, from the web form or ``netra report range``).
    """

    kind: str
    label: str
    first_day: date
    last_day: date
    week: IsoWeek | None = None

    @classmethod
    def days(cls, first_day: date, last_day: date) -> Period:
        """A range report's period; a clear error when the range is reversed or longer than a year."""
        if last_day < first_day:
            raise ValueError(f"period {first_day} – {last_day}: the end is before the start")
        if (last_day - first_day).days >= MAX_RANGE_DAYS:
            raise ValueError(f"period {first_day} – {last_day}: longer than {MAX_RANGE_DAYS} days")
        return cls(kind="range", label=f"{first_day:%Y%m%d}-{last_day:%Y%m%d}", first_day=first_day,
                   last_day=last_day)

    def start(self, tz: ZoneInfo = WIB) -> datetime:
        return datetime.combine(self.first_day, time(0, 0), tzinfo=tz)

    def end(self, tz: ZoneInfo = WIB) -> datetime:
        """Exclusive end: the day after ``last_day`` at 00:00."""
        return datetime.combine(self.last_day + timedelta(days=1), time(0, 0), tzinfo=tz)

    @property
    def length_days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def previous(self) -> Period:
        """The period of the same length just before (last week, for a week)."""
        if self.week is not None:
            return self.week.shifted(-1).period()
        span = timedelta(days=self.length_days)
        return Period.days(self.first_day - span, self.last_day - span)

    def human(self) -> str:
        if self.week is not None:
            return self.week.human()
        return f"Periode {format_date(self.first_day)} – {format_date(self.last_day)} ({self.length_days} hari)"

    @property
    def previous_label(self) -> str:
        """How the report names the previous period in a sentence."""
        return "minggu sebelumnya" if self.week is not None else f"{self.length_days} hari sebelumnya"

    @property
    def noun(self) -> str:
        return "minggu ini" if self.week is not None else "periode ini"


MAX_RANGE_DAYS = 366


def parse_day(text: str) -> date:
    """``2026-11-16`` → date, with a clear error."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"date {text!r}: expected YYYY-MM-DD, e.g. 2026-11-16") from None


MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember")


def format_date(day: date) -> str:
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def format_wib(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(WIB)
    return f"{local:%Y-%m-%d %H:%M} WIB"


def format_moment(moment: datetime | None) -> str:
    """``Senin, 23 November 2026 pukul 07.00 WIB``: how the report says when its state was taken."""
    if moment is None:
        return "—"
    local = moment.astimezone(WIB)
    return f"{DAYS_ID[local.weekday()]}, {format_date(local.date())} pukul {local:%H.%M} WIB"


DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def previous_week(now: datetime) -> IsoWeek:
    """The week that ended most recently before ``now`` (the weekly job runs Monday morning)."""
    return IsoWeek.containing(now).shifted(-1)
