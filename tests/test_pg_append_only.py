"""PostgreSQL: append-only tables refuse TRUNCATE; concurrent migrations wait for each other (issue 22, item 10)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from monitor.access.audit_log import record
from monitor.db.schema import AuditLog, Decision, Evidence
from monitor.db.session import get_engine, session_factory
from tests.conftest import REPO
from tests.report_seed import seed_reports

COUNTED = {"evidence": Evidence, "decision": Decision, "audit_log": AuditLog}


@pytest.mark.parametrize("statement", [
    # Plain TRUNCATE decision now stops earlier, at case_dossier's foreign key; CASCADE gets past that to the trigger.
    "TRUNCATE decision CASCADE",
    "TRUNCATE audit_log",
    "TRUNCATE evidence CASCADE",
    "TRUNCATE evidence, decision, audit_log RESTART IDENTITY CASCADE",
    # Reaching decision through the table it references is refused as well.
    "TRUNCATE review_item CASCADE",
    "TRUNCATE agency CASCADE",
    # Reviewers' comments are kept like decisions (0016).
    "TRUNCATE item_comment",
    # Which dossiers were handed on is kept too (0017).
    "TRUNCATE case_dossier",
])
def test_truncate_of_an_append_only_table_is_refused(pg_url: str, statement: str) -> None:
    from monitor.db.migrate import upgrade

    upgrade(pg_url)
    session = session_factory(pg_url)()
    seed_reports(session)
    record(session, "login", username="uji")
    session.commit()
    before = {name: session.scalar(select(func.count()).select_from(model)) for name, model in COUNTED.items()}
    session.close()
    assert all(before.values()), before

    with get_engine(pg_url).connect() as conn:
        with pytest.raises(DBAPIError, match="is append-only: TRUNCATE refused"):
            conn.execute(text(statement))
        conn.rollback()
        after = {name: conn.scalar(select(func.count()).select_from(model)) for name, model in COUNTED.items()}
    assert after == before


def test_retention_purge_still_deletes_evidence_on_postgresql(pg_url: str) -> None:
    """The guard is on TRUNCATE only: the sanctioned row-by-row purge of evidence goes on working."""
    from monitor.db.migrate import upgrade
    from monitor.ops.retention import purge_unflagged
    from tests.report_seed import utc
    from tests.test_jobs import _unflagged_with_own_post

    upgrade(pg_url)
    session = session_factory(pg_url)()
    seed = seed_reports(session)
    _unflagged_with_own_post(session, seed)
    result = purge_unflagged(session, days=30, now=utc(2026, 12, 1))
    session.commit()
    assert result.evidence == 1
    session.close()


BARRIER_SCRIPT = """
import sys, time
from pathlib import Path
from monitor.cli import app  # everything imported before the start line, so the upgrades really overlap
go, ready = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.002)
sys.argv = ["netra", "db", "upgrade"]
app()
"""


def test_concurrent_upgrades_of_a_fresh_database_both_succeed(pg_url: str, tmp_path: Path) -> None:
    from monitor.db.migrate import head_revisions, is_up_to_date

    go = tmp_path / "go"
    env = {**os.environ, "NETRA_DATABASE_URL": pg_url, "NETRA_HOME": str(tmp_path / "home"),
           "PYTHONPATH": str(REPO)}
    ready = [tmp_path / f"ready-{n}" for n in range(3)]
    procs = [subprocess.Popen([sys.executable, "-c", BARRIER_SCRIPT, str(go), str(r)], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for r in ready]
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs), "an upgrade never got ready"
        time.sleep(0.05)
    go.touch()
    outcomes = [(p.wait(timeout=180), *p.communicate()) for p in procs]
    for rc, out, err in outcomes:
        assert rc == 0 and "Traceback" not in err, f"exit {rc}\n{out}\n{err}"
        assert f"at revision {','.join(head_revisions())}" in " ".join(out.split())
    assert is_up_to_date(pg_url)
    with get_engine(pg_url).connect() as conn:
        versions = conn.scalars(text("SELECT version_num FROM alembic_version")).all()
    assert sorted(versions) == sorted(head_revisions())  # each head once: no upgrade ran twice
