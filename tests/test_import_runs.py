"""Import runs never stay ``running`` (issue 22 §5): SIGTERM closes them, a killed one is closed by the next import.

The signal tests run the real ``netra import`` in a child process on a generated export big enough
to take several seconds, and signal it once it has stored its first acts.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.db.schema import Activity, CrawlRun
from monitor.db.session import session_scope
from spiders.importers import IMPORTERS, import_export
from spiders.importers import run as import_run
from spiders.store import IngestStore
from tests.conftest import REPO
from tests.declared import add_declared

LIKES = 20_000
NETRA = Path(sys.executable).parent / "netra"


def _likes_export(root: Path, n: int = LIKES) -> Path:
    data = root / "data"
    data.mkdir(parents=True)
    likes = [{"like": {"tweetId": str(1750000000000000000 + i), "fullText": f"Suka unggahan nomor {i}",
                       "expandedUrl": f"https://twitter.com/i/web/status/{1750000000000000000 + i}"}}
             for i in range(n)]
    (data / "like.js").write_text("window.YTD.like.part0 = " + json.dumps(likes, indent=2), encoding="utf-8")
    return root


def _count(url: str) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count(Activity.id))) or 0


def _runs(url: str) -> list[CrawlRun]:
    with session_scope(url) as s:
        return list(s.scalars(select(CrawlRun).order_by(CrawlRun.id)))


def _start_import(url: str, export: Path, home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "NETRA_DATABASE_URL": url, "NETRA_HOME": str(home)}
    return subprocess.Popen([str(NETRA), "--quiet", "import", "x-archive", str(export), "--account", "sriwahyuning"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_first_acts(url: str, child: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90
    while _count(url) == 0:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the import stored nothing within 90 s"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signalled_import_closes_its_run_as_failed(sqlite_db: str, tmp_path: Path, netra_home: Path,
                                                     signum: signal.Signals) -> None:
    add_declared(sqlite_db, "x", "sriwahyuning")
    export = _likes_export(tmp_path / "big")
    child = _start_import(sqlite_db, export, netra_home)
    _wait_for_first_acts(sqlite_db, child)
    child.send_signal(signum)
    _out, err = child.communicate(timeout=60)
    assert child.returncode == 128 + signum, err
    assert f"interrupted by {signum.name}" in err and "closed as failed" in err
    [run] = _runs(sqlite_db)
    assert run.status == "failed" and run.finished_at is not None
    assert any(f"import stopped: interrupted by {signum.name}" in e["error"] for e in run.error_log)
    stored = _count(sqlite_db)
    assert 0 < stored < LIKES
    # Importing the same export again stores exactly what the first import did not get to.
    _, again = import_export(IMPORTERS["x-archive"], export, "sriwahyuning", store=IngestStore(sqlite_db))
    assert (again.stored, again.unchanged, again.status) == (LIKES - stored, stored, "succeeded")
    assert _count(sqlite_db) == LIKES


@pytest.mark.slow
def test_a_killed_import_is_closed_by_the_next_one(sqlite_db: str, tmp_path: Path, netra_home: Path) -> None:
    add_declared(sqlite_db, "x", "sriwahyuning")
    export = _likes_export(tmp_path / "big")
    child = _start_import(sqlite_db, export, netra_home)
    _wait_for_first_acts(sqlite_db, child)
    child.kill()  # kill -9: no cleanup runs
    child.communicate(timeout=30)
    [killed] = _runs(sqlite_db)
    assert killed.status == "running" and killed.pid == child.pid
    _, again = import_export(IMPORTERS["x-archive"], export, "sriwahyuning", store=IngestStore(sqlite_db))
    first, second = _runs(sqlite_db)
    assert first.status == "failed" and "ended without closing the run" in first.error_log[-1]["error"]
    assert second.status == "succeeded"
    assert again.stored + again.unchanged == LIKES and _count(sqlite_db) == LIKES


def test_an_import_beats_while_it_reads(sqlite_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Heartbeats come from the reading itself, also through a long stretch with no act in it."""
    add_declared(sqlite_db, "tiktok", "yohana.simanjuntak")
    # A TikTok export whose direct messages (never read as acts) come before the one like.
    messages = [{"Date": "2024-11-22 13:05:41", "From": "x", "Content": "halo " * 20} for _ in range(20_000)]
    user_data = {"Direct Messages": {"Chat History": {"ChatHistory": {"chat": messages}}},
                 "Activity": {"Like List": {"ItemFavoriteList": [
                     {"Date": "2024-11-22 13:05:41", "Link": "https://www.tiktokv.com/share/video/7439670757959970302/"}
                 ]}}}
    bare = tmp_path / "user_data.json"
    bare.write_text(json.dumps(user_data), encoding="utf-8")

    class Counting(IngestStore):
        beats = 0

        def heartbeat(self, run_id: int) -> None:
            Counting.beats += 1
            super().heartbeat(run_id)

    monkeypatch.setattr(import_run, "HEARTBEAT_S", 0.0)
    run_id, stats = import_export(IMPORTERS["tiktok"], bare, "yohana.simanjuntak", store=Counting(sqlite_db),
                                  ignore_owner=True)
    assert stats.stored == 1
    # Far more beats than acts: the reader beats on every chunk of the 2.5 MB of messages.
    assert Counting.beats > 20, Counting.beats
    with session_scope(sqlite_db) as s:
        run = s.get(CrawlRun, run_id)
        assert run.heartbeat_at is not None and run.status == "succeeded"
    assert import_run.HEARTBEAT_S == 0.0  # the default (10 s) is well inside close_stale_runs' 10 minutes
    monkeypatch.undo()
    assert import_run.HEARTBEAT_S <= 30
