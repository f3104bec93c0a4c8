"""Alembic environment: migrations run against the URL Netra configures."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from monitor.db.schema import Base
from monitor.db.search import outside_orm
from monitor.db.session import get_engine

config = context.config
target_metadata = Base.metadata


# The PostgreSQL advisory lock every Netra migration holds (any fixed bigint; ASCII "netradb1").
MIGRATION_LOCK = 0x6E657472_61646231


def _include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    # The full-text search index (0015) lives outside the ORM: autogenerate must not propose dropping it.
    return not (reflected and compare_to is None and outside_orm(name, type_))


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Two `netra db upgrade` at once (two containers starting on a fresh database) would both create
        # alembic_version and the first tables; one died with a traceback. The second now waits here, and
        # then reads the version the first committed: nothing left to do. Taken before configure, so alembic
        # runs inside this transaction, and the lock is released when it commits or rolls back.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_include,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with get_engine(config.get_main_option("sqlalchemy.url")).connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
