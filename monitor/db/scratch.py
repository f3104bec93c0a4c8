"""A throw-away PostgreSQL database on a server: created empty, dropped (even with open connections) after use.

The tests' ``pg_url`` fixture and the benchmarks use it, so neither touches a database someone keeps.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(server_url: str, prefix: str = "netra_scratch", template: str | None = None) -> Iterator[str]:
    """Create ``<prefix>_<random>`` on the server at ``server_url``; yield its URL; drop it afterwards.

    ``template``: the name of a database to copy (PostgreSQL's ``CREATE DATABASE … TEMPLATE``; nobody may be
    connected to it), e.g. one migrated once for many tests.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        try:
            yield url
        finally:
            from monitor.db.session import engine_for

            engine_for(url).dispose()
            engine_for.cache_clear()  # a cached engine for a dropped database must not be handed out again
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
