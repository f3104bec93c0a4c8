"""Review deadlines: how long each agency's review items may wait for a final decision (issue 17).

One rule for the queue page and the reports, so that both count the same items overdue: an item still
open is overdue once it has been in the queue longer than its agency's deadline — the days given for the
agency's code in ``review_due_days_agencies``, or ``review_due_days`` for an agency not listed there.
It lives on the ground (beside the schema) because ``reports`` may not import the review logic.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from monitor.db.schema import Agency

if TYPE_CHECKING:
    from monitor.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReviewDeadlines:
    """Days each agency's items may wait: ``own`` for the agencies with a deadline of their own (by id),
    ``default_days`` for every other one."""

    default_days: int
    own: Mapping[int, int] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, settings: Settings) -> ReviewDeadlines:
        """The deadlines of ``settings``, with the agency codes it names resolved to ids."""
        by_code = settings.review_due_days_agencies
        if not by_code:
            return cls(settings.review_due_days)
        found = {code: agency_id for code, agency_id in
                 session.execute(select(Agency.code, Agency.id).where(Agency.code.in_(list(by_code))))}
        unknown = sorted(set(by_code) - set(found))
        if unknown:
            # A mistyped code would quietly fall back to the default deadline: say so where operators look.
            log.warning("review_due_days_agencies names agency codes that do not exist: %s", ", ".join(unknown))
        return cls(settings.review_due_days, {agency_id: by_code[code] for code, agency_id in found.items()})

    def days(self, agency_id: int) -> int:
        return self.own.get(agency_id, self.default_days)

    def is_past(self, agency_id: int, queued_at: datetime, now: datetime) -> bool:
        """Whether an item of ``agency_id`` queued at ``queued_at`` has waited longer than its deadline."""
        return queued_at < now - timedelta(days=self.days(agency_id))

    def past_sql(self, agency_id: ColumnElement[int], queued_at: ColumnElement[datetime],
                 now: datetime) -> ColumnElement[bool]:
        """:meth:`is_past` in SQL: one ``agency IN (…) AND queued < cutoff`` term per distinct deadline."""
        by_days: dict[int, list[int]] = defaultdict(list)
        for agency, days in self.own.items():
            if days != self.default_days:  # the same days as the default: the default term covers it
                by_days[days].append(agency)
        terms = [and_(agency_id.in_(sorted(ids)), queued_at < now - timedelta(days=days))
                 for days, ids in sorted(by_days.items())]
        others = [agency for ids in by_days.values() for agency in ids]
        default = queued_at < now - timedelta(days=self.default_days)
        terms.append(and_(agency_id.not_in(sorted(others)), default) if others else default)
        return or_(*terms)

    def among(self, agency_ids: Iterable[int]) -> tuple[int | None, dict[int, int]]:
        """The deadline most of ``agency_ids`` share and those that differ from it, for a one-line note.

        The common one is the default when any of them uses it, else their one deadline when they agree;
        ``None`` when they all have their own and disagree (every agency is then an exception).
        """
        days = {agency: self.days(agency) for agency in agency_ids}
        values = set(days.values())
        if not days or self.default_days in values:
            common: int | None = self.default_days
        else:
            common = values.pop() if len(values) == 1 else None
        return common, {agency: d for agency, d in days.items() if d != common}
