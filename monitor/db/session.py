"""Engines and sessions for the configured database."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

import monitor.db.guards  # noqa: F401  (registers the append-only rules)
from monitor.config import get_settings

log = logging.getLogger(__name__)

T = TypeVar("T")

# SQLite: one writer at a time. Each attempt already waits the connection's busy timeout (30 s).
LOCKED_ATTEMPTS = 6
SQLITE_BUSY_TIMEOUT_MS = 30_000


def json_text(value: Any) -> str:
    """A JSON column's value as text: orjson where it can (the ingest writer serialises every post's extras,
    about 4 % of its time with the standard library), the standard library for what orjson refuses (an
    integer beyond 64 bits, an unpaired surrogate). Both write the same JSON value; orjson writes it compactly."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, json_serializer=json_text)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            # Foreign keys are off by default in SQLite; WAL lets the web app read during a crawl.
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL syncs at checkpoints, not at every commit: a power cut can lose the last
            # commits but never corrupts the file, and a killed process loses nothing committed.
            cur.execute("PRAGMA synchronous=NORMAL")
            # Wait for another process's write lock instead of failing at once with "database is locked".
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=json_text)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine(url: str | None = None) -> Engine:
    url = url or get_settings().resolved_database_url
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite" and sa_url.database not in (None, "", ":memory:"):
        Path(sa_url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return engine_for(url)


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_locked(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "database table is locked" (another process is writing)."""
    return isinstance(exc, OperationalError) and "locked" in str(exc.orig if exc.orig else exc).lower()


def retry_on_lock(work: Callable[[], T], *, attempts: int = LOCKED_ATTEMPTS,
                  sleep: Callable[[float], None] = time.sleep) -> T:
    """``work()``, run again with growing, jittered waits while SQLite says another writer holds the lock.

    ``work`` must be a whole transaction that leaves nothing behind when it fails (roll back inside it):
    it is simply called again. Any other error, or a lock that outlasts ``attempts``, is raised.
    """
    tries = 0
    while True:
        try:
            return work()
        except OperationalError as exc:
            tries += 1
            if not is_locked(exc) or tries >= attempts:
                raise
            wait = min(30.0, 0.5 * 2 ** tries) * (0.5 + random.random())
            log.warning("database locked by another writer; retrying in %.1f s", wait)
            sleep(wait)
