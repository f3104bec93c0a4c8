"""The claims store: idempotent writes of reviewed claims into ``claim_review``.

A claim is one row per debunk URL and claim text (:attr:`ClaimRecord.key`). Storing the same
record again changes nothing; a fact-checker who changes a verdict or a date updates the row
(its embedding stays: the text it was made of did not change).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from monitor.db.schema import ClaimReview
from monitor.db.session import session_factory
from monitor.db.types import utcnow
from spiders.factcheck.claimreview import ClaimRecord

log = logging.getLogger(__name__)

KEYS_PER_QUERY = 500  # keys looked up per SELECT … IN (…): well inside every backend's parameter limit


@dataclass
class StoreCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def stored(self) -> int:
        return self.added + self.updated + self.unchanged


def _changed(row: ClaimReview, record: ClaimRecord) -> bool:
    return (row.rating, row.verdict, row.reviewed_on, row.publisher) != (
        record.rating, record.verdict, record.reviewed_on, record.publisher)


class ClaimStore:
    """Reads and writes ``claim_review`` on the configured (or given) database."""

    def __init__(self, database_url: str | None = None, *, sessions: sessionmaker[Session] | None = None) -> None:
        self.sessions = sessions or session_factory(database_url)

    def store(self, records: Iterable[ClaimRecord], source: str) -> StoreCounts:
        """Insert new claims and update changed ones, in one transaction; a concurrent import is waited out."""
        unique: dict[str, ClaimRecord] = {}
        duplicates = 0
        for record in records:
            if record.key in unique:
                duplicates += 1  # the same claim twice in one file or page: the first one counts
                continue
            unique[record.key] = record
        for attempt in (1, 2):
            try:
                with self.sessions.begin() as session:
                    counts = self._store(session, list(unique.values()), source)
                counts.unchanged += duplicates
                return counts
            except IntegrityError:
                # Another import inserted one of these keys between our SELECT and INSERT: the retry sees it.
                if attempt == 2:
                    raise
                log.debug("claim key race, retrying once", exc_info=True)
        raise AssertionError("unreachable")

    @staticmethod
    def _store(session: Session, records: Sequence[ClaimRecord], source: str) -> StoreCounts:
        counts = StoreCounts()
        keys = [r.key for r in records]
        existing: dict[str, ClaimReview] = {}
        for start in range(0, len(keys), KEYS_PER_QUERY):
            chunk = keys[start:start + KEYS_PER_QUERY]
            existing.update({row.key: row for row in session.scalars(select(ClaimReview)
                                                                     .where(ClaimReview.key.in_(chunk)))})
        now = utcnow()
        for record in records:
            row = existing.get(record.key)
            if row is None:
                session.add(ClaimReview(key=record.key, claim=record.claim, rating=record.rating,
                                        verdict=record.verdict, url=record.url, reviewed_on=record.reviewed_on,
                                        publisher=record.publisher, source=source[:64], raw=record.raw or None,
                                        created_at=now, updated_at=now))
                counts.added += 1
            elif _changed(row, record):
                row.rating, row.verdict = record.rating, record.verdict
                row.reviewed_on, row.publisher = record.reviewed_on, record.publisher
                row.raw = record.raw or row.raw
                row.updated_at = now
                counts.updated += 1
            else:
                counts.unchanged += 1
        session.flush()
        return counts

    def known_urls(self) -> set[str]:
        """Debunk URLs already stored: the feed spider does not fetch those articles again."""
        with self.sessions() as session:
            return set(session.scalars(select(ClaimReview.url).distinct()))
