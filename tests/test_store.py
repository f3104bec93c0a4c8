"""The ingestion store: idempotent upserts, evidence versions, tombstones, crawl runs — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from monitor.db.schema import Account, Activity, CrawlRun, Evidence, Post
from monitor.db.session import session_scope
from spiders.items import AccountStateItem, ActivityItem, CrawlCheckpointItem, PostItem, parse_time, raw_json
from spiders.store import IngestStore, UnknownAccount
from tests.declared import add_declared

DID = "did:plc:47tqcxw6yjrtrrxqzjwjnbgh"
POST_URI = f"at://{DID}/app.bsky.feed.post/3lbdsj7f3vkku"
CANDIDATE_URI = "at://did:plc:hmb7kxxn7mjbfcud6uvjlcdf/app.bsky.feed.post/3lbcb2hu2nsyu"


def _post(text: str = "Perekaman KTP-el lancar 🙏 #PelayananPublik", cid: str = "bafy1", **kw) -> PostItem:
    record = {"uri": POST_URI, "cid": cid, "record": {"text": text, "createdAt": "2024-11-20T01:32:10.118Z"},
              "likeCount": kw.pop("likes", 14)}
    defaults = dict(
        platform="bluesky", external_id=POST_URI, url="https://bsky.app/profile/x/post/3lbdsj7f3vkku",
        author_handle="rinapratiwi.bsky.social", author_external_id=DID, text=text,
        extras={"hashtags": ["PelayananPublik"], "alt_texts": ["Petugas memotret warga"]}, lang="id",
        posted_at=parse_time("2024-11-20T01:32:10.118Z"), posted_at_raw="2024-11-20T01:32:10.118Z",
        version=cid, raw=raw_json(record), source_url="http://replay/xrpc/app.bsky.feed.getAuthorFeed",
        source="crawl:bluesky",
    )
    defaults.update(kw)
    return PostItem(**defaults)


def _candidate_post(**kw) -> PostItem:
    defaults = dict(platform="bluesky", external_id=CANDIDATE_URI, text="27 November coblos nomor 2!",
                    author_handle="sutrisnowibowo.bsky.social", raw=b'{"uri":"c"}', source="crawl:bluesky")
    defaults.update(kw)
    return PostItem(**defaults)


def _count(url: str, model) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_post_upsert_is_idempotent(db_url: str) -> None:
    store = IngestStore(db_url)
    first = store.ingest_post(_post())
    again = store.ingest_post(_post(likes=99))  # only a count changed: not an edit
    assert first.created and not again.created
    assert first.id == again.id
    assert _count(db_url, Post) == 1
    assert _count(db_url, Evidence) == 1
    with session_scope(db_url) as s:
        post = s.get(Post, first.id)
        assert post.text.endswith("#PelayananPublik")
        assert post.posted_at == datetime(2024, 11, 20, 1, 32, 10, 118000, UTC)
        assert post.extras["alt_texts"] == ["Petugas memotret warga"]


def test_edited_post_adds_an_evidence_version_and_keeps_the_old_one(db_url: str) -> None:
    store = IngestStore(db_url)
    store.ingest_post(_post())
    edited = store.ingest_post(_post(text="Perekaman KTP-el lancar (ralat: Kec. Sukasari)", cid="bafy2"))
    assert edited.created
    versions = store.evidence_versions(f"bluesky:post:{POST_URI}")
    assert [v.version for v in versions] == [1, 2]
    assert "Sukasari" not in versions[0].raw.decode() and "Sukasari" in versions[1].raw.decode()
    assert all(v.post_id == edited.id for v in versions)
    with session_scope(db_url) as s:
        assert s.get(Post, edited.id).text.endswith("Sukasari)")
    # The same edited bytes again add nothing.
    assert not store.ingest_post(_post(text="Perekaman KTP-el lancar (ralat: Kec. Sukasari)", cid="bafy2")).created
    assert _count(db_url, Evidence) == 2


def test_partial_copy_never_overwrites_the_full_record(db_url: str) -> None:
    store = IngestStore(db_url)
    store.ingest_post(_post())
    partial = _post(text="cut short", extras={}, partial=True, raw=b'{"quoted":true}')
    assert not store.ingest_post(partial).created
    with session_scope(db_url) as s:
        assert s.scalar(select(Post.text)).startswith("Perekaman")
    assert _count(db_url, Evidence) == 1


def test_capture_evidence_dedupes_bytes_and_versions_changes(db_url: str) -> None:
    store = IngestStore(db_url)
    a = store.capture_evidence("x:like:1|p", b"one", "http://u", source="import:x-archive")
    b = store.capture_evidence("x:like:1|p", b"one", "http://u", source="import:x-archive")
    c = store.capture_evidence("x:like:1|p", b"two", "http://u", source="import:x-archive")
    assert a.created and not b.created and c.created and a.id == b.id
    assert [v.version for v in store.evidence_versions("x:like:1|p")] == [1, 2]


def test_activity_insert_if_absent_with_target_and_evidence(db_url: str) -> None:
    account_id = add_declared(db_url, "bluesky", "rinapratiwi.bsky.social")
    store = IngestStore(db_url)
    like_entry = {"actor": {"did": DID}, "createdAt": "2024-11-19T12:05:10.220Z"}
    like = ActivityItem(
        platform="bluesky", kind="like", external_id=CANDIDATE_URI, account_handle="RinaPratiwi.bsky.social",
        target=_candidate_post(), context="27 November coblos nomor 2!",
        occurred_at=parse_time(like_entry["createdAt"]), raw=raw_json(like_entry), source="crawl:bluesky",
        source_url="http://replay/xrpc/app.bsky.feed.getLikes",
    )
    first = store.ingest_activity(like)
    second = store.ingest_activity(like)
    assert first.created and not second.created and first.id == second.id
    with session_scope(db_url) as s:
        act = s.get(Activity, first.id)
        assert act.account_id == account_id and act.kind == "like" and act.post_id is None
        assert act.target_post.external_id == CANDIDATE_URI
        assert act.context_text.startswith("27 November")
        assert json.loads(act.evidence.raw)["actor"]["did"] == DID
    assert _count(db_url, Activity) == 1 and _count(db_url, Post) == 1 and _count(db_url, Evidence) == 2


def test_own_post_activity_points_at_the_post_evidence(db_url: str) -> None:
    add_declared(db_url, "bluesky", "rinapratiwi.bsky.social")
    store = IngestStore(db_url)
    with session_scope(db_url) as s:
        s.execute(Account.__table__.update().values(external_id=DID))
    act = ActivityItem(platform="bluesky", kind="post", external_id=POST_URI, account_external_id=DID,
                       post=_post(), text="Perekaman KTP-el lancar", source="crawl:bluesky")
    stored = store.ingest_activity(act)
    with session_scope(db_url) as s:
        row = s.get(Activity, stored.id)
        assert row.post.external_id == POST_URI and row.evidence.subject_key == f"bluesky:post:{POST_URI}"


def test_share_seen_later_with_a_time_fills_it_in(db_url: str) -> None:
    add_declared(db_url, "bluesky", "rinapratiwi.bsky.social")
    store = IngestStore(db_url)
    base = dict(platform="bluesky", kind="share", external_id=CANDIDATE_URI, account_handle="rinapratiwi.bsky.social",
                target=_candidate_post(), source="crawl:bluesky")
    store.ingest_activity(ActivityItem(**base))
    filled = store.ingest_activity(ActivityItem(**base, occurred_at=parse_time("2024-11-19T12:05:44.873Z")))
    assert filled.created
    with session_scope(db_url) as s:
        assert s.scalar(select(Activity.occurred_at)) == datetime(2024, 11, 19, 12, 5, 44, 873000, UTC)
    assert _count(db_url, Activity) == 1


def test_unknown_account_writes_nothing(db_url: str) -> None:
    store = IngestStore(db_url)
    with pytest.raises(UnknownAccount, match="nobody.bsky.social"):
        store.ingest_activity(ActivityItem(platform="bluesky", kind="like", external_id=CANDIDATE_URI,
                                           account_handle="nobody.bsky.social", target=_candidate_post(),
                                           raw=b"{}"))
    assert _count(db_url, Post) == 0 and _count(db_url, Evidence) == 0


def test_mark_deleted_tombstones_and_keeps_the_row(db_url: str) -> None:
    store = IngestStore(db_url)
    store.ingest_post(_post())
    assert store.mark_deleted("bluesky", POST_URI)
    assert not store.mark_deleted("bluesky", POST_URI)
    assert not store.mark_deleted("bluesky", "at://never/seen")
    with session_scope(db_url) as s:
        post = s.scalar(select(Post))
        assert post.deleted_at is not None and post.text
    assert _count(db_url, Evidence) == 1


def test_account_state_and_checkpoint(db_url: str) -> None:
    account_id = add_declared(db_url, "bluesky", "rinapratiwi.bsky.social")
    store = IngestStore(db_url)
    assert store.update_account(AccountStateItem(platform="bluesky", handle="rinapratiwi.bsky.social",
                                                 external_id=DID, labels=[{"val": "!no-unauthenticated"}]))
    assert not store.update_account(AccountStateItem(platform="bluesky", handle="rinapratiwi.bsky.social",
                                                     external_id=DID, labels=[{"val": "!no-unauthenticated"}]))
    store.update_account(AccountStateItem(platform="bluesky", handle="x", account_id=account_id, state="suspended"))
    store.save_checkpoint(CrawlCheckpointItem(platform="bluesky", handle="rinapratiwi.bsky.social",
                                              crawl_state={"newest": "2024-11-20"}))
    with session_scope(db_url) as s:
        acc = s.get(Account, account_id)
        assert (acc.external_id, acc.state, acc.crawl_state) == (DID, "suspended", {"newest": "2024-11-20"})
        assert acc.last_crawled_at is not None


def test_crawl_run_counts_and_error_log(db_url: str) -> None:
    store = IngestStore(db_url)
    run_id = store.start_run("bluesky", "bluesky", "rinapratiwi.bsky.social")
    store.add_counts(run_id, seen=5, stored=3)
    store.add_counts(run_id, seen=2)
    store.record_error(run_id, account="rinapratiwi.bsky.social", url="http://replay/x", error="HTTP 503")
    assert store.finish_run(run_id, stats={"pages": 2}) == "partial"
    with session_scope(db_url) as s:
        run = s.get(CrawlRun, run_id)
        assert (run.items_seen, run.items_stored, run.errors) == (7, 3, 1)
        assert run.error_log[0]["account"] == "rinapratiwi.bsky.social" and run.error_log[0]["url"] == "http://replay/x"
        assert run.finished_at is not None and run.stats == {"pages": 2}
    clean = store.start_run("bluesky")
    assert store.finish_run(clean) == "succeeded"
    failed = store.start_run("bluesky")
    store.record_error(failed, account=None, url=None, error="connection refused")
    assert store.finish_run(failed) == "failed"
