"""decisions indexed by their time

The reviewer statistics (monitor/review/stats_data.py) and the weekly reports read decisions by a
date range of ``decided_at``; without an index each view scanned the whole (append-only, ever
growing) decision table.

Revision ID: 0018_decision_time_index
Revises: 0017_dossier_truncate_guard
"""

from __future__ import annotations

from alembic import op

revision = "0018_decision_time_index"
down_revision = "0017_dossier_truncate_guard"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_decision_decided_at"), "decision", ["decided_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_decision_decided_at"), table_name="decision")
