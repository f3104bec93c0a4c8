"""captures of public pages: tips (capture_tip) and the watch of public profile pages (capture_watch)

Revision ID: 0009_capture_tips
Revises: 0008_follow_kind
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0009_capture_tips"
down_revision = "0008_follow_kind"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "capture_tip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=True),
        sa.Column("handle", sa.String(length=255), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reporter", sa.String(length=255), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=128), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("captured_platform", sa.String(length=32), nullable=True),
        sa.Column("captured_handle", sa.String(length=255), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("evidence_sha256", sa.String(length=64), nullable=True),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", monitor.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", monitor.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'capturing', 'captured', 'unchanged', 'failed')",
                           name=op.f("ck_capture_tip_state")),
        sa.ForeignKeyConstraint(["activity_id"], ["activity.id"], name=op.f("fk_capture_tip_activity_id_activity"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["crawl_run_id"], ["crawl_run.id"],
                                name=op.f("fk_capture_tip_crawl_run_id_crawl_run")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_capture_tip_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capture_tip")),
    )
    op.create_index(op.f("ix_capture_tip_batch"), "capture_tip", ["batch"])
    op.create_index(op.f("ix_capture_tip_activity_id"), "capture_tip", ["activity_id"])
    op.create_table(
        "capture_watch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("profile_url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("seen", sa.JSON(), nullable=True),
        sa.Column("last_run_at", monitor.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_new_at", monitor.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('ok', 'login_wall', 'failed')", name=op.f("ck_capture_watch_state")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_capture_watch_account_id_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capture_watch")),
        sa.UniqueConstraint("account_id", name=op.f("uq_capture_watch_account_id")),
    )


def downgrade() -> None:
    op.drop_table("capture_watch")
    op.drop_index(op.f("ix_capture_tip_activity_id"), table_name="capture_tip")
    op.drop_index(op.f("ix_capture_tip_batch"), table_name="capture_tip")
    op.drop_table("capture_tip")
