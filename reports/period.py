"""Report periods: ISO weeks in Asia/Jakarta, Monday 00:00 to Sunday 24:00 WIB."""

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


MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember")


def format_date(day: date) -> str:
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def format_wib(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(WIB)
    return f"{local:%Y-%m-%d %H:%M} WIB"


def previous_week(now: datetime) -> IsoWeek:
    """The week that ended most recently before ``now`` (the weekly job runs Monday morning)."""
    return IsoWeek.containing(now).shifted(-1)
