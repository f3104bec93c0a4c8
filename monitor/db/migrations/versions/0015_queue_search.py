"""search on the review queue, and saved queue filters (issue 17)

Full-text search over an act's text (``activity.text`` and ``activity.context_text``):

- PostgreSQL: a text search configuration ``netra_search``, a copy of ``simple`` (there is no Indonesian
  stemmer) that also strips accents through the ``unaccent`` dictionary when that extension is there or
  may be created by the migrating role (PostgreSQL 13+ lets a database owner create it; no superuser is
  needed, and without it search simply keeps accents). A GIN index on the act's ``to_tsvector``
  expression serves the search; PostgreSQL keeps it in step with every insert and update, whichever code
  (the batched ingest, an importer, raw SQL) writes the act.
- SQLite: an FTS5 table ``activity_fts`` over the same two columns (external content: the text is not
  stored twice), tokenised by ``unicode61`` with diacritics removed, kept in step by triggers on
  ``activity``. A later migration that rebuilds ``activity`` on SQLite (batch mode copies and drops the
  table) drops these triggers with it and must create them again (``SQLITE_TRIGGERS`` below).

On PostgreSQL each part of the document is cut to 50,000 characters before indexing: a tsvector holds at
most 1 MB, and a longer text must never make the act's insert fail (FTS5 has no such limit).

``saved_filter``: a reviewer's named queue filters.

Revision ID: 0015_queue_search
Revises: 0014_claims_and_age
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0015_queue_search"
down_revision = "0014_claims_and_age"
branch_labels = None
depends_on = None

# Must stay the expression monitor.db.search matches against, or the index is not used.
PG_DOCUMENT = ("to_tsvector('netra_search'::regconfig, left(coalesce(text, ''), 50000) || ' ' || "
               "left(coalesce(context_text, ''), 50000))")
# Token types that may carry accented letters (the ascii ones never do).
PG_UNACCENT_TOKENS = "word, numword, hword, numhword, hword_part, hword_numpart"

SQLITE_TRIGGERS = (
    """CREATE TRIGGER activity_fts_insert AFTER INSERT ON activity BEGIN
         INSERT INTO activity_fts (rowid, text, context_text)
         VALUES (new.id, new.text, new.context_text);
       END""",
    """CREATE TRIGGER activity_fts_delete AFTER DELETE ON activity BEGIN
         INSERT INTO activity_fts (activity_fts, rowid, text, context_text)
         VALUES ('delete', old.id, old.text, old.context_text);
       END""",
    """CREATE TRIGGER activity_fts_update AFTER UPDATE OF text, context_text ON activity BEGIN
         INSERT INTO activity_fts (activity_fts, rowid, text, context_text)
         VALUES ('delete', old.id, old.text, old.context_text);
         INSERT INTO activity_fts (rowid, text, context_text)
         VALUES (new.id, new.text, new.context_text);
       END""",
)


def _pg_unaccent(bind: sa.Connection) -> bool:
    """Whether the ``unaccent`` dictionary can be used: installed already, or created now if allowed."""
    if bind.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")):
        return True
    if not bind.scalar(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")):
        return False
    try:
        with bind.begin_nested():  # a refusal (no CREATE privilege) must not abort the migration
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except sa.exc.DBAPIError:
        return False
    return True


def upgrade() -> None:
    op.create_table(
        "saved_filter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_saved_filter_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_filter")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_saved_filter_user_id_name")),
    )
    op.create_index(op.f("ix_saved_filter_user_id"), "saved_filter", ["user_id"], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE TEXT SEARCH CONFIGURATION netra_search (COPY = pg_catalog.simple)")
        if _pg_unaccent(bind):
            op.execute(f"ALTER TEXT SEARCH CONFIGURATION netra_search ALTER MAPPING FOR {PG_UNACCENT_TOKENS} "
                       "WITH unaccent, simple")
        op.execute(f"CREATE INDEX ix_activity_search ON activity USING gin (({PG_DOCUMENT}))")
    elif bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE activity_fts USING fts5(text, context_text, content='activity', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
        # Acts stored before this migration: index them once (rebuild reads them from ``activity``).
        op.execute("INSERT INTO activity_fts (activity_fts) VALUES ('rebuild')")
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_activity_search")
        # The unaccent extension stays: other databases objects may use it, and it holds no data of ours.
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS netra_search")
    elif bind.dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS activity_fts_{name}")
        op.execute("DROP TABLE IF EXISTS activity_fts")
    op.drop_index(op.f("ix_saved_filter_user_id"), table_name="saved_filter")
    op.drop_table("saved_filter")
