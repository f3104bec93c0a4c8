"""SQLite honesty (issue 22, item 6): long registry imports commit in batches and wait out other writers.

A 100k-row registry import beside a crawl died with "database is locked": one transaction held
SQLite's single write lock for minutes. Imports now validate the whole file, then commit in batches,
each run again while another writer holds the lock; the scheduler's classify job takes the same
single-writer lock as ``netra classifier-worker``; ``netra serve`` warns when SQLite has more writers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from monitor.db.schema import Account, Activity, Agency, Employee
from monitor.db.session import session_scope
from monitor.registry import importer
from monitor.registry.importer import import_registry
from tests.conftest import REPO

HEADER = "nip,nama,instansi,kode_instansi,unit_kerja,jabatan,status,platform,akun\n"


def registry_file(path: Path, rows: int, *, bad_line_at: int | None = None) -> Path:
    """``rows`` distinct ASN in 40 agencies, every other one with a declared Bluesky account."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        for i in range(rows):
            birth = date(1970, 1, 1) + timedelta(days=i // 900)
            nip = f"{birth:%Y%m%d}200001{1 + i % 2}{i % 900 + 1:03d}"
            if i == bad_line_at:
                nip = nip[:-1]  # 17 digits
            account = f"bluesky,orang{i}.bsky.social" if i % 2 == 0 else ","
            fh.write(f"{nip},Pegawai {i},Dinas {i % 40},d{i % 40},Bidang {i % 7},Staf,PNS,{account}\n")
    return path


def _counts(url: str) -> tuple[int, int, int]:
    with session_scope(url) as s:
        return (s.scalar(select(func.count(Agency.id))) or 0, s.scalar(select(func.count(Employee.id))) or 0,
                s.scalar(select(func.count(Account.id))) or 0)


def test_batches_commit_and_a_crash_leaves_a_prefix_a_reimport_completes(
    db_url: str, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = registry_file(tmp_path / "reg.csv", 2500)
    real = importer._upsert
    calls = 0

    def dies_in_third_batch(*args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        real(*args, **kwargs)
        if calls == 3:
            raise RuntimeError("killed midway")

    monkeypatch.setattr(importer, "_upsert", dies_in_third_batch)
    with pytest.raises(RuntimeError, match="killed midway"):
        import_registry(session, path, batch_rows=1000)
    assert _counts(db_url) == (40, 2000, 1000)  # two whole batches stored, the third rolled back

    monkeypatch.setattr(importer, "_upsert", real)
    result = import_registry(session, path, batch_rows=1000)
    assert result.written and result.errors == []
    assert (result.employees_created, result.accounts_created, result.unchanged_rows) == (500, 250, 2000)
    assert _counts(db_url) == (40, 2500, 1250)
    again = import_registry(session, path, batch_rows=1000)
    assert again.changed == 0 and again.unchanged_rows == 2500


def test_a_bad_row_anywhere_still_writes_nothing(db_url: str, session: Session, tmp_path: Path) -> None:
    path = registry_file(tmp_path / "reg.csv", 2500, bad_line_at=2400)
    result = import_registry(session, path, batch_rows=500)
    assert not result.written and [e.line for e in result.errors] == [2402]
    assert _counts(db_url) == (0, 0, 0)


def test_a_locked_batch_is_run_again_and_counted_once(
    sqlite_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.db.session import session_factory

    session = session_factory(sqlite_db)()
    path = registry_file(tmp_path / "reg.csv", 300)
    real = importer._upsert
    calls = 0

    def locked_once_in_second_batch(session: Session, rows: list[Any], result: Any, known: Any) -> None:
        nonlocal calls
        calls += 1
        real(session, rows, result, known)  # its rows are flushed, then the commit "finds the lock"
        if calls == 2:
            raise OperationalError("COMMIT", {}, Exception("database is locked"))

    monkeypatch.setattr(importer, "_upsert", locked_once_in_second_batch)
    result = import_registry(session, path, batch_rows=100)
    assert calls == 4
    assert (result.employees_created, result.accounts_created, result.agencies_created) == (300, 150, 40)
    assert _counts(sqlite_db) == (40, 300, 150)
    session.close()


WRITER = """
import sys, time
from pathlib import Path
from spiders.items import ActivityItem, PostItem
from spiders.store import IngestStore

url, account_id, ready, stop = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
store = IngestStore(url)
written = 0
while not stop.exists() or written < 200:
    uri = f"at://did:plc:uji/app.bsky.feed.post/{written}"
    store.ingest_activity(ActivityItem(
        platform="bluesky", kind="post", external_id=uri, account_id=account_id,
        post=PostItem(platform="bluesky", external_id=uri, url=f"https://bsky.app/p/{written}",
                      text=f"unggahan {written}", raw=b"{}"),
        text=f"unggahan {written}", source="crawl:bluesky"))
    written += 1
    if written == 20:
        ready.touch()
print(written)
"""


def test_long_registry_import_beside_a_crawl_writer(sqlite_db: str, tmp_path: Path) -> None:
    """20k rows imported by `netra registry import` while another process stores acts non-stop."""
    from tests.declared import add_declared

    account_id = add_declared(sqlite_db, "bluesky", "penulis.bsky.social", nip="198503122010011001")
    path = registry_file(tmp_path / "reg.csv", 20_000)
    env = {**os.environ, "NETRA_DATABASE_URL": sqlite_db, "PYTHONPATH": str(REPO)}
    ready, stop = tmp_path / "ready", tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, sqlite_db, str(account_id), str(ready), str(stop)],
                              cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert writer.poll() is None and time.monotonic() < deadline, writer.communicate()
            time.sleep(0.05)
        started = time.monotonic()
        imported = subprocess.run([sys.executable, "-m", "monitor", "registry", "import", str(path)], cwd=REPO,
                                  env=env, capture_output=True, text=True, timeout=900)
        took = time.monotonic() - started
    finally:
        stop.touch()
    out, err = writer.communicate(timeout=600)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "database is locked" not in imported.stdout + imported.stderr
    assert writer.returncode == 0 and "Traceback" not in err, err
    acts = int(out.split()[-1])
    assert acts >= 200
    with session_scope(sqlite_db) as s:
        assert s.scalar(select(func.count(Employee.id))) == 20_001  # nothing lost on either side
        assert s.scalar(select(func.count(Account.id))) == 10_001
        assert s.scalar(select(func.count(Activity.id))) == acts
    print(f"20k-row import beside a writer: {took:.1f} s, {acts} acts stored meanwhile")


def test_the_scheduled_classify_job_takes_the_worker_lock(sqlite_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import monitor.classify
    from monitor.classify.worker import single_worker_lock, worker_running
    from monitor.db.session import session_factory
    from monitor.ops import jobs
    from tests.report_seed import seed_reports
    from tests.test_self_audit import KeywordFake

    with session_factory(sqlite_db)() as s:
        seed_reports(s)
        s.commit()
    held_while_classifying: list[bool] = []

    class Watched(KeywordFake):
        def classify(self, inputs, profile):  # type: ignore[no-untyped-def]
            held_while_classifying.append(worker_running(sqlite_db))
            return super().classify(inputs, profile)

    loads: list[int] = []
    monkeypatch.setattr(monitor.classify, "load_configured_classifier",
                        lambda *a, **k: loads.append(1) or Watched())
    # A `netra classifier-worker` holds the lock: the job leaves the work to it, and loads no model.
    with single_worker_lock(sqlite_db):
        assert jobs.classify_new() is None
    assert loads == []
    summary = jobs.classify_new()
    assert summary.classified > 0 and loads == [1]
    # A worker started while the job classifies is refused, not left waiting on "database is locked".
    assert held_while_classifying and all(held_while_classifying)
    assert not worker_running(sqlite_db)


def _serve_output(monkeypatch: pytest.MonkeyPatch) -> str:
    import uvicorn
    from typer.testing import CliRunner

    from monitor.cli import app

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    result = CliRunner().invoke(app, ["serve", "--no-scheduler"])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_serve_warns_on_sqlite_with_a_classifier_worker(sqlite_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.classify.worker import single_worker_lock

    monkeypatch.setenv("NETRA_SECRET_KEY", "test-secret-key-for-netra-serve-tests")
    assert "warning" not in _serve_output(monkeypatch)
    with single_worker_lock(sqlite_db):
        out = _serve_output(monkeypatch)
    assert "warning: this server uses SQLite" in out and "`netra classifier-worker` runs on this database" in out
    assert "PostgreSQL" in out


def test_serve_warns_on_sqlite_with_live_distributed_crawlers(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.config import reset_settings_cache
    from tests.conftest import redis_test_url

    url = redis_test_url()
    if url is None:
        pytest.skip("NETRA_TEST_REDIS=off")
    import redis

    import spiders.distributed

    client = redis.Redis.from_url(url)
    # The workers' default prefix, made unique so parallel test runs on the same Redis never meet.
    prefix = f"netra-test:{uuid.uuid4().hex[:10]}"
    monkeypatch.setattr(spiders.distributed, "DEFAULT_PREFIX", prefix)
    key = f"{prefix}:bluesky:workers"
    monkeypatch.setenv("NETRA_SECRET_KEY", "test-secret-key-for-netra-serve-tests")
    monkeypatch.setenv("NETRA_REDIS_URL", url)
    reset_settings_cache()
    try:
        client.delete(key)
        client.zadd(key, {"gone-worker": time.time() - 600})  # a dead worker's stale heartbeat is no writer
        assert "warning" not in _serve_output(monkeypatch)
        client.zadd(key, {"crawler-1": time.time()})
        out = _serve_output(monkeypatch)
        assert "1 distributed crawler worker(s) report to" in out
    finally:
        client.delete(key)
