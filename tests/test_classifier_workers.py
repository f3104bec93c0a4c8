"""Parallel classification: worker processes racing on one PostgreSQL table, one killed holding a batch.

The workers run the production loop (``monitor.classify.worker.run_classifier_worker`` →
``monitor.classify.pipeline.classify_pending``); only the model is a small deterministic
stand-in that records which activities it was asked to classify, so "never
twice" is checked on the work done, not only on the rows stored.
"""

from __future__ import annotations

import multiprocessing
import time
import zlib
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from models.infer import ClassifyResult
from monitor.classify.worker import WorkerRefused, run_classifier_worker, single_worker_lock
from monitor.db.migrate import upgrade
from monitor.db.schema import Activity, Classification
from monitor.db.session import session_scope
from monitor.registry.profiles import store_profile
from tests.conftest import REPO
from tests.declared import add_declared

ACTIVITIES = 240


class RecordingClassifier:
    """Scores from a hash of the text; appends every activity id it classifies to ``log``."""

    model_version = "test-deterministic-1"
    threshold = 0.5

    def __init__(self, log: Path, stall: bool = False):
        self.log = log
        self.stall = stall

    def classify(self, inputs: list, profile: object) -> list[ClassifyResult]:
        with self.log.open("a") as out:
            out.write("".join(f"{i.id}\n" for i in inputs))
        if self.stall:
            time.sleep(120)  # holds its claimed batch (and its row locks) until killed
        time.sleep(0.002 * len(inputs))
        results = []
        for item in inputs:
            score = (zlib.crc32(item.text.encode()) % 1000) / 1000
            results.append(ClassifyResult(id=item.id, flagged=score >= self.threshold, score=score, stance="none",
                                          hate=False, candidate=None, party=None, cues=[],
                                          model_version=self.model_version, profile_id=profile.id))  # type: ignore[attr-defined]
        return results


def _worker(db_url: str, log: str, stall: bool) -> None:
    run_classifier_worker(db_url, RecordingClassifier(Path(log), stall=stall), batch_size=7, idle_exit=3.0, poll=0.1)


def seed(url: str) -> None:
    upgrade(url)
    account_id = add_declared(url, "bluesky", "rina.bsky.social")
    with session_scope(url) as s:
        store_profile(s, REPO / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml")
        s.execute(insert(Activity), [{"account_id": account_id, "kind": "post", "external_id": f"act-{i}",
                                      "text": f"Unggahan nomor {i} tentang pelayanan", "source": "test"}
                                     for i in range(ACTIVITIES)])


@pytest.mark.pg
def test_three_workers_classify_every_activity_exactly_once(pg_url: str, tmp_path: Path) -> None:
    seed(pg_url)
    ctx = multiprocessing.get_context("spawn")
    stall_log = tmp_path / "stalled.log"
    staller = ctx.Process(target=_worker, args=(pg_url, str(stall_log), True))
    staller.start()
    deadline = time.monotonic() + 60
    while not (stall_log.exists() and stall_log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    held = stall_log.read_text().split()
    assert len(held) == 7  # it claimed a batch and sits on it

    logs = [tmp_path / f"worker{n}.log" for n in range(3)]
    workers = [ctx.Process(target=_worker, args=(pg_url, str(log), False)) for log in logs]
    for w in workers:
        w.start()
    time.sleep(1.0)
    staller.kill()  # SIGKILL with its transaction open: PostgreSQL rolls it back, the rows are free again
    staller.join()
    for w in workers:
        w.join(timeout=120)
        assert w.exitcode == 0

    done = Counter(line for log in logs for line in log.read_text().split())
    assert all(n == 1 for n in done.values()), [k for k, n in done.items() if n > 1]  # never classified twice
    assert len(done) == ACTIVITIES
    assert set(held) <= set(done)  # the killed worker's batch was taken over
    assert sum(1 for log in logs if log.read_text()) >= 2  # the work really was shared
    with session_scope(pg_url) as s:
        assert s.scalar(select(func.count()).select_from(Classification)) == ACTIVITIES
        assert s.scalar(select(func.count(func.distinct(Classification.activity_id)))) == ACTIVITIES


def test_sqlite_runs_a_single_worker(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/netra.db"
    seed(url)
    with single_worker_lock(url):
        with pytest.raises(WorkerRefused, match="another classifier worker"):
            run_classifier_worker(url, RecordingClassifier(tmp_path / "x.log"), once=True)
    summary = run_classifier_worker(url, RecordingClassifier(tmp_path / "y.log"), batch_size=50, once=True)
    assert summary.classified == ACTIVITIES
    assert not (tmp_path / "x.log").exists()
