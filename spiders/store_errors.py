"""Why the ingestion store refused an item: the errors ``spiders.store`` and ``spiders.ingest_batch`` raise."""

from __future__ import annotations


class UnknownAccount(LookupError):
    """An activity names a declared account the registry does not hold."""


class PositionHeld(RuntimeError):
    """A resume point was not moved: acts of the account still wait in the retry table."""
