"""case_dossier refuses TRUNCATE too (PostgreSQL)

0012 gave ``case_dossier`` row triggers against UPDATE and DELETE, but TRUNCATE fires no row trigger:
``TRUNCATE case_dossier`` emptied the record of which dossiers were handed on. The statement-level
trigger of 0006 refuses it, also when the table is reached through ``TRUNCATE … CASCADE`` from
decision or review_item. SQLite has no TRUNCATE.

Revision ID: 0017_dossier_truncate_guard
Revises: 0016_item_comments
"""

from __future__ import annotations

from alembic import op

revision = "0017_dossier_truncate_guard"
down_revision = "0016_item_comments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # netra_refuse_change (0002) names the table and TG_OP, which reads TRUNCATE here.
        op.execute("CREATE TRIGGER case_dossier_no_truncate BEFORE TRUNCATE ON case_dossier "
                   "FOR EACH STATEMENT EXECUTE FUNCTION netra_refuse_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_dossier_no_truncate ON case_dossier")
