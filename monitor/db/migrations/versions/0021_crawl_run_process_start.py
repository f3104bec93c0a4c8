"""crawl runs record when their process started, not only its pid

``crawl_run.process_start``: the boot id and the start time (clock ticks after boot, /proc/<pid>/stat) of the
process that owns the run. A run left ``running`` by a killed crawl is closed by the next one when its process no
longer exists; where pid_max is small (32,768 in containers) a new process can take the dead crawl's pid within
seconds, and a start-time heuristic with a one-second slack still took such a process for the run's own. With the
start recorded, "the same process" is an exact comparison. Runs from before this revision keep the heuristic.

Revision ID: 0021_crawl_run_process_start
Revises: 0020_drop_redundant_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_crawl_run_process_start"
down_revision = "0020_drop_redundant_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("crawl_run", sa.Column("process_start", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # SQLite drops a column in place (3.35+); a batch copy of the table would trip the foreign keys to it.
    op.drop_column("crawl_run", "process_start")
