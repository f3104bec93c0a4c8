"""The ingest writer process (spiders/store_process.py): calls in order, errors back, deaths survived.

Through ``StoreProcess`` directly and through real crawls against the growing Bluesky AppView: the
writer killed in the middle of a crawl is replaced and every act is stored once; the crawl's own
process killed with SIGKILL leaves a writer that finishes its transaction and ends (no orphan), and
the next crawl stores each act exactly once.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from monitor.db.schema import Activity, CrawlRun
from monitor.db.session import session_scope
from spiders.items import ActivityItem, CrawlCheckpointItem, PostItem, raw_json
from spiders.store_errors import PositionHeld, UnknownAccount
from spiders.store_process import STOP, StoreProcess, WriterGone, serve, usable
from tests.bluesky_feed import HANDLE, FeedServer
from tests.crawl_helpers import activity_count, run, start_slow_bluesky_crawl
from tests.declared import add_declared


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def writers_of(parent: int) -> list[int]:
    """Pids of the ingest writer processes whose parent is ``parent`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and b"spiders.store_process" in command:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"



def act(account_id: int, n: int) -> ActivityItem:
    uri = f"at://did:plc:tes/app.bsky.feed.post/{n}"
    own = PostItem(platform="bluesky", external_id=uri, text=f"teks {n}", raw=raw_json({"uri": uri}),
                   source_url="http://replay/feed", source="crawl:bluesky")
    return ActivityItem(platform="bluesky", kind="post", external_id=uri, account_id=account_id, post=own,
                        text=f"teks {n}")


def test_usable_everywhere_but_an_in_memory_database() -> None:
    assert usable("sqlite:////tmp/netra.db") and usable("postgresql+psycopg://u@h/db")
    assert not usable("sqlite://") and not usable("sqlite:///:memory:") and not usable(None)
    assert not usable("sqlite:///file:x?mode=memory&uri=true")


def test_calls_run_in_the_writer_in_order_and_errors_come_back_as_themselves(db_url: str) -> None:
    account = add_declared(db_url, "bluesky", HANDLE)
    writer = StoreProcess(db_url)
    try:
        assert writer._process is not None and writer._process.pid != os.getpid()
        run_id = writer.call("start_run", "bluesky", "bluesky")
        assert writer.call("store_batch", [act(account, 1), act(account, 2)], crawl_run_id=run_id) == [True, True]
        assert writer.call("store_batch", [act(account, 1)], crawl_run_id=run_id) == [False]  # idempotent
        # An item the store refuses comes back as its own exception, in its place in the batch.
        results = writer.call("store_batch", [act(account + 999, 3), act(account, 4)], crawl_run_id=run_id)
        assert isinstance(results[0], UnknownAccount) and results[1] is True
        # A checkpoint held back by the retry table: the pipeline tells PositionHeld from other failures.
        writer.call("keep_for_retry", act(account, 5), RuntimeError("disk full"), crawl_run_id=run_id)
        held = writer.call("store_batch", [CrawlCheckpointItem(platform="bluesky", handle=HANDLE, account_id=account,
                                                               advance={"newest_sort_at": "2026-01-01"})])
        assert isinstance(held[0], PositionHeld)
        with pytest.raises(AttributeError):  # a call that fails as a whole raises here
            writer.call("no_such_method")
        writer.call("add_counts", run_id, seen=3, stored=3)
    finally:
        writer.close()
    assert writer._process is None
    assert activity_count(db_url) == 3
    with session_scope(db_url) as s:
        assert s.get(CrawlRun, run_id).items_stored == 3


class HoldsALock(Exception):
    """As a driver's error can be: it carries something that does not pickle."""

    def __init__(self) -> None:
        super().__init__("tabel terkunci")
        self.lock = threading.Lock()


class FakeStore:
    def __init__(self, _url: str) -> None:
        pass

    def store_batch(self, items: list[int]) -> list[Any]:
        return [True if item else HoldsALock() for item in items]

    def fail(self) -> None:
        raise HoldsALock()


def test_an_answer_that_does_not_pickle_comes_back_as_its_type_and_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import spiders.store

    monkeypatch.setattr(spiders.store, "IngestStore", FakeStore)
    calls_ours, calls_theirs = multiprocessing.Pipe()
    answers_theirs, answers_ours = multiprocessing.Pipe()
    writer = threading.Thread(target=serve, args=(calls_theirs, answers_theirs), daemon=True)
    writer.start()
    try:
        calls_ours.send("sqlite:///unused.db")
        calls_ours.send(("store_batch", ([1, 0],), {}))
        ok, value = answers_ours.recv()
        assert ok and value[0] is True and isinstance(value[1], RuntimeError)
        assert str(value[1]) == "HoldsALock: tabel terkunci"
        calls_ours.send(("fail", (), {}))
        ok, value = answers_ours.recv()
        assert not ok and str(value) == "HoldsALock: tabel terkunci"
    finally:
        calls_ours.send(STOP)
        writer.join(timeout=10)
    assert not writer.is_alive()


def test_a_killed_writer_is_replaced_and_the_call_taken_again(sqlite_db: str) -> None:
    account = add_declared(sqlite_db, "bluesky", HANDLE)
    writer = StoreProcess(sqlite_db)
    try:
        assert writer.call("store_batch", [act(account, 1)]) == [True]
        first = writer._process
        assert first is not None
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert writer.call("store_batch", [act(account, 1), act(account, 2)]) == [False, True]
        assert writer._process is not None and writer._process.pid != first.pid
    finally:
        writer.close()
    assert activity_count(sqlite_db) == 2


def test_a_writer_that_cannot_start_is_reported_not_awaited(sqlite_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = StoreProcess(sqlite_db)
    try:
        # Every writer dies at once (as one that cannot import or reach the database would): the call fails
        # after one replacement, with a named error, instead of hanging.
        monkeypatch.setattr(sys, "executable", "/bin/false")
        writer._process.send_signal(signal.SIGKILL)  # type: ignore[union-attr]
        writer._process.wait()  # type: ignore[union-attr]
        with pytest.raises(WriterGone, match="ended twice"):
            writer.call("store_batch", [])
    finally:
        writer.close()


def test_a_crawl_whose_writer_is_killed_stores_every_act_once(feed: FeedServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", HANDLE)
    everything = set(feed.add_posts(120))
    feed.delay = 0.1  # 24 pages of 5: time to find the writer and kill it mid-crawl
    child = start_slow_bluesky_crawl(sqlite_db, feed.base_url, HANDLE)
    try:
        deadline = time.monotonic() + 120
        killed: set[int] = set()
        while not killed:
            assert child.poll() is None and time.monotonic() < deadline, "the crawl ended before its writer was killed"
            # `netra crawl` runs the spider in a process of its own; the writer is that process's child.
            crawlers = [int(p) for p in subprocess.run(["pgrep", "-g", str(child.pid)], capture_output=True,
                                                        text=True).stdout.split()]
            if activity_count(sqlite_db) >= 10:
                for crawler in crawlers:
                    for writer in writers_of(crawler):
                        os.kill(writer, signal.SIGKILL)
                        killed.add(writer)
            time.sleep(0.05)
        assert child.wait(timeout=120) == 0
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    with session_scope(sqlite_db) as s:
        last = s.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert last.status == "succeeded", last.error_log
    with session_scope(sqlite_db) as s:
        stored = set(s.scalars(select(Activity.external_id)))
    assert stored == everything and activity_count(sqlite_db) == 120


def test_sigkill_of_the_crawl_leaves_no_writer_behind_and_a_recrawl_stores_each_act_once(
        feed: FeedServer, db_url: str) -> None:
    add_declared(db_url, "bluesky", HANDLE)
    everything = set(feed.add_posts(150))
    feed.delay = 0.25
    env = {**os.environ, "NETRA_DATABASE_URL": db_url, "NETRA_PAGE_SIZE": "5", "NETRA_MAX_PAGES": "100",
           "NETRA_COMMIT_WAIT": "0.05"}
    # The spider in this very process (python -c …): its writer is its direct child.
    code = ("import sys; from spiders.runner import crawl_in_this_process, plan_crawl; "
            "crawl_in_this_process([plan_crawl('bluesky', handles=[sys.argv[1]], watched=False, "
            "base_url=sys.argv[2])])")
    child = subprocess.Popen([sys.executable, "-c", code, HANDLE, feed.base_url], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while activity_count(db_url) < 20:
            assert child.poll() is None and time.monotonic() < deadline, "the crawl ended before it could be killed"
            time.sleep(0.1)
        writers = writers_of(child.pid)
        assert len(writers) == 1  # the items were written by a process of their own
    finally:
        child.send_signal(signal.SIGKILL)  # the crawl only: its writer must notice and end by itself
        child.wait()
    deadline = time.monotonic() + 30
    while alive(writers[0]):
        assert time.monotonic() < deadline, "the writer outlived its crawl"
        time.sleep(0.1)
    stored_before = activity_count(db_url)
    assert 20 <= stored_before < 150

    feed.delay = 0.0
    after = run("bluesky", feed.base_url, db_url, watched=False, NETRA_PAGE_SIZE=5, NETRA_MAX_PAGES=100)
    assert after.status == "succeeded", after.error_log
    with session_scope(db_url) as s:
        assert set(s.scalars(select(Activity.external_id))) == everything
    assert activity_count(db_url) == 150 and after.items_stored == 150 - stored_before
