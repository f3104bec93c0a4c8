"""append-only triggers for evidence, decisions and the audit log

The ORM already refuses these changes (monitor.db.guards); the triggers make
the rule hold for raw SQL and other tools too. Evidence may still be deleted
by a retention purge (UU PDP Pasal 43-45), never updated.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# (table, refuse UPDATE, refuse DELETE)
RULES = [("evidence", True, False), ("decision", True, True), ("audit_log", True, True)]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION netra_refuse_change() RETURNS trigger AS $$
            BEGIN
              RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
            END; $$ LANGUAGE plpgsql
            """
        )
        for table, upd, dele in RULES:
            ops = " OR ".join(op_ for op_, on in (("UPDATE", upd), ("DELETE", dele)) if on)
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE {ops} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION netra_refuse_change()"
            )
    elif dialect == "sqlite":
        for table, upd, dele in RULES:
            for verb, on in (("UPDATE", upd), ("DELETE", dele)):
                if on:
                    op.execute(
                        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
                    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table, _, _ in RULES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS netra_refuse_change()")
    elif dialect == "sqlite":
        for table, _, _ in RULES:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
