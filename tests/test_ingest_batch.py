"""The set-wise batch writer stores exactly what storing the same items one by one, in order, stores.

One sequence with every case the store distinguishes — new posts, the same post again, an edit,
a partial (embedded) view before and after the full one, a tombstone then a sighting in full,
activities seen twice in one batch with gaps filled the second time, likes of one post by two
accounts, an act's own evidence, a checkpoint in the middle — is stored once through
``IngestStore.store_batch`` in batches and once item by item through ``_retrying(_store_item)``;
the tables must hold the same rows (ids and capture times aside).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from monitor.db.schema import Account, Activity, Evidence, Post
from monitor.db.session import session_scope
from spiders.items import (
    AccountStateItem,
    ActivityItem,
    CrawlCheckpointItem,
    PostItem,
    TombstoneItem,
    raw_json,
)
from spiders.store import IngestStore
from tests.declared import add_declared

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def post(n: int, text: str | None = None, *, partial: bool = False, cid: str = "v1", author: str = "a") -> PostItem:
    body = {"uri": f"at://{author}/p/{n}", "cid": cid, "text": text or f"teks {n}"}
    return PostItem(platform="bluesky", external_id=f"at://{author}/p/{n}", text=text or f"teks {n}", version=cid,
                    author_handle=f"{author}.bsky.social", posted_at=T0 + timedelta(minutes=n),
                    posted_at_raw=(T0 + timedelta(minutes=n)).isoformat(), partial=partial,
                    raw=b"" if partial else raw_json(body), source_url="http://replay/feed", source="crawl:bluesky",
                    extras={"hashtags": [f"Tag{n}"]})


def sequence(first: int, second: int) -> list[Any]:
    candidate = post(100, "Coblos nomor 2", author="calon")
    embedded = post(101, "dikutip", partial=True, author="calon")
    items: list[Any] = [
        ActivityItem(platform="bluesky", kind="post", external_id=post(1).external_id, account_id=first,
                     post=post(1), text="teks 1", occurred_at=T0),
        # A quote: the quoted post only as an embedded (partial) copy.
        ActivityItem(platform="bluesky", kind="post", external_id=post(2).external_id, account_id=first,
                     post=post(2), target=embedded, text="teks 2", context="dikutip"),
        # The same act again with what it lacked the first time.
        ActivityItem(platform="bluesky", kind="post", external_id=post(1).external_id, account_id=first,
                     post=post(1), text="teks 1", url="https://bsky.app/x/1"),
        # Likes of one candidate post by two accounts, each with its own evidence record.
        ActivityItem(platform="bluesky", kind="like", external_id=candidate.external_id, account_id=first,
                     target=candidate, raw=raw_json({"like": 1}), occurred_at=T0 + timedelta(hours=1)),
        ActivityItem(platform="bluesky", kind="like", external_id=candidate.external_id, account_id=second,
                     target=candidate, raw=raw_json({"like": 2})),
        CrawlCheckpointItem(platform="bluesky", handle="satu.bsky.social", account_id=first,
                            advance={"newest_sort_at": "2026-03-01T09:00:00+00:00"}),
        # What the profile said of each account, between contents (a batch stores states after them).
        AccountStateItem(platform="bluesky", handle="satu.bsky.social", account_id=first,
                         external_id="did:plc:satu", state="active", labels=[{"val": "!warn"}]),
        AccountStateItem(platform="bluesky", handle="dua.bsky.social", account_id=second, state="deactivated"),
        # An edit of post 1: a new evidence version, the act's text follows.
        ActivityItem(platform="bluesky", kind="post", external_id=post(1).external_id, account_id=first,
                     post=post(1, "teks 1 (diubah)", cid="v2"), text="teks 1 (diubah)"),
        # The full view of the quoted post after its embedded copy.
        PostItem(**{**post(101, "dikutip").__dict__}),
        TombstoneItem(platform="bluesky", external_id=post(2).external_id, reason="gone"),
        # A share whose time comes later, and the same share again with its time.
        ActivityItem(platform="bluesky", kind="share", external_id=candidate.external_id, account_id=second,
                     target=candidate, raw=raw_json({"repost": 2})),
        ActivityItem(platform="bluesky", kind="share", external_id=candidate.external_id, account_id=second,
                     target=candidate, occurred_at=T0 + timedelta(hours=2), raw=raw_json({"repost": 2, "t": 1})),
        # Post 2 seen in full again: the premature tombstone is lifted.
        ActivityItem(platform="bluesky", kind="post", external_id=post(2).external_id, account_id=first,
                     post=post(2), text="teks 2"),
    ]
    items += [ActivityItem(platform="bluesky", kind="post", external_id=post(n).external_id, account_id=second,
                           post=post(n, author="dua"), text=f"teks {n}") for n in range(10, 40)]
    return items


def snapshot(url: str) -> dict[str, Any]:
    with session_scope(url) as s:
        posts = sorted(
            (p.platform, p.external_id, p.text, p.url, p.author_handle, p.lang, p.parent_external_id, p.posted_at,
             p.content_sha256, p.deleted_at is not None, str(p.extras))
            for p in s.scalars(select(Post)))
        # The stored bytes themselves, not only the hash computed before storing (PostgreSQL stores by COPY).
        evidence = {e.id: (e.subject_key, e.version, e.sha256, hashlib.sha256(e.raw).hexdigest(), e.source,
                           e.media_type, e.source_url) for e in s.scalars(select(Evidence))}
        acts = sorted(
            (a.account_id, a.kind, a.external_id, a.text, a.context_text, a.url, a.occurred_at,
             evidence.get(a.evidence_id), (a.post.external_id if a.post else None),
             (a.target_post.external_id if a.target_post else None))
            for a in s.scalars(select(Activity)))
        # The checkpoint's resume point: a batch saves it after its contents, one by one saves it in place.
        accounts = sorted((a.handle, str(a.crawl_state), a.last_crawled_at is not None, a.external_id, a.state,
                           str(a.labels)) for a in s.scalars(select(Account)))
        return {"posts": posts, "evidence": sorted(evidence.values()), "activities": acts, "accounts": accounts}


@pytest.mark.parametrize("batch_size", [3, 50])
def test_batches_store_what_one_by_one_stores(db_url: str, batch_size: int, tmp_path,  # type: ignore[no-untyped-def]
                                              caplog: pytest.LogCaptureFixture) -> None:
    from monitor.db.migrate import upgrade

    one_by_one_url = f"sqlite:///{tmp_path / 'one-by-one.db'}"
    upgrade(one_by_one_url)
    results = {}
    for url in (db_url, one_by_one_url):
        first = add_declared(url, "bluesky", "satu.bsky.social")
        second = add_declared(url, "bluesky", "dua.bsky.social")
        items = sequence(first, second)
        store = IngestStore(url)
        if url == db_url:
            created = []
            with caplog.at_level(logging.DEBUG, logger="spiders.store"):
                for start in range(0, len(items), batch_size):
                    created += store.store_batch(items[start:start + batch_size])
            # Every batch stored as a batch: a lookup that missed stored rows would fail on a unique key and be
            # rescued item by item, with the same outcome, so only this tells the batch path worked.
            assert "storing one by one" not in caplog.text
        else:
            created = [store._retrying(lambda s, item=item, store=store: store._store_item(s, item, None))
                       for item in items]
        results[url] = created
        assert not any(isinstance(r, Exception) for r in created), created
    assert results[db_url] == results[one_by_one_url]  # each item reports the same "new content" flag
    assert snapshot(db_url) == snapshot(one_by_one_url)
    with caplog.at_level(logging.DEBUG, logger="spiders.store"):
        again = IngestStore(db_url).store_batch(sequence(first, second)[12:])
    assert again == [False] * len(again)  # a repeat writes nothing new
    assert "storing one by one" not in caplog.text


def test_an_account_named_by_the_id_its_state_just_gave_is_found_in_the_same_batch(
        db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    # States are stored after the contents only when every activity names its account by registry id: an
    # activity that names it by the platform id a state item of the same batch just recorded must find it.
    first = add_declared(db_url, "bluesky", "satu.bsky.social")
    state = AccountStateItem(platform="bluesky", handle="satu.bsky.social", account_id=first,
                             external_id="did:plc:baru", state="active")
    by_platform_id = ActivityItem(platform="bluesky", kind="post", external_id=post(7).external_id,
                                  account_external_id="did:plc:baru", post=post(7), text="teks 7")
    by_id = ActivityItem(platform="bluesky", kind="post", external_id=post(8).external_id, account_id=first,
                         post=post(8), text="teks 8")
    with caplog.at_level(logging.DEBUG, logger="spiders.store"):
        results = IngestStore(db_url).store_batch([state, by_platform_id, by_id])
    assert results[1:] == [True, True], results
    assert "storing one by one" not in caplog.text  # stored as one batch, not rescued item by item
    with session_scope(db_url) as s:
        assert set(s.scalars(select(Activity.account_id))) == {first}
        assert s.get(Account, first).external_id == "did:plc:baru"



def test_a_batch_holds_a_resume_point_while_acts_of_its_account_wait_for_retry(
        db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    # A batch reads every checkpoint's account and the retry table at once (spiders/ingest_batch.py): a
    # position whose account has acts waiting, under any of the names the retry table uses (registry id,
    # handle), must still be held, and the others advanced in the same batch.
    from spiders.store_errors import PositionHeld

    by_id = add_declared(db_url, "bluesky", "satu.bsky.social")
    free = add_declared(db_url, "bluesky", "dua.bsky.social")
    by_handle = add_declared(db_url, "bluesky", "tiga.bsky.social")
    store = IngestStore(db_url)
    store.keep_for_retry(ActivityItem(platform="bluesky", kind="post", external_id=post(1).external_id,
                                      account_id=by_id, post=post(1), text="teks 1"), RuntimeError("disk full"))
    store.keep_for_retry(ActivityItem(platform="bluesky", kind="post", external_id=post(2).external_id,
                                      account_handle="Tiga.bsky.social", post=post(2), text="teks 2"),
                         RuntimeError("disk full"))

    def checkpoint(handle: str, account_id: int) -> CrawlCheckpointItem:
        return CrawlCheckpointItem(platform="bluesky", handle=handle, account_id=account_id,
                                   advance={"newest_sort_at": "2026-03-01T09:00:00+00:00"})

    act = ActivityItem(platform="bluesky", kind="post", external_id=post(3).external_id, account_id=free,
                       post=post(3, author="dua"), text="teks 3")
    state = AccountStateItem(platform="bluesky", handle="dua.bsky.social", account_id=free, state="active")
    with caplog.at_level(logging.DEBUG, logger="spiders.store"):
        assert store.store_batch([act, state, checkpoint("dua.bsky.social", free)]) == [True, None, None]
    assert "storing one by one" not in caplog.text  # the batch path itself advanced it
    results = store.store_batch([checkpoint("satu.bsky.social", by_id), checkpoint("tiga.bsky.social", by_handle)])
    assert all(isinstance(r, PositionHeld) for r in results), results
    with session_scope(db_url) as s:
        positions = {a.handle: (a.crawl_state or {}).get("newest_sort_at") for a in s.scalars(select(Account))}
    assert positions == {"satu.bsky.social": None, "dua.bsky.social": "2026-03-01T09:00:00+00:00",
                         "tiga.bsky.social": None}

def test_copy_reports_a_lost_unique_key_race_as_integrity_error(pg_url: str) -> None:
    # On PostgreSQL new rows go in by COPY; a row another writer stored meanwhile must still surface as the
    # IntegrityError the store retries on (the batch is then re-read and writes nothing twice).
    from sqlalchemy.exc import IntegrityError

    from monitor.db.migrate import upgrade
    from monitor.db.types import utcnow
    from spiders.ingest_batch import POST_COLUMNS, BatchWriter

    upgrade(pg_url)
    store = IngestStore(pg_url)
    assert store.store_batch([post(1)]) == [True]
    now = utcnow()
    row = {c: None for c in POST_COLUMNS} | {"platform": "bluesky", "external_id": post(1).external_id,
                                              "first_seen_at": now, "last_seen_at": now, "extras": {"k": [1]}}
    with pytest.raises(IntegrityError), session_scope(pg_url) as s:
        BatchWriter(store, s, None)._insert_rows(Post.__table__, [row])
    with session_scope(pg_url) as s:
        BatchWriter(store, s, None)._insert_rows(Post.__table__, [row | {"external_id": "at://a/p/2"}])
    with session_scope(pg_url) as s:
        stored = s.scalar(select(Post).where(Post.external_id == "at://a/p/2"))
        assert stored is not None and stored.extras == {"k": [1]} and stored.first_seen_at == now


@pytest.mark.parametrize("dialect_name", ["sqlite", "postgresql"])
def test_bind_processing_converts_each_time_as_the_column_would(dialect_name: str) -> None:
    """Repeated times are converted once per value, with the result the column's own processor gives each."""
    from sqlalchemy.dialects import postgresql, sqlite

    from spiders.ingest_batch import POST_COLUMNS, _processed

    dialect = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}[dialect_name]
    columns = list(POST_COLUMNS)
    processors = [Post.__table__.c[name].type._cached_bind_processor(dialect) for name in columns]
    now = datetime(2024, 11, 3, 8, 0, tzinfo=UTC)
    elsewhere = now + timedelta(hours=1)
    rows = [{name: None for name in columns} | {
        "platform": "bluesky", "external_id": f"p{i}", "extras": {"n": i},
        "posted_at": [now, None, elsewhere][i % 3], "first_seen_at": now, "last_seen_at": now}
        for i in range(7)]
    expected = [tuple(row[name] if process is None else process(row[name])
                      for name, process in zip(columns, processors, strict=True)) for row in rows]

    def plain(values: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:  # psycopg's Json wrapper has no ==
        return [tuple(getattr(v, "obj", v) for v in row) for row in values]

    assert plain(_processed(rows, columns, processors)) == plain(expected)
