"""self-audit uploads as background jobs: the import_job table the upload's status page polls

Revision ID: 0007_import_jobs
Revises: 0006_truncate_guard
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0007_import_jobs"
down_revision = "0006_truncate_guard"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", monitor.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", monitor.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=128), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("importer", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_bytes", sa.BigInteger(), nullable=False),
        sa.Column("submit", sa.Boolean(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("upload_dir", sa.Text(), nullable=True),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("run_status", sa.String(length=16), nullable=True),
        sa.Column("progress", sa.JSON(), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("report_ids", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'importing', 'classifying', 'done', 'failed', 'refused')",
            name=op.f("ck_import_job_state"),
        ),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_import_job_account_id_account")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_import_job_agency_id_agency")),
        sa.ForeignKeyConstraint(["crawl_run_id"], ["crawl_run.id"],
                                name=op.f("fk_import_job_crawl_run_id_crawl_run")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_import_job_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_job")),
    )
    op.create_index(op.f("ix_import_job_account_id"), "import_job", ["account_id"])
    op.create_index(op.f("ix_import_job_agency_id"), "import_job", ["agency_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_import_job_agency_id"), table_name="import_job")
    op.drop_index(op.f("ix_import_job_account_id"), table_name="import_job")
    op.drop_table("import_job")
