"""append-only tables refuse TRUNCATE too (PostgreSQL)

0002's row triggers fire on UPDATE and DELETE, but TRUNCATE removes rows
without firing row triggers: ``TRUNCATE decision``, ``TRUNCATE audit_log`` and
``TRUNCATE evidence CASCADE`` emptied the append-only tables. A statement-level
BEFORE TRUNCATE trigger refuses it, also when a table is reached through
another table's ``TRUNCATE … CASCADE``. The retention purge deletes evidence
row by row (DELETE, allowed on evidence), so it is untouched. SQLite has no
TRUNCATE: its ``DELETE FROM`` without WHERE fires 0002's DELETE triggers.

Revision ID: 0006_truncate_guard
Revises: 0005_crawl_reliability
"""

from __future__ import annotations

from alembic import op

revision = "0006_truncate_guard"
down_revision = "0005_crawl_reliability"
branch_labels = None
depends_on = None

APPEND_ONLY = ("evidence", "decision", "audit_log")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in APPEND_ONLY:
        # netra_refuse_change (0002) names the table and TG_OP, which reads TRUNCATE here.
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION netra_refuse_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
