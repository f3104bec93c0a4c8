"""four eyes: a breach or escalation verdict counts only once a second reviewer confirms it (issue 17)

``decision.four_eyes`` records where a decision stands in the four-eyes flow (``awaiting``, ``confirmed``,
``disputed``, ``resolved``; null where none is needed). Existing decisions stay null: they were made
without the rule and count as they did. Decisions stay append-only: the column is set when the row is
written, never later.

Revision ID: 0013_four_eyes
Revises: 0012_case_dossiers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_four_eyes"
down_revision = "0012_case_dossiers"
branch_labels = None
depends_on = None

CHECK = "four_eyes IN ('awaiting', 'confirmed', 'disputed', 'resolved')"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot add a constraint to a table; a column may carry its own CHECK (NULL passes it). A
        # batch rebuild of "decision" would trip over its append-only triggers and the keys pointing at it.
        op.execute(f"ALTER TABLE decision ADD COLUMN four_eyes VARCHAR(16) "
                   f"CONSTRAINT ck_decision_four_eyes CHECK ({CHECK})")
    else:
        op.add_column("decision", sa.Column("four_eyes", sa.String(length=16), nullable=True))
        op.create_check_constraint(op.f("ck_decision_four_eyes"), "decision", CHECK)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_decision_four_eyes"), "decision", type_="check")
    # On SQLite (3.35+) the column's own CHECK goes with it in a plain ALTER TABLE … DROP COLUMN.
    op.drop_column("decision", "four_eyes")
