"""media: images kept from collected posts and exports, and where each was seen

Revision ID: 0003_media
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0003_media"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mime", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("first_seen", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("hands", sa.JSON(), nullable=True),
        sa.Column("hands_model", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_media_account_id_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
        sa.UniqueConstraint("sha256", name=op.f("uq_media_sha256")),
    )
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_account_id"), ["account_id"], unique=False)

    op.create_table(
        "media_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("source_url", sa.String(length=2048), nullable=True),
        sa.Column("created_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"], name=op.f("fk_media_link_evidence_id_evidence")),
        sa.ForeignKeyConstraint(["media_id"], ["media.id"], name=op.f("fk_media_link_media_id_media")),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_media_link_post_id_post")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_link")),
        sa.UniqueConstraint("media_id", "post_id", "source_url", name=op.f("uq_media_link_media_id_post_id_source_url")),
    )
    with op.batch_alter_table("media_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_link_evidence_id"), ["evidence_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_link_media_id"), ["media_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_link_post_id"), ["post_id"], unique=False)


def downgrade() -> None:
    op.drop_table("media_link")
    op.drop_table("media")
