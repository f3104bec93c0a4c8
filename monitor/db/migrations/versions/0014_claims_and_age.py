"""claims expire, and the queue sorts oldest first (issue 17)

``review_item.claimed_until``: when a reviewer's claim on an item (taken with "take next") ends; null for
an item assigned by a supervisor (lasts until changed) or held by nobody. Existing assignments stay null,
so they keep lasting as they did. Two indexes serve the queue ordered by age, like the priority ones.

Revision ID: 0014_claims_and_age
Revises: 0013_four_eyes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from monitor.db.types import UTCDateTime

revision = "0014_claims_and_age"
down_revision = "0013_four_eyes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("review_item", sa.Column("claimed_until", UTCDateTime(timezone=True), nullable=True))
    op.create_index("ix_review_item_age", "review_item", ["status", "created_at", "id"])
    op.create_index("ix_review_item_agency_age", "review_item", ["agency_id", "status", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_review_item_agency_age", table_name="review_item")
    op.drop_index("ix_review_item_age", table_name="review_item")
    op.drop_column("review_item", "claimed_until")
