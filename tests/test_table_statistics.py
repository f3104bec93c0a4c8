"""Planner statistics kept up with a crawl's own inserts (spiders/table_statistics.py).

On a fresh PostgreSQL table a batch's ``IN`` lookup of its posts matched every key against every
row of the platform, because the planner still believed the table empty; once the writer's own
inserts outgrow the statistics it analyses the key columns, and the planner's estimate of a lookup
of 300 keys is 300 rows (before: a dozen, whatever the table held), so it chooses the plan for the
table it really has.
"""

from __future__ import annotations

import re

from sqlalchemy import text

from monitor.db.migrate import upgrade
from monitor.db.session import session_scope
from spiders.items import ActivityItem, PostItem, raw_json
from spiders.store import IngestStore
from spiders.table_statistics import MIN_ROWS
from tests.declared import add_declared


def acts(account_id: int, start: int, count: int) -> list[ActivityItem]:
    items = []
    for n in range(start, start + count):
        uri = f"at://did:plc:stat/app.bsky.feed.post/{n}"
        own = PostItem(platform="bluesky", external_id=uri, text=f"teks {n}", raw=raw_json({"uri": uri, "n": n}),
                       source_url="http://replay/feed", source="crawl:bluesky")
        items.append(ActivityItem(platform="bluesky", kind="post", external_id=uri, account_id=account_id, post=own,
                                  text=f"teks {n}"))
    return items


def reltuples(url: str, table: str) -> float:
    with session_scope(url) as s:
        return float(s.execute(text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"),
                               {"t": table}).scalar())


def lookup_plan(url: str) -> str:
    keys = ", ".join(f"'at://did:plc:stat/app.bsky.feed.post/{n}'" for n in range(0, 600, 2))
    with session_scope(url) as s:
        rows = s.execute(text("EXPLAIN SELECT id FROM post WHERE platform = 'bluesky' "
                              f"AND external_id IN ({keys})")).scalars()
        return "\n".join(rows)


def estimated_rows(plan: str) -> int:
    return int(re.search(r"rows=(\d+)", plan.splitlines()[0]).group(1))  # type: ignore[union-attr]


def test_a_growing_table_is_analysed_and_its_lookups_planned_for_what_it_holds(pg_url: str) -> None:
    upgrade(pg_url)
    with session_scope(pg_url) as s:  # what is measured is the writer's doing, not autovacuum's
        for table in ("post", "evidence", "activity"):
            s.execute(text(f"ALTER TABLE {table} SET (autovacuum_enabled = false)"))
    account = add_declared(pg_url, "bluesky", "satu.bsky.social")
    store = IngestStore(pg_url)
    assert store.statistics.enabled
    store.store_batch(acts(account, 0, MIN_ROWS // 2))
    assert reltuples(pg_url, "post") <= 0  # too few rows yet: left to autovacuum
    assert estimated_rows(lookup_plan(pg_url)) < 100  # what the planner believed: a near-empty table
    for start in range(MIN_ROWS // 2, 3 * MIN_ROWS, 500):
        store.store_batch(acts(account, start, 500))
    assert reltuples(pg_url, "post") >= MIN_ROWS
    assert reltuples(pg_url, "evidence") >= MIN_ROWS and reltuples(pg_url, "activity") >= MIN_ROWS
    assert 150 <= estimated_rows(lookup_plan(pg_url)) <= 600


def test_sqlite_is_left_alone(sqlite_db: str) -> None:
    assert not IngestStore(sqlite_db).statistics.enabled
