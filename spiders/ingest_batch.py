"""Storing a batch of crawled or imported items in one transaction, set-wise.

The per-item path (``IngestStore.ingest_*``) asks the database about every
post, activity and evidence record one at a time: some eight statements and
three flushes per act, which bounded a crawl at a few hundred acts a second.
Here a batch reads at once the posts it names, the evidence they have and the
activities already stored, decides in memory in the order the items came, and
writes the new rows of each table with one executemany ``INSERT`` (SQLAlchemy
Core) on SQLite and one ``COPY`` on PostgreSQL, reading the new ids back by
their natural keys with index seeks. Rows that
already existed and changed (an edited post, a gap filled in an activity) are
rare and go through the ORM as before.

The outcome is the one of storing the items one by one in that order
(tests/test_ingest_batch.py compares both paths): posts keyed on (platform,
external id), an edit adding an evidence version, a partial view filling only
what is missing, an activity keyed on (account, kind, external id) whose later
sightings fill its gaps. Items other than posts and activities (tombstones,
account states, quarantined records) are stored one at a time at their place,
after everything before them; checkpoints last, in the same transaction, so a
checkpoint still commits together with what it vouches for.
"""

from __future__ import annotations

import hashlib
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import psycopg
from sqlalchemy import ARRAY, ColumnElement, Integer, String, Table, any_, bindparam, column, func, insert, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from monitor.db.schema import Account, Activity, Evidence, IngestRetry, Post
from monitor.db.types import utcnow
from spiders.items import AccountStateItem, ActivityItem, CrawlCheckpointItem, PostItem
from spiders.resume_points import advance_position, checkpoint_retry_keys
from spiders.store_errors import UnknownAccount

if TYPE_CHECKING:
    from spiders.store import IngestStore

CHUNK = 300  # keys per IN (...): well under SQLite's parameter limit
ARRAY_CHUNK = 5000  # keys per = ANY(array) on PostgreSQL: one parameter, however many keys

POST_COLUMNS = ("platform", "external_id", "url", "author_handle", "author_external_id", "text", "extras", "lang",
                "parent_external_id", "posted_at", "posted_at_raw", "content_sha256", "first_seen_at",
                "last_seen_at", "deleted_at")
EVIDENCE_COLUMNS = ("subject_key", "version", "post_id", "source_url", "source", "media_type", "raw", "sha256",
                    "captured_at", "crawl_run_id")
ACTIVITY_COLUMNS = ("account_id", "kind", "external_id", "post_id", "target_post_id", "text", "context_text", "url",
                    "occurred_at", "captured_at", "evidence_id", "source", "self_audit")


