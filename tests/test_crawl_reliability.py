"""Crawls that never lose an act silently (issue: resume points, honest run status).

Against a Bluesky AppView that grows and breaks on demand (tests/bluesky_feed.py), through the
real spider, pipeline and store: a resume point moves only over what was read and stored, a
record that cannot be read is quarantined and the crawl goes on, an act the database refuses
waits in the retry table and holds its account's position, and a run is ``succeeded`` only when
nothing was skipped.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from monitor.db.schema import Account, Activity, CrawlRun, IngestRetry, Post, QuarantinedRecord
from monitor.db.session import get_engine, session_scope
from tests.bluesky_feed import DID, HANDLE, FeedServer, post_entry
from tests.crawl_helpers import activity_count, run, start_slow_bluesky_crawl, wait_until_group_gone
from tests.declared import add_declared

BIG = {"NETRA_PAGE_SIZE": 50, "NETRA_MAX_PAGES": 20}


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def stored_uris(url: str) -> set[str]:
    with session_scope(url) as s:
        return set(s.scalars(select(Activity.external_id).join(Account, Account.id == Activity.account_id)
                             .where(Account.handle == HANDLE)))



def crawl_state(url: str) -> dict:
    with session_scope(url) as s:
        return dict(s.scalar(select(Account.crawl_state).where(Account.handle == HANDLE)) or {})


def test_page_cap_backfills_every_new_post_over_two_runs(feed: FeedServer, db_url: str) -> None:
    add_declared(db_url, "bluesky", HANDLE)
    first = set(feed.add_posts(10))
    assert run("bluesky", feed.base_url, db_url, watched=False, **BIG).status == "succeeded"
    assert stored_uris(db_url) == first

    new = set(feed.add_posts(1100))
    capped = run("bluesky", feed.base_url, db_url, watched=False, **BIG)
    assert capped.status == "partial" and capped.incomplete_accounts == 1
    assert any("page cap of 20 pages" in e["error"] and e["account"] == HANDLE for e in capped.error_log)
    assert len(stored_uris(db_url)) == 10 + 1000
    state = crawl_state(db_url)
    assert len(state["gaps"]) == 1  # where reading stopped, and down to where the earlier crawl began

    rest = run("bluesky", feed.base_url, db_url, watched=False, **BIG)
    assert rest.status == "succeeded", rest.error_log
    assert stored_uris(db_url) == first | new and activity_count(db_url) == 1110
    assert "gaps" not in crawl_state(db_url)

    again = run("bluesky", feed.base_url, db_url, watched=False, **BIG)
    assert again.status == "succeeded" and again.items_stored == 0 and activity_count(db_url) == 1110


def test_a_first_crawl_with_a_long_history_reads_all_of_it_over_runs(feed: FeedServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", HANDLE)
    everything = set(feed.add_posts(70))
    small = {"NETRA_PAGE_SIZE": 10, "NETRA_MAX_PAGES": 3}
    statuses = [run("bluesky", feed.base_url, sqlite_db, watched=False, **small).status for _ in range(3)]
    assert statuses == ["partial", "partial", "succeeded"]
    assert stored_uris(sqlite_db) == everything


def test_new_posts_during_a_backfill_are_read_as_well(feed: FeedServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", HANDLE)
    small = {"NETRA_PAGE_SIZE": 10, "NETRA_MAX_PAGES": 2}
    everything = set(feed.add_posts(5))
    run("bluesky", feed.base_url, sqlite_db, watched=False, **small)
    everything |= set(feed.add_posts(45))  # 2 pages read, a gap of 25 left
    run("bluesky", feed.base_url, sqlite_db, watched=False, **small)
    everything |= set(feed.add_posts(30))  # another capped top reading: a second gap
    for _ in range(4):
        run("bluesky", feed.base_url, sqlite_db, watched=False, **small)
    assert stored_uris(sqlite_db) == everything
    assert "gaps" not in crawl_state(sqlite_db)


def test_the_same_page_under_fresh_cursors_does_not_move_the_resume_point(feed: FeedServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", HANDLE)
    everything = set(feed.add_posts(30))
    feed.repeat_pages = True
    broken = run("bluesky", feed.base_url, sqlite_db, watched=False, NETRA_PAGE_SIZE=10)
    assert broken.status == "partial"
    assert any("repeats entries of the previous page" in e["error"] for e in broken.error_log)
    assert crawl_state(sqlite_db) == {}  # nothing vouched for
    feed.repeat_pages = False
    healed = run("bluesky", feed.base_url, sqlite_db, watched=False, NETRA_PAGE_SIZE=10)
    assert healed.status == "succeeded" and stored_uris(sqlite_db) == everything


def test_a_future_timestamp_never_carries_the_resume_point_past_now(feed: FeedServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", HANDLE)
    now = datetime.now(UTC)
    feed.add_posts(3, after=now - timedelta(hours=2))
    future = post_entry(999, now + timedelta(days=400))
    del future["post"]["indexedAt"]  # only the client's clock says when: a year ahead
    feed.entries.insert(0, future)
    before = datetime.now(UTC)
    assert run("bluesky", feed.base_url, sqlite_db, watched=False).status == "succeeded"
    position = datetime.fromisoformat(crawl_state(sqlite_db)["newest_sort_at"])
    assert position <= datetime.now(UTC) and position >= before - timedelta(minutes=1)

    later = set(feed.add_posts(2, after=datetime.now(UTC) + timedelta(seconds=1)))
    run("bluesky", feed.base_url, sqlite_db, watched=False)
    assert later <= stored_uris(sqlite_db)


BAD_RECORDS = {
    "null feature": lambda e: e["post"]["record"].update(
        facets=[{"index": {"byteStart": 0, "byteEnd": 3}, "features": [None]}]),
    "numeric tag": lambda e: e["post"]["record"].update(
        facets=[{"index": {"byteStart": 0, "byteEnd": 3}, "features": [{"$type": "app.bsky.richtext.facet#tag",
                                                                          "tag": 2029}]}], tags=[7]),
    "null image": lambda e: e["post"].update(embed={"$type": "app.bsky.embed.images#view", "images": [None]}),
    "external as text": lambda e: e["post"].update(embed={"$type": "app.bsky.embed.external#view",
                                                          "external": "https://contoh.id"}),
    "parent as text": lambda e: e["post"]["record"].update(reply={"parent": "at://x", "root": "at://x"}),
    "quoted record as text": lambda e: e["post"].update(embed={"$type": "app.bsky.embed.record#view",
                                                               "record": "at://x"}),
    "lone surrogate and NUL": lambda e: e["post"]["record"].update(text="Salam \ud83d sejahtera\x00 semua"),
    "numeric cid": lambda e: e["post"].update(cid=12),
}


@pytest.mark.parametrize("shape", sorted(BAD_RECORDS))
def test_a_malformed_record_never_stops_the_account(feed: FeedServer, db_url: str, shape: str) -> None:
    add_declared(db_url, "bluesky", HANDLE)
    uris = feed.add_posts(12)
    BAD_RECORDS[shape](feed.entries[4])  # on the first page of 5; later pages must still be read
    result = run("bluesky", feed.base_url, db_url, watched=False, NETRA_PAGE_SIZE=5)
    assert result.errors == 0, result.error_log  # read leniently: the odd field is ignored, the act kept
    assert stored_uris(db_url) == set(uris) and result.status == "succeeded"
    with session_scope(db_url) as s:
        texts = list(s.scalars(select(Post.text)))
    assert not any("\x00" in (t or "") or "\ud83d" in (t or "") for t in texts)


def test_an_unreadable_record_is_quarantined_and_the_crawl_goes_on(feed: FeedServer, db_url: str) -> None:
    add_declared(db_url, "bluesky", HANDLE)
    uris = feed.add_posts(12)
    feed.insert_record(3, {"post": {"uri": 42, "record": {"text": "tanpa uri"}}})
    feed.insert_record(5, {"post": "at://not-a-view"})
    no_author = post_entry(77, datetime(2026, 1, 5, 0, 1, 30, tzinfo=UTC))
    no_author["post"]["author"] = {"did": 5, "handle": ["x"]}
    feed.insert_record(9, no_author)
    result = run("bluesky", feed.base_url, db_url, watched=False, NETRA_PAGE_SIZE=5)
    assert result.status == "partial" and result.quarantined == 3
    assert stored_uris(db_url) == set(uris)  # the pages after the bad records were read
    with session_scope(db_url) as s:
        kept = s.scalars(select(QuarantinedRecord).order_by(QuarantinedRecord.id)).all()
    assert [k.account for k in kept] == [HANDLE] * 3 and all(k.url.startswith(feed.base_url) for k in kept)
    assert b'"uri":42' in kept[0].raw and "without a post uri" in kept[0].error
    assert crawl_state(db_url).get("newest_sort_at")  # a quarantined record is kept, so the account moves on


def test_an_act_the_database_refuses_holds_the_position_until_it_is_stored(feed: FeedServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", HANDLE)
    uris = feed.add_posts(8)
    refused = uris[2]
    engine = get_engine(sqlite_db)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TRIGGER refuse_one BEFORE INSERT ON activity WHEN NEW.external_id = '{refused}' "
                          "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"))
    held = run("bluesky", feed.base_url, sqlite_db, watched=False)
    assert held.status == "partial" and held.store_failures == 1
    failure = next(e for e in held.error_log if "kept for retry" in e["error"])
    assert failure["account"] and failure["url"] and failure["url"].startswith(feed.base_url)
    assert any("retry table" in e["error"] for e in held.error_log)  # the checkpoint was held back
    assert crawl_state(sqlite_db) == {}
    with session_scope(sqlite_db) as s:
        assert s.scalar(select(func.count(IngestRetry.id))) == 1
    assert stored_uris(sqlite_db) == set(uris) - {refused}

    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER refuse_one"))
    healed = run("bluesky", feed.base_url, sqlite_db, watched=False)
    assert healed.status == "succeeded", healed.error_log
    assert stored_uris(sqlite_db) == set(uris) and activity_count(sqlite_db) == 8
    with session_scope(sqlite_db) as s:
        assert s.scalar(select(func.count(IngestRetry.id))) == 0
    assert crawl_state(sqlite_db).get("newest_sort_at")


def test_a_refused_cursor_is_not_a_missing_account(feed: FeedServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", HANDLE)
    feed.add_posts(12)
    feed.refuse_cursors = True
    result = run("bluesky", feed.base_url, sqlite_db, watched=False, NETRA_PAGE_SIZE=5)
    assert result.status == "partial"
    with session_scope(sqlite_db) as s:
        assert s.scalar(select(Account.state).where(Account.handle == HANDLE)) == "active"
    assert crawl_state(sqlite_db) == {}


def test_a_refused_saved_cursor_reads_the_gap_again_from_the_top(feed: FeedServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", HANDLE)
    everything = set(feed.add_posts(25))
    run("bluesky", feed.base_url, sqlite_db, watched=False, NETRA_PAGE_SIZE=5, NETRA_MAX_PAGES=2)
    assert crawl_state(sqlite_db).get("gaps")
    feed.refuse_cursors = True  # the saved cursor expired; reading from the top needs no cursor at first
    run("bluesky", feed.base_url, sqlite_db, watched=False, NETRA_PAGE_SIZE=25, NETRA_MAX_PAGES=2)
    assert stored_uris(sqlite_db) == everything


def test_stale_running_runs_are_closed_as_failed(sqlite_db: str) -> None:
    from spiders.store import IngestStore

    store = IngestStore(sqlite_db)
    dead = store.start_run("bluesky", "bluesky")
    silent = store.start_run("mastodon", "mastodon")
    alive = store.start_run("feed", "rss")
    with session_scope(sqlite_db) as s:
        s.get(CrawlRun, dead).pid = 2 ** 22 + 12345  # no such process
        s.get(CrawlRun, silent).host = "another-host"
        s.get(CrawlRun, silent).heartbeat_at = datetime.now(UTC) - timedelta(hours=1)
    assert sorted(store.close_stale_runs()) == sorted([dead, silent])
    assert [store.run(r).status for r in (dead, silent, alive)] == ["failed", "failed", "running"]
    assert "ended without closing the run" in store.run(dead).error_log[-1]["error"]


def test_a_run_whose_pid_now_belongs_to_a_later_process_is_closed_as_failed(sqlite_db: str) -> None:
    """kill -9, then the machine hands the dead crawl's pid to another process: the run is not taken for alive."""
    import subprocess
    import sys

    from spiders.store import IngestStore

    store = IngestStore(sqlite_db)
    reused = store.start_run("bluesky", "bluesky")
    owned = store.start_run("feed", "rss")
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with session_scope(sqlite_db) as s:
            # Recorded before migration 0021, without the process's start: the heuristic by time decides.
            # Its crawl beat 30 s ago; the process holding that pid now started a moment ago.
            s.get(CrawlRun, reused).process_start = None
            s.get(CrawlRun, owned).process_start = None
            s.get(CrawlRun, reused).pid = other.pid
            s.get(CrawlRun, reused).heartbeat_at = datetime.now(UTC) - timedelta(seconds=30)
            # This one beat just now, from the same process, already running: alive.
            s.get(CrawlRun, owned).pid = other.pid
            s.get(CrawlRun, owned).heartbeat_at = datetime.now(UTC)
        assert store.close_stale_runs() == [reused]
        assert [store.run(r).status for r in (reused, owned)] == ["failed", "running"]
        assert "ended without closing the run" in store.run(reused).error_log[-1]["error"]
    finally:
        other.kill()
        other.wait()


