"""web sessions and sign-in limits in the database (issue 17)

``web_session`` holds one row per signed-in browser session, so signing out, a password change or
disabling a user ends a session on the server (a copied cookie stops working); it also carries a
refused form to the page the browser is redirected to (post/redirect/get). ``login_limit`` keeps
the decaying failure counts per username and per client IP, shared by every web worker; it replaces
``user.failed_logins`` and ``user.locked_until`` (dropped: existing lockouts simply end).

Revision ID: 0011_web_sessions
Revises: 0010_hoax_claims
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0011_web_sessions"
down_revision = "0010_hoax_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", monitor.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.Column("carried", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_web_session_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_web_session_token_sha256")),
    )
    op.create_index(op.f("ix_web_session_user_id"), "web_session", ["user_id"], unique=False)
    op.create_table(
        "login_limit",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("failures", sa.Float(), nullable=False),
        sa.Column("updated_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", monitor.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('account', 'ip')", name=op.f("ck_login_limit_kind")),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_login_limit")),
    )
    # Plain ALTER TABLE on both backends (SQLite drops a column in place from 3.35): a batch rebuild of
    # "user" would trip over the many foreign keys pointing at it.
    op.drop_column("user", "locked_until")
    op.drop_column("user", "failed_logins")


def downgrade() -> None:
    op.add_column("user", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("user", sa.Column("locked_until", monitor.db.types.UTCDateTime(timezone=True), nullable=True))
    op.drop_table("login_limit")
    op.drop_index(op.f("ix_web_session_user_id"), table_name="web_session")
    op.drop_table("web_session")