def _chunks(values: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _processed(rows: list[dict[str, Any]], columns: list[str], processors: list[Any]) -> list[tuple[Any, ...]]:
    """Each row's values of ``columns`` in that order, through the columns' bind processors.

    Column by column (one C-level ``map`` per column, then one ``zip``): a generator per row cost twice as much.
    """
    per_column = []
    for name, process in zip(columns, processors, strict=True):
        values = [row[name] for row in rows]
        if process is not None:
            values = _memoised(process, values) if any(isinstance(v, datetime) for v in values[:1]) \
                else list(map(process, values))
        per_column.append(values)
    return list(zip(*per_column, strict=True))


def _memoised(process: Any, values: list[Any]) -> list[Any]:
    """``process`` once per distinct value: a batch's times are mostly the one "now" (first/last seen,
    captured), and converting each for the database was a tenth of the writer's Python time on SQLite."""
    done: dict[Any, Any] = {}
    return [done[v] if v in done else done.setdefault(v, process(v)) for v in values]


# Column types whose binary form psycopg writes from the values the columns' bind processing gives (for
# ``json``, SQLAlchemy's psycopg dialect wraps the value in psycopg's ``Json``, which its json dumper serialises
# with SQLAlchemy's serialiser). Any other type (arrays, domains, ``jsonb``) keeps the table on text COPY.
_BINARY_COPY_OIDS = {
    "int2": 21, "int4": 23, "int8": 20, "bool": 16, "text": 25, "varchar": 1043, "bpchar": 1042, "bytea": 17,
    "timestamptz": 1184, "float8": 701, "float4": 700, "json": 114,
}
# Per connection (gone with it), per table and column list.
_copy_types: weakref.WeakKeyDictionary[psycopg.Connection[Any], dict[tuple[str, tuple[str, ...]], list[int] | None]] \
    = weakref.WeakKeyDictionary()


def _binary_copy_types(driver: psycopg.Connection[Any], table: str, columns: list[str]) -> list[int] | None:
    """The oids to write ``columns`` of ``table`` with in a binary ``COPY``, or ``None`` for text ``COPY``.

    Binary ``COPY`` spares psycopg formatting and the server parsing every value as text (evidence's ``bytea``
    went as hex, twice its size): storing the bench's 52,000 crawled items, the writer's CPU fell by about a
    fifth and the server's by a seventh (docs/scale.md). The types are read from the catalog once per
    connection and table (a migration cannot change them under a running writer without a new connection).
    """
    known = _copy_types.setdefault(driver, {})
    key = (table, tuple(columns))
    if key not in known:
        with driver.cursor() as cursor:
            cursor.execute("SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                           "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped", (table,))
            by_name = dict(cursor.fetchall())
        oids = [_BINARY_COPY_OIDS.get(by_name.get(name, "")) for name in columns]
        known[key] = None if None in oids else [oid for oid in oids if oid is not None]
    return known[key]


class _New(SimpleNamespace):
    """A row this batch inserts: attributes as the ORM class has them; ``id`` once inserted."""

    id: int | None = None


def _id(ref: Any) -> int | None:
    return ref if ref is None or isinstance(ref, int) else ref.id


@dataclass
class _PostOutcome:
    post: Any  # Post (stored before) or _New (this batch)
    created: bool
    evidence: Any = None  # evidence id, or a _New evidence row of this batch


class BatchWriter:
    """One transaction's worth of items, stored with a handful of statements per table."""

    def __init__(self, store: IngestStore, session: Session, crawl_run_id: int | None):
        self.store = store
        self.s = session
        self.run_id = crawl_run_id
        self.now = utcnow()
        self.posts: dict[tuple[str, str], Any] = {}
        # Per evidence subject: its records by SHA-256 (ids, or _New rows), its highest version, its first record.
        self.evidence: dict[str, dict[str, Any]] = {}
        self.max_version: dict[str, int] = {}
        self.first: dict[str, Any] = {}
        self.has_evidence: set[str] = set()  # subjects with any record, stored or of this batch
        self.activities: dict[tuple[int, str, str], Any] = {}
        self.accounts: dict[tuple[str, str, str], int] = {}
        self.new_evidence: list[_New] = []
        self.inserted: dict[str, int] = defaultdict(int)  # new rows per table (spiders.table_statistics)
        self.postgres = session.connection().dialect.name == "postgresql"

    # ------------------------------------------------------------------ keys

    def _matching(self, key: Any, values: list[Any]) -> Iterable[ColumnElement[bool]]:
        """``key IN values`` in as few statements as the backend takes.

        On PostgreSQL ``key = ANY(:array)``, one parameter for up to ``ARRAY_CHUNK`` keys: the statement's text
        is the same whatever the count, so psycopg converts it once and the server plans it as a prepared
        statement. SQLAlchemy's ``IN`` renders a new text for every list length, which psycopg parsed in Python
        each time (a fifth of the writer's time on PostgreSQL, bench/crawl.py). SQLite takes ``IN`` lists of
        ``CHUNK`` keys (its parameter limit).
        """
        if self.postgres:
            for chunk in _chunks(values, ARRAY_CHUNK):
                yield key == any_(bindparam(None, chunk, type_=ARRAY(key.type)))
            return
        for chunk in _chunks(values):
            yield key.in_(chunk)

    # ------------------------------------------------------------------ rows

    def _insert_rows(self, table: Table, rows: list[dict[str, Any]], *, with_ids: bool = False) -> list[int] | None:
        """New rows of one table: ``COPY`` on PostgreSQL, one executemany ``INSERT`` elsewhere.

        On PostgreSQL the executemany sends one ``INSERT`` per row (in a pipeline) and the server parses,
        plans and executes each: the writer waited on it for most of a batch (bench/crawl.py). ``COPY`` in the
        same transaction stores the same rows with the same constraints (a duplicate key still fails the
        batch, which is then stored again item by item), at a fraction of the server's work. Values pass
        through the columns' own bind processing first, as the ``INSERT`` would have them.

        With ``with_ids`` on PostgreSQL the rows' ids are drawn from the table's sequence first and returned in
        the rows' order, as the column's default would have drawn them: the caller needs no query to read them
        back by natural key. Elsewhere ``None``: the caller reads them back.
        """
        if not rows:
            return [] if with_ids else None
        self.inserted[table.name] += len(rows)
        connection = self.s.connection()
        dialect = connection.dialect
        columns = list(rows[0])
        processors = [table.c[name].type._cached_bind_processor(dialect) for name in columns]
        if dialect.name != "postgresql" or dialect.driver != "psycopg":
            self._executemany(connection, table, columns, processors, rows)
            return None
        driver = connection.connection.driver_connection
        ids: list[int] | None = None
        if with_ids:
            with driver.cursor() as cursor:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                               (table.name, len(rows)))
                ids = sorted(row[0] for row in cursor)  # ascending in the rows' order, as one by one
            rows = [{"id": new_id, **row} for new_id, row in zip(ids, rows, strict=True)]
            columns = ["id", *columns]
            processors = [None, *processors]
        quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
        statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({quoted}) FROM STDIN"
        types = _binary_copy_types(driver, table.name, columns)
        if types is not None:
            statement += " (FORMAT BINARY)"
        try:
            with driver.cursor() as cursor, cursor.copy(statement) as copy:
                if types is not None:
                    copy.set_types(types)
                for values in _processed(rows, columns, processors):
                    copy.write_row(values)
        except psycopg.errors.IntegrityError as exc:
            # As SQLAlchemy would raise it: the store retries a batch that lost a unique-key race to another writer.
            raise IntegrityError(statement, None, exc) from exc
        return ids

    def _executemany(self, connection: Any, table: Table, columns: list[str], processors: list[Any],
                     rows: list[dict[str, Any]]) -> None:
        """One ``INSERT`` compiled once and sent to the driver's ``executemany`` with the rows' values.

        ``session.execute(insert(table), rows)`` builds each row's parameters in SQLAlchemy (a dictionary, key
        lookups, then the bind processing): on SQLite that was a third of a batch's time. The values go
        through the same bind processors here; when the compiled statement would take a parameter the rows
        do not give (a column default SQLAlchemy fills in), it is left to SQLAlchemy.
        """
        compiled = insert(table).compile(dialect=connection.dialect, column_keys=columns)
        order = compiled.positiontup
        if order is None or sorted(order) != sorted(columns):
            self.s.execute(insert(table), rows)
            return
        by_name = dict(zip(columns, processors, strict=True))
        connection.exec_driver_sql(str(compiled), _processed(rows, list(order), [by_name[name] for name in order]))

    # ------------------------------------------------------------------ order

    def store_all(self, items: list[Any]) -> list[bool | None]:
        results: list[bool | None] = [None] * len(items)
        segment: list[int] = []
        checkpoints: list[int] = []
        # An account's state (its id, state, labels) reads and writes only its account row. Contents read that
        # row only to find an activity's account when the activity does not name it by registry id; when every
        # activity of the batch does, states and contents do not see each other's writes, and the states are
        # stored after the contents, in their order. A crawl yields one per account: stored in place, they cut
        # a batch into a segment (and a round of queries) per account.
        defer_states = all(item.account_id is not None for item in items if isinstance(item, ActivityItem))
        states: list[int] = []
        for index, item in enumerate(items):
            if isinstance(item, ActivityItem | PostItem):
                segment.append(index)
                continue
            if isinstance(item, CrawlCheckpointItem):
                # Saved after all the batch's contents, in the same transaction: it still commits with the
                # items it vouches for and never before them, and reads nothing they write (only its account
                # and the retry table). A crawl yields one per page, so storing it in place cut a batch into
                # a segment per page, each with its own round of queries.
                checkpoints.append(index)
                continue
            if defer_states and isinstance(item, AccountStateItem):
                states.append(index)
                continue
            self._contents(items, segment, results)
            segment = []
            results[index] = self.store._store_item(self.s, item, self.run_id)
            self.s.flush()  # the session does not autoflush: the next segment's queries must see this item
        self._contents(items, segment, results)
        self._positions(items, states, checkpoints, results)
        return results

    def _positions(self, items: list[Any], states: list[int], checkpoints: list[int],
                   results: list[bool | None]) -> None:
        """The batch's deferred account states, then its checkpoints, their declared accounts read at once.

        Stored one by one, each cost a locking read of its account and each checkpoint a count in the retry
        table: three statements per account crawled, more than the acts' own. The accounts named by registry
        id are read and locked in one statement (in id order, as every writer takes them, so two writers'
        batches never wait on each other in a cycle), the retry table is counted once for all checkpoints, and
        each item is then applied in order in memory as ``IngestStore`` would. Others (watched accounts, a
        handle without an id) are stored as before.
        """
        if not states and not checkpoints:
            return
        named = sorted({items[i].account_id for i in states + checkpoints if items[i].account_id is not None})
        locked: dict[int, Account] = {}
        for matching in self._matching(Account.id, named):
            query = select(Account).where(matching).order_by(Account.id).with_for_update()
            locked.update((row.id, row) for row in self.s.scalars(query))
        for index in states:
            # The account is in the session now: ``_update_account`` finds it there without a query.
            results[index] = self.store._store_item(self.s, items[index], self.run_id)
        keys = {index: checkpoint_retry_keys(items[index], locked[items[index].account_id])
                for index in checkpoints if items[index].account_id in locked}
        waiting: dict[str, int] = {}
        every_key = sorted(set().union(*keys.values())) if keys else []
        for matching in self._matching(IngestRetry.account, every_key):
            query = select(IngestRetry.account, func.count(IngestRetry.id)).where(matching) \
                .group_by(IngestRetry.account)
            waiting.update((key, count) for key, count in self.s.execute(query))
        for index in checkpoints:
            item = items[index]
            if index not in keys:
                results[index] = self.store._store_item(self.s, item, self.run_id)
                continue
            advance_position(locked[item.account_id], item, sum(waiting.get(key, 0) for key in keys[index]))
            results[index] = None

    def _contents(self, items: list[Any], indexes: list[int], results: list[bool | None]) -> None:
        if not indexes:
            return
        sightings: list[tuple[int, str, PostItem]] = []
        for index in indexes:
            item = items[index]
            if isinstance(item, PostItem):
                sightings.append((index, "self", item))
                continue
            if item.post is not None:
                sightings.append((index, "own", item.post))
            if item.target is not None:
                sightings.append((index, "target", item.target))
        outcomes = self._upsert_posts(sightings)
        for index in indexes:
            if isinstance(items[index], PostItem):
                results[index] = outcomes[(index, "self")].created
        acts = [(i, items[i]) for i in indexes if isinstance(items[i], ActivityItem)]
        new_acts = self._decide_activities(acts, outcomes, results) if acts else []
        self._insert_evidence()
        self._insert_activities(new_acts)
        self.s.flush()  # the rare updates of rows stored before (edits, filled gaps)
        # Rows inserted here are plain values: a later segment that changes one must load it as a stored row.
        self.posts = {k: v for k, v in self.posts.items() if not isinstance(v, _New)}
        self.activities = {k: v for k, v in self.activities.items() if not isinstance(v, _New)}

    # -------------------------------------------------------------- evidence

    def _load_evidence(self, subjects: set[str]) -> None:
        todo = [k for k in subjects if k not in self.evidence]
        first_version: dict[str, int] = {}
        for subject in todo:
            self.evidence[subject] = {}
            self.max_version[subject] = 0
        for matching in self._matching(Evidence.subject_key, todo):
            rows = self.s.execute(select(Evidence.subject_key, Evidence.sha256, Evidence.id, Evidence.version)
                                  .where(matching))
            for subject, sha, evidence_id, version in rows:
                self.has_evidence.add(subject)
                self.evidence[subject][sha] = evidence_id
                self.max_version[subject] = max(self.max_version[subject], version)
                if version < first_version.get(subject, version + 1):
                    first_version[subject] = version
                    self.first[subject] = evidence_id

    def _evidence(self, subject: str, raw: bytes, source_url: str | None, source: str, media_type: str,
                  post: Any, *, new_subject: bool = False) -> tuple[Any, bool]:
        """The subject's record of these bytes: an existing one, or a new version (and ``True``)."""
        digest = hashlib.sha256(raw).hexdigest()
        known = self.evidence.setdefault(subject, {})
        if not new_subject and digest in known:
            return known[digest], False
        version = self.max_version.get(subject, 0) + 1
        row = _New(subject_key=subject, version=version, post=post, source_url=source_url, source=source,
                   media_type=media_type, raw=raw, sha256=digest, captured_at=self.now, crawl_run_id=self.run_id)
        self.new_evidence.append(row)
        known[digest] = row
        self.has_evidence.add(subject)
        self.max_version[subject] = version
        self.first.setdefault(subject, row)
        return row, True

    def _insert_evidence(self) -> None:
        if not self.new_evidence:
            return
        rows = self.new_evidence
        self.new_evidence = []
        values = [{**{c: getattr(r, c) for c in EVIDENCE_COLUMNS if c != "post_id"}, "post_id": _id(r.post)}
                  for r in rows]
        # On PostgreSQL the ids are drawn with the COPY; elsewhere a plain executemany, then the ids by the
        # natural key. Not INSERT … RETURNING: SQLAlchemy sends that as multi-row statements too long for
        # psycopg's statement cache, and psycopg parses each again in Python, which took half the writer's time
        # on PostgreSQL (3× the CPU of this, bench/crawl.py).
        ids = self._insert_rows(Evidence.__table__, values, with_ids=True)
        if ids is not None:
            for row, new_id in zip(rows, ids, strict=True):
                row.id = new_id
            return
        # By subject only: a row-value IN ((subject, sha), …) makes SQLite scan the whole index, a cost
        # that grows with the table; a subject's few other versions are filtered out here.
        wanted = {(r.subject_key, r.sha256) for r in rows}
        by_key: dict[tuple[str, str], int] = {}
        for matching in self._matching(Evidence.subject_key, sorted({r.subject_key for r in rows})):
            query = select(Evidence.subject_key, Evidence.sha256, Evidence.id).where(matching)
            by_key.update({(k, sha): i for k, sha, i in self.s.execute(query) if (k, sha) in wanted})
        for row in rows:
            row.id = by_key[(row.subject_key, row.sha256)]

    # ------------------------------------------------------------------ posts

    def _load_posts(self, keys: set[tuple[str, str]]) -> None:
        wanted: dict[str, list[str]] = defaultdict(list)
        for platform, external_id in keys - self.posts.keys():
            wanted[platform].append(external_id)
        for platform, ids in wanted.items():
            for matching in self._matching(Post.external_id, ids):
                for post in self.s.scalars(select(Post).where(Post.platform == platform, matching)):
                    self.posts[(post.platform, post.external_id)] = post

    def _upsert_posts(self, sightings: list[tuple[int, str, PostItem]]) -> dict[tuple[int, str], _PostOutcome]:
        """``IngestStore._upsert_post`` for every sighting, in order, against what the batch read at once."""
        self._load_posts({(p.platform, p.external_id) for _i, _r, p in sightings})
        self._load_evidence({p.subject_key for _i, _r, p in sightings if p.raw})
        outcomes: dict[tuple[int, str], _PostOutcome] = {}
        capture: list[tuple[_PostOutcome, PostItem, bool]] = []
        new_posts: list[_New] = []
        for index, role, item in sightings:
            key = (item.platform, item.external_id)
            fingerprint = item.content_fingerprint()
            post = self.posts.get(key)
            created = new_post = False
            if post is None:
                post = _New(platform=item.platform, external_id=item.external_id, first_seen_at=self.now,
                            last_seen_at=self.now, deleted_at=None, parent_external_id=None)
                self.store._fill_post(post, item, fingerprint)
                new_posts.append(post)
                self.posts[key] = post
                created = new_post = True
            else:
                post.last_seen_at = self.now
                if post.deleted_at is not None and not item.partial:
                    post.deleted_at = None  # seen again in full: the tombstone was premature
                if item.partial:
                    for name in ("url", "author_handle", "author_external_id", "text", "lang", "posted_at",
                                 "posted_at_raw"):
                        if getattr(post, name) is None and getattr(item, name) is not None:
                            setattr(post, name, getattr(item, name))
                    if post.content_sha256 is None:
                        post.content_sha256 = fingerprint
                elif post.content_sha256 != fingerprint:
                    self.store._fill_post(post, item, fingerprint)
                    created = True
                elif post.parent_external_id is None and item.parent_external_id:
                    post.parent_external_id = item.parent_external_id
            outcome = _PostOutcome(post, created)
            outcomes[(index, role)] = outcome
            if item.raw and (created or item.subject_key not in self.has_evidence):
                capture.append((outcome, item, new_post))
                # A later sighting of the same unchanged post in this batch must find it has evidence.
                self.has_evidence.add(item.subject_key)
        if new_posts:
            # As for evidence: ids drawn with the COPY on PostgreSQL; elsewhere a plain executemany, then the ids
            # by the unique (platform, external id).
            rows = [{c: getattr(p, c) for c in POST_COLUMNS} for p in new_posts]
            ids = self._insert_rows(Post.__table__, rows, with_ids=True)
            if ids is None:
                by_key: dict[tuple[str, str], int] = {}
                for platform in sorted({p.platform for p in new_posts}):
                    external_ids = [p.external_id for p in new_posts if p.platform == platform]
                    for matching in self._matching(Post.external_id, external_ids):
                        query = select(Post.external_id, Post.id).where(Post.platform == platform, matching)
                        by_key.update({(platform, external_id): i for external_id, i in self.s.execute(query)})
                ids = [by_key[(p.platform, p.external_id)] for p in new_posts]
            for post, new_id in zip(new_posts, ids, strict=True):
                post.id = new_id
        for outcome, item, new_post in capture:
            ref, wrote = self._evidence(item.subject_key, item.raw, item.source_url,
                                        item.source or f"crawl:{item.platform}", item.media_type, outcome.post,
                                        new_subject=new_post and not self.evidence.get(item.subject_key))
            outcome.evidence = ref
            outcome.created = outcome.created or wrote
        return outcomes

    # -------------------------------------------------------------- activities

    def _account_ids(self, items: list[ActivityItem]) -> list[int]:
        """The registry id of each item's declared account (``UnknownAccount`` when the registry lacks it)."""
        given = sorted({it.account_id for it in items if it.account_id is not None})
        found: set[int] = set()
        for matching in self._matching(Account.id, given):
            found |= set(self.s.scalars(select(Account.id).where(matching)))
        ids: list[int] = []
        for item in items:
            if item.account_id is not None:
                if item.account_id not in found:
                    raise UnknownAccount(f"declared account id {item.account_id} does not exist")
                ids.append(item.account_id)
                continue
            key = (item.platform, item.account_external_id or "", (item.account_handle or "").lower())
            if key not in self.accounts:
                self.accounts[key] = self.store.account_id_for(self.s, item.platform, None, item.account_external_id,
                                                               item.account_handle)
            ids.append(self.accounts[key])
        return ids

    def _load_activities(self, keys: set[tuple[int, str, str]]) -> None:
        if self.postgres:
            self._load_activities_joined(sorted(keys - self.activities.keys()))
            return
        # SQLite: one query per (account, kind), external ids in IN: the unique index (account, kind, external
        # id) answers it by seeks. A row-value IN over the triples made SQLite scan the whole index per batch.
        todo: dict[tuple[int, str], list[str]] = defaultdict(list)
        for account_id, kind, external_id in sorted(keys - self.activities.keys()):
            todo[(account_id, kind)].append(external_id)
        for (account_id, kind), external_ids in todo.items():
            for chunk in _chunks(external_ids):
                query = select(Activity).where(Activity.account_id == account_id, Activity.kind == kind,
                                               Activity.external_id.in_(chunk))
                for activity in self.s.scalars(query):
                    self.activities[(activity.account_id, activity.kind, activity.external_id)] = activity

    def _load_activities_joined(self, keys: list[tuple[int, str, str]]) -> None:
        """PostgreSQL: the batch's activity keys as three arrays, unnested, each looked up on the unique key.

        One statement per ``ARRAY_CHUNK`` keys where a query per (account, kind) made a crawl's batch of a
        thousand acts send about forty, each parsed and planned by the server. The lookup is a ``LATERAL``
        subquery with ``LIMIT 1`` (the key is unique, so it changes nothing) because that keeps it a loop of
        index seeks: as a plain join the planner hashed the whole table once it estimated a sequential scan
        cheaper (36 ms per 1,000 keys at 50,000 acts, growing with the table; 3.6 ms as seeks).
        """
        for chunk in _chunks(keys, ARRAY_CHUNK):
            wanted = func.unnest(
                bindparam(None, [k[0] for k in chunk], type_=ARRAY(Integer)),
                bindparam(None, [k[1] for k in chunk], type_=ARRAY(String)),
                bindparam(None, [k[2] for k in chunk], type_=ARRAY(String)),
            ).table_valued(column("account_id", Integer), column("kind", String), column("external_id", String),
                           name="wanted").render_derived()
            found = select(Activity).where(Activity.account_id == wanted.c.account_id,
                                           Activity.kind == wanted.c.kind,
                                           Activity.external_id == wanted.c.external_id).limit(1).lateral()
            query = select(aliased(Activity, found)).select_from(wanted).join(found, true())
            for activity in self.s.scalars(query):
                self.activities[(activity.account_id, activity.kind, activity.external_id)] = activity

    def _decide_activities(self, acts: list[tuple[int, ActivityItem]], outcomes: dict[tuple[int, str], _PostOutcome],
                           results: list[bool | None]) -> list[_New]:
        """``IngestStore._insert_activity`` for every act, in order; returns the activities to insert."""
        account_ids = self._account_ids([item for _i, item in acts])
        keys = [(account_id, item.kind, item.external_id)
                for account_id, (_i, item) in zip(account_ids, acts, strict=True)]
        self._load_activities(set(keys))
        self._load_evidence({item.subject_key for _i, item in acts if item.raw}
                            | {item.post.subject_key for _i, item in acts if item.post is not None})
        new: list[_New] = []
        for key, (index, item) in zip(keys, acts, strict=True):
            own, target = outcomes.get((index, "own")), outcomes.get((index, "target"))
            wrote = bool((own and own.created) or (target and target.created))
            activity = self.activities.get(key)
            evidence = activity.evidence_id if activity is not None else None
            if evidence is None and item.raw:
                evidence, _new = self._evidence(item.subject_key, item.raw, item.source_url,
                                                item.source or f"crawl:{item.platform}", item.media_type,
                                                target.post if target else None)
            elif evidence is None and own is not None:
                evidence = own.evidence if own.evidence is not None else self.first.get(item.post.subject_key)
            if activity is None:
                activity = _New(
                    account_id=key[0], kind=item.kind, external_id=item.external_id,
                    post=own.post if own else None, target=target.post if target else None,
                    text=item.text, context_text=item.context, url=item.url, occurred_at=item.occurred_at,
                    captured_at=self.now, evidence_id=evidence, source=item.source or f"crawl:{item.platform}",
                    self_audit=item.self_audit,
                )
                new.append(activity)
                self.activities[key] = activity
                results[index] = True
                continue
            filled = False
            for name, value in (
                ("occurred_at", item.occurred_at),
                ("target_post_id", _id(target.post) if target else None),
                ("post_id", _id(own.post) if own else None),
                ("evidence_id", evidence),
                ("context_text", item.context),
                ("url", item.url),
            ):
                if isinstance(activity, _New) and name in ("target_post_id", "post_id"):
                    attribute = "target" if name == "target_post_id" else "post"
                    if getattr(activity, attribute) is None and value is not None:
                        setattr(activity, attribute, (target if name == "target_post_id" else own).post)
                        filled = True
                    continue
                if getattr(activity, name) is None and value is not None:
                    setattr(activity, name, value)
                    filled = True
            if item.post is not None and own is not None and own.created and item.text != activity.text:
                activity.text = item.text  # the own post was edited; the old text stays in its evidence
                filled = True
            results[index] = wrote or filled
        return new

    def _insert_activities(self, new: list[_New]) -> None:
        for activity in self.activities.values():
            # Stored activities that gained evidence of this batch: its id is known now.
            if isinstance(activity, Activity) and activity.evidence_id is not None \
                    and not isinstance(activity.evidence_id, int):
                activity.evidence_id = _id(activity.evidence_id)
        if not new:
            return
        values = []
        for a in new:
            row = {c: getattr(a, c) for c in ACTIVITY_COLUMNS if c not in ("post_id", "target_post_id", "evidence_id")}
            row.update(post_id=_id(a.post), target_post_id=_id(a.target), evidence_id=_id(a.evidence_id))
            values.append(row)
        self._insert_rows(Activity.__table__, values)
