"""item comments: reviewers' discussion on a review item, beside the decisions (issue 17)

``item_comment`` keeps one row per remark: the item, its author, the text and when. Like decisions a
comment never changes once written: the ORM refuses it (monitor.db.guards), the row triggers below refuse
UPDATE and DELETE, and on PostgreSQL a statement trigger refuses TRUNCATE (as 0006 does for decisions).

Revision ID: 0016_item_comments
Revises: 0015_queue_search
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0016_item_comments"
down_revision = "0015_queue_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_item_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_item_comment_author_id_user")),
        sa.ForeignKeyConstraint(["review_item_id"], ["review_item.id"],
                                name=op.f("fk_item_comment_review_item_id_review_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_comment")),
    )
    op.create_index(op.f("ix_item_comment_review_item_id"), "item_comment", ["review_item_id"], unique=False)
    # netra_refuse_change() exists on PostgreSQL since 0002 and names the table and the operation refused.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER item_comment_append_only BEFORE UPDATE OR DELETE ON item_comment "
                   "FOR EACH ROW EXECUTE FUNCTION netra_refuse_change()")
        op.execute("CREATE TRIGGER item_comment_no_truncate BEFORE TRUNCATE ON item_comment "
                   "FOR EACH STATEMENT EXECUTE FUNCTION netra_refuse_change()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER item_comment_no_{verb.lower()} BEFORE {verb} ON item_comment "
                       f"BEGIN SELECT RAISE(ABORT, 'item_comment is append-only: {verb} refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS item_comment_no_truncate ON item_comment")
        op.execute("DROP TRIGGER IF EXISTS item_comment_append_only ON item_comment")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS item_comment_no_{verb}")
    op.drop_index(op.f("ix_item_comment_review_item_id"), table_name="item_comment")
    op.drop_table("item_comment")
