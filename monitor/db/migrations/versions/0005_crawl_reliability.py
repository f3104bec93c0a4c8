"""crawl reliability: quarantined records, acts to retry, run heartbeats and honest counters

Revision ID: 0005_crawl_reliability
Revises: 0004_api_tokens
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0005_crawl_reliability"
down_revision = "0004_api_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_run") as batch:
        batch.add_column(sa.Column("quarantined", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("store_failures", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("incomplete_accounts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", monitor.db.types.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("account", sa.String(length=255), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["crawl_run_id"], ["crawl_run.id"], name=op.f("fk_quarantine_crawl_run_id_crawl_run")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
    )
    op.create_index(op.f("ix_quarantine_crawl_run_id"), "quarantine", ["crawl_run_id"])
    op.create_table(
        "ingest_retry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("account", sa.String(length=255), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("item", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_failed_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["crawl_run_id"], ["crawl_run.id"],
                                name=op.f("fk_ingest_retry_crawl_run_id_crawl_run")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_retry")),
    )
    op.create_index(op.f("ix_ingest_retry_crawl_run_id"), "ingest_retry", ["crawl_run_id"])
    op.create_index(op.f("ix_ingest_retry_account"), "ingest_retry", ["account"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ingest_retry_account"), table_name="ingest_retry")
    op.drop_index(op.f("ix_ingest_retry_crawl_run_id"), table_name="ingest_retry")
    op.drop_table("ingest_retry")
    op.drop_index(op.f("ix_quarantine_crawl_run_id"), table_name="quarantine")
    op.drop_table("quarantine")
    with op.batch_alter_table("crawl_run") as batch:
        for name in ("heartbeat_at", "pid", "host", "incomplete_accounts", "store_failures", "quarantined"):
            batch.drop_column(name)
