"""case dossiers: the PDF and evidence ZIP forwarded on a confirmed breach (issue 17)

``case_dossier`` keeps one row per dossier built for a review item: the decision it documents and
the path, SHA-256 and size of its PDF and its evidence ZIP. Like decisions, a dossier never changes
once handed on: the ORM refuses it (monitor.db.guards) and the triggers below refuse UPDATE and DELETE.

Revision ID: 0012_case_dossiers
Revises: 0011_web_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0012_case_dossiers"
down_revision = "0011_web_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_dossier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_item_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("pdf_path", sa.Text(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_bytes", sa.BigInteger(), nullable=False),
        sa.Column("zip_path", sa.Text(), nullable=False),
        sa.Column("zip_sha256", sa.String(length=64), nullable=False),
        sa.Column("zip_bytes", sa.BigInteger(), nullable=False),
        sa.Column("evidence_files", sa.Integer(), nullable=False),
        sa.Column("created_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_case_dossier_agency_id_agency")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_case_dossier_created_by_id_user")),
        sa.ForeignKeyConstraint(["decision_id"], ["decision.id"], name=op.f("fk_case_dossier_decision_id_decision")),
        sa.ForeignKeyConstraint(["review_item_id"], ["review_item.id"],
                                name=op.f("fk_case_dossier_review_item_id_review_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_dossier")),
    )
    op.create_index(op.f("ix_case_dossier_agency_id"), "case_dossier", ["agency_id"], unique=False)
    op.create_index(op.f("ix_case_dossier_review_item_id"), "case_dossier", ["review_item_id"], unique=False)
    # The same rule as decisions (0002): netra_refuse_change() exists on PostgreSQL since then.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER case_dossier_append_only BEFORE UPDATE OR DELETE ON case_dossier "
                   "FOR EACH ROW EXECUTE FUNCTION netra_refuse_change()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER case_dossier_no_{verb.lower()} BEFORE {verb} ON case_dossier "
                       f"BEGIN SELECT RAISE(ABORT, 'case_dossier is append-only: {verb} refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_dossier_append_only ON case_dossier")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS case_dossier_no_{verb}")
    op.drop_index(op.f("ix_case_dossier_review_item_id"), table_name="case_dossier")
    op.drop_index(op.f("ix_case_dossier_agency_id"), table_name="case_dossier")
    op.drop_table("case_dossier")
