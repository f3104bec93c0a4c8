"""follows: activity kind ``follow``, ``activity.ended_at`` (an unfollow), account state ``protected``

A declared account following a candidate's, campaign's or party's account is an SKB violation type
("bergabung/follow grup/akun pemenangan"). The kind joins the activity CHECK constraint, and
``ended_at`` records when a follow was seen undone: the act and its evidence stay. An X account
whose posts only approved followers see is recorded as ``protected`` (account and watched account).

On PostgreSQL the CHECK constraints are dropped and created again. SQLite cannot alter a CHECK
constraint, and rebuilding the activity table (Alembic's batch mode) fails once classifications
and review items reference its rows: with ``PRAGMA foreign_keys=ON`` the drop of the old table is
an immediate foreign-key violation, and the pragma cannot be switched off inside the migration's
transaction. The new constraint only admits more values, so every stored row satisfies it, and
SQLite documents editing the stored table definition for exactly such changes
(https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes", the
procedure for CHECK constraints): that is done here, within the migration's transaction.

Revision ID: 0008_follow_kind
Revises: 0007_import_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0008_follow_kind"
down_revision = "0007_import_jobs"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('post', 'share', 'comment', 'like', 'photo')"
NEW_KINDS = "kind IN ('post', 'share', 'comment', 'like', 'photo', 'follow')"
OLD_STATES = "state IN ('active', 'not_found', 'suspended', 'deactivated')"
NEW_STATES = "state IN ('active', 'not_found', 'suspended', 'deactivated', 'protected')"
# table -> (constraint, before, after)
CHANGES = {
    "activity": ("ck_activity_kind", OLD_KINDS, NEW_KINDS),
    "account": ("ck_account_state", OLD_STATES, NEW_STATES),
    "watched_account": ("ck_watched_account_state", OLD_STATES, NEW_STATES),
}


def _sqlite_checks(changes: dict[str, tuple[str, str]]) -> None:
    """Replace CHECK expressions in SQLite's stored table definitions (table -> (old, new)), one schema bump."""
    bind = op.get_bind()
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    for table, (old, new) in changes.items():
        sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                           {"t": table}).scalar()
        if sql is None or old not in sql:
            raise RuntimeError(f"{table} table definition does not hold the expected constraint {old!r}")
        bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"),
                     {"sql": sql.replace(old, new), "t": table})
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))
    problems = bind.execute(sa.text("PRAGMA integrity_check")).scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"SQLite integrity check after the constraint change: {problems}")


def _change_checks(forward: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_checks({t: (old, new) if forward else (new, old) for t, (_n, old, new) in CHANGES.items()})
        return
    for table, (name, old, new) in CHANGES.items():
        op.drop_constraint(op.f(name), table, type_="check")
        op.create_check_constraint(op.f(name), table, new if forward else old)


def upgrade() -> None:
    with op.batch_alter_table("activity") as batch:
        batch.add_column(sa.Column("ended_at", monitor.db.types.UTCDateTime(timezone=True), nullable=True))
    _change_checks(forward=True)


def downgrade() -> None:
    bind = op.get_bind()
    follows = bind.execute(sa.text("SELECT count(*) FROM activity WHERE kind = 'follow'")).scalar()
    if follows:
        # Evidence first: follows are acts with evidence and maybe decisions; a downgrade must not drop them.
        raise RuntimeError(f"{follows} follow activities are stored; a schema without follows cannot hold them")
    for table in ("account", "watched_account"):
        bind.execute(sa.text(f"UPDATE {table} SET state = 'active' WHERE state = 'protected'"))  # noqa: S608
    _change_checks(forward=False)
    if bind.dialect.name == "sqlite":
        # SQLite (3.35+) drops an unindexed column in place; a batch rebuild of the table would fail on
        # the classifications and review items that reference its rows (see above).
        op.execute("ALTER TABLE activity DROP COLUMN ended_at")
    else:
        op.drop_column("activity", "ended_at")