def test_a_pid_taken_within_a_second_of_the_last_heartbeat_is_still_told_apart(sqlite_db: str) -> None:
    """The run records its process's start: a process that took the dead crawl's pid moments after its last
    heartbeat (inside the heuristic's slack, where pid_max is 32,768) is not taken for the run's own."""
    import subprocess
    import sys

    from spiders.store import IngestStore, process_start

    store = IngestStore(sqlite_db)
    run_id = store.start_run("bluesky", "bluesky")
    assert store.run(run_id).process_start == process_start(os.getpid()) is not None
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with session_scope(sqlite_db) as s:
            run = s.get(CrawlRun, run_id)
            # The crawl beat just after the other process started: by time alone they cannot be told apart.
            run.pid = other.pid
            run.heartbeat_at = datetime.now(UTC)
        assert store.close_stale_runs() == [run_id]
        assert "ended without closing the run" in store.run(run_id).error_log[-1]["error"]
        # The process that really owns a run is kept, by the same exact comparison.
        owned = store.start_run("feed", "rss")
        with session_scope(sqlite_db) as s:
            s.get(CrawlRun, owned).pid = other.pid
            s.get(CrawlRun, owned).process_start = process_start(other.pid)
        assert store.close_stale_runs() == []
        assert store.run(owned).status == "running"
    finally:
        other.kill()
        other.wait()


