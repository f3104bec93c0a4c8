"""classifications record which claims their hoax matching saw

``classification.hoax_matched_at``: the newest change of the stored claims (``claim_review.updated_at``) when the
act was last matched against them; null when no claim was stored then. An act classified before a claim arrived is
matched again (``netra hoax rematch``, the scheduler's ``hoax_rematch`` job) once, not at every run.

Revision ID: 0019_hoax_matched_at
Revises: 0018_decision_time_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0019_hoax_matched_at"
down_revision = "0018_decision_time_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("classification", sa.Column("hoax_matched_at", monitor.db.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # SQLite drops a column in place (3.35+); a batch copy of the table would trip the review items' foreign keys.
    op.drop_column("classification", "hoax_matched_at")
