"""self-audit import jobs and capture tips record when their process started, as crawl runs do since 0021

``import_job.process_start`` and ``capture_tip.process_start``: the boot id and start time of the web process working
on the row. At its start a web process closes the rows a dead one left unfinished; a live process that took the dead
one's pid (pid_max is 32,768 in containers) kept such a row "running" until it ended. With the start recorded, the
row's owner is the process holding the pid only if it started then. Rows from before this revision keep the old test
(the pid alone).

Revision ID: 0022_job_process_start
Revises: 0021_crawl_run_process_start
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_job_process_start"
down_revision = "0021_crawl_run_process_start"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("import_job", sa.Column("process_start", sa.String(length=64), nullable=True))
    op.add_column("capture_tip", sa.Column("process_start", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # SQLite drops a column in place (3.35+); a batch copy of the table would trip the foreign keys to it.
    op.drop_column("capture_tip", "process_start")
    op.drop_column("import_job", "process_start")
