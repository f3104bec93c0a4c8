"""hoax claims: the claim_review table, and the hoax result on each classification (issue 19)

``claim_review`` keeps the claims fact-checkers reviewed (schema.org ClaimReview or a team's CSV),
one row per debunk URL and claim text, with the claim's cached embedding. ``classification`` gains
``hoax`` (the act repeats a claim rated false) and ``hoax_claims`` (the claims it repeats, copied).
Existing classifications read as not hoax.

Revision ID: 0010_hoax_claims
Revises: 0009_capture_tips
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0010_hoax_claims"
down_revision = "0009_capture_tips"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("rating", sa.String(length=255), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("publisher", sa.String(length=255), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=True),
        sa.Column("created_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.Column("embedding_model", sa.String(length=128), nullable=True),
        sa.CheckConstraint("verdict IN ('false', 'misleading', 'mixed', 'true', 'unrated')",
                           name=op.f("ck_claim_review_verdict")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_review")),
        sa.UniqueConstraint("key", name=op.f("uq_claim_review_key")),
    )
    # Plain ALTER TABLE on both backends: SQLite adds (and, from 3.35, drops) a column in place, where a batch
    # rebuild of a table that review items reference would trip over their foreign keys.
    op.add_column("classification", sa.Column("hoax", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("classification", sa.Column("hoax_claims", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("classification", "hoax_claims")
    op.drop_column("classification", "hoax")
    op.drop_table("claim_review")
