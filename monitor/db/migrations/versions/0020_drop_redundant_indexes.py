"""drop two indexes that a unique key already provides

``evidence.subject_key`` leads both of evidence's unique keys (subject, sha256) and (subject, version), and
``activity.account_id`` leads activity's unique (account, kind, external id): every lookup by those columns
alone is answered by the unique index, while the separate index cost an index write per stored record
(bench/crawl.py: evidence and activity rows are most of what a crawl writes).

Revision ID: 0020_drop_redundant_indexes
Revises: 0019_hoax_matched_at
"""

from __future__ import annotations

from alembic import op

revision = "0020_drop_redundant_indexes"
down_revision = "0019_hoax_matched_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index(op.f("ix_evidence_subject_key"), table_name="evidence")
    op.drop_index(op.f("ix_activity_account_id"), table_name="activity")


def downgrade() -> None:
    op.create_index(op.f("ix_activity_account_id"), "activity", ["account_id"], unique=False)
    op.create_index(op.f("ix_evidence_subject_key"), "evidence", ["subject_key"], unique=False)
