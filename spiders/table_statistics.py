"""Planner statistics kept up with a crawl's own inserts (PostgreSQL).

A batch finds the posts, evidence and activities it names with ``IN`` lists
on their unique keys. PostgreSQL picks the plan from the table's statistics,
which autovacuum refreshes only after 10 % of the table changed and on its own
schedule: while a first crawl fills a fresh table, the planner still believes
it empty and matches each key of the list against every row of the platform
(bench/crawl.py: 26 ms per 300 keys at 10,000 posts, growing with the table,
half of the writer's time). The writer therefore runs ``ANALYZE`` itself on a
table once its own inserts reach half the rows the statistics know (and at
least ``MIN_ROWS``): a few times while a table is young, rarely once it is
large. Only the columns of the keys it looks rows up by are analysed (the
text columns' statistics, for the search index, cost ten times more and do not
change these plans). SQLite plans with its indexes without statistics and is
left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

MIN_ROWS = 2_000  # inserted rows before a table's first ANALYZE by the writer
GROWTH = 0.5  # then again once inserts reach this share of the rows the statistics counted
# The columns of the unique keys a batch looks rows up by (spiders/ingest_batch.py); other tables are left alone.
KEY_COLUMNS = {
    "post": ("platform", "external_id"),
    "evidence": ("subject_key",),
    "activity": ("account_id", "kind", "external_id"),
}


class TableStatistics:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.enabled = engine.dialect.name == "postgresql"
        self._known: dict[str, float] = {}  # rows per table as of its statistics (pg_class.reltuples)
        self._inserted: dict[str, int] = {}  # rows this process inserted since

    def after_commit(self, inserted: Mapping[str, int]) -> None:
        """Count a committed batch's new rows per table; ANALYZE the tables that grew past their statistics."""
        if not self.enabled:
            return
        due = []
        for table, rows in inserted.items():
            if not rows or table not in KEY_COLUMNS:
                continue
            if table not in self._known:
                self._known[table] = self._reltuples(table)
            self._inserted[table] = self._inserted.get(table, 0) + rows
            if self._inserted[table] >= max(MIN_ROWS, GROWTH * self._known[table]):
                due.append(table)
        for table in due:
            self._analyze(table)

    def _reltuples(self, table: str) -> float:
        with self.engine.connect() as connection:
            rows = connection.execute(text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"),
                                      {"t": table}).scalar()
        return max(float(rows or 0), 0.0)  # -1: never analysed

    def _analyze(self, table: str) -> None:
        try:
            with self.engine.connect() as connection:
                quote = connection.dialect.identifier_preparer.quote
                columns = ", ".join(quote(c) for c in KEY_COLUMNS[table])
                connection.exec_driver_sql(f"ANALYZE {quote(table)} ({columns})")
                connection.commit()
        except Exception:  # noqa: BLE001 — no right to ANALYZE (not the owner): autovacuum's schedule it is
            log.warning("could not ANALYZE %s; its planner statistics wait for autovacuum", table, exc_info=True)
            self.enabled = False
            return
        self._known[table] = self._reltuples(table)
        self._inserted[table] = 0