def test_bad_record_copies_are_independent() -> None:
    entry = post_entry(1, datetime(2029, 1, 1, tzinfo=UTC))
    for shape in BAD_RECORDS.values():
        shape(copy.deepcopy(entry))
    assert entry["post"]["author"]["did"] == DID


def test_kill_9_of_the_process_group_then_a_crawl_that_closes_the_run_and_stores_every_act_once(
        feed: FeedServer, db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Both backends: the pipeline commits in batches (group commit) on each, and the kill lands
    # between or inside them.
    import signal
    import time

    add_declared(db_url, "bluesky", HANDLE)
    everything = set(feed.add_posts(150))
    feed.delay = 0.25  # 30 pages of 5: several seconds to kill it in the middle
    child = start_slow_bluesky_crawl(db_url, feed.base_url, HANDLE)
    try:
        deadline = time.monotonic() + 120
        while activity_count(db_url) < 20:
            assert child.poll() is None and time.monotonic() < deadline, "the crawl ended before it could be killed"
            time.sleep(0.2)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        wait_until_group_gone(child.pid)  # the crawl's own process and its writer are the group's too
    stored_before = activity_count(db_url)
    assert 20 <= stored_before < 150
    with session_scope(db_url) as s:
        stuck = s.scalars(select(CrawlRun).where(CrawlRun.status == "running")).all()
    assert len(stuck) == 1  # what kill -9 leaves behind

    feed.delay = 0.0
    after = run("bluesky", feed.base_url, db_url, watched=False, NETRA_PAGE_SIZE=5, NETRA_MAX_PAGES=100)
    assert after.status == "succeeded", after.error_log
    with session_scope(db_url) as s:
        closed = s.get(CrawlRun, stuck[0].id)
        assert closed.status == "failed" and "ended without closing the run" in closed.error_log[-1]["error"]
        assert s.scalar(select(func.count(CrawlRun.id)).where(CrawlRun.status == "running")) == 0
    assert stored_uris(db_url) == everything and activity_count(db_url) == 150  # each act exactly once
    assert after.items_stored == 150 - stored_before  # the run counts exactly the acts it added


def test_runs_list_and_show_tell_what_a_run_skipped(feed: FeedServer, sqlite_db: str) -> None:
    import json

    from typer.testing import CliRunner

    from monitor.cli import app

    add_declared(sqlite_db, "bluesky", HANDLE)
    feed.add_posts(6)
    feed.insert_record(2, {"post": {"uri": 42}})
    runner = CliRunner()
    crawled = runner.invoke(app, ["crawl", "bluesky", "--base-url", feed.base_url, "--no-watched"])
    assert crawled.exit_code == 1 and "netra runs show" in crawled.output  # partial is not success
    listed = runner.invoke(app, ["runs", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    (entry,) = json.loads(listed.output)
    assert entry["status"] == "partial" and entry["quarantined"] == 1 and entry["items_stored"] == 6
    assert "unreadable record" in entry["first_error"]
    shown = runner.invoke(app, ["runs", "show", str(entry["id"])])
    assert shown.exit_code == 0 and "records kept in quarantine: 1" in shown.output
    assert runner.invoke(app, ["runs", "show", "999"]).exit_code == 1


@pytest.fixture
def mastodon() -> Iterator:
    from tests.mastodon_statuses import StatusesServer

    with StatusesServer() as server:
        yield server


def test_mastodon_first_crawl_backfills_its_history_and_forward_reading_catches_up(mastodon, sqlite_db: str) -> None:
    from tests.mastodon_statuses import HANDLE as MASTO

    add_declared(sqlite_db, "mastodon", MASTO)
    small = {"NETRA_PAGE_SIZE": 5, "NETRA_MAX_PAGES": 3}
    everything = set(mastodon.add_statuses(32))

    def stored() -> set[str]:
        with session_scope(sqlite_db) as s:
            return set(s.scalars(select(Activity.external_id)))

    def state() -> dict:
        with session_scope(sqlite_db) as s:
            return dict(s.scalar(select(Account.crawl_state).where(Account.handle == MASTO)) or {})

    first = run("mastodon", mastodon.base_url, sqlite_db, watched=False, **small)
    assert first.status == "partial" and len(stored()) == 15 and state().get("backfill_max_id")
    everything |= set(mastodon.add_statuses(20))  # more than one capped forward reading holds
    second = run("mastodon", mastodon.base_url, sqlite_db, watched=False, **small)
    assert second.status == "partial"
    for _ in range(3):
        run("mastodon", mastodon.base_url, sqlite_db, watched=False, **small)
    assert stored() == everything and "backfill_max_id" not in state()
    last = run("mastodon", mastodon.base_url, sqlite_db, watched=False, **small)
    assert last.status == "succeeded" and last.items_stored == 0
